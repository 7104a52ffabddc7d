from metastudio_farm.scheduling.job_store import JobStore


def test_job_lifecycle_and_resume(tmp_path):
    path = tmp_path / "jobs.sqlite"
    with JobStore(path) as store:
        store.begin_job("j1", "/s.blend", {"a": 1}, str(tmp_path), [1, 2, 3])
        store.mark_running("j1", [1, 2], "w1")
        store.mark_done("j1", 1, "w1", "f_0001.png", 0.5)
        attempts = store.record_failure("j1", 2, "w1", "boom", "log line", final=False)
        assert attempts == 1
        assert store.summary("j1").counts == {"done": 1, "pending": 2}
        store.record_failure("j1", 3, "w2", "bad", "", final=True)
        assert store.summary("j1").counts == {"done": 1, "pending": 1, "failed": 1}
        assert store.failed_attempts("j1", 2) == [("w1", "boom", "log line")]
        store.mark_running("j1", [2], "w2")  # the driver stops here, mid-frame

    # A new run of the same job: running and failed frames go back to pending, done stays.
    with JobStore(path) as store:
        store.begin_job("j1", "/s.blend", {"a": 1}, str(tmp_path), [1, 2, 3])
        frames = {f.frame: f for f in store.frames("j1")}
        assert frames[1].state == "done" and frames[1].file == "f_0001.png"
        # A re-run gives every unfinished frame a fresh set of attempts; history stays.
        assert frames[2].state == "pending" and frames[2].attempts == 0
        assert len(store.failed_attempts("j1", 2)) == 1
        assert frames[3].state == "pending" and frames[3].attempts == 0
        assert store.find_job("j").id == "j1"
        assert store.find_job("x") is None
        store.finish_job("j1", "failed", "frame 3: bad")
        assert store.jobs()[0].message == "frame 3: bad"
