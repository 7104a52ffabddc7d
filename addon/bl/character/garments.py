"""A character's garments as objects of their own: meshes weighted to the character's
rig, a thin solid shell (Solidify) and fabric shaders that read as cotton, denim, wool,
silk or leather under any light, with no texture file."""

from __future__ import annotations

import json

import bpy
import numpy as np

from ..nodes import ensure_node_tree, multiply_by_noise
from .parts import add_weights, parts_of, place

GARMENT = "metastudio_garment"
CROWN = "metastudio_crown"
# Principled settings per fabric: roughness, sheen weight, sheen tint, and the weave's
# bump (texture kind, scale, strength).
FABRICS = {
    "cotton": (0.85, 0.35, 0.5, ("noise", 900.0, 0.08)),
    "denim": (0.8, 0.2, 0.3, ("twill", 260.0, 0.25)),
    "wool": (0.9, 0.6, 0.6, ("noise", 350.0, 0.2)),
    "knit": (0.95, 0.5, 0.5, ("rib", 120.0, 0.3)),
    "silk": (0.35, 0.15, 0.9, ("noise", 1400.0, 0.03)),
    "leather": (0.45, 0.0, 0.0, ("grain", 400.0, 0.12)),
    "acetate": (0.18, 0.0, 0.0, ("noise", 300.0, 0.0)),  # glasses' polished frames
    # Hats: a beanie's ribs run up the crown (in its UVs, round the head), a straw hat's
    # plait goes round it in rings, felt is fine and matte.
    "rib_knit": (0.95, 0.55, 0.5, ("rib_uv", 36.0, 0.35)),
    "straw": (0.7, 0.1, 0.2, ("rings_uv", 22.0, 0.3)),
    "felt": (0.9, 0.45, 0.4, ("noise", 700.0, 0.04)),
}


def garments_of(name: str) -> dict[str, bpy.types.Object]:
    """The garment objects of the character `name`, by garment name."""
    return parts_of(name, GARMENT)


def dress(name: str, data, collection, body: bpy.types.Object,
          armature: bpy.types.Object | None, guard) -> list:
    """Make or update the garment objects of `data.garments`. Returns what to remove
    once the whole build has succeeded: the garment objects no longer worn and the
    replaced garment meshes (a failure before then rolls back to them)."""
    existing = garments_of(name)
    replaced = []
    for garment in data.garments:
        mesh = _mesh(f"{name} {garment.name}", garment)
        mesh.materials.append(fabric_material(f"{name} {garment.name}", garment.fabric,
                                              data.colors[garment.name.split()[0]]))
        obj = place(existing, GARMENT, garment.name, f"{name} {garment.name}", name, mesh,
                    collection, guard, replaced)
        obj.modifiers.clear()
        obj.vertex_groups.clear()
        if garment.crown is not None:  # the avatar export presses hair cards with it
            obj[CROWN] = json.dumps(garment.crown.as_dict())
        elif CROWN in obj:
            del obj[CROWN]
        if armature is not None:
            add_weights(obj, garment.weights, armature.data.bones)
            modifier = obj.modifiers.new("Armature", "ARMATURE")
            modifier.object = armature
        if garment.thickness > 0:  # glasses are tubes already
            solid = obj.modifiers.new("Thickness", "SOLIDIFY")
            solid.thickness, solid.offset = garment.thickness, -1.0
        parent = armature or body
        if obj.parent is not parent:
            guard.remember(obj, "parent")
            obj.parent = parent
        if garment.shapes:
            obj.shape_key_add(name="Basis", from_mix=False)
            base = garment.positions
            for key_name, offsets in garment.shapes.items():
                key = obj.shape_key_add(name=key_name, from_mix=False)
                key.data.foreach_set("co", (base + offsets).ravel())
                key.value = 0.0
    return list(existing.values()) + replaced


