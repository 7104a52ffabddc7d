"""Cheap checks on .blend files without Blender: is this file a .blend at all?"""

from __future__ import annotations

from pathlib import Path

from .errors import SceneError

# A .blend starts with "BLENDER", or is wrapped in zstd (Blender 3.0+) or gzip (older).
_MAGICS = (b"BLENDER", b"\x28\xb5\x2f\xfd", b"\x1f\x8b")


def check_blend_file(path: Path) -> Path:
    """Return the resolved path of a readable .blend, or raise SceneError saying why not."""
    path = Path(path).expanduser()
    if not path.exists():
        raise SceneError(f"scene: file not found: {path}")
    if path.is_dir():
        raise SceneError(f"scene: {path} is a folder, not a .blend file")
    try:
        with path.open("rb") as handle:
            head = handle.read(8)
    except OSError as exc:
        raise SceneError(f"scene: cannot read {path}: {exc.strerror}") from exc
    if not head:
        raise SceneError(f"scene: {path} is empty")
    if not head.startswith(_MAGICS):
        raise SceneError(f"scene: {path} is not a .blend file")
    return path.resolve()
