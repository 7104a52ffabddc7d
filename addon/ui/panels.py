"""The Studio tab: one panel per feature, drawn from the features' models."""

from __future__ import annotations

import bpy

from ..bl.background.build import resolved_holder
from ..bl.character.build import find_character
from ..bl.propgroup import draw_model
from ..core.background.spec import BackgroundSpec
from ..core.character.avatar import AvatarSpec
from ..core.character.spec import CharacterSpec
from ..core.render_job import RenderSettings
from ..core.sample_shot import SampleShotSpec
from ..core.scene_script import ClipSpec, SceneFileSpec
from ..core.tracking.spec import LiveSpec, TrackSpec
from ..core.voice.lipsync_keys import LipSyncKeysSpec, SpeakKeysSpec


class StudioPanel:
    bl_space_type = "VIEW_3D"
    bl_region_type = "UI"
    bl_category = "Studio"


class METASTUDIO_PT_farm(StudioPanel, bpy.types.Panel):
    """Render this file on a metastudio farm."""

    bl_label = "Farm"
    bl_idname = "METASTUDIO_PT_farm"

    def draw(self, context):
        layout = self.layout
        status = context.window_manager.metastudio.farm
        if status.running or status.total:
            text = f"{status.done}/{status.total} frames" + (
                f", {status.failed} failed" if status.failed else "")
            if hasattr(layout, "progress"):  # Blender 4.0+
                fraction = (status.done + status.failed) / status.total if status.total else 0
                layout.progress(factor=fraction, text=text)
            else:
                layout.label(text=text)
        if status.message:
            layout.label(text=status.message)
        layout.operator("metastudio.render_on_farm", icon="RENDER_ANIMATION")
        if status.job_id and status.running:
            layout.operator("metastudio.cancel_farm_job", icon="CANCEL")
        draw_model(layout, context.scene.metastudio.render, RenderSettings)


class METASTUDIO_PT_sample_shot(StudioPanel, bpy.types.Panel):
    """A ready-made animated shot to try the studio and the farm with."""

    bl_label = "Sample Shot"
    bl_idname = "METASTUDIO_PT_sample_shot"
    bl_options = {"DEFAULT_CLOSED"}

    def draw(self, context):
        layout = self.layout
        layout.operator("metastudio.add_sample_shot", icon="ADD")
        draw_model(layout, context.scene.metastudio.sample_shot, SampleShotSpec)


class METASTUDIO_PT_voice(StudioPanel, bpy.types.Panel):
    """Voices: lip-sync a recording onto the character's face."""

    bl_label = "Voice"
    bl_idname = "METASTUDIO_PT_voice"

    def draw(self, context):
        layout = self.layout
        layout.operator("metastudio.lipsync", icon="SPEAKER")
        draw_model(layout, context.scene.metastudio.lipsync, LipSyncKeysSpec)
        layout.separator()
        layout.operator("metastudio.speak", icon="PLAY_SOUND")
        draw_model(layout, context.scene.metastudio.speak, SpeakKeysSpec)


class METASTUDIO_PT_background(StudioPanel, bpy.types.Panel):
    """Backgrounds: a lit world from a description."""

    bl_label = "Background"
    bl_idname = "METASTUDIO_PT_background"

    def draw(self, context):
        layout = self.layout
        layout.operator("metastudio.make_background", icon="WORLD")
        draw_model(layout, context.scene.metastudio.background, BackgroundSpec)
        holder = resolved_holder()
        summary = holder.get("metastudio_resolved_summary") if holder else None
        if summary:
            layout.box().label(text=f"Resolved: {summary}")


class METASTUDIO_PT_character(StudioPanel, bpy.types.Panel):
    """Characters: a rigged human from a description."""

    bl_label = "Character"
    bl_idname = "METASTUDIO_PT_character"

    def draw(self, context):
        layout = self.layout
        layout.operator("metastudio.make_character", icon="ARMATURE_DATA")
        draw_model(layout, context.scene.metastudio.character, CharacterSpec)
        mesh, _ = find_character(context.scene.metastudio.character.name)
        summary = mesh.get("metastudio_resolved_summary") if mesh is not None else None
        if summary:
            box = layout.box()
            box.label(text="Resolved:")
            for part in summary.split(", "):
                box.label(text=part)
        layout.separator()
        layout.operator("metastudio.export_avatar", icon="EXPORT")
        draw_model(layout, context.scene.metastudio.avatar, AvatarSpec)


class METASTUDIO_PT_scene(StudioPanel, bpy.types.Panel):
    """Scenes: a scene script (background, cast, dialogue) built into this file."""

    bl_label = "Scene Script"
    bl_idname = "METASTUDIO_PT_scene"

    def draw(self, context):
        layout = self.layout
        layout.operator("metastudio.make_scene", icon="SEQUENCE")
        draw_model(layout, context.scene.metastudio.scene_script, SceneFileSpec)
        layout.separator()
        layout.operator("metastudio.render_clip", icon="RENDER_ANIMATION")
        draw_model(layout, context.scene.metastudio.clip, ClipSpec)


class METASTUDIO_PT_tracking(StudioPanel, bpy.types.Panel):
    """Tracking: a video of a performer drives a character."""

    bl_label = "Tracking"
    bl_idname = "METASTUDIO_PT_tracking"

    def draw(self, context):
        layout = self.layout
        layout.operator("metastudio.track", icon="CON_ARMATURE")
        draw_model(layout, context.scene.metastudio.track, TrackSpec)
        layout.separator()
        layout.operator("metastudio.live_track", icon="OUTLINER_OB_CAMERA")
        draw_model(layout, context.scene.metastudio.live, LiveSpec)


classes = (METASTUDIO_PT_background, METASTUDIO_PT_character, METASTUDIO_PT_voice,
           METASTUDIO_PT_tracking, METASTUDIO_PT_scene, METASTUDIO_PT_farm,
           METASTUDIO_PT_sample_shot)
register, unregister = bpy.utils.register_classes_factory(classes)
