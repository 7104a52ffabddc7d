"""`metastudio serve`, `submit`, `status` (of a service), `cancel`, `pause`, `resume`,
`requeue`: the command line of the farm service."""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from metastudio.core.errors import FrameFailedError, JobSpecError
from metastudio.core.job_states import JobState, TaskState
from metastudio.core.schema import build_spec
from metastudio.core.service_client import ServiceClient
from metastudio.core.service_jobs import RenderJobRequest


def _client_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--service", metavar="URL",
                   help="the service (default: $METASTUDIO_SERVICE or http://127.0.0.1:8642)")
    p.add_argument("--token", help="the service's token (default: $METASTUDIO_TOKEN)")


def add_parsers(sub) -> None:
    p = sub.add_parser("serve", help="run the farm as a service: queue, API and dashboard",
                       description="Run the farm service: a persistent job queue, warm "
                       "workers on Ray, an HTTP API (OpenAPI at /openapi.json) and a web "
                       "dashboard. The token is shown once, at the first start.")
    p.add_argument("--home", type=Path, help="folder for the queue and the token's hash "
                   "(default: $METASTUDIO_SERVICE_HOME or ~/.local/share/metastudio/farm)")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on")
    p.add_argument("--port", type=int, default=8642, help="port to listen on")
    p.add_argument("--address", help="Ray cluster address (default: start a local Ray)")
    p.add_argument("--root", type=Path, action="append", dest="roots", metavar="DIR",
                   help="a folder jobs may read and write (repeat; default: this folder)")
    p.add_argument("--path-map", action="append", default=[], metavar="CLIENT=SERVICE",
                   help="map clients' paths to this machine's, e.g. 'P:/=/mnt/projects/' "
                        "(repeat)")
    p.add_argument("--cpus-per-worker", type=int,
                   help="split CPU-only nodes into workers of this many cores")
    p.add_argument("--min-frame-timeout", type=float, default=60.0,
                   help="a timeout learned from finished frames is never shorter (seconds)")
    p.add_argument("--max-body", type=int, default=1 << 20,
                   help="largest request body accepted, in bytes")
    p.add_argument("--new-token", action="store_true",
                   help="make a new token (the old one stops working) and show it")
    p.add_argument("--tls-cert", help="serve HTTPS with this certificate (PEM)")
    p.add_argument("--tls-key", help="the certificate's private key (PEM)")
    p.set_defaults(handler=_cmd_serve)

    p = sub.add_parser("submit", help="submit a job to a farm service",
                       description="Queue a render job on a farm service (or any job from a "
                       "JSON spec, such as an operator batch) and print its id; --wait "
                       "follows it to the end with a progress bar.")
    p.add_argument("scene", type=Path, nargs="?", help="the .blend to render")
    p.add_argument("--spec", type=Path, metavar="JSON",
                   help="the whole job as JSON (the API's job request), instead of a scene")
    p.add_argument("--frames", help="frames, e.g. 1-24 or 1,5,9 (default: the scene's range)")
    p.add_argument("--step", type=int, default=1, help="render every Nth frame")
    p.add_argument("--out", type=Path, help="output folder (default: the scene's own)")
    p.add_argument("--chunk", type=int, default=1, help="frames handed to a worker at once")
    p.add_argument("--engine", help="CYCLES, BLENDER_EEVEE or BLENDER_WORKBENCH")
    p.add_argument("--samples", type=int, help="render samples")
    p.add_argument("--resolution", help="WIDTHxHEIGHT")
    p.add_argument("--format", dest="file_format", help="PNG, JPEG, OPEN_EXR, ...")
    p.add_argument("--steps", type=Path, metavar="JSON", help="operators to run first")
    p.add_argument("--name", default="", help="a name to recognise the job by")
    p.add_argument("--priority", type=int, default=50, help="0-100; higher runs first")
    p.add_argument("--requires", choices=("any", "gpu", "cpu"), default="any",
                   help="only GPU workers, or only CPU-only workers")
    p.add_argument("--gpu-type", help="only workers on this GPU type (e.g. A100)")
    p.add_argument("--tag", action="append", default=[], dest="tags",
                   help="only workers whose node has this tag (repeat)")
    p.add_argument("--max-workers", type=int, help="at most this many workers at once")
    p.add_argument("--after", action="append", default=[], dest="depends_on", metavar="JOB",
                   help="start only when this job is done (repeat)")
    p.add_argument("--max-attempts", type=int, default=3, help="attempts before a frame fails")
    p.add_argument("--frame-timeout", type=float,
                   help="seconds before a frame counts as hung (default: learned)")
    p.add_argument("--no-preview", action="store_true", help="no preview video at the end")
    p.add_argument("--wait", action="store_true", help="follow the job until it ends")
    _client_options(p)
    p.set_defaults(handler=_cmd_submit)

    for verb, text in (("cancel", "stop giving out a job's work"),
                       ("pause", "hold a job until it is resumed"),
                       ("resume", "let a paused or canceled job run again"),
                       ("requeue", "give a job's failed frames fresh attempts")):
        p = sub.add_parser(verb, help=f"{text} (farm service)", description=f"{text}.")
        p.add_argument("job", help="the job's id")
        _client_options(p)
        p.set_defaults(handler=_cmd_action, verb=verb)


