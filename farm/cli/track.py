"""`metastudio track VIDEO ...`: a performance tracked on the command line, written as
JSON, and baked onto a rig in a .blend."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from metastudio.core.schema import build_spec
from metastudio.core.tracking.spec import TrackSpec

from ..batches.track import bake_to_blend, track_json
from .farm import add_farm_arguments
from .model import add_model_arguments, model_values
from .output import print_batch, stdout_to_stderr, write_text


def add_parsers(sub) -> None:
    """Add the `track` subcommand."""
    p = sub.add_parser(
        "track", help="track a person on video: landmarks as JSON, or baked onto a rig",
        description="Track the body and face of the person in VIDEO (a video file, a "
        "folder of frames or a pattern such as shot_*.png) with MediaPipe's bundled "
        "models. Tracks are cached, so a second run with other settings does not track "
        "again.")
    p.add_argument("video", type=Path, help="the performance")
    add_model_arguments(p, TrackSpec, skip=("video",))
    p.add_argument("--json", type=Path, help="write the track (landmarks per frame, "
                                             "ARKit face values) as JSON ('-': stdout)")
    p.add_argument("--blend", type=Path, help="the .blend holding the rig to drive")
    p.add_argument("--out", type=Path, help="with --blend: where to save the baked .blend; "
                   "with --batch: the folder for each clip's JSON")
    p.add_argument("--batch", action="store_true", help="VIDEO is a folder of clips (video "
                   "files, or sub-folders of frames): track them all on the farm")
    add_farm_arguments(p)
    p.set_defaults(handler=_cmd_track)


def _cmd_track(args: argparse.Namespace) -> int:
    from metastudio.core.errors import JobSpecError
    from metastudio.core.tracking.landmarks import default_cache, track

    from .progress import ProgressBar

    values = model_values(args, TrackSpec)
    values["video"] = str(args.video)
    spec = build_spec(TrackSpec, values)
    if args.batch:
        return _batch(args)
    if (args.blend is None) != (args.out is None):
        raise JobSpecError("out: --blend and --out go together (the rig's .blend in, the "
                           "baked .blend out)")
    if args.blend is None and args.json is None:
        raise JobSpecError("json: give --json OUT (or --blend IN --out OUT) for the result")
    for name in ("blend", "out"):
        path = getattr(args, name)
        if path is not None and path.suffix.lower() != ".blend":
            raise JobSpecError(f"{name}: {path} must end in .blend")
    if args.blend is not None and not args.blend.is_file():
        raise JobSpecError(f"blend: {args.blend} does not exist")
    progress = ProgressBar(label="frames tracked")
    started = [False]

    def report(done: int, total: int) -> None:
        if not started[0]:
            progress.start(total)
            started[0] = True
        progress.update(done)

    result, cached = track(spec.video, default_cache(), progress=report, hands=spec.hands)
    progress.close()
    found = int(result.found().sum())
    print(f"{result.frames} frames at {result.fps:g} fps, a person in {found}"
          + (" (from the cache)" if cached else ""), file=sys.stderr)
    for note in result.notes:
        print(f"note: {note}", file=sys.stderr)
    if args.blend is not None:
        with stdout_to_stderr():
            bake_to_blend(spec, args.blend, args.out)
    if args.json is not None:
        write_text(args.json, json.dumps(track_json(result)) + "\n")
    return 0


def _batch(args: argparse.Namespace) -> int:
    from metastudio.core.errors import JobSpecError
    from metastudio.core.service_jobs import BatchJobRequest, TrackBatch

    from .farm import run_batch_job
    from .progress import ProgressBar

    if args.out is None:
        raise JobSpecError("out: give --out DIR for the clips' JSON")
    progress = ProgressBar(label="clips")
    request = BatchJobRequest(batch=TrackBatch(folder=args.video.expanduser().absolute()),
                              out=args.out.expanduser().absolute())
    report = run_batch_job(request, args.address, args.no_service, progress, keep_ray=True)
    progress.close()
    return print_batch(report, "clips tracked", args.out)
