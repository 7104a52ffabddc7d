"""Hats made to the head they sit on (no bpy): a knitted beanie with a turned-up cuff, a
baseball cap with its visor, a wide-brimmed sun hat and a fedora; and the hair under a
hat pressed flat inside it.

Every crown is a surface seen from the skull's centre: a radius per direction above the
hat's band, the line where the hat meets the head (low at the nape, over the ears, on
the forehead above the brows). A beanie and a cap follow the skull a hair's thickness
out; a sun hat and a fedora stand on the head with a crown of their own shape (a
rounded box, a fedora's creased top) wide enough for the head. Brims and visors leave
the band outwards. The same radial crown tells the hair where it must stay: strands
under the hat are pressed inside it, strands below the band are held close to the head
as they leave it, and strands the hat hides altogether are dropped (nothing renders
them). Coordinates are Blender's: metres, Z up, the face looking along -Y.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .glasses import ear_of
from .hair import Head, Skull

STYLES = ("beanie", "cap", "sun_hat", "fedora")
FABRIC = {"beanie": "rib_knit", "cap": "cotton", "sun_hat": "straw", "fedora": "felt"}
THICKNESS = {"beanie": 0.004, "cap": 0.0025, "sun_hat": 0.003, "fedora": 0.003}
# How much room hair takes under a hat, by haircut (metres over the scalp).
HAIR_ROOM = {"none": 0.002, "buzz": 0.003, "short": 0.007, "bob": 0.009, "shoulder": 0.009,
             "long": 0.01, "ponytail": 0.008, "braid": 0.008, "bun": 0.009}
AFRO_ROOM = 0.016
AROUND = 72  # columns round the crown
ROWS = 24  # rows from the crown's top to the band


@dataclass
class Crown:
    """A hat's crown as seen from the skull's centre: for each of AROUND azimuths (from
    +X towards +Y), ROWS + 1 polar angles from the top (row 0) to the band, and the
    crown's outer radius there."""

    centre: np.ndarray  # (3,)
    polar: np.ndarray  # (ROWS + 1, AROUND) radians from +Z
    radius: np.ndarray  # (ROWS + 1, AROUND) metres
    band: np.ndarray  # (AROUND,) the band's height (Z) per azimuth
    thickness: float

    def as_dict(self) -> dict:
        """Plain lists, for JSON (the hat object carries its crown to the avatar
        export, whose hair cards it presses too)."""
        return {"centre": self.centre.tolist(), "polar": self.polar.tolist(),
                "radius": self.radius.tolist(), "band": self.band.tolist(),
                "thickness": self.thickness}

    @classmethod
    def from_dict(cls, data: dict) -> Crown:
        """A crown from as_dict's lists."""
        return cls(np.asarray(data["centre"], float), np.asarray(data["polar"], float),
                   np.asarray(data["radius"], float), np.asarray(data["band"], float),
                   float(data["thickness"]))

    def column(self, q: np.ndarray) -> np.ndarray:
        """The azimuth column nearest each point."""
        rel = q - self.centre
        azimuth = np.arctan2(rel[..., 1], rel[..., 0]) % (2 * np.pi)
        return np.rint(azimuth / (2 * np.pi) * AROUND).astype(int) % AROUND

    def limit(self, q: np.ndarray) -> np.ndarray:
        """The crown's radius in the direction of each point (the band's radius for
        directions below it)."""
        rel = q - self.centre
        distance = np.maximum(np.linalg.norm(rel, axis=-1), 1e-9)
        polar = np.arccos(np.clip(rel[..., 2] / distance, -1, 1))
        col = self.column(q)
        out = np.empty(distance.shape)
        for j in np.unique(col):
            here = col == j
            out[here] = np.interp(polar[here], self.polar[:, j], self.radius[:, j])
        return out

    def band_radius(self, q: np.ndarray) -> np.ndarray:
        """The band's horizontal distance from the crown's axis at each point's
        azimuth."""
        col = self.column(q)
        edge = self.centre + self.radius[-1, col, None] * _direction(self.polar[-1, col],
                                                                     col)
        return np.linalg.norm(edge[..., :2] - self.centre[:2], axis=-1)


