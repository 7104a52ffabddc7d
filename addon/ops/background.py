"""Make Background: sky, sun, terrain, water and fog from a description."""

from __future__ import annotations

import bpy

from ..bl.background.build import build_background, resolved_holder
from ..core.background.spec import BackgroundSpec
from .stepped import SteppedOperator, params_json_property


class METASTUDIO_OT_make_background(SteppedOperator, bpy.types.Operator):
    """Make a lit world from a description (again: replace it; nothing else is touched)"""

    bl_idname = "metastudio.make_background"
    bl_label = "Make Background"
    bl_options = {"REGISTER", "UNDO"}

    params_model = BackgroundSpec
    settings_name = "background"
    params_json: params_json_property()

    def steps(self, context, params, guard):
        return build_background(context, params, guard, self._warnings)

    def done_message(self, params) -> str:
        holder = resolved_holder()
        resolved = holder.get("metastudio_resolved_summary", "") if holder else ""
        return f"Made a background: {resolved}" if resolved else "Made a background"


classes = (METASTUDIO_OT_make_background,)
register, unregister = bpy.utils.register_classes_factory(classes)
