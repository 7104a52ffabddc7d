"""Distant land beyond a world's own (no bpy): the mountain ranges behind an alpine
valley, the far hills behind a meadow, the mesas beyond a canyon, a volcano's cone.

A world is built a few hundred metres across; beyond it a flat plain runs to the
horizon, which is right for the sea or a desert and wrong for "jagged alpine peaks". So
a ring of land rises from the plain between RING_START and RING_END metres from the
middle: its height field is polar (a column every half degree, rows outwards), shaped
by ridged value noise in plan (so ridges run in every direction, not only round the
ring), scaled so that its peaks stand a few degrees above the eye, as a real range some
kilometres away does. Colours are painted per vertex: rock, snow above a snow line and
on gentle slopes, or the land's own colour. The Blender side fades it into the sky with
distance (aerial perspective).

Same biome and seed, same ranges.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

RING_START, RING_END = 1800.0, 4800.0  # metres; a scene's cameras see 5 km
COLUMNS, ROWS = 720, 40


@dataclass(frozen=True)
class Kind:
    """How a land's far ranges look: the angle their highest peaks stand above the eye
    (degrees, seen from the middle), how sharp (ridged) they are, whether their tops are
    cut flat (mesas), and their colours."""

    degrees: float
    ridged: bool
    rock: tuple[float, float, float]
    snow_line: float | None = None  # share of the peak height above which snow lies
    flat_tops: bool = False
    cover: tuple[float, float, float] | None = None  # the gentle slopes' colour


KINDS: dict[str, Kind] = {
    "mountains": Kind(9.0, True, (0.16, 0.15, 0.14), snow_line=0.45),
    "snowfield": Kind(6.0, True, (0.2, 0.2, 0.21), snow_line=0.0),
    "canyon": Kind(4.0, False, (0.42, 0.2, 0.1), flat_tops=True),
    "volcanic": Kind(5.0, True, (0.06, 0.055, 0.05)),
    "forest": Kind(3.0, False, (0.09, 0.09, 0.07), cover=(0.025, 0.05, 0.02)),
    "grassland": Kind(2.5, False, (0.1, 0.1, 0.08), cover=(0.06, 0.09, 0.03)),
    "wetland": Kind(2.0, False, (0.1, 0.1, 0.08), cover=(0.05, 0.08, 0.03)),
}
SNOW = (0.75, 0.77, 0.8)


@dataclass
class Ranges:
    """Quads over a polar grid: vertices (metres, z up, the middle at the origin),
    per-vertex colours, and the highest point."""

    vertices: np.ndarray  # (COLUMNS * ROWS, 3) float32
    faces: np.ndarray  # (n, 4) int32
    colours: np.ndarray  # (COLUMNS * ROWS, 3) float32
    peak: float


def has_ranges(biome: str, water: str) -> bool:
    """Whether a land of this biome has far ranges (the sea runs to the horizon)."""
    return biome in KINDS and water != "sea"


def _noise(x: np.ndarray, y: np.ndarray, wavelength: float, rng: np.random.Generator
           ) -> np.ndarray:
    """Smooth value noise (0..1) at points, one lattice cell per `wavelength` metres."""
    cells = int(math.ceil(2 * RING_END / wavelength)) + 2
    lattice = rng.random((cells + 1, cells + 1))
    u = (x + RING_END) / wavelength
    v = (y + RING_END) / wavelength
    i = np.clip(u.astype(int), 0, cells - 1)
    j = np.clip(v.astype(int), 0, cells - 1)
    fu, fv = u - i, v - j
    fu, fv = fu * fu * (3 - 2 * fu), fv * fv * (3 - 2 * fv)
    a, b = lattice[i, j], lattice[i + 1, j]
    c, d = lattice[i, j + 1], lattice[i + 1, j + 1]
    return (a * (1 - fu) + b * fu) * (1 - fv) + (c * (1 - fu) + d * fu) * fv


def distant_ranges(biome: str, seed: int, rim: float = 0.0, eye: float = 0.0,
                   foot: tuple[float, float, float] | None = None) -> Ranges:
    """The far ranges of a biome (KINDS), rising from the plain at height `rim`; their
    peaks stand about the kind's angle above an eye at height `eye` in the middle. `foot`:
    the plain's colour, which their lower slopes take on."""
    kind = KINDS[biome]
    rng = np.random.default_rng(seed + 4243)
    theta = np.linspace(0.0, 2 * np.pi, COLUMNS, endpoint=False)
    radius = np.geomspace(RING_START, RING_END, ROWS)
    r, t = np.meshgrid(radius, theta, indexing="ij")  # (ROWS, COLUMNS)
    x, y = r * np.cos(t), r * np.sin(t)
    total, weight, amplitude = np.zeros_like(r), 0.0, 1.0
    for octave in range(6):
        total += amplitude * _noise(x, y, 2400.0 / 2 ** octave, rng)
        weight += amplitude
        amplitude *= 0.5
    n = total / weight
    n = (n - n.min()) / max(float(np.ptp(n)), 1e-9)
    shape = (1.0 - np.abs(2.0 * n - 1.0)) ** 1.5 if kind.ridged else n ** 1.3
    # Across the ring: rising from the plain over its first third, highest in its far
    # half (the farther, the taller it must be to be seen over the nearer).
    across = (r - RING_START) / (RING_END - RING_START)
    swell = np.clip(across / 0.35, 0.0, 1.0) ** 2 * (3 - 2 * np.clip(across / 0.35, 0, 1))
    heights = shape * swell * (0.55 + 0.45 * across)
    # Every bearing has its peaks (at least 60% of the highest): a range, not a lone
    # mountain on one side and low hills on the other.
    column = heights.max(axis=0)
    highest = max(float(column.max()), 1e-9)
    heights = heights * ((0.6 + 0.4 * column / highest) * highest / np.maximum(
        column, 1e-9))[None, :]
    # Scaled so the peak standing highest in view is `degrees` above the eye.
    top = np.unravel_index(int(np.argmax(heights / r)), r.shape)
    wanted = math.tan(math.radians(kind.degrees)) * r[top] + eye - rim
    heights = heights * max(wanted, 1.0) / max(float(heights[top]), 1e-9)
    if kind.flat_tops:  # mesas: the tops cut off in steps, cliffs between
        step = float(heights.max()) / 4.0
        heights = np.minimum(heights, np.floor(heights / step + 0.7) * step)
    z = rim + heights

    vertices = np.stack([x, y, z], axis=-1).reshape(-1, 3).astype(np.float32)
    row, col = np.meshgrid(np.arange(ROWS - 1), np.arange(COLUMNS), indexing="ij")
    a = row * COLUMNS + col
    b = row * COLUMNS + (col + 1) % COLUMNS
    faces = np.stack([a, b, b + COLUMNS, a + COLUMNS], axis=-1).reshape(-1, 4)
    colours = _paint(kind, heights, r, rng)
    if foot is not None:  # out of the plain without a seam
        low = np.clip(1.0 - heights / (0.15 * max(float(heights.max()), 1e-6)), 0.0, 1.0)
        colours = colours * (1 - low[..., None]) + np.array(foot) * low[..., None]
    return Ranges(vertices, faces.astype(np.int32), colours.reshape(-1, 3).astype(
        np.float32), float(z.max()))


