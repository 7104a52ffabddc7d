"""Voice operators: Lip Sync keys a recording's mouth shapes onto a character; Speak says
a line with eSpeak NG and keys it from the synthesiser's own timing."""

from __future__ import annotations

import hashlib
import os
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import bpy

from ..bl.lipsync_keys import (
    add_sound_strip,
    can_play_sound,
    check_target,
    key_shapes,
    target_object,
)
from ..core.voice.keying import key_tracks, parse_mapping, preset_key_names
from ..core.voice.lipsync import lipsync
from ..core.voice.lipsync_keys import KeyingSpec, LipSyncKeysSpec, SpeakKeysSpec
from ..core.voice.tts import speak, write_wav
from .stepped import SteppedOperator, params_json_property


def _check_target(params: KeyingSpec):
    obj = target_object(params.target)
    mapping = parse_mapping(params.mapping)
    names = sorted({mapping.get(name, name) for name in preset_key_names(params.preset)})
    check_target(obj, names, params.bone)
    return obj, mapping


def _in_thread(work, label: str, start: float, end: float):
    """Run `work` (no bpy inside) in a thread, yielding progress until it is done; the
    generator's return value is the result."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        future = pool.submit(work)
        waited = 0.0
        while not future.done():
            time.sleep(0.02)
            waited += 0.02
            yield min(start + waited / 10, end), label
        return future.result()


def _key_and_sound(context, params: KeyingSpec, obj, mapping, cues, audio: str, guard,
                   warnings: list[str]) -> None:
    scene = context.scene
    fps = scene.render.fps / scene.render.fps_base
    start = params.start_frame if params.start_frame is not None else scene.frame_start
    tracks = key_tracks(cues, fps, start, params.preset, mapping, params.strength)
    key_shapes(obj, tracks, guard, params.bone)
    if params.add_sound and can_play_sound():
        add_sound_strip(scene, audio, start, guard)
    elif params.add_sound:
        warnings.append("this Blender was built without audio: no sound strip added")


def lipsync_steps(context, params: LipSyncKeysSpec, guard, warnings: list[str]):
    """Check the target, align in a thread, then key and add the sound."""
    obj, mapping = _check_target(params)
    yield 0.05, "reading the recording"
    result = yield from _in_thread(lambda: lipsync(params), "finding the phones", 0.05, 0.75)
    warnings += result.warnings
    yield 0.8, "keying the mouth"
    _key_and_sound(context, params, obj, mapping, result.cues, str(params.audio), guard,
                   warnings)
    yield 1.0, "done"


def speech_path(params: SpeakKeysSpec) -> Path:
    """Where a spoken line is written: the given path, else voices/ beside the .blend
    (or the temporary folder for a file never saved), named by what is said."""
    if params.out is not None:
        return params.out
    digest = hashlib.sha1(f"{params.voice}|{params.speed}|{params.pitch}|{params.text}"
                          .encode()).hexdigest()[:10]
    folder = (Path(bpy.path.abspath("//voices")) if bpy.data.filepath
              else Path(bpy.app.tempdir or "/tmp") / "metastudio-voices")
    return folder / f"line-{digest}.wav"


def speak_steps(context, params: SpeakKeysSpec, guard, warnings: list[str]):
    """Check the target, speak in a thread, write the WAV, then key and add the sound."""
    obj, mapping = _check_target(params)
    path = speech_path(params)
    yield 0.05, "speaking"
    line = yield from _in_thread(lambda: speak(params), "speaking", 0.05, 0.6)
    existed = path.exists()
    write_wav(line.speech, path, make_parents=True)
    if not existed:
        guard.add_undo(lambda: os.path.exists(path) and os.unlink(path))
    yield 0.8, "keying the mouth"
    _key_and_sound(context, params, obj, mapping, line.cues, str(path), guard, warnings)
    yield 1.0, "done"


class METASTUDIO_OT_lipsync(SteppedOperator, bpy.types.Operator):
    """Key the mouth shapes of a voice recording onto the character's shape keys"""

    bl_idname = "metastudio.lipsync"
    bl_label = "Lip Sync"
    bl_options = {"REGISTER", "UNDO"}

    params_model = LipSyncKeysSpec
    settings_name = "lipsync"
    params_json: params_json_property()

    def steps(self, context, params, guard):
        return lipsync_steps(context, params, guard, self._warnings)

    def done_message(self, params) -> str:
        return f"Lip-synced {params.audio.name}"


class METASTUDIO_OT_speak(SteppedOperator, bpy.types.Operator):
    """Speak a line with an eSpeak NG voice and key its mouth shapes on the character"""

    bl_idname = "metastudio.speak"
    bl_label = "Speak Line"
    bl_options = {"REGISTER", "UNDO"}

    params_model = SpeakKeysSpec
    settings_name = "speak"
    params_json: params_json_property()

    def steps(self, context, params, guard):
        return speak_steps(context, params, guard, self._warnings)

    def done_message(self, params) -> str:
        return f"Spoke and keyed: {params.text[:40]}"


classes = (METASTUDIO_OT_lipsync, METASTUDIO_OT_speak)
register, unregister = bpy.utils.register_classes_factory(classes)
