"""Characters from the command line, and a crowd of variations as one farm job.

A character is built in bpy (the process's own, or a Ray worker's) and saved as a .blend;
a crowd builds one character per seed on the workers, each .blend travelling back
through the object store (no shared filesystem), written atomically. Files already made
are skipped, so a crowd run again does only what is missing.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

from ..scheduling.transfer import write_atomically

if TYPE_CHECKING:  # the farm (Ray) is imported only when a batch runs
    from .plan import BatchPlan


def build_blend(spec_json: str, avatar_json: str | None = None) -> dict:
    """Build one character in this process's bpy; returns the .blend's bytes, the resolved
    spec and the notes, and with `avatar_json` (an AvatarSpec) the avatar export's
    figures (the file is written where it says). Runs on a Ray worker or in the command
    line's process."""
    import bpy
    from metastudio.bl.character.build import build_character, find_character
    from metastudio.bl.scene_guard import SceneGuard
    from metastudio.bl.scene_io import saved_blend
    from metastudio.core.character.spec import CharacterSpec

    spec = CharacterSpec.model_validate_json(spec_json)
    bpy.ops.wm.read_factory_settings(use_empty=True)
    notes: list[str] = []
    for _ in build_character(bpy.context, spec, SceneGuard(), notes):
        pass
    mesh, _ = find_character(spec.name)
    result = {"blend": saved_blend(), "resolved": json.loads(mesh["metastudio_resolved"]),
              "notes": notes}
    if avatar_json is not None:
        from metastudio.bl.avatar.export import export_avatar
        from metastudio.core.character.avatar import AvatarSpec

        report: dict = {}
        for _ in export_avatar(AvatarSpec.model_validate_json(avatar_json), report):
            pass
        result["avatar"] = report
    return result


def plan_crowd(spec_json: str, count: int, out: Path) -> BatchPlan:
    """The plan that makes `count` variations of one spec (seeds seed, seed+1, ...) as
    .blend files in `out`, each with its resolved spec as JSON beside it."""
    from metastudio.core.character.spec import CharacterSpec

    from .plan import BatchPlan

    base = CharacterSpec.model_validate_json(spec_json)
    jobs = {}
    for index in range(count):
        seed = base.seed + index + (0 if base.seed else 1)  # seed 0 means "no variation"
        spec = base.model_copy(update={"seed": seed, "name": f"{base.name} {seed}"})
        jobs[f"{base.name.replace(' ', '_')}_{seed:04d}.blend"] = spec

    def write(name: str, result: dict) -> None:
        path = out / name
        write_atomically(path, result["blend"])
        write_atomically(path.with_suffix(".json"),
                         json.dumps(result["resolved"], indent=2).encode())

    return BatchPlan(build_blend, jobs, out, lambda name: (out / name).exists(),
                     lambda spec: (spec.model_dump_json(),), write)
