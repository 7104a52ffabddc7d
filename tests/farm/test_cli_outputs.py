"""The command line never destroys what it writes over, and bad input is one line: real
`metastudio` commands writing onto a device node, a named pipe and a link of the test's
own (never a system path), to `-`, into a missing folder, into a closed pipe."""

import os
import stat
import subprocess
import sys
import threading

import pytest
from metastudio.core.safe_output import OutputError, write_file


def metastudio(*args: str, cwd=None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "metastudio_farm.cli", *args], cwd=cwd,
                          capture_output=True, timeout=300)


@pytest.fixture(scope="module")
def line(tmp_path_factory):
    """A short spoken line (eSpeak) to lip-sync."""
    folder = tmp_path_factory.mktemp("line")
    done = metastudio("voice", "say", "hello there", "--out", str(folder / "line.wav"))
    assert done.returncode == 0, done.stderr
    return folder / "line.wav"


def test_a_device_node_is_written_through_not_replaced(tmp_path, line):
    if os.geteuid() != 0:
        pytest.skip("making a device node needs root")
    null = tmp_path / "null"
    os.mknod(null, stat.S_IFCHR | 0o666, os.makedev(1, 3))  # the same device as /dev/null
    done = metastudio("lipsync", str(line), "--text", "hello there", "--json", str(null))
    assert done.returncode == 0, done.stderr
    assert stat.S_ISCHR(os.stat(null).st_mode)  # still the device
    assert os.listdir(tmp_path) == ["null"]  # no temporary left beside it


def test_a_named_pipe_is_written_through(tmp_path, line):
    fifo = tmp_path / "cues.json"
    os.mkfifo(fifo)
    received = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()))
    reader.start()
    done = metastudio("lipsync", str(line), "--text", "hello there", "--json", str(fifo))
    reader.join(60)
    assert done.returncode == 0, done.stderr
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)
    assert b'"mouthCues"' in received[0]


def test_a_link_keeps_pointing_at_its_target_which_gets_the_output(tmp_path, line):
    target = tmp_path / "real.json"
    target.write_text("old")
    link = tmp_path / "cues.json"
    link.symlink_to(target)
    done = metastudio("lipsync", str(line), "--text", "hello there", "--json", str(link))
    assert done.returncode == 0, done.stderr
    assert link.is_symlink() and os.readlink(link) == str(target)
    assert '"mouthCues"' in target.read_text()


def test_new_files_get_the_umask_mode_and_dash_is_stdout(tmp_path):
    done = metastudio("voice", "say", "hi", "--out", str(tmp_path / "hi.wav"))
    assert done.returncode == 0, done.stderr
    mask = os.umask(0)
    os.umask(mask)
    assert stat.S_IMODE(os.stat(tmp_path / "hi.wav").st_mode) == 0o666 & ~mask
    done = metastudio("voice", "say", "hi", "--out", "-", cwd=tmp_path)
    assert done.returncode == 0 and done.stdout.startswith(b"RIFF")
    assert not (tmp_path / "-").exists()


def test_a_missing_folder_is_named_not_made(tmp_path):
    missing = tmp_path / "no_such_folder"
    done = metastudio("voice", "say", "hi", "--out", str(missing / "x.wav"))
    assert done.returncode == 2
    assert f"error: out: the folder {missing} does not exist" in done.stderr.decode()
    assert not missing.exists()


def test_a_closed_pipe_ends_quietly():
    done = subprocess.run(f"{sys.executable} -m metastudio_farm.cli voice list | head -1",
                          shell=True, capture_output=True, text=True, timeout=120)
    assert done.stdout.strip() and done.stderr == ""


@pytest.mark.parametrize("args,message", [
    (["--fps", "-5"], "error: fps: give frames per second above 0"),
    (["--fps", "0"], "error: fps: give frames per second above 0"),
    (["--fps", "nan"], "error: fps: give frames per second above 0"),
    (["--text-file", "{line}"], "is not UTF-8 text"),
])
def test_bad_lipsync_input_is_one_line(line, args, message):
    args = [a.replace("{line}", str(line)) for a in args]
    done = metastudio("lipsync", str(line), *args)
    assert done.returncode == 2 and message in done.stderr.decode(), done.stderr
    assert b"Traceback" not in done.stderr


def test_a_blend_given_as_a_scene_script_is_one_line(tmp_path):
    blend = tmp_path / "quick.blend"
    blend.write_bytes(b"BLENDER17-01v0500\xff\xfe\x00" + bytes(range(256)))
    done = metastudio("scene", str(blend))
    assert done.returncode == 2 and b"Traceback" not in done.stderr
    assert "is not a scene script" in done.stderr.decode()


def test_a_garbage_elevation_map_is_read_before_it_is_accepted(tmp_path):
    garbage = tmp_path / "heights.npy"
    garbage.write_bytes(b"not numpy at all")
    done = metastudio("background", "a valley", "--elevation-map", str(garbage),
                      "--json", str(tmp_path / "out.json"))
    assert done.returncode == 2 and "elevation_map:" in done.stderr.decode(), done.stderr
    assert not (tmp_path / "out.json").exists()


def test_write_file_refuses_a_folder_and_leaves_no_temporary(tmp_path):
    (tmp_path / "taken").mkdir()
    with pytest.raises(OutputError, match="is a folder"):
        write_file(tmp_path / "taken", b"x")
    write_file(tmp_path / "new" / "deep.txt", b"x", make_parents=True)
    assert (tmp_path / "new" / "deep.txt").read_bytes() == b"x"
    assert sorted(p.name for p in (tmp_path / "new").iterdir()) == ["deep.txt"]