@dataclass
class Hat:
    """A hat's mesh and the crown that presses the hair."""

    style: str
    positions: np.ndarray  # (V, 3)
    faces: np.ndarray  # (F, 4); a triangle repeats its last vertex
    corner_uvs: np.ndarray  # (F, 4, 2)
    crown: Crown


def _direction(polar: np.ndarray, col) -> np.ndarray:
    azimuth = np.asarray(col) * 2 * np.pi / AROUND
    return np.stack(np.broadcast_arrays(np.sin(polar) * np.cos(azimuth),
                                        np.sin(polar) * np.sin(azimuth), np.cos(polar)),
                    axis=-1)


def _band(head: Head, style: str) -> np.ndarray:
    """The band's height per azimuth: on the forehead clear of the brows, over the ear
    tops, lower at the nape for a beanie."""
    eye_z = float(head.eyes[:, 2].mean())
    skin = head.points[np.unique(head.faces)]
    ears = [ear_of(skin[np.sign(skin[:, 0]) == s], float(head.eyes[:, 1].mean()), eye_z)[0]
            for s in (1.0, -1.0)]
    ear_top = max(ears)
    front, side, back = {
        "beanie": (eye_z + 0.048, ear_top + 0.008, eye_z - 0.028),
        "cap": (eye_z + 0.05, ear_top + 0.014, eye_z - 0.004),
        "sun_hat": (eye_z + 0.05, ear_top + 0.02, eye_z + 0.014),
        "fedora": (eye_z + 0.052, ear_top + 0.022, eye_z + 0.016)}[style]
    azimuth = np.arange(AROUND) * 2 * np.pi / AROUND
    ahead = -np.sin(azimuth)  # 1 facing forward (-Y), -1 at the back
    # Level across the forehead (clear of the brows' outer ends), down to the ears,
    # then on to the nape.
    return np.where(ahead >= 0, side + (front - side) * np.abs(ahead) ** 0.6,
                    side + (back - side) * np.abs(ahead))


class _HeadMap:
    """How far the head's skin reaches from a centre in every direction: the farthest of
    points spread densely over its faces (25 a quad), per 2-degree cell of the sphere.
    (The hair's skull map is too coarse for a hat: the base mesh's crown has vertices 3
    cm apart, so its polar cells hold few or none, and a hat shows every dent.)"""

    ROWS, COLUMNS = 90, 180
    CAP = 16.0  # degrees round the pole

    def __init__(self, head: Head, centre: np.ndarray) -> None:
        self.centre = centre
        quads = head.faces[head.points[head.faces].mean(axis=1)[:, 2] > centre[2] - 0.07]
        corners = head.points[quads]  # (F, 4, 3)
        s = np.linspace(0.0, 1.0, 5)
        u, v = (g.ravel()[None, :, None] for g in np.meshgrid(s, s))
        dense = ((1 - u) * (1 - v) * corners[:, None, 0] + u * (1 - v) * corners[:, None, 1]
                 + u * v * corners[:, None, 2] + (1 - u) * v * corners[:, None, 3])
        rel = dense.reshape(-1, 3) - centre
        # Round the pole the cells are slivers too thin for the samples: there each
        # direction takes the farthest sample within a small cone instead.
        distance = np.linalg.norm(rel, axis=1)
        self.cap = rel[rel[:, 2] > np.cos(np.radians(self.CAP + 6.0)) * distance]
        rows, cols = self._cells(rel)
        grid = np.zeros((self.ROWS, self.COLUMNS))
        np.maximum.at(grid, (rows, cols), np.linalg.norm(rel, axis=1))
        # Empty cells (under the chin, the neck's hole) take their column's nearest.
        for col in range(self.COLUMNS):
            filled = np.flatnonzero(grid[:, col] > 0)
            if len(filled):
                grid[:, col] = np.interp(np.arange(self.ROWS), filled, grid[filled, col])
        self.grid = grid

    def _cells(self, rel: np.ndarray):
        distance = np.maximum(np.linalg.norm(rel, axis=-1), 1e-9)
        polar = np.arccos(np.clip(rel[..., 2] / distance, -1, 1))
        azimuth = np.arctan2(rel[..., 1], rel[..., 0]) % (2 * np.pi)
        rows = np.minimum((polar / np.pi * self.ROWS).astype(int), self.ROWS - 1)
        cols = np.minimum((azimuth / (2 * np.pi) * self.COLUMNS).astype(int),
                          self.COLUMNS - 1)
        return rows, cols

    def radius(self, directions: np.ndarray) -> np.ndarray:
        """The skin's reach along each direction (..., 3) (the most of its cell and the
        cells round it: a point between samples is not inside the head)."""
        rows, cols = self._cells(directions)
        best = self.grid[rows, cols]
        for dr, dc in ((-1, 0), (1, 0), (0, -1), (0, 1)):
            best = np.maximum(best, self.grid[np.clip(rows + dr, 0, self.ROWS - 1),
                                              (cols + dc) % self.COLUMNS])
        unit = directions / np.maximum(np.linalg.norm(directions, axis=-1,
                                                      keepdims=True), 1e-9)
        polar = unit[..., 2] > np.cos(np.radians(self.CAP))
        if polar.any() and len(self.cap):
            along = unit[polar] @ self.cap.T
            cosine = along / np.linalg.norm(self.cap, axis=1)[None, :]
            near = np.where(cosine > np.cos(np.radians(5.0)), along, 0.0).max(axis=1)
            best[polar] = np.where(near > 0, near, best[polar])
        return best


