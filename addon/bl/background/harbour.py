"""A harbour's own parts in Blender (core.background.settlement): stone quay walls round
the basin, boats afloat at their moorings (a lofted hull, a fishing boat's wheelhouse
and mast, a rowing boat's thwarts) and a lighthouse at the mouth, lit at night."""

from __future__ import annotations

import math

import bmesh
import bpy
import numpy as np
from mathutils import Matrix, Vector

from ...core.background.settlement import (
    BASIN_DEPTH,
    PIER_DROP,
    QUAY_HEIGHT,
    Boat,
    Settlement,
)
from ..nodes import multiply_by_noise, new_material, new_node

# Hull paints (linear RGB): white, harbour blue, red, green, yellow.
HULLS = [(0.75, 0.75, 0.72), (0.05, 0.15, 0.4), (0.5, 0.06, 0.04), (0.05, 0.25, 0.12),
         (0.75, 0.5, 0.05)]
STATIONS = 14  # cross-sections along a hull
SECTION = 7  # points from the keel to the gunwale on each side


def _material(name: str, colour, roughness: float, noise: bool = True):
    material = bpy.data.materials.get(name)
    if material is not None:
        return material
    material, nodes, links, bsdf = new_material(name, roughness)
    if noise:  # weathered paint and stone: never one flat colour
        where = nodes.new("ShaderNodeTexCoord").outputs["Object"]
        links.new(multiply_by_noise(material.node_tree, (*colour, 1.0), where, 2.0, 0.8,
                                    1.1, detail=4.0), bsdf.inputs["Base Color"])
    else:
        bsdf.inputs["Base Color"].default_value = (*colour, 1.0)
    material.diffuse_color = (*colour, 1.0)
    return material


def _hull_material(colour) -> bpy.types.Material:
    """Paint above a dark red boot line at the water, where a hull is always painted."""
    name = f"Boat hull {colour}"
    material = bpy.data.materials.get(name)
    if material is not None:
        return material
    material, nodes, links, bsdf = new_material(name, 0.45)
    height = nodes.new("ShaderNodeSeparateXYZ")
    links.new(nodes.new("ShaderNodeTexCoord").outputs["Object"], height.inputs[0])
    ramp = nodes.new("ShaderNodeValToRGB")
    ramp.color_ramp.interpolation = "CONSTANT"
    low, high = ramp.color_ramp.elements
    low.position, low.color = 0.0, (0.18, 0.03, 0.02, 1.0)
    high.position, high.color = 0.55, (*colour, 1.0)
    # Object z from -0.5 m (under water) to +0.5: the line 5 cm above the water.
    scale = nodes.new("ShaderNodeMapRange")
    scale.inputs["From Min"].default_value, scale.inputs["From Max"].default_value = -0.5, 0.5
    links.new(height.outputs["Z"], scale.inputs["Value"])
    links.new(scale.outputs["Result"], ramp.inputs["Fac"])
    links.new(ramp.outputs["Color"], bsdf.inputs["Base Color"])
    material.diffuse_color = (*colour, 1.0)
    return material


def _hull(bm, length: float, beam: float, freeboard: float, draft: float) -> tuple:
    """A hull along +y (bow at +y), the water at z = 0: cross-sections from a square-ish
    transom to a sharp bow, the sheer rising towards the bow. Returns (hull faces, the
    deck's face)."""
    rings = []
    for i in range(STATIONS):
        t = i / (STATIONS - 1)  # 0: transom, 1: stem
        half = 0.5 * beam * (1.0 - t ** 2.2) ** 0.8 * (0.82 + 0.18 * math.sin(math.pi * min(
            t * 1.6, 1.0)))
        top = freeboard * (1.0 + 0.35 * t ** 2)
        keel = -draft * (1.0 - 0.7 * t ** 3) if t < 1.0 else top * 0.2
        y = (t - 0.5) * length
        ring = []
        for k in range(-SECTION, SECTION + 1):
            a = abs(k) / SECTION * math.pi / 2  # 0 at the keel, 90 degrees at the gunwale
            x = math.copysign(half * math.sin(a) ** 0.6, k)
            z = keel + (top - keel) * (1.0 - math.cos(a))
            ring.append(bm.verts.new((x, y, z)))
        rings.append(ring)
    faces = []
    for a, b in zip(rings, rings[1:], strict=False):
        for k in range(2 * SECTION):
            faces.append(bm.faces.new((a[k], a[k + 1], b[k + 1], b[k])))
    faces.append(bm.faces.new(list(reversed(rings[0]))))  # the transom
    deck = bm.faces.new([ring[-1] for ring in rings] + [ring[0] for ring in rings[::-1]])
    return faces, deck


