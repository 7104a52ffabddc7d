"""A crowd of character variations made as one job on a real local Ray, each saved as a
.blend that opens in bpy with its character; a second run does only what is missing."""

import json

import pytest
from metastudio.core.character.spec import CharacterSpec
from metastudio.core.service_jobs import BatchJobRequest, CharacterBatch
from metastudio_farm.cli.farm import run_batch_job

from tests.bpy_process import run_bpy

pytestmark = pytest.mark.usefixtures("local_ray")


def run_crowd(spec, count, out):
    request = BatchJobRequest(batch=CharacterBatch(spec=spec, count=count), out=out)
    return run_batch_job(request, no_service=True)


def test_a_crowd_is_made_on_the_farm_and_resumes(tmp_path):
    spec = CharacterSpec(description="a woman in a green dress", name="Guest",
                         face_shapes=False)
    out = tmp_path / "crowd"
    report = run_crowd(spec, 2, out)
    assert (report.done, report.skipped, report.failed) == (2, 0, {})
    blends = sorted(out.glob("*.blend"))
    assert [p.name for p in blends] == ["Guest_0001.blend", "Guest_0002.blend"]
    resolved = [json.loads(p.with_suffix(".json").read_text()) for p in blends]
    assert all(r["values"]["top"] == "dress" and r["values"]["gender"] == 0.0
               for r in resolved)
    assert resolved[0]["values"]["skin_tone"] != resolved[1]["values"]["skin_tone"]
    opened = run_bpy("""
import bpy
bpy.ops.wm.open_mainfile(filepath=path)
result = sorted(o.name for o in bpy.data.objects)
""", path=str(blends[1]))
    assert opened == ["Guest 2", "Guest 2 eyebrows", "Guest 2 hair", "Guest 2 rig",
                      "Guest 2 shoes", "Guest 2 top", "Guest 2 top skirt"]
    again = run_crowd(spec, 3, out)
    assert (again.done, again.skipped) == (1, 2)
