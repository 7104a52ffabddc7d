"""Mouth cues as files other tools read: Rhubarb's JSON, TSV and XML, Moho/Papagayo
.dat; with Rhubarb's choice of extended shapes (G, H, X, any of them left out)."""

from __future__ import annotations

import json
import math

from .mouth import MouthCue, letter_cues

# Papagayo/Moho's Preston Blair names for Rhubarb's letters.
MOHO_NAMES = {"A": "MBP", "B": "etc", "C": "E", "D": "AI", "E": "O", "F": "U", "G": "FV",
              "H": "L", "X": "rest"}
EXTENDED = "GHX"
# An extended shape left out becomes the basic shape nearest it, as Rhubarb does: the
# lower lip on the teeth (G) clenched teeth, the tongue up (H) open, rest (X) closed.
BASIC = {"G": "B", "H": "C", "X": "A"}


def shapes(cues: list[MouthCue], extended: str = EXTENDED) -> list[tuple[float, float, str]]:
    """(start, end, letter) of each cue in Rhubarb's letters, the extended shapes not in
    `extended` replaced by their basic shape, neighbours of one letter merged."""
    if set(extended) - set(EXTENDED):
        raise ValueError(f"extendedShapes: only G, H and X are extended shapes "
                         f"(got {extended!r})")
    out: list[tuple[float, float, str]] = []
    for cue in letter_cues(cues):
        letter = cue.letter if cue.letter not in BASIC or cue.letter in extended else \
            BASIC[cue.letter]
        if out and out[-1][2] == letter:
            out[-1] = (out[-1][0], cue.end, letter)
        else:
            out.append((cue.start, cue.end, letter))
    return out


def _escape(text: str) -> str:
    """Text for an XML element (xml.sax's escape costs 18 ms of imports at start)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _rest(extended: str) -> str:
    return "X" if "X" in extended else "A"


def rhubarb_json(cues: list[MouthCue], sound_file: str, duration: float,
                 extended: str = EXTENDED) -> str:
    """Rhubarb Lip Sync's JSON: {"metadata": {...}, "mouthCues": [{start, end, value}]}."""
    return json.dumps({
        "metadata": {"soundFile": sound_file, "duration": round(duration, 2)},
        "mouthCues": [{"start": round(start, 2), "end": round(end, 2), "value": letter}
                      for start, end, letter in shapes(cues, extended)],
    }, indent=2)


def rhubarb_tsv(cues: list[MouthCue], extended: str = EXTENDED) -> str:
    """Rhubarb's TSV: a line per cue start ("0.47<TAB>B"), then the end at rest."""
    letters = shapes(cues, extended)
    lines = [f"{start:.2f}\t{letter}" for start, _, letter in letters]
    if letters:
        lines.append(f"{letters[-1][1]:.2f}\t{_rest(extended)}")
    return "\n".join(lines) + "\n"


def rhubarb_xml(cues: list[MouthCue], sound_file: str, duration: float,
                extended: str = EXTENDED) -> str:
    """Rhubarb's XML: <rhubarbResult> with <metadata> (soundFile, duration) and
    <mouthCues> of <mouthCue start end>letter</mouthCue>."""
    lines = ['<?xml version="1.0" encoding="utf-8"?>', "<rhubarbResult>", "  <metadata>",
             f"    <soundFile>{_escape(sound_file)}</soundFile>",
             f"    <duration>{duration:.2f}</duration>", "  </metadata>", "  <mouthCues>"]
    lines += [f'    <mouthCue start="{start:.2f}" end="{end:.2f}">{letter}</mouthCue>'
              for start, end, letter in shapes(cues, extended)]
    lines += ["  </mouthCues>", "</rhubarbResult>"]
    return "\n".join(lines) + "\n"


def moho_dat(cues: list[MouthCue], fps: float = 24.0, preston_blair: bool = True,
             extended: str = EXTENDED) -> str:
    """Moho/Papagayo switch data: "MohoSwitch1", then "<frame> <shape>" from frame 1;
    shapes by their Preston Blair names (MBP, etc, ...) or Rhubarb's letters."""
    lines = ["MohoSwitch1"]
    last = None
    for start, _, letter in shapes(cues, extended):
        frame = int(math.floor(start * fps)) + 1
        name = MOHO_NAMES[letter] if preston_blair else letter
        if name != last:
            if lines[-1].split(" ")[0] == str(frame):
                lines.pop()  # two cues in one frame: the later one wins
            lines.append(f"{frame} {name}")
            last = name
    return "\n".join(lines) + "\n"
