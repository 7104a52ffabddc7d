"""Glasses for a character's face (no bpy): two rims in front of the eyes, a bridge over
the nose and temples back to the ears, made to the head they sit on.

Each part is a tube (a small rounded-square section swept along a path), so the frame
has thickness from every side without a Solidify. The rims stand in front of the brows
and cheeks by a clearance, are centred on the eyes and sized to the face's width; the
temples run along the side of the head at the eyes' height and bend down behind the
ears. Coordinates are Blender's: metres, Z up, the face looking along -Y.
"""

from __future__ import annotations

import numpy as np

from .garments import vertex_normals
from .tube import join
from .tube import tube as _tube

STYLES = ("round", "rectangular")
CLEARANCE = 0.009  # from the most forward point of brow and cheek behind a rim
FRAME = 0.0025  # the frame's half-thickness (a 5 mm acetate rim)
AROUND = 40  # points round a rim


def _rim(style: str, half_width: float, half_height: float) -> np.ndarray:
    """A closed rim outline in the face's plane: (AROUND, 2) as (x, z) offsets."""
    t = np.linspace(0.0, 2.0 * np.pi, AROUND, endpoint=False)
    if style == "round":
        return np.stack([np.cos(t) * half_width, np.sin(t) * half_width], axis=1)
    # A rounded rectangle: a superellipse, a little deeper at the outer top corner.
    power = 2.0 / 5.0
    x = np.sign(np.cos(t)) * np.abs(np.cos(t)) ** power * half_width
    z = np.sign(np.sin(t)) * np.abs(np.sin(t)) ** power * half_height
    return np.stack([x, z], axis=1)


def _out(side: np.ndarray, y: float, z: float, fallback: float) -> float:
    """How far out one side of the head is at (y, z): where a temple passes (the head's
    vertices are 5-8 mm apart: the window widens until it holds some)."""
    for reach in (0.006, 0.01, 0.016):
        near = (np.abs(side[:, 1] - y) < reach) & (np.abs(side[:, 2] - z) < reach)
        if near.any():
            return float(np.abs(side[near, 0]).max())
    return fallback


def ear_of(side: np.ndarray, eye_y: float, eye_z: float,
           spacing: float = 0.064) -> tuple[float, float, float]:
    """Where the ear is on one side of the head: (its top's height, its middle and its
    back along Y). The ear is what stands out more than 5 mm from the skull above it,
    looked for no further back than 1.8 eye spacings behind the eyes (further back, the
    bulge of the back of the head below a narrower crown looked like an ear, and the
    temples went into the head there)."""
    cells = []
    for y in np.arange(eye_y + 0.04, eye_y + min(1.8 * spacing, 0.15), 0.005):
        column = np.abs(side[:, 1] - y) < 0.003
        if not column.any():
            continue
        above = column & (np.abs(side[:, 2] - (eye_z + 0.045)) < 0.005)
        skull = float(np.abs(side[above, 0]).max()) if above.any() else None
        if skull is None:
            continue
        for z in np.arange(eye_z - 0.07, eye_z + 0.035, 0.003):
            near = column & (np.abs(side[:, 2] - z) < 0.002)
            if near.any() and np.abs(side[near, 0]).max() > skull + 0.005:
                cells.append((y, z))
    if not cells:  # no ear found: the eyes' height, two thirds back
        return eye_z, eye_y + 0.085, eye_y + 0.1
    cells = np.asarray(cells)
    return float(cells[:, 1].max()), float(cells[:, 0].mean()), float(cells[:, 0].max())


def clear_of(path: np.ndarray, skin: np.ndarray, normals: np.ndarray,
             gap: float) -> np.ndarray:
    """The path with every point at least `gap` outside the skin (along the nearest skin
    vertex's normal): between the points it was measured at, a temple's interpolated path
    could cut a corner of the head."""
    out = path.copy()
    for i, point in enumerate(path):
        nearest = int(np.linalg.norm(skin - point, axis=1).argmin())
        depth = float((point - skin[nearest]) @ normals[nearest])
        if depth < gap:
            out[i] = point + (gap - depth) * normals[nearest]
    return out