def boat_mesh(boat: Boat) -> bpy.types.Mesh:
    """One boat's model, bow along +y, the water at z = 0."""
    bm = bmesh.new()
    fishing = boat.kind == "fishing"
    length, beam = boat.length, boat.beam
    freeboard = 0.5 + 0.06 * length if fishing else 0.45
    hull, deck = _hull(bm, length, beam, freeboard, 0.45 + 0.05 * length)
    for face in hull:
        face.material_index = 0
    deck.material_index = 1
    if fishing:  # a rail along the gunwale would be finer; the wheelhouse and mast read
        cabin = [((0.0, -0.12 * length, freeboard + 0.8), (beam * 0.55, length * 0.2, 1.6), 2),
                 ((0.0, -0.12 * length, freeboard + 1.25), (beam * 0.56, length * 0.205, 0.4),
                  3),  # its windows
                 ((0.0, -0.12 * length, freeboard + 1.64), (beam * 0.64, length * 0.25, 0.08),
                  2)]  # its roof, overhanging
        for centre, size, index in cabin:
            box = bmesh.ops.create_cube(bm, size=1.0, matrix=Matrix.Translation(centre)
                                        @ Matrix.Diagonal((*size, 1.0)))["verts"]
            for face in {f for v in box for f in v.link_faces}:
                face.material_index = index
        for y, tall in ((0.18 * length, 3.2 + 0.25 * length), (-0.4 * length, 2.2)):
            mast = bmesh.ops.create_cone(bm, cap_ends=True, segments=8, radius1=0.07,
                                         radius2=0.05, depth=tall, matrix=Matrix.Translation(
                                             (0.0, y, freeboard + tall / 2)))["verts"]
            for face in {f for v in mast for f in v.link_faces}:
                face.material_index = 4
    else:  # open: a floor boards' depth below the gunwale, thwarts across it
        inner = bmesh.ops.inset_region(bm, faces=[deck], thickness=0.05, depth=0.0)
        for face in inner["faces"]:
            face.material_index = 0
        bmesh.ops.translate(bm, vec=(0.0, 0.0, -freeboard * 0.75), verts=deck.verts)
        deck.material_index = 1
        for y in (-0.25 * length, 0.1 * length):
            seat = bmesh.ops.create_cube(bm, size=1.0, matrix=Matrix.Translation(
                (0.0, y, freeboard - 0.12)) @ Matrix.Diagonal((beam * 0.85, 0.22, 0.04, 1.0)))
            for face in {f for v in seat["verts"] for f in v.link_faces}:
                face.material_index = 1
    mesh = bpy.data.meshes.new(f"Boat {boat.kind}")
    bm.normal_update()
    bm.to_mesh(mesh)
    bm.free()
    for polygon in mesh.polygons:
        polygon.use_smooth = polygon.material_index == 0
    mesh.materials.append(_hull_material(HULLS[boat.colour % len(HULLS)]))
    mesh.materials.append(_material("Boat deck", (0.32, 0.22, 0.13), 0.7))
    mesh.materials.append(_material("Boat wheelhouse", (0.8, 0.8, 0.77), 0.5))
    mesh.materials.append(_material("Boat windows", (0.02, 0.03, 0.04), 0.1, noise=False))
    mesh.materials.append(_material("Boat mast", (0.3, 0.25, 0.2), 0.6))
    return mesh


