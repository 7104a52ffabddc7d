"""Where the props a description asks for go (no bpy; core.background.prop_words reads
them): in a room among its furniture (on a desk, beside the window, under a table), in a
settlement on its square, its street or its harbour's water, on open land in the view
behind the cast; a tree named as an anchor ("a bench under an oak") is planted there
for it. Everything is in the staging frame (the cast at the origin, the cameras at -y),
kept off the cast's spot and the cameras' aisle and clear of everything else; what
cannot be placed is said, never silently dropped.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

import numpy as np

from .prop_words import PropRequest
from .rooms import Item, Layout, Room, overlaps
from .settlement import BASIN, HARBOUR_HEAD, QUAY_HEIGHT, SQUARE, STREET_LENGTH, Settlement

# Size (x, y, z metres) of each prop at turn 0, its front (the side it is seen or used
# from) to -y: the camera's side. A bicycle and a car are seen side on.
SIZES: dict[str, tuple[float, float, float]] = {
    "bench": (1.6, 0.5, 0.45), "street_lamp": (0.4, 0.4, 3.6), "table": (1.2, 0.8, 0.75),
    "chair": (0.45, 0.45, 0.85), "bicycle": (1.75, 0.6, 1.0), "car": (4.3, 1.8, 1.45),
    "sign": (0.7, 0.12, 2.1), "plant": (0.5, 0.5, 1.2), "globe": (0.32, 0.32, 0.45),
    "microscope": (0.2, 0.3, 0.4), "telescope": (0.8, 0.8, 1.5),
    "bookshelf": (1.0, 0.35, 1.8), "boat": (4.2, 1.7, 0.8),
    "lighthouse": (3.2, 3.2, 13.5),
}
# The model each prop is built as (core.background.furniture).
MODEL = {"street_lamp": "lamp"}
SMALL = {"globe", "microscope"}  # stand on a desk or a table, not the floor
SMALL_ON_TOP = {"plant": (0.3, 0.3, 0.5)}  # a pot plant on a table is a small one
OUTDOORS_ONLY = {"car", "street_lamp", "boat", "lighthouse"}
# Landmarks too big to stand by the cast: further off, to one side of the view.
FAR = {"lighthouse": [(float(sx * x), float(y)) for y in (30.0, 38.0, 24.0)
                      for x in (12.0, 16.0) for sx in (-1, 1)]}
# Furniture whose top things stand on, and the anchors each word may mean.
TOPS = {"desk", "teacher_desk", "office_desk", "table", "lab_bench", "counter", "cabinet",
        "tv_stand", "lectern", "plinth", "bench"}
NEAREST = {"desk": ("desk", "office_desk", "teacher_desk", "table"),
           "teacher_desk": ("teacher_desk", "desk", "office_desk", "table"),
           "table": ("table", "desk", "office_desk", "teacher_desk"),
           "lab_bench": ("lab_bench", "table"), "counter": ("counter", "cabinet"),
           "board": ("board", "whiteboard"), "lectern": ("lectern",), "sofa": ("sofa",)}
TREE_CLEAR = 0.7  # metres round a trunk kept free
CAST_CLEAR = (-2.6, -1.6, 2.6, 1.6)
# Open land: where props may stand (the view behind and beside the cast).
OPEN_GROUND = (-10.0, -1.0, 10.0, 16.0)


@dataclass(frozen=True)
class PlacedProp:
    """A prop placed: its kind, the middle of its footprint, the height it stands at, its
    size, its turn (degrees) and what it was placed by (for the report)."""

    kind: str
    x: float
    y: float
    z: float
    size: tuple[float, float, float]
    turn: int
    where: str

    def footprint(self) -> tuple[float, float, float, float]:
        return _box(self.x, self.y, self.size, self.turn)


@dataclass
class PropPlan:
    """What was placed, the trees planted as anchors (species, x, y), the boats to float
    on open water (placed where the stage's view has water), and what was not placed."""

    placed: list[PlacedProp] = field(default_factory=list)
    trees: list[tuple[str, float, float]] = field(default_factory=list)
    boats_on_water: int = 0
    notes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"placed": [asdict(p) for p in self.placed], "trees": self.trees,
                "boats_on_water": self.boats_on_water, "notes": self.notes}


