"""Where the command line's results go: a file, or stdout kept clean for them."""

from __future__ import annotations

import contextlib
import os
import sys
from pathlib import Path

from metastudio.core.safe_output import write_file


def write_text(path: Path, text: str, field: str = "json") -> None:
    """Write `text` to `path` (atomically, never destroying what the path is), or to
    stdout when the path is '-'; the path's folder must exist."""
    write_file(path, text.encode("utf-8"), field=field)



@contextlib.contextmanager
def stdout_to_stderr():
    """Send what is printed to file descriptor 1 (bpy's reports too) to stderr, so that
    stdout carries only the results asked for (`--json -`)."""
    sys.stdout.flush()
    saved = os.dup(1)
    try:
        os.dup2(2, 1)
        yield
    finally:
        sys.stdout.flush()
        os.dup2(saved, 1)
        os.close(saved)


def print_batch(report, made: str, out: Path) -> int:
    """A farm batch's warnings and failures by item, then its counts, on stderr; the
    command's exit code (1 if anything failed)."""
    for name, warnings in report.warnings.items():
        for warning in warnings:
            print(f"warning: {name}: {warning}", file=sys.stderr)
    for name, reason in report.failed.items():
        print(f"error: {name}: {reason}", file=sys.stderr)
    print(f"{report.done} {made}, {report.skipped} already done, {len(report.failed)} "
          f"failed; in {out}", file=sys.stderr)
    return 1 if report.failed else 0
