"""Build the sample shot into a scene, step by step, with bpy.data only (no bpy.ops), so
that it runs the same in the UI, in a script and on a farm worker."""

from __future__ import annotations

import math
from collections.abc import Iterator
from pathlib import Path

import bmesh
import bpy

from ..core.errors import JobSpecError
from ..core.sample_shot import SampleShotSpec
from .nodes import ensure_node_tree
from .scene_guard import SceneGuard

COLLECTION = "Sample Shot"


def build_sample_shot(scene, spec: SampleShotSpec, guard: SceneGuard
                      ) -> Iterator[tuple[float, str]]:
    """Add the shot to `scene` in its own collection; yields (fraction done, what's next)."""
    collection = bpy.data.collections.new(COLLECTION)
    scene.collection.children.link(collection)
    yield 0.1, "ground"

    ground = _object(collection, "Ground", _plane_mesh("Ground", 20.0))
    ground.data.materials.append(_ground_material(spec.ground_texture))
    yield 0.35, "ball"

    half = spec.distance / 2
    ball = _object(collection, "Ball", _sphere_mesh("Ball", 1.0))
    ball.data.materials.append(_plain_material("Ball", (*spec.ball_color, 1.0)))
    ball.location = (-half, 0.0, 1.0)
    ball.keyframe_insert("location", frame=1)
    ball.keyframe_insert("rotation_euler", frame=1)
    ball.location.x = half
    # Rolling without slipping: the angle is the distance over the radius.
    ball.rotation_euler.y = spec.distance / 1.0
    ball.keyframe_insert("location", frame=spec.frames)
    ball.keyframe_insert("rotation_euler", frame=spec.frames)
    yield 0.6, "sun"

    sun = bpy.data.lights.new("Sun", type="SUN")
    sun.energy = 3.0
    _object(collection, "Sun", sun).location = (3, -3, 6)
    yield 0.75, "camera"

    camera = _object(collection, "Camera", bpy.data.cameras.new("Camera"))
    camera.location = (0, -10, 4)
    camera.rotation_euler = (math.radians(72), 0, 0)
    if spec.set_camera:
        guard.remember(scene, "camera")
        scene.camera = camera
    yield 0.9, "sky and frame range"

    if scene.world is None:
        guard.remember(scene, "world")
        world = bpy.data.worlds.new("Sky")
        ensure_node_tree(world)
        world.node_tree.nodes["Background"].inputs["Color"].default_value = (0.4, 0.55, 0.8, 1)
        scene.world = world
    if spec.set_frame_range:
        guard.remember(scene, "frame_start")
        guard.remember(scene, "frame_end")
        scene.frame_start, scene.frame_end = 1, spec.frames
    yield 1.0, "done"


def _object(collection, name: str, data):
    obj = bpy.data.objects.new(name, data)
    collection.objects.link(obj)
    return obj


def _plane_mesh(name: str, size: float):
    mesh = bpy.data.meshes.new(name)
    h = size / 2
    mesh.from_pydata([(-h, -h, 0), (h, -h, 0), (h, h, 0), (-h, h, 0)], [], [(0, 1, 2, 3)])
    mesh.uv_layers.new(name="UVMap")
    for loop, uv in zip(mesh.uv_layers[0].data, [(0, 0), (1, 0), (1, 1), (0, 1)],
                        strict=True):
        loop.uv = uv
    return mesh


def _sphere_mesh(name: str, radius: float):
    mesh = bpy.data.meshes.new(name)
    shape = bmesh.new()
    bmesh.ops.create_uvsphere(shape, u_segments=32, v_segments=16, radius=radius,
                              calc_uvs=True)
    shape.to_mesh(mesh)
    shape.free()
    for polygon in mesh.polygons:
        polygon.use_smooth = True
    return mesh


def _plain_material(name: str, rgba):
    material = bpy.data.materials.new(name)
    ensure_node_tree(material)
    material.node_tree.nodes["Principled BSDF"].inputs["Base Color"].default_value = rgba
    return material


def _ground_material(texture: Path | None):
    if texture is None:
        return _plain_material("Ground", (0.3, 0.5, 0.25, 1))
    material = _plain_material("Ground", (1, 1, 1, 1))
    image = bpy.data.images.load(str(texture), check_existing=True)
    if image.size[0] == 0:
        raise JobSpecError(f"ground_texture: Blender cannot read {texture} as an image")
    if bpy.data.filepath:
        try:  # relative, so the file travels with its folder (and to the farm)
            image.filepath = bpy.path.relpath(str(texture))
        except ValueError:  # another drive on Windows
            pass
    nodes = material.node_tree.nodes
    node = nodes.new("ShaderNodeTexImage")
    node.image = image
    material.node_tree.links.new(node.outputs["Color"], nodes["Principled BSDF"].inputs[
        "Base Color"])
    return material
