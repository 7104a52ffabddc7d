"""Make (or replace) a background in the scene from a BackgroundSpec: sky and sun, clouds,
terrain coloured by slope and height, water (a lake, the sea or a river in its carved
channel), plants and rocks, a city block, fog, falling rain or snow, and the look of a
reference image.

One collection, "Background", holds what it makes; building again replaces its objects
and the world it made, and leaves everything else in the scene alone.
"""

from __future__ import annotations

import json
import math

import bmesh
import bpy
import numpy as np
from mathutils import Vector

from ...core.background.city import city_blocks
from ...core.background.describe import ResolvedBackground, resolve
from ...core.background.elevation import map_terrain
from ...core.background.precipitation import BOX, precipitation
from ...core.background.prop_words import PropRequest
from ...core.background.props import plan_outdoor_props, plan_room_props
from ...core.background.ranges import has_ranges
from ...core.background.reference import ReferenceLook
from ...core.background.river import River, carve_river
from ...core.background.rooms import build_room, room_dict
from ...core.background.scatter import scatter
from ...core.background.settlement import QUAY_HEIGHT, build_settlement, levelled, quay_wall
from ...core.background.spec import BackgroundSpec
from ...core.background.terrain import HeightField, fractal_terrain, settle_edges
from ..nodes import ensure_node_tree
from ..scene_guard import SceneGuard
from .city import add_buildings
from .ground import ground_material
from .points import TAG, terrain_points
from .props import add_props, set_down_props
from .ranges import add_ranges
from .reference import backplate, read_elevation_map, read_reference, tint_sky
from .room import add_room
from .scatter import VARIANTS, add_scatter
from .settlement import add_settlement
from .weather import add_clouds, add_precipitation

COLLECTION = "Background"
# Ground colours (linear RGB) by biome: low and flat, steep (rock), high (snow line).
GROUND = {
    "forest": ((0.05, 0.12, 0.03), (0.18, 0.16, 0.14)),
    "grassland": ((0.12, 0.25, 0.05), (0.2, 0.18, 0.15)),
    "desert": ((0.62, 0.45, 0.25), (0.45, 0.3, 0.18)),
    "mountains": ((0.1, 0.18, 0.06), (0.22, 0.21, 0.2)),
    "snowfield": ((0.8, 0.82, 0.86), (0.35, 0.36, 0.4)),
    "coast": ((0.45, 0.39, 0.27), (0.25, 0.23, 0.2)),
    "canyon": ((0.5, 0.22, 0.1), (0.4, 0.15, 0.07)),
    "wetland": ((0.08, 0.12, 0.04), (0.1, 0.09, 0.07)),
    "volcanic": ((0.04, 0.035, 0.033), (0.05, 0.04, 0.035)),
    "city": ((0.2, 0.2, 0.2), (0.3, 0.3, 0.3)),
}
SNOW = (0.85, 0.87, 0.9)
NAMED = ("terrain", "water", "sun", "fog", "city", "river", "plain")
# Drops are placed this far in front of the camera (metres): where the eye sees them.
WEATHER_AHEAD = 25.0
# Per metre: fog density 1 fades the land to half at 170 m (1/e at 250 m): near trees
# stand out of the mist, the far hills go into it.
FOG_PER_METRE = 0.004
FOG_GLOW = 0.7  # the mist's glow against the sky's brightness at the horizon
# A camera's exposure for each time and weather (stops), as a photographer would set it:
# the low sun and the night are far darker than noon.
EXPOSURE_TIME = {"dawn": 1.5, "morning": 0.0, "noon": -0.3, "afternoon": 0.0,
                 "sunset": 1.5, "dusk": 3.0, "night": 2.5}
INDOORS = 0.0  # stops: a room's first exposure, before it is metered
# The land seen from a room's windows, by biome (linear RGB).
OUTSIDE = {"grassland": (0.1, 0.16, 0.05), "forest": (0.06, 0.1, 0.04),
           "desert": (0.5, 0.4, 0.25), "mountains": (0.2, 0.2, 0.18),
           "snowfield": (0.75, 0.77, 0.8), "coast": (0.55, 0.48, 0.35),
           "canyon": (0.4, 0.2, 0.1), "wetland": (0.08, 0.12, 0.05),
           "volcanic": (0.05, 0.05, 0.05), "city": (0.2, 0.2, 0.2)}
