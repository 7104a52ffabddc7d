"""`metastudio lipsync` and `metastudio-rhubarb`: mouth shapes from recordings on the
command line, with Rhubarb Lip Sync's own options so scripts written for Rhubarb run
unchanged (docs/rhubarb.md maps each one).

One recording: its shapes to a file or stdout. Several recordings, or a folder, in this
process one after another (the models load once) into --out, skipping what is done; a
folder with --address on the farm. Nothing here imports Ray, the farm or pydantic until
a command runs, so the command starts in a tenth of a second.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

RHUBARB_FORMATS = ("tsv", "xml", "json", "dat")
RECOGNISERS = {"pocketSphinx": "words", "phonetic": "phones"}
LEVELS = ("trace", "debug", "info", "warning", "error", "fatal")
VERSION = "metastudio lipsync 0.1.0 (Rhubarb Lip Sync 1.13 command line)"


def add_lipsync_arguments(p: argparse.ArgumentParser, rhubarb: bool = False) -> None:
    """The lipsync options: ours and Rhubarb's (`rhubarb`: Rhubarb's defaults, TSV)."""
    p.add_argument("audio", type=Path, nargs="+",
                   help="WAV, FLAC, OGG, MP3, ... (any sample rate): one or several, or a "
                        "folder of them")
    text = p.add_mutually_exclusive_group()
    text.add_argument("--text", help="what is said")
    text.add_argument("--text-file", "-d", "--dialogFile", dest="text_file", type=Path,
                      help="a UTF-8 file with what is said (Rhubarb's dialog file: here "
                           "the recording is aligned to it, and where it stops fitting "
                           "that is said)")
    p.add_argument("--language", default="en-us",
                   help="the transcript's language as an eSpeak NG voice (en-us, ko, ...)")
    p.add_argument("--recogniser", choices=("words", "phones"), default=None,
                   help="without a transcript: recognise English words and align them "
                        "(default), or phones alone")
    p.add_argument("-r", "--recognizer", choices=tuple(RECOGNISERS), dest="recognizer",
                   help="Rhubarb's name for it: pocketSphinx (words), phonetic (phones)")
    p.add_argument("-o", "--output", type=Path,
                   help="the file to write (Rhubarb's; default: stdout)")
    p.add_argument("-f", "--exportFormat", choices=RHUBARB_FORMATS, dest="export_format",
                   help="the format of -o or stdout (default: " +
                        ("tsv" if rhubarb else "json") + ")")
    p.add_argument("--json", type=Path, help="write Rhubarb JSON here ('-': stdout)")
    p.add_argument("--tsv", type=Path, help="write Rhubarb TSV here")
    p.add_argument("--xml", type=Path, help="write Rhubarb XML here")
    p.add_argument("--dat", type=Path, help="write Moho/Papagayo switch data here (Preston "
                                            "Blair's names)")
    p.add_argument("--fps", "--datFrameRate", dest="fps", type=float, default=24.0,
                   help="frame rate of .dat files")
    p.add_argument("--datUsePrestonBlair", dest="preston_blair", action="store_true",
                   help="-f dat: Preston Blair's names (MBP, etc, E...) for the letters")
    p.add_argument("--extendedShapes", dest="extended", default="GHX",
                   help="which of the extended shapes G, H, X to use (default GHX; \"\" for "
                        "the six basic ones: G becomes B, H C, X A)")
    p.add_argument("--out", type=Path, help="for several recordings or a folder: where the "
                                            "results go")
    p.add_argument("--formats", help="for several recordings or a folder: json, tsv, xml, "
                                     "dat, comma-separated (default: -f's, else json)")
    p.add_argument("--address", help="for a folder: lip-sync it on this Ray cluster (the "
                                     "farm) instead of in this process")
    p.add_argument("--machineReadable", dest="machine", action="store_true",
                   help="status on stderr as JSON lines (Rhubarb's start, progress, "
                        "success, failure events)")
    p.add_argument("-q", "--quiet", action="store_true",
                   help="nothing on stderr unless an error occurs")
    p.add_argument("--consoleLevel", choices=LEVELS, default="warning" if not rhubarb else
                   "error", dest="console_level",
                   help="the least level of messages printed on stderr")
    p.add_argument("--logFile", type=Path, dest="log_file", help="also write a log here")
    p.add_argument("--logLevel", choices=LEVELS, default="debug", dest="log_level",
                   help="the least level of messages in --logFile")
    p.add_argument("--threads", type=int, help="accepted for Rhubarb's scripts; recordings "
                                               "are done one after another here")
    p.add_argument("--version", action="version", version=VERSION)


class _Status:
    """Where a run's messages go: stderr as text or as Rhubarb's JSON events, filtered
    by level and -q, and the log file."""

    def __init__(self, args: argparse.Namespace) -> None:
        self.machine, self.quiet = args.machine, args.quiet
        self.console = LEVELS.index(args.console_level)
        self.log_level = LEVELS.index(args.log_level)
        self.log = None
        if args.log_file is not None:
            from metastudio.core.safe_output import resolve_output

            self.log = open(resolve_output(args.log_file, field="logFile"), "w",  # noqa: SIM115
                            encoding="utf-8")

    def _event(self, kind: str, level: str, message: str, **fields) -> None:
        line = {"type": kind, **fields, "log": {"level": level.capitalize(),
                                                "message": message}}
        print(json.dumps(line, ensure_ascii=False), file=sys.stderr, flush=True)

    def say(self, level: str, message: str, essential: bool = False) -> None:
        """A message at `level`; `essential` (a summary) is shown unless -q."""
        if self.log is not None and LEVELS.index(level) >= self.log_level:
            self.log.write(f"[{level}] {message}\n")
        shown = LEVELS.index(level) >= self.console or (essential and not self.quiet)
        if self.quiet and LEVELS.index(level) < LEVELS.index("error"):
            shown = False
        if not shown:
            return
        if self.machine:
            self._event("log", level, message)
        else:
            prefix = {"warning": "warning: ", "error": "error: ", "fatal": "error: "}
            print(prefix.get(level, "") + message, file=sys.stderr)

    def start(self, name: str) -> None:
        if self.machine:
            self._event("start", "info", f"Application startup. Input file: \"{name}\".",
                        file=name)
        self.say("info", f"lip-syncing {name}")

    def progress(self, value: float) -> None:
        if self.machine:
            self._event("progress", "trace", f"Progress: {int(value * 100)}%",
                        value=round(value, 2))

    def done(self, ok: bool, reason: str = "") -> None:
        if self.machine:
            if ok:
                self._event("success", "info", "Application terminating normally.")
            else:
                self._event("failure", "fatal",
                            f"Application terminating with error: {reason}", reason=reason)
        elif not ok:
            print(f"error: {reason}", file=sys.stderr)
        if self.log is not None:
            self.log.write("[info] done\n" if ok else f"[fatal] {reason}\n")
            self.log.close()


class _LineProgress:
    """Several recordings' progress: Rhubarb's progress events, or the farm's bar."""

    def __init__(self, status: _Status) -> None:
        self.status, self.total, self.bar = status, 0, None
        if not status.machine and not status.quiet:
            from .progress import ProgressBar

            self.bar = ProgressBar(label="lines")

    def start(self, total: int) -> None:
        self.total = total
        if self.bar is not None:
            self.bar.start(total)
        self.status.progress(0.0)

    def update(self, done: int, failed: int = 0) -> None:
        if self.bar is not None:
            self.bar.update(done, failed)
        self.status.progress((done + failed) / max(self.total, 1))

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def _formats(args: argparse.Namespace, rhubarb: bool) -> tuple[str, ...]:
    if args.formats:
        return tuple(f.strip().lower() for f in args.formats.split(",") if f.strip())
    return (args.export_format or ("tsv" if rhubarb else "json"),)


