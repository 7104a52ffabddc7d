"""Props asked for in words (core.background.props places them) in Blender: each a
furniture model (a bench, a bicycle, a car, a telescope...) or a boat or a lighthouse,
standing on the ground (never floating: it sits at the lowest of the ground under its
corners), a tree planted where "a bench under an oak" asks for one, boats afloat on the
water in view. On open land the props keep their place in the staging frame (the view
behind the cast): when the stage is chosen and the world moves, they are set down again
there (`set_down_props`), and the plants and rocks under them are taken away."""

from __future__ import annotations

import math

import bpy
import numpy as np
from mathutils import Matrix, Vector

from ...core.background.props import FAR, MODEL, PropPlan
from ...core.background.settlement import Boat
from .harbour import boat_mesh, lighthouse
from .points import TAG, delete_points, terrain_points
from .room import furniture_mesh
from .scatter import tree_mesh

PLACE = "metastudio_prop"  # [x, y, height above the ground, turn] in the staging frame
LAMP_HEIGHT = 3.3  # where a street lamp's light hangs
TREE_SCALE = 0.7  # an anchor tree's size against the scattered trees' full size


def _ground_z(terrain, box: tuple[float, float, float, float]) -> float:
    """The lowest ground under a footprint's corners and middle (a prop on a slope sinks
    a little at its high side rather than float at its low one)."""
    x0, y0, x1, y1 = box
    heights = []
    for x, y in ((x0, y0), (x1, y0), (x0, y1), (x1, y1), ((x0 + x1) / 2, (y0 + y1) / 2)):
        hit, location, _, _ = terrain.ray_cast(Vector((x, y, 1e5)), Vector((0, 0, -1)))
        if hit:
            heights.append(location.z)
    if heights:
        return float(min(heights))
    co = terrain_points(terrain)  # off the terrain's edge: its nearest point
    x, y = (x0 + x1) / 2, (y0 + y1) / 2
    return float(co[((co[:, 0] - x) ** 2 + (co[:, 1] - y) ** 2).argmin(), 2])


def add_props(plan: PropPlan, night: bool, seed: int, collection, level: float | None = None,
              snowy: bool = False, dry: bool = False) -> list[tuple[str, bpy.types.Object]]:
    """The plan's props and anchor trees outdoors: on a settlement's paving at `level`,
    else (open land, a landmark beyond the settlement) marked to be set down on the
    ground (`set_down_props`); boats to float on open water. (role, object) pairs."""
    made = []
    meshes: dict[tuple, bpy.types.Mesh] = {}

    def put(role: str, obj, x: float, y: float, height: float, turn: float,
            paved: bool) -> None:
        if paved:
            obj.location = (x, y, level + 0.03 + height)
            obj.rotation_euler = (0.0, 0.0, math.radians(turn))
        else:
            obj[PLACE] = [x, y, height, turn]
        if obj.name not in collection.objects:
            collection.objects.link(obj)
        made.append((role, obj))

    for prop in plan.placed:
        paved = level is not None and prop.kind not in FAR
        if prop.kind == "lighthouse":
            pieces = lighthouse(0.0, 0.0, 0.0, night, collection)
            for role, obj in pieces:
                put("prop lighthouse" if role == "lighthouse" else "prop light", obj,
                    prop.x, prop.y,
                    obj.location.z, 0, paved)
            continue
        key = (prop.kind, prop.size)
        if key not in meshes:
            meshes[key] = boat_mesh(Boat(0, 0, prop.size[0], 90, "rowing", seed % 5)) \
                if prop.kind == "boat" else furniture_mesh(MODEL.get(prop.kind, prop.kind),
                                                           prop.size, seed)
        # A boat's model lies along y: turned a quarter to lie side on, as placed.
        turn = prop.turn + (-90 if prop.kind == "boat" else 0)
        put(f"prop {prop.kind}", bpy.data.objects.new(f"Prop {prop.kind}", meshes[key]),
            prop.x, prop.y, prop.z, turn, paved)
        if prop.kind == "street_lamp" and night:
            data = bpy.data.lights.new("Street light", "POINT")
            data.energy, data.color, data.shadow_soft_size = 150.0, (1.0, 0.8, 0.55), 0.15
            put("prop light", bpy.data.objects.new("Street light", data), prop.x, prop.y,
                LAMP_HEIGHT, 0, paved)
    for k, (species, x, y) in enumerate(plan.trees):
        tree = bpy.data.objects.new(f"Prop {species}", tree_mesh(species, seed + 7 * k,
                                                                 snowy, dry))
        # A young tree: its crown over the bench without filling the wide shot.
        tree.scale = (TREE_SCALE,) * 3
        put("prop tree", tree, x, y, 0.0,
            int(np.random.default_rng(seed + k).integers(0, 360)), level is not None)
    for k in range(plan.boats_on_water):
        if ("boat", None) not in meshes:
            # (white or blue: the paints that read as a boat on any water)
            meshes[("boat", None)] = boat_mesh(Boat(0, 0, 4.6, 0, "rowing", seed % 2))
        boat = bpy.data.objects.new("Prop boat", meshes[("boat", None)])
        boat["metastudio_afloat"] = k
        collection.objects.link(boat)
        made.append(("prop boat", boat))
    return made


