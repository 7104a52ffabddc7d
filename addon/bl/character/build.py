"""Make (or update) a character in the scene from a CharacterSpec.

One collection per character name holds a mesh object and, when rigged, its armature.
Building again with the same name replaces the mesh and the armature data inside the
same objects, so the artist's placement, modifiers added by hand, the armature's action
and the face's shape-key animation stay.
"""

from __future__ import annotations

import json

import bpy
import numpy as np

from ...core.character import build as core_build
from ...core.character.describe import Resolved, resolve
from ...core.character.spec import CharacterSpec
from ...core.errors import OperatorError
from ..scene_guard import SceneGuard
from . import face as character_face
from .garments import GARMENT, dress
from .hair import HAIR, grow
from .parts import add_weights

TAG = "metastudio_character"


def find_character(name: str) -> tuple[bpy.types.Object | None, bpy.types.Object | None]:
    """The mesh and armature objects of the character called `name`, if it exists."""
    mesh = armature = None
    for obj in bpy.data.objects:
        if obj.get(TAG) == name and GARMENT not in obj and HAIR not in obj:
            if obj.type == "MESH":
                mesh = obj
            elif obj.type == "ARMATURE":
                armature = obj
    return mesh, armature


def build_character(context, spec: CharacterSpec, guard: SceneGuard, warnings: list[str]):
    """Steps (fraction, message) that build the character; see module docstring."""
    yield 0.05, "understanding the description"
    resolved = resolve(spec)
    warnings.extend(resolved.notes)
    yield 0.25, "shaping the body"
    data = core_build.build(resolved.values)
    yield 0.45, "making the mesh"
    mesh_data = _mesh(spec.name, data)
    old_mesh, old_armature = find_character(spec.name)
    replaced = [old.data for old in (old_mesh, old_armature) if old is not None]
    collection = _collection(context, spec.name, guard)
    obj = old_mesh
    face_action = None
    if obj is None:
        obj = bpy.data.objects.new(spec.name, mesh_data)
        collection.objects.link(obj)
        obj[TAG] = spec.name
    else:
        face_action = _face_action(old_mesh.data)
        guard.remember(obj, "data")
        obj.data = mesh_data
    obj["metastudio_resolved"] = json.dumps(resolved.as_dict())
    obj["metastudio_resolved_summary"] = summary(resolved)
    armature = old_armature
    if data.bones:
        yield 0.6, "placing the bones"
        if spec.rig == "rigify":
            armature = _rigify(context, spec.name, data, collection, armature, guard)
        else:
            armature = _armature(context, spec.name, data, collection, armature, guard)
        yield 0.75, "weighting the skin"
        _skin(obj, armature, data, guard)
    elif armature is not None:
        guard.remember(obj, "parent")
        obj.parent = None
    if data.shapes:
        yield 0.85, "adding the face shapes"
        _shape_keys(obj, data)
        if face_action is not None:
            _set_action(obj.data.shape_keys, face_action)
    yield 0.9, "dressing"
    undressed = dress(spec.name, data, collection, obj, armature if data.bones else None,
                      guard)
    yield 0.93, "growing the hair"
    undressed += grow(spec.name, data.hair, data.colors["hair"], collection, obj, guard)
    _detail(obj, spec.detail)
    yield 0.95, "tidying up"
    for old in undressed:  # garments and hair no longer worn, their replaced data
        if isinstance(old, bpy.types.Object):
            obj_data = old.data
            bpy.data.objects.remove(old)
            old = obj_data
        if old.users == 0:
            (bpy.data.meshes if isinstance(old, bpy.types.Mesh)
             else bpy.data.hair_curves).remove(old)
    # The replaced mesh and armature data go once nothing else uses them (a failure
    # before this point rolls back to them).
    for old in replaced:
        if old.users == 0:
            (bpy.data.meshes if isinstance(old, bpy.types.Mesh) else
             bpy.data.armatures).remove(old)
    context.view_layer.objects.active = armature or obj
    yield 1.0, f"built {spec.name}: {data.height:.2f} m"