def run_lipsync(args: argparse.Namespace, rhubarb: bool = False) -> int:
    """Run the lipsync command; the exit code (Rhubarb's: 0, or 1 on any error; ours: 2
    for bad input, 1 when a recording of several failed)."""
    from metastudio.core.errors import JobSpecError, MetastudioError

    status = _Status(args)
    name = str(args.audio[0]) if len(args.audio) == 1 else f"{len(args.audio)} recordings"
    status.start(name)
    try:
        if not 0 < args.fps <= 1000:  # also refuses NaN
            raise JobSpecError(f"fps: give frames per second above 0, up to 1000 (got "
                               f"{args.fps})")
        if set(args.extended) - set("GHX"):
            raise JobSpecError(f"extendedShapes: only G, H and X are extended shapes (got "
                               f"{args.extended!r})")
        if args.threads is not None:
            status.say("debug", f"threads: {args.threads} asked for; recordings are done "
                                "one after another")
        if len(args.audio) > 1 or args.audio[0].is_dir():
            code = _many(args, rhubarb, status)
        else:
            code = _one(args, rhubarb, status)
    except MetastudioError as exc:
        status.done(False, str(exc))
        return 1 if rhubarb else 2
    except OSError as exc:
        status.done(False, f"{exc.filename or name}: {exc.strerror}")
        return 1
    status.done(code == 0, "" if code == 0 else "some recordings failed")
    return 1 if (rhubarb and code) else code


