"""Characters from the command line, and a crowd of variations as one farm job.

A character is built in bpy (the process's own, or a Ray worker's) and saved as a .blend;
a crowd builds one character per seed on the workers, each .blend travelling back
through the object store (no shared filesystem), written atomically. Files already made
are skipped, so a crowd run again does only what is missing.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from metastudio.core.errors import MetastudioError

from .cli_output import saved_blend
from .transfer import write_atomically


def build_blend(spec_json: str) -> dict:
    """Build one character in this process's bpy; returns the .blend's bytes, the resolved
    spec and the notes. Runs on a Ray worker or in the command line's process."""
    import bpy
    from metastudio.bl.character import build_character, find_character
    from metastudio.bl.scene_guard import SceneGuard
    from metastudio.core.character.spec import CharacterSpec

    spec = CharacterSpec.model_validate_json(spec_json)
    bpy.ops.wm.read_factory_settings(use_empty=True)
    notes: list[str] = []
    for _ in build_character(bpy.context, spec, SceneGuard(), notes):
        pass
    mesh, _ = find_character(spec.name)
    return {"blend": saved_blend(), "resolved": json.loads(mesh["metastudio_resolved"]),
            "notes": notes}


@dataclass
class CrowdReport:
    """What a crowd job did."""

    done: int = 0
    skipped: int = 0
    failed: dict[str, str] = field(default_factory=dict)


def run_crowd(spec_json: str, count: int, out: Path, address: str | None = None,
              progress=None) -> CrowdReport:
    """`count` variations of one spec (seeds seed, seed+1, ...) as .blend files in `out`."""
    from metastudio.core.character.spec import CharacterSpec

    from .batch import run_on_farm

    base = CharacterSpec.model_validate_json(spec_json)
    if out.exists() and not out.is_dir():
        raise MetastudioError(f"out: {out} is a file, not a folder")
    jobs = {}
    for index in range(count):
        seed = base.seed + index + (0 if base.seed else 1)  # seed 0 means "no variation"
        spec = base.model_copy(update={"seed": seed, "name": f"{base.name} {seed}"})
        jobs[out / f"{base.name.replace(' ', '_')}_{seed:04d}.blend"] = spec
    report = CrowdReport()
    todo = {path: spec for path, spec in jobs.items() if not path.exists()}
    report.skipped = len(jobs) - len(todo)
    if todo:
        out.mkdir(parents=True, exist_ok=True)

    def write(path: Path, result: dict) -> None:
        write_atomically(path, result["blend"])
        write_atomically(path.with_suffix(".json"),
                         json.dumps(result["resolved"], indent=2).encode())
        report.done += 1

    calls = {path: (spec.model_dump_json(),) for path, spec in todo.items()}
    failed = run_on_farm(build_blend, calls, write, address, progress)
    report.failed = {path.name: reason for path, reason in failed.items()}
    return report
