"""Render settings and single frames in a bpy process that stays warm between frames."""

from __future__ import annotations

import contextlib
import os
import sys

import bpy

from ..core.devices import GPU_BACKENDS, DeviceChoice, choose_cycles_device
from ..core.errors import SceneError
from ..core.render_job import RenderOverrides

# Blender 4.2-4.5 call EEVEE "BLENDER_EEVEE_NEXT"; 5.0 went back to "BLENDER_EEVEE".
_ENGINE_ALIASES = {"BLENDER_EEVEE": ("BLENDER_EEVEE", "BLENDER_EEVEE_NEXT")}


def _set_engine(scene, engine: str) -> None:
    for name in _ENGINE_ALIASES.get(engine, (engine,)):
        try:
            scene.render.engine = name
            return
        except TypeError:
            continue
    raise SceneError(f"overrides.engine: this Blender has no {engine} engine")


def apply_overrides(scene, overrides: RenderOverrides, threads: int | None = None) -> None:
    """Apply a job's overrides and the worker's thread budget to the open scene."""
    if overrides.engine:
        _set_engine(scene, overrides.engine)
    if overrides.samples is not None:
        scene.cycles.samples = overrides.samples
        if hasattr(scene, "eevee"):
            scene.eevee.taa_render_samples = overrides.samples
    if overrides.resolution is not None:
        scene.render.resolution_x, scene.render.resolution_y = overrides.resolution
        scene.render.resolution_percentage = 100
    if overrides.file_format is not None:
        scene.render.image_settings.file_format = overrides.file_format
    scene.render.use_persistent_data = overrides.persistent_data
    if threads:
        scene.render.threads_mode = "FIXED"
        scene.render.threads = threads


def available_cycles_devices() -> dict[str, list[tuple[str, str]]]:
    """Ask Cycles which devices each GPU backend sees, as (id, type) pairs."""
    prefs = bpy.context.preferences.addons["cycles"].preferences
    found: dict[str, list[tuple[str, str]]] = {}
    for backend in GPU_BACKENDS:
        try:
            prefs.compute_device_type = backend
        except TypeError:
            continue  # this build of Blender has no such backend
        # Without this call Cycles reports no devices at all.
        devices = prefs.get_devices_for_type(backend)
        found[backend] = [(device.id, device.type) for device in devices]
    return found


def configure_cycles_device(scene, want_gpu: bool) -> DeviceChoice:
    """Render on the best GPU backend Cycles sees, else on the CPU; returns the choice."""
    choice = choose_cycles_device(available_cycles_devices() if want_gpu else {}, want_gpu)
    prefs = bpy.context.preferences.addons["cycles"].preferences
    if choice.is_gpu:
        prefs.compute_device_type = choice.backend
        for device in prefs.get_devices_for_type(choice.backend):
            device.use = device.id in choice.device_ids
        scene.cycles.device = "GPU"
    else:
        scene.cycles.device = "CPU"
    return choice


@contextlib.contextmanager
def capture_output(log_path: str):
    """Send everything the process prints (Blender's C code included) to `log_path`."""
    sys.stdout.flush()
    sys.stderr.flush()
    saved_fds = os.dup(1), os.dup(2)
    saved_streams = sys.stdout, sys.stderr
    with open(log_path, "a", buffering=1) as log:
        # Both levels: C code writes to the descriptors, while Python's streams may be
        # replaced objects (pytest, Ray) that never reach the descriptors.
        os.dup2(log.fileno(), 1)
        os.dup2(log.fileno(), 2)
        sys.stdout = sys.stderr = log
        try:
            yield
        finally:
            log.flush()
            sys.stdout, sys.stderr = saved_streams
            os.dup2(saved_fds[0], 1)
            os.dup2(saved_fds[1], 2)
            os.close(saved_fds[0])
            os.close(saved_fds[1])


def frame_output_path(scene, folder: str, name_pattern: str, frame: int) -> str:
    """The file Blender names for `frame` ("####" padding, the format's extension)."""
    scene.render.filepath = os.path.join(folder, name_pattern)
    return bpy.path.abspath(scene.render.frame_path(frame=frame))


def render_frame(scene, frame: int, folder: str, name_pattern: str) -> str:
    """Render one frame and write it where Blender names it; returns the written path.

    Raises SceneError with Blender's message when the render fails.
    """
    path = frame_output_path(scene, folder, name_pattern, frame)
    scene.frame_set(frame)
    # write_still does not expand "####", so the resolved name is set before rendering.
    scene.render.filepath = path
    try:
        bpy.ops.render.render(write_still=True, scene=scene.name)
    except RuntimeError as exc:
        reason = str(exc).strip().removeprefix("Error: ")
        raise SceneError(f"frame {frame}: {reason}") from None
    if not os.path.exists(path):
        raise SceneError(f"frame {frame}: Blender reported success but wrote no {path}")
    return path
