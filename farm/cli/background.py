"""`metastudio background ...`: a described world on the command line."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from metastudio.core.background.spec import BackgroundSpec
from metastudio.core.schema import build_spec

from ..batches.background import build_world
from .farm import add_farm_arguments
from .model import add_model_arguments, model_values
from .output import print_batch, stdout_to_stderr, write_text


def add_parsers(sub) -> None:
    """Add the `background` subcommand."""
    p = sub.add_parser(
        "background", help="a lit world (sky, sun, terrain, water, fog) from a description",
        description="Make a background from a description. Options set a field by hand "
        "and win over the description. Prints the resolved fields, where each came from "
        "and how sure the model was.")
    p.add_argument("description", nargs="?", default="", help="the world, in words")
    add_model_arguments(p, BackgroundSpec, skip=("description",))
    p.add_argument("--json", type=Path, help="write the resolved fields as JSON ('-': "
                                             "stdout)")
    p.add_argument("--blend", type=Path, help="save the world in this .blend")
    p.add_argument("--render", type=Path, help="render a still of it to this PNG")
    p.add_argument("--count", type=int, help="variations: this many seeds (from --seed "
                   "on), made on the farm into --out")
    p.add_argument("--times", help="variations: also each of these times of day, "
                   "comma-separated (dawn,noon,night)")
    p.add_argument("--out", type=Path, help="for --count: the folder of .blend (and with "
                   "--render-all, .png) files")
    p.add_argument("--render-all", action="store_true", help="for --count: render a "
                   "still of each variation too")
    p.add_argument("--samples", type=int, default=32, help="render samples (default 32)")
    add_farm_arguments(p)
    p.set_defaults(handler=_cmd_background)


def _cmd_background(args: argparse.Namespace) -> int:
    from metastudio.core.background.describe import resolve
    from metastudio.core.background.prop_words import props_in_words
    from metastudio.core.errors import JobSpecError

    values = model_values(args, BackgroundSpec)
    values["description"] = args.description
    spec = build_spec(BackgroundSpec, values)
    if not 1 <= args.samples <= 4096:
        raise JobSpecError("samples: give 1 to 4096")
    if args.count is not None or args.times:
        return _variations(spec, args)
    if spec.elevation_map is not None:
        from metastudio.core.background.elevation import check_elevation_source

        check_elevation_source(str(spec.elevation_map))
    look = None
    if spec.reference_image is not None:
        with stdout_to_stderr():
            from metastudio.bl.background.reference import read_reference

            look = read_reference(spec.reference_image)
    resolved = resolve(spec, look=look)
    for name, value in resolved.values.items():
        if name == "reference_look":
            value = f"horizon {value['horizon']:.0%} from the top"
        if name == "props":
            value = props_in_words(value)
        print(f"{name}: {value}  [{resolved.sources.get(name, '')}]", file=sys.stderr)
    for note in resolved.notes:
        print(f"note: {note}", file=sys.stderr)
    if args.blend is not None and args.blend.suffix.lower() != ".blend":
        raise JobSpecError(f"blend: {args.blend} must end in .blend")
    if args.render is not None and args.render.suffix.lower() != ".png":
        raise JobSpecError(f"render: {args.render} must end in .png")
    if args.blend is not None or args.render is not None:
        with stdout_to_stderr():
            build_world(spec, args.blend, args.render, samples=args.samples,
                   printed=set(resolved.notes))
    if args.json is not None:
        write_text(args.json, json.dumps(resolved.as_dict(), indent=2) + "\n")
    return 0


def _variations(spec: BackgroundSpec, args: argparse.Namespace) -> int:
    from metastudio.core.errors import JobSpecError
    from metastudio.core.service_jobs import BatchJobRequest

    from .farm import run_batch_job
    from .progress import ProgressBar

    if args.out is None:
        raise JobSpecError("out: give --out DIR for the variations")
    times = [t.strip() for t in args.times.split(",") if t.strip()] if args.times else None
    request = build_spec(BatchJobRequest, {
        "batch": {"operator": "background", "spec": spec.model_dump(), "count": args.count or 1,
                  "times": times, "render": args.render_all, "samples": args.samples},
        "out": args.out.expanduser().absolute()})
    progress = ProgressBar(label="backgrounds")
    report = run_batch_job(request, args.address, args.no_service, progress, keep_ray=True)
    progress.close()
    return print_batch(report, "backgrounds made", args.out)
