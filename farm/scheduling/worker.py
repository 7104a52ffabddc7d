"""The render worker: a Ray actor that imports bpy once and renders many frames."""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import tempfile
import time
from collections import deque
from dataclasses import dataclass
from pathlib import Path

import ray
from metastudio.core.errors import MetastudioError
from metastudio.core.operator_steps import OperatorStep
from metastudio.core.render_job import RenderOverrides
from metastudio.core.scene_info import SceneInfo, mirror_path, relative_output_name

from .transfer import FilePayload, place, write_atomically

WORKER_DIR_ENV = "METASTUDIO_WORKER_DIR"
LOG_TAIL_LINES = 40


def worker_home() -> str:
    """This node's working folder for workers: cached inputs, frames in flight, logs."""
    root = os.environ.get(WORKER_DIR_ENV) or os.path.join(tempfile.gettempdir(),
                                                          "metastudio-worker")
    os.makedirs(root, exist_ok=True)
    return root


def log_relpath(job_id: str, frame: int, attempt: int) -> str:
    """Where, under a worker's home, the Blender log of one frame attempt is written."""
    return os.path.join("logs", job_id, f"frame-{frame}-attempt-{attempt}.log")


def tail(path: str, lines: int = LOG_TAIL_LINES) -> str:
    """The last lines of a text file ('' if it does not exist)."""
    try:
        with open(path, errors="replace") as handle:
            return "".join(deque(handle, maxlen=lines))
    except OSError:
        return ""


@ray.remote(num_cpus=0)
def read_node_log(relpath: str) -> str:
    """Read a log left on a node by a worker that has since died (pinned to that node)."""
    return tail(os.path.join(worker_home(), relpath))


@ray.remote(num_cpus=0)
def drop_job_files(job_id: str) -> None:
    """Remove an ended job's folder on this node (its mirror of the artist's files, its
    frames in flight, its logs): the files' bytes stay in the node's cache, which is
    bounded, until they are evicted there (pinned to a node by the caller)."""
    if not job_id or "/" in job_id or job_id.startswith("."):
        return
    home = worker_home()
    for folder in (os.path.join(home, "jobs", job_id), os.path.join(home, "logs", job_id)):
        shutil.rmtree(folder, ignore_errors=True)


@dataclass
class FrameOutcome:
    """What became of one frame on a worker."""

    frame: int
    seconds: float
    name: str = ""
    data: bytes | None = None
    error: str = ""
    log: str = ""


