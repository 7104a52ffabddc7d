"""Make Scene: a scene script built into the open file (background, cast, voices and
lip-sync, idle motion, cameras); Render on Farm then renders it."""

from __future__ import annotations

import tempfile
from pathlib import Path

import bpy

from ..bl.scene_build import build_scene, speak_lines
from ..bl.scene_io import require_saved, save_farm_copy
from ..core.errors import JobSpecError
from ..core.farm_client import FarmProcess, find_farm_command
from ..core.render_job import check_address
from ..core.scene_script import ClipSpec, SceneFileSpec, load_script
from ..preferences import farm_address, farm_command
from .farm import follow_process
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


def clip_steps(context, params: ClipSpec, outcome: dict):
    """Save a copy of the file, render its frames on the farm and encode the clip with
    its sound (`metastudio clip`, followed in the Farm panel; Esc stops it)."""
    require_saved()
    executable = find_farm_command(farm_command(context))
    folder = params.out or Path(bpy.path.abspath("//"))
    command = [executable, "clip", save_farm_copy(), "--out", str(folder), "--progress",
               "json"]
    if farm_address(context):
        try:
            command += ["--address", check_address(farm_address(context))]
        except ValueError as exc:
            raise JobSpecError(f"preferences.farm_address: {exc}") from None
    yield from follow_process(context, FarmProcess(command), outcome)


class METASTUDIO_OT_render_clip(SteppedOperator, bpy.types.Operator):
    """Render this file's frames on the farm and encode the clip with its dialogue"""

    bl_idname = "metastudio.render_clip"
    bl_label = "Render Clip"
    bl_options = {"REGISTER"}  # the scene is not changed: nothing to undo

    params_model = ClipSpec
    settings_name = "clip"
    params_json: params_json_property()

    def steps(self, context, params, guard):
        self._outcome = {}
        return clip_steps(context, params, self._outcome)

    def done_message(self, params) -> str:
        return self._outcome.get("message") or "clip rendered"

    def cancel_message(self) -> str:
        return "clip stopped; Render Clip again renders only the missing frames"


classes = (METASTUDIO_OT_make_scene, METASTUDIO_OT_render_clip)
register, unregister = bpy.utils.register_classes_factory(classes)
