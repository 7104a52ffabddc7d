"""Body and face landmarks per frame with MediaPipe's pose, face and hand models (run by
its Tasks API from bundles made at install time: core.tracking.bundles; pose: 33 points
in metres about the hips and in the image; face mesh: 478 points with the irises), kept as
arrays, saved to and loaded from a cache file so a re-run with other retarget settings
does not track again.

Frames where no person (or no face) is found hold NaN, never zeros: the filter fills or
holds them (core.tracking.filter). With several people in view the largest is followed
(core.tracking.people) and the track's notes say so.
"""

from __future__ import annotations

import hashlib
import logging
import os
import sys
from collections.abc import Callable, Generator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..errors import MetastudioError
from .bundles import BUNDLE_VERSION, bundle_path
from .media import Clip, open_clip, read_frames
from .people import Window, find_people, person_from, several_note
from .picture import guided_frame

L_WRIST, R_WRIST = 15, 16
HAND_VISIBILITY = 0.3  # a wrist seen less than this: its hand is not looked for

BODY_POINTS = 33
FACE_POINTS = 478
HAND_POINTS = 21
MAX_SIDE = 640  # pixels: what the models see (they work at 256 or less inside)
# Bump when what tracking writes changes: old cache files are then ignored.
TRACKER_VERSION = f"mediapipe-tasks/bundles-{BUNDLE_VERSION}/5"
REACQUIRE = 12  # frames lost while following one of several people before looking again
FRAME_MS = 40  # the timestamp step between frames given to the video-mode models
INSTALL_HINT = "pip install --no-deps mediapipe==1.2.3 (see scripts/data-requirements.txt)"
BUNDLE_HINT = ("./scripts/test makes them; or pip download --no-deps mediapipe==0.10.21 "
               "and run python -m metastudio.core.tracking.bundles --wheel <that wheel>")


class TrackingError(MetastudioError):
    """Tracking could not run or found nobody."""


@dataclass
class Track:
    """Per frame: body landmarks in metres about the hips (frames x 33 x 3; x to the
    image's right, y down, z away from the camera, as MediaPipe gives them, the limbs
    turned to run as the picture shows them: core.tracking.picture), the same
    points in the image (x, y in 0-1 of width and height, z relative depth), their
    visibility (0-1), the face mesh in the image (frames x 478 x 3), and the hands when
    tracked (frames x 2 x 21 x 3, the performer's left hand then right: in metres about
    the hand's middle, and in the image). NaN where nothing was found."""

    fps: float
    size: tuple[int, int]
    body: np.ndarray
    body_image: np.ndarray
    visibility: np.ndarray
    face: np.ndarray
    notes: tuple[str, ...] = ()  # what the artist should know (several people, ...)
    hands: np.ndarray | None = None
    hands_image: np.ndarray | None = None

    def __post_init__(self) -> None:
        unseen = np.full((len(self.body), 2, HAND_POINTS, 3), np.nan)
        if self.hands is None:
            self.hands = unseen
        if self.hands_image is None:
            self.hands_image = unseen.copy()

    @property
    def frames(self) -> int:
        return len(self.body)

    def found(self) -> np.ndarray:
        """Frames where a body was found."""
        return ~np.isnan(self.body[:, 0, 0])

    def save(self, path: Path) -> None:
        """Write the track as a compressed .npz (atomically: a crash leaves no half file)."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(path.name + ".partial.npz")
        np.savez_compressed(partial, fps=self.fps, size=np.array(self.size),
                            body=self.body, body_image=self.body_image,
                            visibility=self.visibility, face=self.face, hands=self.hands,
                            hands_image=self.hands_image,
                            notes=np.array(self.notes, dtype=str), version=TRACKER_VERSION)
        os.replace(partial, path)

    @classmethod
    def load(cls, path: Path) -> Track | None:
        """The track saved at `path`, or None if absent or from another tracker version."""
        try:
            with np.load(path) as data:
                if str(data["version"]) != TRACKER_VERSION:
                    return None
                return cls(float(data["fps"]), tuple(int(v) for v in data["size"]),
                           data["body"], data["body_image"], data["visibility"],
                           data["face"], tuple(str(n) for n in data["notes"]),
                           data["hands"], data["hands_image"])
        except (OSError, KeyError, ValueError):
            return None


def _tasks():
    """MediaPipe's Tasks API (vision) and the three model bundles (core.tracking.bundles),
    or a TrackingError saying how to install what is missing."""
    os.environ.setdefault("GLOG_minloglevel", "2")
    logging.getLogger("absl").setLevel(logging.ERROR)
    try:
        import mediapipe
        from mediapipe.tasks.python import BaseOptions, vision
    except ImportError as exc:
        raise TrackingError(f"the tracking runtime is not installed ({INSTALL_HINT})") \
            from exc
    missing = [str(bundle_path(kind)) for kind in ("pose", "face", "hand")
               if not bundle_path(kind).is_file()]
    if missing:
        raise TrackingError(f"the tracking models are not made: {', '.join(missing)} "
                            f"({BUNDLE_HINT})")
    return mediapipe, BaseOptions, vision


@contextmanager
def _native_logs_muted() -> Generator[None, None, None]:
    """Silence the C++ runtime's own log lines (a hundred per tracker made or closed:
    LiteRT's INFO and sparsity warnings, which no setting turns off) by pointing file
    descriptor 2 at /dev/null for the moment; Python's errors still raise as usual."""
    sys.stderr.flush()
    saved = os.dup(2)
    try:
        with open(os.devnull, "wb") as null:
            os.dup2(null.fileno(), 2)
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)


