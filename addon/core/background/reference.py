"""What a reference image says about the look of a world (no bpy): where its horizon is,
the colour of its sky and of its ground, its palette and how bright it is.

The pixels come in as an array (rows top-down, linear RGB 0-1); the Blender side reads
the file. The horizon is the row where the picture changes most from sky to land: the
largest step in brightness and blueness between the mean of the rows above and below.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..errors import MetastudioError


class ReferenceImageError(MetastudioError):
    """A reference image that cannot be used (unreadable, empty, too small)."""


@dataclass
class ReferenceLook:
    """The horizon (0 top .. 1 bottom of the frame), mean sky and ground colours (linear
    RGB), a palette of up to five colours (most common first) and the mean brightness."""

    horizon: float
    sky: tuple[float, float, float]
    ground: tuple[float, float, float]
    palette: list[tuple[float, float, float]]
    brightness: float

    def as_dict(self) -> dict:
        """For the resolved spec's JSON."""
        return {"horizon": round(self.horizon, 3),
                "sky": [round(c, 4) for c in self.sky],
                "ground": [round(c, 4) for c in self.ground],
                "palette": [[round(c, 4) for c in colour] for colour in self.palette],
                "brightness": round(self.brightness, 4)}


def _palette(pixels: np.ndarray, count: int, seed: int = 0) -> list[tuple]:
    """k-means on the pixels (a sample of them): the centres, largest cluster first."""
    rng = np.random.default_rng(seed)
    sample = pixels[rng.choice(len(pixels), size=min(len(pixels), 4000), replace=False)]
    centres = sample[rng.choice(len(sample), size=min(count, len(sample)), replace=False)]
    for _ in range(20):
        nearest = ((sample[:, None, :] - centres[None]) ** 2).sum(-1).argmin(1)
        centres = np.array([sample[nearest == k].mean(0) if (nearest == k).any()
                            else centres[k] for k in range(len(centres))])
    sizes = np.bincount(nearest, minlength=len(centres))
    return [tuple(float(c) for c in centres[k]) for k in np.argsort(-sizes)]


def analyse(rgb: np.ndarray, name: str = "reference image") -> ReferenceLook:
    """The look of an image given as rows x columns x 3 (or 4) linear values."""
    if rgb.ndim != 3 or rgb.shape[2] < 3:
        raise ReferenceImageError(f"{name}: not a colour image")
    if rgb.shape[0] < 8 or rgb.shape[1] < 8:
        raise ReferenceImageError(f"{name}: {rgb.shape[1]}x{rgb.shape[0]} pixels is too "
                                  "small to read a horizon from (8x8 at least)")
    rgb = np.clip(np.nan_to_num(rgb[..., :3].astype(np.float64)), 0.0, None)
    rows = rgb.mean(axis=1)  # per row: mean colour
    signal = np.column_stack([rows.mean(1), rows[:, 2] - rows[:, 0]])
    height = len(rows)
    cumulative = np.cumsum(signal, axis=0)
    best, horizon = -1.0, height // 2
    # Not in the outer 10% of the frame: a horizon is never the picture's edge.
    for row in range(max(1, height // 10), height - max(1, height // 10)):
        above = cumulative[row - 1] / row
        below = (cumulative[-1] - cumulative[row - 1]) / (height - row)
        step = float(np.abs(above - below).sum())
        if step > best:
            best, horizon = step, row
    sky = rgb[:horizon].reshape(-1, 3).mean(0)
    ground = rgb[horizon:].reshape(-1, 3).mean(0)
    luminance = rgb @ np.array([0.2126, 0.7152, 0.0722])
    return ReferenceLook(horizon / height, tuple(float(c) for c in sky),
                         tuple(float(c) for c in ground), _palette(rgb.reshape(-1, 3), 5),
                         float(luminance.mean()))
