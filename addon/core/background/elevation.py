"""Terrain from a real elevation map instead of noise (no bpy): a grid of heights read
from a .npy or .npz file (or an image, read by the Blender side), cropped to a square,
resampled to the detail level's grid and scaled to the spec's relief.

Two real maps install with matplotlib (a dependency; its sample data):
"sample:jacksboro" (a fault in Tennessee, a USGS DEM) and "sample:topobathy" (a coast,
land and sea floor in one map: below 0 is under the sea).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ..errors import MetastudioError
from ..packages import package_file
from .terrain import GRID, HeightField

SAMPLES = {"sample:jacksboro": "jacksboro_fault_dem.npz",
           "sample:topobathy": "topobathy.npz"}
SAMPLES_HINT = "pip install matplotlib==3.10.7"


class ElevationMapError(MetastudioError):
    """An elevation map that cannot be used."""


def sample_path(name: str) -> Path:
    """Where a bundled sample map is, or a clear error saying how to install it."""
    path = package_file("matplotlib", "mpl-data", "sample_data", SAMPLES[name])
    if path is None:
        raise ElevationMapError(f"elevation_map: {name} needs matplotlib's sample data "
                                f"({SAMPLES_HINT})")
    return path


def read_elevation(source: str) -> np.ndarray:
    """The heights in a .npy/.npz file or a bundled sample (2D, metres or any unit)."""
    path = sample_path(source) if source in SAMPLES else Path(source)
    if not path.is_file():
        raise ElevationMapError(f"elevation_map: {source} does not exist")
    try:
        if path.suffix.lower() == ".npz":
            with np.load(path) as data:
                # The first 2D array in it (matplotlib's maps keep it under "elevation").
                key = "elevation" if "elevation" in data.files else next(
                    (k for k in data.files if data[k].ndim == 2), None)
                if key is None:
                    raise ElevationMapError(f"elevation_map: {source} holds no 2D array")
                heights = data[key]
        elif path.suffix.lower() == ".npy":
            heights = np.load(path, allow_pickle=False)
        else:
            raise ElevationMapError(f"elevation_map: {source}: give a .npy or .npz file, "
                                    "an image, or one of " + ", ".join(SAMPLES))
    except (ValueError, OSError) as exc:
        raise ElevationMapError(f"elevation_map: {source} cannot be read ({exc})") from exc
    return check_heights(heights, source)


# The image formats Blender reads heights from, by their first bytes.
_IMAGE_MAGICS = (b"\x89PNG", b"\xff\xd8\xff", b"II*\x00", b"MM\x00*", b"v/1\x01")


def check_elevation_source(source: str) -> None:
    """ElevationMapError unless `source` is a usable map: a .npy/.npz grid or a sample
    is read whole; an image (read by Blender later) must at least be an image file."""
    if source in SAMPLES or Path(source).suffix.lower() in (".npy", ".npz"):
        read_elevation(source)
        return
    path = Path(source)
    try:
        with path.open("rb") as handle:
            head = handle.read(8)
    except OSError as exc:
        raise ElevationMapError(f"elevation_map: {source} cannot be read "
                                f"({exc.strerror})") from None
    if not head.startswith(_IMAGE_MAGICS):
        raise ElevationMapError(f"elevation_map: {source} is not a height image (PNG, "
                                "JPEG, TIFF, EXR) nor a .npy/.npz grid")


def check_heights(heights: np.ndarray, source: str) -> np.ndarray:
    """A usable 2D grid of finite heights (NaN holes filled with the lowest height)."""
    heights = np.asarray(heights, dtype=np.float64)
    if heights.ndim != 2 or min(heights.shape) < 4:
        raise ElevationMapError(f"elevation_map: {source} is not a 2D grid of at least "
                                f"4x4 heights (shape {heights.shape})")
    finite = np.isfinite(heights)
    if not finite.any():
        raise ElevationMapError(f"elevation_map: {source} has no finite height")
    return np.where(finite, heights, heights[finite].min())


def _resample(grid: np.ndarray, size: int) -> np.ndarray:
    """Bilinear resampling of a square grid to size x size."""
    n = grid.shape[0]
    t = np.linspace(0, n - 1, size)
    i = np.minimum(t.astype(int), n - 2)
    f = t - i
    rows = grid[i] * (1 - f)[:, None] + grid[i + 1] * f[:, None]
    return rows[:, i] * (1 - f)[None, :] + rows[:, i + 1] * f[None, :]


def map_terrain(heights: np.ndarray, extent: float, detail: str,
                relief: float) -> tuple[HeightField, float | None]:
    """The map's middle square as terrain `relief` metres from lowest to highest, and the
    sea level in the same metres when the map has ground below 0 (a topobathy map), else
    None. Rows run north to south in maps; the terrain's rows run south to north."""
    n = min(heights.shape)
    top, left = (heights.shape[0] - n) // 2, (heights.shape[1] - n) // 2
    square = _resample(heights[top:top + n, left:left + n][::-1], GRID[detail])
    low, high = float(square.min()), float(square.max())
    span = max(high - low, 1e-9)
    scaled = (square - low) / span * relief
    sea = (0.0 - low) / span * relief if low < 0 < high else None
    return HeightField(scaled, extent), sea
