"""Runs a RenderJob on Ray: warm workers, frames handed out as workers free up, retries."""

from __future__ import annotations

import statistics
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import ray
from metastudio.core.blendfile import scene_digest
from metastudio.core.errors import FarmError, MetastudioError
from metastudio.core.render_job import RenderJob
from metastudio.core.scene_info import (
    SceneInfo,
    file_set_members,
    split_output_pattern,
)
from ray.exceptions import GetTimeoutError, RayActorError, RayTaskError
from ray.util.scheduling_strategies import NodeAffinitySchedulingStrategy

from . import job_store
from .cluster import live_nodes, node_is_alive, ray_session
from .job_store import JobStore, store_path
from .placement import WorkerSlot, plan_workers
from .transfer import FilePayload, Uploader
from .worker import FrameOutcome, RenderWorker, log_relpath, read_node_log, save_frame

# A worker imports bpy and opens the scene; far longer than this means it cannot start.
_WORKER_START_SECONDS = 600
_STOP_GRACE_SECONDS = 10
# Libraries can link libraries; each round of discovery finds one more level.
_MAX_DISCOVERY_ROUNDS = 16
# Frames quicker than this are pipelined several deep so that no worker waits on a round trip.
_QUICK_FRAME_SECONDS = 0.05
_PIPELINE_DEPTH = 4


@dataclass
class Assignment:
    """Frames sent to one worker in one call."""

    ref: ray.ObjectRef
    frames: list[int]
    attempts: dict[int, int]
    started: float | None = None


@dataclass
class Worker:
    """A live worker actor as the scheduler tracks it."""

    slot: WorkerSlot
    actor: ray.actor.ActorHandle
    setup_ref: ray.ObjectRef | None
    name: str = "?"
    pid: int = 0
    queue: deque[Assignment] = field(default_factory=deque)
    ready: bool = False
    timed_out: bool = False
    description: dict = field(default_factory=dict)


@dataclass
class JobReport:
    """How a job ended."""

    job_id: str
    out_dir: Path
    total: int
    skipped: int
    done: int
    failed: dict[int, str]
    seconds: float
    workers: int
    warnings: list[str]

    @property
    def ok(self) -> bool:
        return not self.failed


FrameHook = Callable[["RenderRun", FrameOutcome], None]