EXPOSURE_WEATHER = {"clear": 0.0, "cloudy": 0.3, "overcast": 0.9, "fog": 0.5, "rain": 1.0,
                    "snow": 0.6, "storm": 0.6}  # a storm is dark: not exposed away


def build_background(context, spec: BackgroundSpec, guard: SceneGuard, warnings: list[str]):
    """Steps (fraction, message) that build the background; see the module docstring."""
    yield 0.05, "understanding the description"
    # The reference image is read first: a bad file stops the build before any change.
    look = read_reference(spec.reference_image) if spec.reference_image else None
    resolved = resolve(spec, look=look)
    warnings.extend(resolved.notes)
    v = resolved.values
    requests = [PropRequest(**r) for r in v["props"]]
    if v["room"] != "none":
        yield from _build_room(context, v, spec, resolved, guard, look, requests, warnings)
        return
    yield 0.2, "shaping the terrain"
    sea_level = None
    if spec.elevation_map:
        field, sea_level = map_terrain(read_elevation_map(str(spec.elevation_map)), v["extent"],
                                       v["detail"], v["terrain_height"])
        if sea_level is not None and v["water"] != "sea":
            warnings.append(f"water: {spec.elevation_map} has sea floor below 0: the sea "
                            "fills it")
            v["water"] = "sea"
    else:
        basin = v["water"] if v["water"] in ("lake", "sea") else None
        field = fractal_terrain(v["seed"], v["extent"], v["detail"], v["terrain_height"],
                                v["terrain_roughness"], basin=basin)
    rim = None
    if v["water"] != "sea" and not spec.elevation_map:
        # (the sea runs to the horizon itself; a real place's heights stay as they are)
        field, rim = settle_edges(field)
    river = None
    if v["water"] == "river":
        field, river = carve_river(field, v["seed"])
    place, place_level, built = None, 0.0, None
    if v["settlement"] != "none":
        place = build_settlement(v["settlement"], v["seed"])
        quay = None
        if place.basin is not None:  # a harbour's quays stand above the sea
            sea_level = sea_level if sea_level is not None else shore_level(field)
            quay = sea_level + QUAY_HEIGHT
        wall = quay_wall(field)
        field, place_level, built = levelled(field, place, level=quay)
    old = next((c for c in bpy.data.collections if c.get(TAG) == "collection"), None)
    collection = _new_collection(context)
    yield 0.4, "colouring the ground"
    terrain = _terrain_object(field, v, collection, look)
    plain_colour = None
    if rim is not None:
        plain_colour = _plain(field, rim, terrain, collection)
    water_level = None
    if river is not None:
        _river(river, collection, bool(v.get("frozen")))
    elif v["water"] != "none":
        water_level = _water(field, v, collection, sea_level)
    yield 0.55, "planting" if v["biome"] != "city" else "raising the city"
    # Windows (a city's, a village's) lit from dusk on, as bright as the exposure.
    lit, glow = v["sun_elevation"] < 5, 2.0 ** -exposure(v)
    blocked = _river_banks(field, river) if river is not None else None
    if built is not None:  # nothing grows in the houses or on the street
        blocked = built if blocked is None else (blocked | built)
    planted = add_scatter(scatter(field, v["biome"], v["vegetation_density"], v["detail"],
                                  v["seed"], water_level, blocked, tuple(v["trees"])),
                          collection, v["seed"], VARIANTS[v["detail"]],
                          snowy=bool(v.get("snow_cover")),
                          dry=v["biome"] in ("desert", "canyon", "volcanic"))
    if v["biome"] == "city":
        buildings = city_blocks(v["extent"], v["detail"], v["seed"],
                                keep_clear=min(25.0, 0.1 * v["extent"]))
        planted.append(("city", add_buildings(buildings, _ground_at(field), lit, glow,
                                              v["seed"], collection)))
    if place is not None:
        yield 0.65, f"building the {v['settlement']}"
        planted += add_settlement(place, place_level, lit, glow, v["seed"], collection,
                                  wet=v["weather"] in ("rain", "storm"),
                                  snowy=bool(v.get("snow_cover")), wall=wall)
        terrain["metastudio_settlement"] = json.dumps({"kind": v["settlement"],
                                                       "level": place_level})
    props = None
    if requests:
        yield 0.68, "placing the props"
        props = plan_outdoor_props(requests, place, v["water"] != "none")
        warnings.extend(props.notes)
        planted += add_props(props, lit, v["seed"], collection,
                             level=place_level if place is not None else None,
                             snowy=bool(v.get("snow_cover")),
                             dry=v["biome"] in ("desert", "canyon", "volcanic"))
        terrain["metastudio_props"] = json.dumps(props.as_dict())
    yield 0.7, "lighting the sky"
    top = float(field.heights.max())
    _sky_and_sun(context, v, collection, guard, look, spec,
                 cloud_altitude=top + min(max(1500.0, 2 * top), 3000.0))
    if plain_colour is not None and has_ranges(v["biome"], v["water"]):
        # (after the sky: the ranges fade into its colour)
        planted.append(("ranges", add_ranges(
            v["biome"], v["seed"], rim, float(np.median(field.heights)) + 1.6,
            context.scene.world, v["weather"], v["fog_density"], collection,
            tuple(float(c) for c in plain_colour[:3]))))
    drops = precipitation(v["weather"], v["detail"], v["seed"])
    if drops is not None:
        yield 0.85, f"{drops.kind} falling"
        planted += add_precipitation(drops, collection)
    for role, obj in planted:
        obj[TAG] = role
    if props is not None:  # on open land, or beyond a settlement: on the ground
        set_down_props(collection.all_objects, terrain)
    aim_weather(context.scene, terrain)
    terrain["metastudio_resolved"] = json.dumps(resolved.as_dict())
    terrain["metastudio_resolved_summary"] = summary(resolved)
    _replace_old(context, old, collection)
    yield 1.0, f"built a {v['biome']} at {v['time_of_day']}, {v['weather']}"


