"""Export Avatar's VRM 1.0, through the VRM add-on for Blender (`bpy-vrm-format`):
the humanoid, the expressions, look-at, first person, spring bones and meta set on the
export's rig, and the face's keys as VRM Animation (.vrma)."""

from __future__ import annotations

import os
import tempfile
import uuid
from pathlib import Path

import bpy
import numpy as np
from mathutils import Vector

from ...core.character import avatar
from ...core.character.vrm_colliders import fit_file
from ...core.errors import OperatorError
from ...core.safe_output import move_into
from ..animation import fcurves, key_curve
from .parts import EYES, VRM_ADDON, Made, Parts, material_indices, select


def write_vrm(parts: Parts, bones: dict, spec: avatar.AvatarSpec, path: str) -> None:
    _vrm_settings(parts, bones, spec)
    result = bpy.ops.export_scene.vrm(filepath=path, armature_object_name=parts.rig.name,
                                      ignore_warning=True)
    if result != {"FINISHED"}:
        raise OperatorError(f"export: the VRM add-on did not write the file ({result})")
    if parts.skirt_springs:
        # The add-on writes capsules in Blender's bone frames, not its nodes': laid
        # again along the legs in the file's own space.
        fit_file(Path(path))


def _assign_human_bones(armature, bones: dict[str, str]) -> None:
    """The humanoid's bones by their ids: setting `bone_name` makes the add-on rebuild
    every human bone's list of candidates each time (15 s for the 55 bones); it is done
    once at the end instead."""
    human_bones = armature.vrm_addon_extension.vrm1.humanoid.human_bones
    seen = set()
    for bone in armature.bones:
        extension = bone.vrm_addon_extension
        if not extension.uuid or extension.uuid in seen:
            extension.uuid = uuid.uuid4().hex
        seen.add(extension.uuid)
    for human, name in bones.items():
        if name in armature.bones:
            getattr(human_bones, human).node.bone_uuid = \
                armature.bones[name].vrm_addon_extension.uuid
    try:
        from io_scene_vrm.editor.property_group import HumanoidStructureBonePropertyGroup

        HumanoidStructureBonePropertyGroup.update_all_vrm1_bone_name_candidates(armature)
    except (ImportError, AttributeError):  # another version of the add-on: the slow way
        for human, name in bones.items():
            if name in armature.bones:
                getattr(human_bones, human).node.bone_name = name
    wrong = [human for human, name in bones.items() if name in armature.bones
             and getattr(human_bones, human).node.bone_name != name]
    if wrong:
        raise OperatorError(f"export: the VRM add-on did not take the bones {wrong}")


def enable_vrm_addon() -> bool:
    """The VRM add-on, enabled if it is not (the artist's own, or the one this extension
    bundles); True when enabled here."""
    if hasattr(bpy.types.Armature, "vrm_addon_extension"):
        return False
    import addon_utils

    if addon_utils.enable(VRM_ADDON, default_set=True) is None:
        raise OperatorError("export: the VRM add-on (io_scene_vrm) is not available; "
                            "install 'VRM format' from extensions.blender.org")
    return True


def _vrm_settings(parts: Parts, bones: dict, spec: avatar.AvatarSpec) -> None:
    """Humanoid, expressions, look-at, first person and meta on the rig copy's data."""
    ext = parts.rig.data.vrm_addon_extension
    ext.spec_version = "1.0"
    vrm1 = ext.vrm1
    human_bones = vrm1.humanoid.human_bones
    # What is set here is the avatar's: the add-on must not guess over it (its VRM 0
    # guess alone took 16 s on a 211-bone rig).
    human_bones.initial_automatic_bone_assignment = False
    ext.vrm0.humanoid.initial_automatic_bone_assignment = False
    vrm1.expressions.initial_automatic_expression_assignment = False
    _assign_human_bones(parts.rig.data, {avatar.snake(v): b for v, b in bones.items()})
    body = parts.body
    keys = body.data.shape_keys.key_blocks if body.data.shape_keys else {}
    presets = vrm1.expressions.preset
    for expression, mix in avatar.EXPRESSIONS.items():
        target = getattr(presets, avatar.snake(expression))
        target.morph_target_binds.clear()
        for shape, weight in mix.items():
            if shape not in keys:
                continue
            bind = target.morph_target_binds.add()
            bind.node.mesh_object_name = body.name
            bind.index = shape
            bind.weight = weight
    look_at = vrm1.look_at
    look_at.type = "expression"
    head = parts.rig.data.bones[bones["head"]]
    eyes = _eye_centre(body)
    look_at.offset_from_head_bone = tuple(eyes - np.array(head.head_local))
    for axis, degrees in (("range_map_horizontal_inner", avatar.LOOK_RANGE["horizontal"]),
                          ("range_map_horizontal_outer", avatar.LOOK_RANGE["horizontal"]),
                          ("range_map_vertical_down", avatar.LOOK_RANGE["down"]),
                          ("range_map_vertical_up", avatar.LOOK_RANGE["up"])):
        getattr(look_at, axis).input_max_value = degrees
        getattr(look_at, axis).output_scale = 1.0
    annotations = vrm1.first_person.mesh_annotations
    annotations.clear()
    for obj in parts.meshes:
        annotation = annotations.add()
        annotation.node.mesh_object_name = obj.name
        # Hair and the head's cards would fill a first-person camera.
        is_head = obj is body or obj.name.endswith((" hair", " brows", " beard",
                                                    " moustache", " stubble"))
        annotation.type = "auto" if is_head else "both"
    _springs(parts, bones)
    meta = vrm1.meta
    meta.vrm_name = spec.name
    meta.version = "1"
    meta.authors.clear()
    meta.authors.add().value = spec.author
    meta.copyright_information = ("Made with metastudio from MakeHuman's CC0 base mesh "
                                  "and data")
    meta.avatar_permission = "everyone"
    meta.commercial_usage = "corporation"
    meta.credit_notation = "unnecessary"
    meta.allow_redistribution = True
    meta.modification = "allowModificationRedistribution"
    meta.other_license_url = "https://creativecommons.org/publicdomain/zero/1.0/"


