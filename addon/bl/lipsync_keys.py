"""Keying mouth shapes onto a character, and the line's sound strip, undoably.

On a mesh the shapes key its shape keys; on a rig they key custom properties of a bone
(one per shape, made when missing), for the rig's drivers to move the face with. Keys
this code sets are remembered (on the shape-key data-block, or the rig object), so that a
re-run replaces exactly them and never the artist's own keys.
"""

from __future__ import annotations

import json
import os

import bpy

from ..core.errors import JobSpecError
from .animation import fcurves
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


class _ShapeKeyChannels:
    """Mouth shapes as a mesh's shape-key values."""

    def __init__(self, obj) -> None:
        self.owner = obj.data.shape_keys  # holds the record and the action
        self.blocks = self.owner.key_blocks

    def has(self, name: str) -> bool:
        return name in self.blocks

    def insert(self, name: str, frame: float, value: float) -> None:
        block = self.blocks[name]
        before = block.value
        block.value = value
        block.keyframe_insert("value", frame=frame)
        block.value = before

    def delete(self, name: str, frame: float) -> None:
        self.blocks[name].keyframe_delete("value", frame=frame)

    def path(self, name: str) -> str:
        return f'key_blocks["{name}"].value'


class _BoneChannels:
    """Mouth shapes as custom properties of a rig's bone (drive the face from them);
    the properties are made when missing."""

    def __init__(self, obj, bone: str, guard: SceneGuard) -> None:
        self.owner = obj
        self.bone = obj.pose.bones[bone]
        self.guard = guard

    def has(self, name: str) -> bool:
        return True

    def ensure(self, name: str) -> None:
        if name not in self.bone:
            self.bone[name] = 0.0
            ui = self.bone.id_properties_ui(name)
            ui.update(min=0.0, max=2.0, soft_min=0.0, soft_max=1.0,
                      description="mouth shape, keyed by metastudio lip-sync")
            self.guard.add_undo(lambda: self.bone.pop(name, None))

    def insert(self, name: str, frame: float, value: float) -> None:
        self.ensure(name)
        before = self.bone[name]
        self.bone[name] = value
        self.bone.keyframe_insert(f'["{name}"]', frame=frame)
        self.bone[name] = before

    def delete(self, name: str, frame: float) -> None:
        if name in self.bone:
            self.bone.keyframe_delete(f'["{name}"]', frame=frame)

    def path(self, name: str) -> str:
        return f'pose.bones["{self.bone.name}"]["{name}"]'


def check_target(obj, names: list[str], bone: str) -> None:
    """JobSpecError naming what is missing: shape keys on a mesh, the bone on a rig."""
    if obj.type == "ARMATURE":
        if not bone:
            raise JobSpecError(f"bone: {obj.name} is a rig; name the bone whose custom "
                               "properties drive the mouth (they are made if missing)")
        if bone not in obj.pose.bones:
            raise JobSpecError(f"bone: {obj.name} has no bone named {bone!r}")
        return
    keys = getattr(getattr(obj, "data", None), "shape_keys", None)
    if keys is None:
        raise JobSpecError(f"target: {obj.name} has no shape keys to lip-sync (build the "
                           "character with face shapes, pick the face mesh, or a rig)")
    missing = [name for name in names if name not in keys.key_blocks]
    if missing:
        shown = ", ".join(missing[:6]) + (f" and {len(missing) - 6} more"
                                          if len(missing) > 6 else "")
        raise JobSpecError(f"preset: {obj.name} has no shape keys named {shown}; choose "
                           "another preset or map them (mapping: NAME=YOUR_KEY)")


def key_shapes(obj, tracks: dict[str, list[tuple[float, float]]], guard: SceneGuard,
               bone: str = "") -> int:
    """Replace this tool's earlier keys on `obj` (its shape keys, or a rig bone's custom
    properties) with `tracks`; returns the number of keys set."""
    channels = (_BoneChannels(obj, bone, guard) if obj.type == "ARMATURE"
                else _ShapeKeyChannels(obj))
    _remove_own_keys(channels, guard)
    record: dict[str, list[float]] = {}
    count = 0
    for name, points in tracks.items():
        for frame, value in points:
            channels.insert(name, frame, value)
            count += 1
        record[name] = [frame for frame, _ in points]

    def forget_new_keys(record=record):
        for name, frames in record.items():
            for frame in frames:
                channels.delete(name, frame)

    guard.add_undo(forget_new_keys)
    owner = channels.owner
    previous = owner.get(RECORD)
    owner[RECORD] = json.dumps({"keys": record, "path": channels.path("{}")})
    guard.add_undo(lambda: _restore_record(owner, previous))
    return count


def _restore_record(owner, previous) -> None:
    if previous is None:
        owner.pop(RECORD, None)
    else:
        owner[RECORD] = previous


def _remove_own_keys(channels, guard: SceneGuard) -> None:
    stored = json.loads(channels.owner.get(RECORD, "{}"))
    record = stored.get("keys", {})
    if stored.get("path") != channels.path("{}"):
        record = {}  # keyed through another bone: those keys are left alone
    removed: list[tuple[str, float, float]] = []
    for name, frames in record.items():
        if not channels.has(name):
            continue
        values = _key_values(channels.owner, channels.path(name))
        for frame in frames:
            if frame in values:
                removed.append((name, frame, values[frame]))
                channels.delete(name, frame)

    def put_back(removed=removed):
        for name, frame, value in removed:
            channels.insert(name, frame, value)

    guard.add_undo(put_back)


def _key_values(owner, path: str) -> dict[float, float]:
    for curve in fcurves(owner):
        if curve.data_path == path:
            return {round(point.co[0], 3): point.co[1] for point in curve.keyframe_points}
    return {}


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
