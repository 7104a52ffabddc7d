"""The farm on a real local Ray with real Blender workers."""

import os
import signal
from pathlib import Path

import pytest
from metastudio.core.errors import FrameFailedError, OperatorError, SceneError
from metastudio.core.render_job import RenderJob
from metastudio_farm import cli
from metastudio_farm.cli import render as cli_render
from metastudio_farm.scheduling.job_store import JobStore, store_path
from metastudio_farm.scheduling.render_run import RenderRun

from tests.bpy_process import build_scene, run_bpy

pytestmark = pytest.mark.usefixtures("local_ray")


def frame_files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.is_file())


def test_renders_every_frame_then_resumes_only_what_is_missing(tmp_path):
    scene = build_scene(tmp_path / "shot.blend", frames=6)
    out = tmp_path / "out"
    job = RenderJob(scene=scene, output={"directory": out})
    report = RenderRun(job).run()
    assert report.ok and report.done == 6 and report.skipped == 0 and report.workers == 1
    names = [f"frame_{n:04d}.png" for n in range(1, 7)]
    assert frame_files(out) == names  # no temporary or partial files left
    for name in names:
        assert (out / name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    with JobStore(store_path(out)) as store:
        assert store.summary(report.job_id).counts == {"done": 6}
        assert store.summary(report.job_id).state == "done"

    again = RenderRun(job).run()
    assert again.job_id == report.job_id and again.done == 0 and again.skipped == 6

    before = (out / "frame_0001.png").stat().st_mtime_ns
    (out / "frame_0002.png").unlink()
    (out / "frame_0005.png").unlink()
    third = RenderRun(job).run()
    assert third.done == 2 and third.skipped == 4
    assert frame_files(out) == names
    assert (out / "frame_0001.png").stat().st_mtime_ns == before  # not rendered again


def test_overrides_step_and_chunks(tmp_path):
    scene = build_scene(tmp_path / "shot.blend", frames=10)
    out = tmp_path / "out"
    job = RenderJob(scene=scene, frames="1-9", step=4, output={"directory": out},
                    overrides={"resolution": "40x20", "file_format": "JPEG"},
                    resources={"chunk": 2, "workers": 1})
    report = RenderRun(job).run()
    assert report.ok and report.workers == 1
    assert frame_files(out) == ["frame_0001.jpg", "frame_0005.jpg", "frame_0009.jpg"]
    size = run_bpy("""
        import bpy
        result = list(bpy.data.images.load(path).size)
    """, path=str(out / "frame_0005.jpg"))
    assert size == [40, 20]


def test_a_killed_worker_costs_only_its_frame(tmp_path):
    # Frames of about half a second, so that the kill lands in the middle of one.
    scene = build_scene(tmp_path / "shot.blend", frames=8, resolution=(160, 90), samples=16)
    out = tmp_path / "out"
    killed = {}

    def kill_a_busy_worker(run, outcome):
        if killed:
            return
        busy = run.busy_workers()
        if busy:
            killed["name"] = busy[0].name
            os.kill(busy[0].pid, signal.SIGKILL)

    job = RenderJob(scene=scene, output={"directory": out}, resources={"cpus_per_worker": 1})
    report = RenderRun(job, on_frame=kill_a_busy_worker).run()
    assert killed, "no worker was busy to kill"
    assert report.ok and report.done == 8
    assert frame_files(out) == [f"frame_{n:04d}.png" for n in range(1, 9)]
    with JobStore(store_path(out)) as store:
        frames = {f.frame: f for f in store.frames(report.job_id)}
        # A busy worker always has a frame in flight (the next is queued behind the one it
        # renders), so the kill loses at least one; which one depends on timing.
        lost = {frame: store.failed_attempts(report.job_id, frame) for frame in frames}
        lost = {frame: attempts for frame, attempts in lost.items() if attempts}
        assert lost
        for frame, attempts in lost.items():
            (worker, error, _log), = attempts
            assert worker == killed["name"] and "died while rendering" in error
            assert frames[frame].state == "done" and frames[frame].attempts == 2
            assert frames[frame].worker != killed["name"]  # another worker rendered it
        assert sum(f.attempts for f in frames.values()) == 8 + len(lost)


def test_a_hung_frame_fails_after_three_attempts_and_the_rest_finish(tmp_path):
    scene = build_scene(tmp_path / "shot.blend", frames=5, resolution=(32, 18), samples=1)
    run_bpy("""
        import bpy
        bpy.ops.wm.open_mainfile(filepath=path)
        cycles = bpy.context.scene.cycles
        cycles.use_adaptive_sampling = False
        for frame, samples in ((2, 1), (3, 1_000_000), (4, 1)):
            cycles.samples = samples
            cycles.keyframe_insert("samples", frame=frame)
        bpy.ops.wm.save_mainfile()
    """, path=scene)
    out = tmp_path / "out"
    job = RenderJob(scene=scene, output={"directory": out},
                    resources={"frame_timeout": 3, "cpus_per_worker": 1})
    report = RenderRun(job).run()
    assert not report.ok and list(report.failed) == [3]
    assert "3 s frame timeout" in report.failed[3] and "failed 3 times" in report.failed[3]
    assert "Blender's log:" in report.failed[3]
    assert frame_files(out) == [f"frame_{n:04d}.png" for n in (1, 2, 4, 5)]
    with JobStore(store_path(out)) as store:
        summary = store.summary(report.job_id)
        assert summary.state == "failed" and summary.counts == {"done": 4, "failed": 1}
        assert "frame 3" in summary.message
        assert len(store.failed_attempts(report.job_id, 3)) == 3

    with pytest.raises(FrameFailedError, match="1 frame\\(s\\) failed:\nframe 3: "):
        cli_render.run_render(job)


def test_bad_scenes_fail_before_anything_is_written(tmp_path):
    no_camera = build_scene(tmp_path / "nocam.blend", frames=2, with_camera=False)
    out = tmp_path / "out"
    with pytest.raises(SceneError, match="has no camera"):
        RenderRun(RenderJob(scene=no_camera, output={"directory": out})).run()
    assert not out.exists()

    good = build_scene(tmp_path / "good.blend", frames=2)
    truncated = tmp_path / "truncated.blend"
    truncated.write_bytes(Path(good).read_bytes()[:3000])
    with pytest.raises(SceneError, match="cannot open"):
        RenderRun(RenderJob(scene=truncated, output={"directory": out})).run()
    assert not out.exists()


def test_status_command_shows_the_job(tmp_path, capsys):
    scene = build_scene(tmp_path / "shot.blend", frames=3)
    out = tmp_path / "out"
    assert cli.main(["render", scene, "--out", str(out), "--samples", "1"]) == 0
    captured = capsys.readouterr()
    assert "3/3 frames" in captured.out
    assert "[##############################] 3/3 frames" in captured.err
    assert cli.main(["status", "--out", str(out)]) == 0
    line = capsys.readouterr().out.splitlines()[0]
    assert " done " in line and "3 done" in line and "(3 frames)" in line
    job_id = line.split()[0]
    assert cli.main(["status", job_id[:6], "--out", str(out), "--frames"]) == 0
    assert "frame_0003.png" in capsys.readouterr().out


def test_shared_storage_mode_writes_in_place(tmp_path):
    scene = build_scene(tmp_path / "shot.blend", frames=3)
    out = tmp_path / "shared-out"
    job = RenderJob(scene=scene, output={"directory": out},
                    resources={"shared_storage": True})
    report = RenderRun(job).run()
    assert report.ok and report.done == 3
    assert frame_files(out) == [f"frame_{n:04d}.png" for n in range(1, 4)]
    # Frames went straight from the workers to the folder, not through the object store.
    with JobStore(store_path(out)) as store:
        assert all(f.file for f in store.frames(report.job_id))


def test_without_out_the_scene_output_path_is_used(tmp_path):
    scene = build_scene(tmp_path / "shot.blend", frames=2)  # saves to //render/frame_####
    report = RenderRun(RenderJob(scene=scene, overrides={"samples": 1})).run()
    assert report.ok and report.out_dir == tmp_path / "render"
    assert frame_files(tmp_path / "render") == ["frame_0001.png", "frame_0002.png"]


def test_many_quick_frames_are_pipelined_to_the_end(tmp_path):
    # Frames this quick are sent four deep per worker; Ray may report a later call of a
    # worker finished before an earlier one, and the run must still drain every call.
    scene = build_scene(tmp_path / "long.blend", frames=400, resolution=(16, 16), samples=1)
    out = tmp_path / "out"
    seen = []
    job = RenderJob(scene=scene, output={"directory": out}, resources={"cpus_per_worker": 1})
    run = RenderRun(job, evaluate_only=True,
                    on_frame=lambda run, outcome: seen.append(outcome.frame))
    report = run.run()
    assert report.ok and report.done == 400
    assert sorted(seen) == list(range(1, 401))
    with JobStore(store_path(out)) as store:
        assert store.summary(report.job_id).counts == {"done": 400}


@pytest.mark.parametrize("shared", [False, True], ids=["through-ray", "shared-storage"])
def test_a_frame_that_cannot_be_written_fails_alone(tmp_path, shared):
    scene = build_scene(tmp_path / "shot.blend", frames=4)
    out = tmp_path / "out"
    (out / "frame_0003.png").mkdir(parents=True)  # something else holds the frame's name
    job = RenderJob(scene=scene, output={"directory": out},
                    resources={"shared_storage": shared, "cpus_per_worker": 1})
    report = RenderRun(job).run()
    assert list(report.failed) == [3] and report.done == 3
    assert "cannot write" in report.failed[3] and "frame_0003.png" in report.failed[3]
    assert "failed 3 times" in report.failed[3]
    assert frame_files(out) == ["frame_0001.png", "frame_0002.png", "frame_0004.png"]
    assert not [p for p in out.iterdir() if ".part-" in p.name]  # no temporary left behind
    with JobStore(store_path(out)) as store:
        assert store.summary(report.job_id).counts == {"done": 3, "failed": 1}


def test_operator_steps_run_on_the_workers_before_rendering(tmp_path):
    # A scene with no camera: only the step's sample shot gives it one.
    bare = build_scene(tmp_path / "bare.blend", frames=3, with_camera=False)
    out = tmp_path / "out"
    step = {"operator": "metastudio.add_sample_shot",
            "params": {"frames": 3, "ball_color": [0.1, 0.2, 0.9]}}
    report = RenderRun(RenderJob(scene=bare, frames="1-2", output={"directory": out},
                                 steps=[step])).run()
    assert report.ok and report.done == 2
    assert frame_files(out) == ["frame_0001.png", "frame_0002.png"]

    corrupt = tmp_path / "ground.png"
    corrupt.write_bytes(b"not a picture")
    failing = {"operator": "metastudio.add_sample_shot",
               "params": {"ground_texture": str(corrupt)}}
    with pytest.raises(OperatorError, match="ground_texture: Blender cannot read"):
        RenderRun(RenderJob(scene=bare, output={"directory": tmp_path / "out2"},
                            steps=[failing])).run()
    assert not (tmp_path / "out2").exists()
