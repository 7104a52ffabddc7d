"""A terminal progress bar: frames done of total, rate and time left."""

from __future__ import annotations

import json
import sys
import time


def _clock(seconds: float) -> str:
    seconds = int(max(0, seconds))
    hours, rest = divmod(seconds, 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}" if hours else f"{rest // 60}:{rest % 60:02d}"


class ProgressBar:
    """Draws one updating line on a terminal; prints a line every few seconds otherwise."""

    def __init__(self, total: int = 0, label: str = "frames", stream=None, width: int = 30,
                 interval: float = 5.0) -> None:
        self.total = total
        self.label = label
        self.stream = stream or sys.stderr
        self.width = width
        self.interval = interval
        self.done = 0
        self.failed = 0
        self.started = time.monotonic()
        self._last_line = 0.0
        self._tty = hasattr(self.stream, "isatty") and self.stream.isatty()

    def start(self, total: int) -> None:
        """Begin counting `total` items (the clock starts now)."""
        self.total = total
        self.started = time.monotonic()
        self.update(0)

    def line(self) -> str:
        elapsed = time.monotonic() - self.started
        rate = self.done / elapsed if elapsed > 0 else 0.0
        left = (self.total - self.done - self.failed) / rate if rate > 0 else None
        filled = int(self.width * self.done / self.total) if self.total else self.width
        bar = "#" * filled + "." * (self.width - filled)
        failed = f", {self.failed} failed" if self.failed else ""
        eta = _clock(left) if left is not None else "?"
        return (f"[{bar}] {self.done}/{self.total} {self.label}{failed}  "
                f"{rate:.2f}/s  elapsed {_clock(elapsed)}  left {eta}")

    def update(self, done: int, failed: int = 0) -> None:
        self.done, self.failed = done, failed
        now = time.monotonic()
        if self._tty:
            self.stream.write("\r" + self.line())
            self.stream.flush()
        elif now - self._last_line >= self.interval or done + failed >= self.total:
            self._last_line = now
            self.stream.write(self.line() + "\n")
            self.stream.flush()

    def close(self) -> None:
        if self._tty and self.total:
            self.stream.write("\n")
            self.stream.flush()


class JsonProgress:
    """One JSON object per line on stdout, for programs that drive the farm (the add-on).

    {"event": "start", "total": N}, then {"event": "frames", "done": n, "failed": m,
    "total": N} after every finished or failed frame, and {"event": "finished",
    "message": "job ...: n/N frames in ..."} at the end.
    """

    def __init__(self, stream=None) -> None:
        self.stream = stream or sys.stdout
        self.total = 0

    def _emit(self, **fields) -> None:
        self.stream.write(json.dumps(fields) + "\n")
        self.stream.flush()

    def start(self, total: int) -> None:
        self.total = total
        self._emit(event="start", total=total)

    def update(self, done: int, failed: int = 0) -> None:
        self._emit(event="frames", done=done, failed=failed, total=self.total)

    def finish(self, message: str) -> None:
        """The job's summary line, {"event": "finished", "message": ...}."""
        self._emit(event="finished", message=message)

    def close(self) -> None:
        pass
