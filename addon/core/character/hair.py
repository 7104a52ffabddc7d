"""Hair as strands: guide strands grown from the scalp and combed by the style, children
that follow their guides in clumps, curled or waved by the texture: plain arrays, no bpy.

A guide is grown a step at a time from its root: along its combing direction on the
scalp (away from the parting, back from the face), pulled by gravity once it leaves the
head, kept outside the head (an ellipsoid fitted to the skull) and out of the face and
off the shoulders. Gathered styles (ponytail, bun, braid) are combed to a gather point
on the head, then hang, wind or plait from there. Children interpolate the three
nearest guides, clump towards them along their length, and carry the texture (a wave,
a curl, a coil) and a little frizz. Eyebrows and facial hair are strands too, grown
from regions found on the face relative to the eyes and the mouth.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

STYLES = ("none", "buzz", "short", "bob", "shoulder", "long", "ponytail", "bun", "braid")
TEXTURES = ("straight", "wavy", "curly", "coily")
FACIAL = ("none", "stubble", "moustache", "beard")
# Strands per detail level (render time grows with them; see BENCHMARKS.md).
STRANDS = {"low": 6000, "high": 20000}
# A head this many pixels tall on screen shows every strand of its detail level; a
# smaller one gets fewer (in proportion, down to MIN_DENSITY): a wide shot or a
# thumbnail does not pay for hair it cannot show.
FULL_HEAD_PIXELS = 400
MIN_DENSITY = 0.05


def density_for_head(pixels: float) -> float:
    """The share of strands a head `pixels` tall on screen needs."""
    return float(min(1.0, max(MIN_DENSITY, pixels / FULL_HEAD_PIXELS)))


def _count(full: int, density: float, least: int) -> int:
    return max(least, int(round(full * density)))
GUIDES = 320


@dataclass
class Strands:
    """Strands of one kind (scalp hair, eyebrows, beard): each has `points` points."""

    name: str
    positions: np.ndarray  # (n, points, 3) float32, metres
    radius_root: float  # metres
    radius_tip: float
    # Where each root lies in the body's UV map (hair deformed with the skin follows it)
    surface_uv: np.ndarray | None = None  # (n, 2) float32

    @property
    def count(self) -> int:
        """How many strands."""
        return len(self.positions)


@dataclass
class Head:
    """What hair is grown on: the head's vertices and faces (Blender metres, Z up, the
    figure facing -Y) and landmarks."""

    points: np.ndarray  # (V, 3) all body vertices
    faces: np.ndarray  # (F, 4) faces of the head's skin (body group)
    eyes: np.ndarray  # (2, 3) eyeball centres
    eye_radius: float
    mouth: np.ndarray  # (3,) the centre of the mouth (between the teeth)
    neck: np.ndarray  # (3,) the neck's base
    shoulders: np.ndarray  # (S, 3) body points of the shoulders and upper back (collision)
    shoulder_normals: np.ndarray  # (S, 3)
    face_uvs: np.ndarray | None = None  # (F, 4, 2) the faces' corner UVs


class Skull:
    """The head as seen from inside the skull: its radius in every direction from a
    centre in the cranium (a height map over the sphere, 4 degrees a cell), so that
    strands are kept outside the real scalp, ears and face, not an approximation."""

    ROWS, COLUMNS = 45, 90

    def __init__(self, head: Head) -> None:
        eye_z = head.eyes[:, 2].mean()
        # The scalp and the forehead only: rays from inside the skull meet each once
        # (the ears and the jaw would stand in front of the scalp behind them).
        centres = head.points[head.faces].mean(axis=1)
        keep = scalp_mask(head, centres) | (centres[:, 2] > eye_z + 0.02)
        skin = head.points[np.unique(head.faces[keep])]
        cranium = skin[skin[:, 2] > eye_z]
        self.centre = np.array([0.0, (cranium[:, 1].min() + cranium[:, 1].max()) / 2,
                                eye_z + 0.02])
        # Below the mouth the map says nothing useful (the jaw and the neck narrow):
        # points there are left to the face and shoulder rules.
        self.floor = float(head.mouth[2])
        rows, cols, radius = self._cells(skin)
        grid = np.zeros((self.ROWS, self.COLUMNS))
        np.maximum.at(grid, (rows, cols), radius)
        # Cells no vertex fell in take their column's nearest filled value.
        for col in range(self.COLUMNS):
            filled = np.flatnonzero(grid[:, col] > 0)
            if len(filled):
                grid[:, col] = np.interp(np.arange(self.ROWS), filled, grid[filled, col])
        grid[grid == 0] = radius.mean()
        padded = np.pad(grid, 1, mode="edge")
        padded[1:-1, 0], padded[1:-1, -1] = grid[:, -1], grid[:, 0]  # wraps round
        windows = np.stack([padded[i:i + self.ROWS, j:j + self.COLUMNS]
                            for i in range(3) for j in range(3)])
        # A light blur only: a max over neighbouring cells overstates the radius where
        # the head curves fast (temples), lifting hair centimetres off the scalp.
        self.grid = np.maximum(grid, windows.mean(axis=0))

    def _cells(self, q: np.ndarray):
        rel = q - self.centre
        radius = np.linalg.norm(rel, axis=-1)
        polar = np.arccos(np.clip(rel[..., 2] / np.maximum(radius, 1e-9), -1, 1))
        azimuth = np.arctan2(rel[..., 1], rel[..., 0]) % (2 * np.pi)
        rows = np.minimum((polar / np.pi * self.ROWS).astype(int), self.ROWS - 1)
        cols = np.minimum((azimuth / (2 * np.pi) * self.COLUMNS).astype(int),
                          self.COLUMNS - 1)
        return rows, cols, radius

    def radius(self, q: np.ndarray) -> np.ndarray:
        """The head's radius in the direction of each point."""
        rows, cols, _ = self._cells(q)
        return self.grid[rows, cols]

    def outside(self, q: np.ndarray, margin: float) -> np.ndarray:
        """Points pushed out (radially) to at least `margin` beyond the head's skin."""
        rel = q - self.centre
        distance = np.linalg.norm(rel, axis=-1, keepdims=True)
        least = self.radius(q)[..., None] + margin
        inside = (distance < least) & (q[..., 2:3] > self.floor)
        return np.where(inside,
                        self.centre + rel / np.maximum(distance, 1e-9) * least, q)

    def normal(self, q: np.ndarray) -> np.ndarray:
        """The outward direction at (or towards) points: radial."""
        rel = q - self.centre
        return rel / np.maximum(np.linalg.norm(rel, axis=-1, keepdims=True), 1e-9)

    def near(self, q: np.ndarray, margin: float) -> np.ndarray:
        """Whether points are within `margin` of the head's skin (or inside)."""
        return np.linalg.norm(q - self.centre, axis=-1) < self.radius(q) + margin


