"""The farm's own commands: `render` (a .blend's frames on Ray workers), `status` (the
jobs of a service or an output folder) and `demo`."""

from __future__ import annotations

import argparse
import json
import sqlite3
import sys
import time
from pathlib import Path

from metastudio.core.errors import FrameFailedError, JobSpecError
from metastudio.core.render_job import RenderJob
from metastudio.core.schema import build_spec
from metastudio.core.service_jobs import RenderJobRequest


def add_parsers(sub) -> None:
    """Add the `render`, `status` and `demo` subcommands."""
    _render_parser(sub)
    _status_parser(sub)
    _demo_parser(sub)


def _render_parser(sub) -> None:
    p = sub.add_parser("render", help="render a .blend's frames on the farm",
                       description="Render frames of a .blend on Ray workers that keep Blender "
                       "loaded. Run it again on the same job to render only what is missing.")
    p.add_argument("scene", type=Path, help="the .blend file")
    p.add_argument("--frames", help="frames, e.g. 1-24 or 1,5,9 (default: the scene's range)")
    p.add_argument("--step", type=int, default=1, help="render every Nth frame")
    p.add_argument("--out", type=Path,
                   help="output folder (default: the scene's own output path)")
    p.add_argument("--workers", type=int, help="at most this many workers")
    p.add_argument("--chunk", type=int, default=1, help="frames handed to a worker at once")
    p.add_argument("--cpus-per-worker", type=int,
                   help="split CPU-only nodes into workers of this many cores "
                   "(default: one worker per node using all its cores)")
    p.add_argument("--cpu-only", action="store_true", help="do not render on GPUs")
    p.add_argument("--engine", help="CYCLES, BLENDER_EEVEE or BLENDER_WORKBENCH")
    p.add_argument("--samples", type=int, help="render samples")
    p.add_argument("--resolution", help="WIDTHxHEIGHT, e.g. 1920x1080")
    p.add_argument("--format", dest="file_format", help="PNG, JPEG, OPEN_EXR, TIFF, ...")
    p.add_argument("--no-persistent-data", action="store_true",
                   help="rebuild render data every frame")
    p.add_argument("--frame-timeout", type=float,
                   help="seconds after which a frame counts as hung and is retried")
    p.add_argument("--max-attempts", type=int, default=3,
                   help="attempts before a frame fails the job")
    p.add_argument("--shared-storage", action="store_true",
                   help="workers read the scene and write frames on a shared filesystem")
    p.add_argument("--address", help="Ray cluster address: run the farm on it from this "
                   "process (default: a running farm service, else a local Ray)")
    p.add_argument("--no-service", action="store_true",
                   help="do not use a running farm service: run the farm in this process")
    p.add_argument("--steps", type=Path, metavar="JSON",
                   help='operators to run on the scene before rendering: a JSON list of '
                        '{"operator": "metastudio.<name>", "params": {...}}')
    p.add_argument("--progress", choices=("bar", "json"), default="bar",
                   help="a progress bar on stderr, or JSON lines on stdout for programs")
    p.set_defaults(handler=_cmd_render)


def _status_parser(sub) -> None:
    p = sub.add_parser("status", help="show the farm's jobs",
                       description="Show the jobs of the farm service running for you (or "
                       "the one --service names), else those your commands ran in their "
                       "own process (`metastudio render`, the batches); one job's frames "
                       "with a job id and --frames.")
    p.add_argument("job", nargs="?", help="a job id (or its first characters)")
    p.add_argument("--out", type=Path, help="only the jobs run here that write into this "
                   "folder")
    p.add_argument("--frames", action="store_true", help="list every frame of the job")
    p.add_argument("--service", metavar="URL",
                   help="the service (default: $METASTUDIO_SERVICE, or the one running for "
                   "you on this machine)")
    p.add_argument("--token", help="the service's token (default: $METASTUDIO_TOKEN)")
    p.set_defaults(handler=_cmd_status)


