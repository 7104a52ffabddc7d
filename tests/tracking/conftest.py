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


def whole_body_pose(turn: float = 30.0, lean: float = 20.0) -> np.ndarray:
    """A performer's 33 world landmarks (MediaPipe's axes: x to the image's right, y
    down, z away from the camera; metres about the hips) in a pose that bends every
    limb: the left arm raised out to the side, the right reaching forward, the left leg
    kicking forward, the right standing, the head tilted; the whole body turned `turn`
    degrees and leaning `lean` forward, so that everything above the hips turns too."""
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
    turn, lean = np.radians(turn), np.radians(lean)
    about_y = np.array([[np.cos(turn), 0, np.sin(turn)], [0, 1, 0],
                        [-np.sin(turn), 0, np.cos(turn)]])
    about_x = np.array([[1, 0, 0], [0, np.cos(lean), -np.sin(lean)],
                        [0, np.sin(lean), np.cos(lean)]])
    return body @ (about_x @ about_y).T


def picture(body: np.ndarray, hips: np.ndarray) -> np.ndarray:
    """World landmarks with the hips at `hips` (frames x 3, metres) as a still camera
    sees them in a 64 x 48 picture (a metre is 20 pixels; x, y in 0-1, z relative)."""
    placed = body + hips[:, None]
    return np.stack([placed[..., 0] * 20 / 64 + 0.5, placed[..., 1] * 20 / 48 + 0.4,
                     placed[..., 2] * 20 / 64], axis=-1)


def cached_clip(root: Path, body: np.ndarray, image: np.ndarray | None = None) -> Path:
    """A clip of grey frames whose cached track (in `root`/metastudio/tracks, the cache
    when XDG_CACHE_HOME is `root`) holds `body` (frames x 33 x 3 world landmarks, all
    seen, no face) and `image` (the same in the picture; default: `body` seen from a
    still camera with the hips in place): the operator reads it as it would after
    tracking."""
    import cv2
    from metastudio.core.tracking.landmarks import Track, cache_key

    clip = root / "clip"
    clip.mkdir(parents=True)
    for i in range(len(body)):
        cv2.imwrite(str(clip / f"f_{i:03d}.png"), np.full((48, 64, 3), 60 + i, np.uint8))
    if image is None:
        image = picture(body, np.zeros((len(body), 3)))
    track = Track(24.0, (64, 48), body, image, np.ones(body.shape[:2]),
                  np.full((len(body), 478, 3), np.nan))
    track.save(root / "metastudio" / "tracks" / f"{cache_key(clip, True)}.npz")
    return clip


@pytest.fixture(scope="session")
def posed_clip(tmp_path_factory) -> tuple[Path, Path]:
    """Three frames of `whole_body_pose`, a little different each; (clip, cache)."""
    root = tmp_path_factory.mktemp("posed")
    body = np.stack([whole_body_pose() * (1 + 0.05 * i) for i in range(3)])
    return cached_clip(root, body), root


def crouch(frames: int = 12) -> np.ndarray:
    """A performer crouching: both knees bend a little more each frame (0 to 55
    degrees), the upper body upright (frames x 33 x 3 world landmarks). World landmarks
    are about the hips, so the hips never move in them: only the legs fold. In the
    picture the hips come down and the feet stay (`crouch_clip`)."""
    body = np.repeat(whole_body_pose(turn=0.0, lean=0.0)[None], frames, axis=0)
    for i in range(frames):
        bend = np.radians(5.0 * i)
        for hip, knee, ankle, heel, toe, x in ((23, 25, 27, 29, 31, 0.1),
                                               (24, 26, 28, 30, 32, -0.1)):
            body[i, hip] = (x, 0.0, 0.0)
            body[i, knee] = body[i, hip] + 0.42 * np.array([0, np.cos(bend), -np.sin(bend)])
            body[i, ankle] = body[i, knee] + 0.42 * np.array([0, np.cos(bend), np.sin(bend)])
            body[i, heel] = body[i, ankle] + (0, 0.05, 0.05)
            body[i, toe] = body[i, ankle] + (0, 0.05, -0.15)
        for arm in (11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 0, 7, 8):
            body[i, arm] = body[0, arm]
    return body


@pytest.fixture(scope="session")
def crouch_clip(tmp_path_factory) -> tuple[Path, Path]:
    """Twelve frames of `crouch`; (clip, cache)."""
    root = tmp_path_factory.mktemp("crouch")
    body = crouch()
    drop = body[0, 27, 1] - body[:, 27, 1]  # how much nearer the hips the ankles come
    hips = np.column_stack([np.zeros(len(body)), drop, np.zeros(len(body))])
    return cached_clip(root, body, picture(body, hips)), root
