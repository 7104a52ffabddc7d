"""A small animated scene built from code, for the demo, tests and benchmarks."""

from __future__ import annotations

import os

import bpy

from ..core.sample_shot import SampleShotSpec
from .sample_shot import build_sample_shot
from .scene_guard import SceneGuard


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
    spec = SampleShotSpec(frames=frames, set_camera=with_camera,
                          ground_texture=texture_path)
    for _ in build_sample_shot(scene, spec, SceneGuard()):
        pass
    if not with_camera:  # a scene with no camera at all, for the farm's error path
        bpy.data.objects.remove(bpy.data.objects["Camera"])

    scene.render.engine = "CYCLES"
    scene.cycles.samples = samples
    scene.cycles.use_denoising = False
    scene.render.resolution_x, scene.render.resolution_y = resolution
    scene.render.resolution_percentage = 100
    scene.render.image_settings.file_format = "PNG"
    scene.render.filepath = "//render/frame_####"
    bpy.ops.wm.save_as_mainfile(filepath=path, relative_remap=True)
    return path