def summary(resolved: Resolved) -> str:
    """The resolved spec in one line for a report."""
    v = resolved.values
    sex = "female" if v["gender"] < 0.34 else "male" if v["gender"] > 0.66 else "androgynous"
    return (f"{sex}, {v['age']:.0f} years, height {v['height']:.2f}, weight "
            f"{v['weight']:.2f}, muscle {v['muscle']:.2f}, skin {v['skin_tone']:.2f}, "
            f"{v['eye_color']} eyes, top {v['top']}, bottom {v['bottom']}, rig {v['rig']}")


def _collection(context, name: str, guard: SceneGuard) -> bpy.types.Collection:
    collection = bpy.data.collections.get(name)
    if collection is None:
        collection = bpy.data.collections.new(name)
    if collection.name not in context.scene.collection.children:
        context.scene.collection.children.link(collection)
        guard.add_undo(lambda: context.scene.collection.children.unlink(collection)
                       if collection.name in context.scene.collection.children else None)
    return collection


def _mesh(name: str, data: core_build.CharacterMesh) -> bpy.types.Mesh:
    mesh = bpy.data.meshes.new(name)
    triangles = data.faces[:, 3] == data.faces[:, 2]
    sizes = np.where(triangles, 3, 4)
    polygons = [list(face[:size]) for face, size in zip(data.faces.tolist(), sizes,
                                                         strict=True)]
    mesh.from_pydata(data.positions.tolist(), [], polygons)
    corner = np.concatenate([data.corner_uvs[i, :size] for i, size in enumerate(sizes)])
    uv = mesh.uv_layers.new(name="UVMap")
    uv.data.foreach_set("uv", corner.ravel())
    mesh.polygons.foreach_set("use_smooth", np.ones(len(mesh.polygons), bool))
    iris = mesh.attributes.new("iris", "FLOAT", "POINT")
    iris.data.foreach_set("value", data.iris)
    plane = mesh.attributes.new("eye_plane", "FLOAT2", "POINT")
    plane.data.foreach_set("vector", data.eye_plane.ravel())
    scalp = mesh.attributes.new("scalp", "FLOAT", "POINT")
    scalp.data.foreach_set("value", data.scalp)
    character_face.paint_regions(mesh, corner)
    for material in core_build.MATERIALS:
        mesh.materials.append(character_face.material(name, material, data.colors[material],
                                                      data.colors["hair"]))
    mesh.polygons.foreach_set("material_index", data.face_material)
    mesh.update()
    return mesh


def _armature(context, name, data, collection, existing, guard,
              suffix: str = " rig") -> bpy.types.Object:
    armature_data = bpy.data.armatures.new(f"{name}{suffix}")
    if existing is None:
        existing = bpy.data.objects.new(f"{name}{suffix}", armature_data)
        collection.objects.link(existing)
        existing[TAG] = name
    else:
        guard.remember(existing, "data")
        existing.data = armature_data
    existing.show_in_front = True
    guard.remember(context.view_layer.objects, "active")
    context.view_layer.objects.active = existing
    previous = {o: o.select_get() for o in context.view_layer.objects}
    bpy.ops.object.mode_set(mode="EDIT")
    try:
        bones = {}
        for bone in data.bones:
            edit = armature_data.edit_bones.new(bone.name)
            edit.head, edit.tail, edit.roll = bone.head, bone.tail, bone.roll
            bones[bone.name] = edit
        for bone in data.bones:
            if bone.parent in bones:
                bones[bone.name].parent = bones[bone.parent]
                bones[bone.name].use_connect = bone.connected
    finally:
        bpy.ops.object.mode_set(mode="OBJECT")
    for obj, selected in previous.items():
        obj.select_set(selected)
    return existing


def _skin(obj, armature, data, guard) -> None:
    obj.vertex_groups.clear()
    add_weights(obj, data.weights, armature.data.bones)
    modifier = next((m for m in obj.modifiers if m.type == "ARMATURE"), None)
    if modifier is None:
        modifier = obj.modifiers.new("Armature", "ARMATURE")
    modifier.object = armature
    if obj.parent is not armature:
        guard.remember(obj, "parent")
        obj.parent = armature


