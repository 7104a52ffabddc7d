"""A village, a town or a harbour (core.background.settlement) on the levelled land:
houses of plastered or brick walls under tiled or slate roofs, with a door and windows on
their street side and at the back (lit from inside after dark), the square and the street
paved, street lamps (lighting the street at night), benches, market stalls and a
village's garden fences; a harbour's quays, boats and lighthouse (background/harbour)."""

from __future__ import annotations

import math

import bmesh
import bpy
import numpy as np
from mathutils import Matrix, Vector

from ...core.background.settlement import STOREY, House, Settlement
from ..nodes import multiply_by_noise, new_material, new_node
from .harbour import add_harbour
from .room import furniture_mesh

WALLS = [(0.75, 0.72, 0.65), (0.72, 0.6, 0.42), (0.55, 0.3, 0.2), (0.62, 0.66, 0.7),
         (0.5, 0.48, 0.45), (0.7, 0.55, 0.5)]  # whitewash, ochre, brick, pale blue...
ROOFS = [(0.35, 0.12, 0.07), (0.12, 0.12, 0.14), (0.25, 0.16, 0.1)]  # tile, slate, brown
SINK = 0.3  # metres below the level: no house floats on a rounding error


def _box(bm, centre, size, matrix: Matrix) -> list:
    """A box (`centre` of its bottom, `size`) placed by `matrix`: its faces."""
    x, y, z = centre
    w, d, h = size
    local = Matrix.Translation((x, y, z + h / 2)) @ Matrix.Diagonal((w, d, h, 1.0))
    verts = bmesh.ops.create_cube(bm, size=1.0, matrix=matrix @ local)["verts"]
    return list({face for vert in verts for face in vert.link_faces})


def _roof(bm, house: House, top: float, matrix: Matrix) -> list:
    """A pitched roof over the house: its ridge along the front, eaves overhanging."""
    w, d = house.width / 2 + 0.35, house.depth / 2 + 0.35
    rise = 0.45 * house.depth if house.roof != 1 else 0.3 * house.depth
    corners = [(-w, -d, top), (w, -d, top), (w, d, top), (-w, d, top),
               (-w, 0.0, top + rise), (w, 0.0, top + rise)]
    verts = [bm.verts.new(matrix @ Vector(c)) for c in corners]
    faces = [bm.faces.new((verts[0], verts[1], verts[5], verts[4])),
             bm.faces.new((verts[2], verts[3], verts[4], verts[5])),
             bm.faces.new((verts[1], verts[2], verts[5])),
             bm.faces.new((verts[3], verts[0], verts[4])),
             bm.faces.new((verts[0], verts[3], verts[2], verts[1]))]
    return faces


