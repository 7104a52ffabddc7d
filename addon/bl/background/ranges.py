"""The far ranges (core.background.ranges) as an object: painted rock and snow, faded
into the sky behind them with distance, as air fades real mountains (aerial
perspective): the farther, the paler and the more the sky's own colour."""

from __future__ import annotations

import bpy
import numpy as np

from ...core.background.ranges import KINDS, distant_ranges
from ..nodes import new_material

# Metres over which the air hides about two thirds of what lies beyond, by weather.
CLEAR_AIR = {"clear": 15000.0, "cloudy": 10000.0, "overcast": 6000.0, "rain": 3000.0,
             "storm": 2500.0, "snow": 2500.0, "fog": 1200.0}
# Peaks this many degrees above the eye are the view: a staged view is cleared of
# trees this far ahead so that they are seen (hills behind a forest are not).
OPEN_VIEW_DEGREES, OPEN_VIEW_METRES = 4.0, 60.0
OPEN_VIEW = "metastudio_open_view"
HAZE_MOST = 0.92  # the nearest range never vanishes quite into the sky
SKY_SETTINGS = ("sky_type", "sun_elevation", "sun_rotation", "sun_size", "sun_intensity",
                "altitude", "air_density", "aerosol_density", "dust_density",
                "ozone_density", "turbidity", "ground_albedo")


def _world_sky(world: bpy.types.World):
    """The world's sky texture node and its background strength, or (None, colour,
    strength) when the sky is a flat colour (night)."""
    background = world.node_tree.nodes.get("Background")
    strength = background.inputs["Strength"].default_value if background else 1.0
    sky = next((n for n in world.node_tree.nodes if n.bl_idname == "ShaderNodeTexSky"),
               None)
    colour = background.inputs["Color"].default_value[:3] if background else (0, 0, 0)
    linked = sky is not None and any(link.from_node == sky for link in world.node_tree.links)
    return (sky if linked else None), colour, strength


def _material(world: bpy.types.World, weather: str, fog: float) -> bpy.types.Material:
    material, nodes, links, bsdf = new_material("Background ranges", 0.9)
    paint = nodes.new("ShaderNodeAttribute")
    paint.attribute_name = "ground"
    links.new(paint.outputs["Color"], bsdf.inputs["Base Color"])
    # The air's colour along the line of sight: the sky seen through the mountain.
    air = nodes.new("ShaderNodeEmission")
    sky, colour, strength = _world_sky(world)
    air.inputs["Strength"].default_value = strength
    if sky is not None:
        own = nodes.new("ShaderNodeTexSky")
        for name in SKY_SETTINGS:
            if hasattr(sky, name):
                setattr(own, name, getattr(sky, name))
        if hasattr(own, "sun_disc"):
            own.sun_disc = False
        away = nodes.new("ShaderNodeVectorMath")
        away.operation, away.inputs["Scale"].default_value = "SCALE", -1.0
        links.new(nodes.new("ShaderNodeNewGeometry").outputs["Incoming"], away.inputs[0])
        links.new(away.outputs["Vector"], own.inputs["Vector"])
        links.new(own.outputs["Color"], air.inputs["Color"])
    else:
        air.inputs["Color"].default_value = (*colour, 1.0)
    # Haze = 1 - exp(-distance / clear air), at most HAZE_MOST.
    reach = CLEAR_AIR.get(weather, 5000.0) / (1.0 + 4.0 * fog)
    scaled = nodes.new("ShaderNodeMath")
    scaled.operation, scaled.inputs[1].default_value = "MULTIPLY", -1.0 / reach
    links.new(nodes.new("ShaderNodeCameraData").outputs["View Distance"], scaled.inputs[0])
    kept = nodes.new("ShaderNodeMath")
    kept.operation = "EXPONENT"
    links.new(scaled.outputs[0], kept.inputs[0])
    haze = nodes.new("ShaderNodeMapRange")  # 1 - kept, clamped to HAZE_MOST
    haze.inputs["From Min"].default_value, haze.inputs["From Max"].default_value = 1.0, 0.0
    haze.inputs["To Max"].default_value = HAZE_MOST
    links.new(kept.outputs[0], haze.inputs["Value"])
    mix = nodes.new("ShaderNodeMixShader")
    links.new(haze.outputs["Result"], mix.inputs["Fac"])
    links.new(bsdf.outputs[0], mix.inputs[1])
    links.new(air.outputs[0], mix.inputs[2])
    links.new(mix.outputs[0], nodes["Material Output"].inputs["Surface"])
    return material


def add_ranges(biome: str, seed: int, rim: float, eye: float, world: bpy.types.World,
               weather: str, fog: float, collection, foot=None) -> bpy.types.Object:
    """The far ranges of the biome rising from the plain at `rim` (of colour `foot`),
    seen from an eye at height `eye` in the middle, in `collection`."""
    ranges = distant_ranges(biome, seed, rim, eye, foot)
    mesh = bpy.data.meshes.new("Far ranges")
    mesh.vertices.add(len(ranges.vertices))
    mesh.vertices.foreach_set("co", ranges.vertices.ravel())
    mesh.loops.add(ranges.faces.size)
    mesh.loops.foreach_set("vertex_index", ranges.faces.ravel())
    mesh.polygons.add(len(ranges.faces))
    mesh.polygons.foreach_set("loop_start", np.arange(0, ranges.faces.size, 4))
    mesh.update()
    mesh.polygons.foreach_set("use_smooth", np.ones(len(ranges.faces), bool))
    paint = mesh.color_attributes.new("ground", "FLOAT_COLOR", "POINT")
    rgba = np.concatenate([ranges.colours, np.ones((len(ranges.colours), 1), np.float32)],
                          axis=1)
    paint.data.foreach_set("color", rgba.ravel())
    mesh.materials.append(_material(world, weather, fog))
    obj = bpy.data.objects.new("Far ranges", mesh)
    if KINDS[biome].degrees >= OPEN_VIEW_DEGREES:
        obj[OPEN_VIEW] = OPEN_VIEW_METRES  # read by the stage (bl.background.stage)
    collection.objects.link(obj)
    return obj