def set_down_props(objects, terrain) -> None:
    """Put the props among `objects` (a scene's, a new background's) marked with their
    staging-frame place there on the ground, take the plants and rocks out from under
    them, and float the boats on the water in view."""
    objects = list(objects)
    boxes = []
    for obj in objects:
        if PLACE not in obj:
            continue
        x, y, height, turn = obj[PLACE]
        reach = 0.5
        if obj.type == "MESH":
            co = terrain_points(obj)
            # (a tree's trunk, not its crown: the ground under the trunk)
            reach = 0.5 if obj.get(TAG) == "prop tree" else float(
                np.abs(co[:, :2]).max())
        box = (x - reach, y - reach, x + reach, y + reach)
        if obj.type == "MESH":
            boxes.append((box, obj.get(TAG) == "prop tree"))
        ground = _ground_z(terrain, box if obj.type == "MESH" else (x, y, x, y))
        obj.matrix_basis = Matrix.Translation((x, y, ground + height)) @ Matrix.Rotation(
            math.radians(turn), 4, "Z") @ Matrix.Diagonal((*obj.scale, 1.0))
    for obj in objects:
        data = obj.data if obj.type == "MESH" else None
        if data is None or "size" not in data.attributes or not obj.get(TAG):
            continue
        co = terrain_points(obj)
        doomed = np.zeros(len(co), dtype=bool)
        for (x0, y0, x1, y1), tree in boxes:
            grow = 2.5 if tree else 0.6  # a tree's crown: nothing tall in it
            doomed |= ((co[:, 0] > x0 - grow) & (co[:, 0] < x1 + grow)
                       & (co[:, 1] > y0 - grow) & (co[:, 1] < y1 + grow))
        delete_points(data, doomed)
    float_boats(objects, terrain)


def _water_points(objects, terrain) -> tuple[np.ndarray, float] | None:
    """Points on open water deep enough to float a boat, and the water's height."""
    water = next((o for o in objects if o.get(TAG) == "water"), None)
    if water is not None:
        level = float((water.matrix_world @ water.data.vertices[0].co).z)
        co = terrain_points(terrain)
        return co[co[:, 2] < level - 0.8][:, :2], level
    river = next((o for o in objects if o.get(TAG) == "river"), None)
    if river is None:
        return None
    co = np.array([river.matrix_world @ v.co for v in river.data.vertices])
    half = len(co) // 2  # the ribbon's left edge, then its right: its middle line
    middle = (co[:half] + co[half:]) / 2
    return middle[:, :2], float(np.median(middle[:, 2]))


def float_boats(objects, terrain) -> None:
    """The boats asked for on open water: afloat where the view from the stage (the
    origin, looking +y) sees water, 9 m apart or more, side on to the camera."""
    boats = [o for o in objects if "metastudio_afloat" in o]
    found = _water_points(objects, terrain) if boats else None
    if found is None:
        return
    points, level = found
    x, y = points[:, 0], points[:, 1]
    in_view = (y > 12.0) & (np.abs(x) < 0.6 * y)
    order = np.argsort(np.hypot(x, y - 30.0) + 1000.0 * ~in_view)
    chosen: list[np.ndarray] = []
    for index in order:
        point = points[index]
        if all(np.hypot(*(point - c)) > 9.0 for c in chosen):
            chosen.append(point)
        if len(chosen) == len(boats):
            break
    rng = np.random.default_rng(len(points))
    for boat, point in zip(boats, chosen, strict=False):
        # Oblique to the camera: the bow's shape reads, not only a side.
        turn = 90.0 + float(rng.choice([-1.0, 1.0]) * rng.uniform(30.0, 55.0))
        boat.matrix_basis = Matrix.Translation((*point, level)) @ Matrix.Rotation(
            math.radians(turn), 4, "Z")
