"""Make (or replace) a background in the scene from a BackgroundSpec: sky and sun, terrain
coloured by slope and height, water, and fog in the air.

One collection, "Background", holds what it makes; building again replaces its objects
and the world it made, and leaves everything else in the scene alone.
"""

from __future__ import annotations

import json
import math

import bpy
import numpy as np

from ..core.background.describe import ResolvedBackground, resolve
from ..core.background.scatter import scatter
from ..core.background.spec import BackgroundSpec
from ..core.background.terrain import HeightField, fractal_terrain
from .background_scatter import add_scatter
from .scene_guard import SceneGuard

TAG = "metastudio_background"
COLLECTION = "Background"
# Ground colours (linear RGB) by biome: low and flat, steep (rock), high (snow line).
GROUND = {
    "forest": ((0.05, 0.12, 0.03), (0.18, 0.16, 0.14)),
    "grassland": ((0.12, 0.25, 0.05), (0.2, 0.18, 0.15)),
    "desert": ((0.62, 0.45, 0.25), (0.45, 0.3, 0.18)),
    "mountains": ((0.1, 0.18, 0.06), (0.22, 0.21, 0.2)),
    "snowfield": ((0.8, 0.82, 0.86), (0.35, 0.36, 0.4)),
    "coast": ((0.6, 0.52, 0.36), (0.25, 0.23, 0.2)),
    "canyon": ((0.5, 0.22, 0.1), (0.4, 0.15, 0.07)),
    "wetland": ((0.08, 0.12, 0.04), (0.1, 0.09, 0.07)),
    "volcanic": ((0.07, 0.06, 0.055), (0.12, 0.09, 0.07)),
    "city": ((0.2, 0.2, 0.2), (0.3, 0.3, 0.3)),
}
SNOW = (0.85, 0.87, 0.9)
# A camera's exposure for each time and weather (stops), as a photographer would set it:
# the low sun and the night are far darker than noon.
EXPOSURE_TIME = {"dawn": 1.5, "morning": 0.0, "noon": -0.3, "afternoon": 0.0,
                 "sunset": 1.5, "dusk": 3.0, "night": 2.5}
EXPOSURE_WEATHER = {"clear": 0.0, "cloudy": 0.3, "overcast": 1.5, "fog": 0.5, "rain": 1.5,
                    "snow": 0.8, "storm": 2.0}


def build_background(context, spec: BackgroundSpec, guard: SceneGuard, warnings: list[str]):
    """Steps (fraction, message) that build the background; see the module docstring."""
    yield 0.05, "understanding the description"
    resolved = resolve(spec)
    warnings.extend(resolved.notes)
    v = resolved.values
    if v["water"] == "river":
        warnings.append("water: rivers are not built yet; the valley holds a lake instead")
    yield 0.2, "shaping the terrain"
    field = fractal_terrain(v["seed"], v["extent"], v["detail"], v["terrain_height"],
                            v["terrain_roughness"], basin=v["water"] != "none")
    old = next((c for c in bpy.data.collections if c.get(TAG) == "collection"), None)
    collection = _new_collection(context)
    yield 0.45, "colouring the ground"
    terrain = _terrain_object(field, v, collection)
    water_level = None
    if v["water"] != "none":
        water_level = _water(field, v, collection)
    yield 0.6, "planting"
    planted = add_scatter(scatter(field, v["biome"], v["vegetation_density"], v["detail"],
                                  v["seed"], water_level), collection, v["seed"])
    for role, obj in planted:
        obj[TAG] = role
    yield 0.7, "lighting the sky"
    _sky_and_sun(context, v, collection, guard)
    terrain["metastudio_resolved"] = json.dumps(resolved.as_dict())
    terrain["metastudio_resolved_summary"] = summary(resolved)
    _replace_old(context, old, collection)
    yield 1.0, f"built a {v['biome']} at {v['time_of_day']}, {v['weather']}"


def summary(resolved: ResolvedBackground) -> str:
    """The resolved options in one line."""
    v = resolved.values
    return f"{v['time_of_day']}, {v['biome']}, {v['weather']}, water: {v['water']}"


def _new_collection(context) -> bpy.types.Collection:
    # A new data-block: the guard removes it (and so unlinks it) on rollback.
    collection = bpy.data.collections.new(COLLECTION)
    collection[TAG] = "collection"
    context.scene.collection.children.link(collection)
    return collection


