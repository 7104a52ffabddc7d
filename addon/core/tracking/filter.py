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


class OneEuroStream:
    """The One Euro filter one sample at a time (live mode); `one_euro` runs it over a
    whole clip. A NaN sample holds the last output."""

    def __init__(self, fps: float, min_cutoff: float = 1.0, beta: float = 0.05,
                 d_cutoff: float = 1.0) -> None:
        self.fps, self.min_cutoff, self.beta = fps, min_cutoff, beta
        self._a_d = _alpha(d_cutoff, fps)
        self._last: np.ndarray | None = None
        self._speed: np.ndarray | None = None

    def __call__(self, value: np.ndarray) -> np.ndarray:
        value = np.asarray(value, float)
        if self._last is None:
            if np.isnan(value).all():
                return value
            self._last, self._speed = np.nan_to_num(value), np.zeros_like(value)
            return self._last.copy()
        value = np.where(np.isnan(value), self._last, value)
        raw_speed = (value - self._last) * self.fps
        self._speed = self._a_d * raw_speed + (1 - self._a_d) * self._speed
        a = _alpha(self.min_cutoff + self.beta * np.abs(self._speed), self.fps)
        self._last = a * value + (1 - a) * self._last
        return self._last.copy()


def one_euro(values: np.ndarray, fps: float, min_cutoff: float = 1.0, beta: float = 0.05,
             d_cutoff: float = 1.0) -> np.ndarray:
    """Filter each coordinate of `values` (frames x ...) sampled at `fps`; NaN frames
    are filled first (fill_gaps)."""
    data = fill_gaps(values)
    stream = OneEuroStream(fps, min_cutoff, beta, d_cutoff)
    return np.array([stream(row) for row in data]).reshape(data.shape)


def settings(strength: float, responsiveness: float) -> tuple[float, float]:
    """The artist's strength and responsiveness (0-1 each) as the filter's minimum
    cut-off (10 Hz light down to 0.3 Hz strong, evenly in log) and speed coefficient."""
    strength = float(np.clip(strength, 0.0, 1.0))
    return (10.0 ** (1.0 - 1.5 * strength),
            0.5 * float(np.clip(responsiveness, 0.0, 1.0)) + 0.01)


def steady(values: np.ndarray, fps: float, strength: float = 0.5,
           responsiveness: float = 0.5) -> np.ndarray:
    """The artist's control: strength 0 leaves the landmarks as tracked (gaps filled),
    1 smooths a still pose to under a tenth of its jitter; responsiveness 0..1 lets fast
    moves through with less lag."""
    if strength <= 0.0:
        return fill_gaps(values)
    return one_euro(values, fps, *settings(strength, responsiveness))
