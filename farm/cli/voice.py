"""`metastudio voice ...` and `metastudio lipsync ...`: speech and mouth shapes from the
command line."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .lipsync import add_lipsync_arguments, run_lipsync


def _cmd_lipsync(args: argparse.Namespace) -> int:
    return run_lipsync(args)


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

    p = sub.add_parser("lipsync", help="mouth shapes from voice recordings (or a folder)",
                       description="Time the mouth shapes of recordings: aligned to each "
                       "transcript when given, else from recognised phones. Writes Rhubarb "
                       "Lip Sync's JSON (to stdout when no file is given), TSV and XML, and "
                       "Moho/Papagayo .dat; takes Rhubarb's own options too (docs/"
                       "rhubarb.md). Several recordings, or a folder, are done in this "
                       "process into --out (a transcript beside each, line.txt for line.wav, "
                       "is used); a folder with --address on the farm. Run again, it does "
                       "only what is missing.")
    add_lipsync_arguments(p)
    p.set_defaults(handler=_cmd_lipsync)


def _cmd_say(args: argparse.Namespace) -> int:
    from metastudio.core.schema import build_spec
    from metastudio.core.voice import export, tts

    from .output import write_text

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
