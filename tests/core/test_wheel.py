"""The built wheel holds every module of the extension and the farm, and the data files
they read (a new subpackage must not pass the editable install of the tests and be
missing from what users install)."""

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = {"metastudio": ROOT / "addon", "metastudio_farm": ROOT / "farm"}
DATA = ["metastudio/core/background/text_tagger.npz",
        "metastudio/core/background/text_tagger_ko.npz",
        "metastudio_farm/service/dashboard.html"]


def test_the_wheel_holds_every_module_and_its_data(tmp_path):
    # Built from a copy: setuptools builds in the source tree (build/, *.egg-info), and a
    # test writes in its own folder only.
    source = tmp_path / "source"
    ignore = shutil.ignore_patterns("__pycache__", "*.egg-info")
    for folder in PACKAGES.values():
        shutil.copytree(folder, source / folder.name, ignore=ignore)
    for name in ("setup.py", "pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    # No build isolation: the build uses this environment's setuptools and fetches nothing.
    build = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
         "--no-index", "-q", "-w", str(tmp_path), str(source)],
        capture_output=True, text=True, cwd=tmp_path)
    assert build.returncode == 0, build.stderr
    (wheel,) = tmp_path.glob("metastudio-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    expected = {f"{package}/{path.relative_to(folder).as_posix()}"
                for package, folder in PACKAGES.items() for path in folder.rglob("*.py")}
    assert expected - names == set()
    assert set(DATA) - names == set()
