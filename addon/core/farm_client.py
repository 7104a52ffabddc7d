"""Running a render on the farm from another program (the Blender add-on), no bpy.

The farm is a separate process: `metastudio render ... --progress json`. A reader thread
turns its JSON lines into events on a queue; `poll()` drains the queue, so a caller on
Blender's main thread (a modal timer, or `execute()` looping) never blocks on I/O.
"""

from __future__ import annotations

import json
import queue
import shutil
import signal
import subprocess
import threading
from dataclasses import dataclass
from pathlib import Path

from .errors import FarmError
from .render_job import RenderSettings


@dataclass
class FarmProgress:
    """What is known so far about a running render."""

    total: int = 0
    done: int = 0
    failed: int = 0
    finished: bool = False
    returncode: int | None = None
    message: str = ""

    @property
    def fraction(self) -> float:
        return (self.done + self.failed) / self.total if self.total else 0.0


def render_command(executable: str, scene: Path, settings: RenderSettings) -> list[str]:
    """The `metastudio render` command line that renders `scene` with `settings`."""
    command = [executable, "render", str(scene), "--progress", "json", "--step",
               str(settings.step), "--chunk", str(settings.resources.chunk),
               "--max-attempts", str(settings.resources.max_attempts)]
    optional = {
        "--frames": settings.frames,
        "--out": settings.output.directory,
        "--engine": settings.overrides.engine,
        "--samples": settings.overrides.samples,
        "--format": settings.overrides.file_format,
        "--workers": settings.resources.workers,
        "--cpus-per-worker": settings.resources.cpus_per_worker,
        "--frame-timeout": settings.resources.frame_timeout,
        "--address": settings.resources.address,
    }
    if settings.overrides.resolution:
        optional["--resolution"] = "{}x{}".format(*settings.overrides.resolution)
    for flag, value in optional.items():
        if value is not None:
            command += [flag, str(value)]
    for flag, on in (("--no-persistent-data", not settings.overrides.persistent_data),
                     ("--cpu-only", not settings.resources.use_gpu),
                     ("--shared-storage", settings.resources.shared_storage)):
        if on:
            command.append(flag)
    return command


def find_farm_command(configured: str = "") -> str:
    """The `metastudio` executable to run: the configured one, else the one on PATH."""
    candidate = configured or shutil.which("metastudio")
    if not candidate or not Path(candidate).is_file():
        raise FarmError("farm: the metastudio command was not found; install metastudio "
                        "and set its path in the add-on's preferences")
    return candidate


class FarmProcess:
    """One `metastudio render` run, watched without blocking."""

    def __init__(self, command: list[str]) -> None:
        self.progress = FarmProgress()
        self._events: queue.Queue = queue.Queue()
        self._errors: list[str] = []
        self._process = subprocess.Popen(command, stdout=subprocess.PIPE,
                                         stderr=subprocess.PIPE, text=True, bufsize=1)
        self._readers = [threading.Thread(target=self._read_events, daemon=True),
                         threading.Thread(target=self._read_errors, daemon=True)]
        for reader in self._readers:
            reader.start()

    def _read_events(self) -> None:
        for line in self._process.stdout:
            try:
                self._events.put(json.loads(line))
            except json.JSONDecodeError:
                self._events.put({"event": "text", "text": line.strip()})
        self._events.put({"event": "closed"})

    def _read_errors(self) -> None:
        for line in self._process.stderr:
            self._errors.append(line.rstrip())

    def poll(self) -> FarmProgress:
        """Take in everything the farm has said since the last call."""
        while True:
            try:
                event = self._events.get_nowait()
            except queue.Empty:
                break
            kind = event.get("event")
            if kind == "start":
                self.progress.total = event["total"]
            elif kind == "frames":
                self.progress.done, self.progress.failed = event["done"], event["failed"]
            elif kind == "text" and event["text"]:
                self.progress.message = event["text"]
            elif kind == "finished":
                self.progress.message = event["message"]
            elif kind == "closed":
                self._finish()
        return self.progress

    def _finish(self) -> None:
        self.progress.returncode = self._process.wait()
        for reader in self._readers:
            reader.join(timeout=5)
        errors = [line for line in self._errors if line.startswith("error:")]
        if self.progress.returncode != 0:
            self.progress.message = (errors[0].removeprefix("error: ") if errors
                                     else (self._errors[-1] if self._errors else
                                           f"the farm stopped with code "
                                           f"{self.progress.returncode}"))
        self.progress.finished = True

    def cancel(self) -> None:
        """Stop the render as Ctrl-C would; frames already done are kept for a resume."""
        if self._process.poll() is None:
            self._process.send_signal(signal.SIGINT)
