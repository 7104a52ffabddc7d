"""`metastudio voice ...` and `metastudio lipsync ...`: speech and mouth shapes from the
command line."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from metastudio.core.errors import JobSpecError
from metastudio.core.schema import build_spec

from .cli_output import print_batch, write_text


def add_parsers(sub) -> None:
    """Add the `voice` and `lipsync` subcommands."""
    voice = sub.add_parser("voice", help="speak text with eSpeak NG voices",
                           description="Text to speech, offline, with exact mouth shapes.")
    voice_sub = voice.add_subparsers(dest="voice_command", required=True, metavar="ACTION")
    say = voice_sub.add_parser("say", help="speak a line into a WAV file",
                               description="Speak TEXT into a WAV file; optionally write its "
                               "mouth shapes (timed by the synthesiser itself).")
    say.add_argument("text", help="what to say")
    say.add_argument("--out", type=Path, required=True, help="the WAV file to write")
    say.add_argument("--voice", default="en-us", help="eSpeak NG voice, e.g. en-us, ko, ja")
    say.add_argument("--speed", type=int, default=165, help="words per minute (80-450)")
    say.add_argument("--pitch", type=int, default=50, help="base pitch (0-99)")
    say.add_argument("--json", type=Path, help="also write Rhubarb-style mouth cues here")
    say.set_defaults(handler=_cmd_say)
    listing = voice_sub.add_parser("list", help="list the voices (languages)",
                                   description="List the languages eSpeak NG speaks.")
    listing.set_defaults(handler=_cmd_list)

    p = sub.add_parser("lipsync", help="mouth shapes from a voice recording (or a folder)",
                       description="Time the mouth shapes of a recording: aligned to its "
                       "transcript when given, else from recognised phones. Writes "
                       "Rhubarb-compatible JSON (to stdout when no file is given), TSV and "
                       "Moho/Papagayo .dat. Given a folder, lip-syncs every recording in it "
                       "on the farm (a transcript beside each, line.txt for line.wav, is "
                       "used when present) into --out; run again, it does only what is "
                       "missing.")
    p.add_argument("audio", type=Path,
                   help="WAV, FLAC, OGG, MP3, ... (any sample rate), or a folder of them")
    text = p.add_mutually_exclusive_group()
    text.add_argument("--text", help="what is said")
    text.add_argument("--text-file", type=Path, help="a UTF-8 file with what is said")
    p.add_argument("--language", default="en-us",
                   help="the transcript's language as an eSpeak NG voice (en-us, ko, ...)")
    p.add_argument("--recogniser", choices=("words", "phones"), default="words",
                   help="without a transcript: recognise English words and align them "
                        "(default), or phones alone")
    p.add_argument("--json", type=Path, help="write Rhubarb JSON here ('-': stdout)")
    p.add_argument("--tsv", type=Path, help="write Rhubarb TSV here")
    p.add_argument("--dat", type=Path, help="write Moho/Papagayo switch data here")
    p.add_argument("--fps", type=float, default=24.0, help="frame rate of the .dat file")
    p.add_argument("--out", type=Path, help="for a folder: where the results go")
    p.add_argument("--formats", default="json",
                   help="for a folder: json, tsv, dat, comma-separated (default json)")
    p.add_argument("--address", help="for a folder: Ray cluster address (default: local)")
    p.set_defaults(handler=_cmd_lipsync)


def _cmd_say(args: argparse.Namespace) -> int:
    from metastudio.core.voice import export, tts

    spec = build_spec(tts.VoiceSpec, {"text": args.text, "voice": args.voice,
                                      "speed": args.speed, "pitch": args.pitch})
    line = tts.speak(spec)
    tts.write_wav(line.speech, args.out)
    if args.json:
        write_text(args.json, export.rhubarb_json(line.cues, str(args.out), line.duration))
    print(f"{args.out}: {line.duration:.2f} s, {len(line.cues)} mouth shapes",
          file=sys.stderr)
    return 0


def _cmd_list(args: argparse.Namespace) -> int:
    from metastudio.core.voice import espeak

    print("\n".join(espeak.list_voices()))
    return 0


def _cmd_lipsync(args: argparse.Namespace) -> int:
    if not 0 < args.fps <= 1000:  # also refuses NaN
        raise JobSpecError(f"fps: give frames per second above 0, up to 1000 (got {args.fps})")
    if args.audio.is_dir():
        return _lipsync_folder(args)
    from metastudio.core.voice import export, lipsync

    spec = build_spec(lipsync.LipSyncSpec, {"audio": args.audio, "text": args.text,
                                            "text_file": args.text_file,
                                            "language": args.language,
                                            "recogniser": args.recogniser})
    result = lipsync.lipsync(spec)
    for warning in result.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    wrote_any = False
    if args.tsv:
        write_text(args.tsv, export.rhubarb_tsv(result.cues))
        wrote_any = True
    if args.dat:
        write_text(args.dat, export.moho_dat(result.cues, args.fps))
        wrote_any = True
    if args.json or not wrote_any:
        write_text(args.json or Path("-"),
               export.rhubarb_json(result.cues, str(args.audio), result.duration) + "\n")
    method = result.alignment.method
    if result.alignment.heard:
        print(f"heard: {result.alignment.heard}", file=sys.stderr)
    print(f"{args.audio}: {result.duration:.2f} s, {len(result.cues)} mouth shapes "
          f"({method}) in {sum(result.seconds.values()):.2f} s", file=sys.stderr)
    return 0




def _lipsync_folder(args: argparse.Namespace) -> int:
    from metastudio.core.errors import JobSpecError

    from .lipsync_batch import run_batch
    from .progress import ProgressBar

    if args.out is None:
        raise JobSpecError("out: give --out DIR for the results of a folder")
    if args.text or args.text_file or args.json or args.tsv or args.dat:
        raise JobSpecError("text: for a folder, put each line's transcript beside it "
                           "(line.txt for line.wav) and choose outputs with --formats")
    formats = tuple(f.strip().lower() for f in args.formats.split(",") if f.strip())
    progress = ProgressBar(label="lines")
    report = run_batch(args.audio, args.out, formats, args.language, args.fps,
                       args.address, progress)
    progress.close()
    return print_batch(report, "lines lip-synced", args.out)
