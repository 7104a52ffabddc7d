#!/usr/bin/env python
"""A one-frame job from the command line, cold and warm: `metastudio render` with no farm
service (the scheduling core embedded in the command, its own Ray and a cold worker)
against the same command while a service runs for the user (warm workers), and where the
cold command's time goes.

Each run is timed twice: until the command prints its summary (the frame is written)
and until the process has ended (Ray's shutdown after the summary included). With
--baseline PATH, the packages at PATH (e.g. a worktree of an older commit, linked as
PATH/metastudio and PATH/metastudio_farm) run the cold command too, side by side. Usage:
    .venv/bin/python scripts/bench_farm_start.py [--runs 3] [--baseline /tmp/oldpkg]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.bpy_process import build_scene  # noqa: E402
from tests.farm.service_process import ServiceProcess  # noqa: E402


def timed_command(command: list[str], env: dict) -> tuple[float, float]:
    """(seconds until the summary line, seconds until the process ended)."""
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True, env=env)
    summary = None
    for line in process.stdout:
        if line.startswith("job ") and summary is None:
            summary = time.perf_counter() - started
    _, errors = process.communicate()
    ended = time.perf_counter() - started
    if process.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{errors[-2000:]}")
    return summary or ended, ended


def runs(label: str, command: list[str], env: dict, count: int) -> tuple[float, float]:
    results = [timed_command(command, env) for _ in range(count)]
    summary = statistics.median(r[0] for r in results)
    ended = statistics.median(r[1] for r in results)
    print(f"{label}: summary after {summary:.2f} s, process ended after {ended:.2f} s "
          f"(median of {count}: {', '.join(f'{r[1]:.2f}' for r in results)})", flush=True)
    return summary, ended


def phases(scene: Path, out: Path) -> None:
    """The cold path's parts, in this process."""
    started = time.perf_counter()
    import ray
    from metastudio.core.render_job import RenderJob
    from metastudio_farm.cli.farm import run_farm_job
    from metastudio_farm.cli.render import farm_config, render_job_request
    from metastudio_farm.scheduling.cluster import start_local_ray

    imported = time.perf_counter()
    start_local_ray()
    initialised = time.perf_counter()
    marks: dict[str, float] = {}

    def watch(dispatcher):
        if "ready" not in marks and any(w.ready for w in dispatcher.pool.values()):
            marks["ready"] = time.perf_counter()

    job = RenderJob(scene=scene, frames="1", output={"directory": out})
    from metastudio.core.blendfile import scene_digest

    outcome = run_farm_job(render_job_request(job), identity=scene_digest(scene),
                           no_service=True, config=farm_config(job), on_step=watch)
    finished = time.perf_counter()
    ray.shutdown()
    ended = time.perf_counter()
    assert outcome.ok
    print(f"cold path in one process: imports {imported - started:.2f} s, ray.init "
          f"{initialised - imported:.2f} s, worker start (Blender imported) "
          f"{marks['ready'] - initialised:.2f} s, scene opened and frame rendered "
          f"{finished - marks['ready']:.2f} s (workers stopped included), ray.shutdown "
          f"{ended - finished:.2f} s")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--baseline", type=Path,
                        help="a folder holding older metastudio and metastudio_farm packages")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="metastudio-start-") as folder:
        root = Path(folder)
        studio = root / "studio"
        studio.mkdir()
        scene = build_scene(studio / "shot.blend", frames=2, resolution=(32, 18), samples=1)
        metastudio = str(Path(sys.executable).with_name("metastudio"))
        home = root / "home"
        env = dict(os.environ, METASTUDIO_SERVICE_HOME=str(home))
        env.pop("METASTUDIO_SERVICE", None)

        def command(n: str, *extra: str) -> list[str]:
            return [metastudio, "render", scene, "--frames", "1", "--out",
                    str(studio / n), *extra]

        cold = runs("cold: `metastudio render --no-service` (its own Ray, a cold worker)",
                    command("cold", "--no-service"), env, args.runs)
        if args.baseline:
            old = dict(env, PYTHONPATH=str(args.baseline))
            base = runs(f"cold, the packages in {args.baseline}",
                        [sys.executable, "-m", "metastudio_farm.cli", *command("old")[1:]],
                        old, args.runs)
            print(f"cold now against the baseline: {base[1] / cold[1]:.2f}x (process end)")
        phases(scene, studio / "phases")
        service = ServiceProcess(home, [studio], "--cpus-per-worker", "1").start()
        try:
            service.wait_for_workers(2)
            warm = runs("warm: `metastudio render` with the service running (found by its "
                        "lock and token in the home)", command("warm"), env, args.runs)
            started = time.perf_counter()
            client = service.client()
            job = client.submit({"kind": "render", "scene": str(scene), "frames": "1",
                                 "preview": False, "out": str(studio / "api")})
            while client.job(job.id).state not in ("done", "failed"):
                time.sleep(0.005)
            api = time.perf_counter() - started
        finally:
            service.stop()
        print(f"warm: the same job through the API, submit to done: {api:.3f} s")
        print(f"cold / warm from the command line: {cold[1] / warm[1]:.1f}x (process end), "
              f"{cold[0] / warm[0]:.1f}x (summary)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
