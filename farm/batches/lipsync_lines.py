"""Dialogue lines to lip-sync (no Ray): the recordings of a folder or a list of files,
each with its transcript (`line.txt` beside `line.wav`) and where its results go; their
results as each file format's text; and the lines done one after another in this
process (the farm's batch, batches/lipsync.py, sends the same lines to Ray workers).

Lines whose outputs exist and are newer than the recording are skipped, so a folder
done again does only what is missing.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from metastudio.core.errors import JobSpecError, MetastudioError
from metastudio.core.safe_output import write_file

AUDIO_SUFFIXES = (".wav", ".flac", ".ogg", ".mp3", ".aiff", ".aif")
FORMATS = ("json", "tsv", "dat", "xml")


@dataclass(eq=False)
class Line:
    """One recording and where its results go."""

    audio: Path
    transcript: str | None
    outputs: dict[str, Path]

    def is_done(self) -> bool:
        made = self.audio.stat().st_mtime
        return all(p.exists() and p.stat().st_mtime >= made for p in self.outputs.values())


@dataclass(frozen=True)
class Shapes:
    """How the shapes are written: Rhubarb's extended shapes kept (a subset of "GHX"),
    the .dat file's frame rate and names (Preston Blair's or the letters)."""

    extended: str = "GHX"
    fps: float = 24.0
    preston_blair: bool = True


def check_formats(formats: tuple[str, ...]) -> None:
    unknown = [f for f in formats if f not in FORMATS]
    if unknown or not formats:
        raise JobSpecError(f"formats: choose from {', '.join(FORMATS)} (got "
                           f"{', '.join(formats) or 'none'})")


def _line(audio: Path, out: Path, formats: tuple[str, ...]) -> Line:
    sidecar = audio.with_suffix(".txt")
    transcript = sidecar.read_text(encoding="utf-8") if sidecar.is_file() else None
    return Line(audio, transcript, {fmt: out / f"{audio.stem}.{fmt}" for fmt in formats})


def plan_lines(folder: Path, out: Path, formats: tuple[str, ...]) -> list[Line]:
    """The recordings in `folder` (not its subfolders), sorted by name."""
    if not folder.is_dir():
        raise JobSpecError(f"audio: not a folder: {folder}")
    if out.exists() and not out.is_dir():
        raise JobSpecError(f"out: {out} is a file, not a folder")
    check_formats(formats)
    lines = [_line(audio, out, formats) for audio in sorted(folder.iterdir())
             if audio.suffix.lower() in AUDIO_SUFFIXES and audio.is_file()]
    if not lines:
        raise JobSpecError(f"audio: no recordings ({' '.join(AUDIO_SUFFIXES)}) in {folder}")
    return lines


def plan_files(files: Iterable[Path], out: Path, formats: tuple[str, ...]) -> list[Line]:
    """The recordings named one by one (a transcript beside each is used), in order;
    two of one name would write over each other's results, and are refused."""
    if out.exists() and not out.is_dir():
        raise JobSpecError(f"out: {out} is a file, not a folder")
    check_formats(formats)
    lines, stems = [], {}
    for audio in files:
        if not audio.is_file():
            raise JobSpecError(f"audio: file not found: {audio}")
        if audio.stem in stems:
            raise JobSpecError(f"audio: {stems[audio.stem]} and {audio} would both write "
                               f"{audio.stem}.* in {out}")
        stems[audio.stem] = audio
        lines.append(_line(audio, out, formats))
    return lines


def format_result(result, name: str, formats: Iterable[str], shapes: Shapes) -> dict:
    """Each format's text for a lip-sync result (core.voice.lipsync.LipSync)."""
    from metastudio.core.voice import export

    makers: dict[str, Callable[[], str]] = {
        "json": lambda: export.rhubarb_json(result.cues, name, result.duration,
                                            shapes.extended) + "\n",
        "tsv": lambda: export.rhubarb_tsv(result.cues, shapes.extended),
        "xml": lambda: export.rhubarb_xml(result.cues, name, result.duration,
                                          shapes.extended),
        "dat": lambda: export.moho_dat(result.cues, shapes.fps, shapes.preston_blair,
                                       shapes.extended),
    }
    return {fmt: makers[fmt]() for fmt in formats}


@dataclass
class HereReport:
    """What a run in this process did: lines done, skipped (done before), failed (name:
    why), warnings (name: what) and the seconds of audio and of work."""

    done: int = 0
    skipped: int = 0
    failed: dict[str, str] = field(default_factory=dict)
    warnings: dict[str, list[str]] = field(default_factory=dict)
    audio_seconds: float = 0.0
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.failed


def sync_here(lines: list[Line], language: str = "en-us", shapes: Shapes = Shapes(),
              recogniser: str = "words", progress=None) -> HereReport:
    """Lip-sync `lines` one after another in this process (models loaded once), writing
    each line's results as it finishes; a line that fails is reported, the rest go on."""
    from metastudio.core.voice.lipsync import LipSyncSpec, lipsync

    report = HereReport()
    started = time.perf_counter()
    if progress is not None:
        progress.start(len(lines))
    for line in lines:
        name = line.audio.name
        if line.is_done():
            report.skipped += 1
        else:
            try:
                result = lipsync(LipSyncSpec(audio=line.audio, text=line.transcript,
                                             language=language, recogniser=recogniser))
                for fmt, text in format_result(result, name, line.outputs, shapes).items():
                    write_file(line.outputs[fmt], text.encode(), make_parents=True)
                report.done += 1
                report.audio_seconds += result.duration
                if result.warnings:
                    report.warnings[name] = list(result.warnings)
            except MetastudioError as exc:
                report.failed[name] = str(exc)
        if progress is not None:
            progress.update(report.done + report.skipped, len(report.failed))
    report.seconds = time.perf_counter() - started
    return report