def _sample_faces(head: Head, weight_mask, count, rng):
    """Random points on the head's faces (area-weighted by the mask), their faces'
    normals and their UVs (None when the head has no UVs)."""
    points, faces = head.points, head.faces
    a, b, c, d = (points[faces[:, i]] for i in range(4))
    tri1 = 0.5 * np.linalg.norm(np.cross(b - a, c - a), axis=1)
    tri2 = 0.5 * np.linalg.norm(np.cross(c - a, d - a), axis=1)
    tri2[faces[:, 3] == faces[:, 2]] = 0.0
    areas = np.concatenate([tri1, tri2]) * np.concatenate([weight_mask, weight_mask])
    if areas.sum() <= 0:
        return np.zeros((0, 3)), np.zeros((0, 3)), np.zeros((0, 2), np.float32)
    pick = rng.choice(len(areas), size=count, p=areas / areas.sum())
    first = pick < len(faces)
    face = np.where(first, pick, pick - len(faces))
    corners = np.where(first[:, None], [[0, 1, 2]], [[0, 2, 3]])
    p0, p1, p2 = (points[faces[face, corners[:, i]]] for i in range(3))
    u, v = rng.random(count), rng.random(count)
    flip = u + v > 1
    u[flip], v[flip] = 1 - u[flip], 1 - v[flip]
    roots = p0 + (p1 - p0) * u[:, None] + (p2 - p0) * v[:, None]
    normal = np.cross(p1 - p0, p2 - p0)
    normal /= np.maximum(np.linalg.norm(normal, axis=1, keepdims=True), 1e-12)
    uv = None
    if head.face_uvs is not None:
        t0, t1, t2 = (head.face_uvs[face, corners[:, i]] for i in range(3))
        uv = (t0 + (t1 - t0) * u[:, None] + (t2 - t0) * v[:, None]).astype(np.float32)
    return roots, normal, uv


