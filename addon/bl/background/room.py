"""A room (core.background.rooms) in Blender: the shell with its window and door holes,
window frames, ceiling lights that light it, and its furniture (core.background.
furniture), one shared mesh per kind and size, each piece an object of its own placed by
its item. Daylight comes in through the windows from the background's sky and sun, and
the land outside is a plain in the land's colour."""

from __future__ import annotations

import math

import bmesh
import bpy
from mathutils import Euler, Matrix, Vector

from ...core.background.furniture import parts_of
from ...core.background.rooms import Room
from ..nodes import multiply_by_noise, new_material, new_node

WALL = 0.15  # metres thick, outside the room's bounds
# Per room kind: floor, walls (linear RGB) and the floor's pattern.
LOOKS = {
    "classroom": ((0.32, 0.3, 0.27), (0.62, 0.6, 0.52), "tiles"),
    "science_lab": ((0.35, 0.36, 0.36), (0.7, 0.72, 0.7), "tiles"),
    "library": ((0.22, 0.12, 0.06), (0.55, 0.45, 0.33), "boards"),
    "museum": ((0.3, 0.22, 0.15), (0.42, 0.4, 0.37), "boards"),
    "office": ((0.12, 0.13, 0.16), (0.7, 0.7, 0.68), "carpet"),
    "living_room": ((0.3, 0.17, 0.08), (0.6, 0.52, 0.42), "boards"),
    "kitchen": ((0.45, 0.44, 0.42), (0.7, 0.66, 0.55), "tiles"),
    "studio": ((0.05, 0.05, 0.05), (0.12, 0.12, 0.12), "plain"),
    "auditorium": ((0.2, 0.04, 0.04), (0.45, 0.36, 0.3), "carpet"),
}
COLOURS = {  # furniture materials: base colour, roughness
    "wood": ((0.4, 0.24, 0.12), 0.5), "dark_wood": ((0.12, 0.07, 0.04), 0.5),
    "metal": ((0.5, 0.5, 0.52), 0.35), "black": ((0.02, 0.02, 0.02), 0.4),
    "white": ((0.75, 0.75, 0.72), 0.5), "fabric": ((0.12, 0.2, 0.35), 0.9),
    "board": ((0.03, 0.12, 0.07), 0.8), "frame": ((0.35, 0.3, 0.25), 0.5),
    "glass": ((0.9, 0.95, 0.95), 0.05), "stone": ((0.55, 0.53, 0.5), 0.3),
    "bronze": ((0.35, 0.2, 0.08), 0.35), "pot": ((0.45, 0.18, 0.1), 0.7),
    "leaves": ((0.04, 0.14, 0.03), 0.6), "screen": ((0.01, 0.01, 0.015), 0.1),
    "softbox": ((0.9, 0.9, 0.9), 0.9), "globe": ((0.1, 0.25, 0.5), 0.3),
    "books": ((0.3, 0.1, 0.08), 0.7), "canvas": ((0.5, 0.4, 0.3), 0.8),
    "lantern": ((0.9, 0.85, 0.7), 0.3), "produce": ((0.5, 0.2, 0.05), 0.6),
    "awning": ((0.6, 0.1, 0.08), 0.8), "paint": ((0.05, 0.12, 0.35), 0.3),
    "glass_dark": ((0.02, 0.025, 0.03), 0.05), "tail_light": ((0.5, 0.02, 0.01), 0.3),
    "sign": ((0.03, 0.18, 0.08), 0.6),
}
# Fruit and vegetables on a stall; awnings' stripes of colour.
PRODUCE = [(0.6, 0.05, 0.03), (0.7, 0.35, 0.02), (0.45, 0.5, 0.05), (0.15, 0.3, 0.05),
           (0.5, 0.4, 0.05), (0.3, 0.05, 0.15)]
AWNINGS = [(0.55, 0.08, 0.06), (0.08, 0.2, 0.45), (0.1, 0.35, 0.15), (0.7, 0.55, 0.15)]
# The book spines' colours (the part's shade picks one): muted cloth and paper.
BOOKS = [(0.35, 0.06, 0.05), (0.06, 0.12, 0.3), (0.05, 0.2, 0.1), (0.5, 0.4, 0.2),
         (0.1, 0.1, 0.1), (0.6, 0.55, 0.45), (0.4, 0.2, 0.05), (0.2, 0.05, 0.2)]


