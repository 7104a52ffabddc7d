"""A folder of clips tracked as one job on a real local Ray: a video, a folder of frames
and a clip with nobody in it; the JSON of each good one, the failure named; a second run
does only what is missing."""

import json

import numpy as np
import pytest
from metastudio.core.service_jobs import BatchJobRequest, TrackBatch
from metastudio_farm.cli.farm import run_batch_job

from tests.tracking.conftest import panned

pytestmark = pytest.mark.usefixtures("local_ray")


def test_a_folder_of_clips_is_tracked_on_the_farm(tmp_path, monkeypatch):
    import cv2

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    clips = tmp_path / "clips"
    (clips / "frames").mkdir(parents=True)
    frames = panned(6)
    writer = cv2.VideoWriter(str(clips / "take1.avi"), cv2.VideoWriter_fourcc(*"MJPG"), 25.0,
                             (400, 480))
    for i, frame in enumerate(frames):
        writer.write(frame)
        cv2.imwrite(str(clips / "frames" / f"f_{i:03d}.png"), frame)
    writer.release()
    wall = cv2.VideoWriter(str(clips / "empty.avi"), cv2.VideoWriter_fourcc(*"MJPG"), 25.0,
                           (320, 240))
    for _ in range(3):
        wall.write(np.full((240, 320, 3), 128, np.uint8))
    wall.release()
    out = tmp_path / "tracks"
    request = BatchJobRequest(batch=TrackBatch(folder=clips), out=out)
    report = run_batch_job(request, no_service=True)
    assert report.done == 2 and report.skipped == 0
    assert "no person was found" in report.failed["empty"]
    take = json.loads((out / "take1.json").read_text())
    assert take["frames"] == 6 and all(take["found"]) and take["fps"] == 25.0
    assert json.loads((out / "frames.json").read_text())["frames"] == 6
    again = run_batch_job(request, no_service=True)
    assert (again.done, again.skipped, list(again.failed)) == (0, 2, ["empty"])
