"""Grass and flowers near the camera: clumps of blades (and a few of flowers) instanced on
points around the stage, thick near it and thinning out, so the ground in front of the
cast and behind them is a meadow, not a painted plane. Only where grass grows (not on
sand, rock, snow or streets), only on land above the water, and only near the stage:
farther off the ground's own material reads as grass at that size."""

from __future__ import annotations

import json

import bpy
import numpy as np
from mathutils.bvhtree import BVHTree

from ..nodes import ensure_node_tree, let_light_through, new_material
from .build import TAG, painted_ground
from .scatter import instanced

GRASSY = {"grassland", "forest", "mountains", "wetland"}
# Clumps by detail, over the area around the stage (about 60 m by 55 m).
CLUMPS = {"low": 4000, "medium": 9000, "high": 16000}
FLOWER_SHARE = {"grassland": 0.06, "forest": 0.02, "mountains": 0.05, "wetland": 0.03}
AREA = ((-30.0, 30.0), (-14.0, 42.0))  # x, y in metres around the staged origin
BANK = ((0.0, 0.0), (2.5, 0.0), (-2.5, 0.0), (0.0, 2.5), (0.0, -2.5))  # no grass this near


def _blades(rng: np.random.Generator, count: int, tall: tuple[float, float],
            spread: float) -> tuple[np.ndarray, np.ndarray]:
    """Vertices and triangles of `count` blades: each two triangles bent outwards, wide
    at the root and pointed at the tip."""
    vertices, faces = [], []
    for _ in range(count):
        angle = rng.uniform(0, 2 * np.pi)
        root = rng.normal(0, spread, 2)
        height = rng.uniform(*tall)
        lean = rng.uniform(0.1, 0.45) * height
        out = np.array([np.cos(angle), np.sin(angle)])
        side = np.array([-out[1], out[0]]) * rng.uniform(0.006, 0.011)
        mid = root + out * lean * 0.35
        tip = root + out * lean
        start = len(vertices)
        vertices += [(*(root - side), 0.0), (*(root + side), 0.0),
                     (*(mid - side * 0.7), 0.55 * height), (*(mid + side * 0.7), 0.55 * height),
                     (*tip, height)]
        faces += [(start, start + 1, start + 3, start + 2), (start + 2, start + 3, start + 4)]
    return np.array(vertices, np.float32), faces


def _clump(name: str, seed: int, green, flowers: bool) -> bpy.types.Mesh:
    rng = np.random.default_rng(seed)
    vertices, faces = _blades(rng, 22, (0.18, 0.5), 0.07)
    mesh = bpy.data.meshes.new(name)
    mesh.from_pydata(vertices.tolist(), [], faces)
    mesh.materials.append(_grass_material(green))
    if flowers:
        # Heads: small flat stars on stalks, in one colour per clump model.
        heads, head_faces = [], []
        colour = [(0.9, 0.85, 0.2), (0.92, 0.92, 0.95), (0.5, 0.3, 0.75)][seed % 3]
        for _ in range(7):
            at = np.array([*rng.normal(0, 0.08, 2), rng.uniform(0.3, 0.55)])
            start = len(vertices) + len(heads)
            for k in range(5):
                a = 2 * np.pi * k / 5
                heads.append(tuple(at + 0.03 * np.array([np.cos(a), np.sin(a), 0.0])))
            head_faces.append(tuple(range(start, start + 5)))
        flower_mesh = bpy.data.meshes.new("flower heads")
        flower_mesh.from_pydata(np.vstack([vertices, heads]).tolist(), [],
                                faces + head_faces)
        flower_mesh.materials.append(mesh.materials[0])
        petals = bpy.data.materials.new(f"{name} petals")
        ensure_node_tree(petals)
        petals.node_tree.nodes["Principled BSDF"].inputs["Base Color"].default_value = (
            *colour, 1.0)
        flower_mesh.materials.append(petals)
        index = np.zeros(len(flower_mesh.polygons), np.int32)
        index[len(faces):] = 1
        flower_mesh.polygons.foreach_set("material_index", index)
        bpy.data.meshes.remove(mesh)
        mesh = flower_mesh
        mesh.name = name
    return mesh


