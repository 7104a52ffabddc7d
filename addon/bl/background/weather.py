"""The sky's weather on a background: a layer of cloud drawn in the sky, and falling
rain or snow (drops instanced on points by geometry nodes, falling with the frame, so a
rendered range shows them move)."""

from __future__ import annotations

import bpy
import numpy as np

from ...core.background.precipitation import BOX, Drops
from ..nodes import ensure_node_tree
from .scatter import instanced

# Cloud colour by weather: white puffs, grey decks, dark storm clouds.
CLOUD_COLOUR = {"cloudy": 0.9, "overcast": 0.55, "fog": 0.7, "rain": 0.3, "snow": 0.6,
                "storm": 0.12}
FALL_SPEED = {"rain": 9.0, "snow": 1.2}  # metres a second


def add_clouds(world, colour_socket, v: dict, altitude: float):
    """The sky's colour (`colour_socket` of the `world`'s nodes) with a layer of cloud
    `altitude` metres up, covering `cloud_cover` of the sky: returns the new colour
    socket (None: no clouds, the fog's own air or a clear sky).

    The layer is drawn in the sky itself: each direction looked is carried up to the
    layer's height (x/z, y/z), where noise says how much cloud there is, so puffs
    shrink into perspective towards the horizon and fade into its haze, their bodies
    darker than their sunlit edges. Being the world, they light the land as the sky
    does, cost no geometry and need no camera to see 100 km (a plane did)."""
    cover = float(v["cloud_cover"])
    if cover < 0.1 or v["weather"] == "fog":  # fog is the air itself, not a deck above
        return None
    nodes, links = world.node_tree.nodes, world.node_tree.links
    direction = nodes.new("ShaderNodeTexCoord").outputs["Generated"]
    split = nodes.new("ShaderNodeSeparateXYZ")
    links.new(direction, split.inputs[0])
    up = nodes.new("ShaderNodeMath")
    up.operation = "MAXIMUM"
    up.inputs[1].default_value = 0.03
    links.new(split.outputs["Z"], up.inputs[0])
    # Kilometres across the layer: x / z and y / z times its height.
    kilometres = altitude / 1000.0
    across = []
    for axis in ("X", "Y"):
        ratio = nodes.new("ShaderNodeMath")
        ratio.operation = "DIVIDE"
        links.new(split.outputs[axis], ratio.inputs[0])
        links.new(up.outputs[0], ratio.inputs[1])
        across.append(ratio.outputs[0])
    where = nodes.new("ShaderNodeCombineXYZ")
    links.new(across[0], where.inputs["X"])
    links.new(across[1], where.inputs["Y"])
    rng = np.random.default_rng(v["seed"] + 5)
    where.inputs["Z"].default_value = float(rng.uniform(-100, 100))  # same seed, same sky
    noise = nodes.new("ShaderNodeTexNoise")
    noise.inputs["Scale"].default_value = 0.9 * kilometres  # puffs about a kilometre
    noise.inputs["Detail"].default_value = 8.0
    noise.inputs["Roughness"].default_value = 0.58
    links.new(where.outputs[0], noise.inputs["Vector"])
    # Noise sits around 0.5: the threshold moves with the cover (0.1 a few puffs, 1 a deck).
    threshold = 0.64 - 0.32 * cover
    amount = nodes.new("ShaderNodeMapRange")
    amount.inputs["From Min"].default_value = threshold - 0.03
    amount.inputs["From Max"].default_value = threshold + 0.1
    links.new(noise.outputs["Fac"], amount.inputs["Value"])
    # Into the haze at the horizon.
    fade = nodes.new("ShaderNodeMapRange")
    fade.inputs["From Min"].default_value, fade.inputs["From Max"].default_value = 0.02, 0.2
    links.new(split.outputs["Z"], fade.inputs["Value"])
    seen = nodes.new("ShaderNodeMath")
    seen.operation = "MULTIPLY"
    links.new(amount.outputs["Result"], seen.inputs[0])
    links.new(fade.outputs["Result"], seen.inputs[1])
    # Bright thin edges, greyer thick bodies: lit from above, seen from below.
    grey = CLOUD_COLOUR.get(v["weather"], 0.9)
    night = v["sun_elevation"] < 0
    sun = (1.0, 0.75, 0.55) if v["sun_elevation"] < 10 else (1.0, 0.97, 0.93)
    bright = 0.05 if night else 4.0 * grey
    body = nodes.new("ShaderNodeValToRGB")
    body.color_ramp.elements[0].position = threshold
    body.color_ramp.elements[1].position = threshold + 0.3
    body.color_ramp.elements[0].color = (*(bright * c for c in sun), 1.0)
    body.color_ramp.elements[1].color = (*(0.45 * bright * c for c in (0.9, 0.92, 1.0)), 1.0)
    links.new(noise.outputs["Fac"], body.inputs["Fac"])
    mix = nodes.new("ShaderNodeMix")
    mix.data_type = "RGBA"
    links.new(seen.outputs[0], mix.inputs["Factor"])
    if isinstance(colour_socket, tuple):
        mix.inputs["A"].default_value = (*colour_socket, 1.0)
    else:
        links.new(colour_socket, mix.inputs["A"])
    links.new(body.outputs["Color"], mix.inputs["B"])
    return mix.outputs["Result"]


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