def _material(name: str, colour, roughness: float) -> bpy.types.Material:
    material = bpy.data.materials.get(f"Room {name}")
    if material is not None:
        return material
    material, _, _, bsdf = new_material(f"Room {name}", roughness)
    bsdf.inputs["Base Color"].default_value = (*colour, 1.0)
    material.diffuse_color = (*colour, 1.0)
    if name == "glass":
        bsdf.inputs["Transmission Weight"].default_value = 1.0
        bsdf.inputs["IOR"].default_value = 1.1  # thin pane: little bending
    if name == "canvas":
        _painted(material)
    if name in ("books", "fabric", "produce", "awning"):
        _shade_by_attribute(material, {"books": BOOKS, "produce": PRODUCE,
                                       "awning": AWNINGS}.get(name, [
            colour, tuple(c * 0.8 for c in colour), (0.3, 0.12, 0.08)]))
    if name == "lantern":  # lit at night by its lamp; glows a little by day too
        bsdf.inputs["Emission Color"].default_value = (1.0, 0.8, 0.5, 1.0)
        bsdf.inputs["Emission Strength"].default_value = 2.0
    if name == "softbox":
        bsdf.inputs["Emission Color"].default_value = (1.0, 0.97, 0.92, 1.0)
        bsdf.inputs["Emission Strength"].default_value = 3.0
    if name == "metal":
        bsdf.inputs["Metallic"].default_value = 1.0
    return material


def _painted(material) -> None:
    """A painting's canvas: soft blots of a palette (a landscape's greens and blues, a
    portrait's ochres, a still life's reds), the palette turned by the face's "shade"."""
    nodes, links = material.node_tree.nodes, material.node_tree.links
    where = nodes.new("ShaderNodeTexCoord").outputs["Object"]
    blots = nodes.new("ShaderNodeTexNoise")
    blots.inputs["Scale"].default_value = 4.0
    blots.inputs["Detail"].default_value = 6.0
    blots.inputs["Distortion"].default_value = 1.5
    links.new(where, blots.inputs["Vector"])
    ramp = nodes.new("ShaderNodeValToRGB")
    elements = ramp.color_ramp.elements
    palette = [(0.05, 0.08, 0.15), (0.25, 0.35, 0.15), (0.6, 0.45, 0.2), (0.7, 0.65, 0.5)]
    while len(elements) < len(palette):
        elements.new(0.5)
    for k, (element, colour) in enumerate(zip(elements, palette, strict=True)):
        element.position, element.color = 0.3 + 0.13 * k, (*colour, 1.0)
    links.new(blots.outputs["Fac"], ramp.inputs["Fac"])
    shade = nodes.new("ShaderNodeAttribute")
    shade.attribute_name = "shade"
    turn = nodes.new("ShaderNodeHueSaturation")
    links.new(ramp.outputs["Color"], turn.inputs["Color"])
    links.new(shade.outputs["Fac"], turn.inputs["Hue"])
    links.new(turn.outputs["Color"], material.node_tree.nodes["Principled BSDF"].inputs[
        "Base Color"])


def _shade_by_attribute(material, colours) -> None:
    """Base colour picked per face by its "shade" attribute from `colours` (books)."""
    nodes, links = material.node_tree.nodes, material.node_tree.links
    shade = nodes.new("ShaderNodeAttribute")
    shade.attribute_name = "shade"
    ramp = nodes.new("ShaderNodeValToRGB")
    ramp.color_ramp.interpolation = "CONSTANT"
    elements = ramp.color_ramp.elements
    while len(elements) < len(colours):
        elements.new(0.5)
    for k, (element, colour) in enumerate(zip(elements, colours, strict=True)):
        element.position, element.color = k / len(colours), (*colour, 1.0)
    links.new(shade.outputs["Fac"], ramp.inputs["Fac"])
    links.new(ramp.outputs["Color"], material.node_tree.nodes["Principled BSDF"].inputs[
        "Base Color"])


