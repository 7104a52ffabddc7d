"""Add Sample Shot: a ball rolling under a sun, to try the studio and the farm with."""

from __future__ import annotations

import bpy

from ..bl.sample_shot import build_sample_shot
from ..core.sample_shot import SampleShotSpec
from .stepped import SteppedOperator, params_json_property


class METASTUDIO_OT_add_sample_shot(SteppedOperator, bpy.types.Operator):
    """Add a ball rolling across a ground under a sun, with a camera"""

    bl_idname = "metastudio.add_sample_shot"
    bl_label = "Add Sample Shot"
    bl_options = {"REGISTER", "UNDO"}

    params_model = SampleShotSpec
    settings_name = "sample_shot"
    params_json: params_json_property()

    def steps(self, context, params, guard):
        return build_sample_shot(context.scene, params, guard)

    def done_message(self, params) -> str:
        return f"Added a {params.frames}-frame sample shot"


classes = (METASTUDIO_OT_add_sample_shot,)
register, unregister = bpy.utils.register_classes_factory(classes)
