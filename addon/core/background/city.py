"""A procedural city block layout (no bpy): streets on a grid, lots on each block, a
building on each lot, taller towards the middle as in a downtown. Same seed, same city."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

STREET = 14.0  # metres, kerb to kerb
BLOCK = 56.0  # metres, one side of a block between streets
MAX_BUILDINGS = {"low": 80, "medium": 250, "high": 600}


@dataclass
class Buildings:
    """Boxes: centres (n, 2), footprints (n, 2: width along x, depth along y) and heights
    (n,), all in metres, standing on z = 0 of the terrain's frame."""

    centres: np.ndarray
    footprints: np.ndarray
    heights: np.ndarray


def city_blocks(extent: float, detail: str, seed: int, radius: float | None = None,
                keep_clear: float = 0.0) -> Buildings:
    """Buildings on a street grid covering a disc of `radius` metres (default: most of
    the square); nothing within `keep_clear` metres of the centre, where the characters
    stand (a plaza)."""
    rng = np.random.default_rng(seed + 3)
    pitch = BLOCK + STREET
    radius = 0.45 * extent if radius is None else radius
    blocks = int(np.ceil(radius / pitch))
    centres, footprints, heights = [], [], []
    for i in range(-blocks, blocks + 1):
        for j in range(-blocks, blocks + 1):
            bx, by = i * pitch, j * pitch
            if np.hypot(bx, by) > radius:
                continue
            # Two or three lots a side, each with a building set back a little.
            split = int(rng.integers(2, 4))
            lot = BLOCK / split
            for a in range(split):
                for b in range(split):
                    cx = bx - BLOCK / 2 + lot * (a + 0.5)
                    cy = by - BLOCK / 2 + lot * (b + 0.5)
                    if np.hypot(cx, cy) < keep_clear:
                        continue
                    downtown = np.exp(-(np.hypot(cx, cy) / (0.5 * radius)) ** 2)
                    storeys = max(2, int(rng.lognormal(np.log(4 + 16 * downtown), 0.45)))
                    centres.append((cx, cy))
                    footprints.append(lot * rng.uniform(0.7, 0.92, 2))
                    heights.append(storeys * 3.3)
    count = MAX_BUILDINGS[detail]
    if len(centres) > count:  # the nearest first: the far ones are what the camera loses
        order = np.argsort(np.hypot(*np.array(centres).T))[:count]
        centres = [centres[k] for k in order]
        footprints = [footprints[k] for k in order]
        heights = [heights[k] for k in order]
    return Buildings(np.array(centres, float).reshape(-1, 2),
                     np.array(footprints, float).reshape(-1, 2), np.array(heights, float))
