"""The avatar's rules without Blender: formats by suffix, each rig's VRM humanoid map
(bones that exist, in the order VRM requires), expressions made of face shapes the
character has, and hair cards that follow the strands they replace."""

import numpy as np
import pytest
from metastudio.core.character import build
from metastudio.core.character.avatar import (
    EXPRESSIONS,
    HUMANOID,
    export_format,
    humanoid,
    over_budget,
)
from metastudio.core.character.describe import resolve
from metastudio.core.character.hair_cards import (
    FREE_FROM,
    JOINTS,
    SAMPLES,
    lock_weights,
    locks,
    make_cards,
    paint_strands,
    resample,
)
from metastudio.core.character.spec import CharacterSpec
from metastudio.core.errors import JobSpecError

# VRM 1.0's humanoid: each bone's parent bone in the humanoid (the spec's table).
VRM_PARENT = {"spine": "hips", "chest": "spine", "upperChest": "chest", "neck":
              "upperChest", "head": "neck", "jaw": "head"}
for side in ("left", "right"):
    VRM_PARENT.update({
        f"{side}Eye": "head", f"{side}Shoulder": "upperChest",
        f"{side}UpperArm": f"{side}Shoulder", f"{side}LowerArm": f"{side}UpperArm",
        f"{side}Hand": f"{side}LowerArm", f"{side}UpperLeg": "hips",
        f"{side}LowerLeg": f"{side}UpperLeg", f"{side}Foot": f"{side}LowerLeg",
        f"{side}Toes": f"{side}Foot"})
    for finger, joints in (("Thumb", ("Metacarpal", "Proximal", "Distal")),
                           ("Index", ("Proximal", "Intermediate", "Distal")),
                           ("Middle", ("Proximal", "Intermediate", "Distal")),
                           ("Ring", ("Proximal", "Intermediate", "Distal")),
                           ("Little", ("Proximal", "Intermediate", "Distal"))):
        parent = f"{side}Hand"
        for joint in joints:
            VRM_PARENT[f"{side}{finger}{joint}"] = parent
            parent = f"{side}{finger}{joint}"


def test_format_comes_from_the_suffix():
    assert export_format("a/b.VRM") == "vrm" and export_format("x.usdz") == "usd"
    assert export_format("x.glb") == "glb" and export_format("x.fbx") == "fbx"
    for bad, words in (("x.obj", "unknown suffix '.obj'"), ("", "give a path"),
                       ("noext", "unknown suffix ''")):
        with pytest.raises(JobSpecError, match=words):
            export_format(bad)


def test_rigs_that_cannot_be_avatars_are_refused_naming_the_rig():
    with pytest.raises(JobSpecError, match="^rig: a VRM avatar needs a skeleton"):
        humanoid("none")
    with pytest.raises(JobSpecError, match="^rig: rigify's control rig"):
        humanoid("rigify")


@pytest.mark.parametrize("rig", sorted(HUMANOID))
def test_humanoid_bones_exist_and_nest_as_vrm_requires(rig):
    data = build.build(resolve(CharacterSpec(description="a man", rig=rig)).values)
    parent = {bone.name: bone.parent for bone in data.bones}
    table = humanoid(rig)
    by_bone = {bone: vrm for vrm, bone in table.items()}
    assert set(table.values()) <= set(parent), set(table.values()) - set(parent)
    for vrm, bone in table.items():
        if vrm == "hips":
            continue
        # The nearest mapped ancestor in the rig is the VRM parent, or (where that bone
        # is optional and unmapped) the VRM parent's own nearest mapped ancestor.
        above = parent[bone]
        while above and above not in by_bone:
            above = parent.get(above)
        expected = VRM_PARENT[vrm]
        while expected not in table:
            expected = VRM_PARENT.get(expected, "hips")
        assert by_bone.get(above) == expected, (rig, vrm, bone, above)
    assert len(table) >= 50  # fingers included


def test_expressions_use_the_characters_face_shapes():
    data = build.build(resolve(CharacterSpec(description="a woman")).values)
    for name, mix in EXPRESSIONS.items():
        assert mix and set(mix) <= set(data.shapes), (name, set(mix) - set(data.shapes))
        assert all(0 < w <= 1 for w in mix.values())
    assert EXPRESSIONS["aa"] == {"viseme_aa": 1.0}