def _grass_material(green) -> bpy.types.Material:
    """Blades darker at the root, lighter and yellower at the tip, a little different
    from clump to clump, and letting light through."""
    name = "Background grass"
    material = bpy.data.materials.get(name)
    if material is not None:
        return material
    material, nodes, links, bsdf = new_material(name, 0.6)
    height = nodes.new("ShaderNodeSeparateXYZ")
    links.new(nodes.new("ShaderNodeTexCoord").outputs["Object"], height.inputs[0])
    ramp = nodes.new("ShaderNodeValToRGB")
    ramp.color_ramp.elements[0].position, ramp.color_ramp.elements[1].position = 0.0, 0.5
    ramp.color_ramp.elements[0].color = (*(0.45 * c for c in green), 1.0)
    tip = (1.25 * green[0] + 0.03, 1.15 * green[1] + 0.02, 0.8 * green[2])
    ramp.color_ramp.elements[1].color = (*tip, 1.0)
    links.new(height.outputs["Z"], ramp.inputs["Fac"])
    vary = nodes.new("ShaderNodeHueSaturation")
    info = nodes.new("ShaderNodeObjectInfo")
    hue = nodes.new("ShaderNodeMapRange")
    hue.inputs["To Min"].default_value, hue.inputs["To Max"].default_value = 0.46, 0.53
    links.new(info.outputs["Random"], hue.inputs["Value"])
    links.new(hue.outputs["Result"], vary.inputs["Hue"])
    links.new(ramp.outputs["Color"], vary.inputs["Color"])
    links.new(vary.outputs["Color"], bsdf.inputs["Base Color"])
    let_light_through(material.node_tree, bsdf, vary.outputs["Color"], 0.25)
    return material


def _points(rng: np.random.Generator, count: int) -> np.ndarray:
    """x, y around the stage, denser near it (half the clumps within about 15 m)."""
    (x0, x1), (y0, y1) = AREA
    centre = np.array([0.0, 4.0])
    radius = np.abs(rng.normal(0, 1, count)) * 14.0 + rng.uniform(0, 1, count) * 10.0
    angle = rng.uniform(0, 2 * np.pi, count)
    xy = centre + np.column_stack([np.cos(angle), np.sin(angle)]) * radius[:, None]
    keep = (xy[:, 0] > x0) & (xy[:, 0] < x1) & (xy[:, 1] > y0) & (xy[:, 1] < y1)
    return xy[keep]


def plant_grass(scene, keep_clear: tuple[tuple[float, float], tuple[float, float]] | None
                = None) -> list[bpy.types.Object]:
    """Grass (and flowers) around the staged origin of the scene's background, on the
    terrain and above its water; nothing where the land grows none. `keep_clear`: an
    x range and a y range left bare (a path for the camera)."""
    terrain = next((o for o in scene.objects if o.get(TAG) == "terrain"), None)
    if terrain is None:
        return []
    values = json.loads(terrain["metastudio_resolved"])["values"]
    if values["biome"] not in GRASSY or values.get("snow_cover") or values.get(
            "settlement", "none") != "none":  # a square and a street: paved
        return []
    collection = terrain.users_collection[0]
    rng = np.random.default_rng(values["seed"] + 29)
    xy = _points(rng, CLUMPS[values["detail"]])
    if keep_clear is not None:
        (a, b), (c, d) = keep_clear
        xy = xy[~((xy[:, 0] > a) & (xy[:, 0] < b) & (xy[:, 1] > c) & (xy[:, 1] < d))]
    tree = BVHTree.FromObject(terrain, bpy.context.evaluated_depsgraph_get())
    water = next((o for o in scene.objects if o.get(TAG) in ("water", "river")), None)
    wet = BVHTree.FromObject(water, bpy.context.evaluated_depsgraph_get()) if water else None
    colours = painted_ground(terrain)[:, :3]
    # Grass grows where the ground is painted green: not on snow, rock or sand; a face of
    # the terrain (all quads) where all four corners are.
    greenish = (colours[:, 1] > colours[:, 0] * 1.1) & (colours[:, 1] > colours[:, 2] * 1.3)
    corners = np.empty(len(terrain.data.loops), np.int32)
    terrain.data.loops.foreach_get("vertex_index", corners)
    green_face = greenish[corners.reshape(-1, 4)].all(axis=1)
    points = []
    for x, y in xy:
        hit, _, face, _ = tree.ray_cast((x, y, 5000.0), (0.0, 0.0, -1.0))
        if hit is None or not green_face[face]:
            continue
        if wet is not None and any(
                wet.ray_cast((x + dx, y + dy, 5000.0), (0.0, 0.0, -1.0))[0] is not None
                for dx, dy in BANK):
            continue  # in the water or on its bank: the water stays in sight
        points.append((x, y, hit.z - 0.02))
    if not points:
        return []
    points = np.array(points)
    flowers = rng.random(len(points)) < FLOWER_SHARE[values["biome"]]
    green = tuple(float(c) for c in np.median(colours[greenish], axis=0))
    sizes = rng.uniform(0.7, 1.3, len(points))
    turns = rng.uniform(0, 2 * np.pi, len(points))
    made = []
    for role, mask, seed in (("grass", ~flowers, 1), ("flowers", flowers, 2)):
        if not mask.any():
            continue
        model = _clump(f"Background {role}", values["seed"] + seed, green, role == "flowers")
        for name, obj in instanced(role, model, points[mask],
                                   {"size": sizes[mask], "turn": turns[mask]}, collection):
            obj[TAG] = name
            made.append(obj)
    return made
