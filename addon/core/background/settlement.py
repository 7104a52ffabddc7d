"""Villages, towns and harbours (no bpy): houses along a street that leads away from a
square, with street lamps and benches, laid out in the scene's staging frame: the
square's middle is the cast's spot and the street runs along +y, so the wide shot looks
up it between the houses. In a harbour the "street" is the harbour basin: quays along
both sides with the houses facing the water, boats moored at the quays, a lighthouse at
the mouth where the basin opens to the sea. The land under them is levelled
(`levelled`), the basin cut into it.

A house is a box of storeys under a pitched roof, its front (door and windows) to the
street; a town's houses are taller and stand shoulder to shoulder, a village's lower
with gardens between, fenced along the street. Same kind and seed, same layout.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .rooms import overlaps

KINDS = ("village", "town", "harbour")
SQUARE = 9.0  # half the square's side, metres
ROAD = 3.5  # half the street's width
SETBACK = 1.2  # from the street's edge to a house's front
STOREY = 3.0
STREET_LENGTH = {"village": 60.0, "town": 90.0, "harbour": 80.0}
BASIN = 11.0  # half the harbour basin's width
HARBOUR_HEAD = SQUARE + 2.5  # the quay across the head of the basin, beyond the square
QUAY = 5.0  # the quays' width between the water and the houses
QUAY_HEIGHT = 1.5  # the quays above the water
BASIN_DEPTH = 4.0  # the water in the basin
PIER_LENGTH = 7.0  # a pier's reach into the basin
PIER_DROP = 0.3  # a pier's deck below the quays


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


@dataclass(frozen=True)
class Boat:
    """A boat afloat: the middle of its length (x, y), its length, its turn (degrees: at
    0 its bow points +y), its kind ("fishing": a wheelhouse and a mast; "rowing": open,
    with thwarts) and its paint's index."""

    x: float
    y: float
    length: float
    turn: int
    kind: str
    colour: int

    @property
    def beam(self) -> float:
        return self.length * (0.36 if self.kind == "fishing" else 0.4)

    def footprint(self) -> tuple[float, float, float, float]:
        w, d = (self.length, self.beam) if self.turn % 180 == 90 else (self.beam,
                                                                        self.length)
        return (self.x - w / 2, self.y - d / 2, self.x + w / 2, self.y + d / 2)


@dataclass
class Settlement:
    kind: str
    houses: list[House] = field(default_factory=list)
    props: list[Prop] = field(default_factory=list)
    paved: list[tuple[float, float, float, float]] = field(default_factory=list)
    # A harbour's water: the basin (x min, y min, x max, y max), running out to sea past
    # its mouth; its boats; its lighthouse (x, y) at the mouth.
    basin: tuple[float, float, float, float] | None = None
    boats: list[Boat] = field(default_factory=list)
    lighthouse: tuple[float, float] | None = None
    # A harbour's wooden piers: decks (x0, y0, x1, y1) out into the basin from a quay.
    piers: list[tuple[float, float, float, float]] = field(default_factory=list)
    # Fences along the street between a village's gardens: (x0, y0, x1, y1) segments.
    fences: list[tuple[float, float, float, float]] = field(default_factory=list)

    def bounds(self) -> tuple[float, float, float, float]:
        """(x min, y min, x max, y max) of everything built: the ground levelled."""
        boxes = [h.footprint() for h in self.houses] + self.paved
        return (min(b[0] for b in boxes), min(b[1] for b in boxes),
                max(b[2] for b in boxes), max(b[3] for b in boxes))


def _row(rng, side: float, start: float, end: float, town: bool, edge: float,
         storeys_range: tuple[int, int] | None = None) -> list[House]:
    """Houses along one side (side -1: left, +1: right) from `start` to `end` along y,
    their fronts `SETBACK` from the line `edge` from the middle (the street's kerb, the
    square's side), facing it."""
    houses, y = [], start
    low, high = storeys_range or ((2, 5) if town else (1, 3))
    while True:
        width = float(rng.uniform(6.0, 8.0) if town else rng.uniform(7.0, 10.0))
        depth = float(rng.uniform(8.0, 10.0) if town else rng.uniform(7.0, 9.0))
        if y + width > end:
            return houses
        storeys = int(rng.integers(low, high))
        x = side * (edge + SETBACK + depth / 2)
        houses.append(House(x, y + width / 2, width, depth, storeys,
                            90 if side < 0 else 270, int(rng.integers(0, 6)),
                            int(rng.integers(0, 3))))
        y += width + (float(rng.uniform(0.0, 0.4)) if town else float(rng.uniform(2.5, 6.0)))


def _fences(place: Settlement) -> None:
    """Picket fences along the kerb in the gardens between a village's street houses."""
    for side in (-1.0, 1.0):
        row = sorted((h for h in place.houses if h.x * side > 0 and h.y > SQUARE + 1.0),
                     key=lambda h: h.y)
        for a, b in zip(row, row[1:], strict=False):
            y0, y1 = a.footprint()[3] + 0.3, b.footprint()[1] - 0.3
            if y1 - y0 > 1.0:
                x = side * (ROAD + 0.9)
                place.fences.append((x, y0, x, y1))