def _mesh(name: str, garment) -> bpy.types.Mesh:
    mesh = bpy.data.meshes.new(name)
    triangles = garment.faces[:, 3] == garment.faces[:, 2]
    sizes = np.where(triangles, 3, 4)
    polygons = [face[:size] for face, size in zip(garment.faces.tolist(), sizes.tolist(),
                                                   strict=True)]
    mesh.from_pydata(garment.positions.tolist(), [], polygons)
    corner = np.concatenate([garment.corner_uvs[i, :size] for i, size in enumerate(sizes)])
    mesh.uv_layers.new(name="UVMap").data.foreach_set("uv", corner.ravel())
    mesh.polygons.foreach_set("use_smooth", np.ones(len(mesh.polygons), bool))
    mesh.update()
    return mesh


def fabric_material(name: str, fabric: str, color) -> bpy.types.Material:
    """A fabric shader: the colour with a little variation, sheen for fibres, and the
    weave as a bump in the garment's own coordinates (it moves with the cloth)."""
    material = bpy.data.materials.get(name) or bpy.data.materials.new(name)
    ensure_node_tree(material)
    tree = material.node_tree
    nodes, links = tree.nodes, tree.links
    for node in list(nodes):
        if node.type not in ("BSDF_PRINCIPLED", "OUTPUT_MATERIAL"):
            nodes.remove(node)
    bsdf = nodes.get("Principled BSDF") or nodes.new("ShaderNodeBsdfPrincipled")
    roughness, sheen, tint, (weave, scale, strength) = FABRICS[fabric]
    rgba = (*color, 1.0)
    material.diffuse_color = rgba
    bsdf.inputs["Roughness"].default_value = roughness
    bsdf.inputs["Sheen Weight"].default_value = sheen
    bsdf.inputs["Sheen Tint"].default_value = (*(tint * c + (1 - tint) for c in color), 1)
    coords = nodes.new("ShaderNodeTexCoord")
    # The colour varies softly over the garment (dye, wear), never by more than 12%.
    varied = multiply_by_noise(tree, rgba, coords.outputs["Object"], 18.0, 0.88, 1.06)
    links.new(varied, bsdf.inputs["Base Color"])
    pattern = _weave(nodes, links, coords, weave, scale)
    bump = nodes.new("ShaderNodeBump")
    bump.inputs["Strength"].default_value = strength
    bump.inputs["Distance"].default_value = 0.0005
    links.new(pattern, bump.inputs["Height"])
    links.new(bump.outputs["Normal"], bsdf.inputs["Normal"])
    return material


def _weave(nodes, links, coords, kind: str, scale: float):
    """The output socket of a small-scale pattern: twill for denim, ribs for knit, a
    grain for leather, fine noise for plain weaves."""
    if kind in ("twill", "rib", "rib_uv", "rings_uv"):
        wave = nodes.new("ShaderNodeTexWave")
        wave.wave_type = "BANDS"
        wave.bands_direction = {"twill": "DIAGONAL", "rings_uv": "Y"}.get(kind, "X")
        wave.inputs["Scale"].default_value = scale
        wave.inputs["Distortion"].default_value = 2.0 if kind in ("twill", "rib") else 0.5
        space = "UV" if kind.endswith("_uv") else "Object"
        links.new(coords.outputs[space], wave.inputs["Vector"])
        return wave.outputs["Fac"]
    if kind == "grain":
        cells = nodes.new("ShaderNodeTexVoronoi")
        cells.feature = "DISTANCE_TO_EDGE"
        cells.inputs["Scale"].default_value = scale
        links.new(coords.outputs["Object"], cells.inputs["Vector"])
        return cells.outputs["Distance"]
    noise = nodes.new("ShaderNodeTexNoise")
    noise.inputs["Scale"].default_value = scale
    noise.inputs["Detail"].default_value = 4.0
    links.new(coords.outputs["Object"], noise.inputs["Vector"])
    return noise.outputs["Fac"]
