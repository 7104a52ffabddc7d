"""`metastudio background ...`: a described world on the command line."""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

from metastudio.core.background.spec import BackgroundSpec
from metastudio.core.safe_output import write_file
from metastudio.core.schema import build_spec

from .cli_model import add_model_arguments, model_values
from .cli_output import print_batch, saved_blend, stdout_to_stderr, write_text

CAMERA_BACK = 8.0  # metres behind the stage the preview camera stands


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
    p.add_argument("--address", help="for --count: Ray cluster address (default: local)")
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
            from metastudio.bl.background_reference import read_reference

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
            _build(spec, args.blend, args.render, samples=args.samples,
                   printed=set(resolved.notes))
    if args.json is not None:
        write_text(args.json, json.dumps(resolved.as_dict(), indent=2) + "\n")
    return 0


def _variations(spec: BackgroundSpec, args: argparse.Namespace) -> int:
    from metastudio.core.errors import JobSpecError

    from .background_batch import run_variations
    from .progress import ProgressBar

    if args.out is None:
        raise JobSpecError("out: give --out DIR for the variations")
    times = [t.strip() for t in args.times.split(",") if t.strip()] if args.times else None
    progress = ProgressBar(label="backgrounds")
    report = run_variations(spec.model_dump_json(), args.count or 1, args.out, times,
                            args.render_all, samples=args.samples, address=args.address,
                            progress=progress)
    progress.close()
    return print_batch(report, "backgrounds made", args.out)


def _build(spec: BackgroundSpec, blend: Path | None, still: Path | None,
           size: tuple[int, int] = (640, 360), samples: int = 32,
           printed: set[str] = frozenset()) -> None:
    import math

    import bpy
    from metastudio.bl.background import (
        TAG,
        aim_weather,
        build_background,
        ground_height,
        resolved_holder,
    )
    from metastudio.bl.background_grass import plant_grass
    from metastudio.bl.background_stage import clear_view, stage_world
    from metastudio.bl.scene_guard import SceneGuard
    from metastudio.core.background.city import BLOCK, STREET

    bpy.ops.wm.read_factory_settings(use_empty=True)
    warnings: list[str] = []
    for _ in build_background(bpy.context, spec, SceneGuard(), warnings):
        pass
    for note in dict.fromkeys(warnings):  # what the build found beyond the description
        if note not in printed:
            print(f"note: {note}", file=sys.stderr)
    scene = bpy.context.scene
    camera = bpy.data.objects.new("Camera", bpy.data.cameras.new("Camera"))
    scene.collection.objects.link(camera)
    camera.data.clip_end = 150_000.0  # well past the plain, which reaches 20 km out
    holder = resolved_holder()
    resolved = json.loads(holder["metastudio_resolved"])["values"]
    terrain = holder if holder.get(TAG) == "terrain" else None
    if resolved.get("room", "none") != "none":
        # In the cameras' aisle, at the back of the room, at eye height, level.
        room = json.loads(holder["metastudio_room"])
        camera.location, pitch = (0.0, room["bounds"][1] + 0.6, 1.6), -2.0
        camera.data.lens = 24.0  # a room is seen wide
    elif resolved["biome"] == "city":  # down the middle of a street, at a person's eye
        x, y = (BLOCK + STREET) / 2, -spec.extent * 0.3
        camera.location, pitch = (x, y, ground_height(terrain, x, y) + 1.7), 6.0
    else:
        # Where a scene would be staged (the water, the trees and the sky in view),
        # from a little above a person's eye, looking a little down.
        stage = stage_world(scene, spec.seed)
        clear_view(scene, (-6.0, 6.0), (-14.0, 6.0), stage.clear_to, CAMERA_BACK)
        plant_grass(scene)
        camera.location, pitch = (0.0, -CAMERA_BACK, 3.0), -3.0
    if "reference_look" in resolved:
        # Tilt so the horizon sits where the reference image has it.
        # The sensor fits the wider side: the vertical half-field follows the aspect.
        tan_half = math.tan(camera.data.angle / 2) * min(size[1] / size[0], 1.0)
        offset = (resolved["reference_look"]["horizon"] - 0.5) * 2 * tan_half
        pitch = math.degrees(math.atan(offset))
    camera.rotation_euler = (math.radians(90 + pitch), 0.0, 0.0)
    scene.camera = camera
    if resolved.get("room", "none") != "none":
        from metastudio.bl.scene_meter import meter_shots

        scene.render.engine = "CYCLES"
        meter_shots(scene, SceneGuard())  # lamps and windows: exposed as metered
    aim_weather(scene, terrain)
    if blend is not None:
        write_file(blend, saved_blend(), field="blend")
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
        write_file(still, path.read_bytes(), field="still")
    print(f"rendered {still}", file=sys.stderr)
