"""Lip-sync a folder of dialogue lines as one farm job.

Each recording (with a transcript beside it, `line.txt` for `line.wav`, if there is one)
travels to a Ray worker through the object store and its mouth cues come back, so no
shared filesystem is needed. Lines whose outputs exist and are newer than the recording
are skipped, so a job run again does only what is missing.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from metastudio.core.errors import JobSpecError, MetastudioError

from .batch import BatchPlan, BatchReport, run_plan
from .transfer import write_atomically

AUDIO_SUFFIXES = (".wav", ".flac", ".ogg", ".mp3", ".aiff", ".aif")
FORMATS = ("json", "tsv", "dat")


@dataclass(eq=False)
class Line:
    """One recording of the folder and where its results go."""

    audio: Path
    transcript: str | None
    outputs: dict[str, Path]

    def is_done(self) -> bool:
        made = self.audio.stat().st_mtime
        return all(p.exists() and p.stat().st_mtime >= made for p in self.outputs.values())


def plan_lines(folder: Path, out: Path, formats: tuple[str, ...]) -> list[Line]:
    """The recordings in `folder` (not its subfolders), sorted by name."""
    if not folder.is_dir():
        raise JobSpecError(f"audio: not a folder: {folder}")
    if out.exists() and not out.is_dir():
        raise JobSpecError(f"out: {out} is a file, not a folder")
    unknown = [f for f in formats if f not in FORMATS]
    if unknown or not formats:
        raise JobSpecError(f"formats: choose from {', '.join(FORMATS)} (got {', '.join(formats)})")
    lines = []
    for audio in sorted(folder.iterdir()):
        if audio.suffix.lower() not in AUDIO_SUFFIXES or not audio.is_file():
            continue
        sidecar = audio.with_suffix(".txt")
        transcript = sidecar.read_text(encoding="utf-8") if sidecar.is_file() else None
        lines.append(Line(audio, transcript,
                          {fmt: out / f"{audio.stem}.{fmt}" for fmt in formats}))
    if not lines:
        raise JobSpecError(f"audio: no recordings ({' '.join(AUDIO_SUFFIXES)}) in {folder}")
    return lines


def sync_line(name: str, data: bytes, transcript: str | None, language: str, fps: float,
              formats: tuple[str, ...]) -> dict:
    """Lip-sync one recording given as bytes; returns each format's text and warnings.

    Runs on a Ray worker; no bpy is needed.
    """
    from metastudio.core.voice import export
    from metastudio.core.voice.lipsync import LipSyncSpec, lipsync

    with tempfile.TemporaryDirectory(prefix="metastudio-line-") as folder:
        path = Path(folder) / os.path.basename(name)
        path.write_bytes(data)
        try:
            result = lipsync(LipSyncSpec(audio=path, text=transcript, language=language))
        except MetastudioError as exc:
            # Name the line as the artist knows it, not the worker's temporary copy.
            raise type(exc)(str(exc).replace(str(path), name)) from None
    texts = {
        "json": lambda: export.rhubarb_json(result.cues, name, result.duration) + "\n",
        "tsv": lambda: export.rhubarb_tsv(result.cues),
        "dat": lambda: export.moho_dat(result.cues, fps),
    }
    return {"outputs": {fmt: texts[fmt]() for fmt in formats},
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


def run_batch(folder: Path, out: Path, formats: tuple[str, ...] = ("json",),
              language: str = "en-us", fps: float = 24.0, address: str | None = None,
              progress=None) -> BatchReport:
    """Lip-sync every recording in `folder` on the farm, writing results into `out`."""
    return run_plan(plan_batch(folder, out, formats, language, fps), address, progress)