def _demo_parser(sub) -> None:
    p = sub.add_parser("demo", help="build a sample animated scene and render it on the farm",
                       description="Build a small animated scene with Blender, render it on "
                       "an embedded local farm and print where the frames are.")
    p.add_argument("--out", type=Path, default=Path("demo-output"),
                   help="folder for the scene and its frames (default: ./demo-output)")
    p.add_argument("--frames", type=int, default=24, help="number of frames")
    p.set_defaults(handler=_cmd_demo)


def job_from_args(args: argparse.Namespace) -> RenderJob:
    """The RenderJob the `render` arguments describe (validated, or JobSpecError)."""
    overrides = {key: value for key, value in {
        "engine": args.engine.upper() if args.engine else None,
        "samples": args.samples,
        "resolution": args.resolution,
        "file_format": args.file_format.upper() if args.file_format else None,
    }.items() if value is not None}
    overrides["persistent_data"] = not args.no_persistent_data
    resources = {
        "address": args.address, "workers": args.workers, "chunk": args.chunk,
        "cpus_per_worker": args.cpus_per_worker, "use_gpu": not args.cpu_only,
        "shared_storage": args.shared_storage, "frame_timeout": args.frame_timeout,
        "max_attempts": args.max_attempts,
    }
    return build_spec(RenderJob, {
        "steps": _read_steps(args.steps) if args.steps else [],
        "scene": args.scene, "frames": args.frames, "step": args.step,
        "overrides": overrides, "output": {"directory": args.out}, "resources": resources,
    })


def _read_steps(path: Path) -> list:
    try:
        steps = json.loads(path.read_text())
    except OSError as exc:
        raise JobSpecError(f"steps: cannot read {path}: {exc.strerror}") from None
    except json.JSONDecodeError as exc:
        raise JobSpecError(f"steps: {path} is not JSON ({exc.msg}, line {exc.lineno})") from None
    if not isinstance(steps, list):
        raise JobSpecError(f"steps: {path} must hold a JSON list of operator steps")
    return steps


def blender_version_warnings(scene: Path) -> list[str]:
    """What to say when the scene was saved by a newer Blender than this machine's (the
    one its workers run); SceneError when it is a newer major version, which cannot be
    opened here."""
    from importlib.metadata import PackageNotFoundError, version

    from metastudio.core.blendfile import blend_version
    from metastudio.core.errors import SceneError

    saved = blend_version(scene)
    try:
        ours = tuple(int(p) for p in version("bpy").split(".")[:2])
    except (PackageNotFoundError, ValueError):
        return []
    if saved is None or saved <= ours:
        return []
    saved_text, ours_text = f"{saved[0]}.{saved[1]}", f"{ours[0]}.{ours[1]}"
    if saved[0] > ours[0]:
        raise SceneError(f"scene: {scene} was saved by Blender {saved_text}, a newer major "
                         f"version than this farm's Blender {ours_text}, which cannot open "
                         "it")
    return [f"{scene} was saved by Blender {saved_text}; this farm renders with Blender "
            f"{ours_text}: what {saved_text} added may be lost or render differently"]


def render_job_request(job: RenderJob) -> RenderJobRequest:
    """The farm's job for a RenderJob (the command line's model): no preview video."""
    from metastudio.core.service_jobs import render_job_request as request_for

    return request_for(job.scene, job, steps=job.steps, preview=False)


def farm_config(job: RenderJob):
    """How an embedded farm is shaped for the job's resources."""
    from ..scheduling.dispatcher import DispatcherConfig

    resources = job.resources
    return DispatcherConfig(workers=resources.workers, use_gpu=resources.use_gpu,
                            cpus_per_worker=resources.cpus_per_worker,
                            shared_storage=resources.shared_storage)