def _shapes(args: argparse.Namespace, preston_blair: bool):
    from ..batches.lipsync_lines import Shapes

    return Shapes(args.extended, args.fps, preston_blair)


def _one(args: argparse.Namespace, rhubarb: bool, status: _Status) -> int:
    from metastudio.core.schema import build_spec
    from metastudio.core.voice.lipsync import LipSyncSpec, lipsync

    from ..batches.lipsync_lines import format_result
    from .output import write_text

    audio = args.audio[0]
    recogniser = RECOGNISERS.get(args.recognizer) or args.recogniser or "words"
    spec = build_spec(LipSyncSpec, {"audio": audio, "text": args.text,
                                    "text_file": args.text_file, "language": args.language,
                                    "recogniser": recogniser})
    status.progress(0.0)
    result = lipsync(spec)
    status.progress(1.0)
    for warning in result.warnings:
        status.say("warning", warning)
    ours = {"json": args.json, "tsv": args.tsv, "xml": args.xml}
    named = {fmt: path for fmt, path in ours.items() if path is not None}
    for fmt, path in named.items():
        write_text(path, format_result(result, str(audio), [fmt], _shapes(args, True))[fmt],
                   field=fmt)
    if args.dat is not None:  # our --dat: Preston Blair's names, as Moho expects
        write_text(args.dat, format_result(result, str(audio), ["dat"],
                                           _shapes(args, True))["dat"], field="dat")
    if args.output is not None or args.export_format or not (named or args.dat):
        fmt = args.export_format or ("tsv" if rhubarb else "json")
        text = format_result(result, str(audio), [fmt], _shapes(args, args.preston_blair))
        write_text(args.output or Path("-"), text[fmt], field="output")
    if result.alignment.heard:
        status.say("info", f"heard: {result.alignment.heard}")
    status.say("info", f"{audio}: {result.duration:.2f} s, {len(result.cues)} mouth shapes "
                       f"({result.alignment.method}) in {sum(result.seconds.values()):.2f} s",
               essential=not rhubarb)
    return 0


def _many(args: argparse.Namespace, rhubarb: bool, status: _Status) -> int:
    from metastudio.core.errors import JobSpecError

    from ..batches.lipsync_lines import plan_files, plan_lines, sync_here

    if args.out is None:
        raise JobSpecError("out: give --out DIR for the results of several recordings or "
                           "a folder")
    if args.text or args.text_file or args.json or args.tsv or args.dat or args.xml \
            or args.output:
        raise JobSpecError("text: for several recordings, put each one's transcript beside "
                           "it (line.txt for line.wav) and choose the formats with -f or "
                           "--formats")
    formats = _formats(args, rhubarb)
    folder = args.audio[0] if len(args.audio) == 1 else None
    if folder is not None and args.address:
        return _on_the_farm(args, formats, status)
    lines = plan_lines(folder, args.out, formats) if folder is not None else plan_files(
        args.audio, args.out, formats)
    recogniser = RECOGNISERS.get(args.recognizer) or args.recogniser or "words"
    progress = _LineProgress(status)
    started = time.perf_counter()
    report = sync_here(lines, args.language, _shapes(args, args.preston_blair), recogniser,
                       progress)
    progress.close()
    for name, warnings in report.warnings.items():
        for warning in warnings:
            status.say("warning", f"{name}: {warning}")
    for name, reason in report.failed.items():
        status.say("error", f"{name}: {reason}")
    seconds = time.perf_counter() - started
    speed = f", {report.audio_seconds / seconds:.1f}x real time" if report.done else ""
    status.say("info", f"{report.done} lines lip-synced, {report.skipped} already done, "
                       f"{len(report.failed)} failed; in {args.out} ({seconds:.1f} s{speed})",
               essential=True)
    return 1 if report.failed else 0


def _on_the_farm(args: argparse.Namespace, formats: tuple[str, ...], status: _Status) -> int:
    from metastudio.core.service_jobs import BatchJobRequest, LipSyncBatch

    from .farm import run_batch_job
    from .output import print_batch
    from .progress import ProgressBar

    progress = ProgressBar(label="lines")
    batch = LipSyncBatch(folder=args.audio[0].expanduser().absolute(), formats=list(formats),
                         language=args.language, fps=args.fps)
    report = run_batch_job(BatchJobRequest(batch=batch, out=args.out.expanduser().absolute()),
                           args.address, False, progress, keep_ray=True)
    progress.close()
    return print_batch(report, "lines lip-synced", args.out)
