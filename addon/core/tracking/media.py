"""Frames from a video file (any format OpenCV reads), an image sequence (a folder of
images, or a pattern such as shot_*.png) or a single picture, as RGB arrays, with the
clip's frame rate.

Bad input gets a clear error naming the file: missing, unreadable, or without frames.
"""

from __future__ import annotations

import glob
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..errors import MetastudioError

IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".bmp", ".tif", ".tiff", ".exr", ".webp"}
SEQUENCE_FPS = 24.0  # an image sequence says no rate: film's


class MediaError(MetastudioError):
    """A video or image sequence that cannot be read."""


@dataclass
class Clip:
    """Where the frames come from, how many, how fast and how big (width, height)."""

    source: str
    fps: float
    frame_count: int
    size: tuple[int, int]
    images: list[Path] | None = None  # an image sequence's files, in order


def _cv2():
    try:
        import cv2
    except ImportError as exc:
        raise MediaError("reading video needs OpenCV (pip install "
                         "\"opencv-python-headless>=4.9,<4.12\")") from exc
    return cv2


def _sequence(source: str) -> list[Path] | None:
    path = Path(source)
    if path.is_file() and path.suffix.lower() in IMAGE_SUFFIXES:
        return [path]  # a single picture: a clip of one frame
    if path.is_dir():
        files = [p for p in sorted(path.iterdir()) if p.suffix.lower() in IMAGE_SUFFIXES]
        if not files:
            raise MediaError(f"{source}: a folder with no images in it")
        return files
    if any(c in source for c in "*?["):
        files = [Path(p) for p in sorted(glob.glob(source))
                 if Path(p).suffix.lower() in IMAGE_SUFFIXES]
        if not files:
            raise MediaError(f"{source}: no images match")
        return files
    return None


def open_clip(source: str | Path, fps: float | None = None) -> Clip:
    """What the frames of `source` will be; raises MediaError when they cannot be read."""
    source = str(source)
    cv2 = _cv2()
    images = _sequence(source)
    if images is not None:
        first = cv2.imread(str(images[0]), cv2.IMREAD_COLOR)
        if first is None:
            raise MediaError(f"{images[0]}: cannot be read as an image")
        return Clip(source, fps or SEQUENCE_FPS, len(images), (first.shape[1], first.shape[0]),
                    images)
    if not Path(source).is_file():
        raise MediaError(f"{source}: no such file")
    capture = cv2.VideoCapture(source)
    try:
        if not capture.isOpened():
            raise MediaError(f"{source}: cannot be read as a video")
        ok, frame = capture.read()
        if not ok or frame is None:
            raise MediaError(f"{source}: a video with no frames")
        count = int(capture.get(cv2.CAP_PROP_FRAME_COUNT))
        rate = capture.get(cv2.CAP_PROP_FPS)
        return Clip(source, fps or (rate if 1 <= rate <= 1000 else SEQUENCE_FPS),
                    max(count, 1), (frame.shape[1], frame.shape[0]))
    finally:
        capture.release()


def read_frames(clip: Clip, max_side: int | None = None) -> Iterator[np.ndarray]:
    """The clip's frames as RGB uint8 arrays (rows x columns x 3), shrunk so the longer
    side is at most `max_side` pixels when given (tracking needs no more)."""
    cv2 = _cv2()

    def prepare(frame: np.ndarray) -> np.ndarray:
        if max_side and max(frame.shape[:2]) > max_side:
            scale = max_side / max(frame.shape[:2])
            frame = cv2.resize(frame, (round(frame.shape[1] * scale),
                                       round(frame.shape[0] * scale)),
                               interpolation=cv2.INTER_AREA)
        return cv2.cvtColor(frame, cv2.COLOR_BGR2RGB)

    if clip.images is not None:
        for path in clip.images:
            frame = cv2.imread(str(path), cv2.IMREAD_COLOR)
            if frame is None:
                raise MediaError(f"{path}: cannot be read as an image")
            yield prepare(frame)
        return
    capture = cv2.VideoCapture(clip.source)
    try:
        while True:
            ok, frame = capture.read()
            if not ok:
                break
            yield prepare(frame)
    finally:
        capture.release()


class LiveSource:
    """Frames from a camera (an OpenCV capture index) or a video file standing in for
    one, one at a time, as RGB shrunk to `max_side`; the time of each frame in seconds
    (the clock for a camera, the frame's place for a file)."""

    def __init__(self, camera: str, max_side: int | None = None, mirror: bool = False):
        cv2 = _cv2()
        self._cv2, self.max_side, self.mirror = cv2, max_side, mirror
        self.is_camera = camera.strip().isdigit()
        if not self.is_camera and not Path(camera).is_file():
            raise MediaError(f"camera: {camera}: no such camera index or video file")
        self._capture = cv2.VideoCapture(int(camera) if self.is_camera else camera)
        if not self._capture.isOpened():
            self._capture.release()
            raise MediaError(f"camera: {camera} cannot be opened")
        rate = self._capture.get(cv2.CAP_PROP_FPS)
        self.fps = rate if 1 <= rate <= 1000 else 30.0
        self.frames = 0
        self._started: float | None = None

    def read(self) -> tuple[np.ndarray, float] | None:
        """The next frame and its time, or None when the source has ended."""
        import time

        ok, frame = self._capture.read()
        if not ok or frame is None:
            return None
        if self._started is None:
            self._started = time.monotonic()
        when = (time.monotonic() - self._started) if self.is_camera else self.frames / self.fps
        self.frames += 1
        if self.mirror:
            frame = frame[:, ::-1]
        if self.max_side and max(frame.shape[:2]) > self.max_side:
            scale = self.max_side / max(frame.shape[:2])
            frame = self._cv2.resize(frame, (round(frame.shape[1] * scale),
                                             round(frame.shape[0] * scale)),
                                     interpolation=self._cv2.INTER_AREA)
        return np.ascontiguousarray(self._cv2.cvtColor(frame, self._cv2.COLOR_BGR2RGB)), when

    def close(self) -> None:
        """Let the camera go."""
        self._capture.release()
