"""Make Character: a rigged, skinned human with face shapes, from a description."""

from __future__ import annotations

import bpy

from ..bl.avatar.export import export_avatar
from ..bl.character.build import build_character
from ..core.character.avatar import AvatarSpec
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


class METASTUDIO_OT_export_avatar(SteppedOperator, bpy.types.Operator):
    """Write a character as an avatar for real-time worlds: VRM 1.0, GLB, FBX or USD
    (materials baked to textures, strand hair as cards; the scene is left as it was)"""

    bl_idname = "metastudio.export_avatar"
    bl_label = "Export Avatar"
    bl_options = {"REGISTER"}

    params_model = AvatarSpec
    settings_name = "avatar"
    params_json: params_json_property()

    def steps(self, context, params, guard):
        self._report = {}
        return export_avatar(params, self._report)

    def done_message(self, params) -> str:
        r = self._report
        text = (f"Exported {params.path.name}: {r.get('triangles', 0):,} triangles, "
                f"{r.get('materials', 0)} materials, {r.get('bones', 0)} bones")
        if r.get("animation"):
            text += f"; its animation: {r['animation']}"
        over = r.get("over_budget") or []
        return text + (f" (over budget: {'; '.join(over)})" if over else "")


classes = (METASTUDIO_OT_make_character, METASTUDIO_OT_export_avatar)
register, unregister = bpy.utils.register_classes_factory(classes)
