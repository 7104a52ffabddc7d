"""A caller-set limit on which files validation and planning may look at (no bpy).

The farm service accepts jobs from a team: every path a job names must be inside the
service's roots, and that must be decided before anything looks at the path, or a
"no such file" against an "outside the folders" answer tells a client what exists
outside them. Code that checks a file while validating a spec or planning a job calls
`check_allowed` first; outside a guarded block (the command line, the add-on) it does
nothing.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from pathlib import Path

_GUARD: ContextVar[Callable[[Path], None] | None] = ContextVar("metastudio_path_guard",
                                                               default=None)


@contextlib.contextmanager
def guarded(check: Callable[[Path], None]) -> Iterator[None]:
    """Within the block, `check(path)` (raising ValueError) runs before any file named
    by a spec is looked at."""
    token = _GUARD.set(check)
    try:
        yield
    finally:
        _GUARD.reset(token)


def check_allowed(path: Path | str) -> None:
    """ValueError when the guard in force refuses `path`; nothing when none is in force."""
    check = _GUARD.get()
    if check is not None:
        check(Path(path))
