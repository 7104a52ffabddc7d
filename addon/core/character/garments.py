"""Garments as their own meshes, cut from the shaped body and worn over it: no bpy.

A garment is the part of the body surface it covers, bounded by hem planes (a waist, a
neckline, a cuff square to the forearm) instead of by which bone moves a face (that gave
sawtooth hems), with the vertices of the last ring moved onto the plane so that every
hem is a clean line. The copy is smoothed (a shirt does not show the nipples, a shoe
not the toes), pushed out by the garment's ease, and loosened where clothes hang (trouser
legs fall straight from the knee). The skirt is MakeHuman's skirt helper, which flares.
The body faces a garment covers, a margin inside its hems, are dropped from the body:
nothing can poke through, in any pose, where there is no skin. Each garment vertex
follows one body vertex (`source`): its bone weights and face shapes are that vertex's.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

# How far (metres) each garment stands off the skin, and how many smoothing passes it
# gets: a tight T-shirt still bridges the navel and the nipples.
EASE = {"short_sleeves": 0.008, "long_sleeves": 0.011, "hoodie": 0.016, "jacket": 0.02,
        "coat": 0.022,
        "dress": 0.007,
        "trousers": 0.007,
        "shorts": 0.008, "skirt": 0.004, "shoes": 0.006}
SMOOTHING = {"top": 24, "bottom": 24}
# The fabric each kind reads as (the shader's kind: see bl/character/garments.py).
FABRIC = {"short_sleeves": "cotton", "long_sleeves": "wool", "hoodie": "wool",
          "jacket": "wool", "coat": "wool", "shirt": "cotton",
          "dress": "silk",
          "trousers": "denim", "shorts": "cotton", "skirt": "cotton", "shoes": "leather"}
# Skin kept under a hem (metres) so that no gap opens between the garment and the body.
HIDE_MARGIN = 0.03
OPEN_FRONT = ("jacket", "coat")  # tops open at the front, with lapels over a shirt
_ARM = ("upperarm", "lowerarm", "wrist", "finger", "metacarpal")
_LEG = ("upperleg", "lowerleg", "foot", "toe")
REST, ARM_L, ARM_R, LEG = 0, 1, 2, 3


@dataclass
class Garment:
    """One garment mesh; indices in `faces` are the garment's own vertices."""

    name: str  # top, bottom, shoes
    kind: str  # short_sleeves, trousers, skirt, shoes...
    fabric: str
    source: np.ndarray  # (n,) base-mesh vertex each garment vertex follows
    positions: np.ndarray  # (n, 3) float32 metres, Z up, feet on the floor
    faces: np.ndarray  # (F, 4) int32; a triangle repeats its last vertex
    corner_uvs: np.ndarray  # (F, 4, 2) float32
    thickness: float
    weights: dict[str, tuple[np.ndarray, np.ndarray]] = field(default_factory=dict)
    shapes: dict[str, np.ndarray] = field(default_factory=dict)
    crown: object = None  # hat.Crown: a hat's crown, which presses hair under it


@dataclass
class Body:
    """What garments are cut from: the shaped base mesh in metres (Z up, on the floor)
    and where its joints are."""

    points: np.ndarray  # (V, 3) every base vertex
    faces: np.ndarray  # (F, 4) base faces
    face_uvs: np.ndarray  # (F, 4) uv index per corner
    uvs: np.ndarray  # (T, 2)
    body_faces: np.ndarray  # indices of the faces of the "body" group
    part: np.ndarray  # (V,) REST, ARM_L, ARM_R or LEG, by the bone that moves it most
    joints: dict[str, np.ndarray]  # default-rig joint heads: shoulder.L, elbow.L ...
    arm_share: np.ndarray | None = None  # (V,) the most an arm bone moves each vertex


