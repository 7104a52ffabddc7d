"""Skirts that swing in a real-time world (no bpy): chains of bones hung round a skirt
(or a dress's skirt) from the waist to the hem, and the skirt's weights on them.

VRM's spring bones move the chains (gravity, inertia, the legs as colliders); the cloth
follows its two nearest chains round the skirt and the chain's bones down it. The
waistband keeps following the body (the hips and legs it was weighted to) and hands
over to the chains as it goes down, so the skirt stays on at the waist however it
swings. Coordinates are the skirt mesh's own: metres, Z up.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

CHAINS = 8  # round the skirt (fewer where the avatar's bone budget is short)
BONES = 3  # down each chain (and a short end bone for the spring's tip)
INSET = 1.0  # joints on the cloth (the legs' colliders stay clear of them at rest)


@dataclass
class SkirtChains:
    """Where the chains' joints are and how the skirt's vertices follow them."""

    joints: np.ndarray  # (chains, BONES + 1, 3): waist to hem
    # (chain, bone) -> (vertex indices, weights)
    weights: dict[tuple[int, int], tuple[np.ndarray, np.ndarray]]
    stays: np.ndarray  # (V,) the share of each vertex that keeps following the body


def _ramp(x: np.ndarray, lo: float, hi: float) -> np.ndarray:
    t = np.clip((x - lo) / (hi - lo), 0.0, 1.0)
    return t * t * (3 - 2 * t)


def chains_for(bones_left: int, skirts: int) -> int:
    """How many chains each of `skirts` skirts gets with `bones_left` bones to spend
    (each chain is BONES + 1 bones): CHAINS, fewer (an even number, at least 4) when
    short, none when not even that fits."""
    if skirts == 0:
        return 0
    each = bones_left // (skirts * (BONES + 1))
    count = min(CHAINS, each - each % 2)
    return count if count >= 4 else 0


def skirt_chains(points: np.ndarray, chains: int = CHAINS) -> SkirtChains:
    """The chains (`chains` of them round it) and weights for a skirt whose vertices
    are `points` (V, 3)."""
    points = np.asarray(points, np.float64)
    top, hem = float(points[:, 2].max()), float(points[:, 2].min())
    length = max(top - hem, 1e-6)
    depth = (top - points[:, 2]) / length  # 0 at the waist, 1 at the hem
    # The axis: the middle of the waist ring (a skirt hangs round the body, not round
    # its own flare).
    waist = points[depth < 0.1]
    axis = 0.5 * (waist[:, :2].min(axis=0) + waist[:, :2].max(axis=0))
    rel = points[:, :2] - axis
    azimuth = np.arctan2(rel[:, 1], rel[:, 0]) % (2 * np.pi)
    radius = np.linalg.norm(rel, axis=1)
    angles = 2 * np.pi * (np.arange(chains) + 0.5) / chains
    joints = np.zeros((chains, BONES + 1, 3))
    for k, angle in enumerate(angles):
        apart = np.abs((azimuth - angle + np.pi) % (2 * np.pi) - np.pi)
        for j in range(BONES + 1):
            level = j / BONES
            near = (apart < np.pi / chains) & (np.abs(depth - level) < 0.5 / BONES)
            reach = float(np.median(radius[near])) if near.any() else float(radius.mean())
            direction = np.array([np.cos(angle), np.sin(angle)])
            joints[k, j, :2] = axis + direction * reach * INSET
            joints[k, j, 2] = top - level * length
    # Round the skirt: the two nearest chains, in proportion.
    place = azimuth / (2 * np.pi) * chains - 0.5
    first = np.floor(place).astype(int) % chains
    share = place - np.floor(place)
    # Down the skirt: the bones whose middles are nearest, in proportion.
    along = np.clip(depth * BONES - 0.5, 0.0, BONES - 1.0)
    upper = np.minimum(np.floor(along).astype(int), BONES - 1)
    lower_share = along - upper
    swing = _ramp(depth, 0.04, 0.35)
    weights: dict[tuple[int, int], list] = {}
    count = len(points)
    for chain, chain_share in ((first, 1 - share), ((first + 1) % chains, share)):
        for bone, bone_share in ((upper, 1 - lower_share),
                                 (np.minimum(upper + 1, BONES - 1), lower_share)):
            w = swing * chain_share * bone_share
            for k in range(chains):
                for j in range(BONES):
                    mine = (chain == k) & (bone == j) & (w > 1e-4)
                    if mine.any():
                        weights.setdefault((k, j), np.zeros(count))
                        weights[(k, j)][mine] += w[mine]
    out = {key: (np.flatnonzero(w > 1e-4), w[w > 1e-4]) for key, w in weights.items()}
    return SkirtChains(joints, out, 1.0 - swing)
