"""Trees that branch (no bpy): our own implementation of the recursive stem model of
Weber and Penn, "Creation and Rendering of Realistic Trees" (SIGGRAPH 1995), the model
behind Blender's Sapling add-on.

A tree is a trunk whose children (branches) leave it along its length at a down angle,
each turned about the parent by a rotate angle (the 137-140 degrees of phyllotaxis), and
as long as the crown's shape allows at that height (conical for a spruce, spherical for
an oak, a flame for a pine); branches bear twigs the same way, and the last level bears
leaves (broad leaves, needle tufts or palm leaflets). Every stem bends as it grows
(curve), and may turn towards the sky or droop (attraction up: a willow's negative).

Same species and seed, same tree: the randomness is numpy's seeded generator only. The
result is mesh arrays (quads of bark, quads of leaves) for the Blender side to make one
model per species and instance it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np


@dataclass(frozen=True)
class Level:
    """How one level of stems grows from its parent (Weber and Penn's nXxx values)."""

    count: int  # children per parent stem (for the trunk's children: all of them)
    length: float  # child length relative to its parent's
    length_v: float = 0.1
    down: float = 60.0  # degrees from the parent's direction
    down_v: float = 10.0
    rotate: float = 140.0  # degrees about the parent from one child to the next
    rotate_v: float = 20.0
    curve: float = 0.0  # degrees the stem bends along its length (negative: down)
    curve_v: float = 10.0
    segments: int = 3
    sides: int = 4


@dataclass(frozen=True)
class Form:
    """A species: the trunk, the levels of stems on it, the crown's shape, the leaves."""

    height: float  # metres
    height_v: float
    radius: float  # trunk radius at the base / height
    base: float  # share of the trunk bare of branches
    shape: str  # crown outline (see shape_ratio)
    levels: tuple[Level, ...]
    leaves: int  # per last-level stem
    leaf: tuple[float, float]  # length, width (metres)
    leaf_kind: str  # "broad", "needles" or "frond"
    leaf_down: float = 45.0
    trunk_curve: float = 8.0
    trunk_segments: int = 8
    trunk_sides: int = 8
    attract_up: float = 0.0
    flare: float = 0.3  # the trunk widens this much at the ground
    bark: tuple[float, float, float] = (0.08, 0.05, 0.03)
    foliage: tuple[float, float, float] = (0.03, 0.11, 0.02)
    stems: int = 1  # trunks from the ground (a shrub has several)
    # A real leaf (or needle brush), length and width in metres: near the camera each
    # leaf card above is filled with these (None: the cards are the leaves).
    leaflet: tuple[float, float] | None = None


SPECIES: dict[str, Form] = {
    # A pine as people picture one: a tall bare trunk under a tiered, broadly conical
    # crown of branches that turn up at their tips, needles in brushes along them.
    "pine": Form(
        15.0, 2.0, 0.018, 0.3, "tapered",
        (Level(40, 0.32, down=82, down_v=8, curve=25, sides=5, segments=4),
         Level(8, 0.45, down=50, curve=15, sides=3, segments=2)),
        leaves=10, leaf=(0.9, 0.45), leaf_kind="needles", leaf_down=30,
        leaflet=(0.3, 0.05), attract_up=0.25,
        bark=(0.16, 0.07, 0.035), foliage=(0.02, 0.06, 0.025)),
    "spruce": Form(
        17.0, 2.5, 0.017, 0.08, "conical",
        (Level(90, 0.3, down=95, down_v=10, curve=-15, sides=4, segments=3),
         Level(6, 0.45, down=50, curve=-10, sides=3, segments=2)),
        leaves=8, leaf=(0.75, 0.55), leaf_kind="needles", leaf_down=40,
        leaflet=(0.25, 0.07), trunk_curve=2.0,
        bark=(0.09, 0.06, 0.045), foliage=(0.012, 0.05, 0.02)),
    "fir": Form(
        14.0, 2.0, 0.017, 0.1, "conical",
        (Level(80, 0.28, down=80, down_v=8, curve=10, sides=4, segments=3),
         Level(6, 0.45, down=45, curve=5, sides=3, segments=2)),
        leaves=8, leaf=(0.75, 0.55), leaf_kind="needles", leaf_down=35,
        leaflet=(0.25, 0.07), trunk_curve=2.0,
        bark=(0.12, 0.1, 0.09), foliage=(0.015, 0.06, 0.025)),
    "oak": Form(
        12.0, 2.0, 0.035, 0.28, "hemispherical",
        (Level(14, 0.65, down=55, down_v=15, curve=-20, curve_v=30, sides=6, segments=5),
         Level(10, 0.5, down=50, curve=-10, curve_v=20, sides=4, segments=3),
         Level(6, 0.45, down=45, curve=0, sides=3, segments=2)),
        leaves=12, leaf=(0.8, 0.6), leaf_kind="broad", leaflet=(0.17, 0.11), trunk_curve=15.0,
        bark=(0.07, 0.06, 0.05), foliage=(0.04, 0.1, 0.02)),
    "maple": Form(
        11.0, 1.5, 0.03, 0.3, "spherical",
        (Level(16, 0.6, down=40, down_v=10, curve=-10, sides=6, segments=5),
         Level(9, 0.5, down=45, curve=0, sides=4, segments=3),
         Level(6, 0.45, down=45, sides=3, segments=2)),
        leaves=12, leaf=(0.75, 0.65), leaf_kind="broad", leaflet=(0.16, 0.14), trunk_curve=8.0,
        bark=(0.09, 0.07, 0.06), foliage=(0.05, 0.12, 0.02)),
    "birch": Form(
        13.0, 2.0, 0.015, 0.4, "tapered",
        (Level(22, 0.4, down=45, down_v=10, curve=-25, sides=4, segments=4),
         Level(8, 0.55, down=40, curve=-40, curve_v=20, sides=3, segments=3)),
        leaves=12, leaf=(0.5, 0.38), leaf_kind="broad", leaflet=(0.09, 0.065),
        trunk_curve=10.0,
        attract_up=-0.2, bark=(0.6, 0.58, 0.54), foliage=(0.06, 0.14, 0.02)),
    "willow": Form(
        9.0, 1.5, 0.04, 0.25, "hemispherical",
        (Level(12, 0.55, down=50, down_v=15, curve=30, sides=5, segments=4),
         Level(12, 0.9, down=30, curve=-130, curve_v=20, sides=3, segments=5)),
        leaves=26, leaf=(0.5, 0.1), leaf_kind="broad", leaf_down=20,
        leaflet=(0.14, 0.03), trunk_curve=20.0,
        attract_up=-0.6, bark=(0.08, 0.07, 0.05), foliage=(0.06, 0.13, 0.03)),
    "palm": Form(
        10.0, 2.0, 0.02, 0.96, "cylindrical",
        (Level(20, 0.4, down=60, down_v=25, rotate=137.5, curve=-60, curve_v=15,
               sides=3, segments=6),),
        leaves=50, leaf=(1.0, 0.14), leaf_kind="frond", leaf_down=70, trunk_curve=25.0,
        trunk_sides=7, flare=0.6, bark=(0.14, 0.11, 0.08), foliage=(0.05, 0.12, 0.025)),
    "shrub": Form(
        1.3, 0.3, 0.03, 0.05, "spherical",
        (Level(14, 0.7, down=40, down_v=20, curve=-20, sides=3, segments=3),
         Level(6, 0.5, down=45, sides=3, segments=2)),
        leaves=8, leaf=(0.1, 0.07), leaf_kind="broad", trunk_curve=20.0, trunk_sides=5,
        bark=(0.07, 0.05, 0.035), foliage=(0.04, 0.1, 0.025), stems=4),
}


def shape_ratio(shape: str, ratio: float) -> float:
    """Weber and Penn's crown outlines: how long a branch is (share of the longest) at
    `ratio` (1 at the crown's base, 0 at the top)."""
    r = min(max(ratio, 0.0), 1.0)
    if shape == "conical":
        return 0.2 + 0.8 * r
    if shape == "spherical":
        return 0.2 + 0.8 * math.sin(math.pi * r)
    if shape == "hemispherical":
        return 0.2 + 0.8 * math.sin(0.5 * math.pi * r)
    if shape == "tapered":
        return 0.5 + 0.5 * r
    if shape == "flame":
        return r / 0.7 if r <= 0.7 else (1.0 - r) / 0.3
    return 1.0  # cylindrical


@dataclass
class TreeMesh:
    """Quads: bark (a tube per stem) and leaves, with vertices in metres (z up, the
    trunk's foot at the origin)."""

    vertices: np.ndarray
    bark: np.ndarray  # (n, 4) vertex indices
    leaves: np.ndarray  # (m, 4)
    height: float


@dataclass
class _Builder:
    rng: np.random.Generator
    near: bool = False
    # The clusters draw from their own numbers: near and far models of one seed have
    # the same branches.
    cluster_rng: np.random.Generator | None = None
    points: list = field(default_factory=list)  # the bark's vertices
    bark: list = field(default_factory=list)
    cards: list = field(default_factory=list)  # (n, 4, 3) leaf quads: the far model's
    clusters: list = field(default_factory=list)  # (n, 4, 3): the near model's
    count: int = 0

    def add(self, vertices: np.ndarray) -> int:
        start = self.count
        self.points.append(vertices)
        self.count += len(vertices)
        return start


def _cross(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """The cross product of 3-vectors (or rows of them): np.cross costs ten times this
    on the small arrays a tree is built from."""
    return np.stack([a[..., 1] * b[..., 2] - a[..., 2] * b[..., 1],
                     a[..., 2] * b[..., 0] - a[..., 0] * b[..., 2],
                     a[..., 0] * b[..., 1] - a[..., 1] * b[..., 0]], axis=-1)


def _rotate(v: np.ndarray, axis: np.ndarray, angle: float) -> np.ndarray:
    """v turned by `angle` (radians) about the unit `axis` (Rodrigues)."""
    c, s = math.cos(angle), math.sin(angle)
    return v * c + _cross(axis, v) * s + axis * np.dot(axis, v) * (1 - c)


def _unit(v: np.ndarray) -> np.ndarray:
    return v / max(math.sqrt(float(v @ v)), 1e-12)


def _perpendicular(v: np.ndarray) -> np.ndarray:
    other = np.array([0.0, 0.0, 1.0]) if abs(v[2]) < 0.9 else np.array([1.0, 0.0, 0.0])
    return _unit(_cross(v, other))


def _stem_path(b: _Builder, start, direction, length, segments: int, curve: float,
               curve_v: float, attract: float):
    """Points and directions along a stem that bends `curve` degrees over its length
    about its own side axis, with noise, and turns towards the sky by `attract`."""
    points, directions = [start], [direction]
    side = _perpendicular(direction)
    step = length / segments
    bend = math.radians(curve) / segments
    for i in range(segments):
        d = directions[-1]
        d = _rotate(d, side, bend + math.radians(b.rng.normal(0, curve_v)) / segments)
        if attract:
            d = _unit(d + np.array([0.0, 0.0, attract * (i + 1) / segments * 0.5]))
        side = _unit(_cross(d, _cross(side, d))) if abs(np.dot(side, d)) < 0.99 \
            else _perpendicular(d)
        points.append(points[-1] + d * step)
        directions.append(d)
    return np.array(points), np.array(directions)


def _tube(b: _Builder, points: np.ndarray, directions: np.ndarray, radii: np.ndarray,
          sides: int) -> None:
    """A tube of `sides` around the path (the tip's ring is nearly a point)."""
    normals = np.empty_like(directions)
    normal = _perpendicular(directions[0])
    for i, d in enumerate(directions):
        normal = _unit(normal - d * np.dot(normal, d))  # carried along: no twist
        normals[i] = normal
    others = _cross(directions, normals)
    angles = np.linspace(0, 2 * np.pi, sides, endpoint=False)
    rings = (points[:, None, :] + radii[:, None, None] * (
        np.cos(angles)[None, :, None] * normals[:, None, :]
        + np.sin(angles)[None, :, None] * others[:, None, :]))
    start = b.add(rings.reshape(-1, 3))
    i, k = np.meshgrid(np.arange(len(points) - 1), np.arange(sides), indexing="ij")
    a = start + i * sides + k
    nxt = start + i * sides + (k + 1) % sides
    b.bark.append(np.stack([a, nxt, nxt + sides, a + sides], axis=-1).reshape(-1, 4))


def _along(points: np.ndarray, directions: np.ndarray, u: np.ndarray):
    """Positions and directions at shares `u` along a path (arrays)."""
    t = u * (len(points) - 1)
    i = np.minimum(t.astype(int), len(points) - 2)
    f = (t - i)[:, None]
    at = points[i] * (1 - f) + points[i + 1] * f
    d = directions[i] * (1 - f) + directions[i + 1] * f
    return at, d / np.linalg.norm(d, axis=1, keepdims=True)


def _at(points: np.ndarray, directions: np.ndarray, u: float):
    """Position and direction a share `u` along a path."""
    at, d = _along(points, directions, np.array([u]))
    return at[0], d[0]


def _leaves(b: _Builder, form: Form, points, directions, count: int) -> None:
    """`count` leaves along a last-level stem, each a quad leaving it at the leaf angle,
    turned about it; needle tufts and palm leaflets are the same with other shapes."""
    length, width = form.leaf
    frond = form.leaf_kind == "frond"
    u = np.linspace(0.05 if frond else 0.25, 1.0, count)
    at, d = _along(points, directions, u)
    step = math.radians(180.0 if frond else 137.5)
    turns = b.rng.uniform(0, 2 * np.pi) + step * np.arange(count)
    base = _perpendicular(directions[0])
    # A side direction turned about the stem: close enough to Rodrigues for short stems.
    side = base[None, :] - d * (d @ base)[:, None]
    side /= np.maximum(np.linalg.norm(side, axis=1, keepdims=True), 1e-9)
    other = _cross(d, side)
    radial = np.cos(turns)[:, None] * side + np.sin(turns)[:, None] * other
    down = np.radians(form.leaf_down + b.rng.normal(0, 10, count))
    out = np.cos(down)[:, None] * d + np.sin(down)[:, None] * radial
    if frond:
        out += np.array([0.0, 0.0, -0.35])  # leaflets hang a little
        size = length * (0.4 + 0.6 * np.sin(np.pi * np.minimum(u * 1.1, 1.0)))
    else:
        size = length * b.rng.uniform(0.75, 1.25, count)
    out /= np.linalg.norm(out, axis=1, keepdims=True)
    across = _cross(out, d if form.leaf_kind == "needles" else radial)
    across /= np.maximum(np.linalg.norm(across, axis=1, keepdims=True), 1e-9)
    w = (width / length * 0.5 * size)[:, None]
    s = size[:, None]
    b.cards.append(_quads(at, out * s, across * w))
    if b.near and form.leaflet is not None:
        _cluster(b, form, at, out, across, s, w)


def _quads(base: np.ndarray, along: np.ndarray, half_width: np.ndarray) -> np.ndarray:
    """Diamond leaves from `base` to `base + along`, widest (`half_width` each side, a
    vector) a little below their middle: (n, 4, 3) corners."""
    return np.stack([base, base + along * 0.45 + half_width, base + along,
                     base + along * 0.45 - half_width], axis=1)


def _cluster(b: _Builder, form: Form, at, out, across, size, half) -> None:
    """Fill each leaf card (from `at` along `out` * `size`, `half` wide each side of
    `across`) with real-sized leaves (form.leaflet) scattered through its diamond and a
    little depth, each turned its own way: up close a crown is leaves, not cards."""
    length, width = form.leaflet
    rng = b.cluster_rng
    card_area = size[:, 0] * half[:, 0]
    leaf_area = 0.5 * length * width
    # Enough to cover the card about once (they overlap at random), within bounds that
    # keep a tree's model a few hundred thousand quads.
    per_card = np.clip(np.round(1.1 * card_area / leaf_area), 3, 14).astype(int)
    card = np.repeat(np.arange(len(at)), per_card)
    n = len(card)
    normal = _cross(out, across)
    normal /= np.maximum(np.linalg.norm(normal, axis=1, keepdims=True), 1e-9)
    a, c = rng.random(n), rng.random(n)  # a unit square turned into the card's diamond
    t, v = 0.5 * (a + c), a - c
    centre = (at[card] + out[card] * (size[card] * t[:, None])
              + across[card] * (half[card] * v[:, None])
              + normal[card] * (size[card] * rng.normal(0, 0.08, n)[:, None]))
    # Each leaf points about the card's way and lies about its plane.
    spread = 0.25 if form.leaf_kind == "needles" else 0.6
    d = (out[card] + across[card] * rng.normal(0, spread, (n, 1))
         + normal[card] * rng.normal(0, 0.3, (n, 1)))
    d /= np.linalg.norm(d, axis=1, keepdims=True)
    face = normal[card] + rng.normal(0, 0.45, (n, 3))
    side = _cross(d, face)
    side /= np.maximum(np.linalg.norm(side, axis=1, keepdims=True), 1e-9)
    scale = rng.uniform(0.75, 1.25, (n, 1))
    b.clusters.append(_quads(centre, d * (length * scale), side * (0.5 * width * scale)))


def _grow(b: _Builder, form: Form, depth: int, points, directions, length: float,
          radius: float) -> None:
    """The children of a stem (depth 0: the trunk's), and leaves on the last level."""
    if depth == len(form.levels):
        _leaves(b, form, points, directions, form.leaves)
        return
    level = form.levels[depth]
    first = form.base if depth == 0 else 0.15
    count = level.count if depth == 0 else max(1, round(level.count * min(
        1.0, length / max(form.height * form.levels[0].length, 1e-6) * 1.5)))
    turn = b.rng.uniform(0, 2 * np.pi)
    for i in range(count):
        u = first + (1 - first) * (i + b.rng.uniform(0.0, 1.0)) / count
        u = min(u, 0.98)
        at, d = _at(points, directions, u)
        turn += math.radians(level.rotate + b.rng.normal(0, level.rotate_v))
        radial = _rotate(_perpendicular(d), d, turn)
        down = math.radians(level.down + b.rng.normal(0, level.down_v))
        child = _unit(math.cos(down) * d + math.sin(down) * radial)
        if depth == 0:
            ratio = (1 - u) / max(1 - form.base, 1e-6)
            child_length = length * level.length * shape_ratio(form.shape, ratio)
        else:
            child_length = length * level.length * (1 - 0.5 * u)
        child_length *= max(0.3, 1 + b.rng.normal(0, level.length_v))
        if child_length < 0.05:
            continue
        parent_radius = radius * (1 - 0.9 * u)
        child_radius = min(0.9 * parent_radius, radius * (child_length / length) ** 1.2)
        child_radius = max(child_radius, 0.004)
        path, dirs = _stem_path(b, at, child, child_length, level.segments,
                                level.curve, level.curve_v,
                                form.attract_up if depth > 0 else 0.0)
        radii = np.linspace(child_radius, child_radius * 0.15, len(path))
        _tube(b, path, dirs, radii, level.sides)
        _grow(b, form, depth + 1, path, dirs, child_length, child_radius)


def grow_tree(species: str, seed: int = 0, near: bool = False) -> TreeMesh:
    """One tree of a species (SPECIES), its foot at the origin. `near`: the model for
    near the camera, its leaf cards filled with real-sized leaves (the far model's
    cards are the leaves; both have the same branches)."""
    far_model, near_model = grow_models(species, seed, near)
    return near_model if near and near_model is not None else far_model


def grow_models(species: str, seed: int = 0, near: bool = True
                ) -> tuple[TreeMesh, TreeMesh | None]:
    """The far model of a tree and, with `near` and a species with real-sized leaves,
    its near model, grown in one pass (the branches once)."""
    form = SPECIES[species]
    b = _Builder(np.random.default_rng(seed), near, np.random.default_rng(seed + 7919))
    height = max(0.3 * form.height, form.height + b.rng.normal(0, form.height_v))
    for stem in range(form.stems):
        lean = 0.0 if form.stems == 1 else math.radians(b.rng.uniform(10, 35))
        heading = 2 * np.pi * stem / form.stems + b.rng.uniform(-0.4, 0.4)
        up = _unit(np.array([math.sin(lean) * math.cos(heading),
                             math.sin(lean) * math.sin(heading), math.cos(lean)]))
        foot = np.array([0.0, 0.0, -0.05 * height])  # into the ground: no floating foot
        stem_height = height * (1.0 if form.stems == 1 else b.rng.uniform(0.7, 1.0))
        path, dirs = _stem_path(b, foot, up, stem_height * 1.05,
                                form.trunk_segments, form.trunk_curve, form.trunk_curve * 0.5,
                                0.0)
        radius = form.radius * stem_height
        u = np.linspace(0, 1, len(path))
        radii = radius * (1 - 0.85 * u) * (1 + form.flare * np.exp(-u * 25))
        _tube(b, path, dirs, radii, form.trunk_sides)
        _grow(b, form, 0, path, dirs, stem_height, radius)
    bark_points = np.vstack(b.points)
    bark = np.vstack(b.bark).astype(np.int32)

    def model(quads: list) -> TreeMesh:
        leaves = np.concatenate(quads).reshape(-1, 3)
        vertices = np.vstack([bark_points, leaves]).astype(np.float32)
        faces = (len(bark_points) + np.arange(len(leaves))).reshape(-1, 4).astype(np.int32)
        return TreeMesh(vertices, bark, faces, float(vertices[:, 2].max()))

    return model(b.cards), (model(b.clusters) if b.clusters else None)
