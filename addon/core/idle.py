"""Idle motion so that nobody in a scene stands frozen: blinks, breathing, small head moves,
and listeners turning their heads to whoever speaks. Keyframes as plain numbers (no
bpy); the scene builder puts them on the face's shape keys and the rig's bones."""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field

from .scene_script import TimedLine

BLINK_SECONDS = 0.16  # closing and opening again
BLINK_GAP = (2.0, 5.5)  # seconds between blinks (people blink every 2-6 s at rest)
BREATH_SECONDS = 4.2
BREATH_DEGREES = 1.2  # the chest rises and falls
HEAD_DRIFT_DEGREES = 2.5
LOOK_DEGREES = 18.0  # a listener turns this far towards the speaker (at most)
LOOK_TURN_SECONDS = 0.35


@dataclass
class IdleKeys:
    """One character's idle keyframes: (seconds, value) per channel. Blink values are
    shape-key weights; angles are degrees about the bone's own axes."""

    blink: list[tuple[float, float]] = field(default_factory=list)
    breath: list[tuple[float, float]] = field(default_factory=list)  # chest pitch
    head_yaw: list[tuple[float, float]] = field(default_factory=list)
    head_pitch: list[tuple[float, float]] = field(default_factory=list)


def blinks(length: float, rng: random.Random) -> list[tuple[float, float]]:
    """Blink keys over `length` seconds: open, shut for an instant, open."""
    keys = [(0.0, 0.0)]
    at = rng.uniform(0.6, BLINK_GAP[0])
    while at + BLINK_SECONDS < length:
        keys += [(at, 0.0), (at + BLINK_SECONDS / 2, 1.0), (at + BLINK_SECONDS, 0.0)]
        at += BLINK_SECONDS + rng.uniform(*BLINK_GAP)
    return keys


def breathing(length: float, rng: random.Random, step: float = 0.5) -> list[tuple[float, float]]:
    """A slow rise and fall of the chest, each character at their own phase."""
    phase = rng.uniform(0, 2 * math.pi)
    count = int(length / step) + 2
    return [(i * step, BREATH_DEGREES * math.sin(2 * math.pi * i * step / BREATH_SECONDS
                                                 + phase)) for i in range(count)]


def idle_keys(name: str, positions: dict[str, float], lines: list[TimedLine], length: float,
              seed: int = 0, step: float = 0.25) -> IdleKeys:
    """Idle keys for the character `name`, with everyone's position across the frame
    (`positions`: x in metres, the camera looking along +y). While someone else speaks
    the character turns their head towards them (yaw, at most LOOK_DEGREES), and back
    towards the camera when nobody does; a slow drift of a few degrees rides on top."""
    rng = random.Random(f"{seed}:{name}")
    keys = IdleKeys(blink=blinks(length, rng), breath=breathing(length, rng))
    drift = [(rng.uniform(0, 2 * math.pi), rng.uniform(5.0, 9.0)) for _ in range(2)]
    count = int(length / step) + 2
    for i in range(count):
        t = i * step
        target = _look_target(name, positions, lines, t)
        wobble = HEAD_DRIFT_DEGREES * math.sin(2 * math.pi * t / drift[0][1] + drift[0][0])
        nod = 0.6 * HEAD_DRIFT_DEGREES * math.sin(2 * math.pi * t / drift[1][1] + drift[1][0])
        keys.head_yaw.append((t, target + wobble))
        keys.head_pitch.append((t, nod))
    return keys


def _look_target(name: str, positions: dict[str, float], lines: list[TimedLine],
                 t: float) -> float:
    """Degrees to turn the head (positive: towards +x, the character's left when facing
    the camera) at time t: towards whoever speaks, eased in and out."""
    total = 0.0
    for line in lines:
        if line.who == name:
            continue
        weight = _ease(t, line.start, line.end)
        if weight:
            side = math.copysign(1.0, positions[line.who] - positions[name])
            total += side * LOOK_DEGREES * weight
    return max(-LOOK_DEGREES, min(LOOK_DEGREES, total))


def _ease(t: float, start: float, end: float) -> float:
    """1 during [start, end], easing from 0 over LOOK_TURN_SECONDS either side."""
    if t < start - LOOK_TURN_SECONDS or t > end + LOOK_TURN_SECONDS:
        return 0.0
    if t < start:
        x = (t - (start - LOOK_TURN_SECONDS)) / LOOK_TURN_SECONDS
    elif t > end:
        x = 1.0 - (t - end) / LOOK_TURN_SECONDS
    else:
        return 1.0
    return x * x * (3 - 2 * x)


def positions_for(names: list[str], spacing: float = 1.1) -> dict[str, float]:
    """Where the cast stand across the frame, centred, left to right in cast order."""
    middle = (len(names) - 1) / 2
    return {name: (i - middle) * spacing for i, name in enumerate(names)}