def _surface(name: str, colour, pattern: str) -> bpy.types.Material:
    """A floor or wall material: the colour with its pattern (floor tiles, boards,
    carpet's fleck) and a little unevenness."""
    roughness = {"tiles": 0.35, "boards": 0.45, "carpet": 0.95, "plain": 0.6,
                 "paint": 0.8}[pattern]
    material, nodes, links, bsdf = new_material(f"Room {name}", roughness)
    tree = material.node_tree
    where = nodes.new("ShaderNodeTexCoord").outputs["Object"]
    colour_out = multiply_by_noise(tree, (*colour, 1.0), where, 3.0, 0.9, 1.08, detail=4.0)
    if pattern in ("tiles", "boards"):
        tiles = pattern == "tiles"  # 50 cm tiles, or boards 1.2 m x 14 cm
        bricks = new_node(nodes, "ShaderNodeTexBrick", Scale=1.0,
                          Mortar_Size=0.004 if tiles else 0.002,
                          Brick_Width=0.5 if tiles else 1.2, Row_Height=0.5 if tiles else 0.14,
                          Color1=(1.0, 1.0, 1.0, 1.0), Color2=(0.85, 0.85, 0.85, 1.0),
                          Mortar=(0.35, 0.35, 0.35, 1.0))
        links.new(where, bricks.inputs["Vector"])
        bricks.offset = 0.0 if tiles else 0.5
        times = nodes.new("ShaderNodeMix")
        times.data_type, times.blend_type = "RGBA", "MULTIPLY"
        times.inputs["Factor"].default_value = 1.0
        links.new(colour_out, times.inputs["A"])
        links.new(bricks.outputs["Color"], times.inputs["B"])
        colour_out = times.outputs["Result"]
    links.new(colour_out, bsdf.inputs["Base Color"])
    material.diffuse_color = (*colour, 1.0)
    return material


def _add_box(bm, centre_bottom, size) -> None:
    x, y, z = centre_bottom
    w, d, h = size
    matrix = Matrix.Translation((x, y, z + h / 2)) @ Matrix.Diagonal((w, d, h, 1.0))
    bmesh.ops.create_cube(bm, size=1.0, matrix=matrix)


def _wall_boxes(room: Room) -> list[tuple[tuple, tuple]]:
    """Boxes (centre of the bottom, size) making the four walls around their holes."""
    x0, y0, x1, y1 = room.bounds
    h = room.height
    boxes = []
    walls = {  # wall -> (its line's fixed coordinate axis, the middle, the length)
        "left": (x0 - WALL / 2, (y0 + y1) / 2, room.depth + 2 * WALL),
        "right": (x1 + WALL / 2, (y0 + y1) / 2, room.depth + 2 * WALL),
        "front": (y1 + WALL / 2, 0.0, room.width),
        "back": (y0 - WALL / 2, 0.0, room.width),
    }
    for wall, (fixed, middle, length) in walls.items():
        holes = sorted((o for o in room.openings if o.wall == wall), key=lambda o: o.along)
        pieces = []  # (start, end along the wall, bottom, top)
        start = -length / 2
        for hole in holes:
            a, b = hole.along - hole.width / 2, hole.along + hole.width / 2
            pieces.append((start, a, 0.0, h))
            if hole.sill > 0:
                pieces.append((a, b, 0.0, hole.sill))
            pieces.append((a, b, hole.top, h))
            start = b
        pieces.append((start, length / 2, 0.0, h))
        for a, b, bottom, top in pieces:
            if b - a < 1e-3 or top - bottom < 1e-3:
                continue
            mid = middle + (a + b) / 2
            if wall in ("left", "right"):
                boxes.append(((fixed, mid, bottom), (WALL, b - a, top - bottom)))
            else:
                boxes.append(((mid, fixed, bottom), (b - a, WALL, top - bottom)))
    return boxes


def _window_frames(room: Room, bm) -> None:
    """A frame round each window and a mullion across it."""
    x0, _, x1, _ = room.bounds
    centre_y = room.centre_y
    for hole in room.openings:
        if hole.kind != "window" or hole.wall not in ("left", "right"):
            continue
        x = x0 - WALL / 2 if hole.wall == "left" else x1 + WALL / 2
        y = centre_y + hole.along
        t = 0.05
        for part in (((x, y, hole.sill), (WALL + 0.02, hole.width, t)),
                     ((x, y, hole.top - t), (WALL + 0.02, hole.width, t)),
                     ((x, y - hole.width / 2 + t / 2, hole.sill), (WALL + 0.02, t,
                                                                  hole.top - hole.sill)),
                     ((x, y + hole.width / 2 - t / 2, hole.sill), (WALL + 0.02, t,
                                                                  hole.top - hole.sill)),
                     ((x, y, hole.sill), (0.04, t, hole.top - hole.sill)),
                     ((x, y, (hole.sill + hole.top) / 2), (0.04, hole.width, t))):
            _add_box(bm, *part)


