"""The farm on a real local Ray with real Blender workers."""

import os
import signal
from pathlib import Path

import pytest
from metastudio.core.errors import FrameFailedError, OperatorError, SceneError
from metastudio.core.job_states import JobState
from metastudio.core.render_job import RenderJob
from metastudio_farm import cli
from metastudio_farm.cli import render as cli_render

from tests.bpy_process import build_scene, run_bpy
from tests.farm.farm_run import embedded_queue, render

pytestmark = pytest.mark.usefixtures("local_ray")


def frame_files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.is_file())


def test_renders_every_frame_then_resumes_only_what_is_missing(tmp_path):
    scene = build_scene(tmp_path / "shot.blend", frames=6)
    out = tmp_path / "out"
    job = RenderJob(scene=scene, output={"directory": out})
    report = render(job)
    assert report.ok and report.done == 6 and report.skipped == 0 and report.workers == 1
    names = [f"frame_{n:04d}.png" for n in range(1, 7)]
    assert frame_files(out) == names  # no temporary or partial files left
    for name in names:
        assert (out / name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    queue = embedded_queue()
    assert queue.counts(report.job_id) == {"done": 6}
    assert queue.job(report.job_id).state == JobState.DONE
    queue.close()

    again = render(job)
    assert again.job_id == report.job_id and again.done == 6 and again.skipped == 6

    before = (out / "frame_0001.png").stat().st_mtime_ns
    (out / "frame_0002.png").unlink()
    (out / "frame_0005.png").unlink()
    third = render(job)
    assert third.done == 6 and third.skipped == 4
    assert frame_files(out) == names
    assert (out / "frame_0001.png").stat().st_mtime_ns == before  # not rendered again


def test_overrides_step_and_chunks(tmp_path):
    scene = build_scene(tmp_path / "shot.blend", frames=10)
    out = tmp_path / "out"
    job = RenderJob(scene=scene, frames="1-9", step=4, output={"directory": out},
                    overrides={"resolution": "40x20", "file_format": "JPEG"},
                    resources={"chunk": 2, "workers": 1})
    report = render(job)
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

    def kill_a_busy_worker(dispatcher):
        if killed:
            return
        for worker in dispatcher.pool.values():
            head = worker.queue[0] if worker.queue else None
            if worker.pid and head and head.kind == "render" and head.started:
                killed["name"] = worker.name
                os.kill(worker.pid, signal.SIGKILL)
                return

    job = RenderJob(scene=scene, output={"directory": out}, resources={"cpus_per_worker": 1})
    report = render(job, on_step=kill_a_busy_worker)
    assert killed, "no worker was busy to kill"
    assert report.ok and report.done == 8
    assert frame_files(out) == [f"frame_{n:04d}.png" for n in range(1, 9)]
    queue = embedded_queue()
    frames = {t.index: t for t in queue.tasks(report.job_id)}
    lost = {frame: [a for a in queue.attempts(report.job_id, frame) if not a[1]]
            for frame in frames}
    lost = {frame: attempts for frame, attempts in lost.items() if attempts}
    queue.close()
    # The kill loses the frame the worker was rendering, and only that one.
    assert len(lost) == 1
    for frame, attempts in lost.items():
        (worker, _ok, error, _log, _at), = attempts
        assert worker == killed["name"] and "died while working on frame" in error
        assert frames[frame].state == "done" and frames[frame].attempts == 2
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
    report = render(job)
    assert not report.ok and list(report.failed) == ["3"]
    assert "ran longer than the 3 s timeout" in report.failed["3"]
    assert frame_files(out) == [f"frame_{n:04d}.png" for n in (1, 2, 4, 5)]
    queue = embedded_queue()
    row = queue.job(report.job_id)
    assert row.state == JobState.FAILED and queue.counts(report.job_id) == {"done": 4,
                                                                          "failed": 1}
    assert "1 of 5 failed: frame 3 ran longer than the 3 s timeout" in row.message
    assert len(queue.attempts(report.job_id, 3)) == 3
    queue.close()

    with pytest.raises(FrameFailedError, match="1 frame\\(s\\) failed:\nframe 3: "):
        cli_render.run_render(job, no_service=True)


def test_bad_scenes_fail_before_anything_is_written(tmp_path):
    no_camera = build_scene(tmp_path / "nocam.blend", frames=2, with_camera=False)
    out = tmp_path / "out"
    with pytest.raises(SceneError, match="has no camera"):
        render(RenderJob(scene=no_camera, output={"directory": out}))
    assert not out.exists()

    good = build_scene(tmp_path / "good.blend", frames=2)
    truncated = tmp_path / "truncated.blend"
    truncated.write_bytes(Path(good).read_bytes()[:3000])
    with pytest.raises(SceneError, match="cannot open"):
        render(RenderJob(scene=truncated, output={"directory": out}))
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
    assert " done " in line and "3 done" in line and "(3 frames)" in line, line
    job_id = line.split()[0]
    assert cli.main(["status", job_id[:6], "--out", str(out), "--frames"]) == 0
    assert "frame_0003.png" in capsys.readouterr().out


def test_shared_storage_mode_writes_in_place(tmp_path):
    scene = build_scene(tmp_path / "shot.blend", frames=3)
    out = tmp_path / "shared-out"
    job = RenderJob(scene=scene, output={"directory": out},
                    resources={"shared_storage": True})
    report = render(job)
    assert report.ok and report.done == 3
    assert frame_files(out) == [f"frame_{n:04d}.png" for n in range(1, 4)]
    queue = embedded_queue()
    assert all(t.file for t in queue.tasks(report.job_id))
    queue.close()


def test_without_out_the_scene_output_path_is_used(tmp_path):
    scene = build_scene(tmp_path / "shot.blend", frames=2)  # saves to //render/frame_####
    report = render(RenderJob(scene=scene, overrides={"samples": 1}))
    assert report.ok and report.out_dir == tmp_path / "render"
    assert frame_files(tmp_path / "render") == ["frame_0001.png", "frame_0002.png"]


def test_many_quick_frames_are_pipelined_to_the_end(tmp_path):
    # Frames this quick are sent several deep per worker; Ray may report a later call of
    # a worker finished before an earlier one, and the run must still drain every call.
    scene = build_scene(tmp_path / "long.blend", frames=400, resolution=(16, 16), samples=1)
    out = tmp_path / "out"
    deepest = []
    job = RenderJob(scene=scene, output={"directory": out}, resources={"cpus_per_worker": 1})
    report = render(job, evaluate_only=True, on_step=lambda dispatcher: deepest.append(
        max((len(w.queue) for w in dispatcher.pool.values()), default=0)))
    assert report.ok and report.done == 400
    assert max(deepest) > 1  # pipelined
    queue = embedded_queue()
    assert queue.counts(report.job_id) == {"done": 400}
    queue.close()


def test_a_frame_that_cannot_be_written_pauses_the_job_until_the_folder_is_fixed(tmp_path):
    scene = build_scene(tmp_path / "shot.blend", frames=4)
    out = tmp_path / "out"
    (out / "frame_0003.png").mkdir(parents=True)  # something else holds the frame's name
    job = RenderJob(scene=scene, output={"directory": out}, resources={"cpus_per_worker": 1})
    report = render(job)
    # The folder's fault, not the frame's: the job waits, the frame's attempts untouched.
    assert report.state == JobState.PAUSED and f"cannot write into {out}" in report.message
    assert not report.failed and report.done < 4
    assert "frame_0003.png" not in [p.name for p in out.iterdir() if p.is_file()]
    assert not [p for p in out.iterdir() if ".part" in p.name]  # no temporary left behind
    queue = embedded_queue()
    assert queue.task(report.job_id, 3).attempts == 0
    queue.close()
    (out / "frame_0003.png").rmdir()
    again = render(job)
    assert again.ok and again.done == 4
    assert frame_files(out) == [f"frame_{n:04d}.png" for n in range(1, 5)]


def test_shared_storage_a_frame_that_cannot_be_written_fails_alone(tmp_path):
    # One worker (the default here): failing one frame three times does not blocklist it
    # for the job's other frames, which still finish.
    scene = build_scene(tmp_path / "shot.blend", frames=4)
    out = tmp_path / "out"
    (out / "frame_0003.png").mkdir(parents=True)
    job = RenderJob(scene=scene, output={"directory": out},
                    resources={"shared_storage": True})
    report = render(job)
    assert list(report.failed) == ["3"] and report.done == 3
    assert "cannot write" in report.failed["3"] and "frame_0003.png" in report.failed["3"]
    assert frame_files(out) == ["frame_0001.png", "frame_0002.png", "frame_0004.png"]
    assert not [p for p in out.iterdir() if ".part-" in p.name]


def test_operator_steps_run_on_the_workers_before_rendering(tmp_path):
    # A scene with no camera: only the step's sample shot gives it one.
    bare = build_scene(tmp_path / "bare.blend", frames=3, with_camera=False)
    out = tmp_path / "out"
    step = {"operator": "metastudio.add_sample_shot",
            "params": {"frames": 3, "ball_color": [0.1, 0.2, 0.9]}}
    report = render(RenderJob(scene=bare, frames="1-2", output={"directory": out},
                              steps=[step]))
    assert report.ok and report.done == 2
    assert frame_files(out) == ["frame_0001.png", "frame_0002.png"]

    corrupt = tmp_path / "ground.png"
    corrupt.write_bytes(b"not a picture")
    failing = {"operator": "metastudio.add_sample_shot",
               "params": {"ground_texture": str(corrupt)}}
    with pytest.raises(OperatorError, match="ground_texture: Blender cannot read"):
        render(RenderJob(scene=bare, output={"directory": tmp_path / "out2"},
                         steps=[failing]))
    assert not (tmp_path / "out2").exists()
