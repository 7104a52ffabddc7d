"""Render on Farm: submit a saved copy of this file to the farm and follow its frames."""

from __future__ import annotations

import time
from pathlib import Path

import bpy

from ..bl.propgroup import read_model, write_model
from ..bl.scene_io import require_saved, save_farm_copy
from ..core.errors import FarmError, JobSpecError
from ..core.farm_client import FarmProcess, FarmProgress, find_farm_command, render_command
from ..core.render_job import RenderSettings, check_address
from ..core.scene_info import split_output_pattern
from ..core.settings import FarmStatus
from ..preferences import farm_address, farm_command
from .stepped import SteppedOperator, params_json_property


def start_farm_render(context, settings: RenderSettings) -> FarmProcess:
    """Save a copy of the file and start the farm on it with the panel's settings."""
    require_saved()
    executable = find_farm_command(farm_command(context))
    if settings.resources.address is None and farm_address(context):
        try:
            address = check_address(farm_address(context))
        except ValueError as exc:
            raise JobSpecError(f"preferences.farm_address: {exc}") from None
        settings = settings.model_copy(update={"resources": settings.resources.model_copy(
            update={"address": address})})
    if settings.output.directory is None:
        # The copy lives in another folder: pin the output to where the artist's file
        # would write, not where the copy's "//" points.
        folder, _ = split_output_pattern(context.scene.render.filepath,
                                         Path(bpy.data.filepath).parent, None)
        settings = settings.model_copy(update={"output": settings.output.model_copy(
            update={"directory": folder})})
    copy = save_farm_copy()
    return FarmProcess(render_command(executable, Path(copy), settings))


def farm_status() -> FarmStatus:
    """The last farm render started from this Blender session."""
    return read_model(bpy.context.window_manager.metastudio.farm, FarmStatus)


def show_progress(context, progress: FarmProgress) -> None:
    write_model(context.window_manager.metastudio.farm, FarmStatus(
        running=not progress.finished, total=progress.total, done=progress.done,
        failed=progress.failed, message=progress.message))
    for area in context.screen.areas if context.screen else ():
        if area.type == "VIEW_3D":
            area.tag_redraw()


def farm_steps(context, settings: RenderSettings, outcome: dict):
    """Start the farm, then report its frames until it ends; closing the steps (Esc)
    stops the farm, which resumes where it was on the next submission."""
    process = start_farm_render(context, settings)
    try:
        while not process.poll().finished:
            progress = process.progress
            show_progress(context, progress)
            time.sleep(0.05)
            yield progress.fraction, progress.message or "starting the farm"
    except GeneratorExit:
        process.cancel()
        while not process.poll().finished:
            time.sleep(0.05)
        show_progress(context, process.progress)
        raise
    show_progress(context, process.progress)
    outcome["message"] = process.progress.message
    if process.progress.returncode != 0:
        raise FarmError(process.progress.message or "farm: the render failed")


class METASTUDIO_OT_render_on_farm(SteppedOperator, bpy.types.Operator):
    """Save a copy of this file and render its frames on the farm"""

    bl_idname = "metastudio.render_on_farm"
    bl_label = "Render on Farm"
    bl_options = {"REGISTER"}  # the scene is not changed: nothing to undo

    params_model = RenderSettings
    settings_name = "render"
    params_json: params_json_property()

    def steps(self, context, params, guard):
        self._outcome = {}
        return farm_steps(context, params, self._outcome)

    def done_message(self, params) -> str:
        return self._outcome.get("message") or "farm render finished"

    def cancel_message(self) -> str:
        return "farm render stopped; Render on Farm again renders only the missing frames"


classes = (METASTUDIO_OT_render_on_farm,)
register, unregister = bpy.utils.register_classes_factory(classes)