def _box(x: float, y: float, size, turn: int = 0) -> tuple[float, float, float, float]:
    w, d = (size[1], size[0]) if turn % 180 == 90 else size[:2]
    return (x - w / 2, y - d / 2, x + w / 2, y + d / 2)


def _label(request: PropRequest) -> str:
    return request.said if request.said else request.kind.replace("_", " ")


def _ring(cx: float, cy: float, reach: float, relation: str | None, turn: int = 0):
    """Spots round an anchor at `reach` metres: its sides for "beside", its front (the
    camera's side at turn 0) for "front", its back for "behind"."""
    angle = np.radians(turn)
    ax, ay = np.cos(angle), np.sin(angle)  # the anchor's own x axis
    fx, fy = np.sin(angle), -np.cos(angle)  # its front
    sides = [(ax, ay), (-ax, -ay)]
    offsets = {"front": [(fx, fy)], "behind": [(-fx, -fy)]}.get(
        relation or "", sides + [(fx, fy), (-fx, -fy)])
    out = []
    for ox, oy in offsets:
        for slide in (0.0, 0.4, -0.4, 0.8, -0.8):
            out.append((cx + ox * reach - oy * slide, cy + oy * reach + ox * slide))
    return out


# -- Rooms ------------------------------------------------------------------------------

def _top_spot(room: Room, base: Item, size) -> float | None:
    """Where along `base`'s top (its own x) a thing of `size` fits beside what is there."""
    top = base.z + base.size[2]
    taken = [i for i in room.items if abs(i.z - top) < 1e-6 and overlaps(
        i.footprint(), base.footprint())]
    half = (base.size[0] - size[0]) / 2 - 0.05
    if half < 0 or size[1] > base.size[1]:
        return None
    angle = np.radians(base.turn)
    for dx in sorted(np.linspace(-half, half, 9), key=abs):
        x = base.x + dx * np.cos(angle)
        y = base.y + dx * np.sin(angle)
        box = _box(x, y, size, base.turn)
        if not any(overlaps(box, other.footprint(), 0.03) for other in taken):
            return float(dx)
    return None


def _by_distance(items, x: float = 0.0, y: float = 1.0):
    return sorted(items, key=lambda i: np.hypot(i.x - x, i.y - y))