@dataclass
class _Cover:
    """Where a garment ends: a signed distance (metres) per body vertex to the hem planes
    of its part, negative inside the garment. The same function says what is covered,
    what to hide (inside by a margin) and where a hem crosses each edge."""

    top: str
    bottom: str

    def level(self, body: Body, which: str, source: np.ndarray | None = None) -> np.ndarray:
        """The signed distance of the body vertices `source` (all when None)."""
        p = body.points if source is None else body.points[source]
        part = body.part if source is None else body.part[source]
        z, j = p[:, 2], body.joints
        level = np.ones(len(p))  # not covered
        if which == "top":
            torso = (part == REST) | (part == LEG)
            level[torso] = np.maximum(self.hem(body) - z, _neckline(body, p))[torso]
            if self.top in OPEN_FRONT:  # open at the front: a V to the waist, then a gap
                level[torso] = np.maximum(level[torso], _opening(body, p)[torso])
            for side, arm in ((ARM_L, "L"), (ARM_R, "R")):
                rows = part == side
                t, length = _along(p[rows], j[f"shoulder.{arm}"], j[f"elbow.{arm}"],
                                   j[f"wrist.{arm}"])
                end = {"short_sleeves": 0.22, "dress": 0.12}.get(self.top,
                                                                 1.0 - 0.02 / length)
                level[rows] = (t - end) * length
        elif which == "bottom":
            waist = j["waist"][2] - 0.01
            end = (0.5 * (j["hip"][2] + j["knee"][2]) if self.bottom == "shorts"
                   else j["ankle"][2] - 0.012)  # the hem rests on the shoe
            level[part == REST] = (z - waist)[part == REST]
            leg = part == LEG
            level[leg] = np.maximum(z - waist, end - z)[leg]
        elif which == "shoes":
            leg = part == LEG
            level[leg] = (z - j["ankle"][2])[leg]
        else:
            raise ValueError(which)
        return level

    def hem(self, body: Body) -> float:
        """The height of the top's lower hem."""
        j = body.joints
        if self.top == "dress":
            return j["waist"][2] - 0.04
        return j["hip"][2] + {"long_sleeves": 0.03, "hoodie": 0.0,
                              "jacket": -0.03, "coat": -0.03}.get(self.top, 0.06)


def _neckline(body: Body, p: np.ndarray) -> np.ndarray:
    """The signed distance to a neckline: near the neck, a ring round it a little wider
    than it (a horizontal cut alone would run out along the sloping shoulders; the ring
    meets them square), scooped lower at the front (the figure faces -Y); lower down,
    everything is covered. A smooth minimum joins the two without a corner."""
    neck = body.joints["neck"]
    rel = p[:, :2] - neck[:2]
    radial = np.linalg.norm(rel, axis=1)
    front = np.clip(-rel[:, 1] / np.maximum(radial, 1e-9), 0.0, 1.0) ** 2
    ring = body.joints["neck_radius"][0] + 0.02 + 0.02 * front
    low = neck[2] - 0.015 - 0.05 * front
    near_neck = _smooth_min(ring - radial, p[:, 2] - low, 0.008)
    # Above the ring's reach (the head, which is wider than the neck) nothing is covered.
    return np.maximum(near_neck, p[:, 2] - (neck[2] + 0.02))


def _opening(body: Body, p: np.ndarray) -> np.ndarray:
    """An open jacket's front: positive (uncovered) within a V from the neckline down to
    the waist (where the lapels end), then a strip 4 cm wide to the hem; only at the
    front (the figure faces -Y)."""
    neck, waist = body.joints["neck"], body.joints["waist"]
    rise = np.clip((p[:, 2] - waist[2]) / max(neck[2] - waist[2], 1e-6), 0.0, 1.0)
    half = 0.02 + 0.07 * rise ** 1.2
    front = p[:, 1] < neck[1] - 0.02
    return np.where(front, half - np.abs(p[:, 0] - neck[0]), -1.0)


def _smooth_min(a: np.ndarray, b: np.ndarray, k: float) -> np.ndarray:
    """min(a, b) with the corner rounded over about k."""
    low = np.minimum(a, b)
    return low - k * np.log1p(np.exp(-np.abs(a - b) / k))


