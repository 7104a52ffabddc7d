"""The farm service for real: `metastudio serve` on loopback with its embedded Ray and two
warm Blender workers; jobs submitted through its HTTP API and command line."""

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import cv2
import pytest
from metastudio.core.errors import FarmError, JobSpecError
from metastudio_farm import cli

from tests.bpy_process import build_scene, run_bpy
from tests.farm.service_process import ServiceProcess, raw_call, wait_for

PNG = b"\x89PNG\r\n\x1a\n"


def frames(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("frame_"))


def render(studio, out, **fields) -> dict:
    return {"kind": "render", "scene": str(studio / "shot.blend"), "out": str(studio / out),
            **fields}


def test_every_call_needs_the_token(service):
    for method, path in (("GET", "/api/jobs"), ("POST", "/api/jobs"), ("GET", "/api/workers"),
                         ("GET", "/api/info"), ("POST", "/api/jobs/0123456789ab/cancel"),
                         ("DELETE", "/api/jobs/0123456789ab")):
        status, body = raw_call(service.url, method, path)
        assert status == 401, (method, path, body)
        status, _ = raw_call(service.url, method, path,
                             headers={"Authorization": "Bearer not-the-token"})
        assert status == 401
    status, schema = raw_call(service.url, "GET", "/openapi.json")
    assert status == 200 and "/api/jobs" in schema["paths"]
    assert {"RenderJobRequest", "BatchJobRequest", "JobView"} <= set(
        schema["components"]["schemas"])
    status, page = raw_call(service.url, "GET", "/")
    assert status == 200 and b"metastudio" in page
    with pytest.raises(FarmError, match="token was refused"):
        type(service.client())(service.url, "wrong").jobs()
    info = service.client().info()  # the typed view reads what the service answers
    assert info.roots and not info.problem and info.version


@pytest.mark.parametrize("change, message", [
    ({"scene": "/etc/hostname"}, "scene: /etc/hostname is outside the folders"),
    ({"out": "/tmp/../etc/frames"}, "out: /tmp/../etc/frames is outside"),
    ({"frames": "1-500000"}, "frames: '1-500000' is more than 100000 frames"),
    ({"frames": "9223372036854775808"}, "frames: 9223372036854775808 is outside Blender's"),
    ({"priority": 500}, "priority: Input should be less than or equal to 100"),
    ({"colour": "red"}, "colour: Extra inputs are not permitted"),
    ({"depends_on": ["0123456789ab"]}, "depends_on: no job 0123456789ab"),
    ({"steps": [{"operator": "metastudio.nothing"}]}, "unknown operator 'metastudio.nothing'"),
    ({"kind": "sculpt"}, "kind"),
])
def test_bad_jobs_are_refused_with_the_reason(service, studio, change, message):
    before = len(service.client().jobs())
    with pytest.raises(JobSpecError, match=message.replace("(", r"\(").replace(")", r"\)")
                       .replace(".", r"\.").replace("*", r"\*")):
        service.client().submit(render(studio, "bad") | change)
    assert len(service.client().jobs()) == before


def test_huge_and_hostile_payloads_are_refused(service, studio):
    headers = {"Authorization": f"Bearer {service.token}", "Content-Type": "application/json"}
    # A 2 MiB body is refused from its declared length, before it is read: the answer is
    # read before the body is sent (a client still sending when the service closes the
    # connection sees a broken pipe instead of the answer).
    import http.client

    connection = http.client.HTTPConnection("127.0.0.1", service.port, timeout=30)
    connection.putrequest("POST", "/api/jobs")
    for name, value in headers.items():
        connection.putheader(name, value)
    connection.putheader("Content-Length", str(2 << 20))
    connection.endheaders()
    answer = connection.getresponse()
    status, body = answer.status, json.loads(answer.read())
    connection.close()
    assert status == 413 and "larger than" in body["detail"]
    status, body = raw_call(service.url, "POST", "/api/jobs", b"{not json", headers)
    assert status == 422
    (studio / "notes.blend").write_text("not a blend")
    with pytest.raises(JobSpecError, match="is not a .blend file"):
        service.client().submit(render(studio, "x") | {"scene": str(studio / "notes.blend")})
    with pytest.raises(JobSpecError, match="lipsync.*outside the folders|folder: /etc"):
        service.client().submit({"kind": "batch", "out": str(studio / "o"),
                                 "batch": {"operator": "lipsync", "folder": "/etc"}})


