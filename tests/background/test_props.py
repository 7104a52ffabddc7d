"""Props from words (core.background.prop_words, core.background.props; no bpy): what a
description asks for, how many and where, in English and Korean; where each goes in a
room, a settlement or on open land; and what cannot be built or placed is said."""

import numpy as np
import pytest
from metastudio.core.background.describe import resolve
from metastudio.core.background.prop_words import (
    props_in_words,
    requested_props,
    without_props,
)
from metastudio.core.background.props import plan_outdoor_props, plan_room_props
from metastudio.core.background.rooms import build_room
from metastudio.core.background.settlement import build_settlement
from metastudio.core.background.spec import BackgroundSpec


def asked(text):
    return [(r.kind, r.count, r.relation, r.anchor) for r in requested_props(text)]


@pytest.mark.parametrize("text, expected", [
    ("a bench under an oak", [("bench", 1, "under", "oak")]),
    ("a globe on the teacher's desk", [("globe", 1, "on", "teacher_desk")]),
    ("two microscopes on the desks and a potted plant by the window",
     [("microscope", 2, "on", "desk"), ("plant", 1, "beside", "window")]),
    ("three old benches near the lake", [("bench", 3, "beside", "water")]),
    ("bicycles and a car", [("bicycle", 3, None, None), ("car", 1, None, None)]),
    # The bench is where the bicycle is, not a second bench.
    ("a bicycle by the bench", [("bicycle", 1, "beside", "bench")]),
    ("참나무 아래 벤치가 있는 공원", [("bench", 1, "under", "oak")]),
    ("선생님 책상 위에 지구본이 있는 교실", [("globe", 1, "on", "teacher_desk")]),
    ("자전거 두 대와 가로등", [("bicycle", 2, None, None), ("street_lamp", 1, None, None)]),
    # Not props: a lab bench, a desk lamp, signs of spring.
    ("a lab bench with a desk lamp, signs of spring", []),
])
def test_the_props_a_description_asks_for(text, expected):
    assert sorted(asked(text)) == sorted(expected)


def test_the_props_words_are_not_read_as_the_place():
    text = "a bench under an oak in a meadow on a summer afternoon, a bicycle by the bench"
    assert without_props(text, requested_props(text)) == \
        "in a meadow on a summer afternoon"
    # "...by the bench" once read as a storm: the taggers now read the place alone.
    values = resolve(BackgroundSpec(description=text)).values
    assert values["weather"] == "clear" and values["biome"] == "grassland"
    assert values["trees"] == ["oak"]
    assert props_in_words(values["props"]) == "a bench under the oak, a bicycle beside the bench"


def test_what_is_not_built_is_said_and_what_is_built_is_not():
    notes = resolve(BackgroundSpec(description="a foggy harbour town at dusk with fishing "
                                               "boats and a church")).notes
    left = [n for n in notes if n.startswith("left out")]
    assert len(left) == 1 and "church" in left[0] and "boats" not in left[0]
    values = resolve(BackgroundSpec(description="a foggy harbour town at dusk")).values
    assert (values["settlement"], values["water"], values["biome"]) == ("harbour", "sea",
                                                                       "coast")


def test_props_in_a_classroom_stand_on_its_furniture_or_its_floor():
    room = build_room("classroom", "medium", seed=1)
    globes = sum(i.kind == "globe" for i in room.items)
    text = ("a globe on the teacher's desk, two microscopes on the desks, a potted plant "
            "by the window, a telescope and a car")
    plan = plan_room_props(requested_props(text), room, seed=1)
    kinds = [p.kind for p in plan.placed]
    # The teacher's desk has its globe already: asked for, it is not doubled.
    assert sum(i.kind == "globe" for i in room.items) == globes and "globe" not in kinds
    assert kinds.count("microscope") == 2 and "plant" in kinds and "telescope" in kinds
    assert any("car" in n and "outdoors" in n for n in plan.notes)
    tops = {(i.x, i.y): i for i in room.items if i.kind in ("desk", "teacher_desk")}
    for prop in plan.placed:
        if prop.kind == "microscope":  # on a desk's top, within its edges
            desk = min(tops.values(), key=lambda d: np.hypot(d.x - prop.x, d.y - prop.y))
            assert prop.z == pytest.approx(desk.size[2])
            x0, y0, x1, y1 = desk.footprint()
            assert x0 <= prop.x <= x1 and y0 <= prop.y <= y1
        elif prop.kind == "plant":  # by a window: the left wall
            assert prop.x - room.bounds[0] < 1.0 and prop.z == 0.0
    # Nothing on the floor overlaps, and the cast's spot is clear.
    floor = [i.footprint() for i in room.items if i.z == 0.0 and i.kind not in (
        "board", "whiteboard", "painting", "clock", "wall_cabinet")]
    for k, a in enumerate(floor):
        for b in floor[k + 1:]:
            assert min(a[2], b[2]) - max(a[0], b[0]) <= 1e-6 or min(a[3], b[3]) - max(
                a[1], b[1]) <= 1e-6, (a, b)
        assert not (a[0] < 1.0 and a[2] > -1.0 and a[1] < 1.0 and a[3] > -1.0)


