"""Track Performance: a video of a person drives a character's body and face."""

from __future__ import annotations

import bpy

from ..bl.tracking import bake_track
from ..core.tracking.spec import TrackSpec
from .stepped import SteppedOperator, params_json_property


class METASTUDIO_OT_track(SteppedOperator, bpy.types.Operator):
    """Track a video of a performer and bake it onto a rig and its face (Esc: cancel,
    nothing is left half-baked)"""

    bl_idname = "metastudio.track"
    bl_label = "Track Performance"
    bl_options = {"REGISTER", "UNDO"}

    params_model = TrackSpec
    settings_name = "track"
    params_json: params_json_property()

    def steps(self, context, params, guard):
        return bake_track(context, params, guard, self._warnings)

    def done_message(self, params) -> str:
        return f"Tracked {params.video.name} and baked it"


classes = (METASTUDIO_OT_track,)
register, unregister = bpy.utils.register_classes_factory(classes)