def test_budget_sentences():
    assert over_budget({"triangles": 50_000, "bones": 163}) == []
    assert over_budget({"triangles": 90_000}) == ["triangles 90,000 over the budget of "
                                                  "70,000"]


def _hanging_strands(count=1200, seed=0):
    """Strands rooted on the upper half of a 9 cm sphere, falling 25 cm under gravity."""
    rng = np.random.default_rng(seed)
    theta = rng.uniform(0, 2 * np.pi, count)
    z = rng.uniform(0.1, 1.0, count)
    roots = np.stack([np.sqrt(1 - z ** 2) * np.cos(theta),
                      np.sqrt(1 - z ** 2) * np.sin(theta), z], 1) * 0.09
    t = np.linspace(0, 1, 10)[None, :, None]
    out = roots / np.linalg.norm(roots, axis=1, keepdims=True)
    points = roots[:, None] + out[:, None] * 0.02 * t - np.array([0, 0, 0.25]) * t ** 2
    offsets = np.arange(count + 1) * 10
    return points.reshape(-1, 3), offsets


def test_cards_follow_their_strands_and_carry_them_in_the_texture():
    points, offsets = _hanging_strands()
    strands = resample(points, offsets)
    assert strands.shape == (1200, 8, 3)
    cards = make_cards(strands, np.zeros(3), (0.2, 0.1, 0.05), "hair", size=512)
    count = len(cards.roots)
    assert 24 <= count <= 180
    assert len(cards.positions) == count * 24 and len(cards.faces) == count * 14
    # Every card vertex lies near the hair it stands for.
    flat = strands.reshape(-1, 3)
    nearest = np.array([np.min(np.linalg.norm(flat - p, axis=1))
                        for p in cards.positions[::7]])
    assert np.percentile(nearest, 95) < 0.03
    # Cards grow where the strands do: each root near the sphere.
    assert np.all(np.abs(np.linalg.norm(cards.roots, axis=1) - 0.09) < 0.03)
    assert cards.uvs.min() >= 0 and cards.uvs.max() <= 1
    alpha = cards.texture[..., 3]
    assert 0.05 < (alpha > 0.5).mean() < 0.9  # strands drawn, with gaps between them
    assert np.allclose(cards.texture[alpha == 0, :3], (0.2, 0.1, 0.05))  # no black fringe


def test_painted_strands_skip_seams():
    texture = np.ones((100, 100, 3))
    # A strand a few pixels long on either side of a seam (its UVs jump across).
    across = np.array([[[0.1, 0.5], [0.115, 0.5], [0.9, 0.5], [0.915, 0.5]]])
    paint_strands(texture, across, (0, 0, 0), 1.0)
    row = texture[49:51, :, 0].min(axis=0)
    assert row[10] <= 0.6 and row[90] < 1.0  # both pieces drawn (the tip fainter)
    assert row[20:85].min() == 1.0  # not the jump across the atlas between them


def test_long_cards_hang_in_locks_whose_weights_blend_from_the_head():
    points, offsets = _hanging_strands()
    cards = make_cards(resample(points, offsets), np.zeros(3), (0.2, 0.1, 0.05), "hair",
                       size=256)
    found = locks(cards.lines)
    assert 2 <= len(found) <= 12
    assert sorted(int(c) for lock in found for c in lock.cards) == list(
        range(len(cards.lines)))  # every card is long enough here (25 cm)
    for lock in found:
        assert lock.joints.shape == (JOINTS + 1, 3)
        assert np.all(np.diff(lock.joints[:, 2]) < 0)  # down the lock
    weights = lock_weights(cards.card_of_vertex, found)
    total = np.zeros(len(cards.positions))
    for (_, joint), (index, weight) in weights.items():
        assert 0 <= joint < JOINTS
        total[index] += weight
    row = (np.arange(len(total)) % (3 * SAMPLES)) // 3
    assert np.all(total[row <= FREE_FROM] == 0)  # the roots stay on the head
    assert np.allclose(total[row == SAMPLES - 1], 1.0)  # the tips swing freely
    assert np.all(total <= 1.0 + 1e-9)
    # Short hair does not swing.
    short = cards.lines.copy()
    short[:, :, 2] = short[:, :1, 2] - np.linspace(0, 0.05, SAMPLES)[None]
    short[:, :, :2] = short[:, :1, :2]
    assert locks(short) == []
