"""Open, inspect and repoint a .blend inside a bpy process."""

from __future__ import annotations

import os
import posixpath
import tempfile
import time
from pathlib import Path

import bpy

from ..core.errors import SceneError
from ..core.scene_info import SceneInfo, mirror_path, original_path

# Data-blocks that point at files outside the .blend.
_FILE_COLLECTIONS = ("images", "movieclips", "sounds", "fonts", "volumes", "cache_files",
                     "libraries")


def open_scene(path: str) -> None:
    """Open a .blend (UI-less), raising SceneError with Blender's reason when it cannot."""
    try:
        # Never the file's own scripts (Python drivers, auto-run text blocks): a farm
        # opens files it was sent, whatever Blender's preferences say.
        bpy.ops.wm.open_mainfile(filepath=path, load_ui=False, use_scripts=False)
    except RuntimeError as exc:
        reason = str(exc).strip().splitlines()[-1].removeprefix("Error: ")
        raise SceneError(f"scene: cannot open {path}: {reason}") from None


def _file_users():
    for collection_name in _FILE_COLLECTIONS:
        for block in getattr(bpy.data, collection_name):
            path = getattr(block, "filepath", "")
            packed = getattr(block, "packed_file", None) or getattr(block, "packed_files", None)
            if path and not packed and not str(path).startswith("<builtin>"):
                yield block


def _absolute(block) -> str:
    # A path inside a linked library is relative to that library, not to the open file.
    library = getattr(block, "library", None)
    path = bpy.path.abspath(block.filepath, library=library) if library else \
        bpy.path.abspath(block.filepath)
    return posixpath.normpath(path.replace("\\", "/"))


def _file_set_kind(block) -> str | None:
    # Image sequences and UDIM textures store one path that stands for many files.
    source = getattr(block, "source", "")
    if source == "TILED":
        return "tiled"
    if source == "SEQUENCE":
        return "sequence"
    return None


def _as_original(block, tree: str | None) -> str:
    path = _absolute(block)
    if tree is None:
        return path
    return original_path(tree, path) or path


def inspect_scene(scene=None, tree: str | None = None) -> SceneInfo:
    """Describe the open scene: camera, frame range, output path and the files it uses.

    Files are given as absolute paths on the artist's machine: when the .blend was opened
    from a mirror of that machine's layout (`tree`), mirrored paths are translated back.
    """
    scene = scene or bpy.context.scene
    users = list(_file_users())
    return SceneInfo(
        name=scene.name,
        camera=scene.camera.name if scene.camera else None,
        marker_cameras=sum(1 for marker in scene.timeline_markers if marker.camera),
        frame_start=scene.frame_start,
        frame_end=scene.frame_end,
        frame_step=scene.frame_step,
        engine=scene.render.engine,
        output_pattern=scene.render.filepath,
        dependencies=sorted({_as_original(block, tree) for block in users}),
        file_sets={_as_original(block, tree): kind for block in users
                   if (kind := _file_set_kind(block))},
        fps=scene.render.fps / scene.render.fps_base,
    )


def repoint_outside_tree(tree: str) -> list[str]:
    """Point the open file's absolute paths at their copies in the mirror `tree`.

    Relative paths already resolve inside the mirror. A linked library's own absolute
    paths cannot be edited from here; they are returned so the caller can warn.
    """
    stuck = []
    for block in list(_file_users()):
        path = _absolute(block)
        if original_path(tree, path) is not None:
            continue
        local = mirror_path(tree, path)
        if getattr(block, "library", None) is not None:
            stuck.append(path)
            continue
        if os.path.exists(local) or "<" in local:
            block.filepath = local
            if isinstance(block, bpy.types.Library):
                block.reload()
    return stuck


def require_saved() -> str:
    """The open file's path; SceneError if it was never saved."""
    if not bpy.data.filepath:
        raise SceneError("scene: save the .blend first; the farm renders a saved copy of it")
    return bpy.data.filepath


def save_farm_copy(unique: bool = False) -> str:
    """Save a copy of the open file for the farm, leaving the artist's file untouched.

    The copy goes to `.metastudio/<name>.farm.blend` beside the file, with relative paths
    remapped, and always has the same name so that a resubmission can resume. `unique`
    adds the time instead (a queued job keeps its own copy while the artist works on).
    """
    require_saved()
    folder = os.path.join(os.path.dirname(bpy.data.filepath), ".metastudio")
    os.makedirs(folder, exist_ok=True)
    name = os.path.splitext(os.path.basename(bpy.data.filepath))[0]
    if unique:
        name += "." + time.strftime("%Y%m%d-%H%M%S") + f"-{time.time_ns() % 1000:03d}"
    target = os.path.join(folder, f"{name}.farm.blend")
    bpy.ops.wm.save_as_mainfile(filepath=target, copy=True, relative_remap=True)
    return target


def saved_blend() -> bytes:
    """The open scene as a compressed .blend, without changing which file is open."""
    with tempfile.TemporaryDirectory(prefix="metastudio-save-") as folder:
        path = Path(folder) / "scene.blend"
        bpy.ops.wm.save_as_mainfile(filepath=str(path), compress=True, copy=True)
        return path.read_bytes()
