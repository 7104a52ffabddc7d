"""Tracking speed and steadiness on real footage of a person (the photo of Grace Hopper
that ships with matplotlib), at 640x480 on this machine.

    .venv/bin/python scripts/bench_tracking.py [--frames 150] [--baseline-python PY]

Speed: frames a second for body + face (pose and face-mesh models in video mode, run by
MediaPipe's Tasks API from the bundles made at install time), and with the hand model
too, beside the route it replaced (MediaPipe 0.10.21's solutions API, pose and face mesh
in video mode: the same networks, which that release bundled; CPython 3.11 only) and
MediaPipe Holistic (body, face and hands in one graph, what BlendArMocap runs), on the
same frames: a camera panning across the photo. The baseline runs in a CPython 3.11 (a
3.11 test tier's, e.g. .venv-bpy50) with 0.10.21 installed beside it in
build/legacy-mediapipe (once, from the wheel scripts/_bootstrap.sh downloaded).
Steadiness: a still pose filmed with sensor noise (the same frame with fresh Gaussian
noise, sigma 4 of 255, each frame): how far the world landmarks move frame to frame, as
tracked and after the One Euro filter at two strengths.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from importlib.metadata import version
from pathlib import Path

import cv2
import matplotlib
import numpy as np
from metastudio.core.tracking.filter import steady
from metastudio.core.tracking.landmarks import track
from metastudio.core.tracking.media import open_clip

WIDTH, HEIGHT = 640, 480


def photo() -> np.ndarray:
    path = Path(matplotlib.__file__).parent / "mpl-data" / "sample_data" / "grace_hopper.jpg"
    image = cv2.imread(str(path), cv2.IMREAD_COLOR)
    # The portrait on a 640x480 frame, a little larger than the frame is tall.
    scale = 1.3 * HEIGHT / image.shape[0]
    return cv2.resize(image, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)


def write_video(path: Path, frames: list[np.ndarray], fps: float = 30.0) -> None:
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), fps,
                             (WIDTH, HEIGHT))
    for frame in frames:
        writer.write(frame)
    writer.release()


def panning(count: int) -> list[np.ndarray]:
    image = photo()
    spare = image.shape[1] - WIDTH if image.shape[1] > WIDTH else 0
    canvas = np.zeros((image.shape[0], max(image.shape[1], WIDTH + 200), 3), np.uint8)
    canvas[:, :image.shape[1]] = image
    top = (image.shape[0] - HEIGHT) // 3
    return [canvas[top:top + HEIGHT, int(x):int(x) + WIDTH]
            for x in np.linspace(0, max(spare, 160), count)]


ROOT = Path(__file__).resolve().parent.parent
LEGACY = ROOT / "build" / "legacy-mediapipe"
LEGACY_RUN = r"""
import json, sys, time
import cv2
from mediapipe.python.solutions import face_mesh, holistic, pose

capture = cv2.VideoCapture(sys.argv[1])
frames = []
while True:
    ok, frame = capture.read()
    if not ok:
        break
    frames.append(cv2.cvtColor(frame, cv2.COLOR_BGR2RGB))


def fps(models):
    for model in models:
        model.process(frames[0])  # warm up, as the track's first frame does
    started = time.perf_counter()
    for frame in frames[1:]:
        for model in models:
            model.process(frame)
    for model in models:
        model.close()
    return (len(frames) - 1) / (time.perf_counter() - started)


old = fps([pose.Pose(static_image_mode=False, model_complexity=1, smooth_landmarks=False,
                     enable_segmentation=False),
           face_mesh.FaceMesh(static_image_mode=False, max_num_faces=1,
                              refine_landmarks=True)])
both = fps([holistic.Holistic(static_image_mode=False, model_complexity=1,
                              smooth_landmarks=False, refine_face_landmarks=True)])