def test_a_render_job_finishes_with_thumbnails_logs_and_a_preview(service, studio):
    client = service.client()
    job = client.submit(render(studio, "basic", name="basic shot"))
    assert job.state == "queued" and job.name == "basic shot"
    done = wait_for(client, job.id)
    assert done.state == "done", client.log(job.id)
    out = studio / "basic"
    assert frames(out) == [f"frame_{n:04d}.png" for n in range(1, 7)]
    assert all((out / name).read_bytes()[:8] == PNG for name in frames(out))
    assert [t.state for t in done.tasks] == ["done"] * 6
    assert {t.worker for t in done.tasks} <= {w.name for w in client.workers()}
    # Each frame once: one attempt each, no temporary files left.
    assert all(t.attempts == 1 for t in done.tasks)
    assert not [p for p in out.iterdir() if ".part" in p.name]

    preview = out / f"preview-{job.id}.mp4"
    assert done.has_preview and preview.is_file()
    video = cv2.VideoCapture(str(preview))
    assert video.get(cv2.CAP_PROP_FRAME_COUNT) == 6 and video.get(cv2.CAP_PROP_FRAME_WIDTH) == 64
    headers = {"Authorization": f"Bearer {service.token}"}
    status, _ = raw_call(service.url, "GET", f"/api/jobs/{job.id}/preview", None, headers)
    assert status == 200

    status, thumb = raw_call(service.url, "GET", f"/api/jobs/{job.id}/tasks/3/thumbnail",
                             None, headers)
    assert status == 200 and thumb[:2] == b"\xff\xd8"  # a JPEG
    attempts = client.attempts(job.id, 3)
    assert len(attempts) == 1 and attempts[0].ok and "frame_0003.png" in attempts[0].log
    log = client.log(job.id)
    assert any("6 frames, 6 to do" in line for line in log) and log[-1].endswith("done")


def test_priority_and_dependencies_order_the_queue(service, studio):
    client = service.client()
    gate = client.submit(render(studio, "gate", frames="1-2"))
    client.action(gate.id, "pause")
    low = client.submit(render(studio, "low", priority=10, depends_on=[gate.id]))
    high = client.submit(render(studio, "high", priority=90, depends_on=[gate.id]))
    deadline = time.monotonic() + 10
    while not client.job(low.id).message and time.monotonic() < deadline:
        time.sleep(0.1)
    waiting = client.job(low.id)
    assert waiting.state == "queued" and waiting.counts == {}
    assert waiting.message == f"waiting for {gate.id} (paused)"
    client.action(gate.id, "resume")
    for job in (gate, low, high):
        assert wait_for(client, job.id).state == "done"

    def finished(job):  # when each frame's successful attempt ended
        return sorted(client.attempts(job.id, t.index)[-1].at
                      for t in client.job(job.id).tasks)

    # Nothing waiting on the gate started before it ended; then the high-priority job's
    # frames went out first (two workers: the low one's first frame can only start once
    # the high one's last frames are given out).
    assert min(finished(low) + finished(high)) > max(finished(gate))
    assert min(finished(low)) > finished(high)[1]
    assert client.job(low.id).message == ""


