"""Export Avatar: a character written as VRM 1.0, GLB, FBX or USD for real-time worlds.

Nothing in the scene changes: the export works on copies (the rig's data copied, the
meshes shared) in a collection of its own, removed afterwards. On the copies, what a
real-time engine cannot draw is replaced: each material by a plain PBR one with its
colour baked from the Cycles shader into a texture, strand hair by hair cards
(core.character.hair_cards), thickness modifiers dropped (the garments' materials are
drawn from both sides instead). The file is written beside its path under a temporary
name and moved in place only when complete.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
import time
import uuid
from pathlib import Path

import bpy
import numpy as np
from mathutils import Vector

from ..core.character import avatar
from ..core.character.hair_cards import (
    JOINTS,
    PAINTED,
    lock_weights,
    locks,
    make_cards,
    paint_strands,
    resample,
)
from ..core.errors import JobSpecError, OperatorError
from ..core.safe_output import OutputError, move_into, resolve_output
from .animation import fcurves, key_curve
from .character import find_character
from .character_garments import garments_of
from .character_hair import hair_of
from .character_parts import add_weights
from .nodes import ensure_node_tree

VRM_ADDON = "io_scene_vrm"


def export_avatar(spec: avatar.AvatarSpec, report: dict):
    """Steps (fraction, message) that write the avatar; `report` receives the file's
    figures (triangles, materials, bones, seconds)."""
    started = time.perf_counter()
    target = resolve_output(spec.path, field="export")
    fmt = avatar.export_format(spec.path)
    _check_writable(target.parent, spec.path)
    body, rig = find_character(spec.name)
    if body is None:
        raise JobSpecError(f"name: there is no character called '{spec.name}' in the "
                           "scene; make it first")
    resolved = json.loads(body.get("metastudio_resolved", "{}")).get("values", {})
    bones = avatar.humanoid(resolved.get("rig", "none")) if fmt == "vrm" else None
    yield 0.05, "copying the character"
    made = _Made()
    try:
        if fmt == "vrm":
            made.addon_enabled_here = _enable_vrm_addon()
        parts = _copies(spec.name, body, rig, made)
        yield 0.15, "baking the materials"
        for obj in parts.meshes:
            _bake(obj, spec.texture_size, made,
                  _cap_colour(spec.name) if spec.hair_cards else None)
            yield 0.15 + 0.5 * (parts.meshes.index(obj) + 1) / len(parts.meshes), \
                f"baked {obj.name}"
        if spec.hair_cards:
            yield 0.7, "making hair cards"
            parts.head = avatar.HUMANOID.get(resolved.get("rig"), {}).get("head")
            parts.meshes += _hair_cards(spec.name, body, parts, spec.texture_size, made)
        figures = _figures(parts)
        report.update(figures)
        report["over_budget"] = avatar.over_budget(figures)
        yield 0.8, f"writing {fmt.upper()}"
        handle, temporary = tempfile.mkstemp(dir=target.parent,
                                             prefix=f".{target.name}.",
                                             suffix=target.suffix)
        os.close(handle)
        try:
            with made.current():
                _select(bpy.context, parts)
                if fmt == "vrm":
                    _write_vrm(parts, bones, spec, temporary)
                else:
                    _WRITERS[fmt](parts, spec, temporary)
            move_into(temporary, target)
        finally:
            Path(temporary).unlink(missing_ok=True)
        if fmt == "vrm" and spec.animation:
            yield 0.9, "writing the animation (.vrma)"
            motion = _write_vrma(parts, made, target.with_suffix(".vrma"))
            if motion:
                report["animation"] = motion
    finally:
        made.remove()
    report["seconds"] = time.perf_counter() - started
    report["path"] = str(target)
    yield 1.0, f"wrote {Path(spec.path).name}"


def _check_writable(folder: Path, path: str) -> None:
    """Fail now, naming the field, rather than after a minute of baking."""
    try:
        handle, probe = tempfile.mkstemp(dir=folder, prefix=".metastudio-probe-")
    except OSError as exc:
        raise OutputError(f"export: cannot write in {Path(path).parent or '.'}: "
                          f"{exc.strerror}") from None
    os.close(handle)
    os.unlink(probe)


class _Made:
    """What the export made (a scene of its own, objects, meshes, materials, images)
    and the names it borrowed, undone in one place whether the export succeeds or
    fails."""

    def __init__(self) -> None:
        self.objects, self.blocks, self.renamed = [], [], []
        self.body = self.source_body = None  # the body's copy, and the body
        self.addon_enabled_here = False
        # A scene of its own: the exporters and the bake see only the avatar's copies.
        self.scene = bpy.data.scenes.new("metastudio avatar export")
        self.collection = bpy.data.collections.new("metastudio avatar export")
        self.scene.collection.children.link(self.collection)

    def take_name(self, block) -> str:
        """Free `block`'s name for what replaces it in the file; it is given back when
        the export ends."""
        for other, name in self.renamed:
            if other is block:
                return name
        name = block.name
        self.renamed.append((block, name))
        block.name = f"{name} (exporting)"
        return name

    @contextlib.contextmanager
    def current(self):
        """The export's scene as the window's while the exporters run: they work on
        the current scene (mode switches included), and see only the avatar in it."""
        window = bpy.context.window or next(iter(bpy.context.window_manager.windows),
                                            None)
        if window is None:
            raise OperatorError("export: Blender has no window to export from")
        previous = window.scene
        window.scene = self.scene
        try:
            with bpy.context.temp_override(window=window):
                yield
        finally:
            window.scene = previous

    def context(self, active=None):
        """A context override in which the export's scene is the current one (and
        `active` the active, selected object)."""
        more = {} if active is None else {
            "active_object": active, "object": active, "selected_objects": [active],
            "selected_editable_objects": [active]}
        return bpy.context.temp_override(scene=self.scene,
                                         view_layer=self.scene.view_layers[0], **more)

    def remove(self) -> None:
        # Besides the copies: what the VRM add-on made in the export's scene (its
        # spring-bone colliders are empties).
        for obj in list(self.scene.objects):
            if obj not in self.objects:
                bpy.data.objects.remove(obj)
        for obj in self.objects:
            bpy.data.objects.remove(obj)
        for block in self.blocks:
            _remove_block(block)
        for obj, name in self.renamed:
            obj.name = name
        bpy.data.scenes.remove(self.scene)
        if self.addon_enabled_here and bpy.app.background:
            # Headless (a farm worker, a script): leave no add-on registered, as with
            # Rigify (bpy 4.5 as a module hangs at exit while classes are registered).
            import addon_utils

            addon_utils.disable(VRM_ADDON, default_set=True)
        bpy.data.collections.remove(self.collection)


def _remove_block(block) -> None:
    for library in (bpy.data.meshes, bpy.data.armatures, bpy.data.materials,
                    bpy.data.images):
        if block.name in library and library[block.name] == block:
            library.remove(block)
            return


class _Parts:
    def __init__(self, rig, meshes, body) -> None:
        self.rig, self.meshes, self.body = rig, meshes, body
        self.springs: list[list[str]] = []  # bone chains that swing (hair locks)
        self.head = None  # the rig's head bone, when the rig has a humanoid map


def _copies(name: str, body, rig, made: _Made) -> _Parts:
    """The rig (its data copied: the VRM settings go on the copy) and the meshes (data
    shared) as new objects in the export collection, named as the avatar's parts."""
    rig_copy = None
    if rig is not None:
        rig_copy = _copy(rig, made)
        rig_copy.data = rig.data.copy()
        made.blocks.append(rig_copy.data)
    meshes = []
    for obj in [body] + [garment for _, garment in sorted(garments_of(name).items())]:
        copy = _copy(obj, made)
        for modifier in list(copy.modifiers):
            # Real-time engines skin and shade; thickness and subdivision cost triangles.
            if modifier.type in ("SUBSURF", "SOLIDIFY"):
                copy.modifiers.remove(modifier)
            elif modifier.type == "ARMATURE":
                modifier.object = rig_copy
        if rig_copy is not None:
            copy.parent = rig_copy
        meshes.append(copy)
    made.body, made.source_body = meshes[0], body
    # The body's own data, to give the eyes UVs of their own (the helper eyeballs have
    # none worth baking into): the eye shader's plane, centred in the eyes' image.
    made.body.data = body.data.copy()
    made.blocks.append(made.body.data)
    _eye_uvs(made.body.data)
    return _Parts(rig_copy, meshes, meshes[0])


