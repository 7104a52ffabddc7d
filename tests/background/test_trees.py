"""Trees that branch (core.background.trees, no bpy): each species grows its own crown
shape from the same recursive model, the same seed grows the same tree, and the mesh is
sound."""

import numpy as np
import pytest
from metastudio.core.background.species import named_species, tree_mix
from metastudio.core.background.trees import SPECIES, grow_tree


def crown_width(tree, low: float, high: float) -> float:
    """How wide the leaves spread between two shares of the tree's height."""
    leaves = tree.vertices[tree.leaves.ravel()]
    z = leaves[:, 2] / tree.height
    band = leaves[(z >= low) & (z < high)]
    return float(np.hypot(band[:, 0], band[:, 1]).max()) if len(band) else 0.0


@pytest.mark.parametrize("species", sorted(SPECIES))
def test_every_species_grows_a_sound_seeded_tree(species):
    tree = grow_tree(species, 5)
    again, other = grow_tree(species, 5), grow_tree(species, 6)
    assert np.array_equal(tree.vertices, again.vertices)
    assert not np.array_equal(tree.vertices[:50], other.vertices[:50])
    assert len(tree.bark) and len(tree.leaves)
    for quads in (tree.bark, tree.leaves):
        assert quads.min() >= 0 and quads.max() < len(tree.vertices)
    form = SPECIES[species]
    assert 0.5 * form.height < tree.height < 1.6 * form.height
    assert tree.vertices[:, 2].min() < 0.0  # the foot goes into the ground
    assert len(tree.vertices) < 40_000  # one model per species, instanced many times
    near = grow_tree(species, 5, near=True)
    # The same branches; near the camera, leaf cards filled with real-sized leaves.
    bark = tree.vertices[np.unique(tree.bark)]
    assert np.array_equal(near.vertices[np.unique(near.bark)], bark)
    assert len(near.vertices) < 250_000
    if form.leaflet is not None:
        assert len(near.leaves) > 5 * len(tree.leaves)
        corners = near.vertices[near.leaves]
        length = np.linalg.norm(corners[:, 2] - corners[:, 0], axis=1)
        assert np.median(length) < 1.3 * form.leaflet[0] < np.median(np.linalg.norm(
            tree.vertices[tree.leaves][:, 2] - tree.vertices[tree.leaves][:, 0], axis=1))


def test_crowns_take_their_species_shape():
    spruce, oak, palm = (grow_tree(s, 1) for s in ("spruce", "oak", "palm"))
    # A spruce is a cone: widest low down, narrow at the top.
    assert crown_width(spruce, 0.1, 0.4) > 2 * crown_width(spruce, 0.75, 0.95)
    # An oak's crown is a dome: wider above its middle than at a spruce's top.
    assert crown_width(oak, 0.5, 0.8) > crown_width(oak, 0.0, 0.25)
    # A palm's fronds crown a bare trunk (they droop, not down to the ground).
    z = palm.vertices[palm.leaves.ravel(), 2] / palm.height
    assert np.percentile(z, 5) > 0.45 and crown_width(palm, 0.0, 0.3) == 0.0
    # Branches branch: a level below the trunk has many stems, each a tube.
    assert len(oak.bark) > 1000


def test_species_named_in_english_and_korean():
    assert named_species("a grassy lakeshore with a few pine trees") == ("pine",)
    assert named_species("자작나무와 전나무가 있는 호숫가") == ("birch", "fir")
    assert named_species("among the conifers") == ("spruce", "fir", "pine")
    assert named_species("a pineapple farm and a palmist") == ()  # whole words only
    assert dict(tree_mix("wetland")) == {"willow": 0.6, "birch": 0.4}
    assert tree_mix("forest", ("oak",)) == (("oak", 1.0),)
