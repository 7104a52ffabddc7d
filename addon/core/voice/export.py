"""Mouth cues as files other tools read: Rhubarb's JSON and TSV, Moho/Papagayo .dat."""

from __future__ import annotations

import json
import math

from .mouth import MouthCue, letter_cues

# Papagayo/Moho's Preston Blair names for Rhubarb's letters.
MOHO_NAMES = {"A": "MBP", "B": "etc", "C": "E", "D": "AI", "E": "O", "F": "U", "G": "FV",
              "H": "L", "X": "rest"}


def rhubarb_json(cues: list[MouthCue], sound_file: str, duration: float) -> str:
    """Rhubarb Lip Sync's JSON: {"metadata": {...}, "mouthCues": [{start, end, value}]}."""
    letters = letter_cues(cues)
    return json.dumps({
        "metadata": {"soundFile": sound_file, "duration": round(duration, 2)},
        "mouthCues": [{"start": round(c.start, 2), "end": round(c.end, 2), "value": c.letter}
                      for c in letters],
    }, indent=2)


def rhubarb_tsv(cues: list[MouthCue]) -> str:
    """Rhubarb's TSV: a line per cue start ("0.47<TAB>B"), then the end at rest."""
    letters = letter_cues(cues)
    lines = [f"{c.start:.2f}\t{c.letter}" for c in letters]
    if letters:
        lines.append(f"{letters[-1].end:.2f}\tX")
    return "\n".join(lines) + "\n"


def moho_dat(cues: list[MouthCue], fps: float = 24.0) -> str:
    """Moho/Papagayo switch data: "MohoSwitch1", then "<frame> <shape>" from frame 1."""
    lines = ["MohoSwitch1"]
    last = None
    for cue in letter_cues(cues):
        frame = int(math.floor(cue.start * fps)) + 1
        name = MOHO_NAMES[cue.letter]
        if name != last:
            if lines[-1].split(" ")[0] == str(frame):
                lines.pop()  # two cues in one frame: the later one wins
            lines.append(f"{frame} {name}")
            last = name
    return "\n".join(lines) + "\n"
