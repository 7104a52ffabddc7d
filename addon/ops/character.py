"""Make Character: a rigged, skinned human with face shapes, from a description."""

from __future__ import annotations

import bpy

from ..bl.character import build_character
from ..core.character.spec import CharacterSpec
from .stepped import SteppedOperator, params_json_property


class METASTUDIO_OT_make_character(SteppedOperator, bpy.types.Operator):
    """Make a rigged human with ARKit face shapes from a description (again with the
    same name: update it)"""

    bl_idname = "metastudio.make_character"
    bl_label = "Make Character"
    bl_options = {"REGISTER", "UNDO"}

    params_model = CharacterSpec
    settings_name = "character"
    params_json: params_json_property()

    def steps(self, context, params, guard):
        return build_character(context, params, guard, self._warnings)

    def done_message(self, params) -> str:
        obj = bpy.data.objects.get(params.name)
        resolved = obj.get("metastudio_resolved_summary", "") if obj else ""
        return f"Made {params.name}: {resolved}" if resolved else f"Made {params.name}"


classes = (METASTUDIO_OT_make_character,)
register, unregister = bpy.utils.register_classes_factory(classes)