def _paint(kind: Kind, heights: np.ndarray, r: np.ndarray, rng) -> np.ndarray:
    """Rock; snow above the snow line where the slope lets it lie; cover (trees,
    grass) on the gentle lower slopes."""
    colour = np.broadcast_to(np.array(kind.rock), heights.shape + (3,)).copy()
    radial = np.gradient(heights, axis=0) / np.gradient(r, axis=0)
    around = np.gradient(heights, axis=1) / (r * 2 * np.pi / COLUMNS)
    steep = np.hypot(radial, around)  # rise over run
    peak = max(float(heights.max()), 1e-6)
    mottle = rng.uniform(0.85, 1.15, heights.shape)[..., None]
    if kind.cover is not None:
        gentle = np.clip(1.2 - steep * 2.0, 0.0, 1.0)[..., None]
        colour = colour * (1 - gentle) + np.array(kind.cover) * gentle
    if kind.snow_line is not None:
        line = kind.snow_line * peak * rng.uniform(0.85, 1.15, heights.shape)
        lies = np.clip((heights - line) / (0.08 * peak + 1e-6), 0.0, 1.0)
        lies = lies * np.clip(1.6 - steep * 1.2, 0.0, 1.0)  # cliffs stay bare
        if kind.snow_line == 0.0:
            lies = np.maximum(lies, np.clip(1.3 - steep, 0.0, 1.0))
        colour = colour * (1 - lies[..., None]) + np.array(SNOW) * lies[..., None]
    return colour * mottle
