"""Lip Sync: key a recording's mouth shapes onto a character and add its sound."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

import bpy

from ..bl.lipsync_keys import (
    add_sound_strip,
    can_play_sound,
    check_shape_keys,
    key_shapes,
    target_object,
)
from ..core.voice.keying import key_tracks, parse_mapping, preset_key_names
from ..core.voice.lipsync import lipsync
from ..core.voice.lipsync_keys import LipSyncKeysSpec
from .stepped import SteppedOperator, params_json_property


def lipsync_steps(context, params: LipSyncKeysSpec, guard, warnings: list[str]):
    """Check the target, align in a thread (no bpy there), then key and add the sound."""
    obj = target_object(params.target)
    mapping = parse_mapping(params.mapping)
    names = sorted({mapping.get(name, name) for name in preset_key_names(params.preset)})
    check_shape_keys(obj, names)
    yield 0.05, "reading the recording"

    with ThreadPoolExecutor(max_workers=1) as pool:
        future = pool.submit(lipsync, params)
        waited = 0.0
        while not future.done():
            time.sleep(0.02)
            waited += 0.02
            yield min(0.05 + waited / 10, 0.75), "finding the phones"
        result = future.result()
    warnings += result.warnings
    yield 0.8, "keying the mouth"

    scene = context.scene
    fps = scene.render.fps / scene.render.fps_base
    start = params.start_frame if params.start_frame is not None else scene.frame_start
    tracks = key_tracks(result.cues, fps, start, params.preset, mapping, params.strength)
    key_shapes(obj, tracks, guard)
    if params.add_sound and can_play_sound():
        add_sound_strip(scene, str(params.audio), start, guard)
    elif params.add_sound:
        warnings.append("this Blender was built without audio: no sound strip added")
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
        self._warnings = []
        return lipsync_steps(context, params, guard, self._warnings)

    def done_message(self, params) -> str:
        return f"Lip-synced {params.audio.name}"


classes = (METASTUDIO_OT_lipsync,)
register, unregister = bpy.utils.register_classes_factory(classes)
