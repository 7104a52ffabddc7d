from pathlib import Path

import pytest
from metastudio.core.errors import JobSpecError
from metastudio.core.render_job import RenderJob
from metastudio.core.schema import build_spec


@pytest.fixture
def blend(tmp_path) -> Path:
    # A real .blend header is all the core checks; Blender itself opens it on a worker.
    path = tmp_path / "shot.blend"
    path.write_bytes(b"BLENDER-v500" + b"\0" * 64)
    return path


def spec_error(data) -> str:
    with pytest.raises(JobSpecError) as err:
        build_spec(RenderJob, data)
    return str(err.value)


def test_valid_job_and_defaults(blend, tmp_path):
    job = build_spec(RenderJob, {"scene": blend, "frames": "1-10", "step": 2,
                                 "overrides": {"resolution": "320x180", "engine": "CYCLES"},
                                 "output": {"directory": tmp_path / "out"}})
    assert job.frame_list(1, 250) == [1, 3, 5, 7, 9]
    assert job.overrides.resolution == (320, 180)
    assert job.resources.max_attempts == 3
    assert job.output.directory == (tmp_path / "out").resolve()


def test_scene_range_used_when_frames_missing(blend):
    job = RenderJob(scene=blend)
    assert job.frame_list(5, 8) == [5, 6, 7, 8]
    assert job.frame_list(1, 9, scene_step=4) == [1, 5, 9]


def test_missing_and_non_blend_files(tmp_path, blend):
    assert "scene: file not found" in spec_error({"scene": tmp_path / "nope.blend"})
    text = tmp_path / "notes.blend"
    text.write_text("hello")
    assert "not a .blend file" in spec_error({"scene": text})
    empty = tmp_path / "empty.blend"
    empty.write_bytes(b"")
    assert "is empty" in spec_error({"scene": empty})
    assert "is a folder" in spec_error({"scene": tmp_path})


def test_frames_errors_name_the_field(blend):
    assert spec_error({"scene": blend, "frames": "24-1"}).startswith("frames: range 24-1")
    assert spec_error({"scene": blend, "frames": ""}).startswith("frames: empty")
    assert spec_error({"scene": blend, "step": 0}).startswith("step:")


def test_output_that_is_a_file(blend, tmp_path):
    a_file = tmp_path / "taken"
    a_file.write_text("x")
    assert "output.directory:" in spec_error({"scene": blend, "output": {"directory": a_file}})
    below = a_file / "frames"
    assert "is a file" in spec_error({"scene": blend, "output": {"directory": below}})


def test_overrides_and_resources_are_checked(blend):
    assert spec_error({"scene": blend, "overrides": {"engine": "MENTALRAY"}}).startswith(
        "overrides.engine:")
    assert "WIDTHxHEIGHT" in spec_error({"scene": blend, "overrides": {"resolution": "big"}})
    assert "4 to 65536" in spec_error({"scene": blend, "overrides": {"resolution": "2x2"}})
    assert spec_error({"scene": blend, "overrides": {"samples": 0}}).startswith(
        "overrides.samples:")
    assert spec_error({"scene": blend, "resources": {"workers": 0}}).startswith(
        "resources.workers:")
    assert spec_error({"scene": blend, "colour": "red"}).startswith("colour:")


def test_job_id_ignores_resources_but_not_output(blend, tmp_path):
    base = RenderJob(scene=blend, frames="1-4")
    wider = RenderJob(scene=blend, frames="1-4", resources={"workers": 8, "chunk": 2})
    other_frames = RenderJob(scene=blend, frames="1-5")
    other_out = RenderJob(scene=blend, frames="1-4", output={"directory": tmp_path})
    assert base.job_id("abc") == wider.job_id("abc")
    assert base.job_id("abc") != base.job_id("abd")  # the scene changed: a new job
    assert base.job_id("abc") != other_frames.job_id("abc")
    assert base.job_id("abc") != other_out.job_id("abc")


def test_json_round_trip(blend):
    job = RenderJob(scene=blend, frames="1-3", overrides={"samples": 4})
    again = RenderJob.model_validate_json(job.model_dump_json())
    assert again == job
