"""Steadying tracked landmarks: gaps filled, then a One Euro filter (Casiez, Roussel and
Vogel, CHI 2012) on every coordinate.

The One Euro filter is a low-pass filter whose cut-off rises with speed: a still pose is
smoothed hard (no jitter), a fast move barely (little lag). `strength` (0 none .. 1
strong) sets its minimum cut-off; `responsiveness` its speed coefficient.

Gaps (NaN: the person lost for some frames) are filled by straight lines between the
frames on either side, and held from the nearest frame at the clip's ends: never zero.
"""

from __future__ import annotations

import numpy as np


def fill_gaps(values: np.ndarray) -> np.ndarray:
    """`values` (frames x ...) with NaN frames filled: interpolated inside, held at the
    ends. All NaN stays all NaN (nothing to hold)."""
    out = np.array(values, dtype=float, copy=True)
    flat = out.reshape(len(out), -1)
    frames = np.arange(len(out))
    for column in range(flat.shape[1]):
        known = ~np.isnan(flat[:, column])
        if known.all() or not known.any():
            continue
        flat[:, column] = np.interp(frames, frames[known], flat[known, column])
    return out


def _alpha(cutoff: np.ndarray | float, rate: float) -> np.ndarray | float:
    tau = 1.0 / (2 * np.pi * cutoff)
    return 1.0 / (1.0 + tau * rate)


def one_euro(values: np.ndarray, fps: float, min_cutoff: float = 1.0, beta: float = 0.05,
             d_cutoff: float = 1.0) -> np.ndarray:
    """Filter each coordinate of `values` (frames x ...) sampled at `fps`; NaN frames
    are filled first (fill_gaps)."""
    data = fill_gaps(values)
    out = np.empty_like(data)
    if len(data) == 0:
        return out
    out[0] = data[0]
    speed = np.zeros_like(data[0])
    a_d = _alpha(d_cutoff, fps)
    for i in range(1, len(data)):
        raw_speed = (data[i] - out[i - 1]) * fps
        speed = a_d * raw_speed + (1 - a_d) * speed
        cutoff = min_cutoff + beta * np.abs(speed)
        a = _alpha(cutoff, fps)
        out[i] = a * data[i] + (1 - a) * out[i - 1]
    return out


def steady(values: np.ndarray, fps: float, strength: float = 0.5,
           responsiveness: float = 0.5) -> np.ndarray:
    """The artist's control: strength 0 leaves the landmarks as tracked (gaps filled),
    1 smooths a still pose to under a tenth of its jitter; responsiveness 0..1 lets fast
    moves through with less lag."""
    strength = float(np.clip(strength, 0.0, 1.0))
    if strength == 0.0:
        return fill_gaps(values)
    # Cut-off from 10 Hz (light) down to 0.3 Hz (strong), spaced evenly in log.
    min_cutoff = 10.0 ** (1.0 - 1.5 * strength)
    beta = 0.5 * float(np.clip(responsiveness, 0.0, 1.0)) + 0.01
    return one_euro(values, fps, min_cutoff, beta)
