"""Trees, bushes and rocks on a background's terrain: a small procedural model of each
kind, instanced on seeded points by a geometry-nodes modifier (each point's size and turn
are attributes), so thousands cost one object per kind."""

from __future__ import annotations

import bmesh
import bpy
import numpy as np
from mathutils import Matrix

from ..core.background.scatter import Scatter
from .nodes import ensure_node_tree

COLOURS = {"leaves": (0.03, 0.12, 0.03), "needles": (0.02, 0.07, 0.03),
           "bark": (0.08, 0.05, 0.03), "rock": (0.2, 0.19, 0.18), "bush": (0.06, 0.14, 0.04),
           "reeds": (0.16, 0.15, 0.06)}


def _material(name: str) -> bpy.types.Material:
    material = bpy.data.materials.get(f"Background {name}") or bpy.data.materials.new(
        f"Background {name}")
    ensure_node_tree(material)
    bsdf = material.node_tree.nodes["Principled BSDF"]
    bsdf.inputs["Base Color"].default_value = (*COLOURS[name], 1.0)
    bsdf.inputs["Roughness"].default_value = 0.8
    return material


def _prototype(kind: str, seed: int) -> bpy.types.Mesh:
    """One model of a kind, about its real size in metres."""
    bm = bmesh.new()
    slots = []
    if kind in ("conifer", "broadleaf"):
        trunk = bmesh.ops.create_cone(bm, cap_ends=True, segments=6, radius1=0.25,
                                      radius2=0.15, depth=3.0,
                                      matrix=Matrix.Translation((0, 0, 1.5)))
        for face in {f for v in trunk["verts"] for f in v.link_faces}:
            face.material_index = 0
        slots.append(_material("bark"))
        if kind == "conifer":
            for i, (radius, z) in enumerate(((2.2, 4.0), (1.6, 6.5), (1.0, 8.6))):
                crown = bmesh.ops.create_cone(bm, cap_ends=True, segments=8, radius1=radius,
                                              radius2=0.0, depth=3.4 - 0.5 * i,
                                              matrix=Matrix.Translation((0, 0, z)))
                for face in {f for v in crown["verts"] for f in v.link_faces}:
                    face.material_index = 1
            slots.append(_material("needles"))
        else:
            crown = bmesh.ops.create_icosphere(bm, subdivisions=2, radius=2.6,
                                               matrix=Matrix.Translation((0, 0, 5.0)))
            for face in {f for v in crown["verts"] for f in v.link_faces}:
                face.material_index = 1
            slots.append(_material("leaves"))
    elif kind == "reeds":
        # A clump of thin blades leaning a little outwards, up to two metres tall.
        rng = np.random.default_rng(seed + 11)
        for _ in range(14):
            angle, lean = rng.uniform(0, 2 * np.pi), rng.uniform(0.0, 0.25)
            tall = rng.uniform(1.2, 2.2)
            place = Matrix.Translation((0.35 * rng.random() * np.cos(angle),
                                        0.35 * rng.random() * np.sin(angle), tall / 2))
            tilt = Matrix.Rotation(lean, 4, (np.sin(angle), -np.cos(angle), 0.0))
            bmesh.ops.create_cone(bm, cap_ends=False, segments=3, radius1=0.02,
                                  radius2=0.0, depth=tall, matrix=tilt @ place)
        slots.append(_material("reeds"))
    elif kind == "bush":
        bmesh.ops.create_icosphere(bm, subdivisions=2, radius=0.9,
                                   matrix=Matrix.Diagonal((1.0, 1.0, 0.7, 1.0)))
        slots.append(_material("bush"))
    else:  # rock: a lumpy, flattened ball
        result = bmesh.ops.create_icosphere(bm, subdivisions=2, radius=1.0)
        rng = np.random.default_rng(seed)
        for vert in result["verts"]:
            vert.co *= 0.75 + 0.5 * rng.random()
            vert.co.z *= 0.6
        slots.append(_material("rock"))
    mesh = bpy.data.meshes.new(f"Background {kind}")
    bm.to_mesh(mesh)
    bm.free()
    for material in slots:
        mesh.materials.append(material)
    mesh.polygons.foreach_set("use_smooth", np.full(len(mesh.polygons), kind != "rock"))
    return mesh


