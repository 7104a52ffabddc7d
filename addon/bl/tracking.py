"""Bake a tracked performance onto a rig and a face: the body as each mapped bone's
rotation, the face as ARKit shape-key values, a key per clip frame placed at the scene's
frame rate; the video on a plane beside the character for comparison.

Everything is made new (actions, the plane, its image) or remembered (rotation modes,
the assigned actions), so a cancel or a failure leaves the scene as it was.
"""

from __future__ import annotations

from pathlib import Path

import bpy
import numpy as np

from ..core.errors import JobSpecError
from ..core.tracking.face import face_values
from ..core.tracking.feet import lock_feet, planted, posed_points
from ..core.tracking.filter import steady
from ..core.tracking.landmarks import Track, default_cache, tracked
from ..core.tracking.media import Clip, open_clip
from ..core.tracking.retarget import (
    L_ANKLE,
    MIN_VISIBILITY,
    PRESET_SETTINGS,
    R_ANKLE,
    RestBone,
    metres_per_pixel,
    proportion,
    resolve_map,
    retarget,
    root_motion,
)
from ..core.tracking.spec import DriveSpec, TrackSpec
from .animation import key_curve
from .nodes import ensure_node_tree
from .scene_guard import SceneGuard

FACE_KEY = "jawOpen"  # a mesh with this shape key has the ARKit face


def find_armature(context, name: str) -> bpy.types.Object:
    """The named armature, else the active one, else the scene's only one."""
    if name:
        obj = bpy.data.objects.get(name)
        if obj is None or obj.type != "ARMATURE":
            raise JobSpecError(f"armature: no armature object named {name!r}")
        return obj
    active = context.view_layer.objects.active if context.view_layer else None
    if active is not None and active.type == "ARMATURE":
        return active
    rigs = [o for o in context.scene.objects if o.type == "ARMATURE"]
    if len(rigs) != 1:
        raise JobSpecError("armature: name the rig to drive (the scene has "
                           f"{len(rigs)} armatures and none is active)")
    return rigs[0]


def find_face(rig: bpy.types.Object | None, name: str) -> bpy.types.Object | None:
    """The named mesh, else the rig's child mesh with ARKit shape keys, else None."""
    if name:
        obj = bpy.data.objects.get(name)
        keys = obj.data.shape_keys if obj is not None and obj.type == "MESH" else None
        if keys is None or FACE_KEY not in keys.key_blocks:
            raise JobSpecError(f"face_mesh: {name!r} is not a mesh with ARKit shape keys "
                               f"({FACE_KEY}, ...)")
        return obj
    for child in rig.children_recursive if rig is not None else []:
        keys = child.data.shape_keys if child.type == "MESH" else None
        if keys is not None and FACE_KEY in keys.key_blocks:
            return child
    return None


def rest_bones(rig: bpy.types.Object) -> dict[str, RestBone]:
    """The armature's bones at rest, for the core's retargeting."""
    return {bone.name: RestBone(bone.name, bone.parent.name if bone.parent else "",
                                np.array(bone.matrix_local), np.array(bone.tail_local))
            for bone in rig.data.bones}


def driven(context, spec: DriveSpec, warnings: list[str]):
    """What a performance drives: (the rig or None, its bone map, the face mesh or
    None); a missing face is a warning, a missing or unmatched rig an error."""
    rig = find_armature(context, spec.armature) if spec.body else None
    bone_map = resolve_map(spec.bone_map, [b.name for b in rig.data.bones]) if rig else {}
    face_mesh = None
    if spec.face:
        owner = None if spec.face_mesh else (rig or find_armature(context, spec.armature))
        face_mesh = find_face(owner, spec.face_mesh)
        if face_mesh is None:
            warnings.append("face: no mesh with ARKit shape keys under the rig; face not baked")
    return rig, bone_map, face_mesh