def _in_room(room: Room, layout: Layout, request: PropRequest, plan: PropPlan) -> None:
    kind, label = request.kind, _label(request)
    if kind in OUTDOORS_ONLY:
        plan.notes.append(f"prop: \"{label}\" is not put in a "
                          f"{room.kind.replace('_', ' ')} (it belongs outdoors)")
        return
    anchor, relation = request.anchor, request.relation
    kinds = NEAREST.get(anchor or "", (anchor,) if anchor else ())
    anchored = [i for k in kinds for i in _by_distance(i for i in room.items if i.kind == k)]
    small = kind in SMALL or (relation == "on" and kind in SMALL_ON_TOP)
    size = SMALL_ON_TOP.get(kind, SIZES[kind]) if small else SIZES[kind]
    count = request.count
    if small:
        bases = [i for i in anchored if i.kind in TOPS] if relation == "on" else []
        if relation == "on" and anchor and not bases:
            plan.notes.append(f"prop: no {anchor.replace('_', ' ')} to put \"{label}\" on "
                              f"in this {room.kind.replace('_', ' ')}; put on another top")
        if relation == "on" and bases:  # what the room has there already counts
            count -= sum(1 for i in room.items if i.kind == MODEL.get(kind, kind) and any(
                abs(i.z - b.z - b.size[2]) < 1e-6 and overlaps(i.footprint(), b.footprint())
                for b in bases))
        bases += [i for i in _by_distance(room.items) if i.kind in TOPS and i not in bases]
        for _ in range(max(count, 0)):
            for base in bases:
                dx = _top_spot(room, base, size)
                if dx is not None:
                    layout.on(base, kind, size, dx=dx)
                    item = room.items[-1]
                    plan.placed.append(PlacedProp(kind, item.x, item.y, item.z, size,
                                                  item.turn, f"on the {base.kind}"))
                    break
            else:
                plan.notes.append(f"prop: no free top for \"{label}\" in this "
                                  f"{room.kind.replace('_', ' ')}")
                return
        return
    spots: list[tuple[float, float]] = []
    where = "on the floor"
    if anchor == "window":
        spots = [(room.bounds[0] + size[1] / 2 + 0.35, room.centre_y + o.along)
                 for o in room.openings if o.kind == "window"]
        where = "by the window"
    elif anchor == "door":
        spots = [(room.bounds[2] - size[1] / 2 - 0.4, room.centre_y + o.along + d)
                 for o in room.openings if o.kind == "door" for d in (1.0, -1.0)]
        where = "by the door"
    elif anchored and relation == "under" and size[2] < anchored[0].size[2] - 0.05:
        base = anchored[0]
        spots = [(base.x, base.y)]
        where = f"under the {base.kind}"
    elif anchored:
        for base in anchored[:4]:
            reach = max(base.size[:2]) / 2 + max(size[:2]) / 2 + 0.15
            spots += _ring(base.x, base.y, reach, relation, base.turn)
        where = f"{'beside' if relation in (None, 'on', 'beside') else relation} the " \
                f"{anchored[0].kind.replace('_', ' ')}"
        if relation == "on":
            plan.notes.append(f"prop: \"{label}\" stands on the floor, not on the "
                              f"{anchored[0].kind.replace('_', ' ')}: put beside it")
    elif anchor:
        plan.notes.append(f"prop: no {anchor.replace('_', ' ')} in this "
                          f"{room.kind.replace('_', ' ')} for \"{label}\"; put where it fits")
    x0, y0, x1, y1 = room.bounds
    grid = [(float(x), float(y)) for x in np.arange(x0 + 0.4, x1 - 0.3, 0.3)
            for y in np.arange(y0 + 0.4, y1 - 0.3, 0.3)]

    def in_view(p):  # behind and beside the cast, where the wide shot sees it
        return min(np.hypot(p[0] - s, p[1] - 1.0) for s in (-3.2, 3.2))

    grid.sort(key=in_view)
    spots.sort(key=in_view)
    placed = 0
    for x, y in spots + grid:
        if placed == request.count:
            break
        item = Item(kind, round(x, 4), round(y, 4), 0.0, size, 0)
        if where.startswith("under") and (x, y) in spots:
            layout.room.items.append(item)  # beneath its table: the table is above it
        elif not layout.put(item):
            continue
        placed += 1
        plan.placed.append(PlacedProp(kind, item.x, item.y, 0.0, size, 0,
                                      where if (x, y) in spots else "on the floor"))
    if placed < request.count:
        plan.notes.append(f"prop: room for {placed} of {request.count} \"{label}\" in this "
                          f"{room.kind.replace('_', ' ')}")


# -- Outdoors ---------------------------------------------------------------------------

class _Ground:
    """Free ground outdoors: inside `areas`, clear of the cast's spot, the cameras'
    aisle and everything taken."""

    def __init__(self, areas, taken) -> None:
        self.areas, self.taken = list(areas), list(taken)

    def fits(self, box) -> bool:
        inside = any(box[0] >= a[0] and box[1] >= a[1] and box[2] <= a[2] and box[3] <= a[3]
                     for a in self.areas)
        return inside and not overlaps(box, CAST_CLEAR) and not overlaps(
            box, (-1.2, -30.0, 1.2, 0.0)) and not any(overlaps(box, t, 0.1)
                                                      for t in self.taken)

    def take(self, box) -> None:
        self.taken.append(box)


