"""Expose each shot as a camera operator would: meter what every shot's camera sees (a
tiny render at the shot's first frame), set the exposure that brings it to a mid-tone,
and key it at the shot's cut, so a close-up of a face is not exposed for the sky of the
wide shot. The view is Blender's AgX, with a little more contrast than its base look."""

from __future__ import annotations

import math
import os
import tempfile

import bpy
import numpy as np

from .animation import fcurves

# Mean display value aimed for (a mid grey is about 0.46): a little under it, as AgX
# pales bright skin.
METER_TARGET = 0.38
LOOK = "AgX - Medium High Contrast"
# A close-up is spot-metered on the face: the middle of the frame (x from, x to, y from
# the top, y to) where the framing puts it, exposed a little over mid grey, as skin is.
SPOT = (0.4, 0.6, 0.25, 0.6)
FACE_TARGET = 0.45
CLOSE = " close"  # the close-up cameras' names end so (bl.scene_build)


def _mean_of_render(scene, path: str, spot: bool = False) -> float:
    """The mean display value of a tiny render of the current camera; `spot`: of the
    middle of the frame where a close-up has the face (SPOT)."""
    bpy.ops.render.render(write_still=True, scene=scene.name)
    image = bpy.data.images.load(path)
    width, height = image.size
    pixels = np.array(image.pixels[:], dtype=np.float32).reshape(height, width, 4)[..., :3]
    bpy.data.images.remove(image)
    if spot:
        x0, x1, top, bottom = SPOT
        # (rows run bottom-up in Blender's pixels)
        pixels = pixels[int(height * (1 - bottom)):int(height * (1 - top)),
                        int(width * x0):int(width * x1)]
    return float(pixels.mean())


def _metered(scene, path: str, start: float, spot: bool = False) -> float:
    """The exposure (stops) bringing the current camera's view to the target, from
    `start` (twice at most: the view transform is not linear); `spot`: a close-up,
    metered on the face (a dark board or a bright sky behind it would expose it wrong)."""
    exposure = start
    target = FACE_TARGET if spot else METER_TARGET
    for _ in range(2):
        scene.view_settings.exposure = exposure
        step = math.log2(target / max(_mean_of_render(scene, path, spot), 1e-3))
        exposure = float(np.clip(exposure + 0.8 * step, -4.0, 6.0))
        if abs(step) < 0.25:
            break
    return exposure


def meter_shots(scene, guard) -> dict[str, float]:
    """Meter every camera bound to a shot marker (or the scene's camera) and key the
    exposure at each cut; returns camera name -> exposure (stops). The look, the
    exposure and its keys are given to `guard` (a SceneGuard) to undo."""
    settings = scene.view_settings
    guard.remember(settings, "look")
    guard.remember(settings, "exposure")
    if settings.view_transform == "AgX":
        try:  # the looks are listed per view at run time: RNA's static list is empty
            settings.look = LOOK
        except TypeError:  # a Blender without this look keeps AgX's base one
            pass
    markers = sorted((m for m in scene.timeline_markers
                      if m.name.startswith("shot ") and m.camera is not None),
                     key=lambda m: m.frame)
    shots = [(m.frame, m.camera) for m in markers] or [(scene.frame_start, scene.camera)]
    render, cycles = scene.render, scene.cycles
    saved = (render.resolution_x, render.resolution_y, render.resolution_percentage,
             cycles.samples, render.filepath, render.image_settings.file_format,
             scene.camera, scene.frame_current)
    folder = tempfile.mkdtemp(prefix="metastudio-meter-")
    path = os.path.join(folder, "meter.png")
    start = settings.exposure  # the background's own exposure: a first guess
    exposures: dict[str, float] = {}
    try:
        render.resolution_x, render.resolution_y = 64, 36
        render.resolution_percentage, cycles.samples = 100, 8
        render.image_settings.file_format, render.filepath = "PNG", path
        for frame, camera in shots:
            if camera is None or camera.name in exposures:
                continue
            scene.camera = camera
            scene.frame_set(frame)
            exposures[camera.name] = _metered(scene, path, start,
                                              spot=camera.name.endswith(CLOSE))
    finally:
        (render.resolution_x, render.resolution_y, render.resolution_percentage,
         cycles.samples, render.filepath, render.image_settings.file_format,
         scene.camera, frame) = saved
        scene.frame_set(frame)
        if os.path.exists(path):
            os.remove(path)
        os.rmdir(folder)
    if not exposures:
        return exposures
    if len(shots) == 1:
        settings.exposure = next(iter(exposures.values()))
        return exposures
    keyed = []
    for frame, camera in shots:
        settings.exposure = exposures[camera.name]
        if scene.keyframe_insert('view_settings.exposure', frame=frame):
            keyed.append(frame)
    guard.add_undo(lambda: [scene.keyframe_delete('view_settings.exposure', frame=f)
                            for f in keyed])
    _hold_between_keys(scene)
    return exposures


def _hold_between_keys(scene) -> None:
    """Exposure changes at the cut, not across the shot before it."""
    for curve in fcurves(scene):
        if curve.data_path == "view_settings.exposure":
            for point in curve.keyframe_points:
                point.interpolation = "CONSTANT"