def _copy(obj, made: _Made):
    """A copy in the export collection that takes the original's name (the file's
    nodes are named as the scene's objects)."""
    name = made.take_name(obj)
    copy = obj.copy()
    copy.name = name
    _link(copy, made)
    return copy


def _link(obj, made: _Made) -> None:
    for collection in list(obj.users_collection):
        collection.objects.unlink(obj)
    made.collection.objects.link(obj)
    made.objects.append(obj)


# --- materials ---------------------------------------------------------------------

def _cap_colour(name: str):
    """The hair's colour when it becomes cards (the scalp under them is painted in it,
    so that gaps between cards read as hair, as real-time hair does), else None."""
    hair = hair_of(name).get("hair")
    return _hair_colour(hair) if hair is not None else None


def _bake(obj, size: int, made: _Made, cap=None) -> None:
    """Replace each of the copy's materials (on the object, not the shared mesh) by a
    plain PBR material whose base colour is the original's, baked by Cycles."""
    mesh = obj.data
    used = set(np.unique(_material_indices(mesh)).tolist())
    originals = list(mesh.materials)
    targets, bakers = {}, []
    for index, material in enumerate(originals):
        if material is None or index not in used:
            continue
        side = size if index == 0 else max(128, size // 4)  # eyes, teeth: small
        image = bpy.data.images.new(bpy.path.clean_name(f"{material.name} baked"), side,
                                    side, alpha=False)
        image.colorspace_settings.name = "sRGB"
        made.blocks.append(image)
        baker = material.copy()
        made.blocks.append(baker)
        _emit_base_colour(baker, image, cap)
        bakers.append((index, baker))
        targets[index] = (material, image)
    if not targets:
        return
    for slot in obj.material_slots:
        slot.link = "OBJECT"
    for index, baker in bakers:
        obj.material_slots[index].material = baker
    with made.context(obj):
        _cycles_bake(bpy.context, obj)
    if obj is made.body and 0 in targets:
        _paint_short_hair(made.source_body, targets[0][1])
    for index, (material, image) in targets.items():
        _pack(image)
        obj.material_slots[index].material = _pbr(material, image, made)


def _eye_uvs(mesh) -> None:
    eyes = next((i for i, m in enumerate(mesh.materials) if m and m.name.endswith(" eyes")),
                None)
    if eyes is None or "eye_plane" not in mesh.attributes:
        return
    plane = np.empty(len(mesh.vertices) * 2, np.float32)
    mesh.attributes["eye_plane"].data.foreach_get("vector", plane)
    # Radius 1 (the eyeball's silhouette seen from the front) at the image's edge.
    uv_of_vertex = np.clip(0.5 + plane.reshape(-1, 2) * 0.5, 0.0, 1.0)
    corners = np.empty(len(mesh.loops), np.int64)
    mesh.loops.foreach_get("vertex_index", corners)
    face_of_corner = np.repeat(np.arange(len(mesh.polygons)),
                               [p.loop_total for p in mesh.polygons])
    on_eye = _material_indices(mesh)[face_of_corner] == eyes
    layer = mesh.uv_layers["UVMap"].data
    uv = np.empty(len(mesh.loops) * 2, np.float32)
    layer.foreach_get("uv", uv)
    uv = uv.reshape(-1, 2)
    uv[on_eye] = uv_of_vertex[corners[on_eye]]
    layer.foreach_set("uv", uv.ravel())


def _pack(image) -> None:
    """Keep the image inside the file as a PNG named after it: FBX and USD writers tell
    images apart by their file names (unnamed ones collapsed into one in Blender 4.x;
    the names have no spaces, which 4.5's USD writer replaces in its references only)."""
    image.file_format = "PNG"
    image.filepath_raw = f"//{image.name}.png"
    image.pack()


def _material_indices(mesh) -> np.ndarray:
    indices = np.zeros(len(mesh.polygons), np.int32)
    mesh.polygons.foreach_get("material_index", indices)
    return indices


def _emit_base_colour(material, image, cap=None) -> None:
    """In a throw-away copy: the Base Color's source shown as emission, and the image
    the bake writes into as the active node; with `cap`, the scalp in that colour."""
    tree = material.node_tree
    nodes, links = tree.nodes, tree.links
    for node in nodes:
        if cap is not None and node.type == "ATTRIBUTE" and node.attribute_name == "scalp":
            for link in node.outputs["Fac"].links:
                if link.to_node.type == "MIX":
                    link.to_node.inputs["B"].default_value = (*cap, 1.0)
    bsdf = next((n for n in nodes if n.type == "BSDF_PRINCIPLED"), None)
    output = next(n for n in nodes if n.type == "OUTPUT_MATERIAL")
    emission = nodes.new("ShaderNodeEmission")
    if bsdf is not None and bsdf.inputs["Base Color"].is_linked:
        links.new(bsdf.inputs["Base Color"].links[0].from_socket, emission.inputs[0])
    elif bsdf is not None:
        emission.inputs[0].default_value = bsdf.inputs["Base Color"].default_value
    else:
        emission.inputs[0].default_value = material.diffuse_color
    links.new(emission.outputs[0], output.inputs["Surface"])
    node = nodes.new("ShaderNodeTexImage")
    node.image = image
    nodes.active = node


def _cycles_bake(context, obj) -> None:
    """Bake in the export's own scene (its settings are the export's to change)."""
    scene = context.scene
    for other in context.view_layer.objects:
        other.select_set(False)
    obj.select_set(True)
    context.view_layer.objects.active = obj
    scene.render.engine = "CYCLES"
    scene.cycles.samples = 1  # an emission bake: one sample is exact
    scene.render.bake.margin = 4
    bpy.ops.object.bake(type="EMIT")


def _pbr(original, image, made: _Made, alpha: bool = False) -> bpy.types.Material:
    """A Principled BSDF with the baked image: what glTF and VRM carry as PBR."""
    material = bpy.data.materials.new("material")
    made.blocks.append(material)
    material.name = made.take_name(original)
    ensure_node_tree(material)
    nodes, links = material.node_tree.nodes, material.node_tree.links
    bsdf = next(n for n in nodes if n.type == "BSDF_PRINCIPLED")
    source = next((n for n in original.node_tree.nodes if n.type == "BSDF_PRINCIPLED"),
                  None)
    # Hair (a Principled Hair shader, no Principled BSDF) is matte as a sheet of cards.
    roughness = source.inputs["Roughness"].default_value if source else 0.75
    bsdf.inputs["Roughness"].default_value = roughness
    texture = nodes.new("ShaderNodeTexImage")
    texture.image = image
    links.new(texture.outputs["Color"], bsdf.inputs["Base Color"])
    if alpha:
        # Alpha through a Round node: glTF's exporter writes that as MASK (a cut-out;
        # cards sort badly when blended).
        cut = nodes.new("ShaderNodeMath")
        cut.operation = "ROUND"
        links.new(texture.outputs["Alpha"], cut.inputs[0])
        links.new(cut.outputs[0], bsdf.inputs["Alpha"])
        _alpha_clip(material)
    # Garments are single sheets here (no thickness): seen from inside at the hems.
    material.use_backface_culling = False
    return material


def _alpha_clip(material) -> None:
    """Alpha as a cut-out (glTF MASK): cards sort badly when blended."""
    if hasattr(material, "blend_method"):  # 4.x; 4.2+ also reads surface_render_method
        material.blend_method = "CLIP"
    if hasattr(material, "surface_render_method"):
        material.surface_render_method = "DITHERED"


# --- hair cards --------------------------------------------------------------------

def _hair_cards(name: str, body, parts: _Parts, size: int, made: _Made) -> list:
    """One card mesh per hair object (hair, brows, facial hair), weighted as the skin
    where each card grows."""
    scalp = _attribute(body.data, "scalp")
    skin = np.empty(len(body.data.vertices) * 3)
    body.data.vertices.foreach_get("co", skin)
    skin = skin.reshape(-1, 3)
    top = skin[scalp > 0.5] if (scalp > 0.5).any() else skin[skin[:, 2] > skin[:, 2].max()
                                                               - 0.1]
    centre = top.mean(0) - np.array([0.0, 0.0, 0.04])
    weights = _vertex_weights(body)
    objects = []
    for kind, hair in sorted(hair_of(name).items()):
        points, offsets = _strands(hair, body)
        if len(offsets) < 2 or kind in PAINTED:
            continue
        color = _hair_colour(hair)
        cards = make_cards(resample(points, offsets), centre, color, kind,
                           size=size if kind == "hair" else size // 2)
        mesh = bpy.data.meshes.new(f"{name} {kind} cards")
        made.blocks.append(mesh)
        mesh.from_pydata(cards.positions.tolist(), [], cards.faces.tolist())
        mesh.uv_layers.new(name="UVMap").data.foreach_set("uv", cards.uvs.ravel())
        mesh.polygons.foreach_set("use_smooth", np.ones(len(mesh.polygons), bool))
        mesh.normals_split_custom_set_from_vertices(cards.normals.tolist())
        image = bpy.data.images.new(bpy.path.clean_name(f"{name} {kind} cards"),
                                    *cards.texture.shape[:2], alpha=True)
        made.blocks.append(image)
        # A byte image holds sRGB: the cards' linear colours are encoded for it.
        texture = cards.texture.copy()
        texture[..., :3] = texture[..., :3] ** (1 / 2.2)
        image.pixels.foreach_set(texture[::-1].astype(np.float32).ravel())
        _pack(image)
        material = _pbr(hair.active_material or _plain(f"{name} {kind}", color, made),
                        image, made, alpha=True)
        mesh.materials.append(material)
        obj = bpy.data.objects.new("cards", mesh)
        obj.name = made.take_name(hair)
        obj.matrix_world = body.matrix_world.copy()
        _link(obj, made)
        if parts.rig is not None:
            # Each card moves as the skin it grows from (the head; a beard with the jaw).
            nearest = np.array([np.argmin(((skin - root) ** 2).sum(1))
                                for root in cards.roots])
            source = nearest[cards.card_of_vertex]
            spread = {bone: _spread(index, weight, source)
                      for bone, (index, weight) in weights.items()}
            add_weights(obj, {bone: pair for bone, pair in spread.items() if len(pair[0])},
                        parts.rig.data.bones)
            obj.parent = parts.rig
            obj.matrix_parent_inverse = parts.rig.matrix_world.inverted()
            obj.modifiers.new("Armature", "ARMATURE").object = parts.rig
            if kind == "hair" and parts.head in parts.rig.data.bones:
                _swinging_locks(obj, cards, body, parts, made)
        objects.append(obj)
    return objects


def _swinging_locks(obj, cards, body, parts: _Parts, made: _Made) -> None:
    """Long hair hangs in locks on chains of bones from the head (VRM's spring bones
    swing them): the bones are added to the export's rig, and the cards' rows past
    the roots weighted to them."""
    found = locks(cards.lines)
    if not found:
        return
    to_rig = parts.rig.matrix_world.inverted() @ body.matrix_world
    chains = []
    with made.current():
        _select(bpy.context, _Parts(parts.rig, [], None))
        bpy.ops.object.mode_set(mode="EDIT")
        try:
            bones = parts.rig.data.edit_bones
            for number, lock in enumerate(found, start=1):
                parent, chain = bones[parts.head], []
                joints = [to_rig @ Vector(p) for p in lock.joints]
                # The last joint is a short end bone: a spring's tip needs a length.
                joints.append(joints[-1] + (joints[-1] - joints[-2]).normalized() * 0.03)
                for j in range(JOINTS + 1):
                    bone = bones.new(f"hair_{number:02d}_{j + 1}")
                    bone.head, bone.tail = joints[j], joints[j + 1]
                    bone.parent, bone.use_connect = parent, j > 0
                    parent = bone
                    chain.append(bone.name)
                chains.append(chain)
        finally:
            bpy.ops.object.mode_set(mode="OBJECT")
    swing = lock_weights(cards.card_of_vertex, found)
    total = np.zeros(len(cards.positions))
    for (lock, joint), (index, weight) in swing.items():
        group = obj.vertex_groups.new(name=chains[lock][joint])
        for i, w in zip(index.tolist(), weight.tolist(), strict=True):
            group.add([i], w, "REPLACE")
        total[index] += weight
    # What swings no longer follows the skin it grew from.
    chain_groups = {name for chain in chains for name in chain}
    for group in obj.vertex_groups:
        if group.name in chain_groups:
            continue
        for i in np.flatnonzero(total > 0).tolist():
            try:
                w = group.weight(i)
            except RuntimeError:  # not in this group
                continue
            group.add([i], w * max(0.0, 1.0 - total[i]), "REPLACE")
    parts.springs = chains


def _paint_short_hair(body, image) -> None:
    """Brows, stubble, moustache and beard drawn into the baked skin (see PAINTED):
    each strand point moved to the nearest point of the skin and given that point's UV
    (interpolated inside its triangle)."""
    from mathutils import Vector
    from mathutils.bvhtree import BVHTree
    from mathutils.geometry import barycentric_transform

    mesh = body.data
    mesh.calc_loop_triangles()
    triangles = [tuple(t.vertices) for t in mesh.loop_triangles]
    corner_uvs = [tuple(t.loops) for t in mesh.loop_triangles]
    positions = [v.co.copy() for v in mesh.vertices]
    tree = BVHTree.FromPolygons(positions, triangles)
    uv_layer = mesh.uv_layers["UVMap"].data
    width, height = image.size
    pixels = np.empty(width * height * 4, np.float32)
    image.pixels.foreach_get(pixels)
    texture = pixels.reshape(height, width, 4)[::-1].copy()
    painted = False
    for kind, hair in hair_of(body.get("metastudio_character", body.name)).items():
        if kind not in PAINTED:
            continue
        points, offsets = _strands(hair, body)
        strands = resample(points, offsets, 6)
        uvs = np.zeros((*strands.shape[:2], 2))
        for i, strand in enumerate(strands):
            for j, point in enumerate(strand):
                found, _, face, _ = tree.find_nearest(Vector(point))
                if found is None:
                    continue
                a, b, c = (positions[k] for k in triangles[face])
                ua, ub, uc = (Vector((*uv_layer[k].uv, 0.0)) for k in corner_uvs[face])
                uvs[i, j] = barycentric_transform(found, a, b, c, ua, ub, uc)[:2]
        colour = np.asarray(_hair_colour(hair)) ** (1 / 2.2)  # the image holds sRGB
        paint_strands(texture, uvs, colour, PAINTED[kind])
        painted = True
    if painted:
        image.pixels.foreach_set(texture[::-1].ravel())


def _plain(name: str, color, made: _Made):
    material = bpy.data.materials.new(name)
    made.blocks.append(material)
    return material


def _attribute(mesh, name: str) -> np.ndarray:
    values = np.zeros(len(mesh.vertices), np.float32)
    if name in mesh.attributes:
        mesh.attributes[name].data.foreach_get("value", values)
    return values


def _strands(hair, body) -> tuple[np.ndarray, np.ndarray]:
    """The hair object's curves in the body's space: points and curve offsets."""
    curves = hair.data
    points = np.empty(len(curves.points) * 3, np.float32)
    curves.attributes["position"].data.foreach_get("vector", points)
    points = points.reshape(-1, 3)
    to_body = np.array(body.matrix_world.inverted() @ hair.matrix_world)
    points = points @ to_body[:3, :3].T + to_body[:3, 3]
    offsets = np.array([curve.first_point_index for curve in curves.curves]
                       + [len(curves.points)])
    return points.astype(float), offsets


def _hair_colour(hair) -> tuple[float, float, float]:
    """The hair's own colour (linear): the strand shader is given it to the power 1.6,
    since light scattered through many strands brightens it; a card shows one layer."""
    material = hair.active_material
    if material is not None and material.node_tree is not None:
        for node in material.node_tree.nodes:
            if node.type == "BSDF_HAIR_PRINCIPLED":
                return tuple(c ** (1 / 1.6) for c in node.inputs["Color"].default_value[:3])
    return (0.1, 0.06, 0.04)


def _vertex_weights(obj) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """The skin's weights as {group name: (vertex indices, weights)}."""
    names = {group.index: group.name for group in obj.vertex_groups}
    columns: dict[str, tuple[list, list]] = {}
    for vertex in obj.data.vertices:
        for element in vertex.groups:
            if element.weight > 0:
                index, weight = columns.setdefault(names[element.group], ([], []))
                index.append(vertex.index)
                weight.append(element.weight)
    return {name: (np.array(i), np.array(w)) for name, (i, w) in columns.items()}


def _spread(index: np.ndarray, weight: np.ndarray, source: np.ndarray):
    """A group's weights on new vertices that each copy one skin vertex's."""
    lookup = np.zeros(int(max(index.max(), source.max())) + 1)
    lookup[index] = weight
    values = lookup[source]
    keep = np.flatnonzero(values > 0)
    return keep, values[keep]


# --- writing -----------------------------------------------------------------------

def _figures(parts: _Parts) -> dict[str, int]:
    triangles = 0
    materials = set()
    for obj in parts.meshes:
        mesh = obj.data
        mesh.calc_loop_triangles()
        triangles += len(mesh.loop_triangles)
        materials.update(slot.material.name for slot in obj.material_slots if slot.material)
    bones = len(parts.rig.data.bones) if parts.rig is not None else 0
    return {"triangles": triangles, "materials": len(materials), "bones": bones}


def _select(context, parts: _Parts) -> None:
    """The parts selected and the rig (or the body) active, in the current scene."""
    context.view_layer.update()  # objects linked a moment ago get their bases
    for obj in context.view_layer.objects:
        obj.select_set(False)
    for obj in parts.meshes + ([parts.rig] if parts.rig else []):
        obj.select_set(True)
    context.view_layer.objects.active = parts.rig or parts.body


def _write_glb(parts: _Parts, spec: avatar.AvatarSpec, path: str) -> None:
    bpy.ops.export_scene.gltf(filepath=path, export_format="GLB", use_selection=True,
                              export_morph=True, export_skins=True,
                              export_animations=spec.animation, export_apply=False,
                              export_yup=True)


def _write_fbx(parts: _Parts, spec: avatar.AvatarSpec, path: str) -> None:
    bpy.ops.export_scene.fbx(filepath=path, use_selection=True, add_leaf_bones=False,
                             path_mode="COPY", embed_textures=True,
                             bake_anim=spec.animation, use_mesh_modifiers=False)


def _write_usd(parts: _Parts, spec: avatar.AvatarSpec, path: str) -> None:
    """USD with the skeleton, the blend shapes and the baked textures: inside a .usdz,
    in a `textures` folder beside a .usd/.usda/.usdc (the character's images, named
    after it, are updated there)."""
    options = {"filepath": path, "selected_objects_only": True,
               "export_animation": spec.animation}
    properties = bpy.ops.wm.usd_export.get_rna_type().properties
    for name, value in (("export_armatures", True), ("export_shapekeys", True),
                        ("export_textures_mode", "NEW"), ("overwrite_textures", True)):
        if name in properties:
            options[name] = value
    if "export_textures_mode" not in properties:  # 4.2: a switch instead of a mode
        options["export_textures"] = True
    bpy.ops.wm.usd_export(**options)


_WRITERS = {"glb": _write_glb, "fbx": _write_fbx, "usd": _write_usd}


def _write_vrm(parts: _Parts, bones: dict, spec: avatar.AvatarSpec, path: str) -> None:
    _vrm_settings(parts, bones, spec)
    result = bpy.ops.export_scene.vrm(filepath=path, armature_object_name=parts.rig.name,
                                      ignore_warning=True)
    if result != {"FINISHED"}:
        raise OperatorError(f"export: the VRM add-on did not write the file ({result})")


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


def _enable_vrm_addon() -> bool:
    """The VRM add-on, enabled if it is not (the artist's own, or the one this extension
    bundles); True when enabled here."""
    if hasattr(bpy.types.Armature, "vrm_addon_extension"):
        return False
    import addon_utils

    if addon_utils.enable(VRM_ADDON, default_set=True) is None:
        raise OperatorError("export: the VRM add-on (io_scene_vrm) is not available; "
                            "install 'VRM format' from extensions.blender.org")
    return True


def _vrm_settings(parts: _Parts, bones: dict, spec: avatar.AvatarSpec) -> None:
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


def _write_vrma(parts: _Parts, made: _Made, path: Path) -> str | None:
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
            _select(bpy.context, _Parts(parts.rig, [], None))
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


def _springs(parts: _Parts, bones: dict) -> None:
    """VRM spring bones for the hair's locks, colliding with the head, the neck, the
    chest and the shoulders."""
    if not parts.springs:
        return
    spring_bone = parts.rig.data.vrm_addon_extension.spring_bone1
    with parts_context(parts):
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
            spring = spring_bone.add_spring()
            spring.vrm_name = f"Hair {number}"
            for name in chain:
                joint = spring.add_joint()
                joint.node.bone_name = name
                joint.hit_radius = 0.015
                joint.stiffness = 0.6
                joint.gravity_power = 0.35
                joint.gravity_dir = (0.0, 0.0, -1.0)
                joint.drag_force = 0.45
            spring.add_collider_group().collider_group_uuid = group.uuid


def parts_context(parts: _Parts):
    """A context whose active object is the export's rig (the add-on reads it)."""
    return bpy.context.temp_override(active_object=parts.rig, object=parts.rig)


def _eye_centre(body) -> np.ndarray:
    """Between the eyes, in the body's space: the centre of the eye material's faces."""
    mesh = body.data
    eyes_slot = next((i for i, m in enumerate(mesh.materials)
                      if m and m.name.endswith(" eyes")), None)
    indices = _material_indices(mesh)
    corners = [v for p, m in zip(mesh.polygons, indices, strict=True) if m == eyes_slot
               for v in p.vertices]
    positions = np.array([mesh.vertices[v].co for v in corners]) if corners else \
        np.zeros((1, 3))
    return positions.mean(0)
