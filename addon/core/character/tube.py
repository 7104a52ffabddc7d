"""Small meshes laid on a character (no bpy): tubes swept along paths (glasses' frames,
a hood's rolled edge, drawstrings, a collar), the surface of a garment to lay them on,
and parts joined into one mesh."""

from __future__ import annotations

import numpy as np


def tube(path: np.ndarray, closed: bool, radius, sides: int = 6,
         squash: float = 1.0):
    """Vertices and quads of a tube along `path` (N, 3): `radius` a number or one per
    point; `squash` scales the section across its second axis (a flattened roll).
    Open tubes are capped."""
    count = len(path)
    radius = np.broadcast_to(np.asarray(radius, float), (count,))
    ahead = np.roll(path, -1, axis=0) - np.roll(path, 1, axis=0)
    if not closed:
        ahead[0], ahead[-1] = path[1] - path[0], path[-1] - path[-2]
    ahead /= np.maximum(np.linalg.norm(ahead, axis=1, keepdims=True), 1e-9)
    # A frame that does not twist: start from the axis least along the path, carry it.
    up = np.zeros((count, 3))
    seed = np.eye(3)[np.argmin(np.abs(ahead[0]))]
    for i in range(count):
        side = seed - ahead[i] * (seed @ ahead[i])
        up[i] = side / np.linalg.norm(side)
        seed = up[i]
    across = np.cross(ahead, up)
    angles = np.linspace(0.0, 2.0 * np.pi, sides, endpoint=False)
    ring = (np.cos(angles)[None, :, None] * up[:, None, :]
            + squash * np.sin(angles)[None, :, None] * across[:, None, :])
    points = (path[:, None, :] + radius[:, None, None] * ring).reshape(-1, 3)
    faces = []
    segments = count if closed else count - 1
    for i in range(segments):
        j = (i + 1) % count
        for k in range(sides):
            m = (k + 1) % sides
            faces.append((i * sides + k, i * sides + m, j * sides + m, j * sides + k))
    if not closed:  # a fan of quads over each end
        for end in (0, count - 1):
            ids = [end * sides + k for k in range(sides)]
            for k in range(1, sides - 1, 2):
                quad = (ids[0], ids[k], ids[k + 1], ids[min(k + 2, sides - 1)])
                faces.append(quad if end else quad[::-1])
    return points, np.asarray(faces, np.int32)


def tube_uvs(count: int, sides: int, closed: bool, faces: np.ndarray,
             box: tuple[float, float, float, float]) -> np.ndarray:
    """Per-corner UVs of a tube's faces inside `box` (u0, v0, u1, v1): along the path in
    u, round the section in v; caps at the box's corner."""
    u0, v0, u1, v1 = box
    index = np.asarray(faces)
    along = (index // sides) / max(count - (0 if closed else 1), 1)
    around = (index % sides) / sides
    uv = np.stack([u0 + (u1 - u0) * np.clip(along, 0, 1),
                   v0 + (v1 - v0) * around], axis=-1)
    return uv.astype(np.float32)


def surface_y(points: np.ndarray, x: float, z: float, back: bool,
              reach: float = 0.015) -> float:
    """A garment's (or the body's) surface at (x, z): its back (largest y) or its front
    (smallest y; the figure faces -Y). The window widens until it holds points."""
    near = (np.abs(points[:, 0] - x) < reach) & (np.abs(points[:, 2] - z) < reach)
    while not near.any() and reach < 0.1:
        reach *= 1.6
        near = (np.abs(points[:, 0] - x) < reach) & (np.abs(points[:, 2] - z) < reach)
    ys = points[near, 1]
    return float(ys.max() if back else ys.min())


def join(parts) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """One mesh from (points, quads, corner uvs) parts: positions, quads, corner uvs."""
    positions, faces, uvs, offset = [], [], [], 0
    for points, part_faces, part_uvs in parts:
        positions.append(points)
        faces.append(np.asarray(part_faces) + offset)
        uvs.append(part_uvs)
        offset += len(points)
    return (np.concatenate(positions).astype(np.float32),
            np.concatenate(faces).astype(np.int32),
            np.concatenate(uvs).astype(np.float32))
