"""The farm's scheduler, the service's and the command line's alike: it keeps a pool of
warm workers (one Ray actor per GPU, or per CPU node or slot, Blender imported once) and
hands them the queue's frames and items by priority, honouring each job's requirements,
concurrency limit, dependencies, retries, blocklist and timeout. The service runs it in
a thread of its own (start()); an embedded run calls step() itself (embedded.py).

The SQLite queue (queue.py) is the truth; the API only writes to it and pokes this
thread, which reads it back. Every call to an actor goes into that worker's queue of
assignments: Ray runs one caller's calls to an actor in order, so a worker can be told
to open a job's scene, install its files and render a frame in one go."""

from __future__ import annotations

import logging
import statistics
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import ray
from metastudio.core.blendfile import blend_version
from metastudio.core.errors import MetastudioError
from metastudio.core.job_states import FINAL_JOB_STATES, JobState, TaskState
from metastudio.core.safe_output import leftovers
from metastudio.core.scene_info import SceneInfo, file_set_members, split_output_pattern
from metastudio.core.service_jobs import BatchJobRequest, JobRequest, RenderJobRequest
from pydantic import TypeAdapter
from ray.exceptions import GetTimeoutError, RayActorError, RayTaskError
from ray.util.scheduling_strategies import NodeAffinitySchedulingStrategy

from .cluster import capacity
from .placement import WorkerSlot, plan_workers
from .queue import JobQueue, JobRow
from .roots import PathPolicy
from .transfer import FilePayload, Uploader, write_atomically
from .worker import FrameOutcome, RenderWorker, drop_job_files, log_relpath, read_node_log

log = logging.getLogger("metastudio.service")
# A batch request -> its plan (metastudio_farm.batches.plans.plan_for).
Planner = Callable[[BatchJobRequest], object]

_REQUEST = TypeAdapter(JobRequest)
_MAX_DISCOVERY_ROUNDS = 16
_REPLAN_SECONDS = 5.0
_SYNC_SECONDS = 2.0
_PUBLISH_SECONDS = 0.5
_UNFIT = "waiting for a worker that meets its requirements"
_RESPAWNS_PER_SLOT = 5  # a slot whose worker keeps dying stops being refilled
_PREVIEW_MAX_FRAMES = 5000
# Frames quicker than this are sent several deep (others one ahead): no worker waits on a
# round trip between frames.
_QUICK_FRAME_SECONDS = 0.05
_PIPELINE_DEPTH = 4
_RECENT_FRAMES = 32


@dataclass
class DispatcherConfig:
    """How the pool is shaped and how timeouts are learned."""

    cpus_per_worker: int | None = None
    min_frame_timeout: float = 60.0  # a learned timeout is never shorter than this
    timeout_median_factor: float = 4.0
    timeout_max_factor: float = 2.0
    learn_after: int = 3  # finished frames needed before a timeout is learned
    workers: int | None = None  # at most this many workers (None: every slot)
    use_gpu: bool = True  # one worker per GPU where there are GPUs
    # Workers read scenes and write frames on a filesystem they share with this process.
    shared_storage: bool = False
    evaluate_only: bool = False  # frames are evaluated, not rendered (to measure us)


@dataclass
class Assignment:
    """One call to a worker: open a scene, install its files, render frames, run an
    operator batch's item, or encode a preview."""

    kind: str  # "warm" | "load" | "deps" | "render" | "call" | "preview"
    ref: ray.ObjectRef
    job_id: str = ""
    tasks: list[int] = field(default_factory=list)
    attempt: int = 1
    staging: bool = False
    started: float | None = None


@dataclass
class PoolWorker:
    """A warm worker: one actor in one slot of one node."""

    key: tuple[str, int]
    slot: WorkerSlot
    name: str
    tags: frozenset[str]
    actor: ray.actor.ActorHandle
    queue: deque[Assignment] = field(default_factory=deque)
    ready: bool = False
    loaded: str = ""  # the job whose scene is open
    loaded_files: int = 0  # how many of its files are installed
    done: int = 0
    failed: int = 0
    timed_out: bool = False
    stopped_for: str = ""  # the job whose cancel or delete stopped this worker
    pid: int = 0
    blender: tuple[int, int] | None = None  # (major, minor), once it has started
    description: dict = field(default_factory=dict)  # RenderWorker.describe(), once started

    @property
    def busy(self) -> bool:
        return bool(self.queue)

    def jobs(self) -> set[str]:
        return {a.job_id for a in self.queue if a.job_id}


class ActiveJob:
    """What the dispatcher holds of a job while it can still run."""

    def __init__(self, row: JobRow) -> None:
        self.id = row.id
        self.row = row
        self.request: RenderJobRequest | BatchJobRequest = _REQUEST.validate_python(
            row.request)
        self.staged = False
        self.staging = False
        self.stage_failures = 0
        self.pending: deque[int] = deque()
        self.retry: deque[int] = deque()
        self.in_flight: set[int] = set()
        self.failed_on: dict[int, set[str]] = {}
        self.attempts: dict[int, int] = {}
        self.names: dict[int, str] = {}
        self.seconds: list[float] = []
        self.learned: tuple[int, float] = (-1, 0.0)  # (frames it was learned from, seconds)
        self.blocklist: set[str] = set()
        self.failures: dict[str, int] = {}
        self.out_dir = Path(row.out_dir) if row.out_dir else Path()
        # Render jobs
        self.scene: FilePayload | None = None
        self.info: SceneInfo | None = None
        self.files: dict[str, FilePayload | list[FilePayload]] = {}
        self.missing: list[str] = []
        self.name_pattern = ""
        self.preview_running = False
        self.saved_by: tuple[int, int] | None = None  # the Blender that saved the scene
        self.warned_versions: set[str] = set()
        # Batch jobs
        self.plan = None

    @property
    def runnable(self) -> bool:
        return self.row.state.is_runnable

    def load_tasks(self, store: JobQueue) -> None:
        """Take the job's unfinished tasks from the queue (after staging or a requeue)."""
        for task in store.tasks(self.id):
            self.names[task.index] = task.name
            self.attempts[task.index] = task.attempts
            if (task.state == TaskState.PENDING and task.index not in self.in_flight
                    and task.index not in self.pending and task.index not in self.retry):
                self.pending.append(task.index)
        self.seconds = store.done_seconds(self.id)
        self.failures = store.failures_by_worker(self.id, self.row.blocklist_since)
        self.blocklist = {w for w, n in self.failures.items()
                          if n >= self.request.blocklist_after}


