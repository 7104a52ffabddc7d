"""Live Performance: a webcam (or a video file standing in) drives the character in the
viewport until Esc; what was performed is then keyed."""

from __future__ import annotations

import bpy

from ..bl.live import LiveSession
from ..core.errors import MetastudioError
from ..core.tracking.spec import LiveSpec
from .stepped import SteppedOperator, params_json_property


class METASTUDIO_OT_live_track(bpy.types.Operator):
    """Drive the character live from a camera; Esc stops (and keys the performance when
    Record is on)"""

    bl_idname = "metastudio.live_track"
    bl_label = "Live Performance"
    bl_options = {"REGISTER", "UNDO"}

    params_model = LiveSpec
    settings_name = "live"
    params_json: params_json_property()
    read_params = SteppedOperator.read_params

    def _start(self, context) -> bool:
        try:
            self._session = LiveSession(context, self.read_params(context))
        except MetastudioError as exc:
            self.report({"ERROR"}, str(exc))
            return False
        for warning in self._session.warnings:
            self.report({"WARNING"}, warning)
        return True

    def _finish(self, context) -> None:
        keyed = self._session.stop(context)
        done = self._session.source.frames
        self.report({"INFO"}, f"Live Performance: {done} frames"
                    + (f", {keyed} keyed" if keyed else ""))

    def execute(self, context):
        """Scripts: run until the video file ends or max_frames are done."""
        if not self._start(context):
            return {"CANCELLED"}
        params = self._session.spec
        if self._session.source.is_camera and not params.max_frames:
            self._session.cancel()
            self.report({"ERROR"}, "max_frames: give a frame count to run a camera from a "
                                   "script (in the viewport, Esc stops)")
            return {"CANCELLED"}
        try:
            while self._session.step():
                pass
        except MetastudioError as exc:
            self._session.cancel()
            self.report({"ERROR"}, str(exc))
            return {"CANCELLED"}
        self._finish(context)
        return {"FINISHED"}

    def invoke(self, context, event):
        if context.window is None:
            return self.execute(context)
        if not self._start(context):
            return {"CANCELLED"}
        wm = context.window_manager
        self._timer = wm.event_timer_add(1.0 / self._session.source.fps, window=context.window)
        wm.modal_handler_add(self)
        return {"RUNNING_MODAL"}

    def modal(self, context, event):
        if event.type in {"ESC", "RIGHTMOUSE"}:
            return self._end(context)
        if event.type != "TIMER":
            return {"PASS_THROUGH"}
        try:
            going = self._session.step()
        except MetastudioError as exc:
            context.window_manager.event_timer_remove(self._timer)
            self._session.cancel()
            self.report({"ERROR"}, str(exc))
            return {"CANCELLED"}
        if context.area is not None:
            context.area.header_text_set(
                f"Live: frame {self._session.source.frames}"
                + (" (recording)" if self._session.spec.record else "") + " - Esc stops")
        return {"RUNNING_MODAL"} if going else self._end(context)

    def _end(self, context):
        context.window_manager.event_timer_remove(self._timer)
        if context.area is not None:
            context.area.header_text_set(None)
        self._finish(context)
        return {"FINISHED"}


classes = (METASTUDIO_OT_live_track,)
register, unregister = bpy.utils.register_classes_factory(classes)
