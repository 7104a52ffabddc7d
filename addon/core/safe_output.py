"""Writing a result to a path without destroying what the path already is (no bpy).

A result is written to a temporary name beside its place and renamed over it, so no
half-written file is ever seen. Renaming over a path replaces whatever it was: as root,
`--json /dev/null` turned the device into a plain file, and a link or a named pipe given
as an output became a file too. So only a regular file (or nothing) is replaced: a link
is followed and its target replaced, the link kept; a device or a named pipe is written
through; `-` is standard output. A new file gets the mode the umask gives (a temporary
file is private until renamed), an existing one keeps its own.
"""

from __future__ import annotations

import os
import stat
import sys
import tempfile
from pathlib import Path

from .errors import MetastudioError


class OutputError(MetastudioError, OSError):
    """An output cannot be written where it was asked for (the message names it). An
    OSError too, so that code catching the system's write errors catches it."""


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def resolve_output(path: Path | str, make_parents: bool = False, field: str = "out") -> Path:
    """Where writing `path` really goes (a link's target), checked: OutputError when it
    is a folder, or when its folder is missing and `make_parents` is not set."""
    target = Path(os.path.realpath(path))
    if target.is_dir():
        raise OutputError(f"{field}: {path} is a folder, not a file")
    if not target.parent.is_dir():
        if not make_parents:
            raise OutputError(f"{field}: the folder {Path(path).parent} does not exist")
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise OutputError(f"{field}: cannot make the folder {target.parent}: "
                              f"{exc.strerror}") from None
    return target


def _streams_through(target: Path) -> bool:
    """A device, a named pipe or a socket: written as it is, never replaced."""
    try:
        mode = os.stat(target).st_mode
    except FileNotFoundError:
        return False
    return not stat.S_ISREG(mode)


def write_file(path: Path | str, data: bytes, make_parents: bool = False,
               field: str = "out") -> None:
    """Write `data` to `path` (see the module): `-` is standard output."""
    if str(path) == "-":
        sys.stdout.flush()  # what was printed before comes first
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return
    target = resolve_output(path, make_parents, field)
    if _streams_through(target):
        with open(target, "wb") as handle:
            handle.write(data)
        return
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.",
                                         suffix=".part")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        move_into(temporary, target)
    except OSError as exc:
        Path(temporary).unlink(missing_ok=True)
        raise OutputError(f"{field}: cannot write {path}: {exc.strerror}") from None


def leftovers(folder: Path | str, older_than: float) -> list[Path]:
    """Temporary files `write_file` left in `folder` (".NAME.XXXXXXXX.part", regular
    files) last written before `older_than` (a time.time()): what a process killed in
    the middle of a write leaves, and no live writer of this process's is still using."""
    found = []
    for path in Path(folder).glob(".*.part"):
        try:
            info = os.lstat(path)
        except FileNotFoundError:
            continue
        if stat.S_ISREG(info.st_mode) and info.st_mtime < older_than:
            found.append(path)
    return found


def move_into(temporary: Path | str, path: Path | str) -> None:
    """Put a finished temporary file (beside `path`, same disk) in `path`'s place with
    the mode it should have, or copy it through when `path` is a device or a pipe."""
    target = Path(os.path.realpath(path))
    if _streams_through(target):
        with open(temporary, "rb") as source, open(target, "wb") as sink:
            while chunk := source.read(1 << 20):
                sink.write(chunk)
        os.unlink(temporary)
        return
    try:
        mode = stat.S_IMODE(os.stat(target).st_mode)
    except FileNotFoundError:
        mode = 0o666 & ~_umask()
    os.chmod(temporary, mode)
    os.replace(temporary, target)
