"""What the farm needs to know about a scene, gathered by a worker, used by the driver."""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from .errors import SceneError


@dataclass
class SceneInfo:
    """A scene as a worker found it after opening the .blend."""

    name: str
    camera: str | None
    marker_cameras: int
    frame_start: int
    frame_end: int
    frame_step: int
    engine: str
    output_pattern: str
    dependencies: list[str] = field(default_factory=list)
    # Stored paths that stand for several files: "sequence" or "tiled" (UDIM).
    file_sets: dict[str, str] = field(default_factory=dict)
    fps: float = 24.0

    def require_camera(self) -> None:
        """Raise SceneError when no frame of this scene could be rendered for lack of a camera."""
        if self.camera is None and self.marker_cameras == 0:
            raise SceneError(f"scene {self.name!r} has no camera: add one or set Scene > Camera")


def _as_posix(path: str) -> str:
    # .blend files made on Windows carry backslashes; they are separators, never names.
    return path.replace("\\", "/")


def resolve_blend_path(raw: str, blend_dir: Path) -> Path:
    """Resolve a path as Blender stores it ("//rel/x.png" or absolute) against the .blend."""
    text = _as_posix(raw)
    if text.startswith("//"):
        return Path(posixpath.normpath(str(blend_dir / text[2:])))
    return Path(text)


def split_output_pattern(pattern: str, blend_dir: Path, out_dir: Path | None) -> tuple[Path, str]:
    """Split the scene's output path into (folder, file-name pattern).

    With `out_dir` the scene's folder is replaced and only its file-name part ("shot_####")
    is kept, so a scene saved on another OS still writes where the job says.
    """
    text = _as_posix(pattern or "")
    if text.endswith("/") or not text:
        folder, name = text, ""
    else:
        folder, name = posixpath.split(text)
    if out_dir is not None:
        return out_dir, name
    if not folder:
        return blend_dir, name
    return resolve_blend_path(folder if folder.endswith("/") else folder + "/", blend_dir), name


def relative_output_name(path: str, folder: str) -> str:
    """A frame file's name relative to the folder it was rendered into (POSIX form)."""
    return PurePosixPath(_as_posix(path)).relative_to(PurePosixPath(_as_posix(folder))).as_posix()


_UDIM_TOKENS = ("<UDIM>", "<UVTILE>")


def file_set_members(source: Path, kind: str) -> list[Path]:
    """The files behind one path of an image sequence or a UDIM texture.

    `kind` is "sequence" (the stored name is one frame: the last run of digits varies)
    or "tiled" (the name holds a <UDIM> or <UVTILE> token, or a 1001-style tile number).
    Returns the existing files, sorted; a plain file returns itself.
    """
    name = source.name
    if kind == "tiled":
        for token in _UDIM_TOKENS:
            if token in name:
                prefix, _, suffix = name.partition(token)
                return _numbered_siblings(source.parent, prefix, suffix, token == "<UDIM>")
    if kind in ("sequence", "tiled"):
        runs = list(re.finditer(r"\d+", name))
        if runs:
            match = runs[-1]
            return _numbered_siblings(source.parent, name[:match.start()], name[match.end():],
                                      kind == "tiled")
    return [source] if source.is_file() else []


def _numbered_siblings(folder: Path, prefix: str, suffix: str, udim_only: bool) -> list[Path]:
    if not folder.is_dir():
        return []
    pattern = re.compile(re.escape(prefix) + (r"(1\d{3})" if udim_only else r"(\d+)")
                         + re.escape(suffix) + "$")
    return sorted(p for p in folder.iterdir() if p.is_file() and pattern.match(p.name))


def mirror_path(tree: str, original: str) -> str:
    """Where a file of the artist's machine sits in a worker's mirror of its layout.

    "/proj/shot.blend" -> "<tree>/root/proj/shot.blend"; a Windows path keeps its drive as
    a folder ("C:/proj/x.png" -> "<tree>/C:/proj/x.png"). Relative paths inside the .blend
    and its libraries then resolve in the mirror exactly as on the artist's machine.
    """
    text = _as_posix(original)
    if text.startswith("/"):
        return posixpath.join(tree, "root", text.lstrip("/"))
    return posixpath.join(tree, text)


def original_path(tree: str, mirrored: str) -> str | None:
    """The artist's path of a file in the mirror, or None when it lies outside the tree."""
    tree = posixpath.normpath(tree)
    mirrored = posixpath.normpath(_as_posix(mirrored))
    if not mirrored.startswith(tree + "/"):
        return None
    rest = mirrored[len(tree) + 1:]
    if rest == "root" or rest.startswith("root/"):
        return "/" + rest[len("root/"):]
    return rest