def summary(resolved: ResolvedBackground) -> str:
    """The resolved options in one line."""
    v = resolved.values
    if v.get("room", "none") != "none":
        return (f"{v['room_size']} {v['room'].replace('_', ' ')}, {v['time_of_day']}, "
                f"outside: {v['biome']}, {v['weather']}")
    return f"{v['time_of_day']}, {v['biome']}, {v['weather']}, water: {v['water']}"


def resolved_holder() -> bpy.types.Object | None:
    """The object that keeps the built background's resolved fields: the terrain, or a
    room's floor."""
    return next((o for o in bpy.data.objects if o.get(TAG) in ("terrain", "floor")
                 and "metastudio_resolved" in o), None)


def _build_room(context, v: dict, spec: BackgroundSpec, resolved: ResolvedBackground,
                guard: SceneGuard, look: ReferenceLook | None, requests: list[PropRequest],
                warnings: list[str]):
    """A room (core.background.rooms) instead of land: its shell, furniture (with the
    props asked for) and lights, and the sky, the sun and the land seen through its
    windows."""
    kind = v["room"].replace("_", " ")
    yield 0.3, f"laying out the {kind}"
    room = build_room(v["room"], v["room_size"], v["seed"])
    if requests:
        warnings.extend(plan_room_props(requests, room, v["seed"]).notes)
    old = next((c for c in bpy.data.collections if c.get(TAG) == "collection"), None)
    collection = _new_collection(context)
    yield 0.5, f"furnishing the {kind}"
    night = v["sun_elevation"] < 0
    made = add_room(room, v["seed"], night, OUTSIDE.get(v["biome"], OUTSIDE["grassland"]),
                    collection)
    yield 0.8, "lighting the room"
    _sky_and_sun(context, v, collection, guard, look, spec, fog=False)
    # A room's exposure is metered by whoever frames it (bl.scene_meter): a first guess.
    context.scene.view_settings.exposure = INDOORS
    for role, obj in made:
        obj[TAG] = role
    floor = next(obj for role, obj in made if role == "floor")
    floor["metastudio_resolved"] = json.dumps(resolved.as_dict())
    floor["metastudio_resolved_summary"] = summary(resolved)
    floor["metastudio_room"] = json.dumps(room_dict(room))
    _replace_old(context, old, collection)
    yield 1.0, f"built a {v['room_size']} {kind} ({len(room.items)} pieces of furniture)"


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
        obj.name = (obj[TAG].capitalize() if obj[TAG] in NAMED else f"Background {obj[TAG]}")
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


