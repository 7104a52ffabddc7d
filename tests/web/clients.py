"""The real clients an avatar is checked with: Khronos's glTF-Validator (node) and
three.js with @pixiv/three-vrm in headless Chromium (Selenium, Debian's chromedriver).
Both come from npm (tests/web/package.json, installed by scripts/_bootstrap_node.sh);
nothing here touches the network but a server on 127.0.0.1 for the page."""

from __future__ import annotations

import atexit
import functools
import http.server
import json
import os
import shutil
import subprocess
import tempfile
import threading
from contextlib import contextmanager
from pathlib import Path

WEB = Path(__file__).resolve().parent
CHROMIUM, DRIVER = "/usr/bin/chromium", "/usr/bin/chromedriver"


def missing() -> str | None:
    """Why the clients cannot run here, or None."""
    if shutil.which("node") is None:
        return "node is not installed (scripts/test installs it when run as root)"
    if not (WEB / "node_modules" / "gltf-validator").is_dir():
        return "the npm clients are not installed (scripts/_bootstrap_node.sh)"
    if not (Path(CHROMIUM).exists() and Path(DRIVER).exists()):
        return "Chromium is not installed (scripts/test installs it when run as root)"
    return None


def validate(path: Path) -> dict:
    """glTF-Validator's report on a .glb/.vrm file."""
    done = subprocess.run(["node", str(WEB / "validate.js"), str(path)], check=True,
                          capture_output=True, text=True, timeout=300)
    return json.loads(done.stdout)


@contextmanager
def _served(folder: Path):
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map,
                      ".js": "text/javascript", ".vrm": "model/gltf-binary"}

    def log_message(self, *args) -> None:  # the test's output is not a server log
        pass


def browser(width: int = 800, height: int = 800):
    """Headless Chromium that draws WebGL in software and never looks for downloads."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    os.environ["SE_OFFLINE"] = "true"
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    profile = tempfile.mkdtemp(prefix="metastudio-chromium-")
    atexit.register(shutil.rmtree, profile, True)  # the profile goes with the process
    for flag in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage",
                 "--use-angle=swiftshader", "--enable-unsafe-swiftshader",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", f"--window-size={width},{height}",
                 f"--user-data-dir={profile}"):
        options.add_argument(flag)
    return webdriver.Chrome(service=Service(DRIVER), options=options)


def view_vrm(driver, path: Path, screenshot: Path | None = None,
             animation: Path | None = None, **query) -> dict:
    """Load a VRM in three-vrm (viewer.html) with expressions and a view set by `query`
    (aa=1, blink=1, view="face", swing=1), and a VRM Animation played on it; returns
    what the page loaded, and saves the canvas."""
    with tempfile.TemporaryDirectory(prefix="metastudio-vrm-") as folder:
        root = Path(folder)
        for name in ("viewer.html", "node_modules"):
            (root / name).symlink_to(WEB / name)
        (root / "avatar.vrm").symlink_to(path.resolve())
        if animation is not None:
            (root / "animation.vrma").symlink_to(animation.resolve())
            query["vrma"] = "animation.vrma"
        with _served(root) as address:
            arguments = "&".join(f"{k}={v}" for k, v in {"file": "avatar.vrm",
                                                         **query}.items())
            driver.get(f"{address}/viewer.html?{arguments}")
            from selenium.webdriver.support.ui import WebDriverWait

            report = WebDriverWait(driver, 240, poll_frequency=0.25).until(
                lambda d: d.execute_script("return window.report || null"))
            if screenshot is not None:
                data = driver.execute_script(
                    "return document.querySelector('canvas').toDataURL('image/png')")
                import base64

                screenshot.write_bytes(base64.b64decode(data.split(",", 1)[1]))
    return report