class RenderRun:
    """One run of a RenderJob: call `run()` once."""

    def __init__(self, job: RenderJob, progress=None, on_frame: FrameHook | None = None,
                 evaluate_only: bool = False) -> None:
        self.job = job
        self.progress = progress
        self.on_frame = on_frame
        self.evaluate_only = evaluate_only
        self.workers: list[Worker] = []
        self.warnings: list[str] = []
        self.info: SceneInfo | None = None
        self._uploader = Uploader()
        self._scene: FilePayload | str | None = None
        self._dependencies: dict[str, FilePayload | list[FilePayload]] = {}
        self._recent_seconds: deque[float] = deque(maxlen=32)
        self._replacements_left = 0

    # ----- public -------------------------------------------------------------------
    def run(self) -> JobReport:
        """Render every frame the job still lacks; return a report (failed frames in it)."""
        with ray_session(self.job.resources.address):
            try:
                return self._run()
            finally:
                self._stop_workers()

    def busy_workers(self) -> list[Worker]:
        """Workers that are in the middle of a frame right now."""
        return [w for w in self.workers if w.ready and w.queue and w.queue[0].started]

    # ----- set-up -------------------------------------------------------------------
    def _run(self) -> JobReport:
        started = time.monotonic()
        job = self.job
        resources = job.resources
        content = job.scene.read_bytes()  # read once: for the upload and the job's name
        if resources.shared_storage:
            self._scene = str(job.scene)
        else:
            self._scene = self._uploader.put(job.scene, content)
        # The job is named by the scene's data, not its bytes: a file saved again from a
        # session whose UI changed is the same job, and resumes.
        self.job_id = job.job_id(scene_digest(job.scene, content))

        slots = plan_workers(live_nodes(), resources.workers, resources.cpus_per_worker,
                             resources.use_gpu)
        if not slots:
            need = resources.cpus_per_worker or 1
            raise FarmError(f"resources: no worker fits on the cluster (no node has {need} "
                            "CPU cores or a GPU for it)")
        self._replacements_left = 2 * len(slots) + 2
        self.workers = [self._spawn(slot) for slot in slots]
        scout, self.info = self._first_scene_info()
        self._send_dependencies(scout)

        out_dir, self.name_pattern = split_output_pattern(
            self.info.output_pattern, job.scene.parent, job.output.directory)
        self.out_dir = Path(out_dir)
        self.out_dir.mkdir(parents=True, exist_ok=True)
        frames = job.frame_list(self.info.frame_start, self.info.frame_end, self.info.frame_step)
        with JobStore(store_path(self.out_dir)) as self.store:
            self.store.begin_job(self.job_id, str(job.scene), job.model_dump(mode="json"),
                                 str(self.out_dir), frames)
            todo, skipped = self._frames_to_render(frames)
            try:
                failed = self._dispatch(todo)
            except BaseException as exc:
                # Interrupted or lost the cluster: running frames are redone on the next run.
                self.store.finish_job(self.job_id, "stopped", str(exc) or type(exc).__name__)
                raise
            state = "failed" if failed else "done"
            message = "; ".join(f"frame {f}: {e.splitlines()[0]}" for f, e in failed.items())
            self.store.finish_job(self.job_id, state, message)
        return JobReport(self.job_id, self.out_dir, len(frames), skipped,
                         len(todo) - len(failed), failed, time.monotonic() - started,
                         len(slots), self.warnings)

    def _spawn(self, slot: WorkerSlot) -> Worker:
        actor_class = ray.remote(RenderWorker).options(
            num_cpus=slot.num_cpus, num_gpus=slot.num_gpus,
            scheduling_strategy=NodeAffinitySchedulingStrategy(slot.node_id, soft=False))
        actor = actor_class.remote()
        setup = actor.load.remote(self.job_id, self._scene, str(self.job.scene),
                                  self.job.overrides, slot.threads, slot.uses_gpu,
                                  self.evaluate_only, self.job.steps)
        worker = Worker(slot, actor, setup)
        if self._dependencies:
            worker.setup_ref = actor.install_dependencies.remote(self._dependencies)
        return worker

    def _first_scene_info(self) -> tuple[Worker, SceneInfo]:
        """Wait for the first worker to open the scene; a bad scene fails the job here."""
        loads = {w.setup_ref: w for w in self.workers}
        while loads:
            ready, _ = ray.wait(list(loads), num_returns=1, timeout=_WORKER_START_SECONDS)
            if not ready:
                raise FarmError(f"resources: no worker opened the scene within "
                                f"{_WORKER_START_SECONDS} s; is the cluster short of the "
                                "CPUs or GPUs it reported?")
            worker = loads.pop(ready[0])
            try:
                info = ray.get(ready[0])
            except RayTaskError as exc:
                raise _unwrap(exc) from None
            except RayActorError:
                self.workers.remove(worker)
                continue
            return worker, info
        raise FarmError("resources: every worker died while opening the scene")

    def _send_dependencies(self, scout: Worker) -> None:
        """Upload the files the scene uses and have every worker fetch them.

        The scout (the first worker to open the scene) installs what is known and reports
        again: a library that arrives can name files of its own, so this repeats until no
        new file appears. The other workers then install the whole set once.
        """
        if isinstance(self._scene, str):
            return
        missing: list[str] = []
        for _ in range(_MAX_DISCOVERY_ROUNDS):
            new = [path for path in self.info.dependencies
                   if path not in self._dependencies and path not in missing]
            if not new:
                break
            for original in new:
                payload = self._payload(original)
                if payload is None:
                    missing.append(original)
                else:
                    self._dependencies[original] = payload
            if len(missing) == len(new):
                break
            try:
                self.info, _stuck = ray.get(
                    scout.actor.install_dependencies.remote(self._dependencies))
            except RayTaskError as exc:
                raise _unwrap(exc) from None
        if missing:
            self.warnings.append("scene uses files that do not exist (they render as missing): "
                                 + ", ".join(missing))
        if self._dependencies:
            for worker in self.workers:
                worker.setup_ref = worker.actor.install_dependencies.remote(self._dependencies)

    def _payload(self, original: str) -> FilePayload | list[FilePayload] | None:
        """Upload one file, or every member of an image sequence or UDIM set."""
        source = Path(original)
        kind = self.info.file_sets.get(original)
        if kind:
            members = file_set_members(source, kind)
            return [self._uploader.put(member) for member in members] if members else None
        return self._uploader.put(source) if source.is_file() else None

    def _frames_to_render(self, frames: list[int]) -> tuple[list[int], int]:
        wanted = set(frames)
        todo, vanished, skipped = [], [], 0
        for state in self.store.frames(self.job_id):
            if state.frame not in wanted:
                continue
            if state.state == job_store.DONE:
                if self.evaluate_only or (state.file and (self.out_dir / state.file).exists()):
                    skipped += 1
                    continue
                vanished.append(state.frame)
            todo.append(state.frame)
        self.store.mark_pending(self.job_id, vanished)
        return todo, skipped

    # ----- the loop -----------------------------------------------------------------
    def _dispatch(self, todo: list[int]) -> dict[int, str]:
        resources = self.job.resources
        pending: deque[int] = deque(todo)
        retry: deque[int] = deque()
        attempts = {s.frame: s.attempts for s in self.store.frames(self.job_id)}
        failed_on: dict[int, set[str]] = {}
        failed: dict[int, str] = {}
        done = 0
        if self.progress:
            self.progress.start(len(todo))

        while pending or retry or any(w.queue for w in self.workers):
            self._settle_setups()
            if not self.workers:
                raise FarmError("every worker died; see the errors of the frames above")
            for worker in self.workers:
                while worker.ready and len(worker.queue) < self._depth() and (pending or retry):
                    frames = self._take(worker, pending, retry, failed_on, resources.chunk)
                    self._assign(worker, frames, attempts)

            refs = [a.ref for w in self.workers for a in w.queue]
            setups = [w.setup_ref for w in self.workers if w.setup_ref is not None]
            if not refs and not setups:
                raise FarmError("no worker is left to render the remaining frames")
            ready = self._wait_any(refs + setups)
            for worker in list(self.workers):
                # An actor runs one caller's calls in order, so a finished call means every
                # call queued before it has finished too (ray.wait may report them later).
                finished = [i for i, a in enumerate(worker.queue) if a.ref in ready]
                for _ in range(finished[-1] + 1 if finished else 0):
                    assignment = worker.queue.popleft()
                    if worker.queue:
                        worker.queue[0].started = time.monotonic()
                    try:
                        outcomes = ray.get(assignment.ref)
                    except RayActorError:
                        worker.queue.appendleft(assignment)
                        self._lose_worker(worker, pending, retry, failed_on, attempts, failed)
                        break
                    except RayTaskError as exc:
                        # An unexpected error in the worker's own code: the frames fail this
                        # attempt like any render error, and the job goes on.
                        reason = str(exc).strip().splitlines()[-1]
                        outcomes = [FrameOutcome(f, 0.0, error=f"worker error: {reason}")
                                    for f in assignment.frames]
                    for outcome in outcomes:
                        if not outcome.error:
                            try:
                                self._finish_frame(worker, outcome)
                                done += 1
                            except OSError as exc:
                                outcome.error = (f"frame {outcome.frame}: cannot write "
                                                 f"{self.out_dir / outcome.name}: {exc.strerror}")
                        if outcome.error:
                            self._fail_frame(outcome.frame, worker, outcome.error, outcome.log,
                                             attempts, retry, failed_on, failed)
                        if self.on_frame:
                            self.on_frame(self, outcome)
                    if self.progress:
                        self.progress.update(done, len(failed))
            self._enforce_timeout()
        return failed

    @staticmethod
    def _wait_any(refs: list) -> set:
        """Block until something is finished (half a second at most); return all that is."""
        ready, _ = ray.wait(refs, num_returns=1, timeout=0.5)
        if ready:
            ready, _ = ray.wait(refs, num_returns=len(refs), timeout=0)
        return set(ready)

    def _depth(self) -> int:
        if len(self._recent_seconds) < 2:
            return 1
        quick = statistics.median(self._recent_seconds) < _QUICK_FRAME_SECONDS
        return _PIPELINE_DEPTH if quick else 1

    def _take(self, worker: Worker, pending: deque[int], retry: deque[int],
              failed_on: dict[int, set[str]], chunk: int) -> list[int]:
        # A frame that failed is retried on another worker where one is free to take it.
        for _ in range(len(retry)):
            frame = retry.popleft()
            others = len(self.workers) > len(failed_on.get(frame, ()))
            if worker.name not in failed_on.get(frame, ()) or not others:
                return [frame]
            retry.append(frame)
        if not pending:
            return [retry.popleft()]
        return [pending.popleft() for _ in range(min(chunk, len(pending)))]

    def _assign(self, worker: Worker, frames: list[int], attempts: dict[int, int]) -> None:
        numbers = {f: attempts.get(f, 0) + 1 for f in frames}
        shared = str(self.out_dir) if self.job.resources.shared_storage else None
        ref = worker.actor.render.remote(frames, self.name_pattern, max(numbers.values()),
                                         shared)
        assignment = Assignment(ref, frames, numbers)
        if not worker.queue:
            assignment.started = time.monotonic()
        worker.queue.append(assignment)
        self.store.mark_running(self.job_id, frames, worker.name)

    def _settle_setups(self) -> None:
        """Mark workers whose scene is open as ready; replace those that died opening it."""
        for worker in list(self.workers):
            if worker.setup_ref is None:
                continue
            ready, _ = ray.wait([worker.setup_ref], timeout=0)
            if not ready:
                continue
            try:
                result = ray.get(worker.setup_ref)
                description = ray.get(worker.actor.describe.remote())
            except RayTaskError as exc:
                raise _unwrap(exc) from None
            except RayActorError:
                self.workers.remove(worker)
                self._replace(worker.slot)
                continue
            stuck = result[1] if isinstance(result, tuple) else []
            if stuck:
                warning = ("linked libraries use absolute paths that workers cannot repoint "
                           "(make them relative, or use --shared-storage): " + ", ".join(stuck))
                if warning not in self.warnings:
                    self.warnings.append(warning)
            worker.setup_ref = None
            worker.ready = True
            worker.description = description
            worker.pid = description["pid"]
            worker.name = f"{description['host']}:{description['pid']}"

    def _finish_frame(self, worker: Worker, outcome: FrameOutcome) -> None:
        save_frame(self.out_dir, outcome)
        self.store.mark_done(self.job_id, outcome.frame, worker.name, outcome.name,
                             outcome.seconds)
        self._recent_seconds.append(outcome.seconds)

    def _fail_frame(self, frame: int, worker: Worker, error: str, log: str,
                    attempts: dict[int, int], retry: deque[int],
                    failed_on: dict[int, set[str]], failed: dict[int, str]) -> None:
        attempts[frame] = attempts.get(frame, 0) + 1
        final = attempts[frame] >= self.job.resources.max_attempts
        self.store.record_failure(self.job_id, frame, worker.name, error, log, final)
        failed_on.setdefault(frame, set()).add(worker.name)
        if final:
            failed[frame] = (f"{error} (failed {attempts[frame]} times)\n"
                             f"Blender's log:\n{log.rstrip() or '(empty)'}")
        else:
            retry.append(frame)

    def _lose_worker(self, worker: Worker, pending: deque[int],
                     retry: deque[int], failed_on: dict[int, set[str]],
                     attempts: dict[int, int], failed: dict[int, str]) -> None:
        """A worker process is gone: its running frames count a failed attempt, the frames
        queued behind them go back to the queue, and a new worker takes its place."""
        self.workers.remove(worker)
        running, *queued = worker.queue
        timeout = self.job.resources.frame_timeout
        for frame in running.frames:
            if worker.timed_out:
                error = (f"frame {frame} ran longer than the {timeout:g} s frame timeout; "
                         f"its worker {worker.name} was stopped")
            else:
                error = f"worker {worker.name} died while rendering frame {frame}"
            log = self._node_log(worker.slot.node_id, frame, running.attempts[frame])
            self._fail_frame(frame, worker, error, log, attempts, retry, failed_on, failed)
        for assignment in queued:
            pending.extendleft(reversed(assignment.frames))
        self.store.mark_pending(self.job_id, [f for a in queued for f in a.frames])
        if pending or retry:  # a worker started with nothing left to do is only waste
            self._replace(worker.slot)

    def _replace(self, slot: WorkerSlot) -> None:
        if self._replacements_left > 0 and node_is_alive(slot.node_id):
            self._replacements_left -= 1
            self.workers.append(self._spawn(slot))

    def _node_log(self, node_id: str, frame: int, attempt: int) -> str:
        reader = read_node_log.options(
            scheduling_strategy=NodeAffinitySchedulingStrategy(node_id, soft=False))
        try:
            return ray.get(reader.remote(log_relpath(self.job_id, frame, attempt)), timeout=20)
        except (GetTimeoutError, RayTaskError, RayActorError):
            return ""

    def _enforce_timeout(self) -> None:
        timeout = self.job.resources.frame_timeout
        if timeout is None:
            return
        now = time.monotonic()
        for worker in self.workers:
            head = worker.queue[0] if worker.queue else None
            if (head and head.started and not worker.timed_out
                    and now - head.started > timeout * len(head.frames)):
                worker.timed_out = True
                ray.kill(worker.actor, no_restart=True)

    def _stop_workers(self) -> None:
        # Killing an actor whose creation is still under way can leave its CPUs leased to
        # an idle Ray worker for the rest of the session (seen with Ray 2.60: the next job
        # on the same cluster then waits for cores that never free). Let creations finish
        # first; a worker that is opening the scene is past that point.
        starting = [w.actor.__ray_ready__.remote() for w in self.workers if not w.ready]
        if starting:
            ray.wait(starting, num_returns=len(starting), timeout=_STOP_GRACE_SECONDS)
        for worker in self.workers:
            ray.kill(worker.actor, no_restart=True)
        self.workers = []


def _unwrap(exc: RayTaskError) -> Exception:
    """The metastudio error a worker raised, or a FarmError carrying Ray's message."""
    cause = getattr(exc, "cause", None)
    if isinstance(cause, MetastudioError):
        return cause
    return FarmError(f"worker error: {str(exc).strip().splitlines()[-1]}")


def render(job: RenderJob, progress=None, on_frame: FrameHook | None = None) -> JobReport:
    """Render a job on the farm (embedded Ray unless the job names an address)."""
    return RenderRun(job, progress=progress, on_frame=on_frame).run()