def _house(bm, house: House, level: float, slots: dict, rng) -> None:
    """One house into `bm`: walls on a darker plinth, a roof with a chimney, a door under
    a stone lintel, windows with sills; faces get their material slot, windows a "lit"
    value (which are lit at night, and how brightly)."""
    matrix = Matrix.Translation((house.x, house.y, level)) @ Matrix.Rotation(
        math.radians(house.turn), 4, "Z")
    height = house.storeys * STOREY
    lit = bm.faces.layers.float.get("lit") or bm.faces.layers.float.new("lit")

    def add(centre, size, slot, glow: float | None = None) -> None:
        for face in _box(bm, centre, size, matrix):
            face.material_index = slots[slot]
            if glow is not None:
                face[lit] = glow

    add((0, 0, -SINK), (house.width, house.depth, height + SINK), ("wall", house.colour))
    add((0, 0, -SINK), (house.width + 0.08, house.depth + 0.08, SINK + 0.55), "stone")
    for face in _roof(bm, house, height, matrix):
        face.material_index = slots[("roof", house.roof)]
    # A chimney through the roof's slope, off the ridge.
    side = 1 if house.colour % 2 else -1
    add((side * house.width * float(rng.uniform(0.15, 0.35)), house.depth * 0.18,
         height), (0.6, 0.6, 0.45 * house.depth + 0.9), "stone")
    front = -house.depth / 2
    door_x = (house.width / 2 - 1.2) * (1 if house.colour % 2 else -1)
    add((door_x, front - 0.04, 0.0), (1.0, 0.1, 2.1), "door")
    add((door_x, front - 0.06, 2.1), (1.3, 0.14, 0.2), "stone")
    bays = max(1, int(house.width // 2.4))
    for storey in range(house.storeys):
        for bay in range(bays):
            x = -house.width / 2 + house.width * (bay + 0.5) / bays
            if storey == 0 and abs(x - door_x) < 1.2:
                continue
            z = storey * STOREY + 0.9
            for y, out in ((front, -1.0), (-front, 1.0)):  # the street side and the back
                add((x, y + out * 0.03, z), (0.9, 0.08, 1.3), "window",
                    float(rng.random()))
                add((x, y + out * 0.08, z - 0.08), (1.1, 0.16, 0.08), "stone")  # the sill


def _materials(night: bool, glow: float, snowy: bool = False) -> tuple[dict, list]:
    """Material slots: walls and roofs by colour (roofs under snow when `snowy`), doors,
    windows (lit at night)."""
    slots, materials = {}, []

    def add(key, name, colour, roughness, noise: bool = True):
        material = bpy.data.materials.get(name)
        if material is None:
            material, _, _, bsdf = new_material(name, roughness)
            tree = material.node_tree
            if noise:  # weathered: never one flat colour
                where = tree.nodes.new("ShaderNodeTexCoord").outputs["Object"]
                tree.links.new(multiply_by_noise(tree, (*colour, 1.0), where, 1.5, 0.85,
                                                 1.08, detail=5.0),
                               bsdf.inputs["Base Color"])
            else:
                bsdf.inputs["Base Color"].default_value = (*colour, 1.0)
            material.diffuse_color = (*colour, 1.0)
        slots[key] = len(materials)
        materials.append(material)
        return material

    for k, colour in enumerate(WALLS):
        add(("wall", k), f"House wall {k}", colour, 0.85)
    for k, colour in enumerate(ROOFS):
        if snowy:
            add(("roof", k), "House roof snowy", (0.78, 0.8, 0.84), 0.6)
        else:
            add(("roof", k), f"House roof {k}", colour, 0.7)
    add("door", "House door", (0.12, 0.06, 0.03), 0.6, noise=False)
    add("stone", "House stone", (0.42, 0.4, 0.36), 0.8)
    window = add("window", "House window" + (" lit" if night else ""), (0.03, 0.04, 0.05),
                 0.1, noise=False)
    if night:
        # Not every room is lit at night, nor as brightly, nor the same warm colour: the
        # window's "lit" value (0-1) picks which and how (a third stay dark).
        nodes, links = window.node_tree.nodes, window.node_tree.links
        bsdf = nodes["Principled BSDF"]
        bsdf.inputs["Emission Color"].default_value = (1.0, 0.75, 0.45, 1.0)
        value = nodes.new("ShaderNodeAttribute")
        value.attribute_name = "lit"
        strength = new_node(nodes, "ShaderNodeMapRange", From_Min=0.33, From_Max=1.0,
                            To_Min=0.2 * glow, To_Max=0.75 * glow)
        strength.clamp = False
        dark = nodes.new("ShaderNodeMath")
        dark.operation = "GREATER_THAN"
        dark.inputs[1].default_value = 0.33
        links.new(value.outputs["Fac"], strength.inputs["Value"])
        links.new(value.outputs["Fac"], dark.inputs[0])
        times = nodes.new("ShaderNodeMath")
        times.operation = "MULTIPLY"
        links.new(strength.outputs["Result"], times.inputs[0])
        links.new(dark.outputs["Value"], times.inputs[1])
        links.new(times.outputs["Value"], bsdf.inputs["Emission Strength"])
        tint = nodes.new("ShaderNodeValToRGB")  # warm tungsten to a cooler white
        tint.color_ramp.elements[0].color = (1.0, 0.62, 0.3, 1.0)
        tint.color_ramp.elements[1].color = (1.0, 0.88, 0.7, 1.0)
        links.new(value.outputs["Fac"], tint.inputs["Fac"])
        links.new(tint.outputs["Color"], bsdf.inputs["Emission Color"])
    return slots, materials


def _paving(place: Settlement, level: float, collection, wet: bool = False,
            snowy: bool = False) -> bpy.types.Object:
    bm = bmesh.new()
    for x0, y0, x1, y1 in place.paved:
        _box(bm, ((x0 + x1) / 2, (y0 + y1) / 2, level - 0.2), (x1 - x0, y1 - y0, 0.23),
             Matrix.Identity(4))
    mesh = bpy.data.meshes.new("Paving")
    bm.to_mesh(mesh)
    bm.free()
    name = "Paving" + (" wet" if wet else "") + (" snowy" if snowy else "")
    material = bpy.data.materials.get(name)
    if material is None:
        # Wet setts are darker and shine; snow lies white between the tracks.
        light = 0.8 if snowy else (0.6 if wet else 1.0)
        material, nodes, links, bsdf = new_material(name, 0.2 if wet else 0.8)
        bricks = new_node(nodes, "ShaderNodeTexBrick", Scale=1.0, Brick_Width=0.2,
                          Row_Height=0.1, Mortar_Size=0.008,  # setts, 20 x 10 cm
                          Color1=(*(c * light for c in (0.3, 0.29, 0.27)), 1.0),
                          Color2=(*(c * light for c in (0.22, 0.21, 0.2)), 1.0),
                          Mortar=(0.75, 0.77, 0.8, 1.0) if snowy else (0.1, 0.1, 0.09, 1.0))
        if snowy:
            bricks.inputs["Mortar Size"].default_value = 0.03
        links.new(nodes.new("ShaderNodeTexCoord").outputs["Object"], bricks.inputs["Vector"])
        links.new(bricks.outputs["Color"], bsdf.inputs["Base Color"])
    mesh.materials.append(material)
    obj = bpy.data.objects.new("Paving", mesh)
    collection.objects.link(obj)
    return obj


def _fences(place: Settlement, level: float, collection) -> bpy.types.Object:
    """White picket fences: a post every 2 m, two rails, a picket every 14 cm."""
    bm = bmesh.new()
    for x0, y0, x1, y1 in place.fences:
        length = math.hypot(x1 - x0, y1 - y0)
        matrix = Matrix.Translation((x0, y0, level)) @ Matrix.Rotation(
            math.atan2(y1 - y0, x1 - x0), 4, "Z")  # local x along the fence
        for k in range(int(length // 2.0) + 1):
            _box(bm, (min(k * 2.0, length), 0.0, -0.2), (0.09, 0.09, 1.25), matrix)
        for z in (0.3, 0.75):
            _box(bm, (length / 2, 0.05, z), (length, 0.03, 0.08), matrix)
        for k in range(int(length / 0.14)):
            _box(bm, (0.07 + k * 0.14, 0.08, 0.05), (0.07, 0.02, 0.9), matrix)
    mesh = bpy.data.meshes.new("Fences")
    bm.to_mesh(mesh)
    bm.free()
    material = bpy.data.materials.get("Fence paint")
    if material is None:
        material, _, _, bsdf = new_material("Fence paint", 0.7)
        tree = material.node_tree
        where = tree.nodes.new("ShaderNodeTexCoord").outputs["Object"]
        tree.links.new(multiply_by_noise(tree, (0.72, 0.71, 0.66, 1.0), where, 3.0, 0.75,
                                         1.05, detail=6.0), bsdf.inputs["Base Color"])
    mesh.materials.append(material)
    obj = bpy.data.objects.new("Fences", mesh)
    collection.objects.link(obj)
    return obj


def add_settlement(place: Settlement, level: float, night: bool, glow: float, seed: int,
                   collection, wet: bool = False, snowy: bool = False, wall: float = 1.0
                   ) -> list[tuple[str, bpy.types.Object]]:
    """The houses (one object), the paving and the street furniture at `level`:
    (role, object) pairs. At night windows glow `glow` bright and each lamp lights;
    `wet` streets shine after rain, `snowy` roofs and streets are white. A harbour's quay
    walls are `wall` thick (settlement.quay_wall)."""
    slots, materials = _materials(night, glow, snowy)
    bm = bmesh.new()
    rng = np.random.default_rng(seed + 29)
    for house in place.houses:
        _house(bm, house, level, slots, rng)
    mesh = bpy.data.meshes.new("Houses")
    bm.to_mesh(mesh)
    bm.free()
    for material in materials:
        mesh.materials.append(material)
    houses = bpy.data.objects.new("Houses", mesh)
    collection.objects.link(houses)
    made = [("houses", houses), ("paving", _paving(place, level, collection, wet, snowy))]
    if place.fences:
        made.append(("fences", _fences(place, level, collection)))
    if place.basin is not None:
        made += add_harbour(place, level, wall, night, seed, collection)
    sizes = {"lamp": (0.4, 0.4, 3.6), "bench": (1.6, 0.5, 0.45), "stall": (2.2, 1.4, 2.3)}
    meshes = {}
    for prop in place.props:
        if prop.kind not in meshes:
            meshes[prop.kind] = furniture_mesh(prop.kind, sizes[prop.kind], seed)
        obj = bpy.data.objects.new(f"Street {prop.kind}", meshes[prop.kind])
        obj.location = (prop.x, prop.y, level)
        obj.rotation_euler = (0.0, 0.0, math.radians(prop.turn))
        collection.objects.link(obj)
        made.append((prop.kind, obj))
        if prop.kind == "lamp" and night:
            data = bpy.data.lights.new("Street light", "POINT")
            data.energy, data.color, data.shadow_soft_size = 150.0, (1.0, 0.8, 0.55), 0.15
            light = bpy.data.objects.new("Street light", data)
            light.location = (prop.x, prop.y, level + sizes["lamp"][2] - 0.3)
            collection.objects.link(light)
            made.append(("street light", light))
    return made
