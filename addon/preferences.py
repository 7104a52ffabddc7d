"""The add-on's preferences: where the farm's command lives, and the studio's farm."""

from __future__ import annotations

import os

import bpy


class METASTUDIO_AP_preferences(bpy.types.AddonPreferences):
    bl_idname = __package__

    farm_command: bpy.props.StringProperty(
        name="metastudio command", subtype="FILE_PATH",
        description="The installed `metastudio` program that runs the farm "
                    "(empty: the one on PATH)")

    farm_address: bpy.props.StringProperty(
        name="Farm address",
        description="The studio's Ray cluster (HOST:PORT or ray://HOST:PORT); empty: render "
                    "on a farm started on this computer. A file's own Farm settings win")

    service_url: bpy.props.StringProperty(
        name="Farm service",
        description="The studio's farm service (http://HOST:8642, `metastudio serve`); "
                    "set, Render on Farm queues the file there instead of running a farm "
                    "from this computer. It must see the file's folder (shared storage)")

    service_token: bpy.props.StringProperty(
        name="Service token", subtype="PASSWORD",
        description="The token the farm service showed when it first started")

    def draw(self, context):
        self.layout.prop(self, "farm_command")
        self.layout.prop(self, "farm_address")
        self.layout.prop(self, "service_url")
        self.layout.prop(self, "service_token")


def _preferences(context):
    entry = context.preferences.addons.get(__package__)
    return entry.preferences if entry and entry.preferences else None


def farm_command(context) -> str:
    """The configured command, or "" when unset (or the add-on was registered by hand)."""
    preferences = _preferences(context)
    return preferences.farm_command if preferences else ""


def farm_address(context) -> str:
    """The studio's farm address, or "" for a farm on this computer."""
    preferences = _preferences(context)
    return preferences.farm_address.strip() if preferences else ""


classes = (METASTUDIO_AP_preferences,)
register, unregister = bpy.utils.register_classes_factory(classes)


def farm_service(context) -> tuple[str, str]:
    """The studio's farm service (URL, token), or ("", "") when none is set. Without
    preferences, $METASTUDIO_SERVICE and $METASTUDIO_TOKEN (a studio's Blender launcher
    may set them)."""
    preferences = _preferences(context)
    if preferences and preferences.service_url.strip():
        return preferences.service_url.strip(), preferences.service_token.strip()
    url = os.environ.get("METASTUDIO_SERVICE", "").strip()
    return (url, os.environ.get("METASTUDIO_TOKEN", "").strip()) if url else ("", "")
