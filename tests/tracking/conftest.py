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
