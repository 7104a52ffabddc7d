"""A folder of dialogue lines lip-synced as one job on a real local Ray."""

import json
import os
import time

import pytest
import soundfile
from metastudio.core.errors import JobSpecError
from metastudio.core.schema import build_spec
from metastudio.core.service_jobs import BatchJobRequest
from metastudio.core.voice import espeak
from metastudio_farm.cli.farm import run_batch_job

pytestmark = pytest.mark.usefixtures("local_ray")

LINES = {"a_hello": "Hello, my name is Bob.", "b_map": "Please bring me the map.",
         "c_moon": "The moon is bright tonight."}


def run_batch(folder, out, formats=("json",)):
    request = build_spec(BatchJobRequest, {"out": out, "batch": {
        "operator": "lipsync", "folder": folder, "formats": list(formats)}})
    return run_batch_job(request, no_service=True)


@pytest.fixture
def folder(tmp_path):
    lines = tmp_path / "lines"
    lines.mkdir()
    for name, text in LINES.items():
        speech = espeak.synthesize(text)
        soundfile.write(lines / f"{name}.flac", speech.samples, speech.rate)
    (lines / "a_hello.txt").write_text(LINES["a_hello"])
    (lines / "notes.md").write_text("not a recording")
    (lines / "z_broken.wav").write_bytes(b"RIFF....WAVEjunk")
    return lines


def test_a_folder_is_synced_on_the_farm_and_resumes(folder, tmp_path):
    out = tmp_path / "cues"
    report = run_batch(folder, out, ("json", "tsv"))
    assert report.done == 3 and report.skipped == 0
    assert list(report.failed) == ["z_broken.wav"]
    assert report.failed["z_broken.wav"].startswith(
        "audio: z_broken.wav is not an audio file that can be read (Error in WAV file")
    assert sorted(p.name for p in out.iterdir()) == [
        "a_hello.json", "a_hello.tsv", "b_map.json", "b_map.tsv", "c_moon.json", "c_moon.tsv"]
    cues = json.loads((out / "a_hello.json").read_text())
    assert cues["metadata"]["soundFile"] == "a_hello.flac"
    # Aligned to its transcript (a_hello.txt): m(y), m(e), B-o-b close the mouth.
    assert [c["value"] for c in cues["mouthCues"]].count("A") >= 3

    again = run_batch(folder, out, ("json", "tsv"))
    assert again.done == 0 and again.skipped == 3 and list(again.failed) == ["z_broken.wav"]
    later = time.time() + 5
    os.utime(folder / "c_moon.flac", (later, later))  # a re-recorded line
    third = run_batch(folder, out, ("json", "tsv"))
    assert third.done == 1 and third.skipped == 2


def test_bad_batches_are_refused_before_any_work(tmp_path, folder):
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(JobSpecError, match="audio: no recordings"):
        run_batch(empty, tmp_path / "out")
    with pytest.raises(JobSpecError, match="batch.lipsync.formats.0: .*'json', 'tsv', 'dat' or"
                                           " 'xml'"):
        run_batch(folder, tmp_path / "out", ("pdf",))
    afile = tmp_path / "afile"
    afile.write_text("x")
    with pytest.raises(JobSpecError, match="out: .* is a file"):
        run_batch(folder, afile)
    assert not (tmp_path / "out").exists()