def glasses(points: np.ndarray, head_faces: np.ndarray, eyes: np.ndarray,
            eye_radius: float, style: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The frame for a head: positions (V, 3), quads (F, 4) and per-corner UVs (F, 4, 2)
    (the frame is one colour; the UVs run along each part)."""
    if style not in STYLES:
        raise ValueError(f"glasses: unknown style {style!r}")
    ids = np.unique(head_faces)
    skin = points[ids]
    normals = vertex_normals(points, head_faces)[ids]
    eye_z = float(eyes[:, 2].mean())
    spacing = float(abs(eyes[0, 0] - eyes[1, 0]))
    half_width = 0.5 * spacing - 0.006 if style == "rectangular" else 0.37 * spacing
    half_height = 0.62 * half_width if style == "rectangular" else half_width
    half_width, half_height = min(half_width, 0.03), min(half_height, 0.024)
    # The rims stand in front of whatever of the face lies behind them (brow, cheek),
    # leaving out the nose between them.
    behind = (np.abs(np.abs(skin[:, 0]) - spacing / 2) < half_width) & (
        np.abs(skin[:, 2] - eye_z) < half_height + FRAME)
    front_y = float(skin[behind, 1].min()) - CLEARANCE
    parts = []
    inner_tops, outer_sides = [], []
    for eye in eyes:
        outline = _rim(style, half_width, half_height)
        centre_x = float(np.sign(eye[0]) * spacing / 2)
        rim = np.stack([centre_x + outline[:, 0], np.full(AROUND, front_y),
                        eye_z + outline[:, 1] - 0.002], axis=1)
        parts.append(_tube(rim, True, FRAME))
        inward = np.argmin(np.abs(rim[:, 0]) - 0.5 * (rim[:, 2] - eye_z))
        outward = np.argmax(np.abs(rim[:, 0]) + 0.3 * (rim[:, 2] - eye_z))
        inner_tops.append(rim[inward])
        outer_sides.append(rim[outward])
    # The bridge: an arch over the nose between the rims' inner tops.
    a, b = inner_tops
    t = np.linspace(0.0, 1.0, 9)[:, None]
    nose = (np.abs(skin[:, 0]) < 0.01) & (np.abs(skin[:, 2] - (a[2] + 0.004)) < 0.008)
    bridge_y = min(front_y, float(skin[nose, 1].min()) - 0.003) if nose.any() else front_y
    bridge = a + (b - a) * t
    bridge[:, 1] = np.minimum(bridge[:, 1], bridge_y)
    bridge[:, 2] += 0.004 * np.sin(np.pi * t[:, 0])
    parts.append(_tube(bridge, False, FRAME * 0.8))
    # The temples: back along the side of the head just above the ear, then down
    # behind it, touching the skull.
    for side in outer_sides:
        sign = np.sign(side[0])
        mine = skin[np.sign(skin[:, 0]) == sign]
        top, ear_y, ear_back = ear_of(mine, float(eyes[:, 1].mean()), eye_z, spacing)
        level = top + 0.006  # resting on the ear root, clear of its rim
        hinge = (side[0], side[1] + 0.012, 0.5 * (side[2] + level))
        along = np.linspace(hinge[1], ear_y, 6)
        path = [side] + [(sign * (max(_out(mine, y, level, abs(side[0])),
                                      abs(side[0]) - 0.004) + 1.5 * FRAME),
                          y, hinge[2] + (level - hinge[2]) * (y - hinge[1]) /
                          max(ear_y - hinge[1], 1e-6)) for y in along]
        for y, z in ((ear_back + 0.004, top - 0.008), (ear_back + 0.006, top - 0.022),
                     (ear_back + 0.004, top - 0.034)):
            path.append((sign * (_out(mine, y, z, abs(side[0])) + 1.6 * FRAME), y, z))
        path = np.asarray(path, float)
        fine = np.linspace(0, len(path) - 1, 24)
        smooth = np.stack([np.interp(fine, np.arange(len(path)), path[:, k])
                           for k in range(3)], axis=1)
        parts.append(_tube(clear_of(smooth, skin, normals, FRAME * 0.7 + 0.001), False,
                           FRAME * 0.7))
    # One colour: every face maps to the whole UV square.
    corner = np.array([(0, 0), (1, 0), (1, 1), (0, 1)], np.float32)
    return join([(p, f, np.broadcast_to(corner, (len(f), 4, 2))) for p, f in parts])
