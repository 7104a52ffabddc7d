"""The farm's home on this machine: the folder holding the service's queue, its lock, its
token's hash and log, and the queue of jobs run embedded by the command line."""

from __future__ import annotations

import fcntl
import os
from pathlib import Path

from metastudio.core.errors import FarmError

from .queue import JobQueue, QueueError

SERVICE_QUEUE = "queue.sqlite"
EMBEDDED_QUEUE = "embedded.sqlite"
LOCK_FILENAME = "service.lock"
# A token for this machine's own user, made at each start of the service and readable by
# that user only: `metastudio render` and the other commands find the running service
# and use it with this token (as Jupyter's runtime files do), without the artist copying
# the service's token.
CLIENT_TOKEN_FILENAME = "client.token"


def default_home() -> Path:
    """$METASTUDIO_SERVICE_HOME, or ~/.local/share/metastudio/farm ($XDG_DATA_HOME)."""
    env = os.environ.get("METASTUDIO_SERVICE_HOME")
    if env:
        return Path(env)
    data = os.environ.get("XDG_DATA_HOME") or os.path.join(Path.home(), ".local", "share")
    return Path(data) / "metastudio" / "farm"


def open_queue(path: Path, verify: bool = True) -> JobQueue:
    """A queue file, checked before anything uses it (all of it when `verify`: see
    JobQueue); FarmError in one line saying what is wrong and how to move the file aside
    (it is left as it is)."""
    try:
        return JobQueue(path, verify)
    except QueueError as exc:
        raise unusable_queue(path, str(exc)) from None


def unusable_queue(path: Path, why: str) -> FarmError:
    """The one-line error for a queue file that cannot be used: what is wrong, and how to
    move the file aside (it is left as it is)."""
    return FarmError(f"queue: {path} {why}; the file is left as it is: move it aside "
                     f"(mv {path} {path}.broken) to start with an empty queue")


def hold_home(home: Path, url: str):
    """Take the home's service lock for this process's life (the returned file keeps it):
    one service per queue. FarmError naming the running one's pid and address when
    taken, or saying why the home cannot be used."""
    try:
        home.mkdir(parents=True, exist_ok=True)
        handle = open(home / LOCK_FILENAME, "a+")  # noqa: SIM115 (held until exit)
    except OSError as exc:
        raise FarmError(f"home: cannot use {home}: {exc.strerror}") from None
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        handle.seek(0)
        holder = handle.read().strip() or "a process"
        handle.close()
        raise FarmError(f"home: {home} is already served by {holder}; stop it first, or "
                        "give this one another --home") from None
    handle.seek(0)
    handle.truncate()
    handle.write(f"pid {os.getpid()} at {url}\n")
    handle.flush()
    return handle


def client_token(home: Path) -> str | None:
    """The running service's token for this user's own commands (None when unreadable)."""
    try:
        return (home / CLIENT_TOKEN_FILENAME).read_text().strip() or None
    except OSError:
        return None


def running_service(home: Path) -> str | None:
    """The address of the service that holds `home` now (None when none does)."""
    path = home / LOCK_FILENAME
    try:
        handle = open(path)  # noqa: SIM115
    except OSError:
        return None
    with handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except OSError:  # held: a service runs; its address is in the file
            text = handle.read().strip()
            _, _, url = text.partition(" at ")
            return url or None
        fcntl.flock(handle, fcntl.LOCK_UN)
        return None