def test_outdoors_a_tree_is_planted_for_the_bench_under_it():
    plan = plan_outdoor_props(requested_props("a bench under an oak, two bicycles by the "
                                              "bench and a rowing boat"), None, water=False)
    (species, tx, ty), = plan.trees
    bench = next(p for p in plan.placed if p.kind == "bench")
    assert species == "oak" and np.hypot(bench.x - tx, bench.y - ty) < 2.5
    assert bench.y > 1.5  # behind the cast, in the view
    bikes = [p for p in plan.placed if p.kind == "bicycle"]
    assert len(bikes) == 2 and all(np.hypot(b.x - bench.x, b.y - bench.y) < 3.0
                                   for b in bikes)
    assert any("water" in n for n in plan.notes)  # no water for the boat: said
    with_water = plan_outdoor_props(requested_props("two rowing boats"), None, water=True)
    assert with_water.boats_on_water == 2 and not with_water.placed


def test_in_a_settlement_props_keep_off_the_houses_and_the_cast():
    place = build_settlement("town", seed=2)
    plan = plan_outdoor_props(requested_props("a car, two bicycles, four benches and a "
                                              "lighthouse"), place, water=False)
    houses = [h.footprint() for h in place.houses]
    for prop in plan.placed:
        box = prop.footprint()
        for house in houses:
            assert min(box[2], house[2]) <= max(box[0], house[0]) or min(
                box[3], house[3]) <= max(box[1], house[1]), prop
        assert not (box[0] < 2.6 and box[2] > -2.6 and box[1] < 1.6 and box[3] > -1.6)
    car = next(p for p in plan.placed if p.kind == "car")
    assert car.turn == 90 and abs(car.x) < 3.5  # parked along the street
    tower = next(p for p in plan.placed if p.kind == "lighthouse")
    assert tower.y > 90.0  # past the street's end, seen up it
    harbour = build_settlement("harbour", seed=2)
    boats = plan_outdoor_props(requested_props("fishing boats"), harbour, water=True)
    assert not boats.placed and not boats.notes  # the harbour's own boats


@pytest.mark.parametrize("text, field, kept, said", [
    ("a forest at dawn at sunset", "time of day", "dawn", "sunset"),
    ("a classroom under the sea at noon in a desert", None, None, "under the sea"),
    ("사막 한가운데 바닷속 교실, 정오", None, None, "바닷속"),
])
def test_a_contradictory_place_is_resolved_and_explained(text, field, kept, said):
    resolved = resolve(BackgroundSpec(description=text))
    explained = [n for n in resolved.notes if said in n]
    assert explained, resolved.notes
    if field is not None:
        assert explained[0].startswith(field) and f"{kept} is built" in explained[0]
    else:  # under water: built on land by the sea, the room's windows looking out on it
        assert "nothing is built under water" in explained[0]
        assert resolved.values["water"] == "sea" and resolved.values["room"] == "classroom"


def test_a_field_set_by_hand_against_the_words_is_said():
    notes = resolve(BackgroundSpec(description="a meadow at noon", time_of_day="night")).notes
    assert any(n.startswith("time of day: set by hand to night") and "noon" in n
               for n in notes)


def test_a_bench_by_a_harbours_water_stands_on_the_quay_facing_the_boats():
    place = build_settlement("harbour", seed=1)
    plan = plan_outdoor_props(requested_props("two benches by the water"), place, True)
    assert len(plan.placed) == 2
    for bench in plan.placed:
        assert bench.where == "by the water" and bench.turn == 180
        assert place.basin[1] - 1.5 < bench.y < place.basin[1]


def test_a_settlements_own_noun_is_not_read_as_its_land():
    # The tagger read "village" as a coast (63%) and brought the sea with it.
    plain = resolve(BackgroundSpec(description="a village at dawn with a church and a well"))
    assert (plain.values["biome"], plain.values["water"]) == ("grassland", "none")
    hills = resolve(BackgroundSpec(description="a mountain village at dawn")).values
    assert (hills["biome"], hills["settlement"]) == ("mountains", "village")
