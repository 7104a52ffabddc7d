"""Variations of a background (seeds x times of day) made as one job on a real local Ray,
rendered, each .blend opening with its world; a second run does only what is missing."""

import json

import pytest
from metastudio.core.background.spec import BackgroundSpec
from metastudio.core.errors import JobSpecError
from metastudio.core.service_jobs import BackgroundBatch, BatchJobRequest
from metastudio_farm.batches.background import plan
from metastudio_farm.cli.farm import run_batch_job

from tests.bpy_process import run_bpy

pytestmark = pytest.mark.usefixtures("local_ray")


def run_variations(spec, count, out, times, **options):
    batch = BackgroundBatch(spec=spec, count=count, times=times, **options)
    return run_batch_job(BatchJobRequest(batch=batch, out=out), no_service=True)


def test_variations_are_made_rendered_and_resumed(tmp_path):
    spec = BackgroundSpec(description="rolling meadows in the rain", seed=3, detail="low",
                          extent=100.0)
    out = tmp_path / "worlds"
    report = run_variations(spec, 1, out, ["dawn", "night"], render=True, size=(48, 32),
                            samples=2)
    assert (report.done, report.skipped, report.failed) == (2, 0, {})
    names = sorted(p.name for p in out.iterdir())
    assert names == [f"background_0003_{t}.{x}" for t in ("dawn", "night")
                     for x in ("blend", "json", "png")]
    resolved = json.loads((out / "background_0003_night.json").read_text())["values"]
    assert resolved["time_of_day"] == "night" and resolved["weather"] == "rain"
    assert (out / "background_0003_dawn.png").read_bytes()[:4] == b"\x89PNG"
    opened = run_bpy("""
import bpy
bpy.ops.wm.open_mainfile(filepath=path)
terrain = bpy.data.objects["Terrain"]
result = [bpy.context.scene.camera is not None, "Background rain" in bpy.data.objects,
          terrain["metastudio_resolved_summary"]]
""", path=str(out / "background_0003_dawn.blend"))
    assert opened == [True, True, "dawn, grassland, rain, water: none"]
    (out / "background_0003_night.png").unlink()  # a render lost: only it is redone
    again = run_variations(spec, 1, out, ["dawn", "night"], render=True, size=(48, 32),
                           samples=2)
    assert (again.done, again.skipped) == (1, 1)


def test_a_variations_plan_is_checked():
    base = BackgroundSpec(description="a desert", seed=5)
    assert sorted(plan(base, 2, None)) == ["background_0005", "background_0006"]
    with pytest.raises(JobSpecError, match="times: 'teatime'"):
        plan(base, 1, ["noon", "teatime"])
    with pytest.raises(JobSpecError, match="count"):
        plan(base, 5000, ["dawn", "noon", "night"])
