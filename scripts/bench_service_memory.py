"""The farm service's memory over a long life: N one-frame jobs, each of a distinct
scene with its own texture (so nothing is shared between jobs), run one after another
on a service with two warm workers. Prints, after the first job and then every so many,
the memory of the service and all it started (proportional set size, PSS, summed over
the service's process group: the API, the dispatcher, Ray's GCS, raylet and object
store, the workers), the objects Ray still holds (`ray memory` equivalents are not
reachable from outside, so the object store is measured as the workers' and raylet's
shared memory inside PSS), the size of the workers' node cache with its limit, and the
disk the workers' whole folder takes (cache, job folders, logs; each file once).

Run it on two checkouts to compare (the baseline is the code before issue 18, which
never released a job's objects nor evicted the cache):

    .venv/bin/python scripts/bench_service_memory.py [--jobs 200] [--cache-mb 40]"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.bpy_process import build_scene, run_bpy  # noqa: E402
from tests.farm.service_process import ServiceProcess  # noqa: E402


def session_pss(session: int) -> int:
    """Bytes of PSS of every process in `session` (the service's process group)."""
    total = 0
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            if os.getsid(int(pid)) != session:
                continue
            for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    total += int(line.split()[1]) * 1024
        except (OSError, ValueError):
            continue
    return total


def folder_size(folder: Path) -> int:
    """Bytes on disk under `folder`, each file once however many links it has."""
    seen = {}
    for path in folder.rglob("*"):
        if path.is_file() and not path.is_symlink():
            info = path.stat()
            seen[(info.st_dev, info.st_ino)] = info.st_size
    return sum(seen.values())


def make_scenes(studio: Path, count: int, size: int) -> list[str]:
    """`count` variants of the sample scene, each with its own noise texture (size x size:
    noise does not compress, so each is about 4 x size x size bytes)."""
    base = build_scene(studio / "base.blend", frames=2, resolution=(32, 18), samples=1)
    result = run_bpy("""
        import bpy, numpy
        from metastudio.bl.nodes import ensure_node_tree
        paths = []
        for n in range(count):
            bpy.ops.wm.open_mainfile(filepath=base)
            rng = numpy.random.default_rng(n)
            image = bpy.data.images.new(f"noise{n}", size, size)
            image.pixels.foreach_set(rng.random(size * size * 4).astype("float32"))
            texture = f"{folder}/noise{n}.png"
            image.filepath_raw = texture
            image.file_format = "PNG"
            image.save()
            image.source = "FILE"
            material = bpy.data.materials.new(f"m{n}")
            ensure_node_tree(material)
            node = material.node_tree.nodes.new("ShaderNodeTexImage")
            node.image = image
            for obj in bpy.context.scene.objects:
                if obj.type == "MESH":
                    obj.data.materials.clear()
                    obj.data.materials.append(material)
            path = f"{folder}/scene{n:04d}.blend"
            bpy.ops.wm.save_as_mainfile(filepath=path)
            paths.append(path)
        result = paths
    """, base=base, count=count, folder=str(studio), size=size)
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=200)
    parser.add_argument("--cache-mb", type=float, default=200.0,
                        help="the workers' node cache limit (METASTUDIO_WORKER_CACHE_GB)")
    parser.add_argument("--report-every", type=int, default=50)
    parser.add_argument("--texture", type=int, default=1024,
                        help="each scene's own noise texture is this many pixels square")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="metastudio-mem-") as folder:
        root = Path(folder)
        studio = root / "studio"
        studio.mkdir()
        cache = root / "worker"
        os.environ["METASTUDIO_WORKER_DIR"] = str(cache)
        os.environ["METASTUDIO_WORKER_CACHE_GB"] = str(args.cache_mb / 1000)
        print(f"making {args.jobs} scenes ...", file=sys.stderr)
        scenes = make_scenes(studio, args.jobs, args.texture)
        service = ServiceProcess(root / "home", [studio], "--cpus-per-worker", "1").start()
        rows = []
        try:
            service.wait_for_workers(2)
            client = service.client()
            started = time.monotonic()
            for n, scene in enumerate(scenes, 1):
                job = client.submit({"kind": "render", "scene": scene, "frames": "1",
                                     "preview": False, "out": str(studio / "out" / str(n))})
                while client.job(job.id).state not in ("done", "failed", "canceled"):
                    time.sleep(0.05)
                if n == 1 or n % args.report_every == 0 or n == len(scenes):
                    time.sleep(3)  # a sync round: finished jobs leave the dispatcher
                    rows.append((n, session_pss(service.process.pid),
                                 folder_size(cache / "files") if (cache / "files").exists()
                                 else 0, folder_size(cache)))
                    print(f"after {n:4d} jobs: service and workers {rows[-1][1] / 1e6:7.1f} MB"
                          f" PSS; node cache {rows[-1][2] / 1e6:6.1f} MB (limit "
                          f"{args.cache_mb:g} MB), the workers' folder {rows[-1][3] / 1e6:6.1f}"
                          f" MB on disk; {time.monotonic() - started:.0f} s", flush=True)
            failed = [j for j in client.jobs() if j.state != "done"]
        finally:
            service.stop()
    first, last = rows[0], rows[-1]
    print(f"memory after {last[0]} jobs / after the first: {last[1] / first[1]:.2f}x "
          f"({(last[1] - first[1]) / 1e6:+.1f} MB); cache {last[2] / 1e6:.1f} MB; workers' "
          f"folder {last[3] / 1e6:.1f} MB; "
          f"{len(failed)} job(s) not done")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
