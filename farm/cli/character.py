"""`metastudio character ...`: a rigged human from a description, on the command line."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from metastudio.core.character.spec import CharacterSpec
from metastudio.core.safe_output import write_file
from metastudio.core.schema import build_spec

from .farm import add_farm_arguments
from .model import add_model_arguments, model_values
from .output import print_batch, stdout_to_stderr, write_text


def add_parsers(sub) -> None:
    """Add the `character` subcommand."""
    p = sub.add_parser(
        "character", help="a rigged, skinned human from a description",
        description="Make a character from a description: body, skin, a face, garments "
        "(their own meshes), strand hair, eyebrows and facial hair, a rig with weights, "
        "the 52 ARKit face shapes and the lip-sync mouth shapes. Options set a field by "
        "hand and win over the description. Prints the resolved fields and where each "
        "came from. With --count N, makes N variations (one seed each) on the farm into "
        "--out.")
    p.add_argument("description", nargs="?", default="", help="who to make, in words")
    add_model_arguments(p, CharacterSpec, skip=("description",))
    p.add_argument("--json", type=Path, help="write the resolved fields as JSON here "
                                             "('-': stdout)")
    p.add_argument("--blend", type=Path, help="save the character in this .blend")
    p.add_argument("--export", type=Path, metavar="OUT",
                   help="write the character as an avatar: OUT.vrm (VRM 1.0), .glb, .fbx "
                        "or .usd/.usdc/.usda/.usdz (materials baked, hair as cards)")
    p.add_argument("--texture-size", type=int, default=1024, choices=(512, 1024, 2048),
                   help="for --export: the baked textures' size")
    p.add_argument("--count", type=int, help="a crowd: this many variations, on the farm")
    p.add_argument("--out", type=Path, help="for --count: the folder of .blend files")
    add_farm_arguments(p)
    p.set_defaults(handler=_cmd_character)


def _cmd_character(args: argparse.Namespace) -> int:
    from metastudio.core.errors import JobSpecError

    values = model_values(args, CharacterSpec)
    values["description"] = args.description
    spec = build_spec(CharacterSpec, values)
    if args.count is not None:
        if args.count < 1 or args.count > 10_000:
            raise JobSpecError("count: give 1 to 10000 variations")
        if args.out is None:
            raise JobSpecError("out: give --out DIR for the crowd's .blend files")
        return _crowd(spec, args)
    from metastudio.core.character.describe import resolve

    resolved = resolve(spec)
    print(resolved.summary(), file=sys.stderr)
    if args.blend is not None or args.export is not None:
        from ..batches.character import build_blend

        if args.blend is not None and args.blend.suffix.lower() != ".blend":
            raise JobSpecError(f"blend: {args.blend} must end in .blend")
        avatar = None
        if args.export is not None:
            from metastudio.core.character.avatar import AvatarSpec, export_format
            from metastudio.core.safe_output import resolve_output

            # A wrong path fails before the build, not after it.
            resolve_output(args.export, field="export")
            export_format(args.export)
            if spec.rig == "none" and args.export.suffix.lower() == ".vrm":
                raise JobSpecError("rig: a VRM avatar needs a skeleton; build the "
                                   "character with rig default, game_engine or mixamo")
            avatar = AvatarSpec(name=spec.name, path=args.export,
                                texture_size=args.texture_size)
        with stdout_to_stderr():  # bpy prints reports to stdout; keep it for --json -
            result = build_blend(spec.model_dump_json(),
                                 avatar.model_dump_json() if avatar else None)
        if args.blend is not None:
            write_file(args.blend, result["blend"], field="blend")
            print(f"saved {args.blend}", file=sys.stderr)
        if avatar is not None:
            report = result["avatar"]
            print(f"exported {args.export}: {report['triangles']:,} triangles, "
                  f"{report['materials']} materials, {report['bones']} bones, "
                  f"{report['seconds']:.1f} s", file=sys.stderr)
            for line in report["over_budget"]:
                print(f"warning: {line}", file=sys.stderr)
    if args.json is not None:
        write_text(args.json, json.dumps(resolved.as_dict(), indent=2) + "\n")
    return 0


def _crowd(spec: CharacterSpec, args: argparse.Namespace) -> int:
    from metastudio.core.service_jobs import BatchJobRequest, CharacterBatch

    from .farm import run_batch_job
    from .progress import ProgressBar

    progress = ProgressBar(label="characters")
    request = BatchJobRequest(batch=CharacterBatch(spec=spec, count=args.count),
                              out=args.out.expanduser().absolute())
    report = run_batch_job(request, args.address, args.no_service, progress, keep_ray=True)
    progress.close()
    return print_batch(report, "characters made", args.out)
