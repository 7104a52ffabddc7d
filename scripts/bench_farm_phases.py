#!/usr/bin/env python
"""Where a farm job's time goes, and which worker layout renders a CPU node fastest.

Builds the benchmark scene (as scripts/bench_farm.py does), then in one process: times the
imports, `ray.init`, each layout's run (worker start and scene open, frames, steady
throughput) and `ray.shutdown`. Layouts alternate for `--rounds` rounds so that drift in
a shared VM hits both alike. Usage:
    .venv/bin/python scripts/bench_farm_phases.py [--frames 40] [--rounds 2]
"""

from __future__ import annotations

import time

STARTED = time.perf_counter()

import argparse  # noqa: E402
import logging  # noqa: E402
import os  # noqa: E402
import shutil  # noqa: E402
import tempfile  # noqa: E402
from pathlib import Path  # noqa: E402

import ray  # noqa: E402
from metastudio.core.blendfile import scene_digest  # noqa: E402
from metastudio.core.render_job import RenderJob  # noqa: E402
from metastudio_farm.cli.demo import build_scene_in_subprocess  # noqa: E402
from metastudio_farm.cli.farm import run_farm_job  # noqa: E402
from metastudio_farm.cli.render import farm_config, render_job_request  # noqa: E402
from metastudio_farm.scheduling.home import EMBEDDED_QUEUE, default_home, open_queue  # noqa: E402

IMPORTED = time.perf_counter()

LAYOUTS = {"1 worker x 2 threads": {}, "2 workers x 1 thread": {"cpus_per_worker": 1}}


def run_layout(scene: Path, out: Path, resources: dict) -> dict:
    shutil.rmtree(out, ignore_errors=True)
    started, wall = time.perf_counter(), time.time()
    job = RenderJob(scene=scene, output={"directory": out}, resources=resources)
    outcome = run_farm_job(render_job_request(job), identity=scene_digest(scene),
                           no_service=True, config=farm_config(job))
    ended = time.perf_counter()
    queue = open_queue(default_home() / EMBEDDED_QUEUE)
    # When each frame ended (the queue's clock), on this process's clock.
    events = sorted((t.updated - wall + started, t.seconds) for t in queue.tasks(outcome.job_id))
    queue.close()
    first_start = events[0][0] - events[0][1]
    return {
        "total": ended - started,
        "start": first_start - started,
        "frames": events[-1][0] - first_start,
        "steady": (events[-1][0] - events[3][0]) / (len(events) - 4),
        "in_worker": sum(seconds for _, seconds in events),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frames", type=int, default=40)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="metastudio-phases-"))
    os.environ["METASTUDIO_SERVICE_HOME"] = str(work / "home")  # a queue of this run's own
    scene = work / "bench.blend"
    build_scene_in_subprocess(scene, args.frames, resolution=(320, 180), samples=16)
    before_init = time.perf_counter()
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False,
             logging_level=logging.ERROR)
    init = time.perf_counter() - before_init
    print(f"imports {IMPORTED - STARTED:.2f} s, ray.init {init:.2f} s")
    for round_number in range(1, args.rounds + 1):
        for name, resources in LAYOUTS.items():
            r = run_layout(scene, work / "out", resources)
            print(f"round {round_number} {name}: job {r['total']:.2f} s = worker start and "
                  f"open {r['start']:.2f} + frames {r['frames']:.2f} (worker busy "
                  f"{r['in_worker']:.2f}); steady {r['steady']:.3f} s/frame", flush=True)
    before_shutdown = time.perf_counter()
    ray.shutdown()
    print(f"ray.shutdown {time.perf_counter() - before_shutdown:.2f} s")


if __name__ == "__main__":
    main()