def _tangent(normal: np.ndarray, direction: np.ndarray) -> np.ndarray:
    """`direction` projected onto the planes normal to `normal`, unit length."""
    t = direction - (direction * normal).sum(axis=-1, keepdims=True) * normal
    return t / np.maximum(np.linalg.norm(t, axis=-1, keepdims=True), 1e-9)


def _centre_y(head: Head) -> float:
    """Half way between the forehead and the back of the head (not the vertices' mean:
    the face has many more of them than the back of the head)."""
    skin = head.points[np.unique(head.faces)]
    cranium = skin[skin[:, 2] > head.eyes[:, 2].mean()]
    return float((cranium[:, 1].min() + cranium[:, 1].max()) / 2)


def scalp_mask(head: Head, centres: np.ndarray) -> np.ndarray:
    """Which face centres lie on the scalp: above a hairline that is high at the
    forehead, just above the ears at the sides and low at the nape; not on the ears."""
    eye_z = head.eyes[:, 2].mean()
    centre_y = _centre_y(head)
    depth = 0.09
    front = np.clip((centre_y - centres[:, 1]) / depth, -1.0, 1.0)
    hairline = np.where(front > 0, 0.018 + 0.045 * front ** 2, 0.018 - 0.1 * front ** 2)
    above = centres[:, 2] > eye_z + hairline
    return above & ~_ears(head, centres)


def _ears(head: Head, q: np.ndarray) -> np.ndarray:
    """Which points are on the ears: the sides of the head, around the eyes' height,
    half way back."""
    eye_z = head.eyes[:, 2].mean()
    width = np.abs(head.points[head.faces].reshape(-1, 3)[:, 0]).max()
    front = np.clip((_centre_y(head) - q[:, 1]) / 0.09, -1.0, 1.0)
    return (np.abs(q[:, 0]) > width - 0.022) & (q[:, 2] < eye_z + 0.04) & (
        q[:, 2] > eye_z - 0.06) & (np.abs(front) < 0.55)


def _part_x(part: str) -> float:
    return {"centre": 0.0, "left": 0.025, "right": -0.025}.get(part, 0.0)


def _comb(head: Head, style: str, part: str, roots, normals) -> np.ndarray:
    """The direction each root's strand leaves in, on the scalp: away from the parting,
    back from the face, down the head."""
    skull_centre_y = _centre_y(head)
    side = np.sign(roots[:, 0] - _part_x(part) + 1e-6)
    # Next to the parting, hair first runs back along it and only then out: the
    # parting shows as a line, not a bald strip.
    away = np.clip(np.abs(roots[:, 0] - _part_x(part)) / 0.02, 0.25, 1.0)
    lateral = np.stack([side * away, np.zeros_like(side), np.zeros_like(side)], axis=1)
    down = np.array([0.0, 0.0, -1.0])
    back = np.array([0.0, 1.0, 0.0])
    front = np.clip((skull_centre_y - roots[:, 1]) / 0.09, 0.0, 1.0)[:, None]
    if style in ("ponytail", "bun", "braid"):
        target = _gather_point(head, style)
        direction = target - roots
    elif style in ("short", "buzz"):
        # Swept back from the forehead, over and down the sides and the back.
        direction = 0.8 * back + 0.5 * down * (1 - front) + 0.3 * lateral * (0.3 + front)
    else:  # falling styles: swept to the sides from the parting and back, then down
        direction = (1.2 * lateral * (0.25 + front) + 0.5 * down * (1 - front)
                     + 0.5 * back)
    return _tangent(normals, direction)


def _gather_point(head: Head, style: str) -> np.ndarray:
    skull = Skull(head)
    height = {"ponytail": 0.04, "bun": 0.085, "braid": -0.03}[style]
    z = head.eyes[:, 2].mean() + height
    # The back of the skull at that height, a little out.
    probe = np.array([[0.0, skull.centre[1] + 1.0, z]])
    direction = skull.normal(probe)[0]
    return skull.centre + direction * (skull.radius(probe)[0] + 0.012)