print(json.dumps({"legacy": old, "holistic": both}))
"""


def baseline_python() -> Path | None:
    """A CPython 3.11 of a test tier (0.10.21 has wheels for 3.11 only)."""
    for tier in ("bpy50", "bpy45", "bpy42"):
        candidate = ROOT / f".venv-{tier}" / "bin" / "python"
        if candidate.exists():
            return candidate
    return None


def legacy_env(python: Path) -> dict[str, str]:
    """The environment in which `python` imports MediaPipe 0.10.21 from
    build/legacy-mediapipe, installed there once (from the wheel the bootstrap keeps)."""
    if not (LEGACY / "mediapipe").exists():
        wheels = sorted((ROOT / "build" / "wheels" / "legacy").glob("mediapipe-0.10.21-*.whl"))
        source = str(wheels[-1]) if wheels else "mediapipe==0.10.21"
        subprocess.run([str(python), "-m", "pip", "install", "--quiet", "--no-deps",
                        "--target", str(LEGACY), source, "protobuf>=4.25.8,<5", "attrs"],
                       check=True)
    return {**os.environ, "PYTHONPATH": str(LEGACY), "GLOG_minloglevel": "2"}


def baseline_fps(python: Path, video: Path) -> dict[str, float]:
    """The replaced route's and Holistic's frames a second on `video`, run by `python`
    with MediaPipe 0.10.21 (see `legacy_env`)."""
    done = subprocess.run([str(python), "-c", LEGACY_RUN, str(video)], env=legacy_env(python),
                          capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frames", type=int, default=150)
    parser.add_argument("--baseline-python", type=lambda v: Path(v) if v else None,
                        default=baseline_python(),
                        help="a CPython 3.11 for MediaPipe 0.10.21 (default: a 3.11 "
                             "tier's; '' for none)")
    args = parser.parse_args()
    frames = panning(args.frames)
    import bpy

    print(f"CPython {platform.python_version()}, bpy {bpy.app.version_string}, "
          f"MediaPipe {version('mediapipe')}")
    with tempfile.TemporaryDirectory() as folder:
        video = Path(folder) / "pan.avi"
        write_video(video, frames)
        clip = open_clip(video)
        times = []
        track(clip, progress=lambda done, total: times.append(time.perf_counter()))
        ours = (len(times) - 1) / (times[-1] - times[0])  # from the first frame's end
        times = []
        track(clip, progress=lambda done, total: times.append(time.perf_counter()),
              hands=True)
        with_hands = (len(times) - 1) / (times[-1] - times[0])
        theirs = baseline_fps(args.baseline_python, video) if args.baseline_python else {}
        print(f"speed at {WIDTH}x{HEIGHT}, {args.frames} frames, 2 cores:")
        print(f"  body + face (Tasks API, bundled models): {ours:.1f} fps (goal 25)")
        print(f"  body + face + hands (hand model too):    {with_hands:.1f} fps")
        if theirs:
            print(f"  replaced route (0.10.21 pose + face mesh): {theirs['legacy']:.1f} fps"
                  f" (ours {ours / theirs['legacy']:.2f}x)")
            print(f"  MediaPipe Holistic (body, face, hands):    {theirs['holistic']:.1f} fps"
                  f" (ours {ours / theirs['holistic']:.2f}x; with hands "
                  f"{with_hands / theirs['holistic']:.2f}x)")
        else:
            print("  (no CPython 3.11 tier for the baseline: run ./scripts/test once)")
        rng = np.random.default_rng(0)
        still = frames[len(frames) // 2]
        noisy = [np.clip(still + rng.normal(0, 4, still.shape), 0, 255).astype(np.uint8)
                 for _ in range(90)]
        video = Path(folder) / "still.avi"
        write_video(video, noisy)
        result, _ = track(open_clip(video))
    body = result.body[:, :25]  # head, arms, torso: what a portrait shows

    def jitter(values: np.ndarray) -> float:
        return float(np.nanmedian(np.linalg.norm(np.diff(values, axis=0), axis=2))) * 1000

    raw = jitter(body)
    print("steadiness of a still pose (median frame-to-frame move of a landmark, mm):")
    print(f"  as tracked: {raw:.2f}")
    for strength in (0.5, 1.0):
        value = jitter(steady(body, result.fps, strength))
        print(f"  filtered, strength {strength}: {value:.2f} ({value / raw:.2f}x)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
