"""Where trees, bushes and rocks stand: seeded points on the terrain (no bpy).

Density follows the biome's vegetation density, thins out on steep ground and near the
water line, and is capped by the detail level; each point gets a size and a turn.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .terrain import HeightField

MAX_POINTS = {"low": 300, "medium": 1500, "high": 5000}
# What grows (or lies) on each land: (kind, share of the points).
PLANTS = {
    "forest": (("conifer", 0.6), ("broadleaf", 0.35), ("rock", 0.05)),
    "grassland": (("bush", 0.7), ("broadleaf", 0.2), ("rock", 0.1)),
    "desert": (("rock", 0.8), ("bush", 0.2)),
    "mountains": (("conifer", 0.5), ("rock", 0.5)),
    "snowfield": (("rock", 1.0),),
    "coast": (("bush", 0.5), ("rock", 0.5)),
    "canyon": (("rock", 0.9), ("bush", 0.1)),
    "wetland": (("reeds", 0.6), ("bush", 0.2), ("broadleaf", 0.2)),
    "volcanic": (("rock", 1.0),),
    "city": (),
}
TALL = frozenset({"conifer", "broadleaf"})  # kinds that stand above a person's head


@dataclass
class Scatter:
    """Instances of one kind: positions (n, 3), sizes (n,) and turns (n, radians)."""

    kind: str
    positions: np.ndarray
    sizes: np.ndarray
    turns: np.ndarray


def scatter(field: HeightField, biome: str, density: float, detail: str, seed: int,
            water_level: float | None = None,
            blocked: np.ndarray | None = None) -> list[Scatter]:
    """The instances for a terrain; empty for a city or a bare land. Nothing stands below
    `water_level` (+ half a metre) nor on grid points marked in `blocked` (a river's
    channel and banks)."""
    kinds = PLANTS.get(biome, ())
    count = int(MAX_POINTS[detail] * float(np.clip(density, 0, 1)))
    if not kinds or count == 0:
        return []
    rng = np.random.default_rng(seed + 1)  # not the terrain's own stream
    n = field.heights.shape[0]
    candidates = rng.random((count * 4, 2)) * (n - 1)
    rows, cols = candidates[:, 0], candidates[:, 1]
    r0, c0 = rows.astype(int), cols.astype(int)
    heights = field.heights[r0, c0]
    slopes = field.slopes()[r0, c0]
    keep = rng.random(len(candidates)) < np.clip(1.2 - slopes / 0.5, 0, 1)
    if water_level is not None:
        keep &= heights > water_level + 0.5
    if blocked is not None:
        keep &= ~blocked[np.rint(rows).astype(int), np.rint(cols).astype(int)]
    rows, cols, heights = rows[keep][:count], cols[keep][:count], heights[keep][:count]
    half = field.extent / 2
    points = np.stack([cols / (n - 1) * field.extent - half,
                       rows / (n - 1) * field.extent - half, heights], axis=1)
    shares = np.array([share for _, share in kinds])
    which = rng.choice(len(kinds), size=len(points), p=shares / shares.sum())
    sizes = rng.lognormal(0.0, 0.25, len(points))
    turns = rng.random(len(points)) * 2 * np.pi
    return [Scatter(kind, points[which == i], sizes[which == i], turns[which == i])
            for i, (kind, _) in enumerate(kinds) if (which == i).any()]
