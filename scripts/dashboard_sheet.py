"""Render docs/dashboard.png: the farm service's dashboard in headless Chromium, with a
finished render (thumbnails, a frame's log, the preview), one paused because a frame
could not be written into its folder (the folder and the reason shown), and a job
waiting on that one.

    .venv/bin/python scripts/dashboard_sheet.py   (needs chromium and chromium-driver)"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from selenium import webdriver  # noqa: E402
from selenium.common.exceptions import StaleElementReferenceException  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402

from tests.bpy_process import build_scene  # noqa: E402
from tests.farm.service_process import ServiceProcess, wait_for  # noqa: E402

OUT = Path(__file__).resolve().parent.parent / "docs" / "dashboard.png"


def click(browser, css: str) -> None:
    """Click an element the page may be redrawing (the tables are redrawn every second)."""
    for _ in range(10):
        try:
            browser.find_element(By.CSS_SELECTOR, css).click()
            return
        except StaleElementReferenceException:
            time.sleep(0.2)
    browser.find_element(By.CSS_SELECTOR, css).click()


def main() -> int:
    os.environ["SE_OFFLINE"] = "true"
    with tempfile.TemporaryDirectory(prefix="metastudio-dashboard-") as folder:
        studio = Path(folder) / "projects"
        studio.mkdir()
        scene = build_scene(studio / "sh010.blend", frames=12, resolution=(320, 180),
                            samples=8)
        (studio / "sh020" / "frame_0004.png").mkdir(parents=True)  # cannot be written
        service = ServiceProcess(Path(folder) / "home", [studio], "--cpus-per-worker",
                                 "1").start()
        try:
            client = service.client()
            service.wait_for_workers(2)
            broken = client.submit({"kind": "render", "scene": scene, "frames": "1-6",
                                    "out": str(studio / "sh020"), "name": "sh020 lighting",
                                    "preview": False})
            wait_for(client, broken.id, states=("paused", "failed", "done"))
            shot = client.submit({"kind": "render", "scene": scene, "name": "sh010 anim",
                                  "out": str(studio / "sh010"), "priority": 80})
            wait_for(client, shot.id)
            client.submit({"kind": "render", "scene": scene, "name": "sh010 comp",
                           "out": str(studio / "comp"), "depends_on": [broken.id]})
            options = webdriver.ChromeOptions()
            options.binary_location = "/usr/bin/chromium"
            for flag in ("--headless=new", "--no-sandbox", "--disable-gpu",
                         "--disable-background-networking", "--disable-component-update",
                         "--disable-sync", "--no-first-run", "--window-size=1400,900",
                         "--hide-scrollbars", f"--user-data-dir={folder}/chromium"):
                options.add_argument(flag)
            browser = webdriver.Chrome(service=Service("/usr/bin/chromedriver"),
                                       options=options)
            try:
                browser.get(service.url)
                browser.find_element(By.ID, "token").send_keys(service.token)
                browser.find_element(By.ID, "connect").click()
                time.sleep(2)
                click(browser, f'tr[data-job="{shot.id}"]')
                time.sleep(3)
                click(browser, '#grid .cell[data-index="7"]')
                time.sleep(2)
                browser.save_screenshot(str(OUT))
            finally:
                browser.quit()
        finally:
            service.stop()
    print(f"wrote {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
