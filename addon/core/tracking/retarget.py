"""Tracked body landmarks to bone rotations (no bpy): for any humanoid armature through a
bone map, so the character keeps its own proportions and only the directions of its
limbs and the turn of its torso and head follow the performer.

Each mapped part is a chain of bones (MakeHuman splits an upper arm in two); the chain's
first bone is turned by the smallest rotation that points the chain (its first head to
its last tail, at rest) along the tracked limb, the rest of the chain follows. The hips,
the chest and the head take a whole orientation from three or more points (the hips'
line, the spine's rise). Parts whose landmarks the tracker barely saw (visibility under
a half: legs out of the frame of a webcam) stay as they are at rest.

Rotations come out as each pose bone's own rotation (Blender's matrix_basis), as
quaternions w, x, y, z, computed parents first from the armature's rest matrices.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..errors import MetastudioError

# MediaPipe pose landmark indices.
NOSE, L_EAR, R_EAR = 0, 7, 8
L_SHOULDER, R_SHOULDER, L_ELBOW, R_ELBOW, L_WRIST, R_WRIST = 11, 12, 13, 14, 15, 16
L_PINKY, R_PINKY, L_INDEX, R_INDEX = 17, 18, 19, 20
L_HIP, R_HIP, L_KNEE, R_KNEE, L_ANKLE, R_ANKLE = 23, 24, 25, 26, 27, 28
L_HEEL, R_HEEL, L_TOE, R_TOE = 29, 30, 31, 32

# Limb parts: (landmarks averaged for the start, for the end).
LIMBS = {
    "upper_arm.L": ((L_SHOULDER,), (L_ELBOW,)), "forearm.L": ((L_ELBOW,), (L_WRIST,)),
    "hand.L": ((L_WRIST,), (L_INDEX, L_PINKY)),
    "upper_arm.R": ((R_SHOULDER,), (R_ELBOW,)), "forearm.R": ((R_ELBOW,), (R_WRIST,)),
    "hand.R": ((R_WRIST,), (R_INDEX, R_PINKY)),
    "thigh.L": ((L_HIP,), (L_KNEE,)), "shin.L": ((L_KNEE,), (L_ANKLE,)),
    "foot.L": ((L_HEEL,), (L_TOE,)),
    "thigh.R": ((R_HIP,), (R_KNEE,)), "shin.R": ((R_KNEE,), (R_ANKLE,)),
    "foot.R": ((R_HEEL,), (R_TOE,)),
    "spine": ((L_HIP, R_HIP), (L_SHOULDER, R_SHOULDER)),
    "neck": ((L_SHOULDER, R_SHOULDER), (L_EAR, R_EAR)),
}
# Whole orientations: (side from, side to, up from, up to) landmark groups.
FRAMES = {
    "hips": ((R_HIP,), (L_HIP,), (L_HIP, R_HIP), (L_SHOULDER, R_SHOULDER)),
    "head": ((R_EAR,), (L_EAR,), (L_SHOULDER, R_SHOULDER), (L_EAR, R_EAR)),
}
PARTS = tuple(FRAMES) + tuple(LIMBS)

# Bone maps: part -> the bones of its chain (hips and head: one bone).
PRESETS: dict[str, dict[str, list[str]]] = {
    "metastudio": {  # the character's own rig (MakeHuman's default skeleton)
        "hips": ["root"], "spine": ["spine05", "spine04", "spine03", "spine02", "spine01"],
        "neck": ["neck01", "neck02", "neck03"], "head": ["head"],
        **{f"{part}.{side}": bones for side in "LR" for part, bones in (
            ("upper_arm", [f"upperarm01.{side}", f"upperarm02.{side}"]),
            ("forearm", [f"lowerarm01.{side}", f"lowerarm02.{side}"]),
            ("hand", [f"wrist.{side}"]),
            ("thigh", [f"upperleg01.{side}", f"upperleg02.{side}"]),
            ("shin", [f"lowerleg01.{side}", f"lowerleg02.{side}"]),
            ("foot", [f"foot.{side}"]))},
    },
    "mixamo": {  # names with or without the "mixamorig:" prefix
        "hips": ["Hips"], "spine": ["Spine", "Spine1", "Spine2"], "neck": ["Neck"],
        "head": ["Head"],
        **{f"{part}.{s}": [f"{side}{bone}"] for s, side in (("L", "Left"), ("R", "Right"))
           for part, bone in (("upper_arm", "Arm"), ("forearm", "ForeArm"),
                              ("hand", "Hand"), ("thigh", "UpLeg"), ("shin", "Leg"),
                              ("foot", "Foot"))},
    },
}
MIN_VISIBILITY = 0.5


class BoneMapError(MetastudioError):
    """A rig whose bones cannot be matched."""


@dataclass
class RestBone:
    """A bone at rest in armature space: its 4x4 matrix (Blender's bone.matrix_local: the
    bone's Y axis runs head to tail), its tail, and its parent's name (or "")."""

    name: str
    parent: str
    matrix: np.ndarray
    tail: np.ndarray


def to_blender(points: np.ndarray) -> np.ndarray:
    """MediaPipe world coordinates (x to the image's right, y down, z away from the
    camera) to a character facing the camera in Blender (-Y forward, Z up, its left +X):
    a performer facing the camera is posed facing it too."""
    return np.stack([points[..., 0], points[..., 2], -points[..., 1]], axis=-1)


def resolve_map(preset: str | dict[str, list[str]], names: list[str]) -> dict[str, list[str]]:
    """The bone map with each name matched in the armature (a "prefix:" such as
    Mixamo's allowed); parts whose bones are missing are left out. A map that matches
    neither arms nor legs is refused, naming what was looked for."""
    wanted = PRESETS.get(preset) if isinstance(preset, str) else preset
    if wanted is None:
        raise BoneMapError(f"bone_map: {preset!r} is not one of {', '.join(PRESETS)}")
    by_plain = {name.split(":")[-1]: name for name in names}
    found = {}
    for part, chain in wanted.items():
        matched = [by_plain.get(bone.split(":")[-1]) for bone in chain]
        if all(matched):
            found[part] = matched
    limbs = [p for p in found if p.split(".")[0] in ("upper_arm", "forearm", "thigh", "shin")]
    if not limbs:
        example = ", ".join(wanted["upper_arm.L"] + wanted["thigh.L"])
        raise BoneMapError(f"no recognisable arm or leg bones in this rig (looked for "
                           f"{example}, ...): choose another bone map")
    return found


def _mean(points: np.ndarray, group: tuple[int, ...]) -> np.ndarray:
    return points[:, list(group)].mean(axis=1)


def _unit(v: np.ndarray) -> np.ndarray:
    return v / np.maximum(np.linalg.norm(v, axis=-1, keepdims=True), 1e-9)


def _swing(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """The smallest rotation (3x3) taking unit vector a to unit vector b."""
    v = np.cross(a, b)
    c = float(np.dot(a, b))
    if c < -0.999999:  # opposite: half a turn about any axis across a
        axis = _unit(np.cross(a, [1.0, 0.0, 0.0] if abs(a[0]) < 0.9 else [0.0, 1.0, 0.0]))
        return 2 * np.outer(axis, axis) - np.eye(3)
    k = np.array([[0, -v[2], v[1]], [v[2], 0, -v[0]], [-v[1], v[0], 0]])
    return np.eye(3) + k + k @ k / (1 + c)


def _basis(side: np.ndarray, up: np.ndarray) -> np.ndarray:
    """Columns: side (+X at rest), forward (-Y... as the cross product gives), up (+Z),
    made orthonormal with up kept."""
    up = _unit(up)
    side = _unit(side - np.dot(side, up) * up)
    return np.column_stack([side, np.cross(up, side), up])


def quaternion(matrix: np.ndarray) -> np.ndarray:
    """A rotation matrix as a unit quaternion (w, x, y, z), w >= 0."""
    m = matrix
    trace = m[0, 0] + m[1, 1] + m[2, 2]
    if trace > 0:
        s = 2.0 * np.sqrt(trace + 1.0)
        q = [0.25 * s, (m[2, 1] - m[1, 2]) / s, (m[0, 2] - m[2, 0]) / s,
             (m[1, 0] - m[0, 1]) / s]
    elif m[0, 0] > m[1, 1] and m[0, 0] > m[2, 2]:
        s = 2.0 * np.sqrt(1.0 + m[0, 0] - m[1, 1] - m[2, 2])
        q = [(m[2, 1] - m[1, 2]) / s, 0.25 * s, (m[0, 1] + m[1, 0]) / s,
             (m[0, 2] + m[2, 0]) / s]
    elif m[1, 1] > m[2, 2]:
        s = 2.0 * np.sqrt(1.0 + m[1, 1] - m[0, 0] - m[2, 2])
        q = [(m[0, 2] - m[2, 0]) / s, (m[0, 1] + m[1, 0]) / s, 0.25 * s,
             (m[1, 2] + m[2, 1]) / s]
    else:
        s = 2.0 * np.sqrt(1.0 + m[2, 2] - m[0, 0] - m[1, 1])
        q = [(m[1, 0] - m[0, 1]) / s, (m[0, 2] + m[2, 0]) / s, (m[1, 2] + m[2, 1]) / s,
             0.25 * s]
    q = np.array(q)
    q /= np.linalg.norm(q)
    return q if q[0] >= 0 else -q


def _order(bones: dict[str, RestBone]) -> list[str]:
    """Parents before children."""
    done, order = set(), []

    def visit(name: str) -> None:
        if name in done:
            return
        parent = bones[name].parent
        if parent and parent in bones:
            visit(parent)
        done.add(name)
        order.append(name)
    for name in bones:
        visit(name)
    return order


def retarget(body: np.ndarray, visibility: np.ndarray, bones: dict[str, RestBone],
             bone_map: dict[str, list[str]]) -> dict[str, np.ndarray]:
    """Per mapped bone, its rotation in each frame (frames x 4, w x y z). `body`: the
    track's world landmarks (frames x 33 x 3, MediaPipe axes, gaps already filled);
    `visibility`: frames x 33."""
    points = to_blender(np.asarray(body, float))
    frames = len(points)
    first_of = {chain[0]: part for part, chain in bone_map.items()}
    in_chain = {bone for chain in bone_map.values() for bone in chain}
    targets: dict[str, np.ndarray] = {}
    seen: dict[str, np.ndarray] = {}
    for part, (start, end) in LIMBS.items():
        if part in bone_map:
            targets[part] = _unit(_mean(points, end) - _mean(points, start))
            seen[part] = visibility[:, list(start + end)].min(axis=1) >= MIN_VISIBILITY
    for part, (side_a, side_b, up_a, up_b) in FRAMES.items():
        if part in bone_map:
            side = _mean(points, side_b) - _mean(points, side_a)
            up = _mean(points, up_b) - _mean(points, up_a)
            targets[part] = np.stack([_basis(s, u) for s, u in zip(side, up, strict=True)])
            seen[part] = visibility[:, list(side_a + side_b + up_a + up_b)].min(
                axis=1) >= MIN_VISIBILITY
    rest = {name: bone.matrix[:3, :3] for name, bone in bones.items()}
    out = {name: np.zeros((frames, 4)) for name in in_chain}
    order = _order(bones)
    for frame in range(frames):
        pose: dict[str, np.ndarray] = {}
        for name in order:
            bone = bones[name]
            parent = bone.parent if bone.parent in bones else ""
            default = (pose[parent] @ rest[parent].T @ rest[name]) if parent else rest[name]
            target = default
            part = first_of.get(name)
            if part is not None and seen[part][frame]:
                if part in FRAMES:
                    # At rest the character's side is +X and its up +Z.
                    target = targets[part][frame] @ rest[name]
                else:
                    chain = bone_map[part]
                    head = bone.matrix[:3, 3]
                    along = bones[chain[-1]].tail - head
                    now = (pose[parent] @ rest[parent].T if parent else np.eye(3)) @ along
                    target = _swing(_unit(now), targets[part][frame]) @ default
            pose[name] = target
            if name in out:
                out[name][frame] = quaternion(default.T @ target)
    return out


def root_motion(body_image: np.ndarray, body: np.ndarray,
                size: tuple[int, int]) -> np.ndarray:
    """Per frame, how far the hips moved from the first frame, in metres in the
    character's space (frames x 3): across and up from the image, at the scale the
    tracked shoulders give (their width in metres over their width in pixels, the
    clip's median). Depth is not read: 0. Gaps must already be filled."""
    pixels = np.asarray(body_image, float)[..., :2] * np.array(size, float)
    hips = pixels[:, [L_HIP, R_HIP]].mean(axis=1)
    metres = np.linalg.norm(body[:, L_SHOULDER] - body[:, R_SHOULDER], axis=1)
    span = np.linalg.norm(pixels[:, L_SHOULDER] - pixels[:, R_SHOULDER], axis=1)
    scale = float(np.nanmedian(metres / np.maximum(span, 1e-6)))
    moved = (hips - hips[0]) * scale
    # Image right is the performer's left, the character's +X; image down is -Z.
    return np.column_stack([moved[:, 0], np.zeros(len(moved)), -moved[:, 1]])