def _walls(place: Settlement, level: float, wall: float, collection) -> bpy.types.Object:
    """The stone quay walls round the basin: from the basin's floor to the quays, `wall`
    thick (the terrain's drop is inside them)."""
    bx0, by0, bx1, by1 = place.basin
    bottom = level - QUAY_HEIGHT - BASIN_DEPTH - 0.5
    tall = level + 0.05 - bottom
    bm = bmesh.new()
    for x0, y0, x1, y1 in ((bx0 - wall, by0 - wall, bx0, by1), (bx1, by0 - wall, bx1 + wall, by1),
                           (bx0 - wall, by0 - wall, bx1 + wall, by0)):
        bmesh.ops.create_cube(bm, size=1.0, matrix=Matrix.Translation(
            ((x0 + x1) / 2, (y0 + y1) / 2, bottom + tall / 2)) @ Matrix.Diagonal(
            (x1 - x0, y1 - y0, tall, 1.0)))
    mesh = bpy.data.meshes.new("Quay walls")
    bm.to_mesh(mesh)
    bm.free()
    mesh.materials.append(_material("Quay stone", (0.32, 0.3, 0.27), 0.8))
    obj = bpy.data.objects.new("Quay walls", mesh)
    collection.objects.link(obj)
    return obj


def _piers(place: Settlement, level: float, collection) -> bpy.types.Object:
    """Wooden piers: a plank deck a little below the quay on piles from the basin's
    floor, a post at each corner."""
    bm = bmesh.new()
    top = level - PIER_DROP
    floor = level - QUAY_HEIGHT - BASIN_DEPTH
    for x0, y0, x1, y1 in place.piers:
        bmesh.ops.create_cube(bm, size=1.0, matrix=Matrix.Translation(
            ((x0 + x1) / 2, (y0 + y1) / 2, top - 0.08)) @ Matrix.Diagonal(
            (x1 - x0, y1 - y0, 0.16, 1.0)))
        for x in np.arange(x0 + 0.3, x1, 2.2):
            for y in (y0 + 0.15, y1 - 0.15):
                tall = top + (0.9 if x < x0 + 0.5 else 0.0) - floor
                bmesh.ops.create_cone(bm, cap_ends=True, segments=10, radius1=0.13,
                                      radius2=0.13, depth=tall, matrix=Matrix.Translation(
                                          (float(x), y, floor + tall / 2)))
    mesh = bpy.data.meshes.new("Piers")
    bm.to_mesh(mesh)
    bm.free()
    mesh.materials.append(_planks())
    obj = bpy.data.objects.new("Piers", mesh)
    collection.objects.link(obj)
    return obj


def _planks() -> bpy.types.Material:
    """Weathered boards: grey-brown planks 20 cm wide across the deck."""
    material = bpy.data.materials.get("Pier planks")
    if material is not None:
        return material
    material, nodes, links, bsdf = new_material("Pier planks", 0.8)
    boards = new_node(nodes, "ShaderNodeTexBrick", Scale=1.0, Brick_Width=3.0,
                      Row_Height=0.2, Mortar_Size=0.01, Color1=(0.25, 0.2, 0.15, 1.0),
                      Color2=(0.2, 0.17, 0.13, 1.0), Mortar=(0.04, 0.035, 0.03, 1.0))
    links.new(nodes.new("ShaderNodeTexCoord").outputs["Object"], boards.inputs["Vector"])
    links.new(boards.outputs["Color"], bsdf.inputs["Base Color"])
    material.diffuse_color = (0.23, 0.19, 0.14, 1.0)
    return material


