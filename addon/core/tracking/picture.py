"""Limb directions guided by the picture. MediaPipe gives each body point twice: in the
picture (x, y in the image: accurate, about 2 degrees off along a limb on rendered
people with known poses) and in metres about the hips (a separate estimate, 12-15
degrees off, most of it depth). Here each limb of the metric skeleton is turned to run
along the picture's direction, keeping its own length; how far it points out of the
picture blends MediaPipe's depth with what the limb's shortening in the picture says,
3 to 1. Measured on the held-out tracking benchmark (scripts/bench_tracking_truth.py).
"""

from __future__ import annotations

import numpy as np

# Each limb (from, to) outwards from the torso, and the points that move with its end
# (the end and everything further out on that arm or leg).
CHAINS = ((11, 13, (13, 15, 17, 19, 21)), (13, 15, (15, 17, 19, 21)),
          (12, 14, (14, 16, 18, 20, 22)), (14, 16, (16, 18, 20, 22)),
          (23, 25, (25, 27, 29, 31)), (25, 27, (27, 29, 31)),
          (24, 26, (26, 28, 30, 32)), (26, 28, (28, 30, 32)))
SHORTENING_WEIGHT = 0.25  # the length cue's share of the out-of-picture angle
MIN_SEEN = 0.5
MIN_PIXELS = 3.0  # a limb shorter than this in the picture keeps MediaPipe's direction


def _pixels_per_metre(body: np.ndarray, pixels: np.ndarray, seen: np.ndarray) -> float:
    """The picture's scale at the performer: least squares of the seen points' picture
    positions against their metric x, y (both about their means)."""
    metric = body[seen, :2] - body[seen, :2].mean(axis=0)
    picture = pixels[seen] - pixels[seen].mean(axis=0)
    denominator = float((metric * metric).sum())
    return float((metric * picture).sum()) / denominator if denominator > 0 else 0.0


def guided_frame(body: np.ndarray, image: np.ndarray, visibility: np.ndarray,
                 size: tuple[int, int]) -> np.ndarray:
    """One frame's 33 metric points (x right, y down, z away; metres) with its limbs
    turned to the picture (33 x 3 image points, x and y in 0-1); unseen limbs, and a
    frame without enough seen points, are kept as they are."""
    body = np.array(body, float)
    if not np.isfinite(body).all() or not np.isfinite(image[:, :2]).all():
        return body
    pixels = np.asarray(image, float)[:, :2] * np.array(size, float)
    seen = np.asarray(visibility) >= MIN_SEEN
    if seen.sum() < 4:
        return body
    scale = _pixels_per_metre(body, pixels, seen)
    if scale <= 0:
        return body
    for start, end, riders in CHAINS:
        if not (seen[start] and seen[end]):
            continue
        drawn = pixels[end] - pixels[start]
        drawn_length = float(np.linalg.norm(drawn))
        limb = body[end] - body[start]
        length = float(np.linalg.norm(limb))
        if drawn_length < MIN_PIXELS or length <= 0:
            continue
        across = drawn / drawn_length
        depth_angle = np.arcsin(np.clip(limb[2] / length, -1.0, 1.0))
        shortened = np.arccos(np.clip(drawn_length / scale / length, 0.0, 1.0))
        angle = (1 - SHORTENING_WEIGHT) * depth_angle + \
            SHORTENING_WEIGHT * np.copysign(shortened, limb[2])
        turned = length * np.array([across[0] * np.cos(angle), across[1] * np.cos(angle),
                                    np.sin(angle)])
        body[list(riders)] += body[start] + turned - body[end]
    return body


def guided(body: np.ndarray, image: np.ndarray, visibility: np.ndarray,
           size: tuple[int, int]) -> np.ndarray:
    """`guided_frame` for every frame (frames x 33 x 3)."""
    return np.stack([guided_frame(b, i, v, size) for b, i, v in zip(body, image, visibility,
                                                                      strict=True)])