def test_concurrency_limit_and_requirements(service, studio):
    client = service.client()
    one = wait_for(client, client.submit(render(studio, "one", max_workers=1)).id)
    assert one.state == "done" and len({t.worker for t in one.tasks}) == 1

    gpu = client.submit(render(studio, "gpu", requires="gpu"))
    tagged = client.submit(render(studio, "tagged", tags=["fast"]))
    for job in (gpu, tagged):
        deadline = time.monotonic() + 20
        while not client.job(job.id).message:
            assert time.monotonic() < deadline
            time.sleep(0.1)
        seen = client.job(job.id)
        assert seen.state == "queued" and seen.total == 0
        assert seen.message == "waiting for a worker that meets its requirements"
        assert client.action(job.id, "cancel").state == "canceled"


def test_an_output_that_cannot_be_written_pauses_the_job_and_blames_no_worker(service,
                                                                                studio):
    client = service.client()
    out = studio / "blocked"
    (out / "frame_0002.png").mkdir(parents=True)  # frame 2 cannot be written here
    job = client.submit(render(studio, "blocked", max_attempts=3, blocklist_after=1,
                               preview=False))
    paused = wait_for(client, job.id, states=("paused", "failed", "done"))
    assert paused.state == "paused", paused
    assert f"cannot write into {out}" in paused.message, paused.message
    assert "frame_0002.png is a folder" in paused.message
    assert paused.blocklisted == []
    task = next(t for t in paused.tasks if t.index == 2)
    assert task.state == "pending" and task.attempts == 0
    assert client.attempts(job.id, 2) == []  # no worker blamed

    (out / "frame_0002.png").rmdir()
    resumed = client.action(job.id, "resume")
    assert resumed.state == "queued" and resumed.message == ""
    done = wait_for(client, job.id)
    assert done.state == "done" and frames(out) == [f"frame_{n:04d}.png" for n in range(1, 7)]


def test_a_hung_frame_is_stopped_by_the_learned_timeout(service, studio):
    scene = build_scene(studio / "hang.blend", frames=6, resolution=(32, 18), samples=1)
    run_bpy("""
        import bpy
        bpy.ops.wm.open_mainfile(filepath=path)
        cycles = bpy.context.scene.cycles
        cycles.use_adaptive_sampling = False
        for frame, samples in ((5, 1), (6, 1_000_000)):
            cycles.samples = samples
            cycles.keyframe_insert("samples", frame=frame)
        bpy.ops.wm.save_mainfile()
    """, path=scene)
    client = service.client()
    job = client.submit({"kind": "render", "scene": scene, "out": str(studio / "hang"),
                         "max_attempts": 2, "max_workers": 1, "preview": False})
    failed = wait_for(client, job.id, timeout=240)
    assert failed.state == "failed" and failed.frame_timeout == 2.0
    hung = next(t for t in failed.tasks if t.index == 6)
    assert hung.state == "failed" and "2 s timeout" in hung.error
    assert [t.state for t in failed.tasks].count("done") == 5
    service.wait_for_workers(2)  # the stopped worker's slot got a new one


def test_a_killed_worker_costs_only_its_frame_which_goes_elsewhere(service, studio):
    scene = build_scene(studio / "slow.blend", frames=8, resolution=(160, 90), samples=16)
    client = service.client()
    job = client.submit({"kind": "render", "scene": scene, "out": str(studio / "slow"),
                         "preview": False})
    deadline = time.monotonic() + 120
    while True:
        busy = [w for w in client.workers() if w.state == "busy" and w.job == job.id
                and w.task]
        if busy and client.job(job.id).counts.get("done", 0) >= 1:
            break
        assert time.monotonic() < deadline
        time.sleep(0.05)
    victim = busy[0]
    os.kill(victim.pid, signal.SIGKILL)
    done = wait_for(client, job.id)
    assert done.state == "done"
    assert frames(studio / "slow") == [f"frame_{n:04d}.png" for n in range(1, 9)]
    # The workers' list is a snapshot (twice a second): the frame the victim died on is
    # read from the queue, not from the snapshot.
    retried = [t for t in done.tasks if t.attempts == 2]
    assert len(retried) == 1
    attempts = client.attempts(job.id, retried[0].index)
    assert attempts[0].error == (f"worker {victim.name} died while working on frame "
                                    f"{retried[0].index}")
    assert attempts[1].ok and not attempts[0].ok
    service.wait_for_workers(2)  # the slot was refilled


