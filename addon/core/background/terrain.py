"""Terrain as a height field: fractal value noise shaped by the biome (no bpy).

Same seed, same terrain: the noise comes from numpy's seeded generator only. Heights are
in metres over a square of `extent` metres; the grid's resolution follows `detail`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

GRID = {"low": 64, "medium": 128, "high": 256}


@dataclass
class HeightField:
    """Heights (rows x cols, metres) over a square `extent` metres wide, centred on 0."""

    heights: np.ndarray
    extent: float

    @property
    def spacing(self) -> float:
        return self.extent / (self.heights.shape[0] - 1)

    def slopes(self) -> np.ndarray:
        """Steepness of each point, 0 flat .. 1 vertical (sine of the slope angle)."""
        dy, dx = np.gradient(self.heights, self.spacing)
        return np.sqrt(dx * dx + dy * dy) / np.sqrt(1 + dx * dx + dy * dy)


def _value_noise(size: int, cells: int, rng: np.random.Generator) -> np.ndarray:
    """Smoothly interpolated random values on a `cells` x `cells` lattice."""
    lattice = rng.random((cells + 1, cells + 1))
    t = np.linspace(0, cells, size, endpoint=True)
    i = np.minimum(t.astype(int), cells - 1)
    f = t - i
    f = f * f * (3 - 2 * f)  # smoothstep: no creases at lattice lines
    a = lattice[np.ix_(i, i)]
    b = lattice[np.ix_(i, i + 1)]
    c = lattice[np.ix_(i + 1, i)]
    d = lattice[np.ix_(i + 1, i + 1)]
    fx, fy = f[None, :], f[:, None]
    return (a * (1 - fx) + b * fx) * (1 - fy) + (c * (1 - fx) + d * fx) * fy


def fractal_terrain(seed: int, extent: float, detail: str, height: float,
                    roughness: float, basin: str | None = None) -> HeightField:
    """Octaves of value noise: `roughness` (0-1) keeps more of the fine octaves; `basin`
    "lake" lowers the middle (a valley for a lake), "sea" the far (north) side, so the
    land runs down to a shore and the sea out to the horizon."""
    size = GRID[detail]
    rng = np.random.default_rng(seed)
    total = np.zeros((size, size))
    amplitude, weight = 1.0, 0.0
    gain = 0.35 + 0.3 * float(np.clip(roughness, 0, 1))
    for octave in range(6):
        total += amplitude * _value_noise(size, 2 ** (octave + 1), rng)
        weight += amplitude
        amplitude *= gain
    total = total / weight
    total = (total - total.min()) / max(float(np.ptp(total)), 1e-9)
    if roughness > 0.7:  # ridged: sharp crests for mountains and canyons
        total = 1 - np.abs(2 * total - 1)
    axis = np.linspace(-1, 1, size)
    if basin == "lake":
        r = np.sqrt(axis[None, :] ** 2 + axis[:, None] ** 2)
        total = total * np.clip(r / 0.7, 0.25, 1.0)
    elif basin == "sea":
        # Rows run south to north: full height in the south, down to the shore just
        # north of the middle (where characters stand on the beach), then the sea floor
        # (the noise still shapes the shore line).
        total = total * np.clip(0.5 - 2.0 * axis, 0.0, 1.0)[:, None] - 0.15 * np.clip(
            axis, 0.0, 1.0)[:, None]
    return HeightField(total * height, extent)


def settle_edges(field: HeightField, share: float = 0.1) -> tuple[HeightField, float]:
    """The land eased down (or up) to one height, its rim, over the outer `share` of each
    side, so that a flat plain of that height can carry it on to the horizon without a
    step (a camera near the edge would otherwise see the world end). Returns the new
    field and the rim's height."""
    heights = field.heights
    n = heights.shape[0]
    rim = float(np.median(np.concatenate([heights[0], heights[-1], heights[:, 0],
                                          heights[:, -1]])))
    axis = np.abs(np.linspace(-1.0, 1.0, n))
    edge = np.maximum(axis[None, :], axis[:, None])  # 1 on the border, 0 in the middle
    t = np.clip((edge - (1.0 - 2.0 * share)) / (2.0 * share), 0.0, 1.0)
    weight = t * t * (3 - 2 * t)
    return HeightField(heights * (1 - weight) + rim * weight, field.extent), rim