def _polar_of_band(centre, band, radius_at) -> np.ndarray:
    """Per azimuth, the polar angle where a surface of radius `radius_at(polar, col)`
    comes down to the band's height."""
    polar = np.linspace(0.05, 2.6, 400)
    out = np.empty(AROUND)
    for j in range(AROUND):
        z = centre[2] + radius_at(polar, j) * np.cos(polar)
        below = np.flatnonzero(z <= band[j])
        out[j] = polar[below[0]] if len(below) else polar[-1]
    return out


def _smooth_columns(values: np.ndarray, passes: int) -> np.ndarray:
    for _ in range(passes):
        values = 0.5 * values + 0.25 * (np.roll(values, 1, axis=1) + np.roll(values, -1,
                                                                            axis=1))
    return values


def _fitted_crown(head: Head, skull: Skull, style: str, room: float,
                  band: np.ndarray) -> Crown:
    """A crown that follows the skull `room` out (a beanie, a cap)."""
    reach = _HeadMap(head, skull.centre)

    def radius_at(polar, j):
        return reach.radius(_direction(polar, j)) + room

    edge = _smooth_columns(_polar_of_band(skull.centre, band, radius_at)[None], 4)[0]
    t = np.linspace(0.0, 1.0, ROWS + 1)[:, None]
    polar = t * edge[None, :]
    cols = np.broadcast_to(np.arange(AROUND), polar.shape)
    radius = reach.radius(_direction(polar, cols)) + room
    # Smoothed (knit and cloth bridge the skin's small hollows), never pressed in.
    smooth = radius.copy()
    for _ in range(4):
        smooth = _smooth_columns(smooth, 1)
        smooth[1:-1] = 0.5 * smooth[1:-1] + 0.25 * (smooth[:-2] + smooth[2:])
        smooth = np.maximum(smooth, radius - 0.3 * room)
    radius = smooth
    if style == "beanie":
        # Knit stands a little off the crown, and the turned-up cuff is a double layer.
        radius += 0.006 * (1 - t) ** 2
        height = skull.centre[2] + radius * np.cos(polar) - band[None, :]
        radius += 0.007 / (1 + np.exp(-(0.042 - height) / 0.001))
    else:  # a cap's front panels stand up a little in front of the forehead
        ahead = np.clip(-np.sin(np.arange(AROUND) * 2 * np.pi / AROUND), 0, 1)
        radius += 0.006 * ahead[None, :] ** 2 * np.sin(np.pi * t) ** 2
    # One point at the top, level with the ring round it (the map's polar cells are
    # small and noisy: the top would stand up in a point).
    radius[0] = radius[1].mean()
    radius[1] = 0.5 * (radius[1] + radius[0])
    return Crown(skull.centre, polar, radius, band, THICKNESS[style])


