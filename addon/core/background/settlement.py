"""Villages and towns (no bpy): houses along a street that leads away from a square, with
street lamps and benches, laid out in the scene's staging frame: the square's middle is
the cast's spot and the street runs along +y, so the wide shot looks up it between the
houses. The land under them is levelled by the Blender side (flat_ground).

A house is a box of storeys under a pitched roof, its front (door and windows) to the
street; a town's houses are taller and stand shoulder to shoulder, a village's lower
with gardens between. Same kind and seed, same layout.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

KINDS = ("village", "town")
SQUARE = 9.0  # half the square's side, metres
ROAD = 3.5  # half the street's width
SETBACK = 1.2  # from the street's edge to a house's front
STOREY = 3.0
STREET_LENGTH = {"village": 60.0, "town": 90.0}


@dataclass(frozen=True)
class House:
    """A house: the middle of its footprint, its width along the street and depth, its
    storeys, its turn (degrees: at 0 its front faces -y) and its colours' index."""

    x: float
    y: float
    width: float
    depth: float
    storeys: int
    turn: int
    colour: int
    roof: int

    def footprint(self) -> tuple[float, float, float, float]:
        w, d = (self.depth, self.width) if self.turn % 180 == 90 else (self.width,
                                                                          self.depth)
        return (self.x - w / 2, self.y - d / 2, self.x + w / 2, self.y + d / 2)


@dataclass(frozen=True)
class Prop:
    """A street lamp, a bench, a market stall: kind, place, turn (as a house's)."""

    kind: str
    x: float
    y: float
    turn: int = 0


@dataclass
class Settlement:
    kind: str
    houses: list[House] = field(default_factory=list)
    props: list[Prop] = field(default_factory=list)
    paved: list[tuple[float, float, float, float]] = field(default_factory=list)

    def bounds(self) -> tuple[float, float, float, float]:
        """(x min, y min, x max, y max) of everything built: the ground levelled."""
        boxes = [h.footprint() for h in self.houses] + self.paved
        return (min(b[0] for b in boxes), min(b[1] for b in boxes),
                max(b[2] for b in boxes), max(b[3] for b in boxes))


def _row(rng, side: float, start: float, end: float, town: bool, edge: float
         ) -> list[House]:
    """Houses along one side (side -1: left, +1: right) from `start` to `end` along y,
    their fronts `SETBACK` from the line `edge` from the middle (the street's kerb, the
    square's side), facing it."""
    houses, y = [], start
    while True:
        width = float(rng.uniform(6.0, 8.0) if town else rng.uniform(7.0, 10.0))
        depth = float(rng.uniform(8.0, 10.0) if town else rng.uniform(7.0, 9.0))
        if y + width > end:
            return houses
        storeys = int(rng.integers(2, 5) if town else rng.integers(1, 3))
        x = side * (edge + SETBACK + depth / 2)
        houses.append(House(x, y + width / 2, width, depth, storeys,
                            90 if side < 0 else 270, int(rng.integers(0, 6)),
                            int(rng.integers(0, 3))))
        y += width + (float(rng.uniform(0.0, 0.4)) if town else float(rng.uniform(2.5, 6.0)))


def build_settlement(kind: str, seed: int = 0) -> Settlement:
    """A village or a town (KINDS) round a square at the origin, its street along +y."""
    if kind not in KINDS:
        raise ValueError(f"settlement: unknown kind {kind!r} (one of {', '.join(KINDS)})")
    rng = np.random.default_rng(seed + 811)
    town = kind == "town"
    place = Settlement(kind)
    length = STREET_LENGTH[kind]
    for side in (-1.0, 1.0):
        place.houses += _row(rng, side, SQUARE + 1.0, length, town, ROAD)
        # The square's sides: a house or two facing across it.
        place.houses += _row(rng, side, -SQUARE + 1.0, SQUARE + 1.0, town, SQUARE)
    place.paved = [(-SQUARE, -SQUARE, SQUARE, SQUARE), (-ROAD, SQUARE, ROAD, length)]
    for y in np.arange(SQUARE + 6.0, length, 14.0):  # lamps along both kerbs, staggered
        place.props.append(Prop("lamp", -(ROAD + 0.4), float(y)))
        place.props.append(Prop("lamp", ROAD + 0.4, float(y + 7.0)))
    for x in (-SQUARE + 1.0, SQUARE - 1.0):  # the square's corners, lamps; benches facing in
        place.props.append(Prop("lamp", x, SQUARE - 1.0))
        place.props.append(Prop("bench", x * 0.75, -SQUARE + 2.5, 180))
    if town:
        place.props += [Prop("stall", -5.5, 5.5, 90), Prop("stall", 5.5, 5.5, 270)]
    return place



def levelled(field, place: Settlement, margin: float = 6.0, ease: float = 25.0):
    """The land under the settlement made level (its houses and streets need flat
    ground), easing back into the land around it over `ease` metres; returns the new
    height field, the level's height, and the grid points its buildings and streets
    cover (nothing is planted there)."""
    from .terrain import HeightField

    n = field.heights.shape[0]
    axis = np.linspace(-field.extent / 2, field.extent / 2, n)
    gx, gy = np.meshgrid(axis, axis)  # rows run along y
    x0, y0, x1, y1 = place.bounds()
    # How far each grid point is outside the built area (0 inside).
    dx = np.maximum(np.maximum(x0 - margin - gx, gx - x1 - margin), 0.0)
    dy = np.maximum(np.maximum(y0 - margin - gy, gy - y1 - margin), 0.0)
    outside = np.hypot(dx, dy)
    inside = outside == 0.0
    level = float(np.median(field.heights[inside])) if inside.any() else float(
        field.heights[n // 2, n // 2])
    t = np.clip(outside / ease, 0.0, 1.0)
    weight = t * t * (3 - 2 * t)
    heights = level * (1 - weight) + field.heights * weight
    built = outside < 2.0
    return HeightField(heights, field.extent), level, built
