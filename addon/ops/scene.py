"""Make Scene: a scene script built into the open file (background, cast, voices and
lip-sync, idle motion, cameras); Render on Farm then renders it."""

from __future__ import annotations

import tempfile
from pathlib import Path

import bpy

from ..bl.scene_build import build_scene, speak_lines
from ..core.scene_script import SceneFileSpec, load_script
from .lipsync import _in_thread
from .stepped import SteppedOperator, params_json_property


def voices_folder() -> Path:
    """Where the spoken lines go: beside the .blend, or a temporary folder for a file
    never saved."""
    if bpy.data.filepath:
        return Path(bpy.path.abspath("//"))
    return Path(tempfile.gettempdir()) / "metastudio-scene"


def make_scene_steps(context, params: SceneFileSpec, guard, warnings: list[str]):
    """Read the script, speak its lines in a thread, then build it into the scene."""
    script = load_script(params.script)
    folder = voices_folder()
    yield 0.02, "speaking the lines"
    parts = yield from _in_thread(lambda: speak_lines(script, folder, warnings),
                                  "speaking the lines", 0.02, 0.2)
    steps = build_scene(context, script, folder, guard, warnings, parts)
    while True:
        try:
            fraction, message = next(steps)
        except StopIteration:
            break
        yield 0.2 + 0.8 * fraction, message


class METASTUDIO_OT_make_scene(SteppedOperator, bpy.types.Operator):
    """Build a scene script into this file: background, characters, voices with
    lip-sync, idle motion and cameras cutting between speakers"""

    bl_idname = "metastudio.make_scene"
    bl_label = "Make Scene"
    bl_options = {"REGISTER", "UNDO"}

    params_model = SceneFileSpec
    settings_name = "scene_script"
    params_json: params_json_property()

    def steps(self, context, params, guard):
        return make_scene_steps(context, params, guard, self._warnings)

    def done_message(self, params) -> str:
        scene = bpy.context.scene
        return (f"Made the scene of {params.script.name}: frames {scene.frame_start}-"
                f"{scene.frame_end}; Render on Farm renders it")


classes = (METASTUDIO_OT_make_scene,)
register, unregister = bpy.utils.register_classes_factory(classes)