def bake_track(context, spec: TrackSpec, guard: SceneGuard, warnings: list[str]):
    """Steps (fraction, message); see the module docstring."""
    scene = context.scene
    clip = open_clip(spec.video)
    rig, bone_map, face_mesh = driven(context, spec, warnings)
    steps = tracked(clip, default_cache(), face=True, hands=spec.hands)
    try:
        while True:
            done, total = next(steps)
            yield 0.7 * done / total, f"tracking frame {done} of {total}"
    except StopIteration as finished:
        track, cached = finished.value
    if cached:
        yield 0.7, "tracked before: read from the cache"
    warnings.extend(track.notes)
    # Clip frame i lands at this scene frame: same time, the scene's rate.
    rate = scene.render.fps / scene.render.fps_base
    frames = spec.start_frame + np.arange(track.frames) * rate / track.fps
    if abs(rate - track.fps) > 0.01:
        warnings.append(f"the clip runs at {track.fps:g} fps, the scene at {rate:g}: keys "
                        "are placed by time")
    lost = int((~track.found()).sum())
    if lost:
        warnings.append(f"the person was lost in {lost} of {track.frames} frames: held or "
                        "filled between the frames around")
    if rig is not None:
        yield 0.75, "retargeting the body"
        apply_settings(rig, PRESET_SETTINGS.get(spec.bone_map, {}), guard)
        body = steady(track.body, track.fps, spec.strength, spec.responsiveness)
        hands = (steady(track.hands, track.fps, spec.strength, spec.responsiveness)
                 if spec.hands else None)
        bones = rest_bones(rig)
        rotations = retarget(body, track.visibility, bones, bone_map, hands)
        yield 0.8, f"baking {len(rotations)} bones"
        bake_bones(rig, rotations, frames, guard, f"Track {Path(spec.video).stem}")
        if "hips" in bone_map and (spec.root_motion or spec.foot_lock):
            moves = _hips_moves(track, body, bones, bone_map, rotations, spec, warnings)
            if moves is not None:
                _bake_root(rig, bone_map["hips"][0], moves, frames)
    if face_mesh is not None:
        yield 0.9, "baking the face"
        values = face_values(track.face, track.size)
        bake_face(face_mesh, {k: steady(v, track.fps, spec.strength, spec.responsiveness)
                              for k, v in values.items()}, frames, guard,
                  f"Track face {Path(spec.video).stem}")
    if spec.reference:
        _reference_plane(context, clip, track, rig, spec.start_frame)
    guard.remember(scene, "frame_end")
    scene.frame_end = max(scene.frame_end, int(np.ceil(frames[-1])))
    yield 1.0, f"baked {track.frames} frames"


def _hips_moves(track: Track, body: np.ndarray, bones: dict[str, RestBone],
                bone_map: dict[str, list[str]],
                rotations: dict[str, np.ndarray], spec: TrackSpec,
                warnings: list[str]) -> np.ndarray | None:
    """The hips bone's moves in armature space: root motion at the character's scale
    (or none), then corrected so planted feet stay put; None when the hips do not move
    (no root motion and no foot planted: nothing to key)."""
    image = steady(track.body_image, track.fps, spec.strength, spec.responsiveness)
    if spec.root_motion:
        moves = root_motion(image, body, track.size,
                            proportion(bones, bone_map, body, track.visibility),
                            visibility=track.visibility)
    else:
        moves = np.zeros((track.frames, 3))
    feet = {side: bone_map[f"foot.{side}"][0] for side in "LR" if f"foot.{side}" in bone_map}
    if not spec.foot_lock or not feet:
        return moves if spec.root_motion else None
    points = posed_points(bones, rotations, {s: (b, "head") for s, b in feet.items()},
                          track.frames)
    ground = {side: float(bones[bone].matrix[2, 3]) for side, bone in feet.items()}
    ankles = {"L": L_ANKLE, "R": R_ANKLE}
    metres = metres_per_pixel(image, body, track.size)[:, None]
    pictured = {side: image[:, ankles[side], :2] * np.array(track.size) * metres
                for side in feet}
    seen = {side: track.visibility[:, ankles[side]] >= MIN_VISIBILITY for side in feet}
    moves, held = lock_feet(moves, points, ground, planted(pictured, track.fps, seen))
    if not (held >= 0).any():
        return moves if spec.root_motion else None
    warnings.append(f"feet locked to the ground in {int((held >= 0).sum())} of "
                    f"{track.frames} frames")
    return moves


