"""The sky's weather on a background: a cloud deck (a noise-shaped layer high above the
land) and falling rain or snow (drops instanced on points by geometry nodes, falling with
the frame, so a rendered range shows them move)."""

from __future__ import annotations

import bpy
import numpy as np

from ..core.background.precipitation import BOX, Drops
from .background_scatter import instanced
from .nodes import ensure_node_tree

# Cloud colour by weather: white puffs, grey decks, dark storm clouds.
CLOUD_COLOUR = {"cloudy": 0.9, "overcast": 0.55, "fog": 0.7, "rain": 0.4, "snow": 0.6,
                "storm": 0.22}
FALL_SPEED = {"rain": 9.0, "snow": 1.2}  # metres a second


def add_clouds(v: dict, collection, altitude: float) -> bpy.types.Object | None:
    """A wide layer of cloud `altitude` metres up, covering `cloud_cover` of the sky.

    It is seen by the camera and in reflections but casts no shadow and sends no light:
    the sun lamp is already dimmed and softened by the cover, and a translucent deck over
    the whole land would make every render noisy for little gain."""
    cover = float(v["cloud_cover"])
    if cover < 0.1 or v["weather"] == "fog":  # fog is the air itself, not a deck above
        return None
    # Wide enough that, seen from the ground, its edge sits on the horizon (a camera must
    # see 100 km to show all of it: the command line's does).
    half = max(20.0 * v["extent"], 100_000.0)
    mesh = bpy.data.meshes.new("Clouds")
    mesh.from_pydata([(-half, -half, altitude), (half, -half, altitude),
                      (half, half, altitude), (-half, half, altitude)], [], [(0, 1, 2, 3)])
    mesh.materials.append(_cloud_material(cover, CLOUD_COLOUR.get(v["weather"], 0.8),
                                          v["seed"]))
    obj = bpy.data.objects.new("Clouds", mesh)
    obj.visible_shadow = False
    obj.visible_diffuse = False
    collection.objects.link(obj)
    return obj


def _cloud_material(cover: float, grey: float, seed: int) -> bpy.types.Material:
    material = bpy.data.materials.new("Clouds")
    ensure_node_tree(material)
    nodes, links = material.node_tree.nodes, material.node_tree.links
    nodes.remove(nodes["Principled BSDF"])
    coords = nodes.new("ShaderNodeTexCoord")
    offset = nodes.new("ShaderNodeVectorMath")
    offset.operation = "ADD"
    rng = np.random.default_rng(seed + 5)
    offset.inputs[1].default_value = tuple(rng.uniform(-1e4, 1e4, 3))  # same seed, same sky
    noise = nodes.new("ShaderNodeTexNoise")
    noise.inputs["Scale"].default_value = 0.002  # puffs about half a kilometre across
    noise.inputs["Detail"].default_value = 4.0
    noise.inputs["Roughness"].default_value = 0.6
    ramp = nodes.new("ShaderNodeValToRGB")
    # Noise sits around 0.5: the threshold moves with the cover (0.1 a few puffs, 1 a deck).
    threshold = 0.62 - 0.3 * cover
    ramp.color_ramp.elements[0].position = max(threshold - 0.04, 0.0)
    ramp.color_ramp.elements[1].position = min(threshold + 0.08, 1.0)
    # Seen from below, a cloud is lit through: translucent, brighter than its albedo
    # (the light it gathers from the whole sky above, which this one layer cannot).
    body = nodes.new("ShaderNodeBsdfTranslucent")
    body.inputs["Color"].default_value = (3 * grey, 3 * grey, 3 * grey, 1.0)
    clear = nodes.new("ShaderNodeBsdfTransparent")
    mix = nodes.new("ShaderNodeMixShader")
    links.new(coords.outputs["Object"], offset.inputs[0])
    links.new(offset.outputs["Vector"], noise.inputs["Vector"])
    links.new(noise.outputs["Fac"], ramp.inputs["Fac"])
    links.new(ramp.outputs["Color"], mix.inputs["Fac"])
    links.new(clear.outputs[0], mix.inputs[1])
    links.new(body.outputs[0], mix.inputs[2])
    links.new(mix.outputs[0], nodes["Material Output"].inputs["Surface"])
    return material


def add_precipitation(drops: Drops, collection) -> list[tuple[str, bpy.types.Object]]:
    """Drops falling through a box standing on the object's origin (placed later where
    the camera looks), each starting again at the top when it reaches the ground:
    (role, object) pairs."""
    return instanced(drops.kind, _drop_mesh(drops.kind), drops.positions,
                     {"size": drops.sizes}, collection, move=_falling(drops.kind))


def _drop_mesh(kind: str) -> bpy.types.Mesh:
    import bmesh
    from mathutils import Matrix

    bm = bmesh.new()
    if kind == "rain":
        # A streak as long as a drop falls in a film frame's exposure.
        # Thicker than a drop: the streak stands for the blur of many in one frame.
        bmesh.ops.create_cone(bm, cap_ends=True, segments=4, radius1=0.015, radius2=0.015,
                              depth=0.9, matrix=Matrix.Identity(4))
        colour, strength = (0.75, 0.8, 0.85), 0.15
    else:
        bmesh.ops.create_icosphere(bm, subdivisions=1, radius=0.045)
        colour, strength = (0.95, 0.95, 0.97), 0.9
    mesh = bpy.data.meshes.new(f"Background {kind}")
    bm.to_mesh(mesh)
    bm.free()
    material = bpy.data.materials.new(f"Background {kind}")
    ensure_node_tree(material)
    bsdf = material.node_tree.nodes["Principled BSDF"]
    bsdf.inputs["Base Color"].default_value = (*colour, 1.0)
    bsdf.inputs["Roughness"].default_value = 0.3
    bsdf.inputs["Alpha"].default_value = strength
    mesh.materials.append(material)
    return mesh


def _falling(kind: str):
    """Nodes that move the points down at the kind's speed with the scene's time,
    wrapping within the box (for the instancing nodes' `move`)."""

    def move(nodes, links, points):
        position = nodes.new("GeometryNodeInputPosition")
        split = nodes.new("ShaderNodeSeparateXYZ")
        time = nodes.new("GeometryNodeInputSceneTime")
        fallen = nodes.new("ShaderNodeMath")
        fallen.operation = "MULTIPLY"
        fallen.inputs[1].default_value = FALL_SPEED[kind]
        # z' = (z - fallen) mod height: the ground is the object's origin.
        lowered = nodes.new("ShaderNodeMath")
        lowered.operation = "SUBTRACT"
        wrapped = nodes.new("ShaderNodeMath")
        wrapped.operation = "FLOORED_MODULO"
        wrapped.inputs[1].default_value = BOX[1]
        join = nodes.new("ShaderNodeCombineXYZ")
        place = nodes.new("GeometryNodeSetPosition")
        links.new(position.outputs[0], split.inputs[0])
        links.new(time.outputs["Seconds"], fallen.inputs[0])
        links.new(split.outputs["Z"], lowered.inputs[0])
        links.new(fallen.outputs[0], lowered.inputs[1])
        links.new(lowered.outputs[0], wrapped.inputs[0])
        links.new(split.outputs["X"], join.inputs["X"])
        links.new(split.outputs["Y"], join.inputs["Y"])
        links.new(wrapped.outputs[0], join.inputs["Z"])
        links.new(points, place.inputs["Geometry"])
        links.new(join.outputs[0], place.inputs["Position"])
        return place.outputs[0]
    return move