def write_vrma(parts: Parts, made: Made, path: Path) -> str | None:
    """The character's face keys (as VRM expressions) and its rig's action as VRM
    Animation beside the avatar; None (nothing written) when neither is animated."""
    source = made.source_body
    keys = source.data.shape_keys
    curves = {}
    for curve in (fcurves(keys) if keys is not None else []):
        name = curve.data_path.removeprefix('key_blocks["').removesuffix('"].value')
        if name != curve.data_path:
            curves[name] = curve
    rig_action = parts.rig.animation_data.action if parts.rig.animation_data else None
    if not curves and rig_action is None:
        return None
    ranges = [c.range() for c in curves.values()]
    if rig_action is not None:
        ranges.append(rig_action.frame_range)
    start = int(min(r[0] for r in ranges))
    end = int(np.ceil(max(r[1] for r in ranges)))
    frames = np.arange(start, end + 1, dtype=float)
    shapes = {name: np.array([curve.evaluate(f) for f in frames])
              for name, curve in curves.items()}
    presets = parts.rig.data.vrm_addon_extension.vrm1.expressions.preset
    tracks = avatar.expression_tracks(shapes)
    for name, values in tracks.items():
        key_curve(parts.rig.data, getattr(presets, avatar.snake(name)), "preview", 0,
                  frames, values)
    scene, original = made.scene, bpy.context.scene
    scene.frame_start, scene.frame_end = start, end
    scene.render.fps, scene.render.fps_base = original.render.fps, original.render.fps_base
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.",
                                         suffix=".vrma")
    os.close(handle)
    try:
        with made.current():
            select(bpy.context, Parts(parts.rig, [], None))
            result = bpy.ops.export_scene.vrma(filepath=temporary,
                                               armature_object_name=parts.rig.name)
        if result != {"FINISHED"}:
            raise OperatorError(f"export: the VRM add-on did not write {path.name}")
        move_into(temporary, path)
    finally:
        Path(temporary).unlink(missing_ok=True)
    what = ", ".join(sorted(tracks)) or "no expressions"
    return f"{path} ({end - start + 1} frames: {what}" + (
        ", the rig's action)" if rig_action is not None else ")")


# Colliders the hair swings around: (humanoid bone, offset from the bone's head along
# (x, y, z) in the rig's space, radius), metres.


COLLIDERS = (("head", (0.0, -0.01, 0.08), 0.095), ("neck", (0.0, 0.0, 0.04), 0.06),
             ("upperChest", (0.0, 0.02, 0.05), 0.13),
             ("leftUpperArm", (0.0, 0.0, 0.0), 0.06),
             ("rightUpperArm", (0.0, 0.0, 0.0), 0.06))


def _springs(parts: Parts, bones: dict) -> None:
    """VRM spring bones for the hair's locks, colliding with the head, the neck, the
    chest and the shoulders, and for skirts, colliding with the legs."""
    spring_bone = parts.rig.data.vrm_addon_extension.spring_bone1
    if parts.skirt_springs:
        with _rig_context(parts):
            _skirt_springs(parts, bones, spring_bone)
    if not parts.springs:
        return
    with _rig_context(parts):
        group = spring_bone.add_collider_group()
        group.vrm_name = "Body"
        for human, offset, radius in COLLIDERS:
            bone = bones.get(human)
            if bone not in parts.rig.data.bones:
                continue
            collider = spring_bone.add_collider(bpy.context, parts.rig)
            collider.node.bone_name = bone
            collider.shape.sphere.radius = radius
            # The offset is in the bone's own space: turn the rig-space one into it.
            rest = parts.rig.data.bones[bone].matrix_local.to_3x3().inverted()
            collider.shape.sphere.offset = tuple(rest @ Vector(offset))
            group.add_collider().collider_uuid = collider.uuid
        for number, chain in enumerate(parts.springs, start=1):
            _spring(spring_bone, f"Hair {number}", chain, group, hit=0.015,
                    stiffness=0.6, gravity=0.35, drag=0.45)


