"""Where on a built world a scene's cast stand and which way its camera looks (no bpy).

A location scout's choice, made by looking along the land: from a flat, dry spot, a
camera at eye height should see what the description named behind the cast (the water of
a lakeshore or a coast, the river, the trees of a forest), and some sky: not a hillside
filling the frame. The sun's side counts a little: light on the faces from in front and
to one side of the camera is the light a cinematographer picks.

Each candidate spot (the levelest third of a jittered grid, dry and off the shore) and
direction is scored by marching rays over the height field from where the wide camera
would stand: a ray is blocked where the land rises above the line of sight; water seen
inside the frame counts, the nearer and the more of it the better; trees 8-60 m out
count; the highest angle of near land above the eye says how much of the sky is hidden,
far land rising a few degrees is scenery; the sun over the camera's shoulder and a level
spot count a little.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .terrain import HeightField

EYE = 1.6  # metres above the ground: the wide camera stands at the cast's eye level
CAMERA_BACK = 6.0  # metres from the cast to the wide camera (about its distance)
DIRECTIONS = 16
SPREAD_DEGREES = 24.0  # half the wide shot's horizontal view at a 50 mm lens (about 20)
RAYS = 7
FLAT_RADIUS = 4.0  # metres around the spot that must be level: the cast and the camera
MAX_RISE = 0.8  # metres of height range allowed inside that radius
SHORE_GAP = 3.0  # metres the spot keeps from the water
FRAME_DOWN_DEGREES = 14.0  # the lowest a wide shot sees below the eye (16:9, 50 mm, tilted)
NEAR_LAND = 120.0  # metres: land nearer than this that rises above the eye hides the sky


@dataclass(frozen=True)
class Stage:
    """The cast's spot (x, y, ground z, metres) and the direction the camera looks, as a
    compass angle (`heading`, radians, 0 = +y, counter-clockwise towards -x); how far
    ahead the view must be cleared of trees to show the water (`clear_to`). `seen` says
    what the chosen view shows (for notes and tests)."""

    x: float
    y: float
    z: float
    heading: float
    clear_to: float  # metres ahead to the water: trees there stand in its view
    seen: dict


def _sample(field: HeightField, xs: np.ndarray, ys: np.ndarray) -> np.ndarray:
    """Heights at points (metres), bilinear; points outside the square take the edge."""
    n = field.heights.shape[0]
    col = np.clip((xs / field.extent + 0.5) * (n - 1), 0, n - 1.001)
    row = np.clip((ys / field.extent + 0.5) * (n - 1), 0, n - 1.001)
    c0, r0 = col.astype(int), row.astype(int)
    fc, fr = col - c0, row - r0
    h = field.heights
    return ((h[r0, c0] * (1 - fc) + h[r0, c0 + 1] * fc) * (1 - fr)
            + (h[r0 + 1, c0] * (1 - fc) + h[r0 + 1, c0 + 1] * fc) * fr)


def _mask_at(mask: np.ndarray, extent: float, xs: np.ndarray, ys: np.ndarray) -> np.ndarray:
    n = mask.shape[0]
    col = np.clip(np.rint((xs / extent + 0.5) * (n - 1)).astype(int), 0, n - 1)
    row = np.clip(np.rint((ys / extent + 0.5) * (n - 1)).astype(int), 0, n - 1)
    return mask[row, col]


def _forward(heading: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    return -np.sin(heading), np.cos(heading)


def choose_stage(field: HeightField, water: np.ndarray | None = None,
                 trees: np.ndarray | None = None, sun_azimuth: float | None = None,
                 seed: int = 0, surface: np.ndarray | None = None) -> Stage:
    """The best spot and view on `field` for a cast of two or three. `water` marks grid
    points under water (lake, sea or river channel), `surface` the water's height there;
    `trees` holds tall plants' (x, y);
    `sun_azimuth` is in degrees from north (+y) towards east (+x). Without water, trees
    or a usable spot, the middle of the land looking north."""
    extent = field.extent
    rng = np.random.default_rng(seed + 17)
    # Candidate spots: a jittered grid over the inner part of the land (the edges have
    # nothing beyond them to look at).
    side = 13
    axis = np.linspace(-0.3, 0.3, side) * extent
    xs, ys = (a.ravel() for a in np.meshgrid(axis, axis))
    xs = xs + rng.uniform(-0.3, 0.3, xs.size) * extent * 0.6 / side
    ys = ys + rng.uniform(-0.3, 0.3, ys.size) * extent * 0.6 / side
    xs, ys = np.append(xs, 0.0), np.append(ys, 0.0)  # the middle is always a candidate
    ground = _sample(field, xs, ys)

    # Level and dry: the height range over a ring of points around the spot.
    ring = np.linspace(0, 2 * np.pi, 12, endpoint=False)
    around = _sample(field, xs[:, None] + FLAT_RADIUS * np.cos(ring)[None],
                     ys[:, None] + FLAT_RADIUS * np.sin(ring)[None])
    rise = np.maximum(around.max(axis=1), ground) - np.minimum(around.min(axis=1), ground)
    # Level enough to stand on (the builder levels the last of it); on hilly land, the
    # levelest third of the spots.
    usable = rise < max(MAX_RISE, float(np.percentile(rise, 33)))
    if water is not None:
        near = np.zeros_like(usable)
        for r in (0.0, SHORE_GAP, FLAT_RADIUS):
            for a in ring[::3]:
                near |= _mask_at(water, extent, xs + r * np.cos(a), ys + r * np.sin(a))
        usable &= ~near
    if not usable.any():
        return Stage(0.0, 0.0, float(_sample(field, np.zeros(1), np.zeros(1))[0]), 0.0, 0.0,
                     {"note": "no level, dry spot: the middle"})

    spots = np.flatnonzero(usable)
    headings = np.linspace(0, 2 * np.pi, DIRECTIONS, endpoint=False)
    spread = np.radians(np.linspace(-SPREAD_DEGREES, SPREAD_DEGREES, RAYS))
    # Distances along each ray: dense near the cast, sparse far out.
    reach = 0.7 * extent
    steps = np.geomspace(4.0, reach, 48)

    s, h, r = np.ix_(spots, np.arange(DIRECTIONS), np.arange(RAYS))
    angle = headings[h] + spread[r]  # (spots, directions, rays)
    fx, fy = _forward(angle)
    # The rays leave from the camera, CAMERA_BACK behind the spot on the view's axis.
    bx, by = _forward(headings[h])
    ox = xs[s] - bx * CAMERA_BACK
    oy = ys[s] - by * CAMERA_BACK
    px = ox[..., None] + fx[..., None] * steps  # (spots, directions, rays, steps)
    py = oy[..., None] + fy[..., None] * steps
    land = _sample(field, px.ravel(), py.ravel()).reshape(px.shape)
    if water is not None and surface is not None:
        # The eye sees the water's surface, not the bed under it (a river's channel
        # would hide its water from a grazing line of sight).
        top = _mask_at(surface, extent, px.ravel(), py.ravel()).reshape(px.shape)
        wet_here = _mask_at(water, extent, px.ravel(), py.ravel()).reshape(px.shape)
        land = np.where(wet_here, np.maximum(land, top), land)
    eye = (ground[s] + EYE)[..., None]
    # The land's angle above the eye at each step; a point is hidden if an earlier one
    # rose higher (the line of sight passes under it).
    elevation = np.arctan2(land - eye, steps)
    horizon = np.maximum.accumulate(elevation, axis=-1)
    visible = elevation >= horizon - 1e-9
    inside = (np.abs(px) < extent / 2) & (np.abs(py) < extent / 2)
    visible &= inside
    # In the frame, too: an eye-level wide shot sees no lower than this below the eye
    # (water right at the cast's feet is out of the bottom of the picture).
    framed = visible & (elevation > -np.radians(FRAME_DOWN_DEGREES))

    # The sky: the highest near land above the eye across the view, in degrees: a degree
    # or two is scenery, but the eye-level wide shot (tilted down to the cast) sees only
    # about five above the eye, so more hides its sky. Land far off may rise higher:
    # distant peaks are what a mountain view is for.
    near_steps = int(np.searchsorted(steps, NEAR_LAND))
    top = np.degrees(horizon[..., max(near_steps - 1, 0)]).mean(axis=-1)
    sky = np.clip(1.0 - (top - 1.0) / 5.0, 0.0, 1.0)

    water_seen = np.zeros_like(sky)
    first_water = np.full(sky.shape + (RAYS,), np.inf)
    if water is not None:
        wet = _mask_at(water, extent, px.ravel(), py.ravel()).reshape(px.shape)
        wet &= framed & (steps > 6.0)
        # Water a little way off, not only at the horizon: a lake seen, not a line; the
        # nearer the better (the shore of a lakeshore).
        near_water = wet & (steps < 0.35 * extent)
        first_water = np.where(near_water.any(axis=-1),
                               steps[np.argmax(near_water, axis=-1)], np.inf)
        closeness = np.clip(1.0 - first_water / (0.35 * extent), 0.0, 1.0)
        # How much water: rays that meet it, and how far along them it goes (a river
        # seen along its course, leading into the picture, over a sliver across it).
        extent_seen = np.minimum(near_water.sum(axis=-1), 8) / 8.0
        water_seen = (0.5 * near_water.any(axis=-1) + 0.5 * extent_seen).mean(axis=-1) * (
            0.5 + 0.5 * np.where(np.isfinite(first_water), closeness, 0.0).mean(axis=-1))

    trees_seen = np.zeros_like(sky)
    if trees is not None and len(trees):
        # Trees 8 to 60 m out inside the view's cone, counted up to a dozen.
        dx = trees[None, :, 0] - xs[spots][:, None]
        dy = trees[None, :, 1] - ys[spots][:, None]
        distance = np.hypot(dx, dy)
        bearing = np.arctan2(-dx, dy)  # the heading convention: 0 = +y, towards -x
        off = np.angle(np.exp(1j * (bearing[:, None, :] - headings[None, :, None])))
        inside_cone = (np.abs(off) < np.radians(SPREAD_DEGREES)) & (
            (distance > 8.0) & (distance < 60.0))[:, None, :]
        trees_seen = np.minimum(inside_cone.sum(axis=-1), 12) / 12.0

    light = np.zeros_like(sky)
    if sun_azimuth is not None:
        # The sun's compass bearing in the heading convention; best 35 degrees to one
        # side of straight behind the camera (the faces lit three-quarter front).
        sun = -math.radians(sun_azimuth)
        behind = headings + np.pi
        off = np.abs(np.angle(np.exp(1j * (sun - behind))))
        light = np.broadcast_to(np.cos(off - np.radians(35.0)).clip(0, 1),
                                sky.shape)

    middle = 1.0 - np.hypot(xs[spots], ys[spots])[:, None] / extent
    level = 1.0 - np.clip(rise[spots] / (5 * MAX_RISE), 0.0, 1.0)[:, None]
    # Scenery: land far off rising a few degrees above the eye (peaks, a far ridge);
    # flat land scores nothing here, whichever way it is looked at.
    far_top = np.degrees(horizon[..., -1]).mean(axis=-1)
    scenery = np.clip(far_top / 6.0, 0.0, 1.0) * (far_top > top + 1.0)
    score = (2.5 * sky + 3.0 * water_seen + 1.5 * trees_seen + 0.7 * light
             + 0.5 * middle + 1.5 * level + 1.2 * scenery)
    best = np.unravel_index(int(np.argmax(score)), score.shape)
    spot, direction = spots[best[0]], best[1]
    seen_water = first_water[best][np.isfinite(first_water[best])]
    return Stage(float(xs[spot]), float(ys[spot]), float(ground[spot]),
                 float(headings[direction]),
                 float(seen_water.max()) if seen_water.size else 0.0,
                 {"water": float(water_seen[best]), "trees": float(trees_seen[best]),
                  "sky": float(sky[best]), "land_above_eye_degrees": float(top[best]),
                  "light": float(light[best]), "rise": float(rise[spot])})