def _along(p: np.ndarray, a: np.ndarray, b: np.ndarray, c: np.ndarray):
    """Where points lie along the limb a-b-c: 0 at a, 1 at c, by projection on the two
    segments (arc length); and the limb's length."""
    l1, l2 = np.linalg.norm(b - a), np.linalg.norm(c - b)
    t1 = np.minimum((p - a) @ ((b - a) / l1), l1)
    below = (p - b) @ ((c - b) / l2)
    return np.where(below > 0, l1 + below, t1) / (l1 + l2), l1 + l2


def _cut(body: Body, level: np.ndarray):
    """The body surface where `level` < 0, cut exactly along level = 0: faces wholly
    inside are kept as they are, faces the hem crosses are split in two triangles and
    clipped, with a new vertex where the hem crosses each edge (shared by both faces of
    the edge). The hem is the level line itself: straight where the plane is, with no
    sawtooth and no folded face. Returns the base vertex each vertex follows (a hem
    vertex follows its edge's inside end), positions, faces (F, 4) and corner uvs."""
    faces = body.body_faces
    corners, corner_uv = body.faces[faces], body.face_uvs[faces]
    inside = level[corners] < 0
    whole = inside.all(axis=1)
    crossed = inside.any(axis=1) & ~whole
    out_faces = [corners[whole]]
    out_uvs = [body.uvs[corner_uv[whole]]]
    extra_pos, extra_src, extra_key = [], [], {}

    def crossing(a: int, b: int) -> int:
        key = (min(a, b), max(a, b))
        if key not in extra_key:
            t = level[a] / (level[a] - level[b])
            extra_key[key] = len(body.points) + len(extra_pos)
            extra_pos.append(body.points[a] + (body.points[b] - body.points[a]) * t)
            extra_src.append(a if level[a] < 0 else b)
        return extra_key[key]

    clipped, clipped_uv = [], []
    for face, uv in zip(corners[crossed], corner_uv[crossed], strict=True):
        triangles = [(0, 1, 2), (0, 2, 3)] if face[3] != face[2] else [(0, 1, 2)]
        for tri in triangles:
            vs, us = face[list(tri)], body.uvs[uv[list(tri)]]
            polygon, polygon_uv = [], []
            for i in range(3):
                a, b = int(vs[i]), int(vs[(i + 1) % 3])
                if level[a] < 0:
                    polygon.append(a)
                    polygon_uv.append(us[i])
                if (level[a] < 0) != (level[b] < 0):
                    t = level[a] / (level[a] - level[b])
                    polygon.append(crossing(a, b))
                    polygon_uv.append(us[i] + (us[(i + 1) % 3] - us[i]) * t)
            if len(polygon) >= 3:
                polygon += [polygon[-1]] * (4 - len(polygon))
                polygon_uv += [polygon_uv[-1]] * (4 - len(polygon_uv))
                clipped.append(polygon)
                clipped_uv.append(polygon_uv)
    if clipped:
        out_faces.append(np.array(clipped, np.int64))
        out_uvs.append(np.array(clipped_uv, np.float32))
    all_faces = np.concatenate(out_faces)
    points = np.vstack([body.points, np.array(extra_pos).reshape(-1, 3)])
    follows = np.concatenate([np.arange(len(body.points)), np.array(extra_src, np.int64)])
    used, local = np.unique(all_faces, return_inverse=True)
    return (follows[used], points[used], local.reshape(all_faces.shape).astype(np.int32),
            np.concatenate(out_uvs).astype(np.float32))


def _largest_piece(source, points, faces, uvs):
    """The garment's largest connected piece: a cut can leave islands (the skin under
    a heavy chin lies inside a neckline's reach) that no garment has."""
    parent = np.arange(len(points))

    def find(v):
        root = v
        while parent[root] != root:
            root = parent[root]
        while parent[v] != root:
            parent[v], v = root, parent[v]
        return root
    for a, b in edges_of(faces):
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[ra] = rb
    roots = np.array([find(v) for v in range(len(points))])
    biggest = np.bincount(roots).argmax()
    keep_faces = roots[faces[:, 0]] == biggest
    used, local = np.unique(faces[keep_faces], return_inverse=True)
    return (source[used], points[used], local.reshape(-1, 4).astype(np.int32),
            uvs[keep_faces])


