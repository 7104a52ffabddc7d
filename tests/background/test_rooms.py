"""Rooms (core.background.rooms, no bpy): every kind is furnished as it is used, seeded,
sized by its words, with nothing outside the walls, nothing overlapping on the floor,
and the cast's spot and the cameras' aisle kept clear."""

import pytest
from metastudio.core.background.rooms import HUNG, ROOMS, build_room


def overlap(a, b, tolerance: float = 1e-6) -> bool:
    """Whether two plan rectangles overlap (touching, as counters in a run do, is not)."""
    return not (a[2] <= b[0] + tolerance or b[2] <= a[0] + tolerance
                or a[3] <= b[1] + tolerance or b[3] <= a[1] + tolerance)


@pytest.mark.parametrize("kind", sorted(ROOMS))
def test_every_room_is_furnished_inside_its_walls_and_keeps_the_cast_clear(kind):
    room = build_room(kind, "medium", seed=2)
    assert room.front > 0 > room.back  # the cast (origin) stands inside, facing -y
    x0, y0, x1, y1 = room.bounds
    on_floor = [item for item in room.items if item.z == 0.0]
    assert len(on_floor) >= 3
    for item in on_floor:
        box = item.footprint()
        assert x0 <= box[0] and box[2] <= x1 and y0 <= box[1] and box[3] <= y1, item
        for zone in room.clear_zones():
            assert not overlap(box, zone), (item, zone)
    for i, a in enumerate(on_floor):
        for b in on_floor[i + 1:]:
            assert not overlap(a.footprint(), b.footprint()), (a, b)
    # What stands on something stands on its top.
    for item in room.items:
        if item.z > 0 and item.kind not in HUNG:
            bases = [b for b in on_floor if abs(b.z + b.size[2] - item.z) < 1e-6
                     and b.footprint()[0] <= item.x <= b.footprint()[2]
                     and b.footprint()[1] <= item.y <= b.footprint()[3]]
            assert bases, item
    assert room.lights and all(x0 < x < x1 and y0 < y < y1 for x, y in room.lights)
    doors = [o for o in room.openings if o.kind == "door"]
    assert len(doors) == 1


def test_rooms_are_used_as_their_kind_and_vary_by_seed_and_size():
    classroom = build_room("classroom", seed=1)
    kinds = [item.kind for item in classroom.items]
    # Desks in rows facing the board, a chair behind each, the teacher's desk in front.
    assert kinds.count("desk") >= 8 and kinds.count("chair") >= kinds.count("desk")
    assert "board" in kinds and "teacher_desk" in kinds and "globe" in kinds
    desks = [item for item in classroom.items if item.kind == "desk"]
    # In front of the cast, used from their -y side: the students face the board.
    assert all(d.y < 0 and d.turn == 0 for d in desks)
    chairs = [item for item in classroom.items if item.kind == "chair" and item.y < 0]
    assert all(c.turn == 180 for c in chairs)
    board = next(item for item in classroom.items if item.kind == "board")
    assert board.y > 0  # behind the cast: the wide shot sees it over their shoulders
    lab = [item.kind for item in build_room("science_lab", seed=1).items]
    assert lab.count("lab_bench") >= 3 and "stool" in lab and "sink" in lab
    assert [i.kind for i in build_room("library", seed=1).items].count("bookshelf") >= 10
    assert {"sofa", "tv"} <= {i.kind for i in build_room("living_room", seed=1).items}
    small, large = build_room("classroom", "small", 1), build_room("classroom", "large", 1)
    assert small.width * small.depth < classroom.width * classroom.depth < (
        large.width * large.depth)
    again, other = build_room("classroom", seed=1), build_room("classroom", seed=2)
    assert again.items == classroom.items and other.items != classroom.items
    windows = [o for o in classroom.openings if o.kind == "window"]
    assert windows and all(o.wall == "left" for o in windows)
    assert not [o for o in build_room("museum").openings if o.kind == "window"]
    with pytest.raises(ValueError, match="room: unknown kind 'dungeon'"):
        build_room("dungeon")


def test_the_room_is_read_from_english_and_korean_words_with_its_size():
    from metastudio.core.background.describe import resolve
    from metastudio.core.background.room_words import named_room, without_room
    from metastudio.core.background.spec import BackgroundSpec

    said = {text: named_room(text) for text in (
        "a small classroom on a rainy morning", "a large lecture hall at night",
        "a chemistry lab", "작은 교실에서", "넓은 강당", "거실", "a labrador on a lawn")}
    kinds = {text: (w.kind, w.size) if w else None for text, w in said.items()}
    assert kinds == {"a small classroom on a rainy morning": ("classroom", "small"),
                     "a large lecture hall at night": ("auditorium", "large"),
                     "a chemistry lab": ("science_lab", None),
                     "작은 교실에서": ("classroom", "small"), "넓은 강당": ("auditorium", "large"),
                     "거실": ("living_room", None), "a labrador on a lawn": None}
    text = "a small classroom on a rainy morning"
    assert without_room(text, said[text]) == "on a rainy morning"
    # The rest is read as before: what the windows show.
    v = resolve(BackgroundSpec(description=text)).values
    assert (v["room"], v["room_size"], v["weather"], v["time_of_day"]) == (
        "classroom", "small", "rain", "morning")
    outdoors = resolve(BackgroundSpec(description="misty pine forest at dawn")).values
    assert outdoors["room"] == "none"
    hand = resolve(BackgroundSpec(description="a classroom", room="library")).values
    assert hand["room"] == "library"
    odd = resolve(BackgroundSpec(description="a classroom under the sea at noon in a desert"))
    assert odd.values["room"] == "classroom" and any(
        "windows look out on" in note for note in odd.notes)
