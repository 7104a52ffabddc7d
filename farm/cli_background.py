"""`metastudio background ...`: a described world on the command line."""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

from metastudio.core.background.spec import BackgroundSpec
from metastudio.core.schema import build_spec

from .cli_model import add_model_arguments, model_values
from .cli_output import saved_blend, stdout_to_stderr, write_text
from .transfer import write_atomically


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
    p.set_defaults(handler=_cmd_background)


def _cmd_background(args: argparse.Namespace) -> int:
    from metastudio.core.background.describe import resolve
    from metastudio.core.errors import JobSpecError

    values = model_values(args, BackgroundSpec)
    values["description"] = args.description
    spec = build_spec(BackgroundSpec, values)
    resolved = resolve(spec)
    for name, value in resolved.values.items():
        print(f"{name}: {value}  [{resolved.sources.get(name, '')}]", file=sys.stderr)
    for note in resolved.notes:
        print(f"note: {note}", file=sys.stderr)
    if args.blend is not None and args.blend.suffix.lower() != ".blend":
        raise JobSpecError(f"blend: {args.blend} must end in .blend")
    if args.render is not None and args.render.suffix.lower() != ".png":
        raise JobSpecError(f"render: {args.render} must end in .png")
    if args.blend is not None or args.render is not None:
        with stdout_to_stderr():
            _build(spec, args.blend, args.render)
    if args.json is not None:
        write_text(args.json, json.dumps(resolved.as_dict(), indent=2) + "\n")
    return 0


def _build(spec: BackgroundSpec, blend: Path | None, still: Path | None,
           size: tuple[int, int] = (640, 360), samples: int = 32) -> None:
    import math

    import bpy
    from metastudio.bl.background import build_background
    from metastudio.bl.scene_guard import SceneGuard

    bpy.ops.wm.read_factory_settings(use_empty=True)
    for _ in build_background(bpy.context, spec, SceneGuard(), []):
        pass
    scene = bpy.context.scene
    camera = bpy.data.objects.new("Camera", bpy.data.cameras.new("Camera"))
    scene.collection.objects.link(camera)
    terrain = bpy.data.objects["Terrain"]
    # Eye level, a few metres above the ground near the front edge, looking across.
    y = -spec.extent * 0.45
    ground = min(terrain.data.vertices, key=lambda v: v.co.x ** 2 + (v.co.y - y) ** 2).co.z
    top = max(v.co.z for v in terrain.data.vertices)
    camera.location = (0.0, y, max(ground + 3.0 + 0.02 * spec.extent, 0.8 * top))
    camera.rotation_euler = (math.radians(82), 0.0, 0.0)
    scene.camera = camera
    if blend is not None:
        write_atomically(blend, saved_blend())
        print(f"saved {blend}", file=sys.stderr)
    if still is None:
        return
    scene.render.engine = "CYCLES"
    scene.cycles.device = "CPU"
    scene.cycles.samples = samples
    scene.render.resolution_x, scene.render.resolution_y = size
    with tempfile.TemporaryDirectory(prefix="metastudio-background-") as folder:
        path = Path(folder) / "still.png"
        scene.render.filepath = str(path)
        bpy.ops.render.render(write_still=True)
        write_atomically(still, path.read_bytes())
    print(f"rendered {still}", file=sys.stderr)