def edges_of(faces: np.ndarray) -> np.ndarray:
    """Unique undirected edges (E, 2) of quads and repeated-vertex triangles."""
    pairs = np.concatenate([faces[:, [i, (i + 1) % 4]] for i in range(4)])
    pairs = pairs[pairs[:, 0] != pairs[:, 1]]
    return np.unique(np.sort(pairs, axis=1), axis=0)


def smooth(points: np.ndarray, faces: np.ndarray, passes: int,
           pinned: np.ndarray | None = None) -> np.ndarray:
    """Taubin smoothing (a shrink-free low-pass): removes small bumps, keeps the form."""
    if passes <= 0:
        return points
    edges = edges_of(faces)
    count = np.bincount(edges.ravel(), minlength=len(points)).astype(np.float64)
    free = count > 0
    if pinned is not None:
        free &= ~pinned
    p = points.astype(np.float64).copy()
    for _ in range(passes):
        for factor in (0.55, -0.58):
            total = np.zeros_like(p)
            np.add.at(total, edges[:, 0], p[edges[:, 1]])
            np.add.at(total, edges[:, 1], p[edges[:, 0]])
            delta = total[free] / count[free, None] - p[free]
            p[free] += factor * delta
    return p


def vertex_normals(points: np.ndarray, faces: np.ndarray) -> np.ndarray:
    """Area-weighted unit normals (quads by their diagonals)."""
    a, b, c, d = (points[faces[:, i]] for i in range(4))
    normal = np.cross(c - a, d - b)
    tri = faces[:, 3] == faces[:, 2]
    normal[tri] = np.cross(b[tri] - a[tri], c[tri] - a[tri])
    total = np.zeros_like(points)
    for i in range(4):
        np.add.at(total, faces[:, i], normal)
    length = np.linalg.norm(total, axis=1, keepdims=True)
    return total / np.maximum(length, 1e-12)


def _boundary(faces: np.ndarray) -> np.ndarray:
    """Vertices on an open edge (used by one face)."""
    pairs = np.concatenate([faces[:, [i, (i + 1) % 4]] for i in range(4)])
    pairs = np.sort(pairs[pairs[:, 0] != pairs[:, 1]], axis=1)
    unique, counts = np.unique(pairs, axis=0, return_counts=True)
    return np.unique(unique[counts == 1])


def _subset(body: Body, face_ids: np.ndarray, points: np.ndarray):
    """Local vertices, faces and corner uvs of some base faces."""
    corners = body.faces[face_ids]
    source, local = np.unique(corners, return_inverse=True)
    faces = local.reshape(corners.shape).astype(np.int32)
    uvs = body.uvs[body.face_uvs[face_ids]].astype(np.float32)
    return source, points[source], faces, uvs


def _straight_legs(body: Body, source: np.ndarray, p: np.ndarray) -> np.ndarray:
    """Trouser legs that fall straight from the knee instead of following the calf."""
    j = body.joints
    out = p.copy()
    for side in (1.0, -1.0):
        leg = (body.part[source] == LEG) & (np.sign(p[:, 0]) == side)
        knee = j["knee"] * np.array([side, 1, 1])
        ankle = j["ankle"] * np.array([side, 1, 1])
        axis = (ankle - knee) / np.linalg.norm(ankle - knee)
        rel = p[leg] - knee
        along = rel @ axis
        radial = rel - along[:, None] * axis
        r = np.linalg.norm(radial, axis=1)
        near_knee = np.abs(along) < 0.03
        if not near_knee.any():
            continue
        tube = np.percentile(r[near_knee], 70) * 0.95
        below = along > 0
        grow = np.where(below & (r < tube), tube / np.maximum(r, 1e-6), 1.0)
        out[leg] = knee + along[:, None] * axis + radial * grow[:, None]
    return out