def _cmd_serve(args: argparse.Namespace) -> int:
    from ..service.server import default_home, serve

    mapping = []
    for item in args.path_map:
        source, sep, target = item.partition("=")
        if not sep or not source or not target:
            raise JobSpecError(f"path-map: write CLIENT=SERVICE, e.g. P:/=/mnt/projects/, "
                               f"not {item!r}")
        mapping.append((source, target))
    for root in args.roots or []:
        if not root.is_dir():
            raise JobSpecError(f"root: {root} is not a folder")
    if bool(args.tls_cert) != bool(args.tls_key):
        raise JobSpecError("tls-cert: give both --tls-cert and --tls-key")
    serve(args.home or default_home(), args.host, args.port, args.address, args.roots,
          mapping, args.cpus_per_worker, args.min_frame_timeout, args.new_token,
          args.max_body, (args.tls_cert, args.tls_key) if args.tls_cert else None)
    return 0


def request_from_args(args: argparse.Namespace) -> dict:
    """The job request the `submit` arguments describe, validated."""
    if args.spec:
        try:
            return json.loads(args.spec.read_text())
        except OSError as exc:
            raise JobSpecError(f"spec: cannot read {args.spec}: {exc.strerror}") from None
        except json.JSONDecodeError as exc:
            raise JobSpecError(f"spec: {args.spec} is not JSON ({exc.msg}, line "
                               f"{exc.lineno})") from None
    if args.scene is None:
        raise JobSpecError("scene: give a .blend to render, or --spec JOB.json")
    from .render import _read_steps

    overrides = {key: value for key, value in {
        "engine": args.engine.upper() if args.engine else None, "samples": args.samples,
        "resolution": args.resolution,
        "file_format": args.file_format.upper() if args.file_format else None,
    }.items() if value is not None}
    request = build_spec(RenderJobRequest, {
        "scene": args.scene.expanduser().absolute(), "frames": args.frames, "step": args.step,
        "out": args.out.expanduser().absolute() if args.out else None, "chunk": args.chunk,
        "overrides": overrides, "steps": _read_steps(args.steps) if args.steps else [],
        "name": args.name, "priority": args.priority, "requires": args.requires,
        "gpu_type": args.gpu_type, "tags": args.tags, "max_workers": args.max_workers,
        "depends_on": args.depends_on, "max_attempts": args.max_attempts,
        "frame_timeout": args.frame_timeout, "preview": not args.no_preview})
    return request.model_dump(mode="json")


def _cmd_submit(args: argparse.Namespace) -> int:
    client = ServiceClient(args.service, args.token)
    job = client.submit(request_from_args(args))
    print(job.id)
    print(f"submitted {job.kind} job {job.id} ({job.name}) to {client.url}", file=sys.stderr)
    return follow(client, job.id) if args.wait else 0


def follow(client: ServiceClient, job_id: str) -> int:
    """Show a job's progress until it settles; raise FrameFailedError unless it is done."""
    from .progress import ProgressBar

    bar = ProgressBar(label="frames")
    started = False
    for job in client.follow(job_id):
        if job.total and not started:
            bar.start(job.total)
            # The job may have run before this command looked: count from its submission.
            bar.started -= max(0.0, time.time() - job.created)
            started = True
        if started:
            bar.update(job.counts.get(TaskState.DONE, 0), job.counts.get(TaskState.FAILED, 0))
    bar.close()
    print(f"job {job_id}: {job.state}" + (f": {job.message}" if job.message else ""),
          file=sys.stderr)
    if job.state != JobState.DONE:
        raise FrameFailedError(f"job {job_id} {job.state}: {job.message}")
    return 0


def _cmd_action(args: argparse.Namespace) -> int:
    client = ServiceClient(args.service, args.token)
    job = client.action(args.job, args.verb)
    print(f"job {job.id}: {job.state}")
    return 0


def service_status(client: ServiceClient, args: argparse.Namespace) -> int:
    """`metastudio status` against a service: its jobs, or one job's frames."""
    jobs = [client.job(args.job)] if args.job else client.jobs()
    for job in jobs:
        counts = ", ".join(f"{n} {state}" for state, n in sorted(job.counts.items()))
        when = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(job.updated))
        print(f"{job.id}  {job.state:8} p{job.priority:<3} {counts or 'no frames yet'}"
              f"  ({job.total})  {when}  {job.name}")
        if job.message:
            print(f"  {job.message}")
        for task in getattr(job, "tasks", []) if args.frames else []:
            seconds = f"{task.seconds:.2f}s" if task.seconds is not None else ""
            print(f"  {task.name:>10} {task.state:8} attempts={task.attempts} "
                  f"{seconds:>8} {task.worker} {task.error[:80]}")
    return 0