def test_pause_resume_cancel_and_delete(service, studio):
    client = service.client()
    job = client.submit(render(studio, "paused", priority=0, preview=False))
    assert client.action(job.id, "pause").state == "paused"
    # Frames already given out when the pause came still land; no new one goes out.
    deadline = time.monotonic() + 30
    while client.job(job.id).counts.get("running", 0):
        assert time.monotonic() < deadline
        time.sleep(0.1)
    held = client.job(job.id).counts.get("done", 0)
    time.sleep(1.5)
    counts = client.job(job.id).counts
    assert counts.get("done", 0) == held < 6 and not counts.get("running")
    assert client.action(job.id, "resume").state == "queued"
    assert wait_for(client, job.id).state == "done"
    with pytest.raises(FarmError, match="is done: it cannot be paused"):
        client.action(job.id, "pause")
    client.delete(job.id)
    with pytest.raises(FarmError, match="no job"):
        client.job(job.id)
    assert frames(studio / "paused")  # its files stay


def test_an_operator_batch_runs_on_the_same_queue(service, studio):
    import soundfile
    from metastudio.core.voice import espeak

    lines = studio / "lines"
    lines.mkdir()
    for name, text in {"hello": "Hello there.", "map": "Bring me the map."}.items():
        speech = espeak.synthesize(text)
        soundfile.write(lines / f"{name}.flac", speech.samples, speech.rate)
    (lines / "broken.wav").write_bytes(b"RIFF....WAVEjunk")
    client = service.client()
    job = client.submit({"kind": "batch", "out": str(studio / "cues"), "max_attempts": 1,
                         "batch": {"operator": "lipsync", "folder": str(lines),
                                   "formats": ["json", "tsv"]}})
    ended = wait_for(client, job.id)
    assert ended.state == "failed" and "broken.wav" in ended.message
    states = {t.name: t.state for t in ended.tasks}
    assert states == {"broken.wav": "failed", "hello.flac": "done", "map.flac": "done"}
    cues = json.loads((studio / "cues" / "map.json").read_text())
    assert cues["mouthCues"] and (studio / "cues" / "map.tsv").is_file()


def test_a_crowd_batch_and_a_render_share_the_warm_workers(service, studio):
    client = service.client()
    crowd = client.submit({"kind": "batch", "out": str(studio / "crowd"), "batch": {
        "operator": "character", "count": 2,
        "spec": {"description": "a woman in a green dress", "name": "Guest",
                 "face_shapes": False}}})
    shot = client.submit(render(studio, "after-crowd", frames="1-2", preview=False))
    assert wait_for(client, crowd.id).state == "done"
    assert wait_for(client, shot.id).state == "done"  # workers reopen its scene
    blends = sorted(p.name for p in (studio / "crowd").glob("*.blend"))
    assert blends == ["Guest_0001.blend", "Guest_0002.blend"]
    resolved = json.loads((studio / "crowd" / "Guest_0002.json").read_text())
    assert resolved["values"]["top"] == "dress"
    assert frames(studio / "after-crowd") == ["frame_0001.png", "frame_0002.png"]
    again = client.submit({"kind": "batch", "out": str(studio / "crowd"), "batch": {
        "operator": "character", "count": 3,
        "spec": {"description": "a woman in a green dress", "name": "Guest",
                 "face_shapes": False}}})
    third = wait_for(client, again.id)
    assert third.state == "done" and [t.attempts for t in third.tasks] == [0, 0, 1]


