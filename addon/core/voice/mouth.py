"""Timed phones to mouth shapes, with animation rules of our own.

The rules, in order (each a field of MouthRules):
- diphthongs move: AY is "aa" then "ih", OW is "oh" then "ou";
- a silent gap just before p, b or m is its closure: the lips close during the gap;
- short pauses inside a line hold the last shape; long ones (and the ends) rest;
- co-articulation: lip-neutral consonants (t, d, k, s, n, th, h) take the rounding of a
  rounded vowel that follows, and h takes the shape of its vowel;
- anticipation: a vowel's shape starts a little before its sound;
- every bilabial closure shows a closed mouth for at least `closure_min`, and after a
  pause the lips close `closure_lead` before the sound starts (the closure is silent);
- lip-on-teeth (f, v) is kept as visible as a closure;
- no shape is held for less than `min_hold` (except closures and f/v).
"""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict, Field

from .align import TimedPhone
from .phones import LIP_NEUTRAL, PHONE_VISEMES, ROUNDED, VISEME_LETTER, VOWELS

_BILABIALS = frozenset({"P", "B", "M"})
# Shapes that must show even when brief: they are what viewers read lips by.
_PROTECTED = frozenset({"PP", "FF"})
_VOWEL_VISEMES = frozenset({"aa", "E", "ih", "oh", "ou", "RR"})


class MouthRules(BaseModel):
    """How phones become mouth shapes (seconds)."""

    model_config = ConfigDict(extra="forbid")

    anticipation: float = Field(0.03, ge=0, le=0.2,
                                description="vowel shapes start this much early")
    closure_gap: float = Field(0.15, ge=0, le=0.5,
                               description="a gap this short before p, b, m is its closure")
    short_pause: float = Field(0.3, ge=0, le=2.0,
                               description="pauses shorter than this hold the last shape")
    closure_min: float = Field(0.05, ge=0, le=0.2,
                               description="shortest closed mouth for p, b, m (and f, v "
                                           "on the teeth)")
    closure_lead: float = Field(0.06, ge=0, le=0.3,
                                description="after a pause, lips close this much before "
                                            "a p, b, m is heard")
    min_hold: float = Field(0.05, ge=0, le=0.3, description="shortest any other shape lasts")
    coarticulation: bool = Field(True, description="consonants take a following vowel's "
                                                   "rounding")


@dataclass
class MouthCue:
    """One mouth shape (a viseme of phones.VISEMES) from `start` to `end` seconds."""

    start: float
    end: float
    viseme: str

    @property
    def letter(self) -> str:
        """The Rhubarb letter (A-H, X) for this shape."""
        return VISEME_LETTER[self.viseme]


@dataclass
class _Seg:
    start: float
    end: float
    viseme: str
    phone: str

    @property
    def length(self) -> float:
        return self.end - self.start


def mouth_cues(phones: list[TimedPhone], rules: MouthRules | None = None) -> list[MouthCue]:
    """The mouth shapes for timed phones (SIL for silence), gap-free from the first phone's
    start to the last one's end."""
    rules = rules or MouthRules()
    segments = _expand(phones)
    if not segments:
        return []
    segments = _resolve_gaps(segments, rules)
    if rules.coarticulation:
        _coarticulate(segments)
    segments = _merge(segments)
    _anticipate(segments, rules)
    _lead_closures(segments, rules)
    _protect_closures(segments, rules)
    segments = _enforce_min_hold(_merge(segments), rules)
    return [MouthCue(round(s.start, 4), round(s.end, 4), s.viseme) for s in segments]


def letter_cues(cues: list[MouthCue]) -> list[MouthCue]:
    """The same cues in Rhubarb's letters: neighbours with the same letter merged."""
    merged: list[MouthCue] = []
    for cue in cues:
        if merged and merged[-1].letter == cue.letter:
            merged[-1] = MouthCue(merged[-1].start, cue.end, merged[-1].viseme)
        else:
            merged.append(MouthCue(cue.start, cue.end, cue.viseme))
    return merged


def _expand(phones: list[TimedPhone]) -> list[_Seg]:
    segments = []
    for phone in phones:
        if phone.end <= phone.start:
            continue
        visemes = PHONE_VISEMES.get(phone.phone, ("sil",))
        step = (phone.end - phone.start) / len(visemes)
        for index, viseme in enumerate(visemes):
            segments.append(_Seg(phone.start + index * step,
                                 phone.start + (index + 1) * step, viseme, phone.phone))
    return segments


