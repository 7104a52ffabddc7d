#!/usr/bin/env python
"""Scheduling overhead: many trivial frames through the scheduling core and its queue.

Workers evaluate each frame (`frame_set`, no render), so nearly all the time is the
farm's own: Ray calls, hand-out, SQLite updates, progress. The same frame_set loop in a
single bpy process is run first as the baseline; the difference divided by the frame
count is the per-frame overhead. Status queries are timed from a second connection while
the job runs. Usage:
    .venv/bin/python scripts/bench_scheduler.py [--frames 10000] [--chunk 1]
"""

from __future__ import annotations

import argparse
import dataclasses
import logging
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import ray
from metastudio.core.blendfile import scene_digest
from metastudio.core.render_job import RenderJob
from metastudio.core.service_jobs import job_id_for
from metastudio_farm.cli.demo import build_scene_in_subprocess
from metastudio_farm.cli.farm import run_farm_job
from metastudio_farm.cli.render import farm_config, render_job_request
from metastudio_farm.scheduling.home import EMBEDDED_QUEUE, open_queue

BASELINE = """
import sys, time, bpy
bpy.ops.wm.open_mainfile(filepath=sys.argv[1], load_ui=False)
scene = bpy.context.scene
started = time.perf_counter()
for frame in range(1, int(sys.argv[2]) + 1):
    scene.frame_set(frame)
print(time.perf_counter() - started)
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frames", type=int, default=10_000)
    parser.add_argument("--chunk", type=int, default=1)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="metastudio-sched-"))
    scene = work / "trivial.blend"
    build_scene_in_subprocess(scene, args.frames, resolution=(16, 16), samples=1)
    baseline = float(subprocess.run([sys.executable, "-c", BASELINE, str(scene),
                                     str(args.frames)], check=True, capture_output=True,
                                    text=True).stdout.split()[-1])

    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False,
             logging_level=logging.ERROR)
    out = work / "out"
    home = work / "home"
    os.environ["METASTUDIO_SERVICE_HOME"] = str(home)  # a queue of this run's own
    job = RenderJob(scene=scene, output={"directory": out}, resources={"chunk": args.chunk})
    request = render_job_request(job)
    digest = scene_digest(scene)
    job_id = job_id_for(request, digest)
    latencies: list[float] = []
    stop = threading.Event()

    def poll_status():
        while not stop.is_set():
            path = home / EMBEDDED_QUEUE
            if path.exists():
                started = time.perf_counter()
                queue = open_queue(path, verify=False)  # as `metastudio status` does
                queue.counts(job_id)
                queue.close()
                latencies.append(time.perf_counter() - started)
            time.sleep(0.05)

    poller = threading.Thread(target=poll_status, daemon=True)
    poller.start()
    started = time.perf_counter()
    config = dataclasses.replace(farm_config(job), evaluate_only=True)
    report = run_farm_job(request, identity=digest, no_service=True, config=config)
    total = time.perf_counter() - started
    stop.set()
    poller.join()
    ray.shutdown()
    assert report.ok and report.done == args.frames

    queue = open_queue(home / EMBEDDED_QUEUE)
    ended = sorted(t.updated for t in queue.tasks(job_id))
    dispatch = ended[-1] - ended[0]
    # The workers share the frame_set work; the farm's overhead is what remains.
    overhead = (dispatch - baseline / report.workers) / args.frames
    print(f"{args.frames} frames, chunk {args.chunk}, {report.workers} worker(s); "
          f"job {total:.2f} s (set-up included), first to last frame {dispatch:.2f} s")
    print(f"baseline frame_set loop in one process: {baseline:.2f} s "
          f"({baseline / args.frames * 1000:.3f} ms/frame)")
    print(f"farm time per frame: {dispatch / args.frames * 1000:.3f} ms; "
          f"overhead beyond the work: {overhead * 1000:.3f} ms/frame (goal < 5 ms)")
    if latencies:
        print(f"status queries during the run: {len(latencies)}, median "
              f"{statistics.median(latencies) * 1000:.2f} ms, max {max(latencies) * 1000:.2f} ms")
    started = time.perf_counter()
    for _ in range(100):
        queue.counts(job_id)
    summary_ms = (time.perf_counter() - started) * 10
    started = time.perf_counter()
    frames = queue.tasks(job_id)
    listing_ms = (time.perf_counter() - started) * 1000
    queue.close()
    print(f"after the run: counts {summary_ms:.2f} ms, all {len(frames)} frames "
          f"listed in {listing_ms:.1f} ms")


if __name__ == "__main__":
    main()
