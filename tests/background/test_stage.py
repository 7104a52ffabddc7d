"""Where the cast stand on a world and which way the camera looks (core, no bpy): the
view finds the water, the trees and the sky, and the spot is level and dry."""

import math

import numpy as np
from metastudio.core.background.stage import FLAT_RADIUS, choose_stage
from metastudio.core.background.terrain import HeightField

N, EXTENT = 65, 200.0
AXIS = np.linspace(-EXTENT / 2, EXTENT / 2, N)
X, Y = np.meshgrid(AXIS, AXIS)  # rows run along y, columns along x


def forward(heading: float) -> tuple[float, float]:
    return -math.sin(heading), math.cos(heading)


def test_a_lake_on_one_side_is_behind_the_cast():
    heights = np.where(X > 30, -2.0, 1.0)  # the lake's floor east of x = 30
    stage = choose_stage(HeightField(heights, EXTENT), water=heights < 0)
    fx, _ = forward(stage.heading)
    assert fx > 0.7, stage  # looking east, across the water
    assert stage.seen["water"] > 0.5
    assert stage.x < 30 - FLAT_RADIUS  # on the dry, level shore
    assert 0 < stage.clear_to < 60  # near it: trees in between would hide it


def test_the_view_avoids_a_hillside_and_keeps_the_sky():
    heights = np.clip(Y - 10.0, 0, None) * 1.5  # a steep slope rising to the north
    stage = choose_stage(HeightField(heights, EXTENT))
    _, fy = forward(stage.heading)
    assert fy < 0.5, stage  # not square into the hill (along it, it is scenery)
    assert stage.seen["sky"] > 0.85
    assert stage.seen["land_above_eye_degrees"] < 2.0


def test_a_forest_is_seen_between_its_trees():
    heights = np.zeros((N, N))
    rng = np.random.default_rng(1)
    trees = np.column_stack([rng.uniform(-80, -40, 60), rng.uniform(-20, 20, 60)])
    stage = choose_stage(HeightField(heights, EXTENT), trees=trees)
    fx, _ = forward(stage.heading)
    assert fx < -0.5, stage  # towards the trees in the west
    assert stage.seen["trees"] > 0.5


def test_the_sun_lights_the_faces_from_the_cameras_side():
    heights = np.zeros((N, N))
    for azimuth in (0.0, 90.0, 200.0):
        stage = choose_stage(HeightField(heights, EXTENT), sun_azimuth=azimuth)
        # The camera looks away from the sun, the sun over one of its shoulders.
        sun = (math.sin(math.radians(azimuth)), math.cos(math.radians(azimuth)))
        fx, fy = forward(stage.heading)
        assert fx * sun[0] + fy * sun[1] < -0.5, (azimuth, stage)


def test_on_rough_land_the_cast_stand_on_its_level_ground():
    heights = np.random.default_rng(2).uniform(0, 10, (N, N))
    plateau = (X > -60) & (X < -30) & (np.abs(Y) < 20)
    heights[plateau] = 12.0
    stage = choose_stage(HeightField(heights, EXTENT))
    assert -60 + FLAT_RADIUS <= stage.x <= -30 - FLAT_RADIUS, stage
    assert abs(stage.y) <= 20 - FLAT_RADIUS and stage.z == 12.0


def test_land_all_under_water_keeps_the_middle():
    heights = np.zeros((N, N))
    stage = choose_stage(HeightField(heights, EXTENT), water=heights < 1)
    assert (stage.x, stage.y, stage.heading) == (0.0, 0.0, 0.0)
    assert "note" in stage.seen