def _grow(head: Head, skull: Skull, roots, directions, lengths, points: int,
          end_z: float | None, lift: float, stiff: bool = False,
          throat: Throat | None = None) -> np.ndarray:
    """Guide strands stepped from their roots: along the scalp while on the head, then
    falling under gravity, kept off the skull, the face, the throat and the
    shoulders."""
    n = len(roots)
    out = np.zeros((n, points, 3))
    out[:, 0] = roots
    step = (lengths / (points - 1))[:, None]
    position = roots.copy()
    heading = directions.copy()
    down = np.array([0.0, 0.0, -1.0])
    for k in range(1, points):
        normal = skull.normal(position)
        on_head = skull.near(position, lift + 0.01)
        # On the head the strand follows the surface; off it, gravity takes over.
        gravity = np.where(on_head, 0.02 if end_z is None else 0.06, 0.6)[:, None]
        if stiff:
            gravity = gravity * 0.0
        heading = heading + gravity * (down - heading)
        if not stiff:  # stiff strands (an afro) keep standing out from the head
            heading = np.where(on_head[:, None], _tangent(normal, heading), heading)
        heading /= np.maximum(np.linalg.norm(heading, axis=1, keepdims=True), 1e-9)
        position = position + heading * step
        position = skull.outside(position, lift * min(1.0, k / 3))
        position = _out_of_face(head, skull, position)
        if throat is not None:
            position = throat.beside(position)
        position = _off_shoulders(head, position, lift)
        if end_z is not None:
            position[:, 2] = np.maximum(position[:, 2], end_z)
        out[:, k] = position
    return out


def _out_of_face(head: Head, skull: Skull, q: np.ndarray) -> np.ndarray:
    """Points in front of the face (the eyes, the nose, the mouth) moved out to its
    sides: hair frames a face, it does not cover it."""
    eye_z = head.eyes[:, 2].mean()
    half = np.abs(head.eyes[:, 0]).max() + 0.035
    inside = ((q[..., 1] < skull.centre[1] - 0.02) & (np.abs(q[..., 0]) < half)
              & (q[..., 2] < eye_z + 0.03) & (q[..., 2] > eye_z - 0.13))
    q = q.copy()
    q[..., 0] = np.where(inside, np.sign(q[..., 0] + 1e-6) * half, q[..., 0])
    return q


class Throat:
    """The neck seen from the front: hair that falls from the sides of the head hangs
    beside it, never across the throat (strands there read as a beard)."""

    MARGIN = 0.015  # metres beside the neck's skin

    def __init__(self, head: Head) -> None:
        eye_z = head.eyes[:, 2].mean()
        # A band of the neck's skin between its base and the mouth, bounded in the
        # head's own size (the eyes to the mouth), so a child's neck is found too.
        size = eye_z - head.mouth[2]
        # The skin only (all the points include the base mesh's wide helper shapes).
        p = np.vstack([head.points[np.unique(head.faces)], head.shoulders])
        low, high = head.neck[2], head.mouth[2]  # the neck's base, the mouth
        band = p[(p[:, 2] > low + 0.35 * (high - low)) & (p[:, 2] < low + 0.6 * (high - low))
                 & (np.abs(p[:, 0]) < 1.7 * size) & (np.abs(p[:, 1] - head.neck[1]) < 1.4 * size)]
        if len(band) >= 8:
            # Its sides: the widest skin level with the band's middle (front to back);
            # its front: ahead of the neck's base (the band's middle leans forward).
            middle = float(np.median(band[:, 1]))
            self.centre_y = float(head.neck[1])
            sides = band[np.abs(band[:, 1] - middle) < 0.5 * size]
            self.half = float(np.abs((sides if len(sides) else band)[:, 0]).max()) + self.MARGIN
        else:  # no skin there (a mesh of a head alone): nothing to keep clear
            self.half, self.centre_y = 0.0, -np.inf
        self.top = float(eye_z - 0.10)  # the face's own box ends about here

    def beside(self, q: np.ndarray) -> np.ndarray:
        """Points in front of the neck's middle and below the face moved out to its
        sides."""
        inside = ((q[..., 1] < self.centre_y) & (np.abs(q[..., 0]) < self.half)
                  & (q[..., 2] < self.top))
        if not inside.any():
            return q
        q = q.copy()
        q[..., 0] = np.where(inside, np.sign(q[..., 0] + 1e-6) * self.half, q[..., 0])
        return q