def ground_colours(field: HeightField, biome: str,
                   tint: tuple[float, float, float] | None = None,
                   snowing: bool = False) -> np.ndarray:
    """Per point: the flat colour, rock where steep, snow above the snow line (everywhere
    but the cliffs while it snows); with a reference image's ground colour, the flat
    ground half-way to it."""
    flat, rock = (np.array(c) for c in GROUND[biome])
    if tint is not None:
        flat = 0.5 * flat + 0.5 * np.array(tint)
    slope = field.slopes().ravel()
    height = field.heights.ravel()
    rockiness = np.clip((slope - 0.35) / 0.25, 0, 1)[:, None]
    colours = flat * (1 - rockiness) + rock * rockiness
    if (snowing or biome in ("mountains", "snowfield")) and height.max() > 0:
        line = 0.7 * height.max() if biome != "snowfield" and not snowing else 0.0
        snow = np.clip((height - line) / max(0.1 * height.max(), 1e-6), 0, 1)[:, None]
        snow *= 1 - np.clip((slope - 0.6) / 0.2, 0, 1)[:, None]  # snow slides off cliffs
        colours = colours * (1 - snow) + np.array(SNOW) * snow
    return colours


def _terrain_object(field: HeightField, v: dict, collection,
                    look: ReferenceLook | None) -> bpy.types.Object:
    points, faces = _grid(field)
    mesh = bpy.data.meshes.new("Terrain")
    mesh.from_pydata(points.tolist(), [], faces)
    colours = ground_colours(field, v["biome"], look.ground if look else None,
                             bool(v.get("snow_cover")))
    attribute = mesh.color_attributes.new("ground", "FLOAT_COLOR", "POINT")
    rgba = np.hstack([colours, np.ones((len(colours), 1))]).astype(np.float32)
    attribute.data.foreach_set("color", rgba.ravel())
    mesh.polygons.foreach_set("use_smooth", np.ones(len(mesh.polygons), bool))
    mesh.materials.append(ground_material(v["biome"], wet=v["weather"] in ("rain", "storm"),
                                          snowy=bool(v.get("snow_cover"))))
    obj = bpy.data.objects.new("Terrain", mesh)
    # Smooth near the camera: one level of subdivision in renders (no facets on the
    # hills behind the cast), none in the viewport.
    smooth = obj.modifiers.new("Smooth", "SUBSURF")
    smooth.levels, smooth.render_levels = 0, 1
    obj[TAG] = "terrain"
    collection.objects.link(obj)
    return obj


def _plain(field: HeightField, rim: float, terrain, collection) -> np.ndarray:
    """Flat land from the terrain's edge (settled to `rim`) out to the horizon, 20 km
    each way: a square ring around the terrain, in the colour of its edge (returned)."""
    inner, outer = field.extent / 2, max(20_000.0, 20 * field.extent)
    corners = [(-inner, -inner), (inner, -inner), (inner, inner), (-inner, inner),
               (-outer, -outer), (outer, -outer), (outer, outer), (-outer, outer)]
    mesh = bpy.data.meshes.new("Plain")
    mesh.from_pydata([(x, y, rim) for x, y in corners], [],
                     [(4, 5, 1, 0), (5, 6, 2, 1), (6, 7, 3, 2), (7, 4, 0, 3)])
    n = field.heights.shape[0]
    border = np.zeros((n, n), bool)
    border[0], border[-1], border[:, 0], border[:, -1] = True, True, True, True
    edge = painted_ground(terrain)[border.ravel()].mean(axis=0)
    attribute = mesh.color_attributes.new("ground", "FLOAT_COLOR", "POINT")
    attribute.data.foreach_set("color", np.tile(edge, len(corners)).astype(np.float32))
    mesh.materials.append(terrain.data.materials[0])
    obj = bpy.data.objects.new("Plain", mesh)
    obj[TAG] = "plain"
    collection.objects.link(obj)
    return edge