def _attribute(nodes, name: str):
    """The output of a node reading the point's float attribute `name`."""
    read = nodes.new("GeometryNodeInputNamedAttribute")
    read.data_type = "FLOAT"
    read.inputs["Name"].default_value = name
    return read.outputs["Attribute"]


def _instancer(name: str, prototype: bpy.types.Object, turn: bool,
               move=None) -> bpy.types.NodeTree:
    """Geometry nodes that put the prototype on every point, scaled by the point's "size"
    attribute and, with `turn`, turned about Z by its "turn" attribute. `move(nodes,
    links, points)` may insert nodes before that and return the points to place."""
    group = bpy.data.node_groups.new(f"{name} instances", "GeometryNodeTree")
    group.interface.new_socket("Geometry", in_out="INPUT", socket_type="NodeSocketGeometry")
    group.interface.new_socket("Geometry", in_out="OUTPUT", socket_type="NodeSocketGeometry")
    nodes, links = group.nodes, group.links
    given, result = nodes.new("NodeGroupInput"), nodes.new("NodeGroupOutput")
    points = given.outputs[0] if move is None else move(nodes, links, given.outputs[0])
    model = nodes.new("GeometryNodeObjectInfo")
    model.inputs["Object"].default_value = prototype
    place = nodes.new("GeometryNodeInstanceOnPoints")
    links.new(points, place.inputs["Points"])
    links.new(model.outputs["Geometry"], place.inputs["Instance"])
    links.new(_attribute(nodes, "size"), place.inputs["Scale"])
    if turn:
        rotation = nodes.new("ShaderNodeCombineXYZ")
        links.new(_attribute(nodes, "turn"), rotation.inputs["Z"])
        links.new(rotation.outputs["Vector"], place.inputs["Rotation"])
    links.new(place.outputs["Instances"], result.inputs[0])
    return group


def instanced(kind: str, model: bpy.types.Mesh, positions: np.ndarray,
              attributes: dict[str, np.ndarray], collection,
              move=None) -> list[tuple[str, bpy.types.Object]]:
    """A hidden object holding `model` and a point cloud instancing it on `positions`
    (with per-point float `attributes`: "size", and "turn" if given): (role, object)
    pairs for both. `move` as for the instancing nodes."""
    prototype = bpy.data.objects.new(f"Background {kind} model", model)
    prototype.hide_render = prototype.hide_viewport = True
    collection.objects.link(prototype)
    points = bpy.data.meshes.new(f"Background {kind}")
    points.vertices.add(len(positions))
    points.vertices.foreach_set("co", positions.astype(np.float32).ravel())
    for name, values in attributes.items():
        attribute = points.attributes.new(name, "FLOAT", "POINT")
        attribute.data.foreach_set("value", values.astype(np.float32))
    obj = bpy.data.objects.new(f"Background {kind}", points)
    modifier = obj.modifiers.new("Instances", "NODES")
    modifier.node_group = _instancer(f"Background {kind}", prototype, "turn" in attributes,
                                     move)
    collection.objects.link(obj)
    return [(f"{kind} model", prototype), (kind, obj)]


def add_scatter(items: list[Scatter], collection,
                seed: int) -> list[tuple[str, bpy.types.Object]]:
    """One hidden model and one instancing point cloud per kind: (role, object) pairs."""
    made = []
    for item in items:
        made += instanced(item.kind, _prototype(item.kind, seed), item.positions,
                          {"size": item.sizes, "turn": item.turns}, collection)
    return made
