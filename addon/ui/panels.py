"""The Studio tab: one panel per feature, drawn from the features' models."""

from __future__ import annotations

import bpy

from ..bl.propgroup import draw_model
from ..core.render_job import RenderSettings


class StudioPanel:
    bl_space_type = "VIEW_3D"
    bl_region_type = "UI"
    bl_category = "Studio"


class METASTUDIO_PT_farm(StudioPanel, bpy.types.Panel):
    """Render this file on a metastudio farm."""

    bl_label = "Farm"
    bl_idname = "METASTUDIO_PT_farm"

    def draw(self, context):
        draw_model(self.layout, context.scene.metastudio.render, RenderSettings)


classes = (METASTUDIO_PT_farm,)
register, unregister = bpy.utils.register_classes_factory(classes)
