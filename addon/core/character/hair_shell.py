"""The hair's volume for a real-time avatar (no bpy): a shell over the scalp as thick as
the hair there, on which the skin's texture (with the scalp hair painted into it) is
drawn; the hair cards grow out of it.

Cards alone leave the crown to a few strips that stand up as shards, and the scalp
between them shows; the shell fills the volume the strands take (measured along each
scalp vertex's normal, from the strands' points near that line), thins to nothing at
the hairline so that it meets the skin without a step, and stays within a few
centimetres (an afro's volume). Long hair gets none: its cards lie on the scalp and fall
from it, and a shell under them read as a glossy helmet (tried, 2026-12-06).
"""

from __future__ import annotations

import numpy as np

REACH = 0.015  # metres round a vertex's normal line in which strand points count
THICKEST = 0.06  # an afro's volume
SHORT = 0.09  # hair whose strands reach less than this from their roots gets a shell


def wanted(strands: np.ndarray) -> bool:
    """Whether hair (n, points, 3) is short enough to be a shell with cards on it."""
    # How far each strand reaches from its root (a coil's length is not its reach).
    reach = np.linalg.norm(strands[:, -1] - strands[:, 0], axis=1)
    return bool(np.median(reach) < SHORT)


def _boundary_rings(faces: list[tuple[int, ...]], count: int, rings: int) -> np.ndarray:
    """Each vertex's distance in edges from the mesh's open edge, up to `rings`."""
    edges: dict[tuple[int, int], int] = {}
    neighbours: list[set[int]] = [set() for _ in range(count)]
    for face in faces:
        for a, b in zip(face, face[1:] + face[:1], strict=True):
            key = (min(a, b), max(a, b))
            edges[key] = edges.get(key, 0) + 1
            neighbours[a].add(b)
            neighbours[b].add(a)
    ring = np.full(count, rings, int)
    front = {v for key, n in edges.items() if n == 1 for v in key}
    for step in range(rings):
        for v in front:
            ring[v] = min(ring[v], step)
        front = {n for v in front for n in neighbours[v] if ring[n] > step + 1}
    return ring


def shell(positions: np.ndarray, normals: np.ndarray, faces: list[tuple[int, ...]],
          strands: np.ndarray) -> np.ndarray:
    """The shell's vertices: the scalp's `positions` (V, 3) moved out along `normals` by
    the hair's thickness over them, from `strands` (n, points, 3)."""
    points = strands.reshape(-1, 3)
    thickness = np.zeros(len(positions))
    for i, (p, n) in enumerate(zip(positions, normals, strict=True)):
        rel = points - p
        along = rel @ n
        aside = np.linalg.norm(rel - along[:, None] * n, axis=1)
        near = (aside < REACH) & (along > 0) & (along < THICKEST * 1.3)
        if near.sum() >= 3:
            thickness[i] = np.percentile(along[near], 80)
    # Smoothed over the scalp, thinned to nothing at the hairline, kept in bounds.
    edges = np.array([(a, b) for face in faces
                      for a, b in zip(face, face[1:] + face[:1], strict=True)])
    for _ in range(3):
        total, count = thickness.copy(), np.ones(len(thickness))
        np.add.at(total, edges[:, 0], thickness[edges[:, 1]])
        np.add.at(count, edges[:, 0], 1)
        thickness = total / count
    ring = _boundary_rings(faces, len(positions), 3)
    thickness *= np.array([0.0, 0.45, 0.85, 1.0])[ring]
    return positions + normals * np.minimum(thickness, THICKEST)[:, None] * 0.9
