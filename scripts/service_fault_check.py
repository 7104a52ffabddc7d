"""The farm service's fault test: kill a worker and then the whole service during a
100-frame job, restart it, and check that every frame is present once, valid, that no
frame finished before the kill was rendered again, and that the job's record is right.

    .venv/bin/python scripts/service_fault_check.py [--frames 100]

Exits 1 if any check fails. Prints the figures recorded in BENCHMARKS.md."""

from __future__ import annotations

import argparse
import os
import signal
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import cv2  # noqa: E402

from tests.bpy_process import build_scene  # noqa: E402
from tests.farm.service_process import ServiceProcess, wait_for  # noqa: E402


def done_count(client, job_id: str) -> int:
    return client.job(job_id).counts.get("done", 0)


def wait_until_done(client, job_id: str, count: int, timeout: float = 300) -> None:
    deadline = time.monotonic() + timeout
    while done_count(client, job_id) < count:
        if time.monotonic() > deadline:
            raise TimeoutError(f"fewer than {count} frames done after {timeout} s")
        time.sleep(0.05)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frames", type=int, default=100)
    args = parser.parse_args()
    total = args.frames
    problems: list[str] = []
    with tempfile.TemporaryDirectory(prefix="metastudio-fault-") as folder:
        root = Path(folder)
        studio = root / "studio"
        studio.mkdir()
        scene = build_scene(studio / "shot.blend", frames=total, resolution=(160, 90),
                            samples=16)
        out = studio / "frames"
        service = ServiceProcess(root / "home", [studio], "--cpus-per-worker", "1").start()
        try:
            client = service.client()
            service.wait_for_workers(2)
            started = time.monotonic()
            job_id = client.submit({"kind": "render", "scene": scene, "out": str(out),
                                    "preview": False}).id
            wait_until_done(client, job_id, total * 3 // 10)
            busy = [w for w in client.workers() if w.state == "busy" and w.task]
            victim = busy[0] if busy else client.workers()[0]
            os.kill(victim.pid, signal.SIGKILL)
            print(f"killed worker {victim.name} (pid {victim.pid}) while it rendered "
                  f"frame {victim.task}, {done_count(client, job_id)} frames done")
            wait_until_done(client, job_id, total // 2)
            service.kill()
            before = {p.name: p.stat().st_mtime_ns for p in out.iterdir()}
            done_before = [n for n in before if n.startswith("frame_")]
            print(f"killed the service and its Ray with {len(done_before)} frames written")
            service.start()
            service.wait_for_workers(1)
            job = wait_for(service.client(), job_id, timeout=600)
            seconds = time.monotonic() - started
        finally:
            service.stop()

        names = sorted(p.name for p in out.iterdir())
        wanted = [f"frame_{n:04d}.png" for n in range(1, total + 1)]
        if names != wanted:
            extra = sorted(set(names) - set(wanted))
            missing = sorted(set(wanted) - set(names))
            problems.append(f"files: missing {missing[:5]}, extra {extra[:5]}")
        invalid = [n for n in wanted if (out / n).exists()
                   and getattr(cv2.imread(str(out / n)), "shape", None) != (90, 160, 3)]
        if invalid:
            problems.append(f"unreadable or wrong-sized frames: {invalid[:5]}")
        rerendered = [n for n in done_before if (out / n).stat().st_mtime_ns != before[n]]
        if rerendered:
            problems.append(f"frames rendered again after the restart: {rerendered[:5]}")
        if job.state != "done" or job.counts != {"done": total}:
            problems.append(f"job record: {job.state} {job.counts}")
        with sqlite3.connect(root / "home" / "queue.sqlite") as db:
            twice = db.execute("SELECT idx, COUNT(*) FROM attempts WHERE job_id=? AND ok=1"
                               " GROUP BY idx HAVING COUNT(*) > 1", (job_id,)).fetchall()
            failed = db.execute("SELECT idx, worker, error FROM attempts WHERE job_id=? AND"
                                " ok=0", (job_id,)).fetchall()
        if twice:
            problems.append(f"frames recorded done more than once: {twice[:5]}")
        retried = [t.index for t in job.tasks if t.attempts > 1]
        print(f"{len(names)} files for {total} frames, {len(invalid)} invalid, "
              f"{len(rerendered)} of {len(done_before)} frames written before the kill "
              f"rendered again, {len(twice)} frames recorded done twice")
        print(f"failed attempts recorded: {len(failed)} "
              + "; ".join(f"frame {i} on {w}: {e}" for i, w, e in failed))
        print(f"frames with a second attempt: {retried}; job {job.state} "
              f"{job.counts}; {seconds:.1f} s in all")
    for problem in problems:
        print(f"FAILED: {problem}")
    print("fault check passed" if not problems else "fault check FAILED")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
