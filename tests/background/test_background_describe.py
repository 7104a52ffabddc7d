"""Background descriptions to specs with the real MiniLM model, and the keyword fallback."""

import pytest
from metastudio.core.background.describe import resolve
from metastudio.core.background.spec import MAX_EXTENT, BackgroundSpec
from metastudio.core.errors import JobSpecError
from metastudio.core.schema import build_spec


def fields(text, **given):
    r = resolve(BackgroundSpec(description=text, **given))
    return r, {k: r.values[k] for k in ("time_of_day", "biome", "weather", "water")}


def test_the_issues_examples_are_understood():
    _, v = fields("misty pine forest at dawn, a lake in the valley")
    assert v == {"time_of_day": "dawn", "biome": "forest", "weather": "fog", "water": "lake"}
    assert fields("the sun just peeking over the hills")[1]["time_of_day"] == "dawn"
    assert fields("sand as far as the eye can see")[1]["biome"] == "desert"


def test_sources_confidence_and_derived_numbers():
    r, v = fields("a thunderstorm over the ocean at midnight")
    assert v["weather"] == "storm" and v["water"] == "sea" and v["time_of_day"] == "night"
    assert r.confidence["weather"] > 0.5 and r.sources["weather"].startswith("description")
    assert "thunderstorm" in r.sources["weather"]  # the words that said it, not the whole
    assert r.values["sun_elevation"] < 0 and r.values["cloud_cover"] == 1.0
    r, v = fields("rain at noon")
    assert r.sources["biome"] == "default" and r.confidence["biome"] == 0.0


def test_a_long_description_is_read_to_its_end():
    words = "a wide green valley with a few sheep and an old stone wall, " * 12
    _, v = fields(words + "all of it under the stars long after dark")
    assert len(words.split()) > 120 and v["time_of_day"] == "night"


def test_paraphrases_are_read_without_their_option_words():
    assert fields("the last glow of the evening fading into the blue hour")[1][
        "time_of_day"] == "dusk"
    assert fields("brackish reed beds and black mud")[1]["biome"] == "wetland"
    assert fields("a dry rocky hillside at noon")[1]["water"] == "none"


def test_explicit_fields_win():
    r, v = fields("a desert at noon", biome="forest", sun_elevation=10)
    assert v["biome"] == "forest" and r.sources["biome"] == "set by hand"
    assert r.values["sun_elevation"] == 10 and v["time_of_day"] == "noon"


def test_empty_and_nonsense_get_defaults_and_a_note():
    assert "no description" in fields("")[0].notes[0]
    assert "was recognised" in fields("qwzx vbnm")[0].notes[0]


def test_keyword_fallback_reads_words_only():
    r = resolve(BackgroundSpec(description="misty woods near a pond at sunrise"),
                use_model=False)
    assert (r.values["weather"], r.values["biome"], r.values["water"],
            r.values["time_of_day"]) == ("fog", "forest", "lake", "dawn")
    paraphrase = resolve(BackgroundSpec(description="sand as far as the eye can see"),
                         use_model=False)
    assert paraphrase.values["biome"] == "desert"  # "sand" is one of its words
    assert resolve(BackgroundSpec(description="the sun just peeking over the hills"),
                   use_model=False).values["time_of_day"] == "afternoon"  # the default


def test_extreme_sizes_are_refused_naming_the_limit():
    with pytest.raises(JobSpecError, match="extent"):
        build_spec(BackgroundSpec, {"extent": MAX_EXTENT * 2})


def test_terrain_is_seeded_and_shaped_by_its_numbers():
    import numpy as np
    from metastudio.core.background.terrain import fractal_terrain

    a = fractal_terrain(3, 400, "low", 60, 0.4)
    assert np.array_equal(a.heights, fractal_terrain(3, 400, "low", 60, 0.4).heights)
    assert not np.array_equal(a.heights, fractal_terrain(4, 400, "low", 60, 0.4).heights)
    assert a.heights.shape == (64, 64) and np.ptp(a.heights) == pytest.approx(60)
    flat = fractal_terrain(3, 400, "low", 5, 0.05)
    steep = fractal_terrain(3, 400, "low", 100, 0.9)
    assert flat.slopes().mean() < steep.slopes().mean()
    basin = fractal_terrain(3, 400, "medium", 60, 0.4, basin="lake").heights
    assert basin[54:74, 54:74].mean() < basin.mean()  # a valley in the middle for water
    shore = fractal_terrain(3, 400, "medium", 60, 0.4, basin="sea").heights
    assert shore[:40].mean() > shore[-40:].mean() + 20  # land south, the sea floor north


def test_scatter_is_seeded_dry_and_fits_the_land():
    import numpy as np
    from metastudio.core.background.scatter import MAX_POINTS, scatter
    from metastudio.core.background.terrain import fractal_terrain

    field = fractal_terrain(2, 400, "medium", 60, 0.4, basin="lake")
    level = float(np.percentile(field.heights, 20))
    a = scatter(field, "forest", 0.85, "medium", 2, level)
    b = scatter(field, "forest", 0.85, "medium", 2, level)
    # The forest's own trees by species, then its undergrowth and stones.
    assert [x.kind for x in a] == ["spruce", "pine", "oak", "birch", "shrub", "rock"]
    assert all(np.array_equal(x.positions, y.positions) for x, y in zip(a, b, strict=True))
    total = sum(len(x.positions) for x in a)
    assert 0.5 * 0.85 * MAX_POINTS["medium"] < total <= MAX_POINTS["medium"]
    assert all((x.positions[:, 2] > level).all() for x in a)  # nothing under the water
    assert scatter(field, "city", 0.5, "medium", 2) == []
    assert {x.kind for x in scatter(field, "desert", 0.2, "low", 2)} <= {"rock", "shrub"}
    # Species named are the trees that grow; none named (by hand) grows none.
    named = scatter(field, "forest", 0.85, "low", 2, level, trees=("birch", "willow"))
    assert {x.kind for x in named} == {"birch", "willow", "shrub", "rock"}
    assert {x.kind for x in scatter(field, "forest", 0.85, "low", 2, level, trees=())} == {
        "shrub", "rock"}