def test_many_clients_at_once_keep_the_queue_consistent(service, studio):
    client = service.client()
    ids, errors = [], []

    def submit(n):
        try:
            for k in range(2):
                job = client.submit(render(studio, f"many/{n}-{k}", frames="1",
                                           preview=False))
                ids.append(job.id)
        except Exception as exc:  # noqa: BLE001 - collected for the assertion
            errors.append(exc)

    threads = [threading.Thread(target=submit, args=(n,)) for n in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors and len(set(ids)) == 20
    for job_id in ids:
        job = wait_for(client, job_id)
        assert job.state == "done" and job.total == 1
    assert len(list((studio / "many").glob("*/frame_0001.png"))) == 20


def test_the_command_line_talks_to_the_service(service, studio, capsys, monkeypatch):
    monkeypatch.setenv("METASTUDIO_SERVICE", service.url)
    monkeypatch.setenv("METASTUDIO_TOKEN", service.token)
    assert cli.main(["submit", str(studio / "shot.blend"), "--frames", "1-3", "--out",
                     str(studio / "cli"), "--no-preview", "--wait"]) == 0
    job_id = capsys.readouterr().out.split()[0]
    assert frames(studio / "cli") == [f"frame_{n:04d}.png" for n in (1, 2, 3)]
    assert cli.main(["status", job_id, "--frames"]) == 0
    shown = capsys.readouterr().out
    assert f"{job_id}  done" in shown and "attempts=1" in shown
    assert cli.main(["cancel", job_id]) == 2
    assert "cannot be canceled" in capsys.readouterr().err
    monkeypatch.setenv("METASTUDIO_TOKEN", "wrong")
    assert cli.main(["status"]) == 2
    assert "token was refused" in capsys.readouterr().err


def test_render_uses_the_service_running_for_the_user_and_resumes_there(service, studio,
                                                                         tmp_path):
    # No address, no token given: `metastudio render` finds the service by its lock in
    # the farm's home and talks to it with the token it left there for its own user.
    env = dict(os.environ, METASTUDIO_SERVICE_HOME=str(service.home))
    command = [str(Path(sys.executable).with_name("metastudio")), "render",
               str(studio / "shot.blend"), "--frames", "1-3", "--out", str(studio / "warm")]
    first = subprocess.run(command, capture_output=True, text=True, env=env, timeout=300)
    assert first.returncode == 0, first.stderr
    assert f"on the farm service at {service.url}" in first.stderr
    assert "3/3 frames" in first.stdout and "the service at" in first.stdout
    job_id = first.stdout.split()[1].rstrip(":")
    assert frames(studio / "warm") == [f"frame_{n:04d}.png" for n in (1, 2, 3)]
    stamps = {p.name: p.stat().st_mtime_ns for p in (studio / "warm").iterdir()}
    # The same command again: the same job, taken up where it was (nothing to redo).
    again = subprocess.run(command, capture_output=True, text=True, env=env, timeout=300)
    assert again.returncode == 0, again.stderr
    assert again.stdout.split()[1].rstrip(":") == job_id
    assert {p.name: p.stat().st_mtime_ns for p in (studio / "warm").iterdir()} == stamps
    assert "submitted again: taken up where it was" in " ".join(
        service.client().log(job_id))
    # A scene outside the service's folders: said, and rendered in the command's process.
    outside = build_scene(tmp_path / "own.blend", frames=2)
    own = subprocess.run(command[:2] + [outside, "--out", str(tmp_path / "o")],
                         capture_output=True, text=True, env=env, timeout=300)
    assert own.returncode == 0, own.stderr
    assert "refused the job" in own.stderr and "in this process instead" in own.stderr
    assert "1 worker" in own.stdout


def test_killed_and_restarted_the_service_loses_and_redoes_nothing(studio, tmp_path):
    scene = build_scene(studio / "long.blend", frames=12, resolution=(96, 54), samples=8)
    running = ServiceProcess(tmp_path / "home", [studio], "--cpus-per-worker", "1").start()
    try:
        client = running.client()
        job = client.submit({"kind": "render", "scene": scene, "out": str(studio / "long"),
                             "preview": False})
        deadline = time.monotonic() + 120
        while client.job(job.id).counts.get("done", 0) < 4:
            assert time.monotonic() < deadline
            time.sleep(0.1)
        running.kill()
        before = {p.name: p.stat().st_mtime_ns for p in (studio / "long").iterdir()}
        running.start()
        # The token is shown once, at the first start, and still works after the restart.
        assert sum(line.startswith("token: ") for line in running.output) == 1
        done = wait_for(running.client(), job.id)
    finally:
        running.stop()
    assert done.state == "done"
    files = frames(studio / "long")
    assert files == [f"frame_{n:04d}.png" for n in range(1, 13)]
    for name, mtime in before.items():
        if name.startswith("frame_"):
            assert (studio / "long" / name).stat().st_mtime_ns == mtime, name
    assert not [p for p in (studio / "long").iterdir() if ".part" in p.name]
    assert os.path.getsize(studio / "long" / "frame_0012.png") > 100


def test_blender_render_on_farm_queues_the_file_on_the_service(service, studio):
    shot = studio / "artist" / "shot.blend"
    build_scene(shot, frames=4)
    result = run_bpy("""
        import importlib, os, time
        os.environ["METASTUDIO_SERVICE"], os.environ["METASTUDIO_TOKEN"] = url, token
        import bpy, metastudio
        bpy.ops.wm.open_mainfile(filepath=path)
        metastudio.register()
        farm = importlib.import_module("metastudio.ops.farm")
        settings = bpy.context.scene.metastudio.render
        settings.use_frames, settings.frames = True, "2-3"
        result = {"op": sorted(bpy.ops.metastudio.render_on_farm())}
        status = farm.farm_status()
        result["queued"] = [status.job_id, status.running]
        deadline = time.monotonic() + 120
        # Blender's event loop runs this timer; headless, the test calls it.
        while farm.drain_service_updates() is not None and time.monotonic() < deadline:
            time.sleep(0.2)
        status = farm.farm_status()
        result["status"] = [status.running, status.done, status.total, status.failed,
                            status.message]
        result["file"] = bpy.data.filepath
        result["frames"] = sorted(os.listdir(os.path.join(os.path.dirname(path), "render")))
        try:
            bpy.ops.metastudio.cancel_farm_job()
            result["cancel_done"] = "no error"
        except RuntimeError as exc:
            result["cancel_done"] = str(exc)
        settings.frames = "1-4"
        bpy.ops.metastudio.render_on_farm()
        result["cancelled"] = sorted(bpy.ops.metastudio.cancel_farm_job())
        while farm.drain_service_updates() is not None and time.monotonic() < deadline:
            time.sleep(0.2)
        result["after_cancel"] = farm.farm_status().message
        os.environ["METASTUDIO_TOKEN"] = "wrong"
        try:
            bpy.ops.metastudio.render_on_farm()
            result["wrong_token"] = "no error"
        except RuntimeError as exc:
            result["wrong_token"] = str(exc)
    """, path=str(shot), url=service.url, token=service.token)
    assert result["op"] == ["FINISHED"]
    job_id, running = result["queued"]
    assert len(job_id) == 12 and running
    running, done, total, failed, message = result["status"]
    assert (running, done, total, failed) == (False, 2, 2, 0) and message == f"job {job_id}: done"
    assert result["frames"] == ["frame_0002.png", "frame_0003.png", f"preview-{job_id}.mp4"]
    assert result["file"] == str(shot)  # the artist's file is still the open one
    job = service.client().job(job_id)
    assert job.name == "shot.blend" and ".farm.blend" in job.request["scene"]
    assert "cannot be canceled" in result["cancel_done"]
    assert result["cancelled"] == ["FINISHED"] and "canceled" in result["after_cancel"]
    assert "token was refused" in result["wrong_token"]
