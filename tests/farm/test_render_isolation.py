"""`metastudio render` without --address starts a Ray of its own, listening on loopback,
even when another user's cluster runs on the machine (Ray would otherwise join whatever
cluster was started last); and with --progress json its stdout is JSON lines only."""

import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from tests.bpy_process import build_scene
from tests.farm.service_process import free_port


@pytest.fixture
def foreign_cluster():
    """A `ray start --head` of someone else's, in a temporary folder of its own (RAY_TMPDIR:
    where Ray records the cluster started last), stopped with its whole process group."""
    folder = tempfile.mkdtemp(prefix="rayx", dir="/tmp")  # short: Ray's socket paths
    env = {**os.environ, "RAY_TMPDIR": folder}
    head = subprocess.Popen(
        [str(Path(sys.executable).with_name("ray")), "start", "--head", "--block",
         f"--port={free_port()}", "--num-cpus=1", "--include-dashboard=false",
         "--disable-usage-stats"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    record = Path(folder) / "ray" / "ray_current_cluster"
    deadline = time.monotonic() + 90
    while not record.exists():
        assert head.poll() is None and time.monotonic() < deadline, "the head did not start"
        time.sleep(0.2)
    try:
        yield env
    finally:
        os.killpg(head.pid, signal.SIGKILL)
        head.wait(30)
        subprocess.run(["rm", "-rf", folder], check=False)


def test_render_does_not_join_a_cluster_it_was_not_given(foreign_cluster, tmp_path):
    scene = build_scene(tmp_path / "shot.blend", frames=2, resolution=(32, 18), samples=1)
    done = subprocess.run([sys.executable, "-m", "metastudio_farm.cli", "render", scene,
                           "--out", str(tmp_path / "out"), "--progress", "json"],
                          env=foreign_cluster, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    events = [json.loads(line) for line in done.stdout.splitlines()]  # JSON lines only
    assert events[0] == {"event": "start", "total": 2}
    assert events[-1]["event"] == "finished" and "2/2 frames" in events[-1]["message"]
    assert sorted(p.name for p in (tmp_path / "out").glob("frame_*")) == [
        "frame_0001.png", "frame_0002.png"]