class RenderWorker:
    """Holds one open scene in a warm bpy and renders frames of it on request."""

    def __init__(self) -> None:
        self.home = worker_home()
        self.pid = os.getpid()
        self.scene = None
        self.job_id = ""
        self.tree: str | None = None
        self.local_blend = ""
        self._settings: tuple = ()
        self.render_dir = ""
        self.evaluate_only = False
        self.steps: list[OperatorStep] = []
        self.device = "CPU"

    def describe(self) -> dict:
        """Who this worker is: process id, host, node, working folder and Blender
        version (major, minor)."""
        import bpy

        context = ray.get_runtime_context()
        return {"pid": self.pid, "host": socket.gethostname(), "home": self.home,
                "node_id": context.get_node_id(), "device": self.device,
                "gpu_ids": context.get_accelerator_ids().get("GPU", []),
                "blender": list(bpy.app.version[:2])}

    def load(self, job_id: str, scene: FilePayload | str, source_path: str,
             overrides: RenderOverrides, threads: int, want_gpu: bool,
             evaluate_only: bool = False, steps: list[OperatorStep] = ()) -> SceneInfo:
        """Open the job's scene and report what it needs.

        The scene comes through the object store (a FilePayload) and is opened from a mirror
        of the artist's folders (`source_path` is where it lives there), so that relative
        paths in it and in its libraries resolve as they do for the artist; or it is a
        path on shared storage, opened in place. `steps` (metastudio operators) run on the
        scene each time it is opened, before anything is rendered. Raises SceneError when
        the file is not a usable scene or has no camera, OperatorError when a step fails.
        """
        # Forget the scene held before: if this load fails, no frame of this job can be
        # rendered from another job's scene.
        self.scene, self.job_id = None, job_id
        self.tree = self._dir("jobs", job_id, "tree")
        if isinstance(scene, str):
            self.local_blend, self.tree = scene, None
        else:
            self.local_blend = place(scene, self._dir("files"), mirror_path(self.tree,
                                                                           source_path))
        self._settings = (overrides, threads, want_gpu)
        self.evaluate_only = evaluate_only
        self.steps = list(steps)
        self.render_dir = self._dir("jobs", job_id, f"worker-{self.pid}")
        info = self._open()
        info.require_camera()
        return info

    def install_dependencies(self, files: dict[str, FilePayload | list[FilePayload]]
                             ) -> tuple[SceneInfo, list[str]]:
        """Put the scene's files in the mirror and reopen the scene so that it finds them.

        Keys are the files' paths on the artist's machine; a list is a set (image sequence,
        UDIM tiles) whose members sit side by side. Returns the scene as it now looks
        (libraries that arrived may use further files) and the absolute paths inside linked
        libraries that could not be repointed.
        """
        from metastudio.bl import scene_io

        cache = self._dir("files")
        for original, payload in files.items():
            target = mirror_path(self.tree, original)
            for member in payload if isinstance(payload, list) else [payload]:
                place(member, cache, os.path.join(os.path.dirname(target), member.name)
                      if isinstance(payload, list) else target)
        self._open()
        stuck = scene_io.repoint_outside_tree(self.tree)
        return scene_io.inspect_scene(self.scene, self.tree), stuck

    def _open(self) -> SceneInfo:
        from metastudio.bl import render, scene_io

        with render.capture_output(os.path.join(self._dir("logs", self.job_id), "load.log")):
            scene_io.open_scene(self.local_blend)
            if self.steps:
                from metastudio.runner import run_operator

                for step in self.steps:
                    run_operator(step.operator, step.params)
        import bpy

        self.scene = bpy.context.scene
        info = scene_io.inspect_scene(self.scene, self.tree)
        overrides, threads, want_gpu = self._settings
        render.apply_overrides(self.scene, overrides, threads)
        if self.scene.render.engine == "CYCLES":
            self.device = render.configure_cycles_device(self.scene, want_gpu).backend
        return info

    def render(self, frames: list[int], name_pattern: str, attempt: int,
               shared_out_dir: str | None = None, job_id: str | None = None
               ) -> list[FrameOutcome]:
        """Render frames; each comes back as bytes, or is written to `shared_out_dir`.

        A frame that fails does not stop the others; its outcome carries the error and
        the tail of Blender's log (a frame that succeeds carries the log too). With
        `job_id`, frames are rendered only if that job's scene is the one open.
        """
        from metastudio.bl import render

        outcomes = []
        for frame in frames:
            started = time.perf_counter()
            log = os.path.join(self.home, log_relpath(self.job_id, frame, attempt))
            os.makedirs(os.path.dirname(log), exist_ok=True)
            if job_id is not None and (job_id != self.job_id or self.scene is None):
                outcomes.append(FrameOutcome(frame, 0.0, error=f"frame {frame}: this worker "
                                             "could not open the job's scene"))
                continue
            try:
                if self.evaluate_only:
                    self.scene.frame_set(frame)
                    outcomes.append(FrameOutcome(frame, time.perf_counter() - started))
                    continue
                with render.capture_output(log):
                    path = render.render_frame(self.scene, frame, self.render_dir, name_pattern)
                name = relative_output_name(path, self.render_dir)
                outcome = self._deliver(frame, path, name, started, shared_out_dir)
                outcome.log = tail(log)
                outcomes.append(outcome)
            except (MetastudioError, RuntimeError, OSError) as exc:
                outcomes.append(FrameOutcome(frame, time.perf_counter() - started,
                                             error=str(exc), log=tail(log)))
        return outcomes

    def _deliver(self, frame: int, path: str, name: str, started: float,
                 shared_out_dir: str | None) -> FrameOutcome:
        if shared_out_dir is not None:
            target = Path(shared_out_dir) / name
            temporary = target.with_name(f".{target.name}.part-{self.pid}")
            target.parent.mkdir(parents=True, exist_ok=True)
            try:
                shutil.move(path, temporary)
                os.replace(temporary, target)
            except OSError as exc:
                temporary.unlink(missing_ok=True)
                raise OSError(exc.errno, f"cannot write {target}: {exc.strerror}") from None
            return FrameOutcome(frame, time.perf_counter() - started, name=name)
        with open(path, "rb") as handle:
            data = handle.read()
        os.remove(path)
        return FrameOutcome(frame, time.perf_counter() - started, name=name, data=data)

    def warm(self) -> dict:
        """Import Blender now, so that the first job does not wait for it; describe()."""
        import bpy  # noqa: F401

        return self.describe()

    def call(self, function, arguments: tuple) -> tuple:
        """Run `function(*arguments)` here (an operator batch's item), in this warm
        process; returns (result, the tail of what it printed). The open scene is
        forgotten: the function may have replaced it."""
        self.scene, self.job_id = None, ""
        log = os.path.join(self._dir("logs", "calls"), f"call-{time.time_ns()}.log")
        from metastudio.bl import render

        try:
            with render.capture_output(log):
                result = function(*arguments)
            return result, tail(log)
        finally:
            with contextlib.suppress(OSError):
                os.remove(log)

    def _dir(self, *parts: str) -> str:
        path = os.path.join(self.home, *parts)
        os.makedirs(path, exist_ok=True)
        return path


def save_frame(out_dir: Path, outcome: FrameOutcome) -> None:
    """Write a frame that came back from a worker into the output folder, atomically."""
    if outcome.data is None:
        return
    write_atomically(Path(out_dir) / outcome.name, outcome.data)

