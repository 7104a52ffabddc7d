"""The service's dashboard in a real headless Chromium (Debian's chromium and
chromium-driver, installed by scripts/test), clicked through from the token to a
finished job: submit, per-frame grid with thumbnails, a frame's log, the preview video,
the job buttons."""

import os
from pathlib import Path

import pytest

webdriver = pytest.importorskip("selenium.webdriver")
from selenium.common.exceptions import (  # noqa: E402
    NoSuchElementException,
    StaleElementReferenceException,
)
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

CHROMIUM, DRIVER = "/usr/bin/chromium", "/usr/bin/chromedriver"

if not (Path(CHROMIUM).exists() and Path(DRIVER).exists()) and not os.environ.get("CI"):
    pytest.skip("Chromium is not installed (scripts/test installs it when run as root)",
                allow_module_level=True)


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    os.environ["SE_OFFLINE"] = "true"  # Selenium Manager must not look for downloads
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--window-size=1400,1000",
                 f"--user-data-dir={tmp_path_factory.mktemp('chromium')}"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(DRIVER), options=options)
    yield driver
    driver.quit()


def wait(driver, condition, timeout=120):
    """Wait for `condition`; the page redraws its tables every second, so an element
    found a moment ago may be gone: that is tried again, not a failure."""
    return WebDriverWait(driver, timeout, poll_frequency=0.2, ignored_exceptions=(
        StaleElementReferenceException, NoSuchElementException)).until(
        lambda d: condition(d))


def click(driver, selector: str, timeout=30) -> None:
    """Click the element `selector` finds, finding it again if the page redrew it."""
    def clicked(d):
        d.find_element(By.CSS_SELECTOR, selector).click()
        return True

    wait(driver, clicked, timeout)


def row_state(driver, job_id: str) -> str:
    rows = driver.find_elements(By.CSS_SELECTOR, f'tr[data-job="{job_id}"] .state')
    return rows[0].text if rows else ""


def test_submit_to_done_in_the_dashboard(service, studio, browser, tmp_path):
    browser.get(service.url)
    assert browser.find_element(By.ID, "login").is_displayed()
    browser.find_element(By.ID, "token").send_keys("wrong-token")
    browser.find_element(By.ID, "connect").click()
    wait(browser, lambda d: "refused" in d.find_element(By.ID, "login-error").text, 20)
    assert not browser.find_element(By.ID, "app").is_displayed()

    field = browser.find_element(By.ID, "token")
    field.clear()
    field.send_keys(service.token)
    browser.find_element(By.ID, "connect").click()
    wait(browser, lambda d: d.find_element(By.ID, "app").is_displayed(), 20)
    wait(browser, lambda d: len(d.find_elements(By.CSS_SELECTOR, "#workers tbody tr")) >= 2)

    # A bad path is refused with the reason, shown on the page.
    browser.find_element(By.ID, "submit-scene").send_keys("/etc/hostname")
    browser.find_element(By.ID, "submit-button").click()
    wait(browser, lambda d: "outside the folders" in d.find_element(By.ID, "error").text, 20)

    scene = browser.find_element(By.ID, "submit-scene")
    scene.clear()
    scene.send_keys(str(studio / "shot.blend"))
    browser.find_element(By.ID, "submit-frames").send_keys("1-4")
    browser.find_element(By.ID, "submit-out").send_keys(str(studio / "dashboard"))
    browser.find_element(By.ID, "submit-button").click()
    job_id = wait(browser, lambda d: d.find_element(
        By.CSS_SELECTOR, "tr.job.selected").get_attribute("data-job"), 20)
    wait(browser, lambda d: row_state(d, job_id) == "done")
    wait(browser, lambda d: "4/4" in d.find_element(
        By.CSS_SELECTOR, f'tr[data-job="{job_id}"] .progress').text, 20)

    # The grid: four finished frames, each with its thumbnail loaded.
    wait(browser, lambda d: len(d.find_elements(By.CSS_SELECTOR, "#grid .cell.done img")) == 4)
    for image in browser.find_elements(By.CSS_SELECTOR, "#grid .cell.done img"):
        wait(browser, lambda d, image=image: d.execute_script(
            "return arguments[0].complete && arguments[0].naturalWidth", image), 20)
        assert browser.execute_script("return arguments[0].naturalWidth", image) == 192
    click(browser, '#grid .cell[data-index="2"]')
    wait(browser, lambda d: "done on" in d.find_element(By.ID, "task-log").text, 20)
    assert "frame_0002.png" in browser.find_element(By.ID, "task-log").text
    video = wait(browser, lambda d: d.find_elements(By.ID, "preview-video"))[0]
    wait(browser, lambda d: d.execute_script("return arguments[0].readyState", video) >= 1, 30)
    assert browser.execute_script("return arguments[0].videoWidth", video) == 64
    assert "done" in browser.find_element(By.ID, "job-log").text
    browser.save_screenshot(str(tmp_path / "dashboard.png"))

    # The job's buttons: pause and resume a second job, then delete it.
    client = service.client()
    second = client.submit({"kind": "render", "scene": str(studio / "shot.blend"),
                            "out": str(studio / "dashboard2"), "priority": 0,
                            "preview": False}).id
    client.action(second, "pause")
    wait(browser, lambda d: row_state(d, second) == "paused", 20)
    click(browser, f'tr[data-job="{second}"] button[data-action="resume"]')
    wait(browser, lambda d: row_state(d, second) in ("queued", "running", "done"), 20)
    wait(browser, lambda d: row_state(d, second) == "done")
    click(browser, f'tr[data-job="{second}"] button[data-action="delete"]')
    wait(browser, lambda d: not d.find_elements(By.CSS_SELECTOR, f'tr[data-job="{second}"]'),
         20)
    assert [j.id for j in client.jobs()].count(second) == 0
