"""Files travel to workers through Ray's object store, content-addressed, once per node."""

from __future__ import annotations

import hashlib
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import ray
from metastudio.core.safe_output import write_file


@dataclass
class FilePayload:
    """A file's content in the object store, named by its sha256.

    The ObjectRef is kept inside a list so that passing the payload to an actor does not
    make Ray fetch the bytes: a worker fetches them only when its node lacks the file.
    """

    digest: str
    name: str
    size: int
    ref: list = field(default_factory=list)


class Uploader:
    """Puts files into the object store once per driver, keyed by content."""

    def __init__(self) -> None:
        self._by_digest: dict[str, FilePayload] = {}

    def put(self, path: Path, data: bytes | None = None) -> FilePayload:
        """Upload `path` (or reuse an earlier upload of the same content); `data`, when
        given, is its content already read."""
        data = Path(path).read_bytes() if data is None else data
        digest = hashlib.sha256(data).hexdigest()
        known = self._by_digest.get(digest)
        if known is not None:
            return FilePayload(digest, Path(path).name, known.size, known.ref)
        payload = FilePayload(digest, Path(path).name, len(data), [ray.put(data)])
        self._by_digest[digest] = payload
        return payload


def materialize(payload: FilePayload, cache_root: str) -> str:
    """Return a local path holding the payload's bytes, fetching them only if missing.

    The cache is shared by all workers of a node, so a node receives each file once;
    the write goes to a temporary name first, so a crash never leaves a partial file.
    """
    folder = os.path.join(cache_root, payload.digest[:2], payload.digest)
    local = os.path.join(folder, payload.name)
    if os.path.exists(local) and os.path.getsize(local) == payload.size:
        return local
    os.makedirs(folder, exist_ok=True)
    data = ray.get(payload.ref[0])
    temporary = f"{local}.part-{os.getpid()}"
    with open(temporary, "wb") as handle:
        handle.write(data)
    os.replace(temporary, local)
    return local


def place(payload: FilePayload, cache_root: str, target: str) -> str:
    """Make `target` hold the payload's bytes (linked from the node's cache); returns it."""
    cached = materialize(payload, cache_root)
    if os.path.exists(target) and os.path.samefile(target, cached):
        return target
    os.makedirs(os.path.dirname(target), exist_ok=True)
    temporary = f"{target}.part-{os.getpid()}"
    if os.path.exists(temporary):
        os.remove(temporary)
    try:
        os.link(cached, temporary)  # same disk: no second copy of the bytes
    except OSError:
        shutil.copyfile(cached, temporary)
    os.replace(temporary, target)
    return target


def write_atomically(path: Path, data: bytes) -> None:
    """Write `data` to `path` through a temporary name, so no half-written file is seen,
    making its folder if needed; what the path is (a link, a device) is not destroyed
    (see `safe_output`). OSError (an OutputError) naming the path when it cannot."""
    write_file(path, data, make_parents=True)
