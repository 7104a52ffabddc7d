"""Put a scene's stage where the built world looks best (core.background.stage chooses
it): the background is moved and turned so that the chosen spot is the origin and its
view looks along +y. Everything else in a scene (the cast on the x axis facing -y, the
cameras in front of them) then stays as it is, and sees the lake, the trees and the sky.
"""

from __future__ import annotations

import json
import math
from dataclasses import replace

import numpy as np
from mathutils import Matrix

from ...core.background.scatter import TALL
from ...core.background.stage import SPREAD_DEGREES, Stage, choose_stage
from ...core.background.terrain import HeightField
from .points import TAG, delete_points, terrain_points
from .props import set_down_props
from .ranges import OPEN_VIEW

LEVEL_INNER, LEVEL_OUTER = 6.0, 16.0  # metres from the stage
NEAR_CLEAR = 25.0  # metres from the camera inside which no tree stands in the view

def _height_field(terrain) -> HeightField:
    co = terrain_points(terrain)
    n = int(round(math.sqrt(len(co))))
    extent = float(co[:, 0].max() - co[:, 0].min())
    return HeightField(co[:, 2].reshape(n, n).astype(float), extent)


def _water_mask(scene, field: HeightField) -> tuple[np.ndarray, np.ndarray] | None:
    """Grid points under water, and the water's surface height at each point."""
    n = field.heights.shape[0]
    water = next((o for o in scene.objects if o.get(TAG) == "water"), None)
    if water is not None:
        level = float((water.matrix_world @ water.data.vertices[0].co).z)
        return field.heights < level, np.full(field.heights.shape, level)
    river = next((o for o in scene.objects if o.get(TAG) == "river"), None)
    if river is None:
        return None
    co = np.array([v.co[:] for v in river.data.vertices])
    half = len(co) // 2  # the ribbon's left edge, then its right
    centre = (co[:half, :2] + co[half:, :2]) / 2
    width = float(np.median(np.linalg.norm(co[:half, :2] - co[half:, :2], axis=1)))
    axis = np.linspace(-field.extent / 2, field.extent / 2, n)
    gx, gy = np.meshgrid(axis, axis)
    nearest = np.full(gx.shape, np.inf)
    surface = np.zeros(gx.shape)
    levels = (co[:half, 2] + co[half:, 2]) / 2
    step = max(1, len(centre) // 200)
    for (x, y), z in zip(centre[::step], levels[::step], strict=True):
        distance = np.hypot(gx - x, gy - y)
        closer = distance < nearest
        nearest = np.where(closer, distance, nearest)
        surface = np.where(closer, z, surface)
    return nearest < 0.5 * width, surface


def _tree_points(scene) -> np.ndarray:
    found = [terrain_points(obj)[:, :2] for obj in scene.objects
             if obj.get(TAG) in TALL and obj.type == "MESH"]
    return np.vstack(found) if found else np.zeros((0, 2))


def stage_world(scene, seed: int = 0) -> Stage | None:
    """Choose the best spot and view on the scene's built background and move the world
    so that spot is the origin looking along +y (None, and nothing moved, without one)."""
    terrain = next((o for o in scene.objects if o.get(TAG) == "terrain"), None)
    if terrain is None:
        return None
    if "metastudio_settlement" in terrain:
        # A village's or a town's square is its stage, looking up its street.
        level = json.loads(terrain["metastudio_settlement"])["level"]
        stage = Stage(0.0, 0.0, float(level), 0.0, 0.0, {"settlement": True})
        _move(scene, terrain, stage, None)
        return stage
    field = _height_field(terrain)
    sun = next((o for o in scene.objects if o.get(TAG) == "sun"), None)
    azimuth = None
    if sun is not None and sun.data.energy > 1.0:  # by day: the moon lights no faces
        azimuth = (180.0 - math.degrees(sun.rotation_euler.z)) % 360.0
    water = _water_mask(scene, field)
    stage = choose_stage(field, water[0] if water else None, _tree_points(scene), azimuth,
                         seed, water[1] if water else None)
    ranges = next((o for o in scene.objects if o.get(TAG) == "ranges"), None)
    if ranges is not None and ranges.get(OPEN_VIEW):
        # Where the far peaks are the view, the trees in front of them go too.
        stage = replace(stage, clear_to=max(stage.clear_to, float(ranges[OPEN_VIEW])))
    wet = None
    if water is not None:  # the grid points under water and their banks: kept as they are
        wet = water[0].copy()
        for axis in (0, 1):
            for shift in (-1, 1):
                wet |= np.roll(water[0], shift, axis=axis)
    _move(scene, terrain, stage, wet)
    set_down_props(scene.objects, terrain)
    return stage


def _move(scene, terrain, stage: Stage, wet: np.ndarray | None) -> None:
    """Move and turn the background so that `stage` is the origin looking along +y. Mesh
    data is moved (not only objects), so heights read from the terrain's vertices, the
    instancing point clouds and the clearing of the stage all work in scene space; the
    models the point clouds instance stay as they are. Then level the stage, leaving the
    grid points marked `wet` as they are."""
    turn = Matrix.Rotation(-stage.heading, 4, "Z")
    move = turn @ Matrix.Translation((-stage.x, -stage.y, -stage.z))
    for obj in scene.objects:
        role = obj.get(TAG)
        if not role or role.endswith(" model"):
            continue
        if obj.type == "LIGHT" and obj.data.type == "SUN":
            obj.matrix_world = turn @ obj.matrix_world  # a direction: only turned
        elif (role == "fog" or obj.type != "MESH"
              or obj.matrix_basis != Matrix.Identity(4)):
            # Moved as an object: what is placed by its own transform (a street lamp, one
            # mesh shared by all of them; a lamp's light), and the fog box (Cycles decides
            # what is inside a volume by its faces' normals, and after moving its mesh
            # data in the same session it rendered as if the camera were outside).
            # matrix_basis: matrix_world is not updated until the scene is evaluated.
            obj.matrix_basis = move @ obj.matrix_basis
        else:
            obj.data.transform(move)
            obj.data.update()
    trees = [scene.world.node_tree] if scene.world and scene.world.node_tree else []
    for obj in scene.objects:
        # The mist's glow and the far ranges' haze are the sky's colour: their suns turn
        if obj.get(TAG) in ("fog", "ranges"):
            trees += [m.node_tree for m in obj.data.materials if m and m.node_tree]
    for tree in trees:
        for node in tree.nodes:
            if node.bl_idname == "ShaderNodeTexSky" and hasattr(node, "sun_rotation"):
                node.sun_rotation += stage.heading
    # A new object of this build: no scene property is changed.
    _level(terrain, keep=None if wet is None else wet.ravel())
    terrain["metastudio_stage"] = [stage.x, stage.y, stage.z, stage.heading, stage.clear_to]


def _level(terrain, inner: float = LEVEL_INNER, outer: float = LEVEL_OUTER,
           keep: np.ndarray | None = None) -> None:
    """Level the ground where the cast and the cameras stand (the stage's height, 0 after
    the move, within `inner` metres), easing back into the land by `outer`, as a set is
    levelled: the spot was chosen among the levelest, this takes out what is left. Points
    marked in `keep` (water and its banks) stay: levelling would bury a river."""
    co = terrain_points(terrain).astype(np.float64)
    r = np.hypot(co[:, 0], co[:, 1])
    t = np.clip((r - inner) / (outer - inner), 0.0, 1.0)
    weight = t * t * (3 - 2 * t)
    if keep is not None:
        weight[keep] = 1.0
    co[:, 2] *= weight
    terrain.data.vertices.foreach_set("co", co.astype(np.float32).ravel())
    terrain.data.update()


def _attribute(data, name: str) -> np.ndarray:
    values = np.zeros(len(data.vertices), np.float32)
    data.attributes[name].data.foreach_get("value", values)
    return values


def clear_view(scene, across: tuple[float, float], along: tuple[float, float],
               view_to: float = 0.0, camera_back: float = 4.0) -> None:
    """Take the background's plants and rocks out of a box on the staged land (x within
    `across`, y within `along`: where people stand and the cameras look from), and the
    tall plants in the view's wedge out to `view_to` metres ahead (the water the stage
    was chosen for), as a scout picks the gap in the trees; the wedge opens from a
    camera `camera_back` metres behind the origin."""
    left, right = across
    near, far = along
    # The wide shot's half-angle, with some room: the trees at its edges frame the view.
    spread = math.tan(math.radians(SPREAD_DEGREES) * 0.8)
    for obj in scene.objects:
        role = obj.get(TAG)
        data = obj.data if obj.type == "MESH" else None
        if (not role or data is None or "size" not in data.attributes
                or role in ("rain", "snow")):
            continue
        co = terrain_points(obj)
        x, y = co[:, 0], co[:, 1]
        doomed = (left < x) & (x < right) & (near < y) & (y < far)
        if role in TALL:
            # The middle of the view out to the water, and the whole view near the
            # camera (a tree there is a wall of leaves); the trees at the sides of the
            # view frame it.
            doomed |= (0 < y) & (y < view_to + 2.0) & (
                np.abs(x) < 3.0 + 0.5 * spread * (y + camera_back))
            # (a crown reaches some 5 m from its trunk at size 1: a tree beside the
            # wedge would hang its branches across the lens)
            crown = 5.0 * _attribute(data, "size")
            doomed |= (y > near) & (y < NEAR_CLEAR - camera_back) & (
                np.abs(x) < 4.0 + crown + spread * 1.3 * (y + camera_back))
        delete_points(data, doomed)
