"""What a write killed half-way leaves is found (to be removed on a restart), and nothing
else: not the results, not a link, not a write still going on."""

import os
import time

from metastudio.core.safe_output import leftovers, write_file


def test_only_old_temporaries_of_writes_are_leftovers(tmp_path):
    write_file(tmp_path / "frame_0001.png", b"done")
    killed = tmp_path / ".frame_0002.png.k3j9xq2a.part"
    killed.write_bytes(b"half")
    old = time.time() - 60
    os.utime(killed, (old, old))
    (tmp_path / ".notes.part").symlink_to(tmp_path / "frame_0001.png")
    os.utime(tmp_path / ".notes.part", (old, old), follow_symlinks=False)
    started = time.time() - 5
    live = tmp_path / ".frame_0003.png.a8d7f6g5.part"
    live.write_bytes(b"being written")  # after the service started: someone's live write
    assert leftovers(tmp_path, started) == [killed]
    assert (tmp_path / "frame_0001.png").read_bytes() == b"done"
