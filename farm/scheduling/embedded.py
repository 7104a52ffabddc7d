"""The scheduling core run inside the calling process: what `metastudio render` and the
batch commands use when no farm service is running.

The same Dispatcher the service runs, on a queue of the same schema, steps in this
thread until the job ends; the queue is a file of its own in the farm's home
(`embedded.sqlite`, beside the service's `queue.sqlite`), so the service and embedded
runs never take each other's jobs, and a job run again (the same scene and settings, or
the same batch) resumes: finished frames and items are kept, failed ones get fresh
attempts.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import time
from collections.abc import Callable
from pathlib import Path

from metastudio.core.errors import FarmError, MetastudioError
from metastudio.core.job_states import JobState, TaskState
from metastudio.core.service_jobs import BatchJobRequest, RenderJobRequest, default_name

from .dispatcher import Dispatcher, DispatcherConfig, Planner
from .home import EMBEDDED_QUEUE, open_queue
from .outcome import JobOutcome, read_warnings, with_log
from .queue import JobQueue

# How long a job may wait with no worker able to start before the run gives up.
_NO_WORKER_SECONDS = 600.0
_PROGRESS_SECONDS = 0.2
Progress = Callable[[int, int, int], None]  # (done, failed, total)


@contextlib.contextmanager
def _job_lock(home: Path, job_id: str):
    """One process at a time runs a job; FarmError naming the other one's pid."""
    folder = home / "runs"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{job_id}.lock"
    with open(path, "a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            handle.seek(0)
            holder = handle.read().strip() or "another process"
            raise FarmError(f"job {job_id} is already being run by {holder}; wait for it, "
                            "or stop it") from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"pid {os.getpid()}\n")
        handle.flush()
        try:
            yield
        finally:
            with contextlib.suppress(OSError):
                path.unlink()


def enqueue(queue: JobQueue, request: RenderJobRequest | BatchJobRequest,
            job_id: str) -> None:
    """Put the job in the queue, or take it up again: a job that ended, was stopped or
    was left running by a process that died is queued again, its failed tasks with
    fresh attempts and its unfinished ones pending."""
    queue.put_back_running(job_id)  # only this process runs the job (see _job_lock)
    queue.add_or_resume(request.kind, request.name or default_name(request),
                        request.model_dump(mode="json"), request.priority, job_id)


def run_job(request: RenderJobRequest | BatchJobRequest, home: Path, *, job_id: str,
            config: DispatcherConfig | None = None, planner: Planner | None = None,
            progress: Progress | None = None,
            on_step: Callable[[Dispatcher], None] | None = None) -> JobOutcome:
    """Run one job to its end on the scheduling core in this process (Ray must be
    connected: see cluster.ray_session) and report how it ended.

    `progress(done, failed, total)` is called as tasks finish; `on_step(dispatcher)`
    after every round of the scheduler (tests and benchmarks look at its workers).
    Interrupted (Ctrl-C) or failing here, the job is left paused in the queue: the same
    command again resumes it. A job that cannot start (its scene unusable, no worker
    able to take it) raises the error that says why.
    """
    started, since = time.monotonic(), time.time()
    queue = open_queue(home / EMBEDDED_QUEUE)
    try:
        with _job_lock(home, job_id):
            enqueue(queue, request, job_id)
            dispatcher = Dispatcher(queue, config or DispatcherConfig(), None, planner,
                                    only={job_id})
            try:
                _follow(dispatcher, queue, job_id, progress, on_step)
            except BaseException as exc:
                reason = str(exc) or type(exc).__name__
                queue.set_state(job_id, JobState.PAUSED, f"stopped: {reason}; run the same "
                                "command again to resume", "stopped",
                                (JobState.QUEUED, JobState.RUNNING))
                raise
            finally:
                workers = len(dispatcher.workers_seen)
                dispatcher.stop()
            cause = dispatcher.job_errors.get(job_id)
            return _outcome(queue, job_id, since, time.monotonic() - started, workers, cause)
    finally:
        queue.close()


def _follow(dispatcher: Dispatcher, queue: JobQueue, job_id: str,
            progress: Progress | None, on_step) -> None:
    last, counted = None, 0.0
    idle_since = None
    while True:
        dispatcher.step()
        if on_step:
            on_step(dispatcher)
        row = queue.job(job_id)
        if row is None:
            raise FarmError(f"job {job_id} left the queue while it ran")
        ended = row.state.is_final or row.state == JobState.PAUSED
        # Counting a big job's tasks takes a while: a few times a second is enough, but
        # at once when its tasks are first known (what was done before this run).
        first = last is None and row.staged
        if progress and (first or ended or time.monotonic() - counted > _PROGRESS_SECONDS):
            counted = time.monotonic()
            counts = queue.counts(job_id)
            seen = (counts.get(TaskState.DONE, 0), counts.get(TaskState.FAILED, 0),
                    sum(counts.values()))
            if seen != last and seen[2]:
                progress(*seen)
            last = seen if seen[2] else last
        if ended:
            return
        # No worker can start (every slot's worker died too often, or none fits): say
        # so rather than wait for a node that an embedded farm will not gain.
        if dispatcher.pool or dispatcher.can_spawn():
            idle_since = None
        elif idle_since is None:
            idle_since = time.monotonic()
        elif time.monotonic() - idle_since > _NO_WORKER_SECONDS or not dispatcher.slots():
            raise FarmError(dispatcher.error or "resources: no worker can run on this farm "
                            "(no node has the CPU cores or GPU a worker needs)")


def _outcome(queue: JobQueue, job_id: str, since: float, seconds: float, workers: int,
             cause: MetastudioError | None) -> JobOutcome:
    row = queue.job(job_id)
    tasks = queue.tasks(job_id)
    if row.state == JobState.FAILED and not tasks:
        # It never started: the scene or the batch's inputs are unusable.
        raise cause if cause is not None else FarmError(row.message)
    failed = {}
    for task in tasks:
        if task.state == TaskState.FAILED:
            attempts = queue.attempts(job_id, task.index)
            failed[task.name] = with_log(task.error, attempts[-1][3] if attempts else "")
    done = sum(t.state == TaskState.DONE for t in tasks)
    # Done in this run: attempted by a worker since it began (not found done on disk).
    made = sum(t.state == TaskState.DONE and t.attempts > 0 and t.updated >= since
               for t in tasks)
    warnings, by_item = read_warnings(text for _, text in queue.events(job_id))
    return JobOutcome(job_id, row.state, row.message, Path(row.out_dir), len(tasks), done,
                      done - made, failed, warnings, seconds, workers, "", by_item)