def _doors(room: Room, bm) -> None:
    """A closed door leaf in each door hole, with a handle on its room side."""
    x0, y0, x1, y1 = room.bounds
    for hole in room.openings:
        if hole.kind != "door":
            continue
        inward = 1.0 if hole.wall in ("left", "back") else -1.0
        if hole.wall in ("left", "right"):
            x = (x0 if hole.wall == "left" else x1) - inward * WALL / 2
            y = room.centre_y + hole.along
            _add_box(bm, (x, y, 0.0), (0.04, hole.width - 0.02, hole.top - 0.01))
            _add_box(bm, (x + inward * 0.05, y + 0.35 * hole.width, 0.95), (0.06, 0.12, 0.03))
        else:
            y = (y0 if hole.wall == "back" else y1) - inward * WALL / 2
            x = hole.along
            _add_box(bm, (x, y, 0.0), (hole.width - 0.02, 0.04, hole.top - 0.01))
            _add_box(bm, (x + 0.35 * hole.width, y + inward * 0.05, 0.95), (0.12, 0.06, 0.03))


def _object(name: str, bm, materials: list, collection) -> bpy.types.Object:
    mesh = bpy.data.meshes.new(name)
    bm.to_mesh(mesh)
    bm.free()
    for material in materials:
        mesh.materials.append(material)
    obj = bpy.data.objects.new(name, mesh)
    collection.objects.link(obj)
    return obj


def _shell(room: Room, collection) -> list[tuple[str, bpy.types.Object]]:
    floor_colour, wall_colour, pattern = LOOKS[room.kind]
    x0, y0, x1, y1 = room.bounds
    made = []
    bm = bmesh.new()
    _add_box(bm, ((x0 + x1) / 2, (y0 + y1) / 2, -0.1), (room.width + 2 * WALL,
                                                         room.depth + 2 * WALL, 0.1))
    made.append(("floor", _object("Room floor", bm, [_surface("floor", floor_colour,
                                                                     pattern)], collection)))
    bm = bmesh.new()
    for centre, size in _wall_boxes(room):
        _add_box(bm, centre, size)
    made.append(("walls", _object("Room walls", bm, [_surface("walls", wall_colour, "paint")],
                                  collection)))
    bm = bmesh.new()
    _add_box(bm, ((x0 + x1) / 2, (y0 + y1) / 2, room.height), (room.width + 2 * WALL,
                                                                room.depth + 2 * WALL, 0.12))
    made.append(("ceiling", _object("Room ceiling", bm, [_surface(
        "ceiling", (0.75, 0.75, 0.73), "paint")], collection)))
    bm = bmesh.new()
    _doors(room, bm)
    made.append(("door", _object("Room door", bm, [_material("dark_wood", *COLOURS[
        "dark_wood"])], collection)))
    bm = bmesh.new()
    _window_frames(room, bm)
    if bm.verts:
        made.append(("window frames", _object("Room window frames", bm, [
            _material("white", *COLOURS["white"])], collection)))
    else:
        bm.free()
    return made


def _add_part(bm, part) -> None:
    """One part's faces into `bm`: shaped in its bounding box, then turned about it."""
    x, y, z = part.at
    w, d, h = part.size
    middle = Matrix.Translation((x, y, z + h / 2))
    before = set(bm.verts)
    if part.shape == "box":
        bmesh.ops.create_cube(bm, size=1.0, matrix=middle @ Matrix.Diagonal((w, d, h, 1.0)))
    elif part.shape == "cylinder":
        # Lying along x or y: the cone's own z turned onto that axis.
        turn, radii, depth = {
            "z": (Matrix.Identity(4), (w / 2, d / 2), h),
            "x": (Matrix.Rotation(math.pi / 2, 4, "Y"), (h / 2, d / 2), w),
            "y": (Matrix.Rotation(-math.pi / 2, 4, "X"), (w / 2, h / 2), d)}[part.axis]
        bmesh.ops.create_cone(bm, cap_ends=True, segments=16, radius1=1.0, radius2=1.0,
                              depth=depth, matrix=middle @ turn @ Matrix.Diagonal(
                                  (*radii, 1.0, 1.0)))
    elif part.shape == "ring":  # a torus in the x-z plane: a tyre
        tube = d / 2
        radius = w / 2 - tube
        rings = []
        for i in range(24):
            a = 2 * math.pi * i / 24
            rings.append([bm.verts.new(middle @ Vector((
                (radius + tube * math.cos(b)) * math.cos(a), tube * math.sin(b),
                (radius + tube * math.cos(b)) * math.sin(a))))
                for b in (2 * math.pi * j / 6 for j in range(6))])
        for i in range(24):
            a, b = rings[i], rings[(i + 1) % 24]
            for j in range(6):
                bm.faces.new((a[j], a[(j + 1) % 6], b[(j + 1) % 6], b[j]))
    else:
        bmesh.ops.create_uvsphere(bm, u_segments=16, v_segments=10, radius=1.0,
                                  matrix=middle @ Matrix.Diagonal((w / 2, d / 2, h / 2, 1.0)))
    if any(part.rotate):
        turn = Euler(tuple(math.radians(a) for a in part.rotate), "XYZ").to_matrix().to_4x4()
        pivot = Vector((x, y, z + h / 2))
        bmesh.ops.transform(bm, matrix=Matrix.Translation(pivot) @ turn
                            @ Matrix.Translation(-pivot),
                            verts=list(set(bm.verts) - before))