def _trim_at_face(head: Head, skull: Skull, strands: np.ndarray,
                  throat: Throat) -> np.ndarray:
    """Strands cut where they would enter the face or cross the throat: the rest of such
    a strand is folded onto its last point outside (moving single points aside would
    leave long straight jumps across the cheek)."""
    moved = throat.beside(_out_of_face(head, skull, strands))
    inside = np.any(moved != strands, axis=2)
    if not inside.any():
        return strands
    first = np.where(inside.any(axis=1), inside.argmax(axis=1), strands.shape[1])
    index = np.minimum(np.arange(strands.shape[1])[None, :], np.maximum(first - 1, 0)[:, None])
    return np.take_along_axis(strands, index[:, :, None], axis=1)


def _off_shoulders(head: Head, q: np.ndarray, margin: float) -> np.ndarray:
    """Points pushed out of the shoulders and the upper back (nearest body point along
    its normal)."""
    low = q[:, 2] < head.neck[2] + 0.03
    if not low.any() or not len(head.shoulders):
        return q
    rows = np.flatnonzero(low)
    d2 = ((q[rows, None, :] - head.shoulders[None, :, :]) ** 2).sum(axis=2)
    nearest = d2.argmin(axis=1)
    base, normal = head.shoulders[nearest], head.shoulder_normals[nearest]
    depth = ((q[rows] - base) * normal).sum(axis=1)
    push = np.maximum(margin + 0.006 - depth, 0.0)
    q = q.copy()
    q[rows] += normal * push[:, None]
    return q


def _children(guides: np.ndarray, guide_roots: np.ndarray, roots: np.ndarray,
              clump: float, rng, part_x: float = 0.0) -> np.ndarray:
    """Child strands from the three nearest guides on their side of the parting
    (inverse-distance weights; a child between two guides that part would cross the
    face), their offset from the guides shrinking towards the tips by `clump`."""
    d2 = ((roots[:, None, :] - guide_roots[None, :, :]) ** 2).sum(axis=2)
    other_side = (np.sign(roots[:, None, 0] - part_x + 1e-6)
                  != np.sign(guide_roots[None, :, 0] - part_x + 1e-6))
    d2 = d2 + other_side * 1.0
    nearest = np.argsort(d2, axis=1)[:, :3]
    weight = 1.0 / (np.sqrt(np.take_along_axis(d2, nearest, axis=1)) + 1e-3)
    weight /= weight.sum(axis=1, keepdims=True)
    shape = (guides[nearest] * weight[:, :, None, None]).sum(axis=1)
    offset = roots - shape[:, 0]
    along = np.linspace(0.0, 1.0, guides.shape[1])
    # Clumps: each child keeps its own offset near the root, less towards the tip.
    keep = 1.0 - clump * along[None, :] * rng.uniform(0.6, 1.0, (len(roots), 1))
    return shape + offset[:, None, :] * keep[:, :, None]


def _texture(strands: np.ndarray, texture: str, rng) -> np.ndarray:
    """Waves, curls or coils about each strand's own line, and a little frizz."""
    if texture == "straight":
        amplitude, period = 0.0, 1.0
    else:
        amplitude, period = {"wavy": (0.008, 0.06), "curly": (0.009, 0.03),
                             "coily": (0.0045, 0.012)}[texture]
    n, points, _ = strands.shape
    segment = np.linalg.norm(np.diff(strands, axis=1), axis=2)
    arc = np.concatenate([np.zeros((n, 1)), np.cumsum(segment, axis=1)], axis=1)
    tangent = np.gradient(strands, axis=1)
    tangent /= np.maximum(np.linalg.norm(tangent, axis=2, keepdims=True), 1e-9)
    # A frame round each strand: any vector not along it, made normal to it.
    up = np.where(np.abs(tangent[..., 2:3]) < 0.9, np.array([0.0, 0.0, 1.0]),
                  np.array([1.0, 0.0, 0.0]))
    side = np.cross(tangent, up)
    side /= np.maximum(np.linalg.norm(side, axis=2, keepdims=True), 1e-9)
    other = np.cross(tangent, side)
    phase = rng.uniform(0, 2 * np.pi, (n, 1))
    angle = 2 * np.pi * arc / period + phase
    # Waves and curls grow in from the root (hair lies flat at the scalp).
    ramp = np.clip(arc / 0.03, 0.0, 1.0)[..., None]
    out = strands.copy()
    if amplitude:
        if texture == "wavy":
            out += ramp * amplitude * np.sin(angle)[..., None] * side
        else:
            out += ramp * amplitude * (np.cos(angle)[..., None] * side
                                       + np.sin(angle)[..., None] * other)
    frizz = rng.normal(0.0, 0.0007, out.shape) * np.linspace(0, 1, points)[None, :, None]
    return out + frizz