def _make(body: Body, cover: _Cover, which: str, kind: str) -> tuple[Garment, np.ndarray]:
    """One garment cut from the body, and the body faces it hides."""
    level = cover.level(body, which)
    faces = body.body_faces
    source, p, local, uvs = _cut(body, level)
    source, p, local, uvs = _largest_piece(source, p, local, uvs)
    on_skin = p.copy()
    hem = np.zeros(len(source), bool)
    hem[_boundary(local)] = True
    p = smooth(p, local, SMOOTHING[which], pinned=hem)
    if kind == "trousers":
        p = _straight_legs(body, source, p)
    normals = vertex_normals(p, local)
    p = p + normals * EASE[kind]
    # Smoothing flattens what stands out (a shoulder's edge) into the skin: no vertex
    # may end up nearer its body point than 2 mm along its normal.
    depth = ((p - on_skin) * normals).sum(axis=1)
    p += normals * np.maximum(0.002 - depth, 0.0)[:, None]
    hidden = faces[(level[body.faces[faces]] < -HIDE_MARGIN).all(axis=1)]
    garment = Garment(which, kind, FABRIC[kind], source, p.astype(np.float32), local, uvs,
                      0.003)
    return garment, hidden


def _shoes(body: Body, cover: _Cover) -> tuple[Garment, np.ndarray]:
    """A pair of shoes lofted around each foot: slices along the foot (heel to toe) as
    rounded boxes as wide and high as the foot there plus the ease, a flat sole on the
    floor, a rounded toe box, the collar at the ankle. Each shoe vertex follows the
    nearest foot vertex (its bone weights)."""
    level = cover.level(body, "shoes")
    foot_vertices = np.flatnonzero(level < 0)
    positions, faces, uvs, offset = [], [], [], 0
    collar = body.joints["ankle"][2] + 0.01
    for side in (1.0, -1.0):
        rows = foot_vertices[np.sign(body.points[foot_vertices, 0]) == side]
        p, f, uv = _shoe(body.points[rows], collar, EASE["shoes"])
        positions.append(p)
        faces.append(f + offset)
        uvs.append(uv)
        offset += len(p)
    p = np.concatenate(positions)
    faces = np.concatenate(faces).astype(np.int32)
    near = np.flatnonzero((body.part == LEG) & (body.points[:, 2] < collar + 0.05))
    source = np.empty(len(p), np.int64)
    for start in range(0, len(p), 512):
        d2 = ((p[start:start + 512, None] - body.points[near][None]) ** 2).sum(axis=2)
        source[start:start + 512] = near[d2.argmin(axis=1)]
    hidden_vertices = level < -0.005
    body_faces = body.body_faces
    hidden = body_faces[hidden_vertices[body.faces[body_faces]].all(axis=1)]
    return Garment("shoes", "shoes", FABRIC["shoes"], source, p.astype(np.float32), faces,
                   np.concatenate(uvs).astype(np.float32), 0.004), hidden