def shore_level(field: HeightField) -> float:
    """The sea's level over fractal land shaped for it (terrain.fractal_terrain's "sea"
    basin: the sea floor below 0, the land above it)."""
    return max(0.02 * float(field.heights.max()), 0.1)


def _water(field: HeightField, v: dict, collection, level: float | None = None) -> float:
    """A water plane: at `level`, else a share of the land under it (more for the sea)."""
    if level is None and v["water"] == "sea":
        level = shore_level(field)
    if level is None:
        level = float(np.percentile(field.heights, 20))
    size = field.extent * (4 if v["water"] == "sea" else 1)
    mesh = bpy.data.meshes.new("Water")
    half = size / 2
    mesh.from_pydata([(-half, -half, level), (half, -half, level), (half, half, level),
                      (-half, half, level)], [], [(0, 1, 2, 3)])
    rough = {"storm": 1.0, "rain": 0.6, "cloudy": 0.4, "overcast": 0.5}.get(v["weather"], 0.3)
    mesh.materials.append(_ice_material() if v.get("frozen") else
                          _water_material(rough if v["water"] == "sea" else 0.0))
    obj = bpy.data.objects.new("Water", mesh)
    obj[TAG] = "water"
    collection.objects.link(obj)
    return level


def _ground_at(field: HeightField):
    """x, y (metres) -> the terrain's height at the nearest grid point."""
    n = field.heights.shape[0]

    def height(x: float, y: float) -> float:
        col = int(round((x / field.extent + 0.5) * (n - 1)))
        row = int(round((y / field.extent + 0.5) * (n - 1)))
        return float(field.heights[min(max(row, 0), n - 1), min(max(col, 0), n - 1)])
    return height


def _river_banks(field: HeightField, river: River) -> np.ndarray:
    """Grid points too close to the river for a tree to stand (the channel and its banks)."""
    n = field.heights.shape[0]
    axis = np.linspace(-field.extent / 2, field.extent / 2, n)
    return np.abs(axis[None, :] - river.centre[:, 0, None]) < 0.8 * river.width


def _river(river: River, collection, frozen: bool = False) -> None:
    """The water surface: a ribbon along the course, a little wider than the channel so
    it meets the banks, each cross-section at the surface's height there."""
    centre = river.centre
    tangent = np.gradient(centre, axis=0)
    tangent /= np.linalg.norm(tangent, axis=1, keepdims=True)
    normal = np.column_stack([-tangent[:, 1], tangent[:, 0]]) * river.width * 0.6
    left = np.column_stack([centre + normal, river.surface])
    right = np.column_stack([centre - normal, river.surface])
    points = np.vstack([left, right])
    n = len(centre)
    faces = [(i, i + 1, n + i + 1, n + i) for i in range(n - 1)]
    mesh = bpy.data.meshes.new("River")
    mesh.from_pydata(points.tolist(), [], faces)
    mesh.materials.append(_ice_material() if frozen else _water_material())
    obj = bpy.data.objects.new("River", mesh)
    obj[TAG] = "river"
    collection.objects.link(obj)


def painted_ground(terrain: bpy.types.Object) -> np.ndarray:
    """The terrain's painted colour at each vertex (n x 4, linear RGBA)."""
    painted = terrain.data.color_attributes["ground"]
    colours = np.empty(len(painted.data) * 4, np.float32)
    painted.data.foreach_get("color", colours)
    return colours.reshape(-1, 4)


