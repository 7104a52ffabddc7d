"""Where trees, bushes and rocks stand: seeded points on the terrain (no bpy).

Density follows the biome's vegetation density, thins out on steep ground and near the
water line, and is capped by the detail level; each point gets a size and a turn.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .species import land_species, tree_mix
from .terrain import HeightField
from .trees import SPECIES

MAX_POINTS = {"low": 300, "medium": 1500, "high": 5000}
# What grows (or lies) on each land: the share of the points that are trees (their
# species from core.background.species), then the rest's kinds and shares.
PLANTS: dict[str, tuple[float, tuple[tuple[str, float], ...]]] = {
    "forest": (0.9, (("shrub", 0.5), ("rock", 0.5))),
    "grassland": (0.2, (("shrub", 0.85), ("rock", 0.15))),
    "desert": (0.0, (("rock", 0.8), ("shrub", 0.2))),
    "mountains": (0.5, (("rock", 1.0),)),
    "snowfield": (0.0, (("rock", 1.0),)),
    "coast": (0.1, (("shrub", 0.5), ("rock", 0.5))),
    "canyon": (0.0, (("rock", 0.9), ("shrub", 0.1))),
    "wetland": (0.2, (("reeds", 0.75), ("shrub", 0.25))),
    "volcanic": (0.0, (("rock", 1.0),)),
    "city": (0.0, ()),
}
NAMED_TREES_SHARE = 0.4  # at least this share are trees where the description names them
TALL = frozenset(SPECIES) - {"shrub"}  # kinds that stand above a person's head


def kinds_for(biome: str, named: tuple[str, ...] | None = None) -> list[tuple[str, float]]:
    """(kind, share) of the points on a land, the trees by species (None: the land's
    own; none named: no trees)."""
    trees, rest = PLANTS.get(biome, (0.0, ()))
    if biome == "city":
        return []
    if named and set(named) != set(land_species(biome)):
        trees = max(trees, NAMED_TREES_SHARE)
    mix = [(species, trees * share) for species, share in tree_mix(biome, named)]
    if not mix:
        trees = 0.0
    return [(k, v) for k, v in mix + [(kind, (1 - trees) * share) for kind, share in rest]
            if v > 0]


@dataclass
class Scatter:
    """Instances of one kind: positions (n, 3), sizes (n,) and turns (n, radians)."""

    kind: str
    positions: np.ndarray
    sizes: np.ndarray
    turns: np.ndarray


def scatter(field: HeightField, biome: str, density: float, detail: str, seed: int,
            water_level: float | None = None, blocked: np.ndarray | None = None,
            trees: tuple[str, ...] | None = None) -> list[Scatter]:
    """The instances for a terrain; empty for a city or a bare land. Nothing stands below
    `water_level` (+ half a metre) nor on grid points marked in `blocked` (a river's
    channel and banks); `trees` are the species named (else the land's own)."""
    kinds = kinds_for(biome, None if trees is None else tuple(trees))
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
