"""Open, inspect and repoint a .blend inside a bpy process."""

from __future__ import annotations

import os

import bpy

from ..core.errors import SceneError
from ..core.scene_info import SceneInfo

# Data-blocks that point at files outside the .blend.
_FILE_COLLECTIONS = ("images", "movieclips", "sounds", "fonts", "volumes", "cache_files",
                     "libraries")


def open_scene(path: str) -> None:
    """Open a .blend (UI-less), raising SceneError with Blender's reason when it cannot."""
    try:
        bpy.ops.wm.open_mainfile(filepath=path, load_ui=False)
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


def _file_set_kind(block) -> str | None:
    # Image sequences and UDIM textures store one path that stands for many files.
    source = getattr(block, "source", "")
    if source == "TILED":
        return "tiled"
    if source == "SEQUENCE":
        return "sequence"
    return None


def inspect_scene(scene=None) -> SceneInfo:
    """Describe the open scene: camera, frame range, output path and external files."""
    scene = scene or bpy.context.scene
    return SceneInfo(
        name=scene.name,
        camera=scene.camera.name if scene.camera else None,
        marker_cameras=sum(1 for marker in scene.timeline_markers if marker.camera),
        frame_start=scene.frame_start,
        frame_end=scene.frame_end,
        frame_step=scene.frame_step,
        engine=scene.render.engine,
        output_pattern=scene.render.filepath,
        dependencies=sorted({block.filepath for block in _file_users()}),
        file_sets={block.filepath: kind for block in _file_users()
                   if (kind := _file_set_kind(block))},
    )


def remap_dependencies(local_paths: dict[str, str]) -> int:
    """Point every data-block whose stored path is a key at the local copy; returns a count.

    Worker nodes do not see the artist's disks, so each file the scene uses is sent to
    the node and the scene is repointed at it, whatever OS the paths came from.
    """
    changed = 0
    for block in list(_file_users()):
        local = local_paths.get(block.filepath)
        if local is None:
            continue
        block.filepath = local
        if isinstance(block, bpy.types.Library):
            block.reload()
        elif isinstance(block, bpy.types.Image):
            block.reload()
        changed += 1
    return changed


def node_local_dir(root: str, *parts: str) -> str:
    """Make (if needed) and return a folder under a worker's own working folder."""
    path = os.path.join(root, *parts)
    os.makedirs(path, exist_ok=True)
    return path