HIT = 0.012  # a skirt joint's radius for collisions


def _skirt_springs(parts: Parts, bones: dict, spring_bone) -> None:
    """Skirt chains: stiffer than hair (cloth keeps its flare), pushed out by a capsule
    along each thigh and shin, as thick as the leg."""
    legs = spring_bone.add_collider_group()
    legs.vrm_name = "Legs"
    for side in ("left", "right"):
        shin = None
        for upper, lower in (("LowerLeg", "Foot"), ("UpperLeg", "LowerLeg")):
            bone, end = bones.get(side + upper), bones.get(side + lower)
            if bone not in parts.rig.data.bones or end not in parts.rig.data.bones:
                continue
            rest = parts.rig.data.bones[bone].matrix_local
            head = rest.translation
            tail = parts.rig.data.bones[end].head_local
            radius = _limb_radius(parts, np.array(head), np.array(tail))
            if radius is None and shin is not None:
                # The thigh's skin is gone under a long skirt (hidden skin is removed):
                # a thigh is about half as thick again as the shin.
                radius = 1.5 * shin
            if radius is None:
                continue
            shin = radius if upper == "LowerLeg" else shin
            collider = spring_bone.add_collider(bpy.context, parts.rig)
            collider.node.bone_name = bone
            collider.shape_type = "Capsule"
            collider.shape.capsule.radius = radius
            # Laid along the leg in the written file's own space (vrm_colliders).
            collider.shape.capsule.offset = (0.0, 0.0, 0.0)
            collider.shape.capsule.tail = tuple(rest.inverted() @ tail)
            legs.add_collider().collider_uuid = collider.uuid
    for number, chain in enumerate(parts.skirt_springs, start=1):
        # The skirt hangs as built: gravity barely pulls more (it would draw the flare
        # in at rest), stiffness brings it back after a swing.
        _spring(spring_bone, f"Skirt {number}", chain, legs, hit=HIT, stiffness=1.5,
                gravity=0.05, drag=0.55)


def _spring(spring_bone, name: str, chain: list[str], colliders, hit: float,
            stiffness: float, gravity: float, drag: float) -> None:
    """A VRM spring down a chain of bones, each joint alike, pulled straight down by
    gravity, colliding with a collider group."""
    spring = spring_bone.add_spring()
    spring.vrm_name = name
    for bone in chain:
        joint = spring.add_joint()
        joint.node.bone_name = bone
        joint.hit_radius = hit
        joint.stiffness = stiffness
        joint.gravity_power = gravity
        joint.gravity_dir = (0.0, 0.0, -1.0)
        joint.drag_force = drag
    spring.add_collider_group().collider_group_uuid = colliders.uuid


def _limb_radius(parts: Parts, head: np.ndarray, tail: np.ndarray) -> float | None:
    """How thick a limb is between two joints (rig space): the median distance from
    the axis of the skin round its middle (a little less: a collider must not push the
    cloth at rest)."""
    body = parts.body
    points = np.empty(len(body.data.vertices) * 3)
    body.data.vertices.foreach_get("co", points)
    to_rig = np.array(parts.rig.matrix_world.inverted() @ body.matrix_world)
    points = points.reshape(-1, 3) @ to_rig[:3, :3].T + to_rig[:3, 3]
    axis = tail - head
    t = (points - head) @ axis / max(float(axis @ axis), 1e-9)
    distance = np.linalg.norm(points - (head + np.clip(t, 0, 1)[:, None] * axis), axis=1)
    ring = (t > 0.3) & (t < 0.7) & (distance < 0.12) & (
        np.sign(points[:, 0]) == np.sign(head[0]))
    return float(np.median(distance[ring])) * 0.9 if ring.sum() >= 10 else None


def _rig_context(parts: Parts):
    """A context whose active object is the export's rig (the add-on reads it)."""
    return bpy.context.temp_override(active_object=parts.rig, object=parts.rig)


def _eye_centre(body) -> np.ndarray:
    """Between the eyes, in the body's space: the centre of the eye material's faces."""
    mesh = body.data
    indices = material_indices(mesh)
    corners = [v for p, m in zip(mesh.polygons, indices, strict=True) if m == EYES
               for v in p.vertices]
    positions = np.array([mesh.vertices[v].co for v in corners]) if corners else \
        np.zeros((1, 3))
    return positions.mean(0)
