"""The background's objects and their points: the tag every object a background build
makes carries (its role), a mesh's vertices as an array (the terrain's heights, an
instancing point cloud's points), and taking points out of a point cloud."""

from __future__ import annotations

import bmesh
import bpy
import numpy as np

TAG = "metastudio_background"


def terrain_points(terrain: bpy.types.Object) -> np.ndarray:
    """The terrain mesh's vertices (n x 3, metres); any mesh object's alike (the
    instancing point clouds')."""
    co = np.empty(len(terrain.data.vertices) * 3, np.float32)
    terrain.data.vertices.foreach_get("co", co)
    return co.reshape(-1, 3)


def delete_points(data, doomed: np.ndarray) -> None:
    """Take the points marked `doomed` out of an instancing point cloud."""
    if not doomed.any():
        return
    bm = bmesh.new()
    bm.from_mesh(data)
    bm.verts.ensure_lookup_table()
    bmesh.ops.delete(bm, geom=[bm.verts[i] for i in np.flatnonzero(doomed)],
                     context="VERTS")
    bm.to_mesh(data)
    bm.free()