def _standing_crown(head: Head, skull: Skull, style: str, room: float,
                    band: np.ndarray) -> Crown:
    """A crown of its own shape standing on the band (a sun hat, a fedora): a rounded
    box as wide as the head above the band, a fedora's taller and creased on top."""
    skin = head.points[np.unique(head.faces)]
    centre = skull.centre
    rel = skin - centre
    azimuth = np.arctan2(rel[:, 1], rel[:, 0]) % (2 * np.pi)
    col = np.rint(azimuth / (2 * np.pi) * AROUND).astype(int) % AROUND
    horizontal = np.linalg.norm(rel[:, :2], axis=1)
    width = np.zeros(AROUND)
    above = skin[:, 2] > band[col] - 0.01
    np.maximum.at(width, col[above], horizontal[above])
    width = np.maximum(width, np.roll(width, 1))
    width = np.maximum(width, np.roll(width, -1))
    width = _smooth_columns(width[None], 3)[0] + room + 0.006
    top = float(skin[:, 2].max()) + room + {"sun_hat": 0.022, "fedora": 0.04}[style]
    floor = float(band.min()) - 0.01
    taper = {"sun_hat": 0.04, "fedora": 0.1}[style]

    def inside(q: np.ndarray, j) -> np.ndarray:
        rel_q = q - centre
        rise = np.clip((q[..., 2] - floor) / (top - floor), 0, None)
        reach = np.linalg.norm(rel_q[..., :2], axis=-1) / (width[j] * (1 - taper * rise))
        lid = top
        if style == "fedora":  # the crease along the top, and a pinch each side in front
            lid = top - 0.02 * np.exp(-(rel_q[..., 0] / 0.022) ** 2) - 0.012 * np.exp(
                -((np.abs(rel_q[..., 0]) - 0.04) / 0.015) ** 2 - ((rel_q[..., 1] + 0.06)
                                                                    / 0.03) ** 2)
        up = np.clip((q[..., 2] - floor) / (lid - floor), 0, None)
        return reach ** 4 + up ** 6 < 1.0

    def radius_at(polar, j):
        d = _direction(polar, j)
        lo, hi = np.zeros(np.shape(polar)), np.full(np.shape(polar), 0.3)
        for _ in range(30):
            mid = 0.5 * (lo + hi)
            ok = inside(centre + d * mid[..., None], j)
            lo, hi = np.where(ok, mid, lo), np.where(ok, hi, mid)
        return lo

    edge = _polar_of_band(centre, band, radius_at)
    # Denser rows near the band, where the crown's side turns into its top.
    t = 1 - (1 - np.linspace(0.0, 1.0, ROWS + 1)) ** 1.6
    polar = t[:, None] * edge[None, :]
    radius = np.stack([radius_at(polar[:, j], j) for j in range(AROUND)], axis=1)
    radius[0] = radius[0].mean()
    # Never inside the head with its hair.
    reach = _HeadMap(head, centre).radius(_direction(polar, np.arange(AROUND)[None, :]))
    radius = np.maximum(radius, reach + room + 0.004)
    return Crown(centre, polar, radius, band, THICKNESS[style])


def _grid_faces(rows: int, cols: int, start: int, closed: bool) -> list[tuple]:
    faces = []
    span = cols if closed else cols - 1
    for i in range(rows - 1):
        for j in range(span):
            k = (j + 1) % cols
            a, b = start + i * cols + j, start + i * cols + k
            faces.append((a, b, b + cols, a + cols))
    return faces


def _crown_mesh(crown: Crown):
    """The crown's vertices (a point at the top, then rows of AROUND) and faces."""
    cols = np.arange(AROUND)
    points = crown.centre + crown.radius[..., None] * _direction(crown.polar,
                                                                 cols[None, :])
    positions = np.concatenate([points[0, :1], points[1:].reshape(-1, 3)])
    faces = [(0, 1 + (j + 1) % AROUND, 1 + j, 1 + j) for j in range(AROUND)]
    faces += _grid_faces(ROWS, AROUND, 1, True)
    uvs = np.concatenate([[[0.5, 1.0]], np.stack(
        [np.broadcast_to(cols / AROUND, (ROWS, AROUND)),
         np.broadcast_to(1 - np.arange(1, ROWS + 1)[:, None] / ROWS * 0.7,
                         (ROWS, AROUND))], axis=-1).reshape(-1, 2)])
    return positions, faces, uvs


