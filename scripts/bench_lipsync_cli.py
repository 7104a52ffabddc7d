"""The lipsync command's own costs, beside another version's: how long the command takes
to start (`metastudio lipsync --help`), and a folder of short dialogue lines done the
way Rhubarb's users script it (one command per line) and in one call.

    .venv/bin/python scripts/bench_lipsync_cli.py [--baseline FOLDER] [--lines 40]

FOLDER holds another version's `metastudio` and `metastudio_farm` packages (run with
PYTHONPATH=FOLDER); the same machine, one after the other. Lines are eSpeak's (1-2 s,
transcripts beside them).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SENTENCES = ["Please bring me the map.", "The moon is bright tonight.",
             "Hello there, my friend.", "We will meet at five.", "Bob made a big blue boat.",
             "Open the window, please.", "Where are my keys?", "It is raining again."]


def command(folder: str | None, *args: str) -> tuple[list[str], dict]:
    env = dict(os.environ)
    if folder:
        env["PYTHONPATH"] = folder
    return [sys.executable, "-m", "metastudio_farm.cli", *args], env


def start_time(folder: str | None, runs: int = 10) -> float:
    """Median seconds of `metastudio lipsync --help`."""
    times = []
    for _ in range(runs):
        argv, env = command(folder, "lipsync", "--help")
        started = time.perf_counter()
        subprocess.run(argv, env=env, capture_output=True, check=True)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def make_lines(where: Path, count: int) -> float:
    """`count` short lines with transcripts; their total seconds."""
    import soundfile
    from metastudio.core.voice import espeak

    total = 0.0
    for k in range(count):
        text = SENTENCES[k % len(SENTENCES)]
        speech = espeak.synthesize(text, "en-us", 165 + 10 * (k % 3))
        soundfile.write(where / f"line{k:02d}.wav", speech.samples, speech.rate)
        (where / f"line{k:02d}.txt").write_text(text)
        total += speech.duration
    return total


def line_by_line(folder: str | None, lines: Path, out: Path) -> float:
    """Seconds for one command per line (JSON beside, as a Rhubarb script would)."""
    out.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    for wav in sorted(lines.glob("*.wav")):
        argv, env = command(folder, "lipsync", str(wav), "--text-file",
                            str(wav.with_suffix(".txt")), "--json",
                            str(out / f"{wav.stem}.json"))
        subprocess.run(argv, env=env, capture_output=True, check=True)
    return time.perf_counter() - started


def one_call(lines: Path, out: Path) -> float:
    argv, env = command(None, "lipsync", str(lines), "--out", str(out), "-f", "json")
    started = time.perf_counter()
    subprocess.run(argv, env=env, capture_output=True, check=True)
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", help="a folder with another version's packages")
    parser.add_argument("--lines", type=int, default=40)
    args = parser.parse_args()
    now = start_time(None)
    print(f"command start (lipsync --help, median of 10): this checkout {now:.3f} s", end="")
    if args.baseline:
        was = start_time(args.baseline)
        print(f"; baseline {was:.3f} s ({was / now:.1f}x slower)", end="")
    print()
    with tempfile.TemporaryDirectory() as tmp:
        lines = Path(tmp, "lines")
        lines.mkdir()
        audio = make_lines(lines, args.lines)
        rows = [("this checkout, one command per line", line_by_line(None, lines,
                                                                   Path(tmp, "a")))]
        if args.baseline:
            rows.append(("baseline, one command per line",
                         line_by_line(args.baseline, lines, Path(tmp, "b"))))
        rows.append(("this checkout, the folder in one call", one_call(lines,
                                                                     Path(tmp, "c"))))
        print(f"{args.lines} lines, {audio:.1f} s of speech, with transcripts:")
        for name, seconds in rows:
            print(f"  {name}: {seconds:.1f} s, {args.lines / seconds:.1f} lines/s, "
                  f"{audio / seconds:.1f}x real time")
    return 0


if __name__ == "__main__":
    sys.exit(main())
