"""What makes an open top a jacket (no bpy): lapels folded back along its V opening and
a collar round the back of the neck.

The jacket itself is cut like the other tops, with its front opened (garments.
_opening); its opening's edges are found on the mesh (its boundary at the front between
the waist and the neck). Each lapel is a flap lying on the jacket beside its edge, widest
at the top (7 cm) and running out to nothing at the waist, where a jacket's lapels
break; the collar is a flat band round the back of the neck joining the lapels' tops.
Coordinates are Blender's: metres, Z up, the figure facing -Y.
"""

from __future__ import annotations

import numpy as np

from .tube import join, surface_y, tube, tube_uvs

LAPEL_WIDTH = 0.07
ROWS = 12


def _boundary_points(positions: np.ndarray, faces: np.ndarray) -> np.ndarray:
    """The jacket's open edges' vertices."""
    edges = []
    for face in faces:
        corners = list(dict.fromkeys(int(v) for v in face))
        edges += [(min(a, b), max(a, b))
                  for a, b in zip(corners, corners[1:] + corners[:1], strict=True)]
    keys, counts = np.unique(np.array(edges), axis=0, return_counts=True)
    return positions[np.unique(keys[counts == 1])]


def lapels_and_collar(joints: dict, jacket: np.ndarray, faces: np.ndarray):
    """Positions, quads and corner UVs of both lapels and the collar."""
    neck, waist = joints["neck"], joints["waist"]
    edge = _boundary_points(jacket, faces)
    opening = edge[(edge[:, 1] < neck[1] - 0.02) & (edge[:, 2] > waist[2] - 0.01)
                   & (edge[:, 2] < neck[2]) & (np.abs(edge[:, 0] - neck[0]) < 0.12)]
    parts, tops = [], []
    for sign in (-1.0, 1.0):
        side = opening[np.sign(opening[:, 0] - neck[0]) == sign]
        if len(side) < 4:
            continue
        low, high = float(side[:, 2].min()), float(side[:, 2].max())
        zs = np.linspace(low, high, ROWS)
        order = np.argsort(side[:, 2])
        xs = np.interp(zs, side[order, 2], side[order, 0])
        rows = []
        for x, z in zip(xs, zs, strict=True):
            rise = (z - low) / max(high - low, 1e-6)
            width = LAPEL_WIDTH * rise ** 0.9
            row = []
            for t in (0.0, 0.5, 1.0):
                px, pz = x + sign * width * t, z - 0.2 * width * t
                lift = 0.004 + 0.002 * (1.0 - t)  # the fold stands a little off
                row.append((px, surface_y(jacket, px, pz, back=False) - lift, pz))
            rows.append(row)
        points = np.asarray(rows, float).reshape(-1, 3)
        quads = [(r * 3 + c, r * 3 + c + 1, (r + 1) * 3 + c + 1, (r + 1) * 3 + c)
                 for r in range(ROWS - 1) for c in range(2)]
        if sign > 0:  # both lapels face the same way out
            quads = [q[::-1] for q in quads]
        quads = np.asarray(quads, np.int32)
        grid = np.array([(c / 2, r / (ROWS - 1)) for r in range(ROWS) for c in range(3)],
                        np.float32)
        offset = 0.0 if sign < 0 else 0.25
        parts.append((points, quads, grid[quads] * np.array([0.25, 1.0], np.float32)
                      + np.array([offset, 0.0], np.float32)))
        tops.append(rows[-1][1])
    # The collar: a flat band round the back of the neck from one lapel's top to the
    # other's.
    radius = float(joints["neck_radius"][0]) + 0.03
    angle = np.radians(np.linspace(-85.0, 85.0, 21))
    path = []
    for a in angle:
        x, y = neck[0] + radius * np.sin(a), neck[1] + radius * np.cos(a)
        nearest = np.argmin(np.hypot(jacket[:, 0] - x, jacket[:, 1] - y)
                            + 0.5 * np.abs(jacket[:, 2] - neck[2]))
        path.append((x, y, float(jacket[nearest, 2]) + 0.012))
    path = np.asarray(path)
    for _ in range(3):
        path[1:-1] = 0.5 * path[1:-1] + 0.25 * (path[:-2] + path[2:])
    # Tapering to the front, where it turns into the lapels' tops.
    band = 0.017 * (0.35 + 0.65 * np.cos(angle / 1.4) ** 2)
    points, quads = tube(path, False, band, sides=8, squash=0.3)
    parts.append((points, quads, tube_uvs(len(path), 8, False, quads, (0.5, 0, 1, 1))))
    return join(parts)
