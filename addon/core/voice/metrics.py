"""Measures of lip-sync accuracy against a reference with known timings."""

from __future__ import annotations

import difflib

from .align import TimedPhone
from .mouth import MouthCue

FRAME = 0.01


def frame_letters(cues: list[MouthCue], duration: float) -> list[str]:
    """Rhubarb's letter shown in each 10 ms frame of `duration` (X where no cue is)."""
    labels = ["X"] * int(round(duration / FRAME))
    for cue in cues:
        first = int(round(cue.start / FRAME))
        for frame in range(first, min(len(labels), int(round(cue.end / FRAME)))):
            labels[frame] = cue.letter
    return labels


def frame_agreement(found: list[MouthCue], truth: list[MouthCue], duration: float) -> float:
    """Share of 10 ms frames that show the same mouth letter."""
    a, b = frame_letters(found, duration), frame_letters(truth, duration)
    return sum(x == y for x, y in zip(a, b, strict=True)) / max(len(a), 1)


def boundary_errors(found: list[TimedPhone], truth: list[TimedPhone]) -> tuple[list[float], int]:
    """Start-time errors (s) of the phones both sequences share, matched in order, and the
    number of phones in `truth` (silences left out of both)."""
    a = [p for p in truth if p.phone != "SIL"]
    b = [p for p in found if p.phone != "SIL"]
    matcher = difflib.SequenceMatcher(None, [p.phone for p in a], [p.phone for p in b],
                                      autojunk=False)
    errors = [abs(b[m.b + k].start - a[m.a + k].start)
              for m in matcher.get_matching_blocks() for k in range(m.size)]
    return errors, len(a)


def closures_shown(cues: list[MouthCue], truth: list[TimedPhone]) -> tuple[int, int]:
    """How many of the reference's p, b, m show a closed mouth (letter A) at some point
    while they last, or within 30 ms either side, out of how many there are."""
    bilabials = [p for p in truth if p.phone in ("P", "B", "M")]
    shown = 0
    for phone in bilabials:
        start, end = phone.start - 0.03, phone.end + 0.03
        if any(c.letter == "A" and c.start < end and c.end > start for c in cues):
            shown += 1
    return shown, len(bilabials)
