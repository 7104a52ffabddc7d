"""Skirt chains in numpy: joints on the skirt from the waist to the hem, round it, and
weights that hand the cloth from the body to the chains down its length."""

import numpy as np
from metastudio.core.character import build
from metastudio.core.character.describe import resolve
from metastudio.core.character.skirt_swing import BONES, CHAINS, chains_for, skirt_chains
from metastudio.core.character.spec import CharacterSpec


def test_chains_hang_round_the_skirt_and_take_the_cloth_down_its_length():
    values = resolve(CharacterSpec(description="a woman in a long skirt")).values
    skirt = next(g for g in build.build(values).garments if g.kind == "skirt")
    points = skirt.positions.astype(float)
    chains = skirt_chains(points)
    assert chains.joints.shape == (CHAINS, BONES + 1, 3)
    top, hem = points[:, 2].max(), points[:, 2].min()
    assert np.allclose(chains.joints[:, 0, 2], top) and np.allclose(chains.joints[:, -1, 2],
                                                                     hem)
    # Each joint lies on the cloth: near a skirt vertex (they are 5-7 cm apart).
    for joint in chains.joints.reshape(-1, 3):
        assert np.linalg.norm(points - joint, axis=1).min() < 0.05
    # Round the skirt: the chains' azimuths cover the full circle.
    centre = chains.joints[:, 0, :2].mean(axis=0)
    angles = np.sort(np.arctan2(*(chains.joints[:, -1, :2] - centre).T[::-1]))
    assert np.diff(angles).max() < 2 * np.pi / CHAINS * 1.5
    # Every vertex's weights sum to one: the body's share plus the chains'.
    total = chains.stays.copy()
    for index, weight in chains.weights.values():
        total[index] += weight
    assert np.allclose(total, 1.0, atol=1e-3)  # weights under 1e-4 are left out
    # The waistband stays with the body, the hem swings whole.
    assert chains.stays[points[:, 2] > top - 0.01].min() > 0.95
    assert chains.stays[points[:, 2] < hem + 0.05].max() < 1e-6
    # Lower on the skirt, lower on the chain.
    low = points[:, 2] < hem + 0.1
    bottom = sum(w[np.isin(i, np.flatnonzero(low))].sum() for (_, j), (i, w)
                 in chains.weights.items() if j == BONES - 1)
    assert bottom > 0.9 * low.sum()


def test_fewer_chains_when_the_bone_budget_is_short():
    assert chains_for(100, 1) == CHAINS
    assert chains_for(45, 2) == 4  # a coat over a skirt, 45 bones left: 4 chains each
    assert chains_for(20, 2) == 0  # not even four each: no chains, never over budget
    values = resolve(CharacterSpec(description="a woman in a long skirt")).values
    skirt = next(g for g in build.build(values).garments if g.kind == "skirt")
    assert skirt_chains(skirt.positions, 4).joints.shape == (4, BONES + 1, 3)