def lighthouse(x: float, y: float, level: float, night: bool, collection) -> list:
    """A white tower banded red, its lantern room glowing (bright at night)."""
    bm = bmesh.new()
    tall = 11.0
    bands = 4
    for k in range(bands):  # the tower in bands, each a slice of the taper
        r0 = 1.6 - 0.6 * k / bands
        r1 = 1.6 - 0.6 * (k + 1) / bands
        z = k * tall / bands
        verts = bmesh.ops.create_cone(bm, cap_ends=True, segments=24, radius1=r0,
                                      radius2=r1, depth=tall / bands, matrix=Matrix.Translation(
                                          (0, 0, z + tall / bands / 2)))["verts"]
        for face in {f for v in verts for f in v.link_faces}:
            face.material_index = k % 2
            face.smooth = True
    for index, (radius, z0, height) in enumerate(((1.3, tall, 0.2), (0.8, tall + 0.2, 1.4),
                                                  (0.95, tall + 1.6, 0.7))):
        cone = bmesh.ops.create_cone(bm, cap_ends=True, segments=16, radius1=radius,
                                     radius2=radius if index < 2 else 0.1, depth=height,
                                     matrix=Matrix.Translation((0, 0, z0 + height / 2)))
        for face in {f for v in cone["verts"] for f in v.link_faces}:
            face.material_index = 2 if index == 1 else 1
    mesh = bpy.data.meshes.new("Lighthouse")
    bm.to_mesh(mesh)
    bm.free()
    mesh.materials.append(_material("Lighthouse white", (0.8, 0.8, 0.78), 0.6))
    mesh.materials.append(_material("Lighthouse red", (0.45, 0.04, 0.03), 0.6))
    lantern = _material("Lighthouse lantern" + (" lit" if night else ""), (0.9, 0.85, 0.6),
                        0.1, noise=False)
    bsdf = lantern.node_tree.nodes["Principled BSDF"]
    bsdf.inputs["Emission Color"].default_value = (1.0, 0.85, 0.55, 1.0)
    bsdf.inputs["Emission Strength"].default_value = 40.0 if night else 1.0
    mesh.materials.append(lantern)
    tower = bpy.data.objects.new("Lighthouse", mesh)
    tower.location = (x, y, level)
    collection.objects.link(tower)
    made = [("lighthouse", tower)]
    if night:
        data = bpy.data.lights.new("Lighthouse light", "POINT")
        data.energy, data.color, data.shadow_soft_size = 3000.0, (1.0, 0.85, 0.55), 0.5
        light = bpy.data.objects.new("Lighthouse light", data)
        light.location = (x, y, level + tall + 0.9)
        collection.objects.link(light)
        made.append(("lighthouse light", light))
    return made


def add_harbour(place: Settlement, level: float, wall: float, night: bool, seed: int,
                collection) -> list[tuple[str, bpy.types.Object]]:
    """The quay walls, the boats (afloat at `level` - QUAY_HEIGHT, turned a little on
    their moorings) and the lighthouse: (role, object) pairs."""
    made = [("quay walls", _walls(place, level, wall, collection))]
    if place.piers:
        made.append(("piers", _piers(place, level, collection)))
    water = level - QUAY_HEIGHT
    rng = np.random.default_rng(seed + 97)
    meshes: dict[tuple, bpy.types.Mesh] = {}
    for boat in place.boats:
        key = (boat.kind, round(boat.length, 1), boat.colour)
        if key not in meshes:
            meshes[key] = boat_mesh(boat)
        obj = bpy.data.objects.new(f"Boat {boat.kind}", meshes[key])
        obj.location = Vector((boat.x, boat.y, water))
        obj.rotation_euler = (0.0, math.radians(float(rng.uniform(-1.5, 1.5))),
                              math.radians(boat.turn + float(rng.uniform(-3.0, 3.0))))
        collection.objects.link(obj)
        made.append(("boat", obj))
    if place.lighthouse is not None:
        made += lighthouse(*place.lighthouse, level, night, collection)
    return made
