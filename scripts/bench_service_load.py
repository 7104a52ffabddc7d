"""Load on the farm service: 200 one-frame render jobs submitted at once by 20 clients
(threads, each its own connections), while the same clients poll the queue; then every
job must be done, none lost or duplicated. Prints API latency percentiles under that
load beside the same calls on the same queue once the service is idle (the ratio), and
the time a job takes on the service's warm workers beside `metastudio render` starting
its own farm per job.

    .venv/bin/python scripts/bench_service_load.py [--jobs 200] [--clients 20]"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.bpy_process import build_scene  # noqa: E402
from tests.farm.service_process import ServiceProcess  # noqa: E402


def percentiles(samples: list[float]) -> str:
    ordered = sorted(samples)

    def at(q: float) -> float:
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000

    return (f"p50 {at(0.50):6.1f} ms  p90 {at(0.90):6.1f} ms  p99 {at(0.99):6.1f} ms  "
            f"max {ordered[-1] * 1000:6.1f} ms  (n={len(ordered)})")


def timed(latencies: dict, kind: str, call):
    started = time.perf_counter()
    result = call()
    latencies.setdefault(kind, []).append(time.perf_counter() - started)
    return result


def idle_latencies(client, job_id: str, rounds: int = 100) -> dict[str, list[float]]:
    latencies: dict[str, list[float]] = {}
    for _ in range(rounds):
        timed(latencies, "list", client.jobs)
        timed(latencies, "detail", lambda: client.job(job_id))
    return latencies


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=200)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--baseline-jobs", type=int, default=3,
                        help="jobs run with `metastudio render` for the per-job baseline")
    args = parser.parse_args()
    per_client = args.jobs // args.clients
    with tempfile.TemporaryDirectory(prefix="metastudio-load-") as folder:
        root = Path(folder)
        studio = root / "studio"
        studio.mkdir()
        scene = build_scene(studio / "shot.blend", frames=2, resolution=(32, 18), samples=1)
        service = ServiceProcess(root / "home", [studio], "--cpus-per-worker", "1").start()
        try:
            service.wait_for_workers(2)
            warm = service.client().submit({"kind": "render", "scene": scene, "preview": False,
                                            "frames": "1", "out": str(studio / "warm")}).id
            while service.client().job(warm).state != "done":
                time.sleep(0.1)

            latencies: dict[str, list[float]] = {}
            ids: list[str] = []
            errors: list[str] = []
            lock = threading.Lock()
            barrier = threading.Barrier(args.clients)

            def client_work(n: int) -> None:
                client = service.client()
                mine = []
                barrier.wait()
                try:
                    for k in range(per_client):
                        job = timed(latencies, "submit", lambda k=k: client.submit({
                            "kind": "render", "scene": scene, "preview": False,
                            "frames": "1", "name": f"load {n}-{k}",
                            "out": str(studio / "out" / f"{n}-{k}")}))
                        mine.append(job.id)
                        timed(latencies, "list", client.jobs)
                    while True:  # follow my jobs to the end, as a pipeline tool would
                        states = [timed(latencies, "detail", lambda j=j: client.job(j)).state
                                  for j in mine]
                        if all(s in ("done", "failed", "canceled") for s in states):
                            break
                        time.sleep(0.5)
                except Exception as exc:  # noqa: BLE001 - reported below
                    errors.append(f"client {n}: {exc}")
                with lock:
                    ids.extend(mine)

            started = time.monotonic()
            threads = [threading.Thread(target=client_work, args=(n,))
                       for n in range(args.clients)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            seconds = time.monotonic() - started
            jobs = {j.id: j for j in service.client().jobs()}
            # The baseline: the same calls on the same queue once the service is idle.
            idle = idle_latencies(service.client(), ids[0] if ids else warm)
        finally:
            service.stop()

        problems = list(errors)
        submitted = args.clients * per_client
        if len(ids) != submitted or len(set(ids)) != submitted:
            problems.append(f"{len(set(ids))} distinct ids for {submitted} submissions")
        lost = [j for j in ids if j not in jobs]
        not_done = [j for j in ids if j in jobs and (jobs[j].state != "done"
                                                      or jobs[j].counts != {"done": 1})]
        files = list((studio / "out").glob("*/frame_0001.png"))
        strays = [p for p in (studio / "out").rglob("*") if p.is_file() and ".part" in p.name]
        if lost or not_done or len(files) != submitted or strays:
            problems.append(f"lost {len(lost)}, not done {len(not_done)}, frame files "
                            f"{len(files)}, partial files {len(strays)}")
        print(f"{submitted} jobs from {args.clients} clients: all done in {seconds:.1f} s "
              f"({submitted / seconds:.1f} jobs/s, {seconds / submitted:.2f} s a job); "
              f"lost {len(lost)}, duplicated {len(ids) - len(set(ids))}, not done "
              f"{len(not_done)}")
        for kind in ("submit", "list", "detail"):
            print(f"{kind:7} under load: {percentiles(latencies[kind])}")
            if kind in idle:
                ratio = (statistics.median(latencies[kind]) / statistics.median(idle[kind]))
                print(f"{kind:7} idle:       {percentiles(idle[kind])}  median ratio "
                      f"{ratio:.1f}x")

        # Baseline: each job as its own `metastudio render` (its own Ray, a cold worker).
        command = str(Path(sys.executable).with_name("metastudio"))
        started = time.monotonic()
        for n in range(args.baseline_jobs):
            subprocess.run([command, "render", scene, "--out", str(studio / "cold" / str(n)),
                            "--frames", "1", "--workers", "1", "--no-service"], check=True,
                           capture_output=True)
        cold = (time.monotonic() - started) / args.baseline_jobs
        print(f"a one-frame job: {seconds / submitted:.2f} s on the service's warm workers, "
              f"{cold:.2f} s as its own `metastudio render`; "
              f"ratio {cold * submitted / seconds:.1f}x")
    for problem in problems:
        print(f"FAILED: {problem}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
