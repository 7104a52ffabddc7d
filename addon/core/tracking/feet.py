"""Where the character's feet land once posed, and the hips' moves that keep a planted
foot still on the ground (no bpy).

Retargeting turns bones; the hips' place comes from root motion (or stays put). Neither
knows the floor, so a foot that the performer keeps planted slides as the body turns,
leans or crouches above it. Here the posed skeleton's feet are found by forward
kinematics. A foot is planted while the performer's foot barely moves in the picture
(the camera is taken to stand still) and is the lower one or level with it; while it
is, the hips are moved so that the character's foot stays where it was put down, at
the height it has at rest. The move made during a plant is kept after it (no jump
back when the foot lifts).
"""

from __future__ import annotations

import numpy as np

from .retarget import RestBone, parents_first

PLANTED_SPEED = 0.35  # metres a second: a foot slower than this may be planted
LEVEL = 0.04  # metres: a foot this close to the lower one's height counts as low too
MIN_PLANT = 3  # frames: shorter stops are steps, not plants


def _rotation(q: np.ndarray) -> np.ndarray:
    w, x, y, z = q
    return np.array([[1 - 2 * (y * y + z * z), 2 * (x * y - w * z), 2 * (x * z + w * y)],
                     [2 * (x * y + w * z), 1 - 2 * (x * x + z * z), 2 * (y * z - w * x)],
                     [2 * (x * z - w * y), 2 * (y * z + w * x), 1 - 2 * (x * x + y * y)]])


def posed_points(bones: dict[str, RestBone], rotations: dict[str, np.ndarray],
                 points: dict[str, tuple[str, str]], frames: int) -> dict[str, np.ndarray]:
    """Per named point, where it is in armature space in each frame (frames x 3) with
    the bones turned by `rotations` (bone -> frames x 4, w x y z, as `retarget` gives
    them; bones not in it at rest). `points`: name -> (bone, "head" or "tail")."""
    needed: set[str] = set()
    for bone_name, _ in points.values():  # only the bones the points hang from
        while bone_name in bones and bone_name not in needed:
            needed.add(bone_name)
            bone_name = bones[bone_name].parent
    bones = {name: bones[name] for name in needed}
    order = parents_first(bones)
    out = {name: np.zeros((frames, 3)) for name in points}
    rest_r = {n: b.matrix[:3, :3] for n, b in bones.items()}
    rest_head = {n: b.matrix[:3, 3] for n, b in bones.items()}
    for frame in range(frames):
        turn: dict[str, np.ndarray] = {}  # armature-space rotation from rest
        head: dict[str, np.ndarray] = {}
        for name in order:
            bone = bones[name]
            basis = _rotation(rotations[name][frame]) if name in rotations else np.eye(3)
            local = rest_r[name] @ basis @ rest_r[name].T
            if bone.parent in bones:
                parent = bone.parent
                head[name] = head[parent] + turn[parent] @ (rest_head[name] - rest_head[parent])
                turn[name] = turn[parent] @ local
            else:
                head[name] = rest_head[name]
                turn[name] = local
        for point, (bone_name, end) in points.items():
            if end == "head":
                out[point][frame] = head[bone_name]
            else:
                out[point][frame] = head[bone_name] + turn[bone_name] @ (
                    bones[bone_name].tail - rest_head[bone_name])
    return out


def planted(feet: dict[str, np.ndarray], fps: float,
            seen: dict[str, np.ndarray] | None = None) -> dict[str, np.ndarray]:
    """Per foot, the frames it is planted. `feet`: the performer's foot in the picture
    in metres at the performer (frames x 2: across, down), e.g. the ankle's pixels times
    metres per pixel; `seen`: the frames the tracker saw it. Planted: seen, slower than
    PLANTED_SPEED, no higher than the other foot by more than LEVEL, for at least
    MIN_PLANT frames running."""
    lowest = np.stack([f[:, 1] for f in feet.values()]).max(axis=0)  # down is +
    out = {}
    for name, foot in feet.items():
        speed = np.r_[0.0, np.linalg.norm(np.diff(foot, axis=0), axis=1) * fps]
        if len(speed) > 1:
            speed[0] = speed[1]
        still = (speed < PLANTED_SPEED) & (foot[:, 1] >= lowest - LEVEL)
        if seen is not None:
            still &= seen[name]
        out[name] = _long_runs(still, MIN_PLANT)
    return out


def _long_runs(mask: np.ndarray, length: int) -> np.ndarray:
    out = np.zeros_like(mask)
    start = None
    for i, value in enumerate(np.r_[mask, False]):
        if value and start is None:
            start = i
        elif not value and start is not None:
            if i - start >= length:
                out[start:i] = True
            start = None
    return out


def lock_feet(root: np.ndarray, feet: dict[str, np.ndarray], ground: dict[str, float],
              plants: dict[str, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """The hips' moves (frames x 3, armature space) corrected so that a planted foot
    stays put. `feet`: each foot's point in the character with no hips move (frames x
    3, from `posed_points`); `ground`: the height each has at rest (the floor for it);
    `plants`: the frames each is planted (`planted`). Returns the corrected moves and,
    per frame, which foot held, as an index into `feet` (-1 none)."""
    root = np.asarray(root, float)
    names = list(feet)
    world = {name: feet[name] + root for name in names}
    offset = np.zeros(3)
    holding, anchor = -1, None
    out = np.empty_like(root)
    held = np.full(len(root), -1)
    for frame in range(len(root)):
        # Keep the foot already holding while it stays planted; else the lowest planted.
        if holding < 0 or not plants[names[holding]][frame]:
            candidates = [i for i, n in enumerate(names) if plants[n][frame]]
            holding = min(candidates, key=lambda i: world[names[i]][frame, 2]) \
                if candidates else -1
            anchor = None
        if holding >= 0:
            name = names[holding]
            now = world[name][frame] + offset
            if anchor is None:  # put down here, on the floor
                anchor = np.array([now[0], now[1], ground[name]])
            offset = offset + anchor - now
            held[frame] = holding
        out[frame] = root[frame] + offset
    return out, held
