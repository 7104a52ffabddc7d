"""Render on Farm: submit a saved copy of this file to the farm and follow its frames."""

from __future__ import annotations

import time
from pathlib import Path

import bpy

from ..bl.propgroup import read_model, write_model
from ..bl.scene_io import require_saved, save_farm_copy
from ..core.errors import FarmError, JobSpecError
from ..core.farm_client import FarmProcess, FarmProgress, find_farm_command, render_command
from ..core.job_states import TaskState
from ..core.render_job import RenderSettings, check_address
from ..core.scene_info import split_output_pattern
from ..core.service_client import JobWatcher, ServiceClient
from ..core.service_jobs import JobView, render_job_request
from ..core.settings import FarmStatus
from ..preferences import farm_address, farm_command, farm_service
from .stepped import SteppedOperator, params_json_property

# The job this session follows on a farm service (the watcher's thread does the I/O).
_watching: dict[str, JobWatcher] = {}


def _pin_output(context, settings: RenderSettings) -> RenderSettings:
    if settings.output.directory is None:
        # The copy lives in another folder: pin the output to where the artist's file
        # would write, not where the copy's "//" points.
        folder, _ = split_output_pattern(context.scene.render.filepath,
                                         Path(bpy.data.filepath).parent, None)
        settings = settings.model_copy(update={"output": settings.output.model_copy(
            update={"directory": folder})})
    return settings


def submit_to_service(context, settings: RenderSettings, url: str, token: str) -> JobView:
    """Save a copy of the file for this job and queue it on the farm service; the panel
    then follows the job (a timer reading a watcher thread) while the artist works on."""
    require_saved()
    client = ServiceClient(url, token or None)
    settings = _pin_output(context, settings)
    copy = save_farm_copy(unique=True)
    job = client.submit(render_job_request(Path(copy), settings, Path(bpy.data.filepath).name))
    follow_service_job(client, job.id)
    show_progress(context, FarmProgress(total=job.total, message=_job_text(job)),
                  job_id=job.id)
    return job


def follow_service_job(client: ServiceClient, job_id: str) -> None:
    """Show a service job's progress in the Farm panel until it ends."""
    for watcher in _watching.values():
        watcher.stop()
    _watching.clear()
    _watching[job_id] = JobWatcher(client, job_id)
    if not bpy.app.timers.is_registered(drain_service_updates):
        bpy.app.timers.register(drain_service_updates, first_interval=0.5, persistent=True)


def drain_service_updates() -> float | None:
    """Timer: put what the watcher saw into the Farm panel; stops when the job ends."""
    for job_id, watcher in list(_watching.items()):
        update = watcher.latest()
        if update is not None:
            context = bpy.context
            if isinstance(update, str):  # the service did not answer
                status = farm_status()
                show_progress(context, FarmProgress(total=status.total, done=status.done,
                                                    failed=status.failed,
                                                    message=update), job_id=job_id)
            else:
                show_progress(context, FarmProgress(
                    total=update.total, done=update.counts.get(TaskState.DONE, 0),
                    failed=update.counts.get(TaskState.FAILED, 0),
                    finished=update.state.is_final, message=_job_text(update)),
                    job_id=job_id)
        if not watcher.alive:
            del _watching[job_id]
    return 0.5 if _watching else None


def _job_text(job: JobView) -> str:
    text = f"job {job.id}: {job.state}"
    return text + (f" ({job.message})" if job.message else "")


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
    settings = _pin_output(context, settings)
    copy = save_farm_copy()
    return FarmProcess(render_command(executable, Path(copy), settings))


def farm_status() -> FarmStatus:
    """The last farm render started from this Blender session."""
    return read_model(bpy.context.window_manager.metastudio.farm, FarmStatus)


def show_progress(context, progress: FarmProgress, job_id: str = "") -> None:
    write_model(context.window_manager.metastudio.farm, FarmStatus(
        running=not progress.finished, total=progress.total, done=progress.done,
        failed=progress.failed, message=progress.message, job_id=job_id))
    for area in context.screen.areas if context.screen else ():
        if area.type == "VIEW_3D":
            area.tag_redraw()


def farm_steps(context, settings: RenderSettings, outcome: dict):
    """Start the farm, then report its frames until it ends; closing the steps (Esc)
    stops the farm, which resumes where it was on the next submission. With a farm
    service set in the preferences, the file is queued there instead and the panel
    follows the job."""
    url, token = farm_service(context)
    if url:
        job = submit_to_service(context, settings, url, token)
        outcome["message"] = f"queued job {job.id} on {url}"
        yield 1.0, outcome["message"]
        return
    yield from follow_process(context, start_farm_render(context, settings), outcome)


def follow_process(context, process: FarmProcess, outcome: dict):
    """Report a farm process's frames in the Farm panel until it ends; closing the steps
    (Esc) stops it (what is done stays done)."""
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


class METASTUDIO_OT_cancel_farm_job(bpy.types.Operator):
    """Cancel the job this file last queued on the farm service (frames done are kept)"""

    bl_idname = "metastudio.cancel_farm_job"
    bl_label = "Cancel Farm Job"
    bl_options = {"REGISTER"}

    @classmethod
    def poll(cls, context):
        return bool(farm_status().job_id and farm_service(context)[0])

    def execute(self, context):
        url, token = farm_service(context)
        status = farm_status()
        try:
            job = ServiceClient(url, token or None).action(status.job_id, "cancel")
        except (FarmError, JobSpecError) as exc:
            self.report({"ERROR"}, str(exc))
            return {"CANCELLED"}
        follow_service_job(ServiceClient(url, token or None), job.id)
        self.report({"INFO"}, _job_text(job))
        return {"FINISHED"}


classes = (METASTUDIO_OT_render_on_farm, METASTUDIO_OT_cancel_farm_job)
register, unregister = bpy.utils.register_classes_factory(classes)
