"""Hats in numpy: each kind is read from its words and built to the head it sits on
(outside the skin everywhere, clear of the brows and the eyes, over the ears), rides
on the head bone, and presses the hair under it: no strand pokes through the crown."""

import numpy as np
import pytest
from metastudio.core.character import build, garments, hair, hat
from metastudio.core.character.describe import COLORS, resolve
from metastudio.core.character.spec import CharacterSpec


@pytest.mark.parametrize("words, kind", [
    ("a man in a grey woolly hat", "beanie"),
    ("a girl with a ponytail in a red baseball cap", "cap"),
    ("an old woman in a straw hat", "sun_hat"),
    ("a detective in a fedora", "fedora"),
    ("a farmer wearing a hat", "fedora"),
    ("a student in a knitted beanie", "beanie"),
])
def test_each_hat_is_read_from_its_words(words, kind):
    resolved = resolve(CharacterSpec(description=words))
    assert resolved.values["hat"] == kind, resolved.sources["hat"]
    assert not any("left out" in n for n in resolved.notes), resolved.notes


def test_a_hats_colour_is_its_own_and_headwear_not_built_is_reported():
    capped = resolve(CharacterSpec(description="a boy in a red cap and a blue t-shirt"))
    assert capped.values["hat_color"] == COLORS["red"]
    assert capped.values["top_color"] == COLORS["blue"]  # the cap dyes only itself
    topped = resolve(CharacterSpec(description="a magician in a top hat"))
    assert topped.values["hat"] == "none"
    assert any("left out" in n and "top hat" in n for n in topped.notes), topped.notes
    # None unless asked, and a field set by hand wins.
    assert resolve(CharacterSpec(description="a man")).values["hat"] == "none"
    assert resolve(CharacterSpec(description="a man in a cap", hat="beanie")).values[
        "hat"] == "beanie"


@pytest.mark.parametrize("words", [
    "a young man with short wavy hair in a grey beanie",
    "a woman with long straight hair in a baseball cap",
    "an old woman with a grey bob in a straw hat",
    "a man with a beard in a fedora",
    "a woman with a big afro in a beanie",
])
def test_a_hat_sits_on_the_head_and_the_hair_stays_under_it(words):
    values = resolve(CharacterSpec(description=words)).values
    mesh = build.build(values)
    worn = next(g for g in mesh.garments if g.name == "hat")
    head = mesh.head
    ids = np.unique(head.faces)
    skin = head.points[ids]
    normals = garments.vertex_normals(head.points, head.faces)[ids]
    nearest = np.array([np.linalg.norm(skin - p, axis=1).argmin()
                        for p in worn.positions[::3]])
    # Never in the skin: the hat's inner face (its thickness in) stays outside it.
    outside = ((worn.positions[::3] - skin[nearest]) * normals[nearest]).sum(axis=1)
    assert outside.min() > worn.thickness, outside.min()
    # Clear of the brows and the eyes: they lie below the band where the hat ends.
    made = hat.hat(head, values["hat"], values["hair"],
                   values["hair"] == "short" and values["hair_texture"] == "coily")
    brows = next(s for s in mesh.hair if s.name == "eyebrows").positions.reshape(-1, 3)
    assert (brows[:, 2] < made.crown.band[made.crown.column(brows)] - 0.004).all()
    assert (head.eyes[:, 2] + head.eye_radius < made.crown.band[
        made.crown.column(head.eyes)] - 0.02).all()
    crown = worn.positions[: 1 + hat.ROWS * hat.AROUND]  # the crown without its brim
    assert crown[:, 2].max() > skin[:, 2].max() + 0.005  # over the top of the head
    # Rigid on the head bone, no face shapes, its kind's fabric.
    assert list(worn.weights) == ["head"] and not worn.shapes
    assert worn.fabric == hat.FABRIC[values["hat"]]
    # The scalp hair: every point above the band inside the crown's inner face.
    strands = next(s for s in mesh.hair if s.name == "hair")
    q = strands.positions.reshape(-1, 3).astype(float)
    under = q[:, 2] > made.crown.band[made.crown.column(q)]
    reach = np.linalg.norm(q - made.crown.centre, axis=1)
    assert under.any()
    assert (reach[under] < made.crown.limit(q[under]) - made.crown.thickness).all()
    assert len(strands.surface_uv) == strands.count


def test_a_hat_hides_hair_it_covers_whole():
    values = resolve(CharacterSpec(description="a man with short hair")).values
    bare = next(s for s in build.build(values).hair if s.name == "hair")
    values["hat"] = "beanie"
    covered = next(s for s in build.build(values).hair if s.name == "hair")
    # Short hair is nearly all under a beanie: what nothing shows is not grown.
    assert covered.count < 0.3 * bare.count
    skull = hair.Skull(build.build(values).head)
    assert skull is not None


def test_unknown_style_is_refused():
    values = resolve(CharacterSpec(description="a man")).values
    with pytest.raises(ValueError, match="hat: unknown style"):
        hat.hat(build.build(values).head, "crown")
