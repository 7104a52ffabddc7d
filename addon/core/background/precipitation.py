"""Falling rain or snow around where the characters stand (no bpy): seeded drops in a
box, as many as the detail level allows. Only the air near the camera needs drops; far
off, the fog and the sky's grey stand for them."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

COUNT = {"low": 3000, "medium": 8000, "high": 25000}
# (box half-width, box height) in metres, and each drop's size range.
BOX = (30.0, 25.0)


@dataclass
class Drops:
    """Positions (n, 3) and sizes (n,) of raindrops or snowflakes."""

    kind: str
    positions: np.ndarray
    sizes: np.ndarray


def precipitation(weather: str, detail: str, seed: int) -> Drops | None:
    """Rain for rain and storm, snow for snow, nothing otherwise: drops in a box standing
    on (0, 0, 0), as wide as BOX's first number each way of the middle."""
    kind = {"rain": "rain", "storm": "rain", "snow": "snow"}.get(weather)
    if kind is None:
        return None
    rng = np.random.default_rng(seed + 4)
    count = COUNT[detail] // (2 if kind == "snow" else 1)  # flakes are bigger
    half, height = BOX
    positions = np.column_stack([rng.uniform(-half, half, count),
                                 rng.uniform(-half, half, count),
                                 rng.uniform(0.0, height, count)])
    sizes = rng.uniform(0.7, 1.3, count)
    return Drops(kind, positions, sizes)
