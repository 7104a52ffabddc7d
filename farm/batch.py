"""Run one function over many inputs on Ray workers: the shape every operator batch
(lip-sync a folder, make a crowd) shares."""

from __future__ import annotations

from collections.abc import Callable, Hashable
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
