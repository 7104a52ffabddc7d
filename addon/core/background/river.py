"""A river through the terrain (no bpy): a seeded meandering course across the square, a
water surface that only ever runs downhill, and a channel carved under it with banks
that rise back to the land.

The course is a function of y (the river runs from the north edge to the south edge, the
near side of the default view, so it leads the eye into the picture) and passes beside
the middle, where the characters stand, not through it. So every point of the terrain has
one distance to it across; the surface follows the ground along the course, made
non-increasing downstream and smoothed, so the water never climbs.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .terrain import HeightField


@dataclass
class River:
    """The course's centre line (n points x, y in metres, from the south edge north), the
    water surface's height along it (n,) and the river's width (metres)."""

    centre: np.ndarray
    surface: np.ndarray
    width: float


def _course(n: int, extent: float, rng: np.random.Generator) -> np.ndarray:
    """x of the centre line at each grid row: two seeded sine bends inside the middle of
    the square, moved aside so the middle itself stays dry land."""
    y = np.linspace(0.0, 1.0, n)
    x = np.zeros(n)
    for wavelength, amplitude in ((rng.uniform(0.6, 1.1), 0.18), (rng.uniform(0.2, 0.35),
                                                                   0.05)):
        x += amplitude * np.sin(2 * np.pi * y / wavelength + rng.uniform(0, 2 * np.pi))
    x = np.clip(x, -0.3, 0.3)
    middle = x[n // 2]
    if abs(middle) < 0.08:
        x += (0.08 if middle >= 0 else -0.08) - middle
    return x * extent


def carve_river(field: HeightField, seed: int) -> tuple[HeightField, River]:
    """The terrain with a channel carved along a seeded course, and the river in it."""
    n = field.heights.shape[0]
    half = field.extent / 2
    rng = np.random.default_rng(seed + 2)  # neither the terrain's nor the scatter's stream
    axis = np.linspace(-half, half, n)
    course = _course(n, field.extent, rng)
    # Width in proportion to the square, never a trickle nor a lake.
    width = float(np.clip(0.04 * field.extent, 4.0, 60.0))
    depth = 0.15 * width
    along = field.heights[np.arange(n), np.clip(np.searchsorted(axis, course), 0, n - 1)]
    # Downhill only, whichever edge is lower: flip so the water leaves at the lower end.
    flip = along[0] < along[-1]
    run = along[::-1] if flip else along
    run = np.minimum.accumulate(run)
    kernel = np.ones(5) / 5
    smooth = np.convolve(np.pad(run, 2, mode="edge"), kernel, mode="valid")
    surface = np.minimum.accumulate(np.minimum(smooth, run)) - 0.3 * depth
    surface = surface[::-1] if flip else surface
    # Distance of each grid point from the centre line, across the course (rows are y,
    # columns x).
    distance = np.abs(axis[None, :] - course[:, None])
    bed = surface[:, None] - depth * np.clip(1 - distance / (width / 2), 0, 1) ** 0.5
    banks = surface[:, None] + 0.35 * np.maximum(distance - width / 2, 0.0)
    carved = np.minimum(field.heights, np.where(distance < width / 2, bed, banks))
    return (HeightField(carved, field.extent),
            River(np.stack([course, axis], axis=1), surface, width))