def ground_height(terrain: bpy.types.Object, x: float, y: float) -> float:
    """The built terrain's height at the vertex nearest (x, y)."""
    co = terrain_points(terrain)
    return float(co[((co[:, 0] - x) ** 2 + (co[:, 1] - y) ** 2).argmin(), 2])


def aim_weather(scene, terrain: bpy.types.Object | None = None) -> None:
    """Put the falling rain or snow where the scene's camera looks (on the ground a little
    ahead of it); around the middle of the land when there is no camera."""
    drops = [o for o in scene.objects if o.get(TAG) in ("rain", "snow")]
    if not drops:
        return
    terrain = terrain or next((o for o in scene.objects if o.get(TAG) == "terrain"), None)
    x = y = 0.0
    if scene.camera is not None:
        camera = scene.camera.matrix_world
        forward = camera.to_3x3() @ Vector((0.0, 0.0, -1.0))
        flat = Vector((forward.x, forward.y)).normalized() if forward.xy.length > 1e-6 \
            else Vector((0.0, 0.0))
        x = camera.translation.x + WEATHER_AHEAD * flat.x
        y = camera.translation.y + WEATHER_AHEAD * flat.y
    ground = ground_height(terrain, x, y) if terrain is not None else 0.0
    if scene.camera is not None:  # around the eye, not far below a camera on a height
        ground = max(ground, scene.camera.matrix_world.translation.z - 0.5 * BOX[1])
    for obj in drops:
        obj.location = (x, y, ground)


def _ice_material() -> bpy.types.Material:
    """Frozen water: pale blue-white ice, glossy, with snow drifted on it in patches."""
    material = bpy.data.materials.new("Ice")
    ensure_node_tree(material)
    nodes, links = material.node_tree.nodes, material.node_tree.links
    bsdf = nodes["Principled BSDF"]
    bsdf.inputs["Roughness"].default_value = 0.12
    drift = nodes.new("ShaderNodeTexNoise")
    drift.inputs["Scale"].default_value = 0.05  # patches some 20 m across
    drift.inputs["Detail"].default_value = 5.0
    metres = nodes.new("ShaderNodeTexCoord")
    links.new(metres.outputs["Object"], drift.inputs["Vector"])
    ramp = nodes.new("ShaderNodeValToRGB")
    ramp.color_ramp.elements[0].position, ramp.color_ramp.elements[1].position = 0.45, 0.65
    ramp.color_ramp.elements[0].color = (0.35, 0.5, 0.6, 1.0)
    ramp.color_ramp.elements[1].color = (*SNOW, 1.0)
    links.new(drift.outputs["Fac"], ramp.inputs["Fac"])
    links.new(ramp.outputs["Color"], bsdf.inputs["Base Color"])
    return material


def _water_material(waves: float = 0.0) -> bpy.types.Material:
    """Clear dark water; with `waves` (0-1), swell and ripples in its surface normal (the
    sea, harder in a storm), which break the reflection of the sky as waves do."""
    material = bpy.data.materials.new("Water")
    ensure_node_tree(material)
    nodes, links = material.node_tree.nodes, material.node_tree.links
    bsdf = nodes["Principled BSDF"]
    bsdf.inputs["Base Color"].default_value = (0.02, 0.08, 0.1, 1)
    bsdf.inputs["Roughness"].default_value = 0.05 + 0.1 * waves
    # A lake shows its shallows; the sea is too deep to see the floor through.
    bsdf.inputs["Transmission Weight"].default_value = 0.0 if waves else 0.6
    if waves:
        bsdf.inputs["Base Color"].default_value = (0.005, 0.04, 0.06, 1)
    if waves > 0:
        swell = nodes.new("ShaderNodeTexWave")
        swell.wave_type = "BANDS"
        swell.bands_direction = "Y"
        swell.inputs["Scale"].default_value = 0.02  # crests some 50 m apart
        swell.inputs["Distortion"].default_value = 6.0
        swell.inputs["Detail"].default_value = 4.0
        chop = nodes.new("ShaderNodeTexNoise")
        chop.inputs["Scale"].default_value = 0.4
        metres = nodes.new("ShaderNodeTexCoord")  # object space: sizes in metres
        links.new(metres.outputs["Object"], swell.inputs["Vector"])
        links.new(metres.outputs["Object"], chop.inputs["Vector"])
        mix = nodes.new("ShaderNodeMath")
        mix.operation = "ADD"
        bump = nodes.new("ShaderNodeBump")
        bump.inputs["Strength"].default_value = 0.15 + 0.5 * waves
        links.new(swell.outputs["Fac"], mix.inputs[0])
        links.new(chop.outputs["Fac"], mix.inputs[1])
        links.new(mix.outputs[0], bump.inputs["Height"])
        links.new(bump.outputs["Normal"], bsdf.inputs["Normal"])
    return material


