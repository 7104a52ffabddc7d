"""The farm's own commands: `render` (a .blend's frames on Ray workers), `status` (the
jobs of a service or an output folder) and `demo`."""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from metastudio.core.errors import FrameFailedError, JobSpecError, MetastudioError
from metastudio.core.render_job import RenderJob
from metastudio.core.schema import build_spec


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
    p.add_argument("--address", help="Ray cluster address (default: start a local Ray)")
    p.add_argument("--steps", type=Path, metavar="JSON",
                   help='operators to run on the scene before rendering: a JSON list of '
                        '{"operator": "metastudio.<name>", "params": {...}}')
    p.add_argument("--progress", choices=("bar", "json"), default="bar",
                   help="a progress bar on stderr, or JSON lines on stdout for programs")
    p.set_defaults(handler=_cmd_render)


def _status_parser(sub) -> None:
    p = sub.add_parser("status", help="show the jobs of a farm service or an output folder",
                       description="Show the jobs of a farm service (the default), or those "
                       "stored in an output folder by `metastudio render` (--out), or one "
                       "job's frames.")
    p.add_argument("job", nargs="?", help="a job id (or, with --out, its first characters)")
    p.add_argument("--out", type=Path, help="an output folder of `metastudio render`")
    p.add_argument("--frames", action="store_true", help="list every frame of the job")
    p.add_argument("--service", metavar="URL",
                   help="the service (default: $METASTUDIO_SERVICE or http://127.0.0.1:8642)")
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


def run_render(job: RenderJob, progress: str = "bar") -> int:
    """Render a job showing progress; print a summary; return the exit code."""
    from ..scheduling.render_run import RenderRun
    from .progress import JsonProgress, ProgressBar

    for warning in blender_version_warnings(job.scene):
        print(f"warning: {warning}", file=sys.stderr)
    bar = JsonProgress() if progress == "json" else ProgressBar()
    report = RenderRun(job, progress=bar).run()
    bar.close()
    for warning in report.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    resumed = f" ({report.skipped} already done)" if report.skipped else ""
    workers = f"{report.workers} worker" + ("s" if report.workers != 1 else "")
    summary = (f"job {report.job_id}: {report.done + report.skipped}/{report.total} frames "
               f"in {report.out_dir}{resumed}; {workers}, {report.seconds:.1f} s")
    if progress == "json":  # stdout carries JSON lines only
        bar.finish(summary)
    else:
        print(summary)
    if not report.ok:
        details = "\n".join(f"frame {frame}: {error}" for frame, error in report.failed.items())
        raise FrameFailedError(f"{len(report.failed)} frame(s) failed:\n{details}")
    return 0


def _cmd_render(args: argparse.Namespace) -> int:
    return run_render(job_from_args(args), args.progress)


def _cmd_status(args: argparse.Namespace) -> int:
    from ..scheduling.job_store import JobStore, store_path

    if args.out is None:
        from .service import service_status

        return service_status(args)
    path = store_path(args.out)
    if not path.exists():
        raise MetastudioError(f"out: no metastudio jobs in {args.out}")
    with JobStore(path) as store:
        jobs = [store.find_job(args.job)] if args.job else store.jobs()
        if args.job and jobs[0] is None:
            raise MetastudioError(f"job: no single job matches {args.job!r} in {args.out}")
        for summary in jobs:
            counts = ", ".join(f"{n} {state}" for state, n in sorted(summary.counts.items()))
            when = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(summary.updated))
            print(f"{summary.id}  {summary.state:8} {counts}  ({summary.total} frames)  "
                  f"{when}  {summary.scene}")
            if summary.message:
                print(f"  {summary.message}")
            if args.frames:
                for frame in store.frames(summary.id):
                    seconds = f"{frame.seconds:.2f}s" if frame.seconds is not None else ""
                    print(f"  {frame.frame:6d} {frame.state:8} attempts={frame.attempts} "
                          f"{seconds:>8} {frame.worker} {frame.file} {frame.error[:80]}")
    return 0


def _cmd_demo(args: argparse.Namespace) -> int:
    from .demo import run_demo

    return run_demo(args.out, args.frames)