def _shoe(foot: np.ndarray, collar: float, ease: float, rings: int = 28, around: int = 24):
    """One shoe's vertices, quads and corner uvs around one foot's points."""
    centre = foot[:, :2].mean(axis=0)
    xy = foot[:, :2] - centre
    # The foot's long axis, pointing to the toes (the figure faces -Y).
    _, _, vt = np.linalg.svd(xy, full_matrices=False)
    axis = vt[0] if vt[0][1] < 0 else -vt[0]
    lateral = np.array([-axis[1], axis[0]])
    s, lat, z = xy @ axis, xy @ lateral, foot[:, 2]
    start, end = s.min() - ease, s.max() + ease
    stations = np.linspace(start, end, rings)
    step = stations[1] - stations[0]
    width, mid, top = np.zeros(rings), np.zeros(rings), np.zeros(rings)
    for i, station in enumerate(stations):
        near = np.abs(s - station) < 1.5 * step
        if near.sum() < 3:
            near = np.argsort(np.abs(s - station))[:12]
        width[i] = (lat[near].max() - lat[near].min()) / 2 + ease
        mid[i] = (lat[near].max() + lat[near].min()) / 2
        top[i] = min(z[near].max() + ease, collar)
    width, mid, top = (np.convolve(np.pad(v, 2, mode="edge"), np.ones(5) / 5, "valid")
                       for v in (width, mid, top))
    # Round the toe box and the heel counter in plan and in profile.
    # A toe box as round in plan as it is wide; a heel counter the same.
    toe_length = min(1.1 * width[int(rings * 0.75)], 0.4 * (end - start))
    heel_length = min(width[int(rings * 0.15)], 0.25 * (end - start))
    toe = np.sqrt(np.clip(1 - ((stations - (end - toe_length)) / toe_length).clip(0) ** 2,
                          0.02, 1))
    heel = np.sqrt(np.clip(1 - ((start + heel_length - stations) / heel_length).clip(0)
                           ** 2, 0.1, 1))
    width *= toe * heel
    top = np.maximum(top * (0.55 + 0.45 * toe), 0.02)
    angle = np.linspace(0, 2 * np.pi, around, endpoint=False)
    cos, sin = np.cos(angle), np.sin(angle)
    exponent = np.where(sin < 0, 5.0, 2.6)  # a flat sole, a rounded upper
    px = np.sign(cos) * np.abs(cos) ** (2 / exponent)
    pz = np.sign(sin) * np.abs(sin) ** (2 / exponent)
    points = []
    for i in range(rings):
        ring_lat = mid[i] + width[i] * px
        ring_z = top[i] / 2 * (1 + pz)
        xy_ring = centre + np.outer(stations[i] * np.ones(around), axis) + np.outer(
            ring_lat, lateral)
        points.append(np.column_stack([xy_ring, ring_z]))
    points = np.concatenate(points)
    # The caps: one vertex each at the heel and the toe.
    heel_cap = np.array([*(centre + start * axis + mid[0] * lateral), top[0] / 2])
    toe_cap = np.array([*(centre + end * axis + mid[-1] * lateral), top[-1] / 2])
    points = np.vstack([points, heel_cap, toe_cap])
    quads, corner_uv = [], []
    for i in range(rings - 1):
        for k in range(around):
            a, b = i * around + k, i * around + (k + 1) % around
            quads.append([a, b, b + around, a + around])
            corner_uv.append([(k / around, i / rings), ((k + 1) / around, i / rings),
                              ((k + 1) / around, (i + 1) / rings), (k / around, (i + 1) / rings)])
    heel_index, toe_index = len(points) - 2, len(points) - 1
    last = (rings - 1) * around
    for k in range(around):
        nxt = (k + 1) % around
        quads.append([heel_index, nxt, k, k])
        quads.append([last + k, last + nxt, toe_index, toe_index])
        corner_uv += [[(0.5, 0.0)] * 4, [(0.5, 1.0)] * 4]
    return points, np.array(quads, np.int64), np.array(corner_uv, np.float32)


def _skirt(body: Body, kind: str, skirt_faces: np.ndarray) -> tuple[Garment, np.ndarray]:
    """MakeHuman's skirt helper, a flared tube from the hips, as the skirt (or the
    skirt of a dress); the thighs inside it are hidden."""
    source, p, local, uvs = _subset(body, skirt_faces, body.points)
    p = p + vertex_normals(p, local) * EASE["skirt"]
    top, hem = p[:, 2].max(), p[:, 2].min()
    z = body.points[:, 2]
    hidden_vertices = (body.part == LEG) & (z < top - HIDE_MARGIN) & (z > hem + 0.08)
    faces = body.body_faces
    hidden = faces[hidden_vertices[body.faces[faces]].all(axis=1)]
    name = "top" if kind == "dress" else "bottom"
    return Garment(name + (" skirt" if kind == "dress" else ""), "skirt",
                   FABRIC["dress" if kind == "dress" else "skirt"], source,
                   p.astype(np.float32), local, uvs, 0.003), hidden


