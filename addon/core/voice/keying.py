"""Mouth shapes to keyframes: which shape key gets which value at which frame. No bpy.

A preset names the character's shape keys: ARKit face shapes (the metastudio character,
and most scanned or VRoid/Ready Player Me heads), Ready Player Me's "viseme_*" keys, or
one key per Rhubarb letter. A mapping can rename any of them.
"""

from __future__ import annotations

from typing import Literal

from .mouth import MouthCue
from .phones import ARKIT, ARKIT_SHAPES, LETTER_VISEME, LETTERS, VISEMES

Preset = Literal["metastudio", "arkit", "visemes", "rhubarb"]

_RPM_NAMES = {"ih": "I", "oh": "O", "ou": "U"}


def preset_shapes(preset: Preset) -> dict[str, dict[str, float]]:
    """For each viseme, the shape keys (by the preset's names) and their values."""
    if preset in ("metastudio", "arkit"):
        return {viseme: dict(ARKIT[viseme]) for viseme in VISEMES}
    if preset == "visemes":
        return {viseme: {f"viseme_{_RPM_NAMES.get(viseme, viseme)}": 1.0}
                for viseme in VISEMES}
    by_viseme = {}
    from .phones import VISEME_LETTER

    for viseme in VISEMES:
        letter = VISEME_LETTER[viseme]
        by_viseme[viseme] = {} if letter == "X" else {letter: 1.0}
    return by_viseme


def preset_key_names(preset: Preset) -> list[str]:
    """Every shape-key name a preset uses."""
    if preset in ("metastudio", "arkit"):
        return list(ARKIT_SHAPES)
    if preset == "visemes":
        return [f"viseme_{_RPM_NAMES.get(v, v)}" for v in VISEMES]
    return [letter for letter in LETTERS if letter != "X"]


def parse_mapping(text: str) -> dict[str, str]:
    """"jawOpen=Jaw_Open, A=MouthClosed" -> {"jawOpen": "Jaw_Open", "A": "MouthClosed"}."""
    mapping = {}
    for item in filter(None, (part.strip() for part in text.replace(";", ",").split(","))):
        name, sep, key = item.partition("=")
        if not sep or not name.strip() or not key.strip():
            raise ValueError(f"{item!r} is not NAME=SHAPE_KEY")
        mapping[name.strip()] = key.strip()
    return mapping


def key_tracks(cues: list[MouthCue], fps: float, start_frame: int, preset: Preset,
               mapping: dict[str, str] | None = None, strength: float = 1.0,
               blend_frames: float = 1.5) -> dict[str, list[tuple[float, float]]]:
    """Keyframes (frame, value) per shape key for the cues at `fps` from `start_frame`.

    Each shape is keyed at its cue's start, and held until `blend_frames` before the
    next cue starts, so that moves take about that long; every key the preset uses is
    keyed (0 where unused), so the face returns to rest, and the line ends at rest. Keys
    sit on whole frames, where renders sample them; when two land on one frame the larger
    value wins, so a closure shorter than a frame still shows.
    """
    shapes = preset_shapes(preset)
    mapping = mapping or {}
    names = sorted({mapping.get(n, n) for n in preset_key_names(preset)})
    tracks: dict[str, list[tuple[float, float]]] = {name: [] for name in names}

    def weights(viseme: str) -> dict[str, float]:
        out = {name: 0.0 for name in names}
        for shape, value in shapes[viseme].items():
            out[mapping.get(shape, shape)] = round(value * strength, 4)
        return out

    def frame(t: float) -> float:
        return round(start_frame + t * fps, 3)

    previous = weights("sil")
    for name in names:
        tracks[name].append((frame(cues[0].start) if cues else start_frame, 0.0))
    for index, cue in enumerate(cues):
        current = weights(cue.viseme)
        at = frame(cue.start)
        hold_until = frame(cues[index + 1].start) - blend_frames if index + 1 < len(cues) \
            else frame(cue.end)
        for name in names:
            if current[name] != previous[name] or index == 0:
                tracks[name].append((at, current[name]))
            if hold_until > at + 0.5 and current[name] != 0.0:
                tracks[name].append((hold_until, current[name]))
        previous = current
    end = frame(cues[-1].end) if cues else start_frame
    for name in names:
        if not tracks[name] or tracks[name][-1][1] != 0.0:
            tracks[name].append((end, 0.0))
    return {name: _dedupe(points) for name, points in tracks.items()}


def _dedupe(points: list[tuple[float, float]]) -> list[tuple[float, float]]:
    out: list[tuple[float, float]] = []
    for frame, value in points:
        whole = float(round(frame))
        if out and whole <= out[-1][0]:
            out[-1] = (out[-1][0], max(out[-1][1], value))
        else:
            out.append((whole, value))
    return out


__all__ = ["LETTER_VISEME", "Preset", "key_tracks", "parse_mapping", "preset_key_names",
           "preset_shapes"]
