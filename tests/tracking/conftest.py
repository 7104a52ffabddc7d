"""Real footage of a real person for tracking tests, made at test time from the photo of
Grace Hopper that ships with matplotlib (public domain): a camera panning across it, as an
image sequence and as a video file. Nothing is committed."""

from pathlib import Path

import numpy as np
import pytest

PAN = 6  # pixels the frame moves right each step


def photo() -> np.ndarray:
    import cv2
    import matplotlib

    path = Path(matplotlib.__file__).parent / "mpl-data" / "sample_data" / "grace_hopper.jpg"
    return cv2.imread(str(path), cv2.IMREAD_COLOR)  # BGR, 600 x 512


def panned(frames: int) -> list[np.ndarray]:
    """A 400 x 480 window over the photo, moving PAN pixels to the right each frame."""
    image = photo()
    return [image[60:540, 20 + PAN * i:420 + PAN * i] for i in range(frames)]


@pytest.fixture(scope="session")
def sequence(tmp_path_factory) -> Path:
    import cv2

    folder = tmp_path_factory.mktemp("sequence")
    for i, frame in enumerate(panned(12)):
        cv2.imwrite(str(folder / f"frame_{i:04d}.png"), frame)
    return folder


@pytest.fixture(scope="session")
def video(tmp_path_factory) -> Path:
    import cv2

    path = tmp_path_factory.mktemp("video") / "pan.avi"
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), 25.0, (400, 480))
    for frame in panned(12):
        writer.write(frame)
    writer.release()
    return path


@pytest.fixture(scope="session")
def two_people(tmp_path_factory) -> Path:
    """Two people in view: the photo at full size walking left on the right of the
    frame, and the same photo at a little over half size on the left, walking right.
    MediaPipe's pose alone follows the smaller one here."""
    import cv2

    folder = tmp_path_factory.mktemp("two_people")
    image = photo()
    small = cv2.resize(image, None, fx=0.55, fy=0.55, interpolation=cv2.INTER_AREA)
    big = image[60:540, 40:440]
    for i in range(10):
        canvas = np.full((480, 800, 3), 90, np.uint8)
        canvas[480 - small.shape[0]:, 20 + 3 * i:20 + 3 * i + small.shape[1]] = small
        canvas[:, 380 - 4 * i:380 - 4 * i + big.shape[1]] = big
        cv2.imwrite(str(folder / f"frame_{i:04d}.png"), canvas)
    return folder


def whole_body_pose() -> np.ndarray:
    """A performer's 33 world landmarks (MediaPipe's axes: x to the image's right, y
    down, z away from the camera; metres about the hips) in a pose that bends every
    limb: the left arm raised out to the side, the right reaching forward, the left leg
    kicking forward, the right standing, the head tilted; the whole body turned 30
    degrees and leaning 20 forward, so that everything above the hips turns with them."""
    points = {0: (0.0, -0.66, -0.08), 7: (0.08, -0.69, 0.04), 8: (-0.06, -0.66, 0.05),
              11: (0.18, -0.5, 0.02), 12: (-0.18, -0.5, -0.02),
              13: (0.45, -0.6, 0.0), 15: (0.7, -0.75, -0.05), 17: (0.77, -0.76, -0.02),
              19: (0.78, -0.8, -0.06),
              14: (-0.2, -0.3, -0.25), 16: (-0.1, -0.2, -0.5), 18: (-0.05, -0.19, -0.58),
              20: (-0.08, -0.18, -0.6),
              23: (0.1, 0.0, 0.0), 24: (-0.1, 0.0, 0.0),
              25: (0.15, 0.3, -0.35), 27: (0.2, 0.55, -0.6), 29: (0.2, 0.6, -0.58),
              31: (0.22, 0.55, -0.78),
              26: (-0.11, 0.45, 0.0), 28: (-0.12, 0.88, 0.03), 30: (-0.12, 0.92, 0.08),
              32: (-0.12, 0.95, -0.1)}
    body = np.array([points.get(i, points[0]) for i in range(33)], float)
    turn, lean = np.radians(30), np.radians(20)
    about_y = np.array([[np.cos(turn), 0, np.sin(turn)], [0, 1, 0],
                        [-np.sin(turn), 0, np.cos(turn)]])
    about_x = np.array([[1, 0, 0], [0, np.cos(lean), -np.sin(lean)],
                        [0, np.sin(lean), np.cos(lean)]])
    return body @ (about_x @ about_y).T


@pytest.fixture(scope="session")
def posed_clip(tmp_path_factory) -> tuple[Path, Path]:
    """A three-frame clip (grey frames) whose cached track is `whole_body_pose`, a
    little different each frame; returns (clip, cache folder). The operator reads the
    track from the cache as it would after tracking."""
    import cv2
    from metastudio.core.tracking.landmarks import Track, cache_key

    root = tmp_path_factory.mktemp("posed")
    clip = root / "clip"
    clip.mkdir()
    for i in range(3):
        cv2.imwrite(str(clip / f"f_{i}.png"), np.full((48, 64, 3), 60 + i, np.uint8))
    body = np.stack([whole_body_pose() * (1 + 0.05 * i) for i in range(3)])
    image = np.stack([np.c_[b[:, :2] / 2 + 0.5, b[:, 2]] for b in body])
    track = Track(24.0, (64, 48), body, image, np.ones((3, 33)),
                  np.full((3, 478, 3), np.nan))
    cache = root / "cache" / "metastudio" / "tracks"
    track.save(cache / f"{cache_key(clip, True)}.npz")
    return clip, root / "cache"
