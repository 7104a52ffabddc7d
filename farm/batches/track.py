"""A folder of clips tracked as one farm job: each clip (a video file, or a sub-folder of
frames) tracked on a Ray worker and written back as JSON (core tracks travel through the
object store, no shared filesystem), atomically. Clips already done are skipped, so a
job run again does only what is missing."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from metastudio.core.errors import JobSpecError

from ..scheduling.transfer import write_atomically
from .plan import BatchPlan

VIDEO_SUFFIXES = {".mp4", ".mov", ".avi", ".mkv", ".webm", ".m4v", ".mpg", ".mpeg", ".wmv"}


def clips_in(folder: Path) -> dict[str, Path]:
    """Name -> clip: every video file in `folder`, and every sub-folder of frames."""
    from metastudio.core.tracking.media import IMAGE_SUFFIXES

    if not folder.is_dir():
        raise JobSpecError(f"video: {folder} is not a folder (give a folder of clips with "
                           "--batch)")
    found = {}
    for path in sorted(folder.iterdir()):
        if path.is_file() and path.suffix.lower() in VIDEO_SUFFIXES:
            found[path.stem] = path
        elif path.is_dir() and any(p.suffix.lower() in IMAGE_SUFFIXES
                                   for p in path.iterdir()):
            found[path.name] = path
    if not found:
        raise JobSpecError(f"video: no video files or folders of frames in {folder}")
    return found


def track_one(source: str) -> dict:
    """Track one clip in this process (a worker's): the track as JSON."""
    from metastudio.core.tracking.landmarks import default_cache, track

    result, _ = track(source, default_cache())
    return track_json(result)


def plan_track_batch(folder: Path, out: Path) -> BatchPlan:
    """The plan that tracks every clip in `folder` into `out`/<clip>.json."""

    def write(name: str, result: dict) -> list[str]:
        write_atomically(out / f"{name}.json", json.dumps(result).encode())
        return result["notes"]

    return BatchPlan(track_one, clips_in(folder), out,
                     lambda name: (out / f"{name}.json").exists(),
                     lambda path: (str(path),), write)


def track_json(track) -> dict:
    """A track as plain JSON: per frame, found or not, the body's world and image
    landmarks, their visibility, the face as ARKit values and head turn, the hands
    (the performer's left then right, 21 points each; null when unseen) and the notes
    (several people in view, ...)."""
    import numpy as np
    from metastudio.core.tracking.face import face_values, head_turn

    def rounded(values):
        return np.where(np.isnan(values), None, np.round(values, 4)).tolist()

    return {"fps": track.fps, "size": list(track.size), "frames": track.frames,
            "found": track.found().tolist(), "body_world": rounded(track.body),
            "body_image": rounded(track.body_image),
            "visibility": rounded(track.visibility),
            "face": {name: rounded(values)
                     for name, values in face_values(track.face, track.size).items()},
            "head_turn": rounded(head_turn(track.face, track.size)),
            "hands_world": rounded(track.hands), "hands_image": rounded(track.hands_image),
            "notes": list(track.notes)}


def bake_to_blend(spec, blend: Path, out: Path) -> None:
    """Open the rig's .blend, bake `spec`'s track onto it (undone if it fails) and save
    the result as `out` (never over what `out` is)."""
    import bpy
    from metastudio.bl.scene_guard import SceneGuard
    from metastudio.bl.scene_io import saved_blend
    from metastudio.bl.steps import StepRun
    from metastudio.bl.tracking import bake_track
    from metastudio.core.safe_output import write_file

    bpy.ops.wm.open_mainfile(filepath=str(blend))
    guard, warnings = SceneGuard(), []
    StepRun(bake_track(bpy.context, spec, guard, warnings), guard).run_to_end()
    for warning in warnings:
        print(f"note: {warning}", file=sys.stderr)
    write_file(out, saved_blend(), field="blend")
    print(f"saved {out}", file=sys.stderr)