def _brim(crown: Crown, style: str, start: int):
    """A brim all round from the band: flat and drooping for a sun hat, a fedora's
    snapped down in front and turned up at the sides."""
    cols = np.arange(AROUND)
    edge = crown.centre + crown.radius[-1, :, None] * _direction(crown.polar[-1], cols)
    outward = edge[:, :2] - crown.centre[:2]
    outward /= np.linalg.norm(outward, axis=1, keepdims=True)
    width = {"sun_hat": 0.085, "fedora": 0.052}[style]
    steps = 8
    ahead = -np.sin(cols * 2 * np.pi / AROUND)
    level = edge[:, 2].copy()
    # The brim leaves the band level all round (the band itself is tilted with the
    # head): its height eases from the band's to a plane through the band's mean.
    plane = float(level.mean()) + 0.25 * (level - level.mean())
    rows = []
    for m in range(1, steps + 1):
        s = m / steps
        ring = np.empty((AROUND, 3))
        ring[:, :2] = edge[:, :2] + outward * width * s
        ring[:, 2] = level + (plane - level) * min(1.0, 2 * s)
        if style == "sun_hat":
            ring[:, 2] -= 0.022 * s ** 2
        else:
            ring[:, 2] += width * s ** 2 * (0.3 * (1 - ahead ** 2) - 0.25 * np.clip(ahead,
                                                                                    0, 1))
        rows.append(ring)
    positions = np.concatenate(rows)
    edge_ids = start - AROUND + cols  # the crown's last row
    faces = [(edge_ids[j], edge_ids[(j + 1) % AROUND], start + (j + 1) % AROUND, start + j)
             for j in range(AROUND)]
    faces += _grid_faces(steps, AROUND, start, True)
    uvs = np.stack([np.tile(cols / AROUND, steps),
                    np.repeat(0.3 * (1 - np.arange(1, steps + 1) / steps), AROUND)], axis=1)
    return positions, faces, uvs


def _visor(crown: Crown, start: int):
    """A cap's visor: a D-shaped plate from the front of the band, curved down at its
    sides and tilted a little down."""
    cols = np.arange(AROUND)
    ahead = -np.sin(cols * 2 * np.pi / AROUND)
    front = cols[ahead > 0.42]
    # In order round the front, from the right side (-X... +X) so the strip is joined.
    edge = crown.centre + crown.radius[-1, front, None] * _direction(crown.polar[-1, front],
                                                                     front)
    order = np.argsort(edge[:, 0])
    front, edge = front[order], edge[order]
    half = float(np.abs(edge[:, 0]).max())
    depth = 0.072 * np.sqrt(np.clip(1 - (edge[:, 0] / (half * 1.04)) ** 2, 0.02, 1))
    steps = 8
    rows = []
    for m in range(1, steps + 1):
        s = m / steps
        ring = edge.copy()
        ring[:, 1] -= depth * s
        ring[:, 2] -= 0.2 * depth * s + 0.01 * (edge[:, 0] / half) ** 2 * s ** 1.5
        rows.append(ring)
    positions = np.concatenate(rows)
    n = len(front)
    edge_ids = start - AROUND + front  # the crown's last row
    faces = [(edge_ids[j], edge_ids[j + 1], start + j + 1, start + j) for j in range(n - 1)]
    faces += _grid_faces(steps, n, start, False)
    uvs = np.stack([np.tile(np.linspace(0.25, 0.75, n), steps),
                    np.repeat(0.3 * (1 - np.arange(1, steps + 1) / steps), n)], axis=1)
    return positions, faces, uvs


def _outward(positions: np.ndarray, faces: np.ndarray, centre: np.ndarray,
             upward: np.ndarray) -> np.ndarray:
    """Faces wound so that their normals leave the head (crown) or face up (brims),
    so the Solidify that gives the hat its thickness goes in and down."""
    a, b, c = (positions[faces[:, k]] for k in range(3))
    normal = np.cross(b - a, c - a)
    away = np.where(upward, np.array([0.0, 0.0, 1.0]), (a + b + c) / 3 - centre)
    flip = (normal * away).sum(axis=1) < 0
    triangle = faces[:, 3] == faces[:, 2]
    out = faces.copy()
    out[flip & ~triangle] = faces[flip & ~triangle][:, ::-1]
    # A triangle (a, b, c, c) reversed is (c, b, a, a): the repeat stays last.
    out[flip & triangle] = faces[flip & triangle][:, [2, 1, 0, 0]]
    return out


