#!/usr/bin/env python
"""Render the same frames of the same scene three ways and print the ratios.

(a) one Blender process per frame, as Flamenco and Deadline do by default;
(b) all frames in one bpy process, one after another;
(c) `metastudio render` on an embedded local Ray (its start and shutdown counted);
(d) `metastudio render` with a farm service running for the user (a warm farm: its
    workers started before the command, as a studio's are).

Each way is timed as a whole command, start-up included. Usage:
    .venv/bin/python scripts/bench_farm.py [--frames 40] [--resolution 320x180] [--samples 16]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from metastudio_farm.cli.demo import build_scene_in_subprocess  # noqa: E402

from tests.farm.service_process import ServiceProcess  # noqa: E402

ONE_FRAME = """
import sys, bpy
bpy.ops.wm.open_mainfile(filepath=sys.argv[1], load_ui=False)
scene = bpy.context.scene
frame = int(sys.argv[3])
scene.render.filepath = sys.argv[2]
path = bpy.path.abspath(scene.render.frame_path(frame=frame))
scene.frame_set(frame)
scene.render.filepath = path
bpy.ops.render.render(write_still=True)
"""

ALL_FRAMES = """
import sys, bpy
bpy.ops.wm.open_mainfile(filepath=sys.argv[1], load_ui=False)
scene = bpy.context.scene
scene.render.use_persistent_data = True
for frame in range(int(sys.argv[3]), int(sys.argv[4]) + 1):
    scene.render.filepath = sys.argv[2]
    path = bpy.path.abspath(scene.render.frame_path(frame=frame))
    scene.frame_set(frame)
    scene.render.filepath = path
    bpy.ops.render.render(write_still=True)
"""


def timed(command: list[str], env: dict | None = None) -> float:
    started = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                   env=env)
    return time.perf_counter() - started


def count_frames(folder: Path) -> int:
    return sum(1 for p in folder.glob("*.png"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frames", type=int, default=40)
    parser.add_argument("--resolution", default="320x180")
    parser.add_argument("--samples", type=int, default=16)
    parser.add_argument("--skip-a", action="store_true", help="skip the slow per-process run")
    args = parser.parse_args()
    width, height = (int(v) for v in args.resolution.split("x"))
    python = sys.executable
    work = Path(tempfile.mkdtemp(prefix="metastudio-bench-"))
    scene = work / "bench.blend"
    build_scene_in_subprocess(scene, args.frames, resolution=(width, height), samples=args.samples)
    print(f"scene: {args.frames} frames, {width}x{height}, Cycles {args.samples} samples, "
          f"CPU; in {work}")
    results: dict[str, float] = {}

    if not args.skip_a:
        out_a = work / "a"
        started = time.perf_counter()
        for frame in range(1, args.frames + 1):
            subprocess.run([python, "-c", ONE_FRAME, str(scene), str(out_a / "f_####"),
                            str(frame)], check=True, stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL)
        results["a"] = time.perf_counter() - started
        assert count_frames(out_a) == args.frames

    out_b = work / "b"
    results["b"] = timed([python, "-c", ALL_FRAMES, str(scene), str(out_b / "f_####"), "1",
                          str(args.frames)])
    assert count_frames(out_b) == args.frames

    for key, extra in (("c", []), ("c1", ["--cpus-per-worker", "1"])):
        out = work / key
        results[key] = timed([python, "-m", "metastudio_farm.cli", "render", str(scene),
                              "--out", str(out), "--no-service", *extra])
        assert count_frames(out) == args.frames, f"{key}: frames missing"

    # (d): the service's home is the one the command looks in (METASTUDIO_SERVICE_HOME).
    home = work / "home"
    env = dict(os.environ, METASTUDIO_SERVICE_HOME=str(home))
    env.pop("METASTUDIO_SERVICE", None)
    service = ServiceProcess(home, [work])
    service.start()
    try:
        service.wait_for_workers(1)
        out = work / "d"
        results["d"] = timed([python, "-m", "metastudio_farm.cli", "render", str(scene),
                              "--out", str(out)], env)
        assert count_frames(out) == args.frames, "d: frames missing"
        job = service.client().jobs()[0]
        assert job.state == "done" and job.total == args.frames, job
    finally:
        service.stop()

    names = {
        "a": "(a) one Blender process per frame",
        "b": "(b) one bpy process, frames in turn",
        "c": "(c) metastudio render (1 worker x 2 threads)",
        "c1": "(c') metastudio render (2 workers x 1 thread)",
        "d": "(d) metastudio render, the service running",
    }
    for key, seconds in results.items():
        print(f"{names[key]:48s} {seconds:7.2f} s  {seconds / args.frames:6.3f} s/frame")
    if "a" in results:
        print(f"speed-up of (c) over (a): {results['a'] / results['c']:.2f}x  (goal >= 3x)")
    print(f"(c) / (b): {results['c'] / results['b']:.3f}  (goal <= 1.10)")
    print(f"(c') / (b): {results['c1'] / results['b']:.3f}")
    print(f"(d) / (b): {results['d'] / results['b']:.3f}")


if __name__ == "__main__":
    main()