def _fog(v: dict, collection, sky=None, night_colour=None, sky_strength: float = 1.0) -> None:
    """A box of scattering air over the terrain (a world volume would be endless, and
    swallow the sun and the sky). Mist is bright because the whole sky lights it, which a
    scattering volume lit by the world alone renders far too dark and noisy: so the air
    also glows with the sky's own colour at the horizon in the direction looked (a copy
    of the world's `sky` node, or the night's `night_colour`), in proportion to its
    density, and distant land fades into it as it does outdoors."""
    half = v["extent"] / 2
    top = v["terrain_height"] + 120.0
    corners = [(x, y, z) for z in (-5.0, top) for y in (-half, half) for x in (-half, half)]
    faces = [(0, 1, 3, 2), (4, 6, 7, 5), (0, 4, 5, 1), (2, 3, 7, 6), (0, 2, 6, 4),
             (1, 5, 7, 3)]
    mesh = bpy.data.meshes.new("Fog")
    mesh.from_pydata(corners, [], faces)
    # Faces facing out: Cycles tells inside from outside by them, and with these listed
    # inward-facing it took the camera for outside the fog and showed none (EEVEE, which
    # uses the bounds, did).
    bm = bmesh.new()
    bm.from_mesh(mesh)
    bmesh.ops.recalc_face_normals(bm, faces=bm.faces)
    bm.to_mesh(mesh)
    bm.free()
    material = bpy.data.materials.new("Fog")
    ensure_node_tree(material)
    nodes, links = material.node_tree.nodes, material.node_tree.links
    nodes.remove(nodes["Principled BSDF"])
    density = FOG_PER_METRE * v["fog_density"]
    scatter = nodes.new("ShaderNodeVolumeScatter")
    scatter.inputs["Density"].default_value = density
    if v["weather"] in ("rain", "storm"):
        # Rain-laden air under a storm deck is grey-dark, not the white of sunlit mist.
        grey = 0.8 * (1.0 - 0.6 * v["cloud_cover"])
        scatter.inputs["Color"].default_value = (grey, grey, grey * 1.05, 1.0)
    glow = nodes.new("ShaderNodeEmission")
    if sky is not None:
        horizon = nodes.new("ShaderNodeTexSky")
        for name in ("sky_type", "sun_elevation", "sun_rotation", "air_density",
                     "aerosol_density", "dust_density", "ozone_density", "altitude"):
            if hasattr(sky, name):
                setattr(horizon, name, getattr(sky, name))
        if hasattr(horizon, "sun_disc"):
            horizon.sun_disc = False
        # The direction looked, flattened to just above the horizon.
        looking = nodes.new("ShaderNodeNewGeometry")
        away = nodes.new("ShaderNodeVectorMath")
        away.operation = "MULTIPLY"
        away.inputs[1].default_value = (-1.0, -1.0, 0.0)
        lift = nodes.new("ShaderNodeVectorMath")
        lift.operation = "ADD"
        lift.inputs[1].default_value = (0.0, 0.0, 0.08)
        links.new(looking.outputs["Incoming"], away.inputs[0])
        links.new(away.outputs[0], lift.inputs[0])
        links.new(lift.outputs[0], horizon.inputs["Vector"])
        links.new(horizon.outputs["Color"], glow.inputs["Color"])
    else:
        glow.inputs["Color"].default_value = (*(night_colour or (0.01, 0.015, 0.04)), 1.0)
    # Emission per metre over extinction per metre is the colour the far distance takes:
    # the sky's own brightness there.
    # Under a cloud deck the sky the mist sees is the deck's grey, not the clear sky's
    # bright horizon (a storm's air is dark).
    glow.inputs["Strength"].default_value = density * sky_strength * FOG_GLOW * (
        1.0 - 0.75 * v["cloud_cover"] if v["weather"] != "fog" else 1.0)
    both = nodes.new("ShaderNodeAddShader")
    links.new(scatter.outputs["Volume"], both.inputs[0])
    links.new(glow.outputs["Emission"], both.inputs[1])
    links.new(both.outputs[0], nodes["Material Output"].inputs["Volume"])
    mesh.materials.append(material)
    obj = bpy.data.objects.new("Fog", mesh)
    obj[TAG] = "fog"
    obj.display_type = "BOUNDS"
    collection.objects.link(obj)


