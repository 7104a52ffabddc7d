"""The add-on's preferences: where the farm's command lives."""

from __future__ import annotations

import bpy


class METASTUDIO_AP_preferences(bpy.types.AddonPreferences):
    bl_idname = __package__

    farm_command: bpy.props.StringProperty(
        name="metastudio command", subtype="FILE_PATH",
        description="The installed `metastudio` program that runs the farm "
                    "(empty: the one on PATH)")

    def draw(self, context):
        self.layout.prop(self, "farm_command")


def farm_command(context) -> str:
    """The configured command, or "" when unset (or the add-on was registered by hand)."""
    entry = context.preferences.addons.get(__package__)
    return entry.preferences.farm_command if entry and entry.preferences else ""


classes = (METASTUDIO_AP_preferences,)
register, unregister = bpy.utils.register_classes_factory(classes)