def _settlement_ground(place: Settlement) -> tuple[_Ground, list[PlacedProp]]:
    """The square (and a village's or a town's street), clear of its houses and props."""
    areas = [(-SQUARE + 0.3, -SQUARE + 0.3, SQUARE - 0.3, SQUARE - 0.3)]
    if place.kind != "harbour":
        areas.append((-3.3, SQUARE, 3.3, STREET_LENGTH[place.kind]))
    else:
        areas += [a for a in place.paved[1:]]
    taken = [h.footprint() for h in place.houses]
    existing = []
    for prop in place.props:
        size = SIZES["street_lamp" if prop.kind == "lamp" else prop.kind] if prop.kind in (
            "lamp", "bench") else (2.2, 1.4, 2.3)
        box = _box(prop.x, prop.y, size, prop.turn)
        taken.append(box)
        kind = "street_lamp" if prop.kind == "lamp" else prop.kind
        existing.append(PlacedProp(kind, prop.x, prop.y, 0.0, size, prop.turn, "built"))
    if place.basin is not None:
        taken.append(place.basin)
    return _Ground(areas, taken), existing


def _outdoors(request: PropRequest, ground: _Ground, plan: PropPlan, others: list,
              place: Settlement | None, water: bool) -> None:
    kind, label, anchor, relation = request.kind, _label(request), request.anchor, \
        request.relation
    if kind == "boat":
        _boats(request, ground, plan, place, water)
        return
    if kind == "lighthouse" and place is not None and place.lighthouse is not None:
        if request.count > 1:
            plan.notes.append(f"prop: the harbour has one lighthouse, not {request.count}")
        return  # the harbour's own
    size = SIZES[kind]
    turn = 90 if (place is not None and kind == "car" and place.kind != "harbour") else 0
    spots: list[tuple[float, float]] = []
    where = "in view"
    if anchor is not None and (anchor == "tree" or anchor in _species()):
        species = anchor if anchor != "tree" else "oak"
        tree = _plant_tree(ground, plan, species, place is not None)
        if tree is not None:
            tx, ty = tree
            # Under its crown, on the camera's side of the trunk.
            toward = -1.0 if tx > 0 else 1.0  # the side towards the middle of the view
            spots = [(tx + toward * dx, ty - dy) for dy in (1.3, 1.8)
                     for dx in (1.2, 0.0, -1.2)]
            where = f"{relation or 'beside'} the {species}"
    elif anchor == "water" and place is not None and place.basin is not None:
        # On the quay at the head of the basin, facing the boats.
        spots = [(x, HARBOUR_HEAD - 0.8) for x in (-4.0, 4.0, -7.0, 7.0, 0.0)]
        turn, where = 180, "by the water"
    elif anchor is not None:
        anchored = [p for p in others if p.kind == anchor]
        for base in anchored[:3]:
            reach = max(base.size[:2]) / 2 + max(size[:2]) / 2 + 0.3
            spots += _ring(base.x, base.y, reach, relation, base.turn)
        if anchored:
            where = f"{relation or 'beside'} the {anchor.replace('_', ' ')}"
        elif anchor not in ("water", "square", "house"):
            plan.notes.append(f"prop: no {anchor.replace('_', ' ')} here for \"{label}\"; "
                              "put in view")
    candidates = [(float(x), float(y)) for y in np.arange(2.0, 16.0, 0.5)
                  for x in np.arange(-9.5, 9.6, 0.5)]
    if place is not None and kind == "car" and place.kind != "harbour":
        # Parked along the street's kerb.
        candidates = [(sx * 2.2, float(y)) for y in np.arange(SQUARE + 4.0, 60.0, 1.0)
                      for sx in (-1, 1)]
    candidates.sort(key=lambda p: min(np.hypot(p[0] - s, p[1] - 4.5) for s in (-3.0, 3.0)))
    if kind in FAR:
        if place is None:
            ground = _Ground(ground.areas + [(-40.0, 18.0, 40.0, 60.0)], ground.taken)
            candidates = FAR[kind]
        else:  # where the street ends, seen up it
            end = STREET_LENGTH[place.kind]
            ground = _Ground(ground.areas + [(-30.0, end + 2.0, 30.0, end + 40.0)],
                             ground.taken)
            candidates = [(0.0, end + 14.0), (-9.0, end + 16.0), (9.0, end + 16.0)]
    placed = 0
    for x, y in spots + candidates:
        if placed == request.count:
            break
        box = _box(x, y, size, turn)
        if not ground.fits(box):
            continue
        ground.take(box)
        placed += 1
        prop = PlacedProp(kind, round(x, 4), round(y, 4), 0.0, size, turn,
                          where if (x, y) in spots else "in view")
        plan.placed.append(prop)
        others.append(prop)
    if placed < request.count:
        plan.notes.append(f"prop: room for {placed} of {request.count} \"{label}\"")


