"""Keying mouth shapes onto a character, and the line's sound strip, undoably.

Keys this code sets are remembered on the shape-key data-block, so that a re-run
replaces exactly them and never the artist's own keys.
"""

from __future__ import annotations

import json
import os

import bpy

from ..core.errors import JobSpecError
from .scene_guard import SceneGuard

RECORD = "metastudio_lipsync"


def target_object(name: str):
    """The named object, or the active one; JobSpecError when there is none."""
    if name:
        obj = bpy.data.objects.get(name)
        if obj is None:
            raise JobSpecError(f"target: no object named {name!r}")
        return obj
    obj = bpy.context.view_layer.objects.active if bpy.context.view_layer else None
    if obj is None:
        raise JobSpecError("target: select the character's face (or name it in Target)")
    return obj


def check_shape_keys(obj, names: list[str]) -> None:
    """JobSpecError naming what is missing when `obj` lacks shape keys the preset needs."""
    keys = getattr(getattr(obj, "data", None), "shape_keys", None)
    if keys is None:
        raise JobSpecError(f"target: {obj.name} has no shape keys to lip-sync (build the "
                           "character with face shapes, or pick the face mesh)")
    missing = [name for name in names if name not in keys.key_blocks]
    if missing:
        shown = ", ".join(missing[:6]) + (f" and {len(missing) - 6} more"
                                          if len(missing) > 6 else "")
        raise JobSpecError(f"preset: {obj.name} has no shape keys named {shown}; choose "
                           "another preset or map them (mapping: NAME=YOUR_KEY)")


def key_shapes(obj, tracks: dict[str, list[tuple[float, float]]], guard: SceneGuard) -> int:
    """Replace this tool's earlier keys on `obj` with `tracks`; returns keys set."""
    keys = obj.data.shape_keys
    _remove_own_keys(keys, guard)
    record: dict[str, list[float]] = {}
    count = 0
    for name, points in tracks.items():
        block = keys.key_blocks[name]
        before = block.value
        for frame, value in points:
            block.value = value
            block.keyframe_insert("value", frame=frame)
            count += 1
        block.value = before
        record[name] = [frame for frame, _ in points]

    def forget_new_keys(record=record, keys=keys):
        for name, frames in record.items():
            for frame in frames:
                keys.key_blocks[name].keyframe_delete("value", frame=frame)

    guard.add_undo(forget_new_keys)
    previous = keys.get(RECORD)
    keys[RECORD] = json.dumps(record)
    guard.add_undo(lambda: _restore_record(keys, previous))
    return count


def _restore_record(keys, previous) -> None:
    if previous is None:
        keys.pop(RECORD, None)
    else:
        keys[RECORD] = previous


def _remove_own_keys(keys, guard: SceneGuard) -> None:
    record = json.loads(keys.get(RECORD, "{}"))
    removed: list[tuple[str, float, float]] = []
    for name, frames in record.items():
        block = keys.key_blocks.get(name)
        if block is None:
            continue
        values = _key_values(keys, name)
        for frame in frames:
            if frame in values:
                removed.append((name, frame, values[frame]))
                block.keyframe_delete("value", frame=frame)

    def put_back(removed=removed, keys=keys):
        for name, frame, value in removed:
            block = keys.key_blocks[name]
            before = block.value
            block.value = value
            block.keyframe_insert("value", frame=frame)
            block.value = before

    guard.add_undo(put_back)


def _key_values(keys, name: str) -> dict[float, float]:
    path = f'key_blocks["{name}"].value'
    for curve in _fcurves(keys):
        if curve.data_path == path:
            return {round(point.co[0], 3): point.co[1] for point in curve.keyframe_points}
    return {}


def _fcurves(owner):
    """F-curves of an ID's action, on Blender 4.2 (action.fcurves) to 5.0 (slots)."""
    animation = owner.animation_data
    action = animation.action if animation else None
    if action is None:
        return []
    if hasattr(action, "layers") and getattr(animation, "action_slot", None) is not None:
        from bpy_extras import anim_utils

        bag = anim_utils.action_get_channelbag_for_slot(action, animation.action_slot)
        return list(bag.fcurves) if bag else []
    return list(getattr(action, "fcurves", []))


def can_play_sound() -> bool:
    """False for a Blender built without audio (some bpy module builds, e.g. 4.2's)."""
    return bool(getattr(bpy.app.build_options, "audaspace", True))


def add_sound_strip(scene, path: str, frame: int, guard: SceneGuard, name: str = "") -> str:
    """Put the recording on the sequencer at `frame`, replacing this tool's earlier strip
    of the same name; returns the strip's name."""
    if scene.sequence_editor is None:
        scene.sequence_editor_create()
        guard.add_undo(lambda: scene.sequence_editor_clear())
    editor = scene.sequence_editor
    strips = editor.strips if hasattr(editor, "strips") else editor.sequences
    name = name or f"lipsync {os.path.basename(path)}"
    old = strips.get(name)
    if old is not None:
        old_info = (old.sound.filepath, old.frame_start, old.channel)
        strips.remove(old)
        guard.add_undo(lambda: _new_sound(strips, name, *old_info))
    strip = _new_sound(strips, name, path, frame, _free_channel(strips, frame))
    guard.add_undo(lambda: strips.remove(strips[strip.name]))
    return strip.name


def _new_sound(strips, name: str, path: str, frame: int, channel: int):
    return strips.new_sound(name, bpy.path.abspath(path) if path.startswith("//") else path,
                            channel, int(frame))


def _free_channel(strips, frame: int) -> int:
    used = {s.channel for s in strips}
    return next(channel for channel in range(1, 128) if channel not in used)