def run_render(job: RenderJob, progress: str = "bar", no_service: bool = False) -> int:
    """Render a job showing progress; print a summary; return the exit code."""
    from metastudio.core.blendfile import scene_digest

    from .farm import run_farm_job
    from .progress import JsonProgress, ProgressBar

    for warning in blender_version_warnings(job.scene):
        print(f"warning: {warning}", file=sys.stderr)
    bar = JsonProgress() if progress == "json" else ProgressBar()
    # The job is named by the scene's data, not its bytes: a file saved again from a
    # session whose UI changed is the same job, and resumes.
    outcome = run_farm_job(render_job_request(job), identity=scene_digest(job.scene),
                           address=job.resources.address,
                           no_service=no_service or job.resources.shared_storage,
                           config=farm_config(job), progress=bar, keep_ray=True)
    bar.close()
    for warning in outcome.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    resumed = f" ({outcome.skipped} already done)" if outcome.skipped else ""
    where = (f"the service at {outcome.where}" if outcome.where else
             f"{outcome.workers} worker" + ("s" if outcome.workers != 1 else ""))
    summary = (f"job {outcome.job_id}: {outcome.done}/{outcome.total} frames in "
               f"{outcome.out_dir}{resumed}; {where}, {outcome.seconds:.1f} s")
    if progress == "json":  # stdout carries JSON lines only
        bar.finish(summary)
    else:
        print(summary)
    if outcome.failed:
        details = "\n".join(f"frame {frame}: {error}" for frame, error in outcome.failed.items())
        raise FrameFailedError(f"{len(outcome.failed)} frame(s) failed:\n{details}")
    if not outcome.ok:
        raise FrameFailedError(f"job {outcome.job_id} {outcome.state}: {outcome.message}")
    return 0


def _cmd_render(args: argparse.Namespace) -> int:
    return run_render(job_from_args(args), args.progress, args.no_service)


def _cmd_status(args: argparse.Namespace) -> int:
    """The jobs run in this user's own commands (`metastudio render`, the batches: all,
    those writing into --out, or one by its id or first characters), then those of the
    farm service running for this user (or the one --service or $METASTUDIO_SERVICE
    names)."""
    from metastudio.core.errors import FarmError
    from metastudio.core.service_client import ServiceClient

    from ..scheduling.home import EMBEDDED_QUEUE, default_home, open_queue, unusable_queue
    from .farm import service_client
    from .service import service_status

    shown = 0
    path = default_home() / EMBEDDED_QUEUE
    if args.service is None and path.exists():
        queue = open_queue(path, verify=False)  # a look: the run that schedules checks it
        try:
            shown = _embedded_status(queue, args)
        except sqlite3.DatabaseError as exc:  # a damaged page, met by this read
            raise unusable_queue(path, f"cannot be read ({exc})") from None
        finally:
            queue.close()
    if args.out is not None or (args.job and shown):
        client = None
    elif args.service is not None:
        client = ServiceClient(args.service, args.token)
    else:
        client = service_client()
    if client is not None:
        return service_status(client, args)
    if not shown:
        where = f" writing into {args.out}" if args.out else ""
        what = f"no single job matches {args.job!r}" if args.job else "no farm jobs"
        raise FarmError(f"job: {what}{where} here (and no farm service runs for you)")
    return 0


def _embedded_status(queue, args: argparse.Namespace) -> int:
    rows = queue.jobs()
    if args.out is not None:
        out = str(args.out.expanduser().resolve())
        rows = [r for r in rows if r.out_dir == out]
    if args.job:
        rows = [r for r in rows if r.id.startswith(args.job)]
        if len(rows) != 1:
            return 0
    counts_of = queue.all_counts()
    for row in rows:
        counts = counts_of.get(row.id, {})
        text = ", ".join(f"{n} {state}" for state, n in sorted(counts.items()))
        when = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(row.updated))
        unit = "frames" if row.kind == "render" else "items"
        print(f"{row.id}  {row.state:8} {text or 'nothing staged yet'}  "
              f"({sum(counts.values())} {unit})  {when}  {row.name}  {row.out_dir}")
        if row.message:
            print(f"  {row.message}")
        if args.frames:
            for task in queue.tasks(row.id):
                seconds = f"{task.seconds:.2f}s" if task.seconds is not None else ""
                print(f"  {task.name:>10} {task.state:8} attempts={task.attempts} "
                      f"{seconds:>8} {task.worker} {task.file} {task.error[:80]}")
    return len(rows)


def _cmd_demo(args: argparse.Namespace) -> int:
    from .demo import run_demo

    return run_demo(args.out, args.frames)


