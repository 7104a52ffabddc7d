"""The shape every metastudio operator shares: one model in, steps out, nothing half-done.

`execute()` runs the steps to the end (scripts, the farm's headless runner). `invoke()`
runs the same steps one per timer tick from a modal handler, with Blender's progress
indicator and a status line, and Esc cancels. A step that fails, or a cancel, rolls the
scene back through a SceneGuard; a run that finishes is one undo step.

The parameters come from the operator's `params_json` when a caller gives it (the farm,
a script), or else from the feature's settings in `Scene.metastudio` (the panel).
"""

from __future__ import annotations

from typing import ClassVar

import bpy
from pydantic import BaseModel, ValidationError

from ..bl.propgroup import read_model
from ..bl.scene_guard import SceneGuard
from ..bl.steps import StepRun, Steps
from ..core.errors import JobSpecError, MetastudioError
from ..core.schema import describe_validation_error


class SteppedOperator:
    """Mixin for a bpy.types.Operator whose work is `steps(context, params)`.

    Subclasses set `params_model` and `settings_name` (the feature's section of
    `Scene.metastudio`) and declare `params_json: StringProperty(...)`.
    """

    params_model: ClassVar[type[BaseModel]]
    settings_name: ClassVar[str]

    def steps(self, context, params: BaseModel, guard: SceneGuard) -> Steps:
        raise NotImplementedError

    def done_message(self, params: BaseModel) -> str:
        return f"{self.bl_label}: done"

    def cancel_message(self) -> str:
        return f"{self.bl_label}: cancelled, the scene is as it was"

    def read_params(self, context) -> BaseModel:
        """The parameters: from `params_json` if given, else from the feature's panel."""
        if self.params_json:
            try:
                return self.params_model.model_validate_json(self.params_json)
            except ValidationError as exc:
                raise JobSpecError(describe_validation_error(exc)) from None
        return read_model(getattr(context.scene.metastudio, self.settings_name),
                          self.params_model)

    def begin(self, context) -> StepRun:
        """Validate the parameters and set up the run; nothing in the scene changes yet."""
        params = self.read_params(context)
        guard = SceneGuard()
        self._params = params
        self._warnings: list[str] = []  # steps may add to it; reported when they finish
        self._run = StepRun(self.steps(context, params, guard), guard)
        return self._run

    def execute(self, context):
        try:
            self.begin(context).run_to_end()
        except MetastudioError as exc:
            self.report({"ERROR"}, str(exc))
            return {"CANCELLED"}
        self._report_done()
        return {"FINISHED"}

    def _report_done(self) -> None:
        for warning in self._warnings:
            self.report({"WARNING"}, warning)
        self.report({"INFO"}, self.done_message(self._params))

    def invoke(self, context, event):
        if context.window is None:  # a script or a headless bpy: no window to run modal in
            return self.execute(context)
        try:
            self.begin(context)
        except MetastudioError as exc:
            self.report({"ERROR"}, str(exc))
            return {"CANCELLED"}
        wm = context.window_manager
        wm.progress_begin(0, 100)
        self._timer = wm.event_timer_add(0.01, window=context.window)
        wm.modal_handler_add(self)
        return {"RUNNING_MODAL"}

    def modal(self, context, event):
        if event.type == "ESC":
            self._run.cancel()
            self._end(context)
            self.report({"WARNING"}, self.cancel_message())
            return {"CANCELLED"}
        if event.type != "TIMER":
            return {"PASS_THROUGH"}
        try:
            finished = self._run.advance()
        except MetastudioError as exc:
            self._end(context)
            self.report({"ERROR"}, str(exc))
            return {"CANCELLED"}
        context.window_manager.progress_update(int(self._run.fraction * 100))
        if context.workspace is not None:
            context.workspace.status_text_set(
                f"{self.bl_label}: {self._run.message} (Esc to cancel)")
        if finished:
            self._end(context)
            self._report_done()
            return {"FINISHED"}
        return {"RUNNING_MODAL"}

    def _end(self, context) -> None:
        wm = context.window_manager
        if getattr(self, "_timer", None) is not None:
            wm.event_timer_remove(self._timer)
            self._timer = None
        wm.progress_end()
        if context.workspace is not None:
            context.workspace.status_text_set(None)


def params_json_property():
    """The hidden parameter through which scripts and the farm pass a model's JSON."""
    return bpy.props.StringProperty(
        name="Parameters (JSON)", default="",
        description="The operator's parameters as JSON; empty: use the panel's settings",
        options={"HIDDEN", "SKIP_SAVE"})
