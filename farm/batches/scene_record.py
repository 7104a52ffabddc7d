"""Whether a scene script's .blend must be built again: a record beside it
(<stem>.build.json) of what it was built from (the script as resolved, with the command
line's output settings, each file it names, the tool's version) and of the .blend's data
when it was saved.

Run again with nothing changed, `metastudio scene` keeps the .blend, so the farm job is
the same one and renders only the frames it lacks. A changed script or input rebuilds it.
A .blend changed by hand since it was built is the artist's: kept as it is when the
script is unchanged, and never written over when the script has changed.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from metastudio.core.blendfile import scene_digest
from metastudio.core.errors import JobSpecError


def record_path(blend: Path) -> Path:
    """Where the build record of a .blend is kept."""
    return blend.with_name(blend.stem + ".build.json")


def inputs_digest(script) -> str:
    """A digest of what a build depends on: the script's fields (output overrides
    included), the content of each file it names (recordings; a performer's clip or
    folder of frames by names, sizes and times) and metastudio's version."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        tool = version("metastudio")
    except PackageNotFoundError:
        tool = "unknown"
    fields = script.model_dump(mode="json")
    digest = hashlib.sha256(json.dumps([tool, fields], sort_keys=True).encode())
    for path in sorted(_paths(fields)):
        digest.update(path.encode())
        file = Path(path)
        if file.is_file():
            digest.update(hashlib.sha256(file.read_bytes()).digest())
        elif file.is_dir():
            for item in sorted(p for p in file.rglob("*") if p.is_file()):
                stat = item.stat()
                digest.update(f"{item.relative_to(file)}:{stat.st_size}:"
                              f"{stat.st_mtime_ns}".encode())
    return digest.hexdigest()


def _paths(value) -> list[str]:
    """The file paths among a model dump's strings (absolute, as load_script made them)."""
    if isinstance(value, dict):
        return [p for v in value.values() for p in _paths(v)]
    if isinstance(value, list):
        return [p for v in value for p in _paths(v)]
    if isinstance(value, str) and Path(value).is_absolute() and Path(value).exists():
        return [value]
    return []


def needs_build(blend: Path, inputs: str) -> bool:
    """Whether the .blend must be built (again) for these inputs. Raises JobSpecError
    rather than let a build write over a .blend that is not the last build's as it was
    saved (changed by hand, or made by something else)."""
    if not blend.exists():
        return True
    record = record_path(blend)
    try:
        saved = json.loads(record.read_text())
    except (OSError, ValueError):
        saved = None
    if saved is None:
        raise JobSpecError(f"out: {blend} exists and was not made by `metastudio scene` "
                           f"(no {record.name} beside it); move it or give another --out")
    untouched = saved.get("blend") == scene_digest(blend)
    if saved.get("inputs") == inputs:
        return False  # up to date, or refined by hand: either way it is kept
    if not untouched:
        raise JobSpecError(f"out: {blend} was changed after it was built and the script "
                           f"has changed too; a new build would write over that work: move "
                           f"it or give another --out")
    return True


def write_record(blend: Path, inputs: str) -> None:
    """Record what the .blend was just built from and its data as saved."""
    record = record_path(blend)
    partial = record.with_name(record.name + ".partial")
    partial.write_text(json.dumps({"inputs": inputs, "blend": scene_digest(blend)}))
    partial.replace(record)