def _replace_old(context, old: bpy.types.Collection | None, new) -> None:
    """Remove the previous build (only once the new one is complete)."""
    if old is not None:
        old_world = old.get("metastudio_world")
        blocks = [o for o in old.objects if o.get(TAG)]
        data = [o.data for o in blocks if o.data is not None]
        bpy.data.batch_remove(blocks)
        bpy.data.batch_remove([d for d in data if d.users == 0])
        bpy.data.collections.remove(old)
        world = bpy.data.worlds.get(old_world) if old_world else None
        if world is not None and world.users == 0:
            bpy.data.worlds.remove(world)
    new.name = COLLECTION
    # The new objects were made while the old ones held their names ("Terrain.001").
    for obj in new.objects:
        obj.name = (obj[TAG].capitalize() if obj[TAG] in ("terrain", "water", "sun", "fog")
                    else f"Background {obj[TAG]}")
    context.scene.world.name = "Background sky"
    new["metastudio_world"] = context.scene.world.name


def _grid(field: HeightField) -> tuple[np.ndarray, list[tuple[int, int, int, int]]]:
    n = field.heights.shape[0]
    axis = np.linspace(-field.extent / 2, field.extent / 2, n)
    xs, ys = np.meshgrid(axis, axis)
    points = np.stack([xs.ravel(), ys.ravel(), field.heights.ravel()], axis=1)
    faces = [(r * n + c, r * n + c + 1, (r + 1) * n + c + 1, (r + 1) * n + c)
             for r in range(n - 1) for c in range(n - 1)]
    return points, faces


def ground_colours(field: HeightField, biome: str) -> np.ndarray:
    """Per point: the flat colour, rock where steep, snow above the snow line."""
    flat, rock = (np.array(c) for c in GROUND[biome])
    slope = field.slopes().ravel()
    height = field.heights.ravel()
    rockiness = np.clip((slope - 0.35) / 0.25, 0, 1)[:, None]
    colours = flat * (1 - rockiness) + rock * rockiness
    if biome in ("mountains", "snowfield", "volcanic") and height.max() > 0:
        line = 0.7 * height.max() if biome != "snowfield" else 0.0
        snow = np.clip((height - line) / max(0.1 * height.max(), 1e-6), 0, 1)[:, None]
        snow *= 1 - np.clip((slope - 0.6) / 0.2, 0, 1)[:, None]  # snow slides off cliffs
        colours = colours * (1 - snow) + np.array(SNOW) * snow
    return colours


def _terrain_object(field: HeightField, v: dict, collection) -> bpy.types.Object:
    points, faces = _grid(field)
    mesh = bpy.data.meshes.new("Terrain")
    mesh.from_pydata(points.tolist(), [], faces)
    colours = ground_colours(field, v["biome"])
    attribute = mesh.color_attributes.new("ground", "FLOAT_COLOR", "POINT")
    rgba = np.hstack([colours, np.ones((len(colours), 1))]).astype(np.float32)
    attribute.data.foreach_set("color", rgba.ravel())
    mesh.polygons.foreach_set("use_smooth", np.ones(len(mesh.polygons), bool))
    mesh.materials.append(_ground_material())
    obj = bpy.data.objects.new("Terrain", mesh)
    obj[TAG] = "terrain"
    collection.objects.link(obj)
    return obj


def _ground_material() -> bpy.types.Material:
    material = bpy.data.materials.new("Ground")
    material.use_nodes = True
    nodes, links = material.node_tree.nodes, material.node_tree.links
    bsdf = nodes["Principled BSDF"]
    bsdf.inputs["Roughness"].default_value = 0.9
    colour = nodes.new("ShaderNodeAttribute")
    colour.attribute_name = "ground"
    links.new(colour.outputs["Color"], bsdf.inputs["Base Color"])
    return material


def _water(field: HeightField, v: dict, collection) -> float:
    level = float(np.percentile(field.heights, 35 if v["water"] == "sea" else 20))
    size = field.extent * (4 if v["water"] == "sea" else 1)
    mesh = bpy.data.meshes.new("Water")
    half = size / 2
    mesh.from_pydata([(-half, -half, level), (half, -half, level), (half, half, level),
                      (-half, half, level)], [], [(0, 1, 2, 3)])
    material = bpy.data.materials.new("Water")
    material.use_nodes = True
    bsdf = material.node_tree.nodes["Principled BSDF"]
    bsdf.inputs["Base Color"].default_value = (0.02, 0.08, 0.1, 1)
    bsdf.inputs["Roughness"].default_value = 0.05
    bsdf.inputs["Transmission Weight"].default_value = 0.6
    mesh.materials.append(material)
    obj = bpy.data.objects.new("Water", mesh)
    obj[TAG] = "water"
    collection.objects.link(obj)
    return level


