"""Bad input on the command line: one line naming the problem, non-zero exit, nothing written."""

import socket
import subprocess
import sys

import pytest


def metastudio(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "metastudio_farm.cli", *args],
                          capture_output=True, text=True, timeout=120)


@pytest.fixture
def blend(tmp_path):
    path = tmp_path / "shot.blend"
    path.write_bytes(b"BLENDER-v500" + b"\0" * 64)
    return str(path)


@pytest.mark.parametrize("args,message", [
    (["missing.blend"], "error: scene: file not found: missing.blend"),
    (["{blend}", "--frames", "24-1"], "error: frames: range 24-1 is reversed"),
    (["{blend}", "--frames", ""], "error: frames: empty frame range"),
    (["{blend}", "--engine", "octane"], "error: overrides.engine: Input should be"),
    (["{blend}", "--resolution", "wide"], "error: overrides.resolution:"),
    (["{blend}", "--out", "{afile}"], "error: output.directory:"),
    (["{blend}", "--workers", "0"], "error: resources.workers:"),
    (["{blend}", "--address", "headnode"], "error: resources.address: 'headnode' is not "
                                           "HOST:PORT"),
    (["{blend}", "--address", "127.0.0.1:{closed}"],
     "error: resources.address: no Ray cluster answers at 127.0.0.1:"),
    (["{blend}", "--steps", "{afile}"], "error: steps: {afile} is not JSON"),
])
def test_bad_input_is_one_clear_line(tmp_path, blend, args, message):
    afile = tmp_path / "a_file"
    afile.write_text("x")
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        closed = probe.getsockname()[1]
    args = [a.format(blend=blend, afile=afile, closed=closed) for a in args]
    message = message.format(afile=afile)
    proc = metastudio("render", *args)
    assert proc.returncode == 2
    assert proc.stderr.startswith(message), proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a_file", "shot.blend"]


def test_not_a_blend(tmp_path):
    text = tmp_path / "notes.blend"
    text.write_text("just text")
    proc = metastudio("render", str(text))
    assert proc.returncode == 2 and "is not a .blend file" in proc.stderr


def test_every_subcommand_has_help():
    for command in ([], ["render"], ["status"], ["demo"]):
        proc = metastudio(*command, "--help")
        assert proc.returncode == 0 and "usage: metastudio" in proc.stdout
