"""Hair cards baked from strands (no bpy): what real-time worlds draw instead of hair.

A real-time engine cannot draw thousands of curves, so the strands are gathered into
cards: the strands are clustered by where they grow and where they end; each cluster
becomes one strip that follows the cluster's mean strand, as wide as its strands spread,
lying flat over the head; and the cluster's own strands are drawn into the card's tile
of a texture atlas (colour and coverage), so that each card looks like the hair it
replaces.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

SAMPLES = 8  # points along each card
MIN_HALF_WIDTH, MAX_HALF_WIDTH = 0.004, 0.03  # metres


@dataclass
class Cards:
    """Card strips: quads between SAMPLES rows of three vertices (left, middle, right)."""

    positions: np.ndarray  # (V, 3)
    faces: np.ndarray  # (F, 4) vertex indices
    uvs: np.ndarray  # (F, 4, 2) per corner
    roots: np.ndarray  # (cards, 3) where each card grows from
    card_of_vertex: np.ndarray  # (V,) which card a vertex belongs to
    normals: np.ndarray  # (V, 3) away from the head: the hair shades as one volume
    lines: np.ndarray  # (cards, SAMPLES, 3) each card's middle line, root to tip
    texture: np.ndarray  # (size, size, 4) float RGBA, linear


def resample(points: np.ndarray, offsets: np.ndarray, count: int = SAMPLES) -> np.ndarray:
    """Every curve (points[offsets[i]:offsets[i+1]]) as `count` points evenly spaced
    along its length: (curves, count, 3)."""
    out = np.empty((len(offsets) - 1, count, 3))
    for i, (start, end) in enumerate(zip(offsets[:-1], offsets[1:], strict=True)):
        curve = points[start:end]
        steps = np.linalg.norm(np.diff(curve, axis=0), axis=1)
        along = np.concatenate([[0.0], np.cumsum(steps)])
        where = np.linspace(0.0, along[-1], count)
        for axis in range(3):
            out[i, :, axis] = np.interp(where, along, curve[:, axis])
    return out


def _clusters(strands: np.ndarray, count: int, seed: int) -> np.ndarray:
    """k-means labels over where each strand grows and where it ends (the root counts
    double: a card must not bridge two partings); fitted on at most 4000 strands, then
    every strand labelled once (the hair's 20,000 strands take a second otherwise)."""
    features = np.concatenate([strands[:, 0] * 2.0, strands[:, -1]], axis=1)
    rng = np.random.default_rng(seed)
    sample = features[rng.choice(len(features), min(len(features), 4000), replace=False)]
    centres = sample[rng.choice(len(sample), count, replace=False)]
    for _ in range(12):
        labels = ((sample[:, None, :] - centres[None]) ** 2).sum(-1).argmin(1)
        for k in range(count):
            members = sample[labels == k]
            if len(members):
                centres[k] = members.mean(0)
    return ((features[:, None, :] - centres[None]) ** 2).sum(-1).argmin(1)


def card_count(strands: int, kind: str) -> int:
    """How many cards a kind of hair gets: enough to keep its silhouette."""
    per = {"hair": 45, "brows": 60, "beard": 40, "moustache": 40, "stubble": 200}
    low, high = (24, 180) if kind == "hair" else (6, 60)
    return int(np.clip(strands // per.get(kind, 50), low, high))


def make_cards(strands: np.ndarray, centre: np.ndarray, color, kind: str = "hair",
               size: int = 1024, seed: int = 0) -> Cards:
    """Cards for `strands` (curves, SAMPLES, 3), lying over a head centred at `centre`,
    with an atlas of `size` square drawn from the strands in `color` (linear RGB)."""
    count = min(card_count(len(strands), kind), len(strands))
    labels = _clusters(strands, count, seed)
    grid = int(np.ceil(np.sqrt(count)))
    tile = size // grid
    colour = np.zeros((size, size, 3))
    cover = np.zeros((size, size))
    rng = np.random.default_rng(seed + 1)
    positions, faces, uvs, roots, owner, normals, lines = [], [], [], [], [], [], []
    for card in range(count):
        members = strands[labels == card]
        if not len(members):
            continue
        line = members.mean(0)
        tangent = np.gradient(line, axis=0)
        tangent /= np.maximum(np.linalg.norm(tangent, axis=1, keepdims=True), 1e-9)
        outward = line - centre
        outward -= (outward * tangent).sum(1, keepdims=True) * tangent
        outward /= np.maximum(np.linalg.norm(outward, axis=1, keepdims=True), 1e-9)
        across = np.cross(tangent, outward)
        lateral = ((members - line) * across).sum(-1)  # (members, SAMPLES)
        half = np.clip(np.percentile(np.abs(lateral), 90, axis=0) + 0.002,
                       MIN_HALF_WIDTH, MAX_HALF_WIDTH)
        half[-1] *= 0.6  # cards taper to their tips as locks do
        base = len(positions) * 3 * SAMPLES  # each card before has 3 x SAMPLES vertices
        # Three columns, the middle one raised a little off the head: a card with some
        # body reads as a lock from the side, a flat one vanishes edge-on.
        rows = [line - across * half[:, None], line + outward * half[:, None] * 0.35,
                line + across * half[:, None]]
        positions.append(np.stack(rows, axis=1).reshape(-1, 3))
        owner.append(np.full(3 * SAMPLES, card))
        normals.append(np.repeat(outward, 3, axis=0))
        roots.append(line[0])
        lines.append(line)
        u0, v0 = (card % grid) * tile, (card // grid) * tile
        for i in range(SAMPLES - 1):
            for c in range(2):
                a, b = base + i * 3 + c, base + (i + 1) * 3 + c
                faces.append((a, a + 1, b + 1, b))
                corner = [(c / 2, i / (SAMPLES - 1)), ((c + 1) / 2, i / (SAMPLES - 1)),
                          ((c + 1) / 2, (i + 1) / (SAMPLES - 1)),
                          (c / 2, (i + 1) / (SAMPLES - 1))]
                # The atlas' v runs up the image; a tile's top is the card's root.
                uvs.append([((u0 + 1 + u * (tile - 2)) / size,
                              1.0 - (v0 + 1 + v * (tile - 2)) / size) for u, v in corner])
        _draw(colour, cover, lateral / half, u0, v0, tile, color, rng)
    texture = _finish(colour, cover, color)
    return Cards(np.concatenate(positions), np.asarray(faces), np.asarray(uvs),
                 np.asarray(roots), np.concatenate(owner), np.concatenate(normals),
                 np.asarray(lines), texture)


def _draw(colour, cover, across, u0, v0, tile, color, rng) -> None:
    """Draw each strand of a card into its tile: across is (strands, SAMPLES) in -1..1
    (all of a card's strands at once)."""
    steps = 4 * tile
    t = np.linspace(0.0, 1.0, steps)
    rows = (v0 + 1 + t * (tile - 3)).astype(int)
    along = np.linspace(0.0, 1.0, SAMPLES)
    x = np.stack([np.interp(t, along, np.clip(strand, -1, 1)) for strand in across])
    columns = (u0 + 1 + (x + 1) / 2 * (tile - 3)).astype(int)  # (strands, steps)
    shade = rng.uniform(0.7, 1.25, len(across))[:, None, None] * np.asarray(color)
    # A strand thins to its tip: full coverage to 70% of its length, then less.
    alpha = np.broadcast_to(np.clip((1.0 - t) / 0.3, 0.0, 1.0), x.shape)
    r = np.broadcast_to(rows, x.shape)
    for dc, weight in ((0, 1.0), (1, 0.5)):
        np.add.at(cover, (r, columns + dc), alpha * weight)
        np.add.at(colour, (r, columns + dc), shade * (alpha * weight)[..., None])


def _finish(colour, cover, color) -> np.ndarray:
    """RGBA from the accumulated strands: colour averaged where drawn, the hair's colour
    elsewhere (so that mipmaps do not bleed black into the cards' edges)."""
    rgb = np.where(cover[..., None] > 0, colour / np.maximum(cover[..., None], 1e-9),
                   np.asarray(color)[None, None])
    alpha = np.clip(cover * 0.8, 0.0, 1.0)
    # One pixel of blur: a strand a pixel wide aliases to dashes when minified.
    padded = np.pad(alpha, 1, mode="edge")
    alpha = (padded[1:-1, 1:-1] * 4 + padded[:-2, 1:-1] + padded[2:, 1:-1]
             + padded[1:-1, :-2] + padded[1:-1, 2:]) / 8
    return np.concatenate([rgb, alpha[..., None]], axis=-1)


@dataclass
class Lock:
    """Long cards that swing together on one chain of bones (a VRM spring)."""

    cards: np.ndarray  # card indices
    joints: np.ndarray  # (JOINTS + 1, 3) bone heads down the lock, then the last tail


JOINTS = 3
FREE_FROM = 2  # a card's rows up to this one stay with the head (the roots never swing)
LOCK_LENGTH = 0.12  # cards shorter than this (metres, root to tip) do not swing


def locks(lines: np.ndarray, seed: int = 0) -> list[Lock]:
    """Group the cards long enough to swing into locks by where they hang (their tips
    and middles), each with a chain of JOINTS bones along the lock's mean line from
    the row FREE_FROM to the tip."""
    length = np.linalg.norm(lines[:, -1] - lines[:, 0], axis=1)
    long = np.flatnonzero(length > LOCK_LENGTH)
    if len(long) < 2:
        return []
    count = int(np.clip(len(long) // 6, 2, 12))
    features = np.concatenate([lines[long, -1], lines[long, SAMPLES // 2]], axis=1)
    rng = np.random.default_rng(seed)
    centres = features[rng.choice(len(long), count, replace=False)]
    for _ in range(12):
        labels = ((features[:, None] - centres[None]) ** 2).sum(-1).argmin(1)
        for k in range(count):
            if (labels == k).any():
                centres[k] = features[labels == k].mean(0)
    out = []
    for k in range(count):
        members = long[labels == k]
        if not len(members):
            continue
        line = lines[members].mean(0)
        at = np.linspace(FREE_FROM, SAMPLES - 1, JOINTS + 1)
        joints = np.stack([np.interp(at, np.arange(SAMPLES), line[:, axis])
                           for axis in range(3)], axis=1)
        out.append(Lock(members, joints))
    return out


def lock_weights(card_of_vertex: np.ndarray, locks_: list[Lock]) -> dict:
    """Weights for the card vertices that swing: {(lock, joint): (vertices, weights)}.
    A card's vertex rows run root to tip (three per row); rows past FREE_FROM blend
    from the head (weights the caller keeps at 1 - these) into the lock's joints."""
    row = (np.arange(len(card_of_vertex)) % (3 * SAMPLES)) // 3
    lock_of_card = {int(c): i for i, lock in enumerate(locks_) for c in lock.cards}
    lock = np.array([lock_of_card.get(int(c), -1) for c in card_of_vertex])
    span = (SAMPLES - 1 - FREE_FROM) / JOINTS
    # Where a row lies along the chain, in joints (0 at its first bone's head).
    along = (row - FREE_FROM) / span
    out: dict = {}
    for joint in range(JOINTS):
        # A tent over each bone's length, so neighbouring bones blend smoothly.
        weight = np.clip(1.0 - np.abs(along - (joint + 0.5)), 0.0, 1.0)
        if joint == JOINTS - 1:
            weight = np.where(along > joint + 0.5, 1.0, weight)
        weight = np.where((lock >= 0) & (row > FREE_FROM), weight, 0.0)
        for i in np.unique(lock[lock >= 0]):
            keep = np.flatnonzero((lock == i) & (weight > 0))
            if len(keep):
                out[(int(i), joint)] = (keep, weight[keep])
    return out


# Short hair lies on the skin: a card would stand off it, so it is painted into the skin's
# texture instead, strand by strand, as real-time avatars' brows and stubble are.
PAINTED = {"eyebrows": 0.9, "stubble": 0.5, "moustache": 0.9, "beard": 0.95}
# The scalp hair is painted too, near its roots only, under the cards and on the shell
# that fills their volume (avatar/hair): a streak darker, a streak lighter than the cap
# of the hair's colour the skin has there, so the scalp reads as combed hair.
SCALP_REACH = 0.012  # metres from the skin: strand points further out are not painted
SCALP_STREAKS = ((0.55, 0.5), (1.3, 0.55))  # (shade, opacity), every other strand


def paint_strands(texture: np.ndarray, uv_strands: np.ndarray, color,
                  opacity: float, keep: np.ndarray | None = None) -> None:
    """Draw strands given in the texture's UV space, (strands, points, 2), over an RGB(A)
    float texture (rows run down the image, v up), in `color`, at most `opacity` where
    they are densest; `keep` (strands, points), when given, leaves out the segments
    that touch a point it marks False."""
    height, width = texture.shape[:2]
    points = uv_strands.shape[1]
    t = np.linspace(0.0, 1.0, 24 * points)
    along = np.linspace(0.0, 1.0, points)
    # Drawn at twice the size and averaged down: hairs a texel wide without stairs.
    cover = np.zeros((2 * height, 2 * width))
    for index, strand in enumerate(uv_strands):
        u = np.interp(t, along, strand[:, 0]) * (2 * width - 1)
        v = (1.0 - np.interp(t, along, strand[:, 1])) * (2 * height - 1)
        # Hairs thin to their tips.
        alpha = np.clip((1.0 - t) / 0.4, 0.2, 1.0)
        # A segment whose ends fall in two UV islands (across a seam) would be drawn
        # across the atlas: it is left out.
        jumps = np.linalg.norm(np.diff(strand, axis=0), axis=1) > 0.02
        segment = np.minimum((t * (points - 1)).astype(int), points - 2)
        alpha = np.where(jumps[segment], 0.0, alpha)
        if keep is not None:  # only the segments between two kept points
            alpha = np.where(keep[index][segment] & keep[index][segment + 1], alpha, 0.0)
        r = np.clip(v.round().astype(int), 0, 2 * height - 1)
        c = np.clip(u.round().astype(int), 0, 2 * width - 1)
        # One hair a texel once, however many of its samples fall in it.
        texel = np.unique(r * (2 * width) + c, return_index=True)[1]
        np.add.at(cover, (r[texel], c[texel]), alpha[texel])
    # Hairs overlap: where they are dense the skin barely shows, where they thin out
    # (a brow's tail, a beard's edge) it does, hair by hair. The coverage saturates
    # with the hairs' count measured against the densest quarter of the texels, so it
    # never fills to a flat bar of colour.
    drawn = cover[cover > 0]
    if len(drawn):
        dense = max(float(np.percentile(drawn, 75)), 1e-6)
        cover = opacity * (1.0 - np.exp(-2.0 * cover / dense))
    cover = cover.reshape(height, 2, width, 2).mean(axis=(1, 3))
    tint = np.asarray(color, float)[None, None, :3]
    texture[..., :3] = texture[..., :3] * (1.0 - cover[..., None]) + tint * cover[..., None]
