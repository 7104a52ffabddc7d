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

from ..scheduling.cluster import ray_session


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


@dataclass
class BatchPlan:
    """An operator batch ready to run: `function(*arguments(item))` for each named item
    not `finished(name)`, each result saved into `out` by `write(name, result)` (which
    may return warnings). The farm command line and the farm service run the same plan."""

    function: Callable
    items: dict[str, Any]
    out: Path
    finished: Callable[[str], bool]
    arguments: Callable[[Any], tuple]
    write: Callable[[str, Any], list[str] | None]

    def todo(self) -> list[str]:
        """The names of the items still to make."""
        return [name for name in self.items if not self.finished(name)]

    def record(self, name: str, result: Any, report: BatchReport) -> None:
        """Save one item's result and count it in `report`."""
        warnings = self.write(name, result)
        if warnings:
            report.warnings[name] = warnings
        report.done += 1


def run_batch(function: Callable, jobs: dict[str, Any], out: Path,
              finished: Callable[[str], bool], arguments: Callable[[Any], tuple],
              write: Callable[[str, Any], list[str] | None], address: str | None = None,
              progress=None) -> BatchReport:
    """`function(*arguments(job))` on the farm for each named job not `finished(name)`;
    `write(name, result)` saves a result in `out` (made when there is work) and may
    return warnings. Arguments are made only for the jobs that run (they may read
    files)."""
    return run_plan(BatchPlan(function, jobs, out, finished, arguments, write), address,
                    progress)


def run_plan(plan: BatchPlan, address: str | None = None, progress=None) -> BatchReport:
    """Run a batch plan on the farm (embedded Ray unless `address`), skipping what is done."""
    if plan.out.exists() and not plan.out.is_dir():
        raise MetastudioError(f"out: {plan.out} is a file, not a folder")
    report = BatchReport()
    todo = plan.todo()
    report.skipped = len(plan.items) - len(todo)
    if todo:
        plan.out.mkdir(parents=True, exist_ok=True)
    calls = {name: plan.arguments(plan.items[name]) for name in todo}
    report.failed = run_on_farm(plan.function, calls,
                                lambda name, result: plan.record(name, result, report),
                                address, progress)
    return report
