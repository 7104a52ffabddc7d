"""A folder of clips tracked as one farm job: each clip (a video file, or a sub-folder of
frames) tracked on a Ray worker and written back as JSON (core tracks travel through the
object store, no shared filesystem), atomically. Clips already done are skipped, so a
job run again does only what is missing."""

from __future__ import annotations

import json
from pathlib import Path

from metastudio.core.errors import JobSpecError

from .batch import BatchPlan, BatchReport, run_plan
from .transfer import write_atomically

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

    from .cli_track import track_json

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


def run_track_batch(folder: Path, out: Path, address: str | None = None,
                    progress=None) -> BatchReport:
    """Track every clip in `folder` into `out`/<clip>.json."""
    return run_plan(plan_track_batch(folder, out), address, progress)