def _fog(v: dict, collection) -> None:
    """A box of scattering air over the terrain (a world volume would be endless, and
    swallow the sun and the sky)."""
    half = v["extent"] / 2
    top = v["terrain_height"] + 120.0
    corners = [(x, y, z) for z in (-5.0, top) for y in (-half, half) for x in (-half, half)]
    faces = [(0, 1, 3, 2), (4, 6, 7, 5), (0, 4, 5, 1), (2, 3, 7, 6), (0, 2, 6, 4),
             (1, 5, 7, 3)]
    mesh = bpy.data.meshes.new("Fog")
    mesh.from_pydata(corners, [], faces)
    material = bpy.data.materials.new("Fog")
    material.use_nodes = True
    nodes, links = material.node_tree.nodes, material.node_tree.links
    nodes.remove(nodes["Principled BSDF"])
    scatter = nodes.new("ShaderNodeVolumeScatter")
    # Per metre: fog density 1 leaves about 300 m of visibility.
    scatter.inputs["Density"].default_value = 0.01 * v["fog_density"]
    links.new(scatter.outputs["Volume"], nodes["Material Output"].inputs["Volume"])
    mesh.materials.append(material)
    obj = bpy.data.objects.new("Fog", mesh)
    obj[TAG] = "fog"
    obj.display_type = "BOUNDS"
    collection.objects.link(obj)


def _sky_and_sun(context, v: dict, collection, guard: SceneGuard) -> None:
    scene = context.scene
    world = bpy.data.worlds.new("Background sky")
    world.use_nodes = True
    nodes, links = world.node_tree.nodes, world.node_tree.links
    background = nodes["Background"]
    sky = nodes.new("ShaderNodeTexSky")
    kinds = sky.bl_rna.properties["sky_type"].enum_items.keys()
    sky.sky_type = next(k for k in ("MULTIPLE_SCATTERING", "NISHITA", "HOSEK_WILKIE")
                        if k in kinds)
    elevation = math.radians(max(v["sun_elevation"], -5.0))
    if hasattr(sky, "sun_elevation"):
        sky.sun_elevation = elevation
        sky.sun_rotation = math.radians(v["sun_azimuth"])
    if hasattr(sky, "air_density"):
        sky.air_density = 1.0 + 2.0 * v["cloud_cover"]
    if hasattr(sky, "aerosol_density"):
        sky.aerosol_density = 1.0 + 8.0 * v["fog_density"]
    elif hasattr(sky, "dust_density"):
        sky.dust_density = 1.0 + 8.0 * v["fog_density"]
    if hasattr(sky, "sun_disc"):
        sky.sun_disc = False  # the sun lamp below is the sun; the sky only its glow
    night = v["sun_elevation"] < 0
    if night:
        # The physical sky is black with the sun far below; a night sky has the moon's
        # and the stars' faint blue.
        background.inputs["Color"].default_value = (0.01, 0.015, 0.04, 1.0)
        background.inputs["Strength"].default_value = 1.0
    else:
        links.new(sky.outputs["Color"], background.inputs["Color"])
        # The physical sky is far brighter than a lamp-lit scene's range: scale it down.
        background.inputs["Strength"].default_value = 0.12 * (1.0 - 0.5 * v["cloud_cover"])
    if v["fog_density"] > 0.05:
        _fog(v, collection)
    guard.remember(scene, "world")
    scene.world = world
    guard.remember(scene.view_settings, "exposure")
    scene.view_settings.exposure = EXPOSURE_TIME[v["time_of_day"]] + EXPOSURE_WEATHER[
        v["weather"]] + (0.7 if v["biome"] == "volcanic" else 0.0)

    light = bpy.data.lights.new("Sun", "SUN")
    light.energy = 0.25 if night else 4.0 * (1.0 - 0.85 * v["cloud_cover"])
    light.color = (0.6, 0.7, 1.0) if night else (1.0, 0.95, 0.88)
    light.angle = math.radians(1.0 + 20.0 * v["cloud_cover"])  # soft under cloud
    sun = bpy.data.objects.new("Sun", light)
    # A sun light shines along its -Z: tilt it down by the elevation, turn by azimuth.
    # At night the lamp is the moon, high in the sky.
    tilt = math.radians(90 - 40) if night else math.radians(90) - elevation
    sun.rotation_euler = (tilt, 0.0, math.radians(180 - v["sun_azimuth"]))
    sun[TAG] = "sun"
    collection.objects.link(sun)
