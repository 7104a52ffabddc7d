"""Tracking speed and steadiness on real footage of a person (the photo of Grace Hopper
that ships with matplotlib), at 640x480 on this machine.

    .venv/bin/python scripts/bench_tracking.py [--frames 150]

Speed: frames a second for body + face (our pose and face-mesh models in video mode),
and with the hand model too, beside MediaPipe's Holistic model (body, face and hands in
one graph, what BlendArMocap runs), on the same frames: a camera panning across the
photo.
Steadiness: a still pose filmed with sensor noise (the same frame with fresh Gaussian
noise, sigma 4 of 255, each frame): how far the world landmarks move frame to frame, as
tracked and after the One Euro filter at two strengths.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
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


def holistic_fps(frames: list[np.ndarray]) -> float:
    from mediapipe.python.solutions import holistic

    model = holistic.Holistic(static_image_mode=False, model_complexity=1,
                              smooth_landmarks=False, refine_face_landmarks=True)
    rgb = [cv2.cvtColor(f, cv2.COLOR_BGR2RGB) for f in frames]
    model.process(rgb[0])  # warm up, as the track's first frame does
    started = time.perf_counter()
    for frame in rgb[1:]:
        model.process(frame)
    model.close()
    return (len(rgb) - 1) / (time.perf_counter() - started)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frames", type=int, default=150)
    args = parser.parse_args()
    frames = panning(args.frames)
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
        theirs = holistic_fps(frames)
        print(f"speed at {WIDTH}x{HEIGHT}, {args.frames} frames, 2 cores:")
        print(f"  body + face (pose, face mesh with irises): {ours:.1f} fps (goal 25)")
        print(f"  body + face + hands (hand model too):      {with_hands:.1f} fps")
        print(f"  MediaPipe Holistic (body, face, hands):      {theirs:.1f} fps")
        print(f"  ratio, body + face: {ours / theirs:.2f}x; with hands: "
              f"{with_hands / theirs:.2f}x")
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
