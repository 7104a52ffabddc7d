"""The ground's material by land: the painted colours of the terrain (flat ground, rock
on slopes, snow; background.ground_colours) broken up as ground is: grass in lush and dry
patches with bare earth between, sand in wind ripples, rock in strata where the land is
steep, snow that glints; every land with a fine grain and a bump, so nothing near the
camera is one flat colour. All procedural: no image to ship."""

from __future__ import annotations

import bpy

from ..nodes import ensure_node_tree, new_node

# Per land: (dry tint, lush tint, bare earth) multiplied into / mixed over the painted
# colour; None where the land has no such patches.
PATCHES = {
    "forest": ((1.25, 1.1, 0.7), (0.8, 1.0, 0.8), (0.09, 0.06, 0.035)),
    "grassland": ((1.5, 1.25, 0.6), (0.8, 1.05, 0.75), (0.12, 0.08, 0.045)),
    "mountains": ((1.3, 1.15, 0.7), (0.85, 1.0, 0.8), (0.13, 0.11, 0.09)),
    "wetland": ((1.3, 1.2, 0.7), (0.7, 0.95, 0.7), (0.05, 0.04, 0.025)),
    "coast": ((1.1, 1.05, 0.95), (0.95, 0.95, 1.0), None),
    "city": ((1.05, 1.05, 1.05), (0.9, 0.9, 0.9), None),
}
RIPPLED = {"desert", "coast"}
STRATA = {"canyon"}  # layered rock; elsewhere bands read as contour lines


def _ramp(nodes, links, fac, stops: list[tuple[float, tuple]]):
    ramp = nodes.new("ShaderNodeValToRGB")
    elements = ramp.color_ramp.elements
    while len(elements) < len(stops):
        elements.new(0.5)
    for element, (position, colour) in zip(elements, stops, strict=True):
        element.position = position
        element.color = (*colour, 1.0) if len(colour) == 3 else colour
    links.new(fac, ramp.inputs["Fac"])
    return ramp.outputs["Color"]


def _mix(nodes, links, a, b, factor, blend: str = "MIX"):
    mix = nodes.new("ShaderNodeMix")
    mix.data_type, mix.blend_type = "RGBA", blend
    if isinstance(factor, float):
        mix.inputs["Factor"].default_value = factor
    else:
        links.new(factor, mix.inputs["Factor"])
    for socket, value in ((mix.inputs["A"], a), (mix.inputs["B"], b)):
        if isinstance(value, tuple):
            socket.default_value = (*value, 1.0)
        else:
            links.new(value, socket)
    return mix.outputs["Result"]


def ground_material(biome: str, wet: bool = False, snowy: bool = False
                    ) -> bpy.types.Material:
    """The terrain's material for a land (`wet`: darker, glossy, as after rain; `snowy`:
    under snow, which the painted colours already show: no grass patches on it)."""
    material = bpy.data.materials.new("Ground")
    ensure_node_tree(material)
    nodes, links = material.node_tree.nodes, material.node_tree.links
    bsdf = nodes["Principled BSDF"]
    painted = nodes.new("ShaderNodeAttribute")
    painted.attribute_name = "ground"
    where = nodes.new("ShaderNodeTexCoord").outputs["Object"]  # metres on the land
    colour = painted.outputs["Color"]

    patches = None if snowy else PATCHES.get(biome)
    if patches is not None:
        dry, lush, earth = patches
        broad = new_node(nodes, "ShaderNodeTexNoise", Scale=0.025, Detail=3.0, Roughness=0.55)
        links.new(where, broad.inputs["Vector"])
        tint = _ramp(nodes, links, broad.outputs["Fac"],
                     [(0.35, lush), (0.65, dry)])
        colour = _mix(nodes, links, colour, tint, 1.0, "MULTIPLY")
        if earth is not None:
            bare = new_node(nodes, "ShaderNodeTexNoise", Scale=0.12, Detail=4.0, Roughness=0.6)
            links.new(where, bare.inputs["Vector"])
            amount = _ramp(nodes, links, bare.outputs["Fac"],
                           [(0.62, (0.0, 0.0, 0.0)), (0.7, (0.85, 0.85, 0.85))])
            colour = _mix(nodes, links, colour, earth, _to_float(nodes, links, amount))

    if biome in RIPPLED:
        ripples = new_node(nodes, "ShaderNodeTexWave", Scale=0.8, Distortion=8.0, Detail=2.0)
        ripples.wave_type, ripples.bands_direction = "BANDS", "X"
        links.new(where, ripples.inputs["Vector"])
        shade = _ramp(nodes, links, ripples.outputs["Fac"],
                      [(0.0, (0.94, 0.93, 0.91)), (1.0, (1.05, 1.04, 1.02))])
        colour = _mix(nodes, links, colour, shade, 1.0, "MULTIPLY")

    if biome in STRATA:
        # Bands of rock in height, shown where the land is steep.
        strata = new_node(nodes, "ShaderNodeTexWave", Scale=0.08, Distortion=4.0, Detail=3.0)
        strata.wave_type, strata.bands_direction = "BANDS", "Z"
        links.new(where, strata.inputs["Vector"])
        bands = _ramp(nodes, links, strata.outputs["Fac"],
                      [(0.2, (0.75, 0.72, 0.7)), (0.5, (1.15, 1.1, 1.0)),
                       (0.8, (0.85, 0.8, 0.75))])
        layered = _mix(nodes, links, colour, bands, 1.0, "MULTIPLY")
        normal = nodes.new("ShaderNodeNewGeometry").outputs["Normal"]
        up = nodes.new("ShaderNodeSeparateXYZ")
        links.new(normal, up.inputs[0])
        steep = new_node(nodes, "ShaderNodeMapRange", From_Min=0.85, From_Max=0.65)
        links.new(up.outputs["Z"], steep.inputs["Value"])
        colour = _mix(nodes, links, colour, layered, steep.outputs["Result"])

    # A fine grain everywhere: a metre across and less.
    grain = new_node(nodes, "ShaderNodeTexNoise", Scale=1.5, Detail=6.0, Roughness=0.6)
    links.new(where, grain.inputs["Vector"])
    shade = _ramp(nodes, links, grain.outputs["Fac"],
                  [(0.3, (0.8, 0.8, 0.8)), (0.7, (1.12, 1.12, 1.12))])
    colour = _mix(nodes, links, colour, shade, 1.0, "MULTIPLY")
    if wet:
        colour = _mix(nodes, links, colour, (0.55, 0.55, 0.58), 1.0, "MULTIPLY")
    links.new(colour, bsdf.inputs["Base Color"])

    bump = new_node(nodes, "ShaderNodeBump", Strength=0.35, Distance=0.05)
    fine = new_node(nodes, "ShaderNodeTexNoise", Scale=6.0, Detail=8.0, Roughness=0.65)
    links.new(where, fine.inputs["Vector"])
    links.new(fine.outputs["Fac"], bump.inputs["Height"])
    links.new(bump.outputs["Normal"], bsdf.inputs["Normal"])
    snowy = snowy or biome == "snowfield"
    bsdf.inputs["Roughness"].default_value = 0.25 if wet else (0.5 if snowy else 0.92)
    if snowy:
        # Snow is white and scatters light in it; its crystals glint.
        bsdf.inputs["Subsurface Weight"].default_value = 0.3
        bsdf.inputs["Specular IOR Level"].default_value = 0.7
    return material


def _to_float(nodes, links, colour_socket):
    """A grey colour as a factor."""
    convert = nodes.new("ShaderNodeRGBToBW")
    links.new(colour_socket, convert.inputs["Color"])
    return convert.outputs["Val"]