def _densify(strands: np.ndarray, factor: int) -> np.ndarray:
    """Strands with `factor` times the segments, by linear interpolation."""
    if factor <= 1:
        return strands
    points = strands.shape[1]
    t = np.linspace(0.0, points - 1, (points - 1) * factor + 1)
    i0 = np.minimum(t.astype(int), points - 2)
    w = (t - i0)[None, :, None]
    return strands[:, i0] * (1 - w) + strands[:, i0 + 1] * w


def _resample(strands: np.ndarray, points: int) -> np.ndarray:
    """Strands resampled to `points` points evenly along their length."""
    n = len(strands)
    segment = np.linalg.norm(np.diff(strands, axis=1), axis=2)
    arc = np.concatenate([np.zeros((n, 1)), np.cumsum(segment, axis=1)], axis=1)
    out = np.zeros((n, points, 3))
    for i in range(n):
        target = np.linspace(0.0, arc[i, -1], points)
        for axis in range(3):
            out[i, :, axis] = np.interp(target, arc[i], strands[i, :, axis])
    return out


def scalp_hair(head: Head, style: str, texture: str, part: str, detail: str,
               seed: int, density: float = 1.0) -> Strands | None:
    """The scalp's strands for a style, or None (bald)."""
    if style == "none":
        return None
    rng = np.random.default_rng(seed)
    skull, throat = Skull(head), Throat(head)
    centres = head.points[head.faces].mean(axis=1)
    mask = scalp_mask(head, centres).astype(np.float64)
    eye_z = head.eyes[:, 2].mean()
    count = _count(STRANDS[detail] * (2 if style == "buzz" else 1), density, 300)
    roots, normals, uv = _sample_faces(head, mask, count, rng)
    guide_roots, guide_normals, _ = _sample_faces(head, mask, GUIDES, rng)
    points = {"buzz": 4, "short": 10}.get(style, 24)
    if style == "buzz":
        length = np.full(GUIDES, 0.006)
        end_z = None
    elif style == "short":
        # Longest on top, tapered to a couple of centimetres at the sides and the nape.
        top = guide_roots[:, 2].max()
        height = np.clip((guide_roots[:, 2] - (eye_z - 0.03)) / (top - eye_z + 0.03), 0, 1)
        length = (0.018 + 0.05 * height ** 1.5) * rng.uniform(0.85, 1.15, GUIDES)
        end_z = None
    else:
        end_z = {"bob": head.mouth[2] - 0.03, "shoulder": head.neck[2] - 0.04,
                 "long": head.neck[2] - 0.28, "ponytail": None, "bun": None,
                 "braid": None}[style]
        length = np.maximum(guide_roots[:, 2] - (end_z if end_z is not None else eye_z),
                            0.05) * 1.6 + 0.05
    lift = {"buzz": 0.001, "short": 0.004}.get(style, 0.007)
    directions = _comb(head, style, part, guide_roots, guide_normals)
    afro = style == "short" and texture == "coily"
    if afro:  # coily hair cut short stands out from the head as a rounded volume
        directions = guide_normals + 0.35 * directions
        directions /= np.linalg.norm(directions, axis=1, keepdims=True)
        length = rng.uniform(0.045, 0.06, GUIDES)
        lift = 0.01
    if style in ("ponytail", "bun", "braid"):
        guides = _gathered(head, skull, style, guide_roots, directions, points, rng)
    else:
        guides = _grow(head, skull, guide_roots, directions, length, points, end_z, lift,
                       stiff=afro, throat=throat)
        guides = _resample(guides, points)
    clump = {"buzz": 0.0, "short": 0.3}.get(style, 0.55)
    gathered = style in ("ponytail", "bun", "braid")
    strands = _children(guides, guide_roots, roots, clump, rng,
                        np.inf if gathered else _part_x(part))
    if style != "buzz":
        # Curls need points enough to draw them: four or more a turn.
        strands = _densify(strands, {"straight": 1, "wavy": 2, "curly": 3,
                                     "coily": 6}[texture])
        strands = _texture(strands, texture, rng)
    # The children's last word: none inside the skull, none over the face.
    strands = skull.outside(strands.reshape(-1, 3), lift * 0.5).reshape(strands.shape)
    if style in ("bob", "shoulder", "long"):
        strands = _trim_at_face(head, skull, strands, throat)
    strands[:, 0] = roots  # roots stay on the scalp
    return Strands("hair", strands.astype(np.float32), 0.0005, 0.00015, uv)