def _shape_keys(obj, data) -> None:
    obj.shape_key_add(name="Basis", from_mix=False)
    base = data.positions.astype(np.float32)
    for name, offsets in data.shapes.items():
        key = obj.shape_key_add(name=name, from_mix=False)
        key.data.foreach_set("co", (base + offsets).ravel())
        key.slider_min, key.slider_max = 0.0, 1.0
        key.value = 0.0  # new keys come at full strength in Blender 5.0


def _face_action(mesh: bpy.types.Mesh):
    """The shape-key action (lip-sync keys) of a mesh, if it has one."""
    keys = mesh.shape_keys
    return keys.animation_data.action if keys and keys.animation_data else None


def _set_action(owner, action) -> None:
    animation = owner.animation_data or owner.animation_data_create()
    animation.action = action
    slots = getattr(action, "slots", None)  # Blender 4.4+: actions hold slots per user
    if slots and getattr(animation, "action_slot", None) is None:
        animation.action_slot = slots[0]


def _detail(obj, detail: str) -> None:
    modifier = next((m for m in obj.modifiers if m.type == "SUBSURF"), None)
    if detail == "high" and modifier is None:
        modifier = obj.modifiers.new("Subdivision", "SUBSURF")
        modifier.levels, modifier.render_levels = 0, 1
    elif detail == "low" and modifier is not None:
        obj.modifiers.remove(modifier)


def _rigify(context, name: str, data, collection, existing, guard) -> bpy.types.Object:
    """Build the Rigify metarig from the data and let Rigify generate the control rig; the
    metarig is removed afterwards (the generated rig is what an animator poses)."""
    import addon_utils

    enabled_here = "rigify" not in context.preferences.addons
    if enabled_here and addon_utils.enable("rigify", default_set=True) is None:
        raise OperatorError("rig: Blender's Rigify add-on is not available; choose "
                            "another rig")
    metarig = _armature(context, name, data, collection, None, guard, " metarig")
    del metarig[TAG]  # only the generated rig is the character's
    collections = metarig.data.collections
    for bone in data.bones:
        for label in bone.rigify.get("collections", []):
            group = collections.get(label) or collections.new(label)
            group.assign(metarig.data.bones[bone.name])
    # Rigify lays out its picker from the collections' UI rows.
    for row, group in enumerate(c for c in collections if c.name not in ("DEF", "ORG",
                                                                         "MCH")):
        group.rigify_ui_row = row + 1
    for bone in data.bones:
        settings = bone.rigify
        pose_bone = metarig.pose.bones[bone.name]
        if settings.get("rigify_type"):
            pose_bone.rigify_type = settings["rigify_type"]
        for key, value in (settings.get("rigify_parameters") or {}).items():
            if key.endswith("_coll_refs") or not hasattr(pose_bone.rigify_parameters, key):
                continue  # collection references: Rigify's defaults are used
            try:
                setattr(pose_bone.rigify_parameters, key, value)
            except (TypeError, ValueError, AttributeError):
                pass  # a parameter this Rigify version names or types differently
    target = existing
    if target is not None:
        metarig.data.rigify_target_rig = target
    for obj in context.view_layer.objects:
        obj.select_set(obj is metarig)
    context.view_layer.objects.active = metarig
    bpy.ops.pose.rigify_generate()
    generated = metarig.data.rigify_target_rig
    generated.name = f"{name} rig"
    generated[TAG] = name
    if generated.name not in collection.objects:
        collection.objects.link(generated)
    armature_data = metarig.data
    bpy.data.objects.remove(metarig)
    bpy.data.armatures.remove(armature_data)
    if enabled_here and bpy.app.background:
        # Headless (a farm worker, a script): leave no add-on registered; bpy 4.5 as a
        # module hangs at exit while Python classes are registered.
        addon_utils.disable("rigify", default_set=True)
    return generated
