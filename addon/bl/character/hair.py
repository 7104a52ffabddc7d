"""A character's hair, eyebrows and facial hair as Blender hair curves: one Curves
object per kind on the body as its surface, deformed with the skin by Blender's Deform
Curves on Surface node (each root keeps its place in the body's UV map, so the roots stay
on the scalp in any pose), shaded with Blender's Principled Hair BSDF."""

from __future__ import annotations

import bpy
import numpy as np

from ..nodes import ensure_node_tree
from .parts import parts_of, place

HAIR = "metastudio_hair"


def hair_of(name: str) -> dict[str, bpy.types.Object]:
    """The hair objects of the character `name`, by kind."""
    return parts_of(name, HAIR)


def grow(name: str, strands: list, color, collection, body: bpy.types.Object,
         guard) -> list:
    """Make or update the hair objects; returns what to remove once the whole build has
    succeeded (hair no longer worn, replaced curve data)."""
    existing = hair_of(name)
    stale = []
    for kind in strands:
        curves = _curves(f"{name} {kind.name}", kind)
        # Brows and stubble read darker than the hair on the head (finer, denser hairs
        # over skin; grey and blonde brows are still not white).
        tint = color if kind.name == "hair" else tuple(c * 0.65 for c in color)
        curves.materials.append(hair_material(f"{name} {kind.name}", tint))
        obj = place(existing, HAIR, kind.name, f"{name} {kind.name}", name, curves,
                    collection, guard, stale)
        _attach(obj, body, guard)
    return list(existing.values()) + stale


def _attach(obj, body, guard) -> None:
    """The body is the hair's surface and parent; the skin's deformation carries it."""
    for attribute in ("parent", "matrix_parent_inverse"):
        guard.remember(obj, attribute)
    obj.parent = body
    obj.matrix_parent_inverse = body.matrix_world.inverted()
    obj.data.surface = body
    obj.data.surface_uv_map = "UVMap"
    # Deform Curves on Surface compares the skin with its rest position.
    if not body.add_rest_position_attribute:
        guard.remember(body, "add_rest_position_attribute")
        body.add_rest_position_attribute = True
    modifier = next((m for m in obj.modifiers if m.type == "NODES"), None)
    if modifier is None:
        modifier = obj.modifiers.new("Follow the skin", "NODES")
    modifier.node_group = _deform_group()


def _deform_group() -> bpy.types.NodeTree:
    name = "metastudio: hair follows the skin"
    group = bpy.data.node_groups.get(name)
    if group is not None:
        return group
    group = bpy.data.node_groups.new(name, "GeometryNodeTree")
    group.interface.new_socket("Geometry", in_out="INPUT", socket_type="NodeSocketGeometry")
    group.interface.new_socket("Geometry", in_out="OUTPUT",
                               socket_type="NodeSocketGeometry")
    nodes, links = group.nodes, group.links
    inputs, outputs = nodes.new("NodeGroupInput"), nodes.new("NodeGroupOutput")
    deform = nodes.new("GeometryNodeDeformCurvesOnSurface")
    links.new(inputs.outputs[0], deform.inputs[0])
    links.new(deform.outputs[0], outputs.inputs[0])
    return group


def _curves(name: str, kind) -> bpy.types.Curves:
    curves = bpy.data.hair_curves.new(name)
    count, points, _ = kind.positions.shape
    curves.add_curves([points] * count)
    curves.attributes["position"].data.foreach_set("vector", kind.positions.ravel())
    radius = curves.attributes.get("radius") or curves.attributes.new("radius", "FLOAT",
                                                                      "POINT")
    taper = np.linspace(kind.radius_root, kind.radius_tip, points, dtype=np.float32)
    radius.data.foreach_set("value", np.tile(taper, count))
    if kind.surface_uv is not None:
        uv = curves.attributes.new("surface_uv_coordinate", "FLOAT2", "CURVE")
        uv.data.foreach_set("vector", kind.surface_uv.ravel())
    return curves


def hair_material(name: str, color) -> bpy.types.Material:
    """Principled Hair, coloured directly, with random variation per strand."""
    material = bpy.data.materials.get(name) or bpy.data.materials.new(name)
    ensure_node_tree(material)
    nodes = material.node_tree.nodes
    for node in list(nodes):
        if node.type != "OUTPUT_MATERIAL":
            nodes.remove(node)
    output = next(n for n in nodes if n.type == "OUTPUT_MATERIAL")
    hair = nodes.new("ShaderNodeBsdfHairPrincipled")
    hair.parametrization = "COLOR"
    # Direct colouring reads lighter than the colour given (light scatters through
    # the strands many times): darken it to match.
    hair.inputs["Color"].default_value = (*(c ** 1.6 for c in color), 1.0)
    # Dry hair: a soft sheen, not the wet look of a low roughness and a coat.
    hair.inputs["Roughness"].default_value = 0.42
    hair.inputs["Radial Roughness"].default_value = 0.5
    hair.inputs["Coat"].default_value = 0.0
    hair.inputs["Random Roughness"].default_value = 0.25
    material.node_tree.links.new(hair.outputs[0], output.inputs["Surface"])
    material.diffuse_color = (*color, 1.0)
    return material
