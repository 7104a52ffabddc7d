"""Render on Farm: submit a saved copy of this file to the farm and follow its frames."""

from __future__ import annotations

import time
from pathlib import Path

import bpy

from ..bl.propgroup import read_model, write_model
from ..bl.scene_io import require_saved, save_farm_copy
from ..core.errors import JobSpecError, MetastudioError
from ..core.farm_client import FarmProcess, FarmProgress, find_farm_command, render_command
from ..core.render_job import RenderSettings, check_address
from ..core.scene_info import split_output_pattern
from ..core.settings import FarmStatus
from ..preferences import farm_address, farm_command


def start_farm_render(context) -> FarmProcess:
    """Validate the panel's settings, save a copy of the file and start the farm on it."""
    require_saved()
    settings = read_model(context.scene.metastudio.render, RenderSettings)
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


def show_progress(context, progress: FarmProgress) -> None:
    write_model(context.window_manager.metastudio.farm, FarmStatus(
        running=not progress.finished, total=progress.total, done=progress.done,
        failed=progress.failed, message=progress.message))


class METASTUDIO_OT_render_on_farm(bpy.types.Operator):
    """Save a copy of this file and render its frames on the farm"""

    bl_idname = "metastudio.render_on_farm"
    bl_label = "Render on Farm"
    bl_options = {"REGISTER"}  # the scene is not changed: nothing to undo

    def execute(self, context):
        try:
            process = start_farm_render(context)
        except MetastudioError as exc:
            self.report({"ERROR"}, str(exc))
            return {"CANCELLED"}
        while not process.poll().finished:
            show_progress(context, process.progress)
            time.sleep(0.1)
        return self._finish(context, process.progress)

    def invoke(self, context, event):
        if context.window is None:  # no window to time a modal on (a script, a farm)
            return self.execute(context)
        try:
            self._process = start_farm_render(context)
        except MetastudioError as exc:
            self.report({"ERROR"}, str(exc))
            return {"CANCELLED"}
        wm = context.window_manager
        wm.progress_begin(0, 1)
        self._timer = wm.event_timer_add(0.25, window=context.window)
        wm.modal_handler_add(self)
        return {"RUNNING_MODAL"}

    def modal(self, context, event):
        if event.type == "ESC":
            self._process.cancel()
            while not self._process.poll().finished:
                time.sleep(0.05)
            self._stop_timer(context)
            show_progress(context, self._process.progress)
            self.report({"WARNING"}, "farm render stopped; Render on Farm again resumes it")
            return {"CANCELLED"}
        if event.type == "TIMER":
            progress = self._process.poll()
            context.window_manager.progress_update(progress.fraction)
            show_progress(context, progress)
            for area in context.screen.areas if context.screen else ():
                if area.type == "VIEW_3D":
                    area.tag_redraw()
            if progress.finished:
                self._stop_timer(context)
                return self._finish(context, progress)
        return {"PASS_THROUGH"}

    def _stop_timer(self, context) -> None:
        context.window_manager.event_timer_remove(self._timer)
        context.window_manager.progress_end()

    def _finish(self, context, progress: FarmProgress):
        show_progress(context, progress)
        if progress.returncode == 0:
            self.report({"INFO"}, progress.message or "farm render finished")
            return {"FINISHED"}
        self.report({"ERROR"}, progress.message)
        return {"CANCELLED"}


classes = (METASTUDIO_OT_render_on_farm,)
register, unregister = bpy.utils.register_classes_factory(classes)
