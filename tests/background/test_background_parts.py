"""The background's core parts without bpy: river, city layout, rain and snow, and the
reading of a reference image."""

import numpy as np
import pytest
from metastudio.core.background.city import BLOCK, STREET, city_blocks
from metastudio.core.background.precipitation import BOX, precipitation
from metastudio.core.background.reference import ReferenceImageError, analyse
from metastudio.core.background.river import carve_river
from metastudio.core.background.scatter import scatter
from metastudio.core.background.terrain import fractal_terrain


@pytest.mark.parametrize("seed", [0, 1, 7])
def test_a_river_runs_downhill_in_its_own_channel_and_misses_the_middle(seed):
    land = fractal_terrain(seed, 400.0, "medium", 40.0, 0.4)
    carved, river = carve_river(land, seed)
    surface = river.surface
    # One way or the other, the water never climbs.
    steps = np.diff(surface)
    assert (steps <= 1e-9).all() or (steps >= -1e-9).all()
    n = land.heights.shape[0]
    axis = np.linspace(-200, 200, n)
    rows = np.arange(n)
    centre_cols = np.abs(axis[None, :] - river.centre[:, 0, None]).argmin(axis=1)
    # Under the water's middle the bed is below the surface; the land is only ever cut.
    assert (carved.heights[rows, centre_cols] < surface).all()
    assert (carved.heights <= land.heights + 1e-9).all()
    # Away from the channel the land is untouched: the banks rise at 0.35 m a metre.
    across = np.abs(axis[None, :] - river.centre[:, 0, None])
    reach = river.width / 2 + np.maximum(land.heights - surface[:, None], 0) / 0.35
    assert np.array_equal(carved.heights[across > reach + 1.0],
                          land.heights[across > reach + 1.0])
    assert abs(river.centre[n // 2, 0]) >= 0.08 * 400 - 1e-6  # characters stand dry
    again, same = carve_river(land, seed)
    assert np.array_equal(again.heights, carved.heights)
    assert np.array_equal(same.centre, river.centre)


def test_nothing_grows_in_the_river():
    land = fractal_terrain(3, 400.0, "medium", 20.0, 0.2)
    carved, river = carve_river(land, 3)
    n = land.heights.shape[0]
    axis = np.linspace(-200, 200, n)
    blocked = np.abs(axis[None, :] - river.centre[:, 0, None]) < river.width
    for item in scatter(carved, "forest", 0.9, "medium", 3, blocked=blocked):
        course_x = np.interp(item.positions[:, 1], river.centre[:, 1], river.centre[:, 0])
        assert (np.abs(item.positions[:, 0] - course_x) > 0.5 * river.width).all()


def test_city_blocks_are_seeded_leave_a_plaza_and_rise_downtown():
    city = city_blocks(400.0, "medium", 5, keep_clear=25.0)
    assert len(city.heights) > 50
    assert (np.hypot(*city.centres.T) >= 25.0).all()
    assert np.array_equal(city.heights, city_blocks(400.0, "medium", 5, keep_clear=25.0)
                          .heights)
    assert not np.array_equal(city.heights, city_blocks(400.0, "medium", 6,
                                                        keep_clear=25.0).heights)
    distance = np.hypot(*city.centres.T)
    assert np.median(city.heights[distance < 80]) > np.median(city.heights[distance > 140])
    # No building stands in a street: each footprint fits inside its block.
    pitch = BLOCK + STREET
    for (x, y), (w, d) in zip(city.centres, city.footprints, strict=True):
        bx, by = round(x / pitch) * pitch, round(y / pitch) * pitch
        assert abs(x - bx) + w / 2 <= BLOCK / 2 + 1e-6
        assert abs(y - by) + d / 2 <= BLOCK / 2 + 1e-6
    assert len(city_blocks(4000.0, "low", 1).heights) == 80  # capped by the detail level


def test_rain_and_snow_fall_only_when_asked():
    assert precipitation("clear", "medium", 0) is None
    assert precipitation("fog", "medium", 0) is None
    rain = precipitation("storm", "low", 2)
    snow = precipitation("snow", "low", 2)
    assert rain.kind == "rain" and snow.kind == "snow"
    assert len(rain.positions) == 2 * len(snow.positions)
    half, height = BOX
    assert (np.abs(rain.positions[:, :2]) <= half).all()
    assert (rain.positions[:, 2] >= 0).all() and (rain.positions[:, 2] <= height).all()


def _landscape(horizon_row: int, height: int = 90, width: int = 160) -> np.ndarray:
    image = np.zeros((height, width, 3))
    image[:horizon_row] = (0.2, 0.4, 0.9)  # sky
    image[horizon_row:] = (0.15, 0.3, 0.05)  # grass
    noise = np.random.default_rng(0).normal(0, 0.02, image.shape)
    return np.clip(image + noise, 0, 1)


@pytest.mark.parametrize("row", [25, 45, 65])
def test_a_reference_images_horizon_sky_and_ground(row):
    look = analyse(_landscape(row))
    assert abs(look.horizon - row / 90) < 0.03
    assert look.sky[2] > look.sky[0] and look.ground[1] > look.ground[2]
    assert len(look.palette) == 5
    # Both areas' colours are in the palette.
    assert any(c[2] > 0.8 and c[0] < 0.3 for c in look.palette)
    assert any(c[1] > 0.25 and c[2] < 0.1 for c in look.palette)


def test_a_reference_image_that_cannot_be_used_is_named():
    with pytest.raises(ReferenceImageError, match="plate.png.*too small"):
        analyse(np.zeros((4, 4, 3)), "plate.png")
    with pytest.raises(ReferenceImageError, match="not a colour image"):
        analyse(np.zeros((40, 40)), "plate.png")


def test_real_elevation_maps_become_terrain_with_their_sea(tmp_path):
    from metastudio.core.background.elevation import (
        ElevationMapError,
        map_terrain,
        read_elevation,
    )

    dem = read_elevation("sample:jacksboro")  # matplotlib's sample data, a USGS DEM
    land, sea = map_terrain(dem, 400.0, "medium", 80.0)
    assert land.heights.shape == (128, 128) and sea is None
    assert land.heights.min() == 0.0 and abs(land.heights.max() - 80.0) < 1e-6
    coast, sea = map_terrain(read_elevation("sample:topobathy"), 400.0, "low", 100.0)
    assert sea is not None and 0 < sea < 100
    assert 0.05 < (coast.heights < sea).mean() < 0.95  # both sea floor and land
    np.save(tmp_path / "ramp.npy", np.tile(np.arange(10.0), (10, 1)))
    ramp, _ = map_terrain(read_elevation(str(tmp_path / "ramp.npy")), 100.0, "low", 10.0)
    assert (np.diff(ramp.heights, axis=1) >= 0).all()  # west to east, as in the file
    (tmp_path / "flat.npy").write_bytes(b"no")
    with pytest.raises(ElevationMapError, match="flat.npy cannot be read"):
        read_elevation(str(tmp_path / "flat.npy"))
    np.save(tmp_path / "line.npy", np.arange(10.0))
    with pytest.raises(ElevationMapError, match="line.npy is not a 2D grid"):
        read_elevation(str(tmp_path / "line.npy"))
    with pytest.raises(ElevationMapError, match="missing.npz does not exist"):
        read_elevation(str(tmp_path / "missing.npz"))


def test_far_ranges_ring_the_land_and_stand_a_few_degrees_above_the_eye():
    from metastudio.core.background.ranges import RING_END, RING_START, distant_ranges, has_ranges

    alps = distant_ranges("mountains", 3, rim=5.0, eye=20.0)
    again = distant_ranges("mountains", 3, rim=5.0, eye=20.0)
    assert np.array_equal(alps.vertices, again.vertices)
    xyz = alps.vertices.astype(float)
    r = np.hypot(xyz[:, 0], xyz[:, 1])
    assert RING_START - 1 < r.min() and r.max() < RING_END + 1
    # The highest peak in view stands about 9 degrees above the eye ...
    above = np.degrees(np.arctan2(xyz[:, 2] - 20.0, r))
    assert 8.5 < above.max() < 9.5
    # ... and every bearing has peaks (12 sectors of 30 degrees): a range all round.
    bearing = (np.degrees(np.arctan2(xyz[:, 1], xyz[:, 0])) % 360 // 30).astype(int)
    sector_top = np.array([above[bearing == k].max() for k in range(12)])
    assert sector_top.min() > 0.5 * above.max()
    # Their foot meets the plain; snow lies high, rock shows lower down.
    assert abs(xyz[r < RING_START + 10, 2] - 5.0).max() < 1.0
    high = xyz[:, 2] > np.percentile(xyz[:, 2], 99)
    low = (xyz[:, 2] > 5.0 + 0.2 * (xyz[:, 2].max() - 5.0)) & (xyz[:, 2] < np.percentile(
        xyz[:, 2], 60))
    assert alps.colours[high].mean() > 2 * alps.colours[low].mean()
    hills = distant_ranges("grassland", 3, eye=1.6)
    assert np.degrees(np.arctan2(hills.vertices[:, 2] - 1.6, np.hypot(
        hills.vertices[:, 0], hills.vertices[:, 1]))).max() < 3.0
    assert has_ranges("mountains", "lake") and not has_ranges("coast", "sea")
    assert not has_ranges("desert", "none")  # sand as far as the eye can see
