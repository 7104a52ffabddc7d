"""Export Avatar's materials: each material of a copy replaced by a plain PBR one whose
colour is baked by Cycles from the original shader (emission of its base colour, one
sample); the eyes given UVs of their own; brows, stubble and beards painted into the
baked skin strand by strand."""

from __future__ import annotations

import bpy
import numpy as np

from ...core.character.hair_cards import (
    PAINTED,
    SCALP_REACH,
    SCALP_STREAKS,
    paint_strands,
    resample,
)
from ..character.garments import GARMENT
from ..character.hair import hair_of
from ..character.parts import CHARACTER
from .parts import (
    EYES,
    Made,
    hair_colour,
    material_indices,
    pack,
    pbr,
    plain,
    read_strands,
)


def cap_colour(name: str):
    """The hair's colour when it becomes cards (the scalp under them is painted in it,
    so that gaps between cards read as hair, as real-time hair does), else None."""
    hair = hair_of(name).get("hair")
    return hair_colour(hair) if hair is not None else None


def bake(obj, size: int, made: Made, cap=None) -> None:
    """Replace each of the copy's materials (on the object, not the shared mesh) by a
    plain PBR material whose base colour is the original's, baked by Cycles."""
    mesh = obj.data
    if GARMENT in obj:
        # A garment is one dyed fabric: a plain material, shared by the garment's
        # parts (no bake: the avatar's material budget and its time go further).
        for slot in obj.material_slots:
            if slot.material is not None:
                original = slot.material
                slot.link = "OBJECT"
                slot.material = plain(original, made)
        return
    if obj is made.body:
        # The helper eyeballs have no UVs worth baking into: the eye shader's plane,
        # centred in the eyes' image, becomes theirs.
        _eye_uvs(mesh)
    used = set(np.unique(material_indices(mesh)).tolist())
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
        _paint_short_hair(made.source_body, targets[0][1], scalp=cap is not None)
    for index, (material, image) in targets.items():
        pack(image)
        obj.material_slots[index].material = pbr(material, image, made)


def _eye_uvs(mesh) -> None:
    if "eye_plane" not in mesh.attributes:
        return
    plane = np.empty(len(mesh.vertices) * 2, np.float32)
    mesh.attributes["eye_plane"].data.foreach_get("vector", plane)
    # Radius 1 (the eyeball's silhouette seen from the front) at the image's edge.
    uv_of_vertex = np.clip(0.5 + plane.reshape(-1, 2) * 0.5, 0.0, 1.0)
    corners = np.empty(len(mesh.loops), np.int64)
    mesh.loops.foreach_get("vertex_index", corners)
    face_of_corner = np.repeat(np.arange(len(mesh.polygons)),
                               [p.loop_total for p in mesh.polygons])
    on_eye = material_indices(mesh)[face_of_corner] == EYES
    layer = mesh.uv_layers["UVMap"].data
    uv = np.empty(len(mesh.loops) * 2, np.float32)
    layer.foreach_get("uv", uv)
    uv = uv.reshape(-1, 2)
    uv[on_eye] = uv_of_vertex[corners[on_eye]]
    layer.foreach_set("uv", uv.ravel())


def _emit_base_colour(material, image, cap=None) -> None:
    """In a throw-away copy: the Base Color's source shown as emission, and the image
    the bake writes into as the active node; with `cap`, the scalp in that colour."""
    tree = material.node_tree
    nodes, links = tree.nodes, tree.links
    for node in list(nodes):
        if cap is not None and node.type == "ATTRIBUTE" and node.attribute_name == "scalp":
            for link in list(node.outputs["Fac"].links):
                if link.to_node.type == "MIX":
                    mix = link.to_node
                    mix.inputs["B"].default_value = (*cap, 1.0)
                    # All of the hair's colour under the hair (the render lets a tenth
                    # of the skin through between strands; the avatar's scalp is also
                    # what its hair shell shows).
                    full = nodes.new("ShaderNodeMath")
                    full.operation, full.use_clamp = "MULTIPLY", True
                    full.inputs[1].default_value = 1.0 / 0.9
                    links.new(node.outputs["Fac"], full.inputs[0])
                    links.new(full.outputs[0], link.to_socket)
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


def _paint_short_hair(body, image, scalp: bool = False) -> None:
    """Brows, stubble, moustache and beard drawn into the baked skin (see PAINTED), and
    with `scalp` the scalp hair near its roots (SCALP_STREAKS): each strand point moved
    to the nearest point of the skin and given that point's UV (interpolated inside its
    triangle)."""
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
    for kind, hair in hair_of(body[CHARACTER]).items():
        if kind not in PAINTED and not (scalp and kind == "hair"):
            continue
        points, offsets = read_strands(hair, body)
        strands = resample(points, offsets, 6)
        if kind == "hair":  # half the scalp's strands are enough to paint it
            strands = strands[::2]
        uvs = np.zeros((*strands.shape[:2], 2))
        near = np.zeros(strands.shape[:2], bool)
        for i, strand in enumerate(strands):
            for j, point in enumerate(strand):
                found, _, face, distance = tree.find_nearest(Vector(point))
                if found is None:
                    continue
                near[i, j] = distance < SCALP_REACH
                a, b, c = (positions[k] for k in triangles[face])
                ua, ub, uc = (Vector((*uv_layer[k].uv, 0.0)) for k in corner_uvs[face])
                uvs[i, j] = barycentric_transform(found, a, b, c, ua, ub, uc)[:2]
        colour = np.asarray(hair_colour(hair)) ** (1 / 2.2)  # the image holds sRGB
        if kind == "hair":
            for parity, (shade, opacity) in enumerate(SCALP_STREAKS):
                paint_strands(texture, uvs[parity::2], np.clip(colour * shade, 0, 1),
                              opacity, near[parity::2])
        else:
            paint_strands(texture, uvs, colour, PAINTED[kind])
        painted = True
    if painted:
        image.pixels.foreach_set(texture[::-1].ravel())