def _harbour(rng, place: Settlement) -> None:
    """Quays along both sides of a basin running +y from the square out to sea, houses
    facing the water, boats moored along the quays, a lighthouse at the mouth."""
    length = STREET_LENGTH["harbour"]
    edge = BASIN + QUAY  # the quays' far side: the houses' fronts stand back from it
    for side in (-1.0, 1.0):
        place.houses += _row(rng, side, HARBOUR_HEAD, length, True, edge - SETBACK + 0.02,
                             (2, 4))
        place.houses += _row(rng, side, -SQUARE + 1.0, HARBOUR_HEAD - 3.5, True, SQUARE,
                             (2, 4))
    place.basin = (-BASIN, HARBOUR_HEAD, BASIN, length + 6.0)
    place.paved = [(-SQUARE, -SQUARE, SQUARE, SQUARE),
                   (-edge, SQUARE, edge, HARBOUR_HEAD),
                   (-edge, HARBOUR_HEAD, -BASIN, length + 6.0),
                   (BASIN, HARBOUR_HEAD, edge, length + 6.0)]
    for side in (-1.0, 1.0):  # moored along each quay, bow or stern to the sea
        y = HARBOUR_HEAD + float(rng.uniform(3.0, 6.0))
        while y < length - 6.0:
            fishing = rng.random() < 0.6
            boat_length = float(rng.uniform(8.0, 11.0) if fishing else rng.uniform(3.5, 5.0))
            beam = boat_length * (0.36 if fishing else 0.4)
            if y + boat_length > length - 4.0:
                break
            place.boats.append(Boat(side * (BASIN - beam / 2 - 0.5), y + boat_length / 2,
                                    boat_length, int(rng.choice([0, 180])),
                                    "fishing" if fishing else "rowing",
                                    int(rng.integers(0, 5))))
            y += boat_length + float(rng.uniform(1.5, 9.0))
        for y in np.arange(HARBOUR_HEAD + 8.0, length, 16.0):  # lamps along the quays
            place.props.append(Prop("lamp", side * (edge - 0.6), float(y + (side > 0) * 8)))
    place.lighthouse = (-(BASIN + QUAY / 2), length + 3.0)
    # A wooden pier out from the right-hand quay, a rowing boat tied up along it.
    y = float(rng.uniform(38.0, 52.0))
    pier = (BASIN - PIER_LENGTH, y - 1.2, BASIN, y + 1.2)
    place.piers.append(pier)
    boat = Boat(BASIN - PIER_LENGTH / 2 - 0.5, y + 1.2 + 0.3 + 4.2 * 0.2, 4.2, 90,
                "rowing", int(rng.integers(0, 5)))
    keep_off = (pier[0] - 1.0, pier[1] - 1.0, pier[2], boat.footprint()[3] + 1.0)
    place.boats = [b for b in place.boats if not overlaps(b.footprint(), keep_off)]
    place.boats.append(boat)
    for x in (-SQUARE + 1.0, SQUARE - 1.0):
        place.props.append(Prop("lamp", x, -SQUARE + 1.0))
        place.props.append(Prop("bench", x * 0.6, SQUARE - 0.8, 180))  # facing the water


def build_settlement(kind: str, seed: int = 0) -> Settlement:
    """A village, a town or a harbour (KINDS) round a square at the origin, its street
    (a harbour's basin) along +y."""
    if kind not in KINDS:
        raise ValueError(f"settlement: unknown kind {kind!r} (one of {', '.join(KINDS)})")
    rng = np.random.default_rng(seed + 811)
    if kind == "harbour":
        place = Settlement(kind)
        _harbour(rng, place)
        return place
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
    else:
        _fences(place)
    return place



def quay_wall(field) -> float:
    """How thick a harbour's quay walls are on this height field: at least one grid step,
    so the terrain's drop from the quays into the basin is inside the wall, never a
    slope seen above the water."""
    return max(1.0, field.extent / (field.heights.shape[0] - 1))


def levelled(field, place: Settlement, margin: float = 6.0, ease: float = 25.0,
             level: float | None = None):
    """The land under the settlement made level (its houses and streets need flat
    ground), easing back into the land around it over `ease` metres; a harbour's basin
    cut `BASIN_DEPTH` below the water (`level` - QUAY_HEIGHT) inside its quay walls and
    out past its mouth. Returns the new height field, the level's height (the median of
    the land under it unless given), and the grid points its buildings, streets and
    water cover (nothing is planted there)."""
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
    if level is None:
        level = float(np.median(field.heights[inside])) if inside.any() else float(
            field.heights[n // 2, n // 2])
    t = np.clip(outside / ease, 0.0, 1.0)
    weight = t * t * (3 - 2 * t)
    heights = level * (1 - weight) + field.heights * weight
    built = outside < 2.0
    if place.basin is not None:
        wall = quay_wall(field)
        bx0, by0, bx1, _ = place.basin
        water = ((gx > bx0 - wall) & (gx < bx1 + wall) & (gy > by0 - wall)
                 & (gy < y1 + margin + ease + 2 * wall))
        floor = level - QUAY_HEIGHT - BASIN_DEPTH
        heights = np.where(water, np.minimum(heights, floor), heights)
        built |= water
    return HeightField(heights, field.extent), float(level), built
