"""Many variations of one background as one farm job: every seed times every time of day
asked for, each built (and rendered, if asked) on a Ray worker and written back as a
.blend, the resolved fields as JSON and the still as PNG. Files already made are skipped,
so a job run again does only what is missing."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from metastudio.core.background.spec import BackgroundSpec, TimeOfDay
from metastudio.core.errors import JobSpecError

from .transfer import write_atomically

if TYPE_CHECKING:  # the farm (Ray) is imported only when a batch runs
    from .batch import BatchPlan, BatchReport

MAX_VARIATIONS = 10_000


def build_variation(spec_json: str, render: bool, size: tuple[int, int],
                    samples: int) -> dict:
    """Build one background in this process's bpy (a worker's); the .blend's bytes, the
    still's bytes (or None) and the resolved fields."""
    from metastudio_farm.cli_background import _build

    spec = BackgroundSpec.model_validate_json(spec_json)
    with tempfile.TemporaryDirectory(prefix="metastudio-variation-") as folder:
        blend, still = Path(folder) / "world.blend", Path(folder) / "still.png"
        _build(spec, blend, still if render else None, tuple(size), samples)

        from metastudio.bl.background import resolved_holder

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
    from .batch import BatchPlan

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


def run_variations(spec_json: str, count: int, out: Path, times: list[str] | None = None,
                   render: bool = False, size: tuple[int, int] = (640, 360),
                   samples: int = 32, address: str | None = None,
                   progress=None) -> BatchReport:
    """`count` seeds x `times` of one background spec into `out` (see the module)."""
    from .batch import run_plan

    return run_plan(plan_variations(spec_json, count, out, times, render, size, samples),
                    address, progress)