def _points(landmarks) -> np.ndarray:
    return np.array([(p.x, p.y, p.z) for p in landmarks], float)


class FrameTracker:
    """MediaPipe's pose, face and hand landmarkers (Tasks API) in video mode, frame after
    frame: the engine of both a clip's tracking and live mode. With several people in its
    first frame it follows the largest (core.tracking.people) and notes so."""

    def __init__(self, face: bool = True, hands: bool = False) -> None:
        self._mp, base, vision = _tasks()
        video = vision.RunningMode.VIDEO

        def options(kind: str, **settings):
            return dict(base_options=base(model_asset_path=str(bundle_path(kind))),
                        **settings)

        with _native_logs_muted():
            # Video mode: each model follows the person from frame to frame (faster,
            # steadier); the filter (core.tracking.filter) smooths with the artist's
            # strength.
            self._pose = vision.PoseLandmarker.create_from_options(
                vision.PoseLandmarkerOptions(**options("pose", running_mode=video)))
            # Image mode finds whoever is most visible: used to count people in view.
            self._still = vision.PoseLandmarker.create_from_options(
                vision.PoseLandmarkerOptions(**options("pose")))
            self._mesh = vision.FaceLandmarker.create_from_options(
                vision.FaceLandmarkerOptions(**options("face", running_mode=video,
                                                       num_faces=1))) if face else None
            self._hands = vision.HandLandmarker.create_from_options(
                vision.HandLandmarkerOptions(**options("hand", running_mode=video,
                                                       num_hands=2))) if hands else None
        # The face model runs beside the pose model (each frame's face needs only the
        # picture): MediaPipe's runtime uses one core per model and lets go of Python's
        # lock while it works, so two cores track a frame in the pose model's time
        # (27 ms instead of 35 at 640x480 here).
        self._beside = ThreadPoolExecutor(1, thread_name_prefix="face") if face else None
        self._window: Window | None = None  # set while one of several people is followed
        self._lost = 0
        self._frames = 0
        self.notes: list[str] = []

    def _image(self, frame: np.ndarray):
        return self._mp.Image(image_format=self._mp.ImageFormat.SRGB,
                              data=np.ascontiguousarray(frame))

    def _find_one(self, image: np.ndarray) -> np.ndarray | None:
        found = self._still.detect(self._image(image)).pose_landmarks
        return _points(found[0]) if found else None

    def step(self, frame: np.ndarray) -> Frame:
        """One RGB frame tracked; NaN (visibility 0) where nobody, no face or no hand
        was found."""
        size = (frame.shape[1], frame.shape[0])
        window = self._window
        if self._frames == 0 or (window is not None and self._lost
                                 and self._lost % REACQUIRE == 0):
            people = find_people(frame, self._find_one)
            if len(people) > 1 and self._frames == 0:
                self.notes.append(several_note(people, size[0]))
            if len(people) > 1 or (window is not None and people):
                window = Window.around(people[0].box)
        # Video mode wants rising timestamps; the frame's count stands for its time.
        stamp = self._frames * FRAME_MS
        self._frames += 1
        view = self._image(window.cut(frame) if window is not None else frame)
        face_job = self._beside.submit(self._mesh.detect_for_video, view, stamp) \
            if self._mesh is not None else None
        result = self._pose.detect_for_video(view, stamp)
        if result.pose_world_landmarks:
            image = _points(result.pose_landmarks[0])
            if window is not None:
                image = window.to_frame(image, size)
                window = window.follow(person_from(image, size).box)
            seen = np.array([p.visibility for p in result.pose_landmarks[0]], float)
            # The limbs turned to run along the picture (its directions are the truer).
            body = guided_frame(_points(result.pose_world_landmarks[0]), image, seen, size)
            self._lost = 0
        else:
            body = image = np.full((BODY_POINTS, 3), np.nan)
            seen = np.zeros(BODY_POINTS)
            self._lost += 1
        self._window = window
        found = face_job.result().face_landmarks if face_job is not None else None
        if found:
            face = _points(found[0])
            face = window.to_frame(face, size) if window is not None else face
        else:
            face = np.full((FACE_POINTS, 3), np.nan)
        hands, hands_image = self._track_hands(view, stamp, window, size, image, seen)
        return Frame(body, image, seen, face, hands, hands_image)

    def _track_hands(self, view, stamp: int, window: Window | None, size: tuple[int, int],
                     body_image: np.ndarray, seen: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The hands in `view`, as the performer's left and right (2 x 21 x 3 each, in
        metres and in the whole frame). A hand is the side whose wrist in the body's
        landmarks is nearest; with no body, MediaPipe's own label, which assumes a
        mirrored picture (its "Left" is the performer's right in a plain one). With a
        body whose wrists are both out of sight, the hand model is not run (it would
        search the whole frame for nothing)."""
        world = np.full((2, HAND_POINTS, 3), np.nan)
        pictured = world.copy()
        body_found = not np.isnan(body_image).any()
        if self._hands is None or (body_found and
                                   seen[[L_WRIST, R_WRIST]].max() < HAND_VISIBILITY):
            return world, pictured
        result = self._hands.detect_for_video(view, stamp)
        found = list(zip(result.hand_landmarks or [], result.hand_world_landmarks or [],
                         result.handedness or [], strict=False))
        wrists = body_image[[L_WRIST, R_WRIST], :2]
        taken: set[int] = set()
        for landmarks, metres, handedness in found:
            points = _points(landmarks)
            if window is not None:
                points = window.to_frame(points, size)
            if not np.isnan(wrists).any():
                order = np.argsort(np.linalg.norm(wrists - points[0, :2], axis=1))
                side = next((int(i) for i in order if int(i) not in taken), None)
            else:
                side = 1 if handedness[0].category_name == "Left" else 0
                side = None if side in taken else side
            if side is None:
                continue
            taken.add(side)
            world[side], pictured[side] = _points(metres), points
        return world, pictured

    def close(self) -> None:
        """Free the models."""
        if self._beside is not None:
            self._beside.shutdown(wait=True)
        with _native_logs_muted():
            for model in (self._pose, self._still, self._mesh, self._hands):
                if model is not None:
                    model.close()


@dataclass
class Frame:
    """One frame tracked: body world 33 x 3, body image 33 x 3, visibility 33, face 478
    x 3, hands world and image 2 x 21 x 3 each (as in Track)."""

    body: np.ndarray
    image: np.ndarray
    seen: np.ndarray
    face: np.ndarray
    hands: np.ndarray
    hands_image: np.ndarray


def tracking(clip: Clip, face: bool = True,
             hands: bool = False) -> Generator[tuple[int, int], None, Track]:
    """Track every frame of `clip`, yielding (frames done, frames in all) after each
    one; the track is the generator's return value (see `track`)."""
    tracker = FrameTracker(face, hands)
    rows: list[Frame] = []
    try:
        for index, frame in enumerate(read_frames(clip, MAX_SIDE)):
            rows.append(tracker.step(frame))
            yield index + 1, max(clip.frame_count, index + 1)
    finally:
        tracker.close()
    if not rows:
        raise TrackingError(f"{clip.source}: no frames could be read")
    def stacked(field: str) -> np.ndarray:
        return np.array([getattr(row, field) for row in rows], float)

    track = Track(clip.fps, clip.size, stacked("body"), stacked("image"), stacked("seen"),
                  stacked("face"), tuple(tracker.notes), stacked("hands"),
                  stacked("hands_image"))
    if not track.found().any():
        raise TrackingError(f"{clip.source}: no person was found in any of its "
                            f"{track.frames} frames")
    return track


def default_cache() -> Path:
    """Where tracks are kept between runs: $XDG_CACHE_HOME (or ~/.cache)/metastudio/tracks."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "metastudio" / "tracks"


def cache_key(source: str | Path | Clip, face: bool, hands: bool = False) -> str:
    """Names a clip's track: its bytes (every image's, for a sequence), the settings that
    change what tracking writes, and the tracker's version. Give the Clip when it is
    already open."""
    clip = source if isinstance(source, Clip) else open_clip(source)
    settings = f"{TRACKER_VERSION}|face={face}" + ("|hands" if hands else "")
    digest = hashlib.sha256(settings.encode())
    for path in clip.images or [Path(clip.source)]:
        with open(path, "rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    return digest.hexdigest()[:24]


def tracked(clip: Clip, cache_dir: Path | None = None, face: bool = True,
            hands: bool = False) -> Generator[tuple[int, int], None, tuple[Track, bool]]:
    """The clip's track, from the cache in `cache_dir` when it was tracked before, else
    tracked (yielding progress as `tracking` does) and cached; the generator's return
    value is (track, from_cache)."""
    cached = None
    if cache_dir is not None:
        cached = Path(cache_dir) / f"{cache_key(clip, face, hands)}.npz"
        loaded = Track.load(cached) if cached.exists() else None
        if loaded is not None:
            return loaded, True
    result = yield from tracking(clip, face, hands)
    if cached is not None:
        result.save(cached)
    return result, False


def track(source: str | Path | Clip, cache_dir: Path | None = None, face: bool = True,
          progress: Callable[[int, int], bool | None] | None = None,
          hands: bool = False) -> tuple[Track, bool]:
    """`tracked` run to the end: (track, from_cache). `progress(done, total)` is called
    after each frame tracked; if it returns False, tracking stops with
    TrackingError("tracking cancelled")."""
    steps = tracked(source if isinstance(source, Clip) else open_clip(source), cache_dir,
                    face, hands)
    try:
        while True:
            done, total = next(steps)
            if progress is not None and progress(done, total) is False:
                steps.close()
                raise TrackingError("tracking cancelled")
    except StopIteration as finished:
        return finished.value