def _resolve_gaps(segments: list[_Seg], rules: MouthRules) -> list[_Seg]:
    spoken = [i for i, s in enumerate(segments) if s.viseme != "sil"]
    if not spoken:
        return [_Seg(segments[0].start, segments[-1].end, "sil", "SIL")]
    first, last = spoken[0], spoken[-1]
    resolved: list[_Seg] = []
    for index, seg in enumerate(segments):
        if seg.viseme != "sil" or index < first or index > last:
            resolved.append(seg)
            continue
        after = segments[index + 1] if index + 1 < len(segments) else None
        before = segments[index - 1]
        closing = after is not None and after.phone in _BILABIALS
        if closing and seg.length <= rules.closure_gap:
            seg.viseme, seg.phone = after.viseme, after.phone  # the closure of the plosive
        elif seg.length < rules.short_pause:
            seg.viseme, seg.phone = before.viseme, before.phone
            if closing and rules.closure_lead > 0:
                # A held pause before p/b/m: the lips close at its end.
                lead = min(rules.closure_lead, seg.length / 2)
                resolved.append(_Seg(seg.start, seg.end - lead, seg.viseme, seg.phone))
                seg = _Seg(seg.end - lead, seg.end, after.viseme, after.phone)
        resolved.append(seg)
    return resolved


def _coarticulate(segments: list[_Seg]) -> None:
    following = None  # the next vowel's viseme, scanning backwards
    for seg in reversed(segments):
        if seg.phone in VOWELS:
            following = seg.viseme
        elif seg.viseme == "sil" or seg.viseme not in LIP_NEUTRAL:
            following = None
        elif seg.phone == "HH" and following:
            seg.viseme = following
        elif following in ROUNDED:
            seg.viseme = following


def _merge(segments: list[_Seg]) -> list[_Seg]:
    merged: list[_Seg] = []
    for seg in segments:
        if merged and merged[-1].viseme == seg.viseme:
            merged[-1].end = seg.end
        else:
            merged.append(_Seg(seg.start, seg.end, seg.viseme, seg.phone))
    return merged


def _anticipate(segments: list[_Seg], rules: MouthRules) -> None:
    for before, vowel in zip(segments, segments[1:], strict=False):
        if vowel.viseme in _VOWEL_VISEMES and before.viseme not in ("PP", "sil"):
            shift = min(rules.anticipation, max(before.length - rules.min_hold, 0.0))
            before.end -= shift
            vowel.start -= shift


def _lead_closures(segments: list[_Seg], rules: MouthRules) -> None:
    for before, closure in zip(segments, segments[1:], strict=False):
        if closure.viseme == "PP" and before.viseme == "sil":
            shift = min(rules.closure_lead, max(before.length - 0.01, 0.0))
            before.end -= shift
            closure.start -= shift


def _protect_closures(segments: list[_Seg], rules: MouthRules) -> None:
    for index, seg in enumerate(segments):
        if seg.viseme not in _PROTECTED or seg.length >= rules.closure_min:
            continue
        need = rules.closure_min - seg.length
        if index > 0:  # close earlier: the lips shut before the release
            take = min(need, max(segments[index - 1].length - 0.01, 0.0))
            segments[index - 1].end -= take
            seg.start -= take
            need -= take
        if need > 0 and index + 1 < len(segments):
            take = min(need, max(segments[index + 1].length - 0.01, 0.0))
            segments[index + 1].start += take
            seg.end += take


def _enforce_min_hold(segments: list[_Seg], rules: MouthRules) -> list[_Seg]:
    changed = True
    while changed and len(segments) > 1:
        changed = False
        for index, seg in enumerate(segments):
            if seg.viseme in _PROTECTED or seg.length >= rules.min_hold:
                continue
            before = segments[index - 1] if index > 0 else None
            after = segments[index + 1] if index + 1 < len(segments) else None
            # Give the time to the neighbour that is not a closure, the longer one first.
            options = [n for n in (before, after)
                       if n is not None and n.viseme not in _PROTECTED]
            if not options:
                continue
            target = max(options, key=lambda n: n.length)
            if target is before:
                before.end = seg.end
            else:
                after.start = seg.start
            del segments[index]
            segments = _merge(segments)
            changed = True
            break
    return segments