class Dispatcher:
    """The scheduling thread of a farm service (see the module)."""

    def __init__(self, store: JobQueue, config: DispatcherConfig | None = None,
                 policy: PathPolicy | None = None, planner: Planner | None = None,
                 only: set[str] | None = None) -> None:
        self.store = store
        # Only these jobs of the queue are run (an embedded run's own), or all of them.
        self.only = only
        # The error that failed a job before any of its tasks ran (its scene, its inputs).
        self.job_errors: dict[str, MetastudioError] = {}
        self.workers_seen: set[str] = set()
        # Batches are planned by their feature's module (metastudio_farm.batches), which
        # the fronts hand in: the core does not know the features.
        self.planner = planner
        self.config = config or DispatcherConfig()
        self.policy = policy
        self.pool: dict[tuple[str, int], PoolWorker] = {}
        self.jobs: dict[str, ActiveJob] = {}
        self._started_at = time.time()
        self.uploader = Uploader()
        self._respawns: dict[tuple[str, int], int] = {}
        self._poke = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._last_replan = 0.0
        self._last_sync = 0.0
        self._last_publish = 0.0
        self._lost_names: list[str] = []
        # Snapshots the API reads from its own threads.
        self.worker_snapshot: list[dict] = []
        self.timeouts: dict[str, float | None] = {}
        self.error: str = ""

    # ----- the thread -------------------------------------------------------------
    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="metastudio-dispatcher",
                                        daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 30.0) -> None:
        """Stop dispatching; running frames are left to be redone after a restart."""
        self._stop.set()
        self._poke.set()
        if self._thread:
            self._thread.join(timeout)
        for worker in list(self.pool.values()):
            ray.kill(worker.actor, no_restart=True)
        self.pool.clear()

    def poke(self) -> None:
        """Something changed in the queue: look at it now rather than at the next tick."""
        self._poke.set()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self.step()
            except Exception as exc:  # keep the service alive; say what went wrong
                log.exception("dispatcher step failed")
                self.error = f"{type(exc).__name__}: {exc}"
                time.sleep(1.0)

    def step(self) -> None:
        """One round: read the queue, refill the pool, hand out work, take in results."""
        # The queue is read again when the API changed it (a poke), and now and then in
        # case another process did; what the dispatcher changes itself it already knows.
        if self._poke.is_set() or time.monotonic() - self._last_sync > _SYNC_SECONDS:
            self._poke.clear()
            self._last_sync = time.monotonic()
            self._sync_jobs()
        if time.monotonic() - self._last_replan > _REPLAN_SECONDS:
            self._replan()
        self._assign()
        refs = [a.ref for w in self.pool.values() for a in w.queue]
        if refs:
            ready, _ = ray.wait(refs, num_returns=1, timeout=0.2)
            if ready:
                ready, _ = ray.wait(refs, num_returns=len(refs), timeout=0)
            self._collect(set(ready))
        else:
            self._poke.wait(0.2)
        self._enforce_timeouts()
        self._finish_jobs()
        if time.monotonic() - self._last_publish > _PUBLISH_SECONDS:
            self._last_publish = time.monotonic()
            self._publish()

    # ----- the queue --------------------------------------------------------------
    def _sync_jobs(self) -> None:
        rows = {row.id: row for row in self.store.jobs(
            (JobState.QUEUED, JobState.RUNNING, JobState.PAUSED))
            if self.only is None or row.id in self.only}
        for job_id, row in rows.items():
            job = self.jobs.get(job_id)
            if job is None:
                try:
                    self.jobs[job_id] = ActiveJob(row)
                except ValueError as exc:  # a request an older version accepted
                    self.store.set_state(job_id, JobState.FAILED, f"request: {exc}")
                continue
            was = job.row.state
            job.row = row
            if was in FINAL_JOB_STATES and job.staged:  # requeued
                job.load_tasks(self.store)
        for job_id, job in list(self.jobs.items()):
            if job_id in rows:
                continue
            row = self.store.job(job_id)
            if row is None or row.state in FINAL_JOB_STATES:
                if row is not None:
                    job.row = row
                else:  # deleted: nothing more of it goes out
                    job.row.state = JobState.CANCELED
                if row is None or row.state == JobState.CANCELED:
                    self._stop_work_of(job)
                if not self._in_flight(job_id):
                    del self.jobs[job_id]
                    self._forget(job_id)

    def _forget(self, job_id: str) -> None:
        """An ended job's scene and files leave Ray's object store, and its folders leave
        every node it may have used (their bytes stay in each node's bounded cache)."""
        self.uploader.release(job_id)
        for node_id in {w.slot.node_id for w in self.pool.values()}:
            drop_job_files.options(scheduling_strategy=NodeAffinitySchedulingStrategy(
                node_id, soft=False)).remote(job_id)

    def _stop_work_of(self, job: ActiveJob) -> None:
        """A canceled or deleted job's frames being rendered are stopped: their workers'
        processes are ended (a render in Blender cannot be interrupted from outside) and
        each slot is refilled at once, without counting against the worker or the job."""
        for worker in list(self.pool.values()):
            head = worker.queue[0] if worker.queue else None
            if head is None or head.job_id != job.id or worker.stopped_for:
                continue
            worker.stopped_for = job.id
            self.store.log(job.id, f"stopping {worker.name}: the job was canceled or deleted")
            ray.kill(worker.actor, no_restart=True)

    def _in_flight(self, job_id: str) -> bool:
        return any(a.job_id == job_id for w in self.pool.values() for a in w.queue)

    def _dependencies_met(self, job: ActiveJob) -> bool:
        waiting, broken = [], []
        for other in job.request.depends_on:
            row = self.store.job(other)
            if row is None:
                broken.append(f"{other} was deleted")
            elif row.state in (JobState.FAILED, JobState.CANCELED):
                broken.append(f"{other} {row.state}")
            elif row.state != JobState.DONE:
                waiting.append(f"{other} ({row.state})")
        if broken:
            self._fail_job(job, "it depends on a job that cannot finish: " + ", ".join(broken))
            return False
        message = f"waiting for {', '.join(waiting)}" if waiting else ""
        own = job.row.message.startswith("waiting for ") and job.row.message != _UNFIT
        if job.row.message != message and (waiting or own):
            self.store.set_message(job.id, message)
            job.row.message = message
        return not waiting

    # ----- the pool ---------------------------------------------------------------
    def _replan(self) -> None:
        self._last_replan = time.monotonic()
        nodes = [n for n in ray.nodes() if n.get("Alive")]
        by_id = {n["NodeID"]: n for n in nodes}
        for key, slot in self.slots(nodes):
            if key in self.pool or not self._may_refill(key):
                continue
            self._spawn(key, slot, by_id[slot.node_id])

    def slots(self, nodes: list[dict] | None = None) -> list[tuple[tuple[str, int], WorkerSlot]]:
        """The worker slots the live nodes (ray.nodes()) give, as the config shapes them,
        each with its key: (node id, its index on the node)."""
        if nodes is None:
            nodes = [n for n in ray.nodes() if n.get("Alive")]
        keyed, counters = [], {}
        for slot in plan_workers([capacity(n) for n in nodes], self.config.workers,
                                 self.config.cpus_per_worker, self.config.use_gpu):
            index = counters.get(slot.node_id, 0)
            counters[slot.node_id] = index + 1
            keyed.append(((slot.node_id, index), slot))
        return keyed

    def _may_refill(self, key: tuple[str, int]) -> bool:
        return self._respawns.get(key, 0) <= _RESPAWNS_PER_SLOT

    def can_spawn(self) -> bool:
        """Could a slot still get a worker (one not refilled too often)?"""
        return any(self._may_refill(key) for key, _ in self.slots())

    def _spawn(self, key: tuple[str, int], slot: WorkerSlot, node: dict) -> None:
        host = node.get("NodeManagerHostname") or node.get("NodeManagerAddress", "node")
        kind = "gpu" if slot.uses_gpu else "cpu"
        name = f"{host}-{slot.node_id[:6]}/{kind}{key[1]}"
        actor = ray.remote(RenderWorker).options(
            num_cpus=slot.num_cpus, num_gpus=slot.num_gpus, max_restarts=0,
            scheduling_strategy=NodeAffinitySchedulingStrategy(slot.node_id, soft=False)
        ).remote()
        worker = PoolWorker(key, slot, name, node_tags(node, slot), actor)
        worker.queue.append(Assignment("warm", actor.warm.remote()))
        self.pool[key] = worker
        log.info("worker %s starting", name)

    def _lose(self, worker: PoolWorker) -> None:
        """A worker's process is gone: what it was doing is failed or put back, and its
        slot gets a new worker."""
        self.pool.pop(worker.key, None)
        if not worker.stopped_for:
            self._respawns[worker.key] = self._respawns.get(worker.key, 0) + 1
            self._lost_names.append(worker.name)
        head = True
        for assignment in worker.queue:
            job = self.jobs.get(assignment.job_id)
            if job is None:
                head = False
                continue
            if assignment.job_id == worker.stopped_for:
                # Stopped on purpose: its work goes back as it was, attempts untouched.
                for idx in assignment.tasks:
                    job.in_flight.discard(idx)
                self.store.mark_pending(job.id, assignment.tasks)
                job.staging = job.staging and not assignment.staging
                job.preview_running = job.preview_running and assignment.kind != "preview"
                head = False
                continue
            if assignment.kind in ("render", "call"):
                for idx in assignment.tasks:
                    job.in_flight.discard(idx)
                if head and assignment.started is not None:
                    for idx in assignment.tasks:
                        self._fail_task(job, idx, worker, self._death_reason(
                            worker, job, assignment, idx), self._dead_log(
                            worker, job, assignment, idx))
                else:
                    job.pending.extendleft(reversed(assignment.tasks))
                    self.store.mark_pending(job.id, assignment.tasks)
            elif assignment.staging:
                job.staging = False
                job.stage_failures += 1
                if job.stage_failures >= job.request.max_attempts:
                    self._fail_job(job, f"workers died {job.stage_failures} times while "
                                        "opening the scene")
            elif assignment.kind == "preview":
                job.preview_running = False
            head = False
        worker.queue.clear()
        try:
            ray.kill(worker.actor, no_restart=True)
        except Exception:  # already gone
            pass
        self._last_replan = 0.0  # refill the slot at once

    def _death_reason(self, worker: PoolWorker, job: ActiveJob, assignment: Assignment,
                      idx: int) -> str:
        what = f"frame {idx}" if assignment.kind == "render" else job.names.get(idx, str(idx))
        if worker.timed_out:
            return (f"{what} ran longer than the {self.timeout(job):g} s timeout; its worker "
                    f"{worker.name} was stopped")
        return f"worker {worker.name} died while working on {what}"

    def _dead_log(self, worker: PoolWorker, job: ActiveJob, assignment: Assignment,
                  idx: int) -> str:
        if assignment.kind != "render":
            return ""
        reader = read_node_log.options(scheduling_strategy=NodeAffinitySchedulingStrategy(
            worker.slot.node_id, soft=False))
        try:
            return ray.get(reader.remote(log_relpath(job.id, idx, assignment.attempt)),
                           timeout=10)
        except (GetTimeoutError, RayTaskError, RayActorError):
            return ""

    # ----- handing out work ---------------------------------------------------------
    def eligible(self, worker: PoolWorker, job: ActiveJob) -> bool:
        """May this worker run this job's work?"""
        request = job.request
        if request.requires == "gpu" and not worker.slot.uses_gpu:
            return False
        if request.requires == "cpu" and worker.slot.uses_gpu:
            return False
        if request.gpu_type and f"gpu:{request.gpu_type}" not in worker.tags:
            return False
        if too_old(worker.blender, job.saved_by):
            return False
        return worker.name not in job.blocklist and all(t in worker.tags for t in request.tags)

    def _workers_on(self, job: ActiveJob) -> int:
        return sum(1 for w in self.pool.values() if job.id in w.jobs())

    def _assign(self) -> None:
        runnable = [job for job in self.jobs.values()
                    if job.runnable and self._dependencies_met(job)]
        runnable.sort(key=lambda j: (-j.request.priority, j.row.created))
        for worker in self.pool.values():
            if not worker.ready:
                continue
            while worker.busy:  # a worker on quick frames gets the next ones of its job
                job = self._pipelined(worker)
                if job is None or not job.runnable or not self._give(worker, job):
                    break
            if worker.busy:
                continue
            for job in runnable:
                if not self.eligible(worker, job):
                    continue
                limit = job.request.max_workers
                if limit is not None and self._workers_on(job) >= limit:
                    continue
                if self._give(worker, job):
                    break

    def _pipelined(self, worker: PoolWorker) -> ActiveJob | None:
        """The job whose next frame may queue behind this worker's (None when none), so
        that the worker starts it without waiting for a round trip: a worker rendering
        only frames of one job gets one frame ahead while the job has more frames left
        than workers (at the end, a frame queued here could wait while another worker
        idles), and frames so quick that the round trip is most of their time go a few
        deep. A frame queued behind one that kills its worker goes back untried."""
        if any(a.kind != "render" for a in worker.queue):
            return None
        job = self.jobs.get(worker.queue[0].job_id)
        if job is None or any(a.job_id != job.id for a in worker.queue):
            return None
        recent = job.seconds[-_RECENT_FRAMES:]
        quick = len(recent) >= 2 and statistics.median(recent) < _QUICK_FRAME_SECONDS
        if len(worker.queue) >= (_PIPELINE_DEPTH if quick else 2):
            return None
        if not quick and len(job.pending) + len(job.retry) <= len(self.pool):
            return None
        return job

    def _give(self, worker: PoolWorker, job: ActiveJob) -> bool:
        """Give the worker something of this job to do; False when there is nothing."""
        if not job.staged:
            if not job.staging:
                return self._stage(worker, job)
            # Another worker is finding out what the job is made of: open its scene here
            # meanwhile, rather than start a job of lower priority.
            if job.scene is None or worker.loaded == job.id:
                return False
            self._send_load(worker, job, staging=False)
            self._start_head(worker)
            return True
        tasks = self._take(worker, job)
        if not tasks:
            return False
        if job.row.state == JobState.QUEUED:
            self._move(job, JobState.RUNNING, None, "started", (JobState.QUEUED,))
        if isinstance(job.request, RenderJobRequest):
            self._ensure_scene(worker, job)
            attempt = max(job.attempts.get(f, 0) for f in tasks) + 1
            shared = str(job.out_dir) if self.config.shared_storage else None
            ref = worker.actor.render.remote(tasks, job.name_pattern, attempt, shared, job.id)
            worker.queue.append(Assignment("render", ref, job.id, tasks, attempt))
        else:
            idx = tasks[0]
            try:
                arguments = job.plan.arguments(job.plan.items[job.names[idx]])
            except (OSError, MetastudioError) as exc:
                self.store.mark_running(job.id, tasks, worker.name)
                self._fail_task(job, idx, worker, f"{job.names[idx]}: {exc}", "", final=True)
                return True
            ref = worker.actor.call.remote(job.plan.function, arguments)
            worker.queue.append(Assignment("call", ref, job.id, tasks))
            worker.loaded = ""
        job.in_flight.update(tasks)
        self.store.mark_running(job.id, tasks, worker.name)
        self._start_head(worker)
        return True

    def _take(self, worker: PoolWorker, job: ActiveJob) -> list[int]:
        # A task that failed goes to a worker it has not failed on, while one may take it.
        others = [w for w in self.pool.values() if w is not worker and self.eligible(w, job)]
        for _ in range(len(job.retry)):
            idx = job.retry.popleft()
            tried = job.failed_on.get(idx, set())
            if worker.name not in tried or not any(w.name not in tried for w in others):
                return [idx]
            job.retry.append(idx)
        if not job.pending:
            return []
        chunk = job.request.chunk if isinstance(job.request, RenderJobRequest) else 1
        return [job.pending.popleft() for _ in range(min(chunk, len(job.pending)))]

    def _start_head(self, worker: PoolWorker) -> None:
        if worker.queue and worker.queue[0].started is None:
            worker.queue[0].started = time.monotonic()

    # ----- staging ------------------------------------------------------------------
    def _stage(self, worker: PoolWorker, job: ActiveJob) -> bool:
        """Find out what the job is made of: open a render job's scene on this worker (its
        frame range, output and files), or plan a batch's items."""
        request = job.request
        if isinstance(request, BatchJobRequest):
            if self.planner is None:
                self._fail_job(job, "this farm was started without operator batches")
                return False
            try:
                job.plan = self.planner(request)
                items = list(job.plan.items)
                finished = {i for i, name in enumerate(items) if job.plan.finished(name)}
            except (OSError, MetastudioError) as exc:
                self._fail_job(job, str(exc), exc if isinstance(exc, MetastudioError) else None)
                return False
            self._staged(job, str(request.out), list(enumerate(items)), finished)
            return False
        job.saved_by = blend_version(request.scene)
        try:
            job.scene = (str(request.scene) if self.config.shared_storage
                         else self.uploader.put(request.scene, owner=job.id))
        except OSError as exc:
            self._fail_job(job, f"scene: cannot read {request.scene}: {exc.strerror}")
            return False
        job.staging = True
        self._send_load(worker, job, staging=True)
        self.store.log(job.id, f"opening the scene on {worker.name}")
        return True

    def _send_load(self, worker: PoolWorker, job: ActiveJob, staging: bool) -> None:
        request = job.request
        if (job.saved_by and worker.blender and worker.blender < job.saved_by
                and worker.name not in job.warned_versions):
            job.warned_versions.add(worker.name)
            saved, runs = _dotted(job.saved_by), _dotted(worker.blender)
            self.store.log(job.id, f"warning: {worker.name} runs Blender {runs}, older than "
                                   f"Blender {saved} that saved the scene: what {saved} added "
                                   "may be lost or render differently there")
        ref = worker.actor.load.remote(job.id, job.scene, str(request.scene),
                                       request.overrides, worker.slot.threads,
                                       worker.slot.uses_gpu, self.config.evaluate_only,
                                       request.steps)
        worker.queue.append(Assignment("load", ref, job.id, staging=staging))
        worker.loaded, worker.loaded_files = job.id, 0

    def _ensure_scene(self, worker: PoolWorker, job: ActiveJob) -> None:
        if worker.loaded != job.id:
            self._send_load(worker, job, staging=False)
        if job.files and worker.loaded_files < len(job.files):
            ref = worker.actor.install_dependencies.remote(dict(job.files))
            worker.queue.append(Assignment("deps", ref, job.id))
            worker.loaded_files = len(job.files)

    def _scene_opened(self, worker: PoolWorker, job: ActiveJob, info: SceneInfo) -> None:
        """The staging worker opened the scene (or installed files): send the files it
        names that are not there yet, until none is new; then the frames are known."""
        job.info = info
        outside = self._outside_roots(job, info)
        if outside:
            self._fail_job(job, outside)
            return
        new = [p for p in info.dependencies if p not in job.files and p not in job.missing]
        if self.config.shared_storage:  # the workers read them where they are
            new = []
        for original in new[:]:
            payload = self._payload(job, original)
            if payload is None:
                job.missing.append(original)
                new.remove(original)
            else:
                job.files[original] = payload
        if new and job.stage_failures < _MAX_DISCOVERY_ROUNDS:
            ref = worker.actor.install_dependencies.remote(dict(job.files))
            worker.queue.append(Assignment("deps", ref, job.id, staging=True))
            worker.loaded_files = len(job.files)
            return
        request = job.request
        if job.missing:
            self.store.log(job.id, "warning: the scene uses files that do not exist (they "
                           "render as missing): " + ", ".join(job.missing))
        out_dir, job.name_pattern = split_output_pattern(
            info.output_pattern, request.scene.parent, request.out)
        try:
            frames = request.frame_list(info.frame_start, info.frame_end, info.frame_step)
            Path(out_dir).mkdir(parents=True, exist_ok=True)
        except (MetastudioError, OSError) as exc:
            self._fail_job(job, str(exc))
            return
        job.staging = False
        self._staged(job, str(out_dir), [(f, str(f)) for f in frames], set())

    def _outside_roots(self, job: ActiveJob, info: SceneInfo) -> str:
        """Why the opened scene may not run here: a file it uses, or its output folder,
        outside the service's roots ('' when none). The API refused such scenes already;
        this holds for what operator steps added and for files changed since."""
        if self.policy is None:
            return ""
        for original in info.dependencies:
            if not self.policy.contains_client_path(original):
                return (f"scene: uses {original}, outside the folders this service may use "
                        "(nothing was read)")
        if job.request.out is None:
            folder, _ = split_output_pattern(info.output_pattern, job.request.scene.parent,
                                             None)
            if not self.policy.contains_client_path(folder):
                return (f"scene: its output path {info.output_pattern} is outside the folders "
                        "this service may use (give the job an out folder inside them)")
        return ""

    def _payload(self, job: ActiveJob, original: str):
        source = Path(original)
        kind = job.info.file_sets.get(original)
        try:
            if kind:
                members = file_set_members(source, kind)
                return ([self.uploader.put(m, owner=job.id) for m in members] if members
                        else None)
            return self.uploader.put(source, owner=job.id) if source.is_file() else None
        except OSError:
            return None

    def _staged(self, job: ActiveJob, out_dir: str, tasks: list[tuple[int, str]],
                finished: set[int]) -> None:
        # A service killed while writing a frame left its temporary file: gone before
        # the frame is done again (only files from before this service started).
        for leftover in leftovers(out_dir, self._started_at):
            leftover.unlink(missing_ok=True)
        # A task done before whose result has gone from the folder is done again.
        gone = set()
        for task in self.store.tasks(job.id, (TaskState.DONE,)):
            if job.info is None:
                vanished = task.index not in finished
            else:
                vanished = (bool(task.file) and not self.config.evaluate_only
                            and not (Path(out_dir) / task.file).exists())
            if vanished:
                gone.add(task.index)
        self.store.stage(job.id, out_dir, tasks, finished, gone)
        job.out_dir = Path(out_dir)
        job.row.out_dir = out_dir
        job.staged = True
        job.load_tasks(self.store)
        self.store.log(job.id, f"{len(tasks)} {'frames' if job.info else 'items'}, "
                               f"{len(job.pending)} to do")

    # ----- results ------------------------------------------------------------------
    def _collect(self, ready: set) -> None:
        for worker in list(self.pool.values()):
            finished = [i for i, a in enumerate(worker.queue) if a.ref in ready]
            # A finished call means every call queued before it has finished too.
            for _ in range(finished[-1] + 1 if finished else 0):
                if worker.key not in self.pool or not worker.queue:
                    break
                assignment = worker.queue[0]
                try:
                    result = ray.get(assignment.ref)
                except RayActorError:
                    self._lose(worker)
                    break
                except RayTaskError as exc:
                    worker.queue.popleft()
                    self._failed_call(worker, assignment, exc)
                else:
                    worker.queue.popleft()
                    try:
                        self._succeeded(worker, assignment, result)
                    except Exception as exc:  # a bug of ours must not strand the tasks
                        log.exception("handling a result failed")
                        self._result_failed(worker, assignment, exc)
                self._start_head(worker)

    def _succeeded(self, worker: PoolWorker, assignment: Assignment, result) -> None:
        if assignment.kind == "warm":
            worker.ready = True
            worker.description = result
            self.workers_seen.add(worker.name)
            worker.pid = result.get("pid", 0)
            worker.blender = tuple(result.get("blender") or ()) or None
            log.info("worker %s ready (pid %s)", worker.name, result.get("pid"))
            return
        job = self.jobs.get(assignment.job_id)
        if job is None:
            return
        if assignment.kind == "load" and assignment.staging:
            self._scene_opened(worker, job, result)
        elif assignment.kind == "deps" and assignment.staging:
            info, stuck = result
            if stuck:
                self.store.log(job.id, "warning: linked libraries use absolute paths that "
                               "workers cannot repoint: " + ", ".join(stuck))
            self._scene_opened(worker, job, info)
        elif assignment.kind == "render":
            for outcome in result:
                self._frame_back(worker, job, outcome)
        elif assignment.kind == "call":
            value, text = result
            self._item_back(worker, job, assignment, value, text)
        elif assignment.kind == "preview":
            self._preview_back(job, result)

    def _result_failed(self, worker: PoolWorker, assignment: Assignment,
                       exc: Exception) -> None:
        job = self.jobs.get(assignment.job_id)
        if job is None:
            return
        reason = f"service error: {type(exc).__name__}: {exc}"
        if assignment.staging:
            self._fail_job(job, reason)
        for idx in assignment.tasks:
            if idx in job.in_flight:
                job.in_flight.discard(idx)
                self._fail_task(job, idx, worker, reason, "")
        if assignment.kind == "preview":
            job.preview_running = False
            self._set_preview(job, error=reason)

    def _failed_call(self, worker: PoolWorker, assignment: Assignment,
                     exc: RayTaskError) -> None:
        cause = exc.cause if isinstance(getattr(exc, "cause", None), MetastudioError) else None
        reason = str(cause) if cause else str(exc).strip().splitlines()[-1]
        if assignment.kind == "warm":  # this worker cannot even start Blender
            self.error = f"worker {worker.name} could not start: {reason}"
            log.error(self.error)
            self._lose(worker)
            return
        job = self.jobs.get(assignment.job_id)
        if job is None:
            return
        if assignment.kind == "load":
            worker.loaded = ""
            if assignment.staging:  # the scene cannot be used: the job cannot run
                self._fail_job(job, reason, cause)
        elif assignment.kind == "deps" and assignment.staging:
            self._fail_job(job, reason, cause)
        elif assignment.kind in ("render", "call"):
            # An item that raised one of our own errors (its input cannot be used) fails
            # at once: trying it again, elsewhere, gives the same answer.
            for idx in assignment.tasks:
                job.in_flight.discard(idx)
                self._fail_task(job, idx, worker, reason.splitlines()[0], "",
                                final=cause is not None)
        elif assignment.kind == "preview":
            job.preview_running = False
            self._set_preview(job, error=reason.splitlines()[0])
            self.store.log(job.id, f"preview failed: {reason}")

    def _frame_back(self, worker: PoolWorker, job: ActiveJob, outcome: FrameOutcome) -> None:
        job.in_flight.discard(outcome.frame)
        if self._abandoned(job, [outcome.frame]):
            return
        if not outcome.error:
            try:
                self.store.mark_writing(job.id, outcome.frame, outcome.name)
                if outcome.data is not None:
                    write_atomically(job.out_dir / outcome.name, outcome.data)
            except OSError as exc:
                self._cannot_write(job, [outcome.frame], job.out_dir / outcome.name, exc)
                return
        if outcome.error:
            self._fail_task(job, outcome.frame, worker, outcome.error, outcome.log)
            return
        self.store.mark_done(job.id, outcome.frame, worker.name, outcome.name,
                             outcome.seconds, outcome.log)
        job.seconds.append(outcome.seconds)
        worker.done += 1

    def _item_back(self, worker: PoolWorker, job: ActiveJob, assignment: Assignment, value,
                   text: str) -> None:
        idx = assignment.tasks[0]
        job.in_flight.discard(idx)
        if self._abandoned(job, [idx]):
            return
        name = job.names[idx]
        seconds = time.monotonic() - (assignment.started or time.monotonic())
        try:
            warnings = job.plan.write(name, value) or []
        except OSError as exc:
            self._cannot_write(job, [idx], job.out_dir / name, exc)
            return
        for warning in warnings:
            self.store.log(job.id, f"{name}: warning: {warning}")
        self.store.mark_done(job.id, idx, worker.name, name, seconds, text)
        job.seconds.append(seconds)
        worker.done += 1

    def _abandoned(self, job: ActiveJob, tasks: list[int]) -> bool:
        """A result of a job canceled or deleted since it went out is not written; its
        tasks wait, as they were, for the job to be resumed."""
        row = self.store.job(job.id)
        if row is not None and row.state != JobState.CANCELED:
            return False
        self.store.mark_pending(job.id, tasks)
        return True

    def _cannot_write(self, job: ActiveJob, tasks: list[int], path: Path,
                      exc: OSError) -> None:
        """The output cannot be written: the job's fault, not the worker's. The job is
        paused with the folder and the system's reason; its tasks wait, attempts
        untouched, for the folder to be fixed and the job resumed."""
        self.store.mark_pending(job.id, tasks)
        job.pending.extendleft(reversed(tasks))
        folder = path.parent
        message = (f"paused: cannot write into {folder}: {exc.strerror or exc} (fix the "
                   "folder, then resume the job)")
        if job.row.state != JobState.PAUSED:
            self._move(job, JobState.PAUSED, message, message, (JobState.QUEUED, JobState.RUNNING))

    def _fail_task(self, job: ActiveJob, idx: int, worker: PoolWorker, error: str, text: str,
                   final: bool = False) -> None:
        job.attempts[idx] = job.attempts.get(idx, 0) + 1
        final = final or job.attempts[idx] >= job.request.max_attempts
        self.store.record_failure(job.id, idx, worker.name, error, text, final)
        # A worker is blocklisted for failing several of the job's frames, not one frame
        # several times (a bad frame on a one-worker farm must not stop the others).
        if worker.name not in job.failed_on.get(idx, ()):
            job.failures[worker.name] = job.failures.get(worker.name, 0) + 1
        job.failed_on.setdefault(idx, set()).add(worker.name)
        worker.failed += 1
        if (job.failures[worker.name] >= job.request.blocklist_after
                and worker.name not in job.blocklist):
            job.blocklist.add(worker.name)
            self.store.log(job.id, f"worker {worker.name} blocklisted for this job after "
                                   f"failing {job.failures[worker.name]} of its tasks")
        if not final:
            job.retry.append(idx)

    def _fail_job(self, job: ActiveJob, message: str,
                  cause: MetastudioError | None = None) -> None:
        job.staging = False
        if cause is not None:
            self.job_errors[job.id] = cause
        self._move(job, JobState.FAILED, message, f"failed: {message}",
                   (JobState.QUEUED, JobState.RUNNING, JobState.PAUSED))

    def _move(self, job: ActiveJob, state: str, message: str | None, event: str,
              allowed: tuple[str, ...]) -> None:
        """Move the job to `state` in the queue unless a client moved it meanwhile (a
        cancel, a pause, a delete: theirs stands); the job's record follows the queue."""
        if self.store.set_state(job.id, state, message, event, allowed):
            job.row.state = state
            if message is not None:
                job.row.message = message
        else:
            job.row = self.store.job(job.id) or job.row

    # ----- timeouts -----------------------------------------------------------------
    def timeout(self, job: ActiveJob) -> float | None:
        """The job's own frame timeout, or one learned from its finished frames."""
        if job.request.frame_timeout is not None:
            return job.request.frame_timeout
        if len(job.seconds) < self.config.learn_after:
            return None
        learned_from = job.learned[0]
        # Learned again when a frame ends; on a long job every few frames (a median over
        # thousands of frames each time would cost more than the frames).
        if learned_from != len(job.seconds) and (
                learned_from < 64 or len(job.seconds) - learned_from >= learned_from // 16):
            job.learned = (len(job.seconds), max(
                self.config.min_frame_timeout,
                self.config.timeout_median_factor * statistics.median(job.seconds),
                self.config.timeout_max_factor * max(job.seconds)))
        return job.learned[1]

    def _enforce_timeouts(self) -> None:
        now = time.monotonic()
        for worker in self.pool.values():
            head = worker.queue[0] if worker.queue else None
            if head is None or head.kind not in ("render", "call") or head.started is None:
                continue
            job = self.jobs.get(head.job_id)
            limit = self.timeout(job) if job else None
            if limit is not None and not worker.timed_out and (
                    now - head.started > limit * len(head.tasks)):
                worker.timed_out = True
                self.store.log(job.id, f"{worker.name} passed the {limit:g} s timeout; "
                                       "stopping it")
                ray.kill(worker.actor, no_restart=True)

    # ----- ends ---------------------------------------------------------------------
    def _finish_jobs(self) -> None:
        for job in list(self.jobs.values()):
            if job.runnable:
                self._say_if_unfit(job)
            if not job.runnable or not job.staged:
                continue
            if job.pending or job.retry or job.in_flight or job.preview_running:
                if (job.pending or job.retry) and not job.in_flight:
                    self._check_stranded(job)
                continue
            counts = self.store.counts(job.id)
            failed = counts.get(TaskState.FAILED, 0)
            if failed:
                errors = [_task_error(t) for t in self.store.tasks(job.id, (TaskState.FAILED,))[:3]]
                self._fail_job(job, f"{failed} of {sum(counts.values())} failed: "
                                    + "; ".join(errors))
                continue
            if self._wants_preview(job):
                self._start_preview(job)
                continue
            error = job.row.preview_error
            message = f"preview failed: {error}" if error else ""
            self._move(job, JobState.DONE, message, "done", (JobState.QUEUED, JobState.RUNNING))

    def _check_stranded(self, job: ActiveJob) -> None:
        """Work is left but no live worker may take it: say why, and fail the job when
        every worker that could has been blocklisted."""
        able = [w for w in self.pool.values() if self.eligible(w, job)]
        if able:
            return
        fitting = [w for w in self.pool.values() if self._fits(w, job)]
        if fitting and all(w.name in job.blocklist for w in fitting):
            left = len(job.pending) + len(job.retry)
            for idx in list(job.pending) + list(job.retry):
                self.store.record_failure(job.id, idx, "", "every worker that may run this "
                                          "job is blocklisted for it", "", True)
            job.pending.clear()
            job.retry.clear()
            self.store.log(job.id, f"{left} task(s) failed: every worker is blocklisted "
                                   f"({', '.join(sorted(job.blocklist))})")

    def _say_if_unfit(self, job: ActiveJob) -> None:
        """A job no worker of the farm fits waits (a node may join); its message says so."""
        ready = [w for w in self.pool.values() if w.ready]
        unfit = bool(ready) and not any(self._fits(w, job) for w in ready)
        message = _UNFIT if unfit else ""
        if unfit and job.saved_by and any(too_old(w.blender, job.saved_by) for w in ready):
            versions = sorted({_dotted(w.blender) for w in ready if w.blender})
            message = (f"{_UNFIT}: the scene was saved by Blender {_dotted(job.saved_by)}, "
                       f"the workers run {', '.join(versions)}")
        if message != job.row.message and (unfit or job.row.message.startswith(_UNFIT)):
            self.store.set_message(job.id, message)
            job.row.message = message

    def _fits(self, worker: PoolWorker, job: ActiveJob) -> bool:
        saved, job.blocklist = job.blocklist, set()
        try:
            return self.eligible(worker, job)
        finally:
            job.blocklist = saved

    def _wants_preview(self, job: ActiveJob) -> bool:
        request = job.request
        return (isinstance(request, RenderJobRequest) and request.preview
                and not job.row.preview and not job.row.preview_error)

    def _start_preview(self, job: ActiveJob) -> None:
        worker = next((w for w in self.pool.values()
                       if w.ready and not w.busy and self._fits(w, job)), None)
        if worker is None:
            return
        tasks = [t for t in self.store.tasks(job.id) if t.state == TaskState.DONE and t.file]
        frames = []
        for task in tasks[:_PREVIEW_MAX_FRAMES]:
            try:
                frames.append((task.file, (job.out_dir / task.file).read_bytes()))
            except OSError:
                continue
        if not frames:
            self._set_preview(job, error="no frames to show")
            return
        from .preview import encode_preview

        fps = job.info.fps if job.info else 24.0
        ref = worker.actor.call.remote(encode_preview, (frames, fps))
        worker.queue.append(Assignment("preview", ref, job.id))
        worker.loaded = ""
        self._start_head(worker)
        job.preview_running = True
        self.store.log(job.id, f"encoding the preview on {worker.name}")

    def _set_preview(self, job: ActiveJob, file: str = "", error: str = "") -> None:
        """Record the preview's file, or why there is none, in the queue and in the job."""
        self.store.set_preview(job.id, file, error)
        job.row.preview, job.row.preview_error = file, error

    def _preview_back(self, job: ActiveJob, result) -> None:
        data, _text = result
        name = f"preview-{job.id}.mp4"
        try:
            write_atomically(job.out_dir / name, data)
            self._set_preview(job, file=name)
        except OSError as exc:
            self._set_preview(job, error=f"cannot write {name}: {exc.strerror}")
        job.preview_running = False

    # ----- what the API shows ---------------------------------------------------------
    def _publish(self) -> None:
        snapshot = []
        for worker in self.pool.values():
            head = worker.queue[0] if worker.queue else None
            task = ""
            if head and head.tasks:
                job = self.jobs.get(head.job_id)
                task = ", ".join(job.names.get(i, str(i)) for i in head.tasks) if job else ""
            snapshot.append({
                "name": worker.name, "node": worker.slot.node_id,
                "state": "starting" if not worker.ready else ("busy" if head else "idle"),
                "tags": sorted(worker.tags), "job": head.job_id if head else "",
                "task": task, "done": worker.done, "failed": worker.failed,
                "pid": worker.pid, "blender": _dotted(worker.blender or ())})
        snapshot += [{"name": name, "node": "", "state": "lost", "tags": [], "job": "",
                      "task": "", "done": 0, "failed": 0, "pid": 0}
                     for name in self._lost_names[-8:]
                     if name not in {w.name for w in self.pool.values()}]
        self.worker_snapshot = snapshot
        self.timeouts = {job_id: self.timeout(job) for job_id, job in self.jobs.items()}


def too_old(worker: tuple[int, int] | None, saved_by: tuple[int, int] | None) -> bool:
    """Can a worker of this Blender not open a scene saved by that one? A newer major
    version's files are not for an older Blender (a newer minor one's open, with a
    warning in the job's log)."""
    return bool(worker and saved_by and worker[0] < saved_by[0])


def _dotted(version: tuple[int, ...]) -> str:
    return ".".join(str(part) for part in version)


def _task_error(task) -> str:
    """A failed task's first error line, naming the task unless the error does."""
    first = task.error.splitlines()[0] if task.error else "failed"
    return first if task.name in first else f"{task.name}: {first}"


def node_tags(node: dict, slot: WorkerSlot) -> frozenset[str]:
    """A worker's tags: gpu or cpu, gpu:<type> from Ray's accelerator type, each custom
    resource named tag:<name> (`ray start --resources '{"tag:fast": 1}'`), and each of
    the node's labels as key=value."""
    tags = {"gpu" if slot.uses_gpu else "cpu"}
    for resource in node.get("Resources", {}):
        if resource.startswith("accelerator_type:") and slot.uses_gpu:
            tags.add("gpu:" + resource.removeprefix("accelerator_type:"))
        elif resource.startswith("tag:"):
            tags.add(resource.removeprefix("tag:"))
    for key, value in (node.get("Labels") or {}).items():
        if not key.startswith("ray.io/"):
            tags.add(f"{key}={value}")
    return frozenset(tags)
