"""Files travel to workers through Ray's object store, content-addressed, once per node."""

from __future__ import annotations

import contextlib
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
    """Puts files into the object store once per driver, keyed by content, and lets them
    go when no job that put them is left (a long-running service would otherwise keep
    every scene and texture it was ever sent)."""

    def __init__(self) -> None:
        self._by_digest: dict[str, FilePayload] = {}
        self._owners: dict[str, set[str]] = {}

    def put(self, path: Path, data: bytes | None = None, owner: str = "") -> FilePayload:
        """Upload `path` (or reuse an earlier upload of the same content); `data`, when
        given, is its content already read; `owner` (a job) keeps it until released."""
        data = Path(path).read_bytes() if data is None else data
        digest = hashlib.sha256(data).hexdigest()
        self._owners.setdefault(digest, set()).add(owner)
        known = self._by_digest.get(digest)
        if known is not None:
            return FilePayload(digest, Path(path).name, known.size, known.ref)
        payload = FilePayload(digest, Path(path).name, len(data), [ray.put(data)])
        self._by_digest[digest] = payload
        return payload

    def release(self, owner: str) -> int:
        """Forget what `owner` put that no other owner holds; Ray frees each object once
        no payload refers to it. Returns how many were let go."""
        freed = 0
        for digest in [d for d, owners in self._owners.items() if owner in owners]:
            owners = self._owners[digest]
            owners.discard(owner)
            if not owners:
                del self._owners[digest]
                self._by_digest.pop(digest, None)
                freed += 1
        return freed


CACHE_LIMIT_ENV = "METASTUDIO_WORKER_CACHE_GB"
DEFAULT_CACHE_GB = 20.0


def cache_limit() -> int:
    """The most a node's cache of job files may hold, in bytes: $METASTUDIO_WORKER_CACHE_GB
    gigabytes (20 by default)."""
    try:
        gigabytes = float(os.environ.get(CACHE_LIMIT_ENV, DEFAULT_CACHE_GB))
    except ValueError:
        gigabytes = DEFAULT_CACHE_GB
    return int(max(gigabytes, 0.0) * 1e9)


def materialize(payload: FilePayload, cache_root: str) -> str:
    """Return a local path holding the payload's bytes, fetching them only if missing.

    The cache is shared by all workers of a node, so a node receives each file once;
    the write goes to a temporary name first, so a crash never leaves a partial file.
    A file used is marked fresh; when a new one arrives, the least recently used go
    until the cache is within its limit (files a job's folder links stay there).
    """
    folder = os.path.join(cache_root, payload.digest[:2], payload.digest)
    local = os.path.join(folder, payload.name)
    if os.path.exists(local) and os.path.getsize(local) == payload.size:
        os.utime(local)
        return local
    os.makedirs(folder, exist_ok=True)
    data = ray.get(payload.ref[0])
    temporary = f"{local}.part-{os.getpid()}"
    with open(temporary, "wb") as handle:
        handle.write(data)
    os.replace(temporary, local)
    evict(cache_root, cache_limit(), keep=local)
    return local


def evict(cache_root: str, limit: int, keep: str = "") -> int:
    """Remove the least recently used files of the cache until it holds at most `limit`
    bytes (never `keep`); returns how many bytes went."""
    entries = []
    for top, _dirs, files in os.walk(cache_root):
        for name in files:
            path = os.path.join(top, name)
            try:
                info = os.stat(path)
            except OSError:
                continue
            entries.append((info.st_mtime, info.st_size, path))
    total = sum(size for _, size, _ in entries)
    freed = 0
    for _, size, path in sorted(entries):
        if total - freed <= limit:
            break
        if path == keep or ".part-" in path:
            continue
        try:
            os.remove(path)
        except OSError:
            continue
        freed += size
        with contextlib.suppress(OSError):  # its digest's folder, once empty
            os.rmdir(os.path.dirname(path))
    return freed


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