def _layer(outer: Garment, inner: list[Garment], gap: float = 0.004) -> None:
    """Push the outer garment out where an inner one comes within `gap` of it (a shirt
    over the waistband, trousers over the shoes), along the outer garment's normals."""
    if not inner:
        return
    q = np.concatenate([g.positions for g in inner]).astype(np.float64)
    p = outer.positions.astype(np.float64)
    normals = vertex_normals(p, outer.faces)
    push = np.zeros(len(p))
    for start in range(0, len(p), 512):
        rows = slice(start, start + 512)
        d2 = ((p[rows, None, :] - q[None, :, :]) ** 2).sum(axis=2)
        nearest = d2.argmin(axis=1)
        close = d2[np.arange(len(nearest)), nearest] < 0.04 ** 2
        ahead = ((p[rows] - q[nearest]) * normals[rows]).sum(axis=1)
        push[rows] = np.where(close, np.maximum(gap - ahead, 0.0), 0.0)
    # Dilate the push over three rings, then smooth it: the garment swells as one
    # piece over what is under it, never by a tooth per vertex.
    edges = edges_of(outer.faces)
    for _ in range(3):
        grown = push.copy()
        np.maximum.at(grown, edges[:, 0], push[edges[:, 1]])
        np.maximum.at(grown, edges[:, 1], push[edges[:, 0]])
        push = grown
    push = smooth_values(push, outer.faces, 3)
    outer.positions = (p + normals * push[:, None]).astype(np.float32)


def smooth_values(values: np.ndarray, faces: np.ndarray, passes: int) -> np.ndarray:
    """Per-vertex values (scalars or vectors) averaged with their neighbours `passes`
    times."""
    edges = edges_of(faces)
    count = np.maximum(np.bincount(edges.ravel(), minlength=len(values)), 1)
    v = values.astype(np.float64).copy()
    for _ in range(passes):
        total = v.copy()
        np.add.at(total, edges[:, 0], v[edges[:, 1]])
        np.add.at(total, edges[:, 1], v[edges[:, 0]])
        v = total / (count + 1).reshape(-1, *[1] * (v.ndim - 1))
    return v


def dress(body: Body, top: str, bottom: str,
          skirt_faces: np.ndarray) -> tuple[list[Garment], np.ndarray]:
    """The garments a top and a bottom make, innermost first, and the body faces they
    hide."""
    cover = _Cover(top, bottom)
    shoes, hidden = _shoes(body, cover)
    garments, hidden = [shoes], [hidden]
    if bottom in ("trousers", "shorts"):
        garment, under = _make(body, cover, "bottom", bottom)
        _layer(garment, garments)
        garments.append(garment)
        hidden.append(under)
    if bottom == "skirt" or top == "dress":
        garment, under = _skirt(body, "dress" if top == "dress" else "skirt", skirt_faces)
        garments.append(garment)
        hidden.append(under)
    if top in OPEN_FRONT:  # a shirt under the open jacket
        shirt, under = _make(body, _Cover("long_sleeves", bottom), "top", "long_sleeves")
        shirt.name, shirt.fabric = "shirt", FABRIC["shirt"]
        _layer(shirt, garments[1:])
        garments.append(shirt)
        hidden.append(under)
    if top != "none":
        garment, under = _make(body, cover, "top", top)
        _layer(garment, garments[1:])
        if top == "coat":  # its skirts: over the trousers, from under the jacket part
            garments.append(_coat_skirts(body, skirt_faces, cover.hem(body), garments[1:],
                                         garment))
        garments.append(garment)
        hidden.append(under)
        if top == "hoodie":
            garments += _hoodie_parts(body, garment)
        if top in OPEN_FRONT:
            garments += _jacket_parts(body, garment)
    return garments, np.unique(np.concatenate(hidden))