def furniture_mesh(kind: str, size, seed: int) -> bpy.types.Mesh:
    """One item's model: its parts as boxes, cylinders and balls, with material slots
    and each face's "shade" (books' colours)."""
    parts = parts_of(kind, size, seed)
    names = sorted({p.material for p in parts})
    bm = bmesh.new()
    shade_layer = bm.faces.layers.float.new("shade")
    for part in parts:
        before = set(bm.faces)
        _add_part(bm, part)
        index = names.index(part.material)
        for face in set(bm.faces) - before:
            face.material_index = index
            face[shade_layer] = part.shade
            face.smooth = part.shape != "box"
    mesh = bpy.data.meshes.new(f"Room {kind}")
    bm.to_mesh(mesh)
    bm.free()
    for name in names:
        mesh.materials.append(_material(name, *COLOURS[name]))
    return mesh


def _furniture(room: Room, seed: int, collection) -> list[tuple[str, bpy.types.Object]]:
    meshes: dict[tuple, bpy.types.Mesh] = {}
    made = []
    for index, item in enumerate(room.items):
        # (a painting is its own: each shows a picture of its own)
        key = (item.kind, item.size, index if item.kind == "painting" else None)
        if key not in meshes:
            meshes[key] = furniture_mesh(item.kind, item.size, seed + len(meshes))
        obj = bpy.data.objects.new(f"Room {item.kind}", meshes[key])
        obj.location = (item.x, item.y, item.z)
        obj.rotation_euler = (0.0, 0.0, math.radians(item.turn))
        obj["metastudio_item"] = index
        collection.objects.link(obj)
        made.append((item.kind, obj))
    return made


def _lights(room: Room, night: bool, collection) -> list[tuple[str, bpy.types.Object]]:
    """Ceiling panels: a glowing panel seen by the camera and an area lamp lighting the
    room, brighter at night (by day the windows do half the work)."""
    made = []
    panel = _material("ceiling light", (0.9, 0.9, 0.9), 0.5)
    bsdf = panel.node_tree.nodes["Principled BSDF"]
    bsdf.inputs["Emission Color"].default_value = (1.0, 0.97, 0.9, 1.0)
    bsdf.inputs["Emission Strength"].default_value = 6.0
    bm = bmesh.new()
    for x, y in room.lights:
        _add_box(bm, (x, y, room.height - 0.03), (0.6, 0.6, 0.03))
    made.append(("light panels", _object("Room light panels", bm, [panel], collection)))
    watts = (90.0 if night else 60.0) * (room.height / 3.0) ** 2
    for k, (x, y) in enumerate(room.lights):
        data = bpy.data.lights.new(f"Room light {k}", "AREA")
        data.shape, data.size, data.energy = "SQUARE", 0.6, watts
        data.color = (1.0, 0.95, 0.88)
        lamp = bpy.data.objects.new(f"Room light {k}", data)
        lamp.location = (x, y, room.height - 0.05)
        lamp.visible_camera = False
        collection.objects.link(lamp)
        made.append(("room light", lamp))
    return made


def _outside(room: Room, colour, collection) -> tuple[str, bpy.types.Object]:
    """The land seen through the windows: a plain of the land's colour, a little below
    the floor."""
    bm = bmesh.new()
    _add_box(bm, (0.0, room.centre_y, -0.3), (400.0, 400.0, 0.05))
    material = _material("outside", colour, 0.9)
    return ("outside", _object("Room outside", bm, [material], collection))


def add_room(room: Room, seed: int, night: bool, outside_colour, collection
             ) -> list[tuple[str, bpy.types.Object]]:
    """The room's shell, lights, furniture and the land outside, in `collection`:
    (role, object) pairs."""
    made = _shell(room, collection)
    made += _lights(room, night, collection)
    made += _furniture(room, seed, collection)
    made.append(_outside(room, outside_colour, collection))
    return made