def _species() -> tuple[str, ...]:
    from .trees import SPECIES

    return tuple(SPECIES)


def _plant_tree(ground: _Ground, plan: PropPlan, species: str, settled: bool):
    """A tree of `species` where the view has room for it and for something under it (on
    a settlement's square, to one side and back, where it frames the street)."""
    slots = ((-5.5, 7.5), (5.5, 7.5), (-6.5, 4.0), (6.5, 4.0)) if settled else (
        (-4.0, 6.5), (4.0, 7.0), (-6.5, 10.0), (6.5, 11.0), (0.0, 13.0))
    for species_had, x, y in plan.trees:
        if species_had == species:
            return x, y
    for x, y in slots:
        box = (x - TREE_CLEAR, y - TREE_CLEAR, x + TREE_CLEAR, y + TREE_CLEAR)
        if ground.fits(box):
            ground.take(box)
            plan.trees.append((species, x, y))
            return x, y
    return None


def _boats(request: PropRequest, ground: _Ground, plan: PropPlan,
           place: Settlement | None, water: bool) -> None:
    label = _label(request)
    if place is not None and place.basin is not None:
        have = len(place.boats)
        if have >= request.count:
            return  # the harbour's moored boats are the boats asked for
        for k in range(request.count - have):  # afloat in the basin's middle
            y = HARBOUR_HEAD + 14.0 + 11.0 * k
            if y > STREET_LENGTH["harbour"] - 6:
                plan.notes.append(f"prop: room for {k} more \"{label}\" in the harbour")
                return
            # (its z: the water, below the quays the settlement's level is)
            plan.placed.append(PlacedProp("boat", float((-1) ** k) * BASIN * 0.2, y,
                                          -QUAY_HEIGHT - 0.03, SIZES["boat"],
                                          90 - 180 * (k % 2), "in the basin"))
        return
    if water:
        plan.boats_on_water += request.count
        return
    plan.notes.append(f"prop: \"{label}\" needs water to float on; there is none here")


def plan_room_props(requests: list[PropRequest], room: Room, seed: int = 0) -> PropPlan:
    """Place `requests` among `room`'s furniture (added to room.items as they go)."""
    plan = PropPlan()
    layout = Layout(room, np.random.default_rng(seed))
    # A prop anchored to another prop goes after it ("a bicycle by the bench").
    for request in sorted(requests, key=lambda r: r.anchor in {q.kind for q in requests}):
        _in_room(room, layout, request, plan)
    return plan


def plan_outdoor_props(requests: list[PropRequest], place: Settlement | None,
                       water: bool) -> PropPlan:
    """Place `requests` on a settlement's square and street (`place`) or, without one, on
    the open ground in view of the stage; `water`: there is water to float boats on."""
    plan = PropPlan()
    if place is not None:
        ground, others = _settlement_ground(place)
    else:
        ground, others = _Ground([OPEN_GROUND], []), []
    for request in sorted(requests, key=lambda r: r.anchor in {q.kind for q in requests}):
        _outdoors(request, ground, plan, others, place, water)
    return plan
