"""Where the command line's farm jobs run, and how they are followed.

A farm service already running for this user on this machine (found by its lock in the
farm's home) or the one METASTUDIO_SERVICE names takes the job at once, with warm
workers; the command follows it to its end. Otherwise (or with --no-service, or a Ray
--address named) the scheduling core runs embedded in this process. Either way the job
is named by its scene's data and settings, so the same command again takes it up where
it was.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

from metastudio.core.errors import FarmError, JobSpecError
from metastudio.core.job_states import JobState, TaskState
from metastudio.core.service_jobs import BatchJobRequest, RenderJobRequest

from ..scheduling.outcome import JobOutcome, read_warnings, with_log


def add_farm_arguments(p) -> None:
    """--address and --no-service, for every command that runs farm jobs."""
    p.add_argument("--address", help="Ray cluster address: run the job on it from this "
                   "process (default: a running farm service, else a local Ray)")
    p.add_argument("--no-service", action="store_true",
                   help="do not use a running farm service: run the farm in this process")


def service_client(address: str | None = None, no_service: bool = False):
    """A client of the service to send jobs to, or None: the one METASTUDIO_SERVICE names
    (with METASTUDIO_TOKEN, or this user's own token when it is the local one), else the
    one running for this user on this machine."""
    if no_service or address:
        return None
    from metastudio.core.service_client import ServiceClient, service_url

    from ..scheduling.home import client_token, default_home, running_service

    home = default_home()
    local = running_service(home)
    named = os.environ.get("METASTUDIO_SERVICE")
    if named:
        same = local is not None and service_url(named) == service_url(local)
        token = os.environ.get("METASTUDIO_TOKEN") or (client_token(home) if same else None)
        return ServiceClient(named, token)
    if local is None:
        return None
    token = client_token(home)
    return ServiceClient(local, token) if token else None


def run_farm_job(request: RenderJobRequest | BatchJobRequest, *, identity: str = "",
                 address: str | None = None, no_service: bool = False, config=None,
                 progress=None, on_step=None, keep_ray: bool = False) -> JobOutcome:
    """Run a job to its end where the farm is (see the module) and say how it ended.
    `progress` has start(total) and update(done, failed) (cli.progress); `on_step`
    (run here only) sees the scheduler after each of its rounds. With `keep_ray`, a Ray
    started here is left running (the command stops it once it has said what it did)."""
    from metastudio.core.service_jobs import job_id_for

    job_id = job_id_for(request, identity)
    request = request.model_copy(update={"id": job_id})
    client = service_client(address, no_service)
    if client is not None:
        try:
            return follow_service_job(client, request, progress)
        except _Unusable as exc:
            print(f"warning: {exc}; running the farm in this process instead",
                  file=sys.stderr)
    return _run_embedded(request, job_id, address, config, progress, on_step, keep_ray)


class _Unusable(Exception):
    """The service cannot take this job (unreachable, or it refuses what it names)."""


def _run_embedded(request, job_id: str, address, config, progress, on_step,
                  keep_ray: bool) -> JobOutcome:
    from ..batches.plans import plan_for
    from ..scheduling.cluster import connect, ray_session
    from ..scheduling.embedded import run_job
    from ..scheduling.home import default_home

    def run():
        return run_job(request, default_home(), job_id=job_id, config=config,
                       planner=plan_for, progress=_Counter(progress), on_step=on_step)

    if keep_ray:  # the command stops it after its summary (cli/commands.py)
        connect(address)
        return run()
    with ray_session(address):
        return run()


class _Counter:
    """Shows (done, failed, total) on a progress bar counting this run's work only."""

    def __init__(self, bar) -> None:
        self.bar, self.base = bar, None

    def __call__(self, done: int, failed: int, total: int) -> None:
        if self.bar is None:
            return
        if self.base is None:
            self.base = done
            self.bar.start(total - done)
        self.bar.update(done - self.base, failed)


def follow_service_job(client, request, progress) -> JobOutcome:
    """Submit `request` to the service and follow it until it settles."""
    started = time.monotonic()
    try:
        queued = client.submit(request)
    except JobSpecError as exc:
        raise _Unusable(f"the farm service at {client.url} refused the job: {exc}") from None
    except FarmError as exc:
        raise _Unusable(str(exc).removeprefix("service: ")) from None
    print(f"{queued.kind} job {queued.id} on the farm service at {client.url}",
          file=sys.stderr)
    counter = _Counter(progress)
    for job in client.follow(queued.id):
        if job.total:
            counter(job.counts.get(TaskState.DONE, 0), job.counts.get(TaskState.FAILED, 0),
                    job.total)
    failed = {}
    for task in job.tasks:
        if task.state == TaskState.FAILED:
            attempts = client.attempts(job.id, task.index)
            failed[task.name] = with_log(task.error, attempts[-1].log if attempts else "")
    # Log lines are "HH:MM:SS text".
    warnings, by_item = read_warnings(line.partition(" ")[2] for line in client.log(job.id))
    # Found done before any worker ran them (on disk at staging, or in an earlier run).
    skipped = sum(t.state == TaskState.DONE and not t.attempts for t in job.tasks)
    return JobOutcome(job.id, job.state, job.message, Path(job.out_dir), job.total,
                      job.counts.get(TaskState.DONE, 0), skipped, failed, warnings,
                      time.monotonic() - started, 0, client.url, by_item)


def run_batch_job(request: BatchJobRequest, address: str | None = None,
                  no_service: bool = False, progress=None, keep_ray: bool = False):
    """Run an operator batch where the farm is; its BatchReport (made, already done,
    failed and warnings, by item). The inputs are checked here first (a bad folder is
    refused before any farm starts), and a batch with nothing left to do starts none."""
    from ..batches.plan import BatchReport
    from ..batches.plans import plan_for
    from ..scheduling.dispatcher import DispatcherConfig

    plan = plan_for(request)  # JobSpecError naming the field or file
    if plan.out.exists() and not plan.out.is_dir():
        raise JobSpecError(f"out: {plan.out} is a file, not a folder")
    todo = plan.todo()
    if not todo:
        return BatchReport(skipped=len(plan.items))
    # Items are single-threaded work for the most part: a worker per core.
    outcome = run_farm_job(request, address=address, no_service=no_service,
                           config=DispatcherConfig(cpus_per_worker=1), progress=progress,
                           keep_ray=keep_ray)
    if outcome.state == JobState.FAILED and not outcome.total:
        raise FarmError(outcome.message)
    return BatchReport(done=outcome.done - outcome.skipped, skipped=outcome.skipped,
                       failed=outcome.failed, warnings=outcome.item_warnings)