def hat(head: Head, style: str, haircut: str = "short", afro: bool = False,
        skull: Skull | None = None) -> Hat:
    """The hat for a head wearing `haircut` (the room its hair takes under the hat);
    `skull`, the head's Skull when the caller has made it already."""
    if style not in STYLES:
        raise ValueError(f"hat: unknown style {style!r}")
    skull = skull or Skull(head)
    room = AFRO_ROOM if afro else HAIR_ROOM.get(haircut, 0.008)
    band = _band(head, style)
    make = _fitted_crown if style in ("beanie", "cap") else _standing_crown
    crown = make(head, skull, style, room, band)
    positions, faces, uvs = _crown_mesh(crown)
    upward = [False] * len(faces)
    if style == "cap":
        extra = _visor(crown, len(positions))
    elif style in ("sun_hat", "fedora"):
        extra = _brim(crown, style, len(positions))
    else:
        extra = None
    if extra is not None:
        positions = np.concatenate([positions, extra[0]])
        faces = faces + extra[1]
        upward += [True] * len(extra[1])
        uvs = np.concatenate([uvs, extra[2]])
    faces = _outward(positions, np.asarray(faces, np.int32), crown.centre,
                     np.asarray(upward)[:, None])
    return Hat(style, positions.astype(np.float32), faces,
               uvs[faces].astype(np.float32), crown)


def _press(q: np.ndarray, which: np.ndarray, crown: Crown) -> None:
    """Points (`which` of them) moved in towards the crown's centre to just inside its
    inner face, where they lie beyond it."""
    rel = q - crown.centre
    distance = np.maximum(np.linalg.norm(rel, axis=1), 1e-9)
    room = crown.limit(q) - crown.thickness - 0.0015
    pressed = which & (distance > room)
    q[pressed] = crown.centre + rel[pressed] / distance[pressed, None] * room[pressed, None]


def press_points(q: np.ndarray, crown: Crown, skull: Skull | None = None) -> np.ndarray:
    """Points (m, 3) of hair (strands, or a hair card's corners) under a hat: above the
    band pressed inside the crown, just below it held close to the head; with a skull,
    those below the band are kept out of the skin too. Returns the moved points and
    which of them are under the hat."""
    q = np.asarray(q, np.float64).copy()
    band = crown.band[crown.column(q)]
    under = q[:, 2] > band
    _press(q, under, crown)
    # Below the band the hair leaves the hat close to the head, free further down.
    drop = band - q[:, 2]
    near = ~under & (drop < 0.12)
    reach = crown.band_radius(q) + 0.35 * drop + 25.0 * np.maximum(drop - 0.03, 0) ** 2
    horizontal = np.linalg.norm(q[:, :2] - crown.centre[:2], axis=1)
    held = near & (horizontal > reach)
    scale = reach[held] / horizontal[held]
    q[held, :2] = crown.centre[:2] + (q[held, :2] - crown.centre[:2]) * scale[:, None]
    if skull is not None:
        # Hair below the band is kept out of the skin; under the hat the crown's own
        # fit (finer than the skull map, which would push strands through it) rules.
        q[~under] = skull.outside(q[~under], 0.0008)
    # A point pushed up over the band is under the hat after all.
    risen = ~under & (q[:, 2] > crown.band[crown.column(q)])
    _press(q, risen, crown)
    return q, under


def press_hair(positions: np.ndarray, crown: Crown,
               skull: Skull) -> tuple[np.ndarray, np.ndarray]:
    """Strands (n, points, 3) under a hat (see press_points); the roots stay where they
    grew and strands the hat hides whole are dropped. Returns the strands kept and
    which of the given strands they are (a mask)."""
    shape = positions.shape
    q, under = press_points(positions.reshape(-1, 3), crown, skull)
    out = q.reshape(shape)
    out[:, 0] = positions[:, 0]
    hidden = under.reshape(shape[:2]).all(axis=1)
    return out[~hidden].astype(positions.dtype), ~hidden
