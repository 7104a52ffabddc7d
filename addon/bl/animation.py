"""Keyframes in bulk, on Blender 4.2 (action.fcurves) to 5.0 (layered actions, slots)."""

from __future__ import annotations

import numpy as np


def fcurves(owner) -> list:
    """F-curves of an ID's action."""
    animation = owner.animation_data
    action = animation.action if animation else None
    if action is None:
        return []
    if hasattr(action, "layers") and getattr(animation, "action_slot", None) is not None:
        from bpy_extras import anim_utils

        bag = anim_utils.action_get_channelbag_for_slot(action, animation.action_slot)
        return list(bag.fcurves) if bag else []
    return list(getattr(action, "fcurves", []))


def key_curve(owner, keyed, path: str, index: int, frames: np.ndarray,
              values: np.ndarray) -> None:
    """Key `keyed.path[index]` (a property of `owner` or of a struct in it, such as a
    pose bone) at every frame with its value, in one go: one keyframe_insert makes the
    curve the way this Blender version wants, then all points are written at once."""
    is_array = keyed.bl_rna.properties[path].is_array
    keyed.keyframe_insert(path, index=index if is_array else -1, frame=float(frames[0]))
    full = f'{keyed.path_from_id()}.{path}' if keyed is not owner else path
    curve = next(c for c in fcurves(owner) if c.data_path == full and c.array_index == index)
    curve.keyframe_points.clear()
    curve.keyframe_points.add(len(frames))
    co = np.column_stack([frames, values]).astype(np.float32).ravel()
    curve.keyframe_points.foreach_set("co", co)
    # Linear: the keys are dense, and Bezier handles would overshoot between them.
    curve.keyframe_points.foreach_set("interpolation", np.full(len(frames), 1, np.int32))
    curve.update()
