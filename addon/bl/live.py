"""Live mode: a camera (or a video file standing in for one) drives a character in the
viewport, frame by frame, and what was performed is keyed when it stops.

One step reads a frame, tracks it (the same engine as a clip's tracking), steadies it
with the streaming One Euro filter, retargets that one frame and poses the rig and the
face. The modal operator calls `step` from a timer; scripts and tests call it directly.
"""

from __future__ import annotations

from collections import deque

import numpy as np

from ..core.tracking.face import face_values
from ..core.tracking.filter import OneEuroStream, settings
from ..core.tracking.landmarks import MAX_SIDE, FrameTracker
from ..core.tracking.media import LiveSource
from ..core.tracking.retarget import PRESET_SETTINGS, retarget
from ..core.tracking.spec import LiveSpec
from .scene_guard import SceneGuard
from .tracking import apply_settings, bake_bones, bake_face, driven, rest_bones

FACE_HISTORY = 90  # frames: the neutral face is read from this many recent frames


class LiveSession:
    """A running live mode; `stop()` ends it (and keys the performance if asked)."""

    def __init__(self, context, spec: LiveSpec) -> None:
        self.spec = spec
        self.warnings: list[str] = []
        self.rig, self.bone_map, self.face_mesh = driven(context, spec, self.warnings)
        self.source = LiveSource(spec.camera, MAX_SIDE, spec.mirror)
        self.tracker = FrameTracker(face=self.face_mesh is not None, hands=spec.hands)
        self.guard = SceneGuard()
        if self.rig is not None:
            apply_settings(self.rig, PRESET_SETTINGS.get(spec.bone_map, {}), self.guard)
            for chain in self.bone_map.values():
                for name in chain:
                    self.guard.remember(self.rig.pose.bones[name], "rotation_mode")
                    self.rig.pose.bones[name].rotation_mode = "QUATERNION"
        self.bones = rest_bones(self.rig) if self.rig else {}
        cutoff, beta = settings(spec.strength, spec.responsiveness)
        smooth = spec.strength > 0
        self._body_filter = OneEuroStream(self.source.fps, cutoff, beta) if smooth else None
        self._face_filter = OneEuroStream(self.source.fps, cutoff, beta) if smooth else None
        self._hand_filter = OneEuroStream(self.source.fps, cutoff, beta) if smooth else None
        self._faces: deque[np.ndarray] = deque(maxlen=FACE_HISTORY)
        self.times: list[float] = []
        self.poses: list[dict[str, np.ndarray]] = []
        self.expressions: list[dict[str, float]] = []
        self.start_frame = context.scene.frame_current

    def step(self) -> bool:
        """Track the next frame and pose the character; False once the source has
        ended (a video file) or max_frames were done."""
        if self.spec.max_frames and len(self.times) >= self.spec.max_frames:
            return False
        read = self.source.read()
        if read is None:
            return False
        frame, when = read
        tracked = self.tracker.step(frame)
        body, seen, face = tracked.body, tracked.seen, tracked.face
        pose: dict[str, np.ndarray] = {}
        if self.rig is not None and not np.isnan(body).all():
            if self._body_filter is not None:
                body = self._body_filter(body)
            hands = None
            if self.spec.hands:
                hands = tracked.hands
                if self._hand_filter is not None:
                    # Each hand smoothed while seen; an unseen one stays unseen.
                    hands = np.where(np.isnan(hands), np.nan, self._hand_filter(hands))
                hands = hands[None]
            rotations = retarget(body[None], seen[None], self.bones, self.bone_map, hands)
            pose = {name: q[0] for name, q in rotations.items()}
            for name, quaternion in pose.items():
                self.rig.pose.bones[name].rotation_quaternion = quaternion
        expression: dict[str, float] = {}
        if self.face_mesh is not None:
            self._faces.append(face)
            values = face_values(np.array(self._faces), (frame.shape[1], frame.shape[0]))
            names = sorted(values)
            row = np.array([values[n][-1] for n in names])
            if self._face_filter is not None:
                row = self._face_filter(row)
            blocks = self.face_mesh.data.shape_keys.key_blocks
            for name, value in zip(names, row, strict=True):
                if not np.isnan(value) and name in blocks:
                    blocks[name].value = float(value)
                    expression[name] = float(value)
        if self.spec.record:
            self.times.append(when)
            self.poses.append(pose)
            self.expressions.append(expression)
        return True

    def stop(self, context) -> int:
        """End live mode; with `record`, key what was performed from the frame live
        mode started on, at the scene's rate. Returns the frames keyed."""
        self.source.close()
        self.tracker.close()
        if not self.spec.record or not self.times:
            return 0
        scene = context.scene
        rate = scene.render.fps / scene.render.fps_base
        frames = self.start_frame + np.array(self.times) * rate
        name = f"Live {self.spec.camera}"
        bones = sorted({b for pose in self.poses for b in pose})
        if self.rig is not None and bones:
            rows = [i for i, pose in enumerate(self.poses) if pose]
            rotations = {b: np.array([self.poses[i][b] for i in rows]) for b in bones}
            bake_bones(self.rig, rotations, frames[rows], self.guard, name)
        keys = sorted({k for e in self.expressions for k in e})
        if self.face_mesh is not None and keys:
            rows = [i for i, e in enumerate(self.expressions) if e]
            values = {k: np.array([self.expressions[i].get(k, 0.0) for i in rows])
                      for k in keys}
            bake_face(self.face_mesh, values, frames[rows], self.guard, f"{name} face")
        scene.frame_end = max(scene.frame_end, int(np.ceil(frames[-1])))
        return len(self.times)

    def cancel(self) -> None:
        """End live mode keying nothing and putting the rig's switches back."""
        self.source.close()
        self.tracker.close()
        self.guard.rollback()