def exposure(v: dict) -> float:
    """The camera's exposure (stops) for the resolved time, weather and land."""
    return EXPOSURE_TIME[v["time_of_day"]] + EXPOSURE_WEATHER[v["weather"]]


def _sun_colour(elevation: float) -> tuple[float, float, float]:
    """Sunlight reddens as it crosses more air near the horizon."""
    low = float(np.clip((15.0 - elevation) / 15.0, 0.0, 1.0))
    return (1.0, 0.95 - 0.4 * low, 0.88 - 0.6 * low)


def _sky_and_sun(context, v: dict, collection, guard: SceneGuard,
                 look: ReferenceLook | None, spec: BackgroundSpec,
                 cloud_altitude: float = 2000.0, fog: bool = True) -> None:
    scene = context.scene
    world = bpy.data.worlds.new("Background sky")
    ensure_node_tree(world)
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
        clouded = add_clouds(world, (0.01, 0.015, 0.04), v, cloud_altitude)
        if clouded is not None:
            links.new(clouded, background.inputs["Color"])
    else:
        colour = sky.outputs["Color"]
        if look is not None:
            colour = tint_sky(world, colour, look)
        colour = add_clouds(world, colour, v, cloud_altitude) or colour
        links.new(colour, background.inputs["Color"])
        # The physical sky is far brighter than a lamp-lit scene's range: scale it down.
        background.inputs["Strength"].default_value = 0.12 * (1.0 - 0.5 * v["cloud_cover"])
    if fog and v["fog_density"] > 0.05:
        _fog(v, collection, None if night else sky,
             background.inputs["Color"].default_value[:3] if night else None,
             background.inputs["Strength"].default_value)
    guard.remember(scene, "world")
    scene.world = world
    guard.remember(scene.view_settings, "exposure")
    scene.view_settings.exposure = exposure(v)
    if look is not None and spec.reference_use == "backplate":
        # Shown to the camera as itself: undo the exposure for the plate alone.
        backplate(world, background.outputs["Background"], spec.reference_image,
                  2.0 ** -scene.view_settings.exposure)

    light = bpy.data.lights.new("Sun", "SUN")
    light.energy = 0.25 if night else 4.0 * (1.0 - 0.85 * v["cloud_cover"])
    light.color = (0.6, 0.7, 1.0) if night else _sun_colour(v["sun_elevation"])
    light.angle = math.radians(1.0 + 20.0 * v["cloud_cover"])  # soft under cloud
    sun = bpy.data.objects.new("Sun", light)
    # A sun light shines along its -Z: tilt it down by the elevation, turn by azimuth.
    # At night the lamp is the moon, high in the sky.
    tilt = math.radians(90 - 40) if night else math.radians(90) - elevation
    sun.rotation_euler = (tilt, 0.0, math.radians(180 - v["sun_azimuth"]))
    sun[TAG] = "sun"
    collection.objects.link(sun)