def _coat_skirts(body: Body, skirt_faces: np.ndarray, jacket_hem: float,
                 inner: list[Garment], jacket: Garment) -> Garment:
    """A coat's skirts from the skirt helper (see coat.py), over what is worn under and
    tucked under the jacket part at the top, so that they come out of its hem as one
    garment (no ledge where they meet)."""
    from . import coat

    centres = body.points[body.faces[skirt_faces]].mean(axis=1)
    kept = skirt_faces[coat.kept_faces(centres, body.joints, jacket_hem)]
    source, p, local, uvs = _subset(body, kept, body.points)
    p = p + vertex_normals(p, local) * coat.EASE
    skirts = Garment("top skirt", "coat", FABRIC["coat"], source, p.astype(np.float32),
                     local, uvs, 0.003)
    _layer(skirts, inner, gap=0.006)
    p = skirts.positions.astype(np.float64)
    q = jacket.positions.astype(np.float64)
    normals = vertex_normals(q, jacket.faces)
    nearest = np.array([np.argmin(((q - point) ** 2).sum(axis=1)) for point in p])
    ahead = ((p - q[nearest]) * normals[nearest]).sum(axis=1)
    # Under the jacket by its thickness and a little, fading out below its hem.
    fade = np.clip((p[:, 2] - (jacket_hem - coat.TUCK)) / coat.TUCK, 0.0, 1.0)
    tuck = np.maximum(ahead + jacket.thickness + 0.002, 0.0) * fade
    skirts.positions = (p - normals[nearest] * tuck[:, None]).astype(np.float32)
    return skirts


def _jacket_parts(body: Body, top: Garment) -> list[Garment]:
    """The lapels and the collar, laid on the jacket, following the trunk."""
    from . import jacket

    points, faces, uvs = jacket.lapels_and_collar(body.joints, top.positions, top.faces)
    return [Garment("top lapels", top.kind, top.fabric, _trunk_source(body, points),
                    points.astype(np.float32), np.asarray(faces, np.int32),
                    np.asarray(uvs, np.float32), 0.003)]


def _trunk_source(body: Body, points: np.ndarray, among: np.ndarray | None = None
                  ) -> np.ndarray:
    """The trunk's body vertex nearest to each point (what the point follows), among the
    vertices `among` marks when given."""
    trunk = np.flatnonzero((body.part == REST) & (True if among is None else among))
    source = np.empty(len(points), np.int64)
    for start in range(0, len(points), 256):
        rows = points[start:start + 256]
        d2 = ((rows[:, None, :] - body.points[trunk][None]) ** 2).sum(axis=2)
        source[start:start + 256] = trunk[d2.argmin(axis=1)]
    return source


def _hoodie_parts(body: Body, top: Garment) -> list[Garment]:
    """The hood (down) and the pocket, laid on the top, each vertex following the trunk's
    body vertex nearest to it."""
    from . import hoodie

    out = []
    normals = vertex_normals(top.positions, top.faces)
    # The hood follows trunk vertices no arm moves: the shoulders' own share the upper
    # arms' weights, and lifted the roll into lumps beside the neck when the arms came
    # down (the top, a sheet over them, only stretches).
    still = None if body.arm_share is None else body.arm_share < 0.02
    for name, (points, faces, uvs) in (
            ("top hood", hoodie.hood(body.joints, top.positions, normals)),
            ("top pocket", hoodie.pocket(body.joints, top.positions))):
        source = _trunk_source(body, points, still if name == "top hood" else None)
        # The pocket is a sheet (Solidify gives it thickness); the hood's parts are
        # tubes and a sheet on the back that the roll hides the top of.
        thickness = 0.003
        out.append(Garment(name, "hoodie", FABRIC["hoodie"], source,
                           points.astype(np.float32), np.asarray(faces, np.int32),
                           np.asarray(uvs, np.float32), thickness))
    return out

