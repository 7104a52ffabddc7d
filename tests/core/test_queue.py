"""The farm's one queue (scheduling/queue.py), as the service and embedded runs use it:
states as enums, jobs taken up again under their id, results gone from disk done again,
and a queue written by the version before this one opened with nothing lost."""

import sqlite3

import pytest
from metastudio.core.job_states import FINAL_JOB_STATES, JobState, TaskState
from metastudio_farm.scheduling.queue import JobQueue


def test_states_say_which_are_final():
    assert {s.value for s in FINAL_JOB_STATES} == {"done", "failed", "canceled"}
    assert JobState.PAUSED.is_final is False and JobState("done").is_final
    assert JobState.RUNNING.is_runnable and not JobState.PAUSED.is_runnable
    assert TaskState.FAILED.is_final and not TaskState.RUNNING.is_final
    assert f"{JobState.QUEUED}" == "queued"  # written as its value, in SQL and JSON alike


def test_a_job_named_by_its_client_is_taken_up_again(tmp_path):
    queue = JobQueue(tmp_path / "q.sqlite")
    assert not queue.add_or_resume("render", "shot", {"scene": "/s.blend"}, 50, "0123456789ab")
    queue.stage("0123456789ab", str(tmp_path), [(1, "1"), (2, "2"), (3, "3")])
    queue.mark_running("0123456789ab", [1, 2, 3], "w1")
    queue.mark_done("0123456789ab", 1, "w1", "frame_0001.png", 0.5, "")
    queue.record_failure("0123456789ab", 2, "w1", "boom", "log", final=True)
    queue.set_state("0123456789ab", JobState.FAILED, "1 of 3 failed")
    row = queue.job("0123456789ab")
    assert row.state is JobState.FAILED and isinstance(row.state, JobState)

    # Submitted again: the same job, its done frame kept, its failed one given fresh
    # attempts; the one left running by a process that is gone goes back to pending.
    assert queue.add_or_resume("render", "shot", {"scene": "/s.blend"}, 50, "0123456789ab")
    assert queue.put_back_running("0123456789ab") == 1
    tasks = {t.index: t for t in queue.tasks("0123456789ab")}
    assert tasks[1].state is TaskState.DONE and tasks[1].file == "frame_0001.png"
    assert tasks[2].state is TaskState.PENDING and tasks[2].attempts == 0
    assert tasks[3].state is TaskState.PENDING
    assert queue.job("0123456789ab").state is JobState.QUEUED
    assert len(queue.jobs()) == 1

    # Staged again with frame 1's file gone: it is done again.
    queue.stage("0123456789ab", str(tmp_path), [(1, "1"), (2, "2"), (3, "3")], gone={1})
    assert queue.task("0123456789ab", 1).state is TaskState.PENDING
    queue.close()


def test_a_preview_has_a_file_or_an_error(tmp_path):
    queue = JobQueue(tmp_path / "q.sqlite")
    job = queue.add_job("render", "shot", {}, 50)
    queue.set_preview(job, error="no frames to show")
    row = queue.job(job)
    assert (row.preview, row.preview_error) == ("", "no frames to show")
    queue.set_preview(job, file=f"preview-{job}.mp4")
    assert queue.job(job).preview == f"preview-{job}.mp4" and not queue.job(job).preview_error
    queue.close()


def test_a_queue_of_the_version_before_opens_with_nothing_lost(tmp_path):
    path = tmp_path / "old.sqlite"
    old = sqlite3.connect(path)
    old.executescript("""
        CREATE TABLE jobs (id TEXT PRIMARY KEY, kind TEXT NOT NULL, name TEXT NOT NULL,
            request TEXT NOT NULL, priority INTEGER NOT NULL, state TEXT NOT NULL,
            message TEXT NOT NULL DEFAULT '', out_dir TEXT NOT NULL DEFAULT '',
            staged INTEGER NOT NULL DEFAULT 0, preview TEXT NOT NULL DEFAULT '',
            blocklist_since REAL NOT NULL DEFAULT 0, created REAL NOT NULL,
            updated REAL NOT NULL);
        INSERT INTO jobs VALUES ('aaaaaaaaaaaa', 'render', 'a', '{}', 50, 'done', '', '/o', 1,
            'failed: ffmpeg is missing', 0, 1, 1);
        INSERT INTO jobs VALUES ('bbbbbbbbbbbb', 'render', 'b', '{}', 50, 'done', '', '/o', 1,
            'preview-bbbbbbbbbbbb.mp4', 0, 1, 1);
    """)
    old.commit()
    old.close()
    queue = JobQueue(path)
    failed, made = queue.job("aaaaaaaaaaaa"), queue.job("bbbbbbbbbbbb")
    assert (failed.preview, failed.preview_error) == ("", "ffmpeg is missing")
    assert (made.preview, made.preview_error) == ("preview-bbbbbbbbbbbb.mp4", "")
    queue.close()
    JobQueue(path).close()  # opened again: already this version's


@pytest.mark.parametrize("damage", ["truncated", "pages"])
def test_status_reads_a_damaged_queue_in_one_line_and_leaves_it(tmp_path, monkeypatch, capsys,
                                                                 damage):
    # `metastudio status` skips the whole-file check (it runs during renders, often):
    # the damage is met by its reads instead, and said the same way.
    from metastudio_farm.cli.commands import main

    home = tmp_path / "home"
    monkeypatch.setenv("METASTUDIO_SERVICE_HOME", str(home))
    queue = JobQueue(home / "embedded.sqlite")
    for n in range(40):  # enough rows for the tables to span pages
        queue.add_or_resume("render", f"shot {n} " + "x" * 200, {"scene": "/s.blend"}, 50,
                            f"{n:012x}")
    queue.close()
    path = home / "embedded.sqlite"
    data = bytearray(path.read_bytes())
    if damage == "truncated":
        data = data[:len(data) // 2]
    else:
        data[4096 * 2:] = b"\xff" * (len(data) - 4096 * 2)
    path.write_bytes(bytes(data))
    before = path.read_bytes()
    assert main(["status"]) == 2
    error = capsys.readouterr().err
    assert f"error: queue: {path}" in error and f"mv {path} {path}.broken" in error, error
    assert "Traceback" not in error
    assert path.read_bytes() == before
