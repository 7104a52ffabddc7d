"""A city block on a background: the core's building boxes made into one mesh, with
window rows from a brick pattern on each wall's own UVs (so a window is a window's size on
every building), lit from inside after dark."""

from __future__ import annotations

import bpy
import numpy as np

from ...core.background.city import Buildings
from ..nodes import ensure_node_tree

STOREY = 3.3  # metres, as the core's layout
BAY = 3.0  # metres between windows along a wall


def add_buildings(buildings: Buildings, ground_at, night: bool, glow: float, seed: int,
                  collection) -> bpy.types.Object:
    """One object holding every building; `ground_at(x, y)` gives the terrain's height
    there, so each box stands on the land (sunk a little, never floating). At night some
    windows are lit, `glow` bright (the inverse of the camera's exposure, so they read
    as lit windows and not as white holes)."""
    points, faces, uvs, tints = [], [], [], []
    rng = np.random.default_rng(seed + 6)
    for (cx, cy), (w, d), h in zip(buildings.centres, buildings.footprints,
                                   buildings.heights, strict=True):
        base = ground_at(cx, cy) - 1.0
        top = base + 1.0 + h
        first = len(points)
        corners = [(cx - w / 2, cy - d / 2), (cx + w / 2, cy - d / 2),
                   (cx + w / 2, cy + d / 2), (cx - w / 2, cy + d / 2)]
        for z in (base, top):
            points += [(x, y, z) for x, y in corners]
        tint = rng.uniform(0.25, 0.6) * np.array(rng.choice(
            [(1.0, 1.0, 1.0), (1.0, 0.9, 0.75), (0.85, 0.9, 1.0), (0.95, 0.8, 0.7)]))
        # Walls: u runs along the wall in bays, v up in storeys (from the street).
        along = 0.0
        for k in range(4):
            a, b = k, (k + 1) % 4
            faces.append((first + a, first + b, first + 4 + b, first + 4 + a))
            length = float(np.hypot(*np.subtract(corners[b], corners[a])))
            uvs.append([(along / BAY, 0.0), ((along + length) / BAY, 0.0),
                        ((along + length) / BAY, (h + 1.0) / STOREY),
                        (along / BAY, (h + 1.0) / STOREY)])
            along += length
            tints.append(tint)
        faces.append((first + 4, first + 5, first + 6, first + 7))  # roof: no windows
        uvs.append([(0.0, -1.0)] * 4)
        tints.append(tint * 0.6)
    mesh = bpy.data.meshes.new("City")
    mesh.from_pydata(points, [], faces)
    layer = mesh.uv_layers.new(name="UVMap")
    layer.data.foreach_set("uv", np.array(uvs, np.float32).ravel())
    tint_attr = mesh.attributes.new("tint", "FLOAT_COLOR", "FACE")
    rgba = np.hstack([np.array(tints), np.ones((len(tints), 1))]).astype(np.float32)
    tint_attr.data.foreach_set("color", rgba.ravel())
    mesh.materials.append(_facade(night, glow))
    obj = bpy.data.objects.new("City", mesh)
    collection.objects.link(obj)
    return obj


def _facade(night: bool, glow: float) -> bpy.types.Material:
    material = bpy.data.materials.new("Facade")
    ensure_node_tree(material)
    nodes, links = material.node_tree.nodes, material.node_tree.links
    bsdf = nodes["Principled BSDF"]
    uv = nodes.new("ShaderNodeUVMap")
    uv.uv_map = "UVMap"
    # Brick texture as a window grid: a "brick" is a window, the mortar the wall around.
    windows = nodes.new("ShaderNodeTexBrick")
    windows.offset = 0.0
    windows.inputs["Scale"].default_value = 1.0
    windows.inputs["Brick Width"].default_value = 1.0
    windows.inputs["Row Height"].default_value = 1.0
    windows.inputs["Mortar Size"].default_value = 0.3
    windows.inputs["Mortar Smooth"].default_value = 0.0
    windows.inputs["Color1"].default_value = (0.0, 0.0, 0.0, 1.0)
    windows.inputs["Color2"].default_value = (0.0, 0.0, 0.0, 1.0)
    windows.inputs["Mortar"].default_value = (1.0, 1.0, 1.0, 1.0)
    wall = nodes.new("ShaderNodeAttribute")
    wall.attribute_name = "tint"
    glass = (0.02, 0.025, 0.03, 1.0)
    colour = nodes.new("ShaderNodeMix")
    colour.data_type = "RGBA"
    colour.inputs["B"].default_value = glass
    links.new(uv.outputs["UV"], windows.inputs["Vector"])
    links.new(windows.outputs["Fac"], colour.inputs["Factor"])
    links.new(wall.outputs["Color"], colour.inputs["B"])
    colour.inputs["A"].default_value = glass
    links.new(colour.outputs["Result"], bsdf.inputs["Base Color"])
    # Glass is glossy, walls are matte.
    gloss = nodes.new("ShaderNodeMapRange")
    gloss.inputs["To Min"].default_value = 0.08
    gloss.inputs["To Max"].default_value = 0.85
    links.new(windows.outputs["Fac"], gloss.inputs["Value"])
    links.new(gloss.outputs["Result"], bsdf.inputs["Roughness"])
    if night:
        # Some windows lit (a random share per window cell), warm.
        lit = nodes.new("ShaderNodeTexWhiteNoise")
        lit.noise_dimensions = "2D"
        snap = nodes.new("ShaderNodeVectorMath")
        snap.operation = "FLOOR"
        on = nodes.new("ShaderNodeMath")
        on.operation = "GREATER_THAN"
        on.inputs[1].default_value = 0.55
        glass_only = nodes.new("ShaderNodeMath")
        glass_only.operation = "SUBTRACT"
        glass_only.inputs[0].default_value = 1.0
        both = nodes.new("ShaderNodeMath")
        both.operation = "MULTIPLY"
        strength = nodes.new("ShaderNodeMath")
        strength.operation = "MULTIPLY"
        strength.inputs[1].default_value = 2.0 * glow
        links.new(uv.outputs["UV"], snap.inputs[0])
        links.new(snap.outputs["Vector"], lit.inputs["Vector"])
        links.new(lit.outputs["Value"], on.inputs[0])
        links.new(windows.outputs["Fac"], glass_only.inputs[1])
        links.new(on.outputs[0], both.inputs[0])
        links.new(glass_only.outputs[0], both.inputs[1])
        bsdf.inputs["Emission Color"].default_value = (1.0, 0.7, 0.35, 1.0)
        links.new(both.outputs[0], strength.inputs[0])
        links.new(strength.outputs[0], bsdf.inputs["Emission Strength"])
    return material
