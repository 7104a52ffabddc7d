"""Many variations of one background as one farm job: every seed times every time of day
asked for, each built (and rendered, if asked) on a Ray worker and written back as a
.blend, the resolved fields as JSON and the still as PNG. Files already made are skipped,
so a job run again does only what is missing."""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from metastudio.core.background.spec import BackgroundSpec, TimeOfDay
from metastudio.core.errors import JobSpecError
from metastudio.core.safe_output import write_file

from ..scheduling.transfer import write_atomically

if TYPE_CHECKING:  # the farm (Ray) is imported only when a batch runs
    from .plan import BatchPlan

MAX_VARIATIONS = 10_000
CAMERA_BACK = 8.0  # metres behind the stage the preview camera stands


def build_variation(spec_json: str, render: bool, size: tuple[int, int],
                    samples: int) -> dict:
    """Build one background in this process's bpy (a worker's); the .blend's bytes, the
    still's bytes (or None) and the resolved fields."""
    spec = BackgroundSpec.model_validate_json(spec_json)
    with tempfile.TemporaryDirectory(prefix="metastudio-variation-") as folder:
        blend, still = Path(folder) / "world.blend", Path(folder) / "still.png"
        build_world(spec, blend, still if render else None, tuple(size), samples)

        from metastudio.bl.background.build import resolved_holder

        resolved = json.loads(resolved_holder()["metastudio_resolved"])
        return {"blend": blend.read_bytes(),
                "png": still.read_bytes() if render else None, "resolved": resolved}


def plan(base: BackgroundSpec, count: int, times: list[str] | None) -> dict[str, BackgroundSpec]:
    """File stem -> spec for each seed (base seed, +1, ...) and each time of day."""
    if not 1 <= count * max(len(times or []), 1) <= MAX_VARIATIONS:
        raise JobSpecError(f"count: give 1 to {MAX_VARIATIONS} variations in all")
    allowed = TimeOfDay.__args__
    for time in times or []:
        if time not in allowed:
            raise JobSpecError(f"times: {time!r} is not one of {', '.join(allowed)}")
    jobs = {}
    for index in range(count):
        seed = base.seed + index
        for time in times or [None]:
            update = {"seed": seed} | ({"time_of_day": time} if time else {})
            stem = f"background_{seed:04d}" + (f"_{time}" if time else "")
            jobs[stem] = base.model_copy(update=update)
    return jobs


def plan_variations(spec_json: str, count: int, out: Path, times: list[str] | None = None,
                    render: bool = False, size: tuple[int, int] = (640, 360),
                    samples: int = 32) -> BatchPlan:
    """The plan that makes `count` seeds x `times` of one background spec into `out`."""
    from .plan import BatchPlan

    jobs = plan(BackgroundSpec.model_validate_json(spec_json), count, times)

    def finished(stem: str) -> bool:
        return (out / f"{stem}.blend").exists() and (
            not render or (out / f"{stem}.png").exists())

    def write(stem: str, result: dict) -> None:
        # The .blend last: it marks the variation done (with its PNG when rendering).
        if result["png"] is not None:
            write_atomically(out / f"{stem}.png", result["png"])
        write_atomically(out / f"{stem}.json",
                         json.dumps(result["resolved"], indent=2).encode())
        write_atomically(out / f"{stem}.blend", result["blend"])

    return BatchPlan(build_variation, jobs, out, finished,
                     lambda spec: (spec.model_dump_json(), render, list(size), samples),
                     write)


def build_world(spec: BackgroundSpec, blend: Path | None, still: Path | None,
                size: tuple[int, int] = (640, 360), samples: int = 32,
                printed: set[str] = frozenset()) -> None:
    """Build the world of `spec` in this process's bpy with a camera framing it as the
    command line shows it (a room from its back, a street at eye height, open land
    where a scene would be staged), then save it to `blend` and render `still` (each
    when given). Notes not in `printed` go to stderr."""
    import math

    import bpy
    from metastudio.bl.background.build import (
        TAG,
        aim_weather,
        build_background,
        ground_height,
        resolved_holder,
    )
    from metastudio.bl.background.grass import plant_grass
    from metastudio.bl.background.stage import clear_view, stage_world
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
        from metastudio.bl.scene_io import saved_blend

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
