"""Retargeting real tracked landmarks onto the character's own skeleton (its rest bones
from the MakeHuman data, no bpy): posed by forward kinematics, each mapped limb points
where the tracked limb points; parts the tracker did not see stay at rest."""

import numpy as np
import pytest
from metastudio.core.tracking.filter import steady
from metastudio.core.tracking.landmarks import track
from metastudio.core.tracking.retarget import (
    LIMBS,
    PRESETS,
    BoneMapError,
    RestBone,
    quaternion,
    resolve_map,
    retarget,
    to_blender,
)


def rest_bones() -> dict[str, RestBone]:
    from metastudio.core.character.build import build
    from metastudio.core.character.describe import resolve
    from metastudio.core.character.spec import CharacterSpec

    character = build(resolve(CharacterSpec(description="a woman",
                                            face_shapes=False)).values)
    bones = {}
    for bone in character.bones:
        head, tail = np.array(bone.head), np.array(bone.tail)
        y = (tail - head) / np.linalg.norm(tail - head)
        x = np.cross(y, [0.0, 0.0, 1.0] if abs(y[2]) < 0.9 else [0.0, 1.0, 0.0])
        x /= np.linalg.norm(x)
        matrix = np.eye(4)
        matrix[:3, :3] = np.column_stack([x, y, np.cross(x, y)])
        matrix[:3, 3] = head
        bones[bone.name] = RestBone(bone.name, bone.parent, matrix, tail)
    return bones


def rotation(q: np.ndarray) -> np.ndarray:
    w, x, y, z = q
    return np.array([[1 - 2 * (y * y + z * z), 2 * (x * y - w * z), 2 * (x * z + w * y)],
                     [2 * (x * y + w * z), 1 - 2 * (x * x + z * z), 2 * (y * z - w * x)],
                     [2 * (x * z - w * y), 2 * (y * z + w * x), 1 - 2 * (x * x + y * y)]])


def posed(bones, rotations, frame):
    """Armature-space rotation of every bone, as Blender would compute it."""
    pose, order, done = {}, [], set()

    def visit(name):
        if name in done:
            return
        if bones[name].parent in bones:
            visit(bones[name].parent)
        done.add(name)
        order.append(name)
    for name in bones:
        visit(name)
    for name in order:
        bone, rest = bones[name], bones[name].matrix[:3, :3]
        basis = rotation(rotations[name][frame]) if name in rotations else np.eye(3)
        if bone.parent in bones:
            pose[name] = pose[bone.parent] @ bones[bone.parent].matrix[:3, :3].T @ rest @ basis
        else:
            pose[name] = rest @ basis
    return pose


def test_tracked_limbs_are_followed_and_unseen_ones_stay_at_rest(sequence):
    result, _ = track(sequence)
    bones = rest_bones()
    bone_map = resolve_map("metastudio", list(bones))
    body = steady(result.body, result.fps, 0.5)
    rotations = retarget(body, result.visibility, bones, bone_map)
    points = to_blender(body)
    checked = 0
    for frame in range(result.frames):
        pose = posed(bones, rotations, frame)
        for part, chain in bone_map.items():
            if part not in LIMBS:
                continue
            start, end = LIMBS[part]
            seen = result.visibility[frame, list(start + end)].min() >= 0.5
            first = bones[chain[0]]
            along = bones[chain[-1]].tail - first.matrix[:3, 3]
            direction = pose[chain[0]] @ first.matrix[:3, :3].T @ along
            direction /= np.linalg.norm(direction)
            if seen:
                want = points[frame, list(end)].mean(0) - points[frame, list(start)].mean(0)
                angle = np.degrees(np.arccos(np.clip(direction @ want / np.linalg.norm(want),
                                                     -1, 1)))
                assert angle < 1.0, (part, angle)
                checked += 1
            else:
                assert np.allclose(rotations[chain[0]][frame], [1, 0, 0, 0], atol=1e-6), part
    # A portrait: the neck is seen in every frame, the legs in none.
    assert checked >= result.frames
    assert not (result.visibility[:, 25:29] >= 0.5).any()


def test_bone_maps_match_prefixed_names_and_refuse_unknown_rigs():
    mixamo = [f"mixamorig:{n}" for chain in PRESETS["mixamo"].values() for n in chain]
    found = resolve_map("mixamo", mixamo)
    assert found["upper_arm.L"] == ["mixamorig:LeftArm"] and len(found) == len(PRESETS["mixamo"])
    with pytest.raises(BoneMapError, match="no recognisable arm or leg bones"):
        resolve_map("metastudio", ["Bone", "Bone.001"])
    with pytest.raises(BoneMapError, match="'unreal' is not one of"):
        resolve_map("unreal", ["Bone"])


def test_quaternions_of_known_rotations():
    assert np.allclose(quaternion(np.eye(3)), [1, 0, 0, 0])
    half_turn_z = np.diag([-1.0, -1.0, 1.0])
    assert np.allclose(quaternion(half_turn_z), [0, 0, 0, 1])
    for q in np.random.default_rng(1).normal(size=(20, 4)):
        q /= np.linalg.norm(q)
        q = q if q[0] >= 0 else -q
        assert np.allclose(quaternion(rotation(q)), q, atol=1e-9)


def test_root_motion_follows_the_performer_across_the_frame(sequence):
    # She is framed from the chest up: her hips are out of sight; head and shoulders lead.
    from metastudio.core.tracking.retarget import root_motion

    from .conftest import PAN

    result, _ = track(sequence)
    image = steady(result.body_image, result.fps, 0.0)
    moved = root_motion(image, steady(result.body, result.fps, 0.0), result.size,
                        visibility=result.visibility)
    assert np.allclose(moved[0], 0.0)
    assert np.abs(moved[:, 1]).max() < 0.05  # she came no nearer, nor went away
    shoulders = np.linalg.norm(result.body[:, 11] - result.body[:, 12], axis=1)
    span = np.linalg.norm((result.body_image[:, 11, :2] - result.body_image[:, 12, :2])
                          * np.array(result.size), axis=1)
    scale = np.median(shoulders / span)
    # The camera pans right: in the frame the performer goes left, the character to -X.
    step = np.diff(moved[:, 0]).mean()
    assert abs(step + PAN * scale) < 0.3 * PAN * scale
    assert np.abs(moved[:, 2]).max() < 0.05  # nobody rose or sank


def test_root_motion_reads_depth_from_how_large_the_performer_looks():
    from metastudio.core.tracking.retarget import ASSUMED_FOV, root_motion

    body = np.zeros((5, 33, 3))
    body[:, 11], body[:, 12] = (0.2, -0.5, 0), (-0.2, -0.5, 0)
    body[:, 23], body[:, 24] = (0.1, 0, 0), (-0.1, 0, 0)
    grow = np.linspace(1.0, 2.0, 5)  # twice as large: half as far
    image = np.zeros((5, 33, 3))
    for i, k in enumerate(grow):
        image[i] = 0.5 + (body[i] * 0.25 * k)  # 0.25 of the width a metre at first
    size = (400, 400)
    moved = root_motion(image, body, size, scale=1.5)
    focal = size[0] / 2 / np.tan(np.radians(ASSUMED_FOV) / 2)
    first = focal / (0.25 * size[0])  # metres from the camera at first
    assert np.isclose(moved[-1, 1], 1.5 * (first / 2 - first))  # nearer: to -Y
    assert np.allclose(moved[:, [0, 2]], 0.0, atol=1e-9)
