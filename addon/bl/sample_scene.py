"""A small animated scene built from code, for the demo, tests and benchmarks."""

from __future__ import annotations

import math
import os

import bpy


def build_sample_scene(
    path: str,
    frames: int = 24,
    resolution: tuple[int, int] = (160, 90),
    samples: int = 8,
    with_camera: bool = True,
    texture_path: str | None = None,
) -> str:
    """Build and save a scene: a sphere rolls across a ground plane under a sun.

    With `texture_path`, the ground uses that image through a relative path, so the scene
    depends on an external file the way production scenes do. It starts from factory
    settings (preferences included): for scripts, tests and the demo, not an open session.
    """
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    bpy.ops.wm.read_factory_settings(use_empty=True)
    scene = bpy.context.scene
    scene.name = "Sample"

    bpy.ops.mesh.primitive_plane_add(size=20)
    ground = bpy.context.object
    ground.data.materials.append(_ground_material(texture_path))

    bpy.ops.mesh.primitive_uv_sphere_add(radius=1, location=(-3, 0, 1))
    ball = bpy.context.object
    bpy.ops.object.shade_smooth()
    ball.data.materials.append(_ball_material())
    ball.keyframe_insert("location", frame=1)
    ball.location.x = 3
    ball.rotation_euler.y = math.radians(360)
    ball.keyframe_insert("location", frame=frames)
    ball.keyframe_insert("rotation_euler", frame=frames)

    bpy.ops.object.light_add(type="SUN", location=(3, -3, 6))
    bpy.context.object.data.energy = 3.0
    if with_camera:
        bpy.ops.object.camera_add(location=(0, -10, 4), rotation=(math.radians(72), 0, 0))
        scene.camera = bpy.context.object

    world = bpy.data.worlds.new("Sky")
    _ensure_nodes(world)
    world.node_tree.nodes["Background"].inputs["Color"].default_value = (0.4, 0.55, 0.8, 1)
    scene.world = world

    scene.frame_start, scene.frame_end = 1, frames
    scene.render.engine = "CYCLES"
    scene.cycles.samples = samples
    scene.cycles.use_denoising = False
    scene.render.resolution_x, scene.render.resolution_y = resolution
    scene.render.resolution_percentage = 100
    scene.render.image_settings.file_format = "PNG"
    scene.render.filepath = "//render/frame_####"
    bpy.ops.wm.save_as_mainfile(filepath=path, relative_remap=True)
    return path


def _ensure_nodes(block) -> None:
    # Blender 5.0 always gives new materials and worlds a node tree and deprecates
    # use_nodes; 4.x still needs it switched on.
    if block.node_tree is None:
        block.use_nodes = True


def _ball_material():
    material = bpy.data.materials.new("Ball")
    _ensure_nodes(material)
    bsdf = material.node_tree.nodes["Principled BSDF"]
    bsdf.inputs["Base Color"].default_value = (0.8, 0.15, 0.1, 1)
    return material


def _ground_material(texture_path: str | None):
    material = bpy.data.materials.new("Ground")
    _ensure_nodes(material)
    nodes = material.node_tree.nodes
    bsdf = nodes["Principled BSDF"]
    if texture_path:
        texture = nodes.new("ShaderNodeTexImage")
        texture.image = bpy.data.images.load(texture_path)
        material.node_tree.links.new(texture.outputs["Color"], bsdf.inputs["Base Color"])
    else:
        bsdf.inputs["Base Color"].default_value = (0.3, 0.5, 0.25, 1)
    return material