def _new_action(owner, name: str, guard: SceneGuard) -> None:
    """A fresh action on `owner` (the old one kept in the file, put back on rollback)."""
    if owner.animation_data is None:
        owner.animation_data_create()
        guard.add_undo(lambda: owner.animation_data_clear())
    else:
        guard.remember(owner.animation_data, "action")
    owner.animation_data.action = bpy.data.actions.new(name)


def apply_settings(rig, settings: dict[str, dict[str, float]], guard: SceneGuard) -> None:
    """Set the rig's custom properties a bone map needs (Rigify's IK/FK switches), each
    put back if `guard` rolls back."""
    for bone_name, values in settings.items():
        bone = rig.pose.bones.get(bone_name)
        for key, value in values.items():
            if bone is None or key not in bone:
                continue
            old = bone[key]
            guard.add_undo(lambda bone=bone, key=key, old=old: bone.__setitem__(key, old))
            bone[key] = value


def bake_bones(rig, rotations: dict[str, np.ndarray], frames: np.ndarray,
               guard: SceneGuard, name: str) -> None:
    """Key each bone's rotations (frames x 4) at `frames` on a new action `name`."""
    _new_action(rig, name, guard)
    for name, quaternions in rotations.items():
        bone = rig.pose.bones[name]
        guard.remember(bone, "rotation_mode")
        bone.rotation_mode = "QUATERNION"
        for index in range(4):
            key_curve(rig, bone, "rotation_quaternion", index, frames, quaternions[:, index])


def _bake_root(rig, name: str, moved: np.ndarray, frames: np.ndarray) -> None:
    """The hips bone's location: armature-space moves turned into the bone's own rest
    frame (a pose bone's location is in it). Keys on the action made for the body."""
    bone = rig.pose.bones[name]
    rest = np.array(bone.bone.matrix_local)[:3, :3]
    local = moved @ rest  # each row: rest.T @ move
    for index in range(3):
        key_curve(rig, bone, "location", index, frames, local[:, index])


def bake_face(mesh, values: dict[str, np.ndarray], frames: np.ndarray,
              guard: SceneGuard, name: str) -> None:
    """Key each ARKit shape key's values at `frames` on a new action `name`."""
    keys = mesh.data.shape_keys
    _new_action(keys, name, guard)
    for name, series in values.items():
        block = keys.key_blocks.get(name)
        if block is not None:
            key_curve(keys, block, "value", 0, frames, np.nan_to_num(series))


def _reference_plane(context, clip: Clip, track: Track, rig, start: int) -> None:
    """The video on an upright plane to the character's right, two metres tall."""
    first = clip.images[0] if clip.images else Path(clip.source)
    image = bpy.data.images.load(str(first.resolve()), check_existing=False)
    if clip.images:
        image.source = "SEQUENCE"
    width = 2.0 * track.size[0] / track.size[1]
    mesh = bpy.data.meshes.new("Track reference")
    mesh.from_pydata([(-width / 2, 0, 0), (width / 2, 0, 0), (width / 2, 0, 2.0),
                      (-width / 2, 0, 2.0)], [], [(0, 1, 2, 3)])
    mesh.uv_layers.new().data.foreach_set("uv", [0, 0, 1, 0, 1, 1, 0, 1])
    material = bpy.data.materials.new("Track reference")
    ensure_node_tree(material)
    nodes = material.node_tree.nodes
    texture = nodes.new("ShaderNodeTexImage")
    texture.image = image
    texture.image_user.frame_duration = track.frames
    texture.image_user.frame_start = start
    texture.image_user.use_auto_refresh = True
    emit = nodes.new("ShaderNodeEmission")
    material.node_tree.links.new(texture.outputs["Color"], emit.inputs["Color"])
    material.node_tree.links.new(emit.outputs[0], nodes["Material Output"].inputs["Surface"])
    mesh.materials.append(material)
    plane = bpy.data.objects.new("Track reference", mesh)
    x = (rig.location.x if rig else 0.0) + 0.6 + width / 2
    plane.location = (x, rig.location.y if rig else 0.0, 0.0)
    context.scene.collection.objects.link(plane)
