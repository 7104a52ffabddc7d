"""The farm itself is killed mid-job (kill -9 of `metastudio render`); the same command run
again renders only what is missing."""

import os
import signal
import subprocess
import sys
import time

from metastudio.core.job_states import JobState

from tests.bpy_process import build_scene
from tests.farm.farm_run import embedded_queue


def render_command(scene, out) -> list[str]:
    return [sys.executable, "-m", "metastudio_farm.cli", "render", str(scene), "--out", str(out)]


def finished_frames(out) -> dict[str, int]:
    return {p.name: p.stat().st_mtime_ns for p in out.glob("frame_*.png")}


def test_killed_driver_resumes_without_redoing_frames(tmp_path):
    # About half a second a frame, so that the kill lands mid-job.
    scene = build_scene(tmp_path / "shot.blend", frames=12, resolution=(320, 180), samples=16)
    out = tmp_path / "out"
    driver = subprocess.Popen(render_command(scene, out), stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.monotonic() + 120
    while len(finished_frames(out) if out.exists() else {}) < 3:
        assert driver.poll() is None, "the job ended before it could be interrupted"
        assert time.monotonic() < deadline, "no frames appeared"
        time.sleep(0.05)
    os.kill(driver.pid, signal.SIGKILL)
    driver.wait()
    before = finished_frames(out)
    assert 3 <= len(before) < 12
    # Only finished frames carry frame names; a frame cut off mid-write is hidden.
    assert all(p.name in before or p.name.startswith(".") for p in out.iterdir())

    again = subprocess.run(render_command(scene, out), capture_output=True, text=True,
                           timeout=300)
    assert again.returncode == 0, again.stderr
    assert f"12/12 frames in {out} ({len(before)} already done)" in again.stdout
    after = finished_frames(out)
    assert sorted(after) == [f"frame_{n:04d}.png" for n in range(1, 13)]
    assert all(after[name] == stamp for name, stamp in before.items())  # not redone
    queue = embedded_queue()
    (row,) = [r for r in queue.jobs() if r.out_dir == str(out)]
    assert row.state == JobState.DONE and queue.counts(row.id) == {"done": 12}
    queue.close()


def test_interrupt_stops_the_farm_even_when_started_with_sigint_ignored(tmp_path):
    # A program started in the background by a shell (`blender &`) inherits SIGINT
    # ignored; Esc on Render on Farm sends SIGINT, and must still stop the farm.
    scene = build_scene(tmp_path / "shot.blend", frames=12, resolution=(320, 180), samples=16)
    out = tmp_path / "out"

    def ignore_sigint():
        signal.signal(signal.SIGINT, signal.SIG_IGN)

    driver = subprocess.Popen(render_command(scene, out), stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE, text=True, preexec_fn=ignore_sigint)
    deadline = time.monotonic() + 120
    while len(finished_frames(out) if out.exists() else {}) < 2:
        assert driver.poll() is None, "the job ended before it could be interrupted"
        assert time.monotonic() < deadline, "no frames appeared"
        time.sleep(0.05)
    driver.send_signal(signal.SIGINT)
    _, errors = driver.communicate(timeout=60)
    assert driver.returncode == 130, errors[-2000:]
    assert "stopped; run the same command again to resume" in errors
    assert len(finished_frames(out)) < 12
