"""Rooms as a place kind (no bpy): the shell (walls, floor, ceiling, windows, a door,
ceiling lights) and the furniture arranged as the room is used, seeded.

Every room is built in the scene's staging frame: the cast stands at the origin facing
-y, the cameras look at them from -y, so what is behind the cast (+y) is the room's
front: a classroom's board, a lab's demonstration bench, a stage's back wall. The
furniture fills the room around two clear zones: the cast's spot and the aisle the
cameras stand in (CAST_CLEAR, AISLE). Items are upright boxes in plan (turned by
multiples of 90 degrees), so "stands on the floor" and "does not intersect" are plain
rectangle tests (tests/background/test_rooms.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

# Width (x), depth (y), height (metres) of a medium room of each kind; "small" and
# "large" scale the floor (not the height, except halls).
ROOMS: dict[str, tuple[float, float, float]] = {
    "classroom": (9.0, 9.0, 3.0),
    "science_lab": (10.0, 8.5, 3.0),
    "library": (12.0, 10.0, 3.6),
    "museum": (16.0, 12.0, 5.0),
    "office": (10.0, 8.5, 2.8),
    "living_room": (6.5, 5.5, 2.6),
    "kitchen": (6.0, 5.5, 2.6),
    "studio": (12.0, 10.0, 6.0),
    "auditorium": (18.0, 16.0, 7.0),
}
SIZES = {"small": 0.8, "medium": 1.0, "large": 1.3}
CAST_FROM_FRONT = 2.2  # metres from the front wall to the cast's spot
# Rooms whose front wall has furniture the cast stands before (a sofa, the counters).
CAST_FROM_FRONT_BY_KIND = {"living_room": 2.8, "kitchen": 2.6}
CAST_CLEAR = 1.6  # metres around the cast's spot kept free
# Things hung on a wall (their z is their bottom edge, not a surface they stand on).
HUNG = {"board", "whiteboard", "painting", "wall_cabinet", "clock"}
RUN = -0.001  # the gap of things in a run (counters): touching, not rejected by rounding
AISLE = 0.9  # half width of the camera's aisle down the middle (x), metres


@dataclass(frozen=True)
class Item:
    """One piece of furniture or a fitting: its kind, the middle of its footprint (x, y),
    the height it stands at (z: 0 on the floor, more on a bench or a desk), its size (x,
    y, z before turning) and its turn about z (degrees, a multiple of 90): at 0 the side
    it is used from (a desk's, a shelf's open side, a chair's seat front) faces -y."""

    kind: str
    x: float
    y: float
    z: float
    size: tuple[float, float, float]
    turn: int = 0

    def footprint(self) -> tuple[float, float, float, float]:
        """(x min, y min, x max, y max) of its plan."""
        w, d = (self.size[1], self.size[0]) if self.turn % 180 == 90 else self.size[:2]
        return (self.x - w / 2, self.y - d / 2, self.x + w / 2, self.y + d / 2)


@dataclass
class Opening:
    """A window or a door in a wall: which wall ("left" -x, "right" +x, "front" +y,
    "back" -y), where along it (metres from its middle), how wide, its sill and top."""

    wall: str
    along: float
    width: float
    sill: float
    top: float
    kind: str = "window"


@dataclass
class Room:
    """A room's shell and contents in the staging frame (the floor at z = 0)."""

    kind: str
    width: float  # x
    depth: float  # y
    height: float
    centre_y: float  # the room's middle (the cast at the origin, CAST_FROM_FRONT from +y)
    openings: list[Opening] = field(default_factory=list)
    items: list[Item] = field(default_factory=list)
    lights: list[tuple[float, float]] = field(default_factory=list)  # ceiling (x, y)

    @property
    def bounds(self) -> tuple[float, float, float, float]:
        """(x min, y min, x max, y max) of the floor."""
        return (-self.width / 2, self.centre_y - self.depth / 2, self.width / 2,
                self.centre_y + self.depth / 2)

    @property
    def front(self) -> float:
        return self.centre_y + self.depth / 2

    @property
    def back(self) -> float:
        return self.centre_y - self.depth / 2

    def clear_zones(self) -> list[tuple[float, float, float, float]]:
        """Rectangles kept free: the cast's spot and the cameras' aisle."""
        half = min(CAST_CLEAR + 1.0, 0.3 * self.width)  # room for two or three side by side
        return [(-half, -CAST_CLEAR, half, CAST_CLEAR),
                (-AISLE, self.back + 0.6, AISLE, 0.0)]


def overlaps(a, b, gap: float = 0.0) -> bool:
    """Whether two plan rectangles (x min, y min, x max, y max) overlap, or come closer
    than `gap`."""
    return not (a[2] + gap <= b[0] or b[2] + gap <= a[0] or a[3] + gap <= b[1]
                or b[3] + gap <= a[1])


class Layout:
    """Items placed one by one, each only where it fits (inside the walls, clear of the
    clear zones and of everything placed before it)."""

    def __init__(self, room: Room, rng: np.random.Generator) -> None:
        self.room, self.rng = room, rng
        x0, y0, x1, y1 = room.bounds
        self.inside = (x0 + 0.05, y0 + 0.05, x1 - 0.05, y1 - 0.05)

    def fits(self, item: Item, gap: float = 0.05) -> bool:
        box = item.footprint()
        x0, y0, x1, y1 = self.inside
        if box[0] < x0 or box[1] < y0 or box[2] > x1 or box[3] > y1:
            return False
        if item.kind in HUNG:  # on a wall above the floor: only other hung things count
            return not any(overlaps(box, other.footprint(), gap)
                           for other in self.room.items if other.kind in HUNG)
        if any(overlaps(box, zone) for zone in self.room.clear_zones()):
            return False
        return not any(overlaps(box, other.footprint(), gap) for other in self.room.items
                       if other.z == 0.0 and item.z == 0.0)

    def put(self, item: Item, gap: float = 0.05) -> bool:
        if self.fits(item, gap):
            self.room.items.append(item)
            return True
        return False

    def on(self, base: Item, kind: str, size, dx: float = 0.0, dy: float = 0.0,
           turn: int | None = None) -> None:
        """Something standing on `base` (a globe on a desk), `dx`, `dy` from its middle
        in the base's own axes (turned with it): no floor test."""
        angle = np.radians(base.turn)
        x = base.x + dx * np.cos(angle) - dy * np.sin(angle)
        y = base.y + dx * np.sin(angle) + dy * np.cos(angle)
        self.room.items.append(Item(kind, round(float(x), 4), round(float(y), 4),
                                    base.z + base.size[2], tuple(size),
                                    base.turn if turn is None else turn))


def _along_wall(layout: Layout, kind: str, size, wall: str, step: float,
                margin: float = 0.4, z: float = 0.0, gap: float = 0.05) -> None:
    """A row of `kind` against a wall (shelves, cases, counters), facing into the room;
    `z` above the floor for things hung on it, `gap` between neighbours (RUN: touching)."""
    room = layout.room
    x0, y0, x1, y1 = room.bounds
    w, d, _ = size
    if wall in ("left", "right"):
        turn = 90 if wall == "left" else 270  # the open side into the room
        x = (x0 + d / 2 + 0.06) if wall == "left" else (x1 - d / 2 - 0.06)
        for y in np.arange(y0 + margin + w / 2, y1 - margin - w / 2 + 1e-6, step):
            layout.put(Item(kind, float(x), float(y), z, tuple(size), turn), gap)
    else:
        turn = 180 if wall == "back" else 0
        y = (y0 + d / 2 + 0.06) if wall == "back" else (y1 - d / 2 - 0.06)
        for x in np.arange(x0 + margin + w / 2, x1 - margin - w / 2 + 1e-6, step):
            layout.put(Item(kind, float(x), float(y), z, tuple(size), turn), gap)


def _rows(layout: Layout, kind: str, size, seat: str | None, seat_size, y_start: float,
          y_end: float, spacing_x: float, spacing_y: float, jitter: float = 0.0,
          turn: int = 0) -> None:
    """Rows of `kind` used by people facing the front (+y; `turn` 0 for a desk used from
    its -y side, 180 for a seat), a `seat` behind each, in columns either side of the
    aisle out to the walls, from `y_start` back to `y_end`."""
    room, rng = layout.room, layout.rng
    xs = []
    for side in (-1.0, 1.0):
        x = AISLE + 0.15 + size[0] / 2
        while x + size[0] / 2 < room.width / 2 - 0.3:
            xs.append(side * x)
            x += spacing_x
    for y in np.arange(y_start, y_end, -spacing_y):
        for x in sorted(xs):
            dx, dy = rng.uniform(-jitter, jitter, 2) if jitter else (0.0, 0.0)
            desk = Item(kind, float(x + dx), float(y + dy), 0.0, tuple(size), turn)
            if layout.put(desk) and seat is not None:
                layout.put(Item(seat, desk.x, desk.y - size[1] / 2 - seat_size[1] / 2 - 0.1,
                                0.0, tuple(seat_size), 180), gap=0.0)


def _classroom(layout: Layout) -> None:
    room = layout.room
    layout.put(Item("board", 0.0, room.front - 0.09, 0.9, (min(4.0, room.width * 0.5),
                                                            0.05, 1.2)))
    layout.put(Item("clock", -room.width * 0.3, room.front - 0.08, 2.2, (0.35, 0.05, 0.35)))
    # The teacher's desk beside the board facing the class; in a small room, where
    # that would crowd the cast, end on against the right wall.
    for teacher, chair in (
            (Item("teacher_desk", room.width / 2 - 0.9, room.front - 1.1, 0.0,
                  (1.4, 0.7, 0.76), 180), (0.0, 0.65)),
            (Item("teacher_desk", room.width / 2 - 0.42, room.front - 1.2, 0.0,
                  (1.4, 0.7, 0.76), 270), (0.0, 1.05))):
        if layout.put(teacher):
            layout.on(teacher, "globe", (0.32, 0.32, 0.45), dx=0.4)
            layout.put(Item("chair", teacher.x + chair[0], teacher.y + chair[1], 0.0,
                            (0.45, 0.45, 0.85), 0))
            break
    _rows(layout, "desk", (1.2, 0.55, 0.74), "chair", (0.45, 0.45, 0.85),
          -CAST_CLEAR - 0.45, room.back + 1.0, 1.35, 1.3, jitter=0.04)
    _along_wall(layout, "bookshelf", (1.0, 0.35, 1.8), "back", 1.1, margin=0.6)


def _science_lab(layout: Layout) -> None:
    room = layout.room
    layout.put(Item("board", 0.0, room.front - 0.09, 0.9, (3.6, 0.05, 1.2)))
    # The teacher's bench along the right wall, beside the cast, facing the class.
    demo = Item("lab_bench", room.width / 2 - 0.46, 0.3, 0.0, (2.4, 0.8, 0.92), 270)
    if layout.put(demo):
        layout.on(demo, "microscope", (0.2, 0.3, 0.4), dx=-0.6)
        layout.on(demo, "sink", (0.5, 0.4, 0.05), dx=0.6)
    room_items = len(room.items)
    _rows(layout, "lab_bench", (2.4, 0.8, 0.92), "stool", (0.38, 0.38, 0.7),
          -CAST_CLEAR - 0.8, room.back + 1.2, 2.9, 2.1)
    for bench in room.items[room_items:]:
        if bench.kind == "lab_bench":
            layout.on(bench, "sink", (0.45, 0.35, 0.05), dx=0.7)
            layout.on(bench, "microscope", (0.2, 0.3, 0.4), dx=-0.6)
    _along_wall(layout, "cabinet", (1.2, 0.5, 2.0), "right", 1.3)


def _library(layout: Layout) -> None:
    room = layout.room
    for wall in ("left", "right", "front", "back"):
        _along_wall(layout, "bookshelf", (1.0, 0.35, 2.2), wall, 1.05, margin=0.9)
    # Free-standing stacks, end on to the aisle, and reading tables between.
    for side in (-1, 1):
        for y in np.arange(-CAST_CLEAR - 1.2, room.back + 1.6, -1.8):
            layout.put(Item("bookshelf", side * (AISLE + 1.6), float(y), 0.0,
                            (2.4, 0.45, 1.9), 0))
    table = Item("table", -(room.width / 2 - 1.5), room.front - 1.5, 0.0, (1.8, 0.9, 0.75), 0)
    if layout.put(table):
        for dx in (-0.5, 0.5):
            layout.put(Item("chair", table.x + dx, table.y - 0.75, 0.0, (0.45, 0.45, 0.85),
                            180), gap=0.0)


def _museum(layout: Layout) -> None:
    room, rng = layout.room, layout.rng
    _along_wall(layout, "display_case", (1.6, 0.6, 1.9), "left", 2.4, margin=1.0)
    _along_wall(layout, "display_case", (1.6, 0.6, 1.9), "right", 2.4, margin=1.0)
    for y in np.arange(-CAST_CLEAR - 1.5, room.back + 1.5, -3.0):
        for side in (-1, 1):
            plinth = Item("plinth", side * (AISLE + 2.2), float(y), 0.0, (0.8, 0.8, 1.0))
            if layout.put(plinth):
                layout.on(plinth, "sculpture", (0.5, 0.5, float(rng.uniform(0.6, 1.1))))
    layout.put(Item("bench", 0.0, room.front - 0.9, 0.0, (1.8, 0.5, 0.45), 0))
    # Paintings along the front wall and between the cases, at eye height.
    _along_wall(layout, "painting", (1.4, 0.05, 1.0), "front", 2.2, margin=1.2, z=1.3)
    _along_wall(layout, "painting", (1.1, 0.05, 0.8), "back", 2.6, margin=1.5, z=1.4)


def _office(layout: Layout) -> None:
    room = layout.room
    layout.put(Item("whiteboard", -1.2, room.front - 0.09, 0.9, (2.0, 0.05, 1.1)))
    layout.put(Item("painting", 1.8, room.front - 0.08, 1.3, (1.0, 0.05, 0.7)))
    _rows(layout, "office_desk", (1.6, 0.8, 0.74), "office_chair", (0.6, 0.6, 1.0),
          -CAST_CLEAR - 0.5, room.back + 1.0, 1.8, 2.0)
    _along_wall(layout, "cabinet", (0.9, 0.5, 1.3), "right", 1.0)
    plant = Item("plant", -room.width / 2 + 0.5, room.front - 0.5, 0.0, (0.5, 0.5, 1.2))
    layout.put(plant)


def _living_room(layout: Layout) -> None:
    room = layout.room
    # The sofa against the front wall behind the cast (the wide shot sees them before
    # it), a lamp table beside it, the TV facing it from the back wall.
    sofa = Item("sofa", 0.0, room.front - 0.5, 0.0, (2.2, 0.9, 0.85), 0)
    layout.put(sofa)
    layout.put(Item("painting", 0.0, room.front - 0.08, 1.25, (1.2, 0.05, 0.8)))
    side = Item("table", 1.55, room.front - 0.35, 0.0, (0.5, 0.5, 0.55), 0)
    if layout.put(side):
        layout.on(side, "plant", (0.3, 0.3, 0.45))
    tv = Item("tv_stand", 0.0, room.back + 0.29, 0.0, (1.6, 0.45, 0.5), 180)
    if layout.put(tv, gap=0.0):
        layout.on(tv, "tv", (1.3, 0.08, 0.75))
    layout.put(Item("bookshelf", -room.width / 2 + 0.24, room.front - 1.2, 0.0,
                    (1.2, 0.35, 1.8), 90))
    layout.put(Item("plant", room.width / 2 - 0.4, room.front - 0.4, 0.0, (0.45, 0.45, 1.1)))
    layout.put(Item("armchair", room.width / 2 - 0.6, room.back + 1.4, 0.0,
                    (0.85, 0.85, 0.85), 270))


def _kitchen(layout: Layout) -> None:
    room = layout.room
    x1 = room.bounds[2]
    # A fridge in the front corner, then a run of counters along the front wall with the
    # cooker in it and cabinets hung above, and a run along the left wall.
    layout.put(Item("fridge", x1 - 0.45, room.front - 0.4, 0.0, (0.7, 0.68, 1.85)))
    _along_wall(layout, "counter", (0.6, 0.62, 0.9), "front", 0.6, margin=0.95, gap=RUN)
    _along_wall(layout, "wall_cabinet", (0.6, 0.35, 0.7), "front", 0.6, margin=0.95,
                z=1.45, gap=RUN)
    _along_wall(layout, "counter", (0.6, 0.62, 0.9), "left", 0.6, margin=0.75, gap=RUN)
    front = sorted((item for item in room.items if item.kind == "counter"
                    and item.turn == 0), key=lambda item: item.x)
    if len(front) >= 3:  # the sink under the window's light, nearest the middle
        middle = min(front, key=lambda item: abs(item.x))
        layout.on(middle, "sink", (0.5, 0.4, 0.05))
        cooker = front[0] if front[0] is not middle else front[1]
        layout.on(cooker, "hob", (0.55, 0.5, 0.02))
    table = Item("table", x1 - 0.75, room.back + 0.9, 0.0, (1.2, 0.8, 0.75), 90)
    if layout.put(table):
        for dy in (-0.35, 0.35):
            layout.put(Item("chair", table.x - 0.65, table.y + dy, 0.0, (0.42, 0.42, 0.85),
                            90), gap=0.0)


def _studio(layout: Layout) -> None:
    room = layout.room
    layout.put(Item("backdrop", 0.0, room.front - 0.3, 0.0, (room.width * 0.7, 0.2, 4.0)))
    for side in (-1, 1):
        layout.put(Item("light_stand", side * 2.6, -2.5, 0.0, (0.6, 0.6, 2.2)))
    layout.put(Item("plant", -room.width / 2 + 0.6, room.front - 0.7, 0.0, (0.5, 0.5, 1.3)))


def _auditorium(layout: Layout) -> None:
    room = layout.room
    layout.put(Item("board", 0.0, room.front - 0.09, 1.2, (room.width * 0.45, 0.05, 3.0)))
    layout.put(Item("lectern", CAST_CLEAR + 1.6, 0.4, 0.0, (0.6, 0.5, 1.1), 180))
    _rows(layout, "seat_row", (2.8, 0.6, 0.9), None, None, -CAST_CLEAR - 1.2,
          room.back + 0.8, 3.1, 1.0, turn=180)


FURNISH = {"classroom": _classroom, "science_lab": _science_lab, "library": _library,
           "museum": _museum, "office": _office, "living_room": _living_room,
           "kitchen": _kitchen, "studio": _studio, "auditorium": _auditorium}


def _openings(room: Room, rng: np.random.Generator) -> None:
    """Windows along the left wall (the daylight comes from the camera's left), one on
    the back wall of a large room, and a door at the back of the right wall; a studio and
    a museum hall are windowless."""
    if room.kind not in ("studio", "museum", "auditorium"):
        count = max(1, int(room.depth // 2.6))
        spacing = room.depth / count
        width = min(1.8, spacing - 0.6)
        for i in range(count):
            along = -room.depth / 2 + spacing * (i + 0.5) + float(rng.uniform(-0.1, 0.1))
            room.openings.append(Opening("left", along, width, 0.9,
                                         min(room.height - 0.3, 2.4)))
    room.openings.append(Opening("right", -room.depth / 2 + 1.2, 1.0, 0.0, 2.1, "door"))


def build_room(kind: str, size: str = "medium", seed: int = 0) -> Room:
    """A room of `kind` (ROOMS) at `size` (SIZES), furnished with variation by `seed`,
    in the staging frame (see the module docstring)."""
    if kind not in ROOMS:
        raise ValueError(f"room: unknown kind {kind!r} (one of {', '.join(ROOMS)})")
    rng = np.random.default_rng(seed)
    width, depth, height = ROOMS[kind]
    scale = SIZES[size] * float(rng.uniform(0.95, 1.05))
    width, depth = round(width * scale, 2), round(depth * scale, 2)
    if kind in ("auditorium", "studio", "museum") and size == "large":
        height *= 1.2
    front = CAST_FROM_FRONT_BY_KIND.get(kind, CAST_FROM_FRONT)
    room = Room(kind, width, depth, height, centre_y=front - depth / 2)
    _openings(room, rng)
    FURNISH[kind](Layout(room, rng))
    # Ceiling lights on a grid about 2.5 m apart.
    nx, ny = max(1, round(width / 2.5)), max(1, round(depth / 2.5))
    room.lights = [(float(-width / 2 + width * (i + 0.5) / nx),
                    float(room.back + depth * (j + 0.5) / ny))
                   for i in range(nx) for j in range(ny)]
    return room



def room_dict(room: Room) -> dict:
    """The room as plain data (JSON): its size, where its walls are, its furniture."""
    return {"kind": room.kind, "width": room.width, "depth": room.depth,
            "height": room.height, "bounds": list(room.bounds),
            "items": [{"kind": i.kind, "at": [i.x, i.y, i.z], "size": list(i.size),
                       "turn": i.turn} for i in room.items]}
