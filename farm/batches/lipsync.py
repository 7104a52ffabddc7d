"""Lip-sync a folder of dialogue lines as one farm job.

Each recording (with a transcript beside it, `line.txt` for `line.wav`, if there is one)
travels to a Ray worker through the object store and its mouth cues come back, so no
shared filesystem is needed. Lines whose outputs exist and are newer than the recording
are skipped, so a job run again does only what is missing.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from metastudio.core.errors import MetastudioError

from ..scheduling.transfer import write_atomically
from .lipsync_lines import Shapes, format_result, plan_lines
from .plan import BatchPlan


def sync_line(name: str, data: bytes, transcript: str | None, language: str, fps: float,
              formats: tuple[str, ...]) -> dict:
    """Lip-sync one recording given as bytes; returns each format's text and warnings.

    Runs on a Ray worker; no bpy is needed.
    """
    from metastudio.core.voice.lipsync import LipSyncSpec, lipsync

    with tempfile.TemporaryDirectory(prefix="metastudio-line-") as folder:
        path = Path(folder) / os.path.basename(name)
        path.write_bytes(data)
        try:
            result = lipsync(LipSyncSpec(audio=path, text=transcript, language=language))
        except MetastudioError as exc:
            # Name the line as the artist knows it, not the worker's temporary copy.
            raise type(exc)(str(exc).replace(str(path), name)) from None
    return {"outputs": format_result(result, name, formats, Shapes(fps=fps)),
            "warnings": [w.replace(str(path), name) for w in result.warnings]}


def plan_batch(folder: Path, out: Path, formats: tuple[str, ...] = ("json",),
               language: str = "en-us", fps: float = 24.0) -> BatchPlan:
    """The plan that lip-syncs every recording in `folder` into `out`."""
    lines = {line.audio.name: line for line in plan_lines(folder, out, formats)}

    def write(name: str, result: dict) -> list[str]:
        for fmt, text in result["outputs"].items():
            write_atomically(lines[name].outputs[fmt], text.encode())
        return result["warnings"]

    return BatchPlan(
        sync_line, lines, out, lambda name: lines[name].is_done(),
        lambda line: (line.audio.name, line.audio.read_bytes(), line.transcript, language,
                      fps, formats), write)
