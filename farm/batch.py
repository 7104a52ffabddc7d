"""Run one function over many inputs on Ray workers: the shape every operator batch
(lip-sync a folder, make a crowd, background variations, track a folder of clips)
shares, with the resuming (skip what is written) and the report they share too."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import ray
from metastudio.core.errors import MetastudioError
from ray.exceptions import RayTaskError

from .cluster import ray_session


def run_on_farm(function: Callable, calls: dict[Hashable, tuple],
                on_result: Callable[[Hashable, Any], None], address: str | None = None,
                progress=None) -> dict[Hashable, str]:
    """Call `function(*args)` for each of `calls` on a worker (one CPU each, retried twice
    if the worker dies) and give each result to `on_result(key, result)` as it arrives.
    Returns the failures: key -> the error's first line (a metastudio error as it is)."""
    failed: dict[Hashable, str] = {}
    done = 0
    if progress:
        progress.start(len(calls))
    if not calls:
        return failed
    with ray_session(address):
        task = ray.remote(num_cpus=1, max_retries=2)(function)
        pending = {task.remote(*args): key for key, args in calls.items()}
        while pending:
            ready, _ = ray.wait(list(pending), num_returns=1)
            key = pending.pop(ready[0])
            try:
                result = ray.get(ready[0])
            except RayTaskError as exc:
                cause = exc.cause if isinstance(exc.cause, MetastudioError) else exc
                failed[key] = str(cause).splitlines()[0]
            else:
                on_result(key, result)
                done += 1
            if progress:
                progress.update(done, len(failed))
    return failed


@dataclass
class BatchReport:
    """What a batch did: items done, skipped as already done, failures with their reason
    and warnings, each by the item's name."""

    done: int = 0
    skipped: int = 0
    failed: dict[str, str] = field(default_factory=dict)
    warnings: dict[str, list[str]] = field(default_factory=dict)


def run_batch(function: Callable, jobs: dict[str, Any], out: Path,
              finished: Callable[[str], bool], arguments: Callable[[Any], tuple],
              write: Callable[[str, Any], list[str] | None], address: str | None = None,
              progress=None) -> BatchReport:
    """`function(*arguments(job))` on the farm for each named job not `finished(name)`;
    `write(name, result)` saves a result in `out` (made when there is work) and may
    return warnings. Arguments are made only for the jobs that run (they may read
    files)."""
    if out.exists() and not out.is_dir():
        raise MetastudioError(f"out: {out} is a file, not a folder")
    report = BatchReport()
    todo = {name: job for name, job in jobs.items() if not finished(name)}
    report.skipped = len(jobs) - len(todo)
    if todo:
        out.mkdir(parents=True, exist_ok=True)

    def record(name: str, result: Any) -> None:
        warnings = write(name, result)
        if warnings:
            report.warnings[name] = warnings
        report.done += 1

    calls = {name: arguments(job) for name, job in todo.items()}
    report.failed = run_on_farm(function, calls, record, address, progress)
    return report
