"""What makes a top a hoodie (no bpy): the hood, down, and the kangaroo pocket.

The hood lies as it does when worn down: a rolled edge round the neck, thick at the back
and thinning as it comes round the sides to meet itself at the front of the neckline (so
it ends in the neckline, never in a lump on a shoulder when the arms come down), resting
on the top; the hood's body hanging flat down the upper back, rounded at its point; two
drawstrings hang from the roll where it comes to the front. The pocket is a patch on
the belly with slanted openings. Every part is laid on the top garment's own surface
(never into it) and follows the body vertex nearest to it (its weights and the rig
carry it). Coordinates are Blender's: metres, Z up, the figure facing -Y.
"""

from __future__ import annotations

import numpy as np

from .tube import join, surface_y, tube, tube_uvs

ROLL_AROUND = 45  # points round the rolled edge (odd: the middle one is at the back)
ROLL_REACH = 160.0  # degrees round from the back on each side: to the front's middle
STRING_RADIUS = 0.003


def _sheet(rows: int, columns: int, place) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A grid of quads whose vertex (i, j) is place(u in -1..1, v in 0..1)."""
    u = np.linspace(-1.0, 1.0, columns)
    v = np.linspace(0.0, 1.0, rows)
    points = np.array([place(uu, vv) for vv in v for uu in u], float)
    faces = [(r * columns + c, r * columns + c + 1, (r + 1) * columns + c + 1,
              (r + 1) * columns + c) for r in range(rows - 1) for c in range(columns - 1)]
    faces = np.asarray(faces, np.int32)
    grid_uv = np.array([((uu + 1) / 2, vv) for vv in v for uu in u], np.float32)
    return points, faces, grid_uv[faces]


def hood(joints: dict, top: np.ndarray, normals: np.ndarray | None = None):
    """The hood (rolled edge, hanging body, drawstrings): positions, quads, corner UVs
    (each part in its own region of the UV square). With the top's vertex `normals`, the
    roll is lifted off the top wherever the top slopes under it (the chest, in front)."""
    neck = joints["neck"]
    radius = float(joints["neck_radius"][0]) + 0.032
    parts = []
    # The rolled edge: round the neck (angle 0 is straight behind), thickest at the back
    # and thinning round the sides to the front, lying on the top where it is.
    angle = np.radians(np.linspace(-ROLL_REACH, ROLL_REACH, ROLL_AROUND))
    thick = 0.003 + 0.014 * np.cos(angle / 2.2) ** 3
    path = []
    for a, r in zip(angle, thick, strict=True):
        x = neck[0] + radius * np.sin(a)
        y = neck[1] + radius * np.cos(a)
        nearest = np.argmin(np.hypot(top[:, 0] - x, top[:, 1] - y) + 0.5 * np.abs(
            top[:, 2] - neck[2]))
        path.append((x, y, float(top[nearest, 2]) + 0.8 * r))
    path = np.asarray(path)
    # Smoothed along its length: the top's surface is not a rail.
    for _ in range(3):
        path[1:-1] = 0.5 * path[1:-1] + 0.25 * (path[:-2] + path[2:])
    if normals is not None:  # resting on the top, its flattened section clear of it
        nearest = ((path[:, None, :] - top[None]) ** 2).sum(axis=2).argmin(axis=1)
        clearance = ((path - top[nearest]) * normals[nearest]).sum(axis=1)
        path += normals[nearest] * np.maximum(0.0, thick + 0.002 - clearance)[:, None]
    points, faces = tube(path, False, thick, sides=10, squash=0.7)
    parts.append((points, faces, tube_uvs(len(path), 10, False, faces, (0, 0, 0.45, 1))))
    # The hood's body, hanging from under the roll's back down the upper back.
    # Its top edge starts inside the roll (which hides it) and no wider than it.
    back_z = float(path[ROLL_AROUND // 2, 2]) + 0.004

    def hanging(u: float, v: float):
        width = 0.85 * radius * (1.0 - 0.5 * v)
        depth = 0.19 * (1.0 - 0.4 * u * u)  # the hood's point is rounded
        x, z = neck[0] + u * width, back_z - v * depth
        # Full in the middle (a hood holds some air), its edges lying on the back.
        lift = 0.004 + 0.014 * (1.0 - u * u) * np.sin(np.pi * min(v * 1.3, 1.0))
        return x, surface_y(top, x, z, back=True, reach=0.02) + lift, z

    points, faces, uvs = _sheet(8, 9, hanging)
    parts.append((points, faces, uvs * np.array([0.5, 0.7], np.float32)
                  + np.array([0.5, 0.0], np.float32)))
    # Drawstrings from the roll where it comes to the front, hanging down the chest.
    roll, front = path, np.abs(angle) > np.radians(90.0)
    for sign in (-1.0, 1.0):
        side = np.flatnonzero(front & (np.sign(angle) == sign))
        start = roll[side[np.argmin(np.abs(roll[side, 0] - (neck[0] + sign * 0.035)))]]
        x = float(start[0])
        zs = np.linspace(start[2] - 0.006, start[2] - 0.13, 10)
        path = np.array([(x + sign * 0.004 * t,
                          surface_y(top, x, z, back=False, reach=0.02) - 0.005, z)
                         for t, z in enumerate(zs)])
        points, faces = tube(path, False, STRING_RADIUS, sides=5)
        box = (0.5, 0.75, 1.0, 0.87) if sign < 0 else (0.5, 0.88, 1.0, 1.0)
        parts.append((points, faces, tube_uvs(len(path), 5, False, faces, box)))
    return join(parts)


def pocket(joints: dict, top: np.ndarray):
    """The kangaroo pocket on the belly: positions, quads, corner UVs."""
    hip = joints["hip"]
    bottom = hip[2] + 0.06
    height = 0.15

    def patch(u: float, v: float):
        # Wider at the bottom; the sides slant in towards the top (the openings).
        width = 0.13 - 0.035 * v
        x, z = u * width, bottom + v * height
        return x, surface_y(top, x, z, back=False, reach=0.02) - 0.005, z

    return _sheet(6, 11, patch)