def _gathered(head: Head, skull: Skull, style: str, roots, directions, points, rng):
    """Strands combed over the head to the gather point, then a tail, a bun or a plait."""
    gather = _gather_point(head, style)
    head_points = points // 2
    tail_points = points - head_points
    path = np.zeros((len(roots), head_points, 3))
    for k in range(head_points):
        t = k / (head_points - 1)
        q = roots + (gather - roots) * t
        # Over the skull, not through it: push out to the surface plus a layer.
        path[:, k] = skull.outside(q, 0.006 + 0.004 * t)
    path[:, -1] = gather + rng.normal(0, 0.004, (len(roots), 3))
    s = np.linspace(0.0, 1.0, tail_points + 1)[1:]
    n = len(roots)
    spread = rng.normal(0, 1, (n, 2))
    spread /= np.maximum(np.linalg.norm(spread, axis=1, keepdims=True), 1e-9)
    radius = rng.uniform(0.2, 1.0, (n, 1)) ** 0.5
    if style == "ponytail":
        length = head.neck[2] - 0.12
        drop = gather[2] - np.maximum(length, gather[2] - 0.35)
        tail = np.zeros((n, tail_points, 3))
        width = (0.012 + 0.02 * np.sin(np.pi * np.clip(s, 0, 1) ** 0.7))[None, :] * radius
        tail[..., 0] = gather[0] + spread[:, :1] * width
        tail[..., 1] = gather[1] + 0.035 * np.sin(np.pi * s / 2)[None, :] + spread[:, 1:] * width
        tail[..., 2] = gather[2] - drop * s[None, :]
    elif style == "bun":
        centre = gather + np.array([0.0, 0.03, 0.0])
        turns = 2.5
        angle = 2 * np.pi * turns * s[None, :] + rng.uniform(0, 2 * np.pi, (n, 1))
        r = 0.032 * (1 - 0.5 * s[None, :]) * (0.7 + 0.3 * radius)
        tail = np.zeros((n, tail_points, 3))
        tail[..., 0] = centre[0] + r * np.cos(angle)
        tail[..., 1] = centre[1] + 0.02 * np.sin(angle * 0.5)
        tail[..., 2] = centre[2] + r * np.sin(angle)
    else:  # braid: three bundles plaited down the back
        bundle = rng.integers(0, 3, (n, 1))
        length = 0.3
        turn = 2 * np.pi * s[None, :] * length / 0.05 + bundle * 2 * np.pi / 3
        width = 0.018 * (1 - 0.4 * s[None, :])
        tail = np.zeros((n, tail_points, 3))
        tail[..., 0] = gather[0] + width * np.sin(turn) + spread[:, :1] * 0.004
        tail[..., 1] = (gather[1] + 0.02 + 0.5 * width * np.sin(2 * turn)
                        + spread[:, 1:] * 0.004)
        tail[..., 2] = gather[2] - length * s[None, :]
    strands = np.concatenate([path, tail], axis=1)
    if style != "bun":
        strands = _off_shoulders(head, strands.reshape(-1, 3), 0.01).reshape(strands.shape)
    return _resample(strands, points)


