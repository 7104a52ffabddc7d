"""What a .blend will read and write, found without Blender, so that the service can
refuse a scene that reaches outside its roots before any worker opens it.

Blender Studio's asset tracer (`blender_asset_tracer`, the dependency tracer behind
Flamenco's packer) walks the file's data-blocks: images (sequences and UDIM tiles),
movie clips, sounds, fonts, caches, volumes and linked libraries, following each
library into its own blocks. Its iterator is given the service's roots so that a
library outside them is refused before it is opened.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from metastudio.core.errors import SceneError
from metastudio.core.scene_info import resolve_blend_path

# The tracer keeps the files it opened in one cache for the whole process, closed after
# each scan: scans from the API's threads take turns (each takes milliseconds).
_ONE_AT_A_TIME = threading.Lock()
# Scans kept: resolved path -> (the .blend files read, their signature, the answer).
_SCANNED: OrderedDict[Path, tuple[list[Path], tuple, list[BlendPath]]] = OrderedDict()
_SCANS_KEPT = 256


@dataclass(frozen=True)
class BlendPath:
    """A path the scene uses: which data-block, what for, and where it points."""

    block: str  # the data-block's name as Blender shows it, e.g. "image 'wood'"
    path: Path
    write: bool = False


class OutsideRoots(Exception):
    """A linked library outside the roots, met while tracing (not opened)."""

    def __init__(self, usage: BlendPath) -> None:
        super().__init__(str(usage.path))
        self.usage = usage


_KINDS = {b"IM": "image", b"LI": "library", b"SO": "sound", b"MC": "movie clip",
          b"VF": "font", b"CF": "cache file", b"VO": "volume", b"TX": "text",
          b"SC": "scene", b"OB": "object", b"ME": "mesh", b"NT": "node group"}


def _block_name(name: bytes) -> str:
    code, label = name[:2], name[2:].decode("utf-8", "replace")
    return f"{_KINDS.get(code, code.decode('ascii', 'replace'))} '{label}'"


def scan_blend(path: Path, allowed: Callable[[Path], bool]) -> list[BlendPath]:
    """Every file the scene at `path` reads (images, sequences, libraries, caches...) and
    the output path of each of its scenes (`write=True`). `allowed(path)` is asked before
    a linked library is opened: a library it refuses is reported and not read.

    A scan takes about 20 ms (the tracer decodes the file's DNA in Python), so the answer
    is kept while none of the .blend files it read has changed (size, time, inode): a
    studio submits the same scene again and again.

    Raises SceneError when the file cannot be parsed, OutsideRoots for a refused library.
    """
    from blender_asset_tracer.trace import file2blocks

    opened: list[Path] = []

    class RootedIterator(file2blocks.BlockIterator):
        def open_blendfile(self, bfilepath: Path):
            if Path(bfilepath).resolve() != path.resolve() and not allowed(Path(bfilepath)):
                raise OutsideRoots(BlendPath("a linked library", Path(bfilepath)))
            opened.append(Path(bfilepath))
            return super().open_blendfile(bfilepath)

    key = Path(path).resolve()
    with _ONE_AT_A_TIME:
        known = _SCANNED.get(key)
        if known is not None and _signature(known[0]) == known[1]:
            _SCANNED.move_to_end(key)
            return list(known[2])
        found = _scan(path, RootedIterator)
        _SCANNED[key] = (list(opened), _signature(opened), found)
        if len(_SCANNED) > _SCANS_KEPT:
            _SCANNED.popitem(last=False)
        return list(found)


def _signature(paths: list[Path]) -> tuple:
    """What changes when any of `paths` is rewritten (None for one that is gone)."""
    marks = []
    for path in paths:
        try:
            info = path.stat()
            marks.append((info.st_ino, info.st_size, info.st_mtime_ns))
        except OSError:
            marks.append(None)
    return tuple(marks)


def _scan(path: Path, iterator_type) -> list[BlendPath]:
    from blender_asset_tracer import blendfile, trace
    from blender_asset_tracer.blendfile.exceptions import BlendFileError
    from blender_asset_tracer.trace import blocks2assets

    found: list[BlendPath] = []
    try:
        iterator = iterator_type()
        bfile = iterator.open_blendfile(path)
        seen = set()
        for block in trace.asset_holding_blocks(iterator.iter_blocks(bfile)):
            for usage in blocks2assets.iter_assets(block):
                if hash(usage) in seen:
                    continue
                seen.add(hash(usage))
                target = Path(str(usage.abspath))
                if usage.is_sequence:  # a pattern (frames, <UDIM>): the folder is used
                    target = target.parent
                found.append(BlendPath(_block_name(usage.block_name), target))
        for scene in bfile.find_blocks_from_code(b"SC"):
            output = scene.get((b"r", b"pic"), default=b"")
            text = output.decode("utf-8", "replace") if isinstance(output, bytes) else output
            if text:
                found.append(BlendPath(f"{_block_name(scene.id_name)} output",
                                       resolve_blend_path(text, path.parent), write=True))
    except OutsideRoots:
        raise
    except (BlendFileError, OSError, ValueError, KeyError, EOFError) as exc:
        raise SceneError(f"scene: {path} cannot be read for the files it uses ({exc})"
                         ) from None
    finally:
        blendfile.close_all_cached()
    return found
