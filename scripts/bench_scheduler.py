#!/usr/bin/env python
"""Scheduling overhead: many trivial frames through the scheduler and the job store.

Workers evaluate each frame (`frame_set`, no render), so nearly all the time is the
farm's own: Ray calls, hand-out, SQLite updates, progress. The same frame_set loop in a
single bpy process is run first as the baseline; the difference divided by the frame
count is the per-frame overhead. Status queries are timed from a second connection while
the job runs. Usage:
    .venv/bin/python scripts/bench_scheduler.py [--frames 10000] [--chunk 1]
"""

from __future__ import annotations

import argparse
import logging
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import ray
from metastudio.core.render_job import RenderJob
from metastudio_farm.cli.demo import build_scene_in_subprocess
from metastudio_farm.scheduling.job_store import JobStore, store_path
from metastudio_farm.scheduling.render_run import RenderRun

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
    job = RenderJob(scene=scene, output={"directory": out}, resources={"chunk": args.chunk})
    marks: dict[str, float] = {}
    latencies: list[float] = []
    stop = threading.Event()

    def on_frame(run, outcome):
        marks.setdefault("first", time.perf_counter())
        marks["last"] = time.perf_counter()
        marks.setdefault("job_id", run.job_id)

    def poll_status():
        while not stop.is_set():
            path = store_path(out)
            if path.exists() and "job_id" in marks:
                started = time.perf_counter()
                with JobStore(path) as store:
                    store.summary(marks["job_id"])
                latencies.append(time.perf_counter() - started)
            time.sleep(0.05)

    poller = threading.Thread(target=poll_status, daemon=True)
    poller.start()
    started = time.perf_counter()
    report = RenderRun(job, on_frame=on_frame, evaluate_only=True).run()
    total = time.perf_counter() - started
    stop.set()
    poller.join()
    ray.shutdown()
    assert report.ok and report.done == args.frames

    dispatch = marks["last"] - marks["first"]
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
    with JobStore(store_path(out)) as store:
        started = time.perf_counter()
        for _ in range(100):
            store.summary(report.job_id)
        summary_ms = (time.perf_counter() - started) * 10
        started = time.perf_counter()
        frames = store.frames(report.job_id)
        listing_ms = (time.perf_counter() - started) * 1000
    print(f"after the run: summary {summary_ms:.2f} ms, all {len(frames)} frames "
          f"listed in {listing_ms:.1f} ms")


if __name__ == "__main__":
    main()