def eyebrows(head: Head, seed: int, thickness: float = 1.0,
             density: float = 1.0) -> Strands:
    """Eyebrows: short strands lying on the brow ridge, pointing out from the nose and
    a little up, thicker towards the nose."""
    rng = np.random.default_rng(seed + 1)
    centres = head.points[head.faces].mean(axis=1)
    r = head.eye_radius
    weight = np.zeros(len(centres))
    for eye in head.eyes:
        dx = (centres[:, 0] - eye[0]) * np.sign(eye[0]) / r  # + towards the temple
        # An arch from above the inner corner to past the outer one, highest two
        # thirds of the way out, thick at the head and thin at the tail.
        arch = eye[2] + r * (1.35 + 0.3 * np.exp(-((dx - 0.6) / 1.1) ** 2))
        half = r * np.clip(0.3 - 0.1 * dx, 0.08, 0.36)
        along = np.clip(1.0 - (dx - 1.9).clip(0) / 0.4, 0, 1) * (dx > -1.15)
        near = centres[:, 1] < eye[1] + 1.4 * r
        offset = (centres[:, 2] - arch) / half
        weight += np.exp(-offset ** 2) * (np.abs(offset) < 1.6) * along * near
    count = _count(int(1800 * thickness), density, 120)
    roots, normals, uv = _sample_faces(head, np.clip(weight, 0, 1), count, rng)
    # Brow hairs point up at the head of the brow and out along the rest of it.
    inner = np.abs(roots[:, 0]) < np.abs(head.eyes[:, 0]).max() - 0.3 * r
    rise = np.where(inner, 1.2, 0.3)
    outward = np.stack([np.sign(roots[:, 0]), np.zeros(count), rise], axis=1)
    direction = _tangent(normals, outward)
    length = rng.uniform(0.005, 0.008, count)[:, None, None]
    s = np.linspace(0, 1, 5)[None, :, None]
    # Brow hairs lie on the skin: they leave it at a shallow angle and curve back.
    lift = normals[:, None, :] * (0.0002 + 0.0008 * s * (1 - s))
    strands = roots[:, None, :] + direction[:, None, :] * length * s + lift
    return Strands("eyebrows", strands.astype(np.float32), 0.00009, 0.00003, uv)


def facial_hair(head: Head, kind: str, seed: int,
                density: float = 1.0) -> Strands | None:
    """Stubble, a moustache or a beard on the lower face."""
    if kind == "none":
        return None
    rng = np.random.default_rng(seed + 2)
    centres = head.points[head.faces].mean(axis=1)
    mouth = head.mouth
    eye_z = head.eyes[:, 2].mean()
    front = centres[:, 1] < head.neck[1] + 0.02
    lip = (np.abs(centres[:, 0] - mouth[0]) < 0.028) & (centres[:, 2] > mouth[2] + 0.004) & (
        centres[:, 2] < mouth[2] + 0.02) & (centres[:, 1] < mouth[1] + 0.01)
    jaw = front & (centres[:, 2] < eye_z - 0.045) & (centres[:, 2] > head.neck[2] + 0.03) & ~(
        (np.abs(centres[:, 0] - mouth[0]) < 0.024) & (np.abs(centres[:, 2] - mouth[2]) < 0.006))
    if kind == "moustache":
        mask, count, length, points = lip, _count(500, density, 60), (0.006, 0.011), 5
    elif kind == "stubble":
        mask, count, length, points = jaw | lip, _count(5000, density, 300), (
            0.0008, 0.0016), 2
    else:
        mask, count, length, points = jaw | lip, _count(3000, density, 200), (
            0.012, 0.022), 8
    roots, normals, uv = _sample_faces(head, mask.astype(float), count, rng)
    direction = _tangent(normals, np.array([0.0, -0.25, -1.0]))
    along = 0.55 * direction + 0.45 * normals
    along /= np.linalg.norm(along, axis=1, keepdims=True)
    size = rng.uniform(*length, count)[:, None, None]
    s = np.linspace(0, 1, points)[None, :, None]
    bend = direction[:, None, :] * size * s ** 2 * 0.5
    strands = roots[:, None, :] + along[:, None, :] * size * s + bend
    if kind == "beard":
        strands = _texture(strands, "wavy", rng)
        strands[:, 0] = roots
    radius = 0.00015 if kind == "stubble" else 0.0002
    return Strands(kind, strands.astype(np.float32), radius, 0.00006, uv)
