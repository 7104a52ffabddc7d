"""Villages and towns (core.background.settlement, no bpy): houses line the street and
the square without overlapping them or each other, face them, and the land under them
is levelled."""

import numpy as np
import pytest
from metastudio.core.background.settlement import (
    BASIN_DEPTH,
    KINDS,
    QUAY_HEIGHT,
    ROAD,
    SQUARE,
    build_settlement,
    levelled,
    quay_wall,
)
from metastudio.core.background.terrain import fractal_terrain


def overlap(a, b) -> bool:
    return not (a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1])


@pytest.mark.parametrize("kind", KINDS)
def test_houses_line_the_street_facing_it_and_keep_the_square_clear(kind):
    place = build_settlement(kind, seed=4)
    assert len(place.houses) >= (16 if kind == "town" else 8)
    boxes = [house.footprint() for house in place.houses]
    for i, a in enumerate(boxes):
        for paved in place.paved:
            assert not overlap(a, paved)
        for b in boxes[i + 1:]:
            assert not overlap(a, b)
    for house in place.houses:
        # A house's front (its -y at turn 0) faces the street or the square's middle.
        facing = np.array([np.sin(np.radians(house.turn)), -np.cos(np.radians(house.turn))])
        assert facing @ np.array([-house.x, 0.0]) > 0
    assert all(h.storeys >= 2 for h in place.houses) == (kind in ("town", "harbour"))
    again = build_settlement(kind, seed=4)
    assert again.houses == place.houses
    assert build_settlement(kind, seed=5).houses != place.houses
    assert any(p.kind == "lamp" and abs(p.x) > ROAD for p in place.props)
    assert all(abs(p.x) < SQUARE or p.kind == "lamp" for p in place.props)


def test_the_land_under_a_village_is_levelled_and_eased_into_the_hills():
    field = fractal_terrain(3, 400.0, "low", 40.0, 0.5)
    place = build_settlement("village", seed=3)
    flat, level, built = levelled(field, place)
    n = field.heights.shape[0]
    axis = np.linspace(-200.0, 200.0, n)
    gx, gy = np.meshgrid(axis, axis)
    x0, y0, x1, y1 = place.bounds()
    under = (gx > x0) & (gx < x1) & (gy > y0) & (gy < y1)
    assert np.allclose(flat.heights[under], level)
    assert built[under].all() and not built[np.hypot(gx, gy) > 150].any()
    far = np.hypot(gx, gy) > 150  # far off, the land is as it was
    assert np.allclose(flat.heights[far], field.heights[far])
    with pytest.raises(ValueError, match="settlement: unknown kind 'castle'"):
        build_settlement("castle")


def test_a_harbours_basin_is_cut_below_its_quays_and_its_boats_are_afloat_in_it():
    field = fractal_terrain(3, 400.0, "medium", 20.0, 0.2, basin="sea")
    place = build_settlement("harbour", seed=3)
    flat, level, built = levelled(field, place, level=1.9)
    n = field.heights.shape[0]
    axis = np.linspace(-200.0, 200.0, n)
    gx, gy = np.meshgrid(axis, axis)
    bx0, by0, bx1, by1 = place.basin
    water = level - QUAY_HEIGHT
    basin = (gx > bx0) & (gx < bx1) & (gy > by0) & (gy < by1)
    assert (flat.heights[basin] <= water - BASIN_DEPTH + 1e-9).all()
    # The quays and the square are at the level, a quay's height above the water.
    for x0, y0, x1, y1 in place.paved:
        under = (gx > x0) & (gx < x1) & (gy > y0) & (gy < y1) & ~basin
        wall = quay_wall(field)
        clear = under & ((gx < bx0 - wall) | (gx > bx1 + wall) | (gy < by0 - wall))
        assert np.allclose(flat.heights[clear], level)
    assert len(place.boats) >= 4 and built[basin].all()
    for boat in place.boats:  # inside the basin, clear of each other and the quays
        x0, y0, x1, y1 = boat.footprint()
        assert bx0 < x0 and x1 < bx1 and by0 < y0 and y1 < by1
    for i, a in enumerate(place.boats):
        for b in place.boats[i + 1:]:
            assert not overlap(a.footprint(), b.footprint())
    assert place.lighthouse is not None and place.lighthouse[1] > 60.0


def test_a_villages_gardens_are_fenced_along_the_street_between_its_houses():
    place = build_settlement("village", seed=1)
    assert len(place.fences) >= 4
    houses = [h.footprint() for h in place.houses]
    for x0, y0, x1, y1 in place.fences:
        assert x0 == x1 and abs(abs(x0) - (ROAD + 0.9)) < 1e-9 and y1 - y0 > 1.0
        for h in houses:  # in the gaps: no fence runs into a house
            assert not (h[0] <= x0 <= h[2] and h[1] < y1 and y0 < h[3])
    assert not build_settlement("town", seed=1).fences


def test_a_harbours_pier_reaches_into_the_basin_from_a_quay_clear_of_the_moored_boats():
    for seed in range(4):
        place = build_settlement("harbour", seed=seed)
        (x0, y0, x1, y1), = place.piers
        bx0, by0, bx1, by1 = place.basin
        assert x1 == bx1 and bx0 < x0 and by0 < y0 < y1 < by1  # from the right quay
        for boat in place.boats:
            assert not overlap(boat.footprint(), (x0, y0, x1, y1))
        tied = [b for b in place.boats if b.turn == 90]  # the rowing boat along it
        assert len(tied) == 1 and abs(tied[0].footprint()[1] - y1) < 0.5
