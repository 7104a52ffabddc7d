"""The lipsync command as a drop-in for Rhubarb Lip Sync (`metastudio-rhubarb`, and the
same options on `metastudio lipsync`): its formats (XML read by a real XML parser), its
shapes options, its exit codes and machine-readable status, several recordings and a
folder of forty lines in one process, and a start that loads nothing it does not need."""

import json
import subprocess
import sys
import xml.etree.ElementTree as ET

import pytest
import soundfile
from metastudio.core.voice import espeak

RHUBARB = [sys.executable, "-m", "metastudio_farm.cli.rhubarb"]
METASTUDIO = [sys.executable, "-m", "metastudio_farm.cli"]
LINES = ["Please bring me the map.", "The moon is bright tonight.", "Hello there, my friend.",
         "We will meet at five.", "Bob made a big blue boat."]


def run(command, *args, timeout=300):
    return subprocess.run([*command, *map(str, args)], capture_output=True, text=True,
                          timeout=timeout)


@pytest.fixture(scope="module")
def line(tmp_path_factory):
    folder = tmp_path_factory.mktemp("line")
    speech = espeak.synthesize(LINES[0])
    soundfile.write(folder / "map.wav", speech.samples, speech.rate)
    (folder / "map.txt").write_text(LINES[0])
    return folder / "map.wav"


def test_rhubarbs_xml_tsv_and_dat_with_its_defaults(line, tmp_path):
    done = run(RHUBARB, "-f", "xml", "-o", tmp_path / "map.xml", "--dialogFile",
               line.with_suffix(".txt"), line)
    assert done.returncode == 0, done.stderr
    root = ET.parse(tmp_path / "map.xml").getroot()
    assert root.tag == "rhubarbResult"
    assert root.find("metadata/soundFile").text == str(line)
    cues = [(float(c.get("start")), float(c.get("end")), c.text)
            for c in root.find("mouthCues")]
    assert cues[0][0] == 0.0 and cues[-1][1] == float(root.find("metadata/duration").text)
    assert all(a[1] == b[0] for a, b in zip(cues, cues[1:], strict=False))  # contiguous
    assert [c[2] for c in cues].count("A") >= 3  # b(ring), m(e), m(a)p
    # Rhubarb's default: TSV on stdout; the six basic shapes only when asked.
    tsv = run(RHUBARB, "--extendedShapes", "", "-q", line)
    assert tsv.returncode == 0 and tsv.stderr == ""
    letters = [row.split("\t")[1] for row in tsv.stdout.splitlines()]
    assert letters[-1] == "A" and not set(letters) & set("GHX")
    dialog = line.with_suffix(".txt")
    dat = run(RHUBARB, "-f", "dat", "--datFrameRate", "30", "-d", dialog, line)
    named = run(RHUBARB, "-f", "dat", "--datUsePrestonBlair", "-d", dialog, line)
    # Letters unless Preston Blair's names are asked for; frames at the rate given.
    shapes = [row.split(" ")[1] for row in dat.stdout.splitlines()[1:]]
    assert dat.stdout.startswith("MohoSwitch1\n1 ") and set(shapes) <= set("ABCDEFGHX")
    assert int(dat.stdout.splitlines()[-1].split(" ")[0]) == 1 + int(30 * cues[-1][0])
    names = [row.split(" ")[1] for row in named.stdout.splitlines()[1:]]
    assert "MBP" in names and set(names) <= {"MBP", "etc", "E", "AI", "O", "U", "FV", "L",
                                             "rest"}


def test_rhubarbs_exit_codes_and_machine_readable_status(line, tmp_path):
    missing = run(RHUBARB, "--machineReadable", tmp_path / "nope.wav")
    assert missing.returncode == 1
    events = [json.loads(row) for row in missing.stderr.splitlines()]
    assert events[0]["type"] == "start" and events[-1]["type"] == "failure"
    assert "file not found" in events[-1]["reason"]
    good = run(RHUBARB, "--machineReadable", "-f", "json", line)
    events = [json.loads(row) for row in good.stderr.splitlines()]
    assert good.returncode == 0 and events[-1]["type"] == "success"
    assert [e["value"] for e in events if e["type"] == "progress"][-1] == 1.0
    assert json.loads(good.stdout)["mouthCues"]
    assert run(RHUBARB, "--exportFormat", "pdf", line).returncode == 1  # bad option
    assert run(RHUBARB, "--version").stdout.startswith("metastudio lipsync")


def test_several_recordings_and_a_folder_of_forty_lines_in_one_call(tmp_path):
    folder = tmp_path / "lines"
    folder.mkdir()
    for k in range(40):
        text = LINES[k % len(LINES)]
        speech = espeak.synthesize(text)
        soundfile.write(folder / f"line{k:02d}.wav", speech.samples, speech.rate)
        if k % 2 == 0:
            (folder / f"line{k:02d}.txt").write_text(text)
    out = tmp_path / "out"
    done = run(METASTUDIO, "lipsync", folder, "--out", out, "-f", "xml", timeout=900)
    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in out.iterdir()) == [f"line{k:02d}.xml" for k in range(40)]
    assert "40 lines lip-synced, 0 already done" in done.stderr
    again = run(METASTUDIO, "lipsync", folder, "--out", out, "-f", "xml")
    assert "0 lines lip-synced, 40 already done" in again.stderr
    picked = run(METASTUDIO, "lipsync", folder / "line00.wav", folder / "line01.wav",
                 "--out", tmp_path / "two", "--formats", "json,tsv")
    assert picked.returncode == 0, picked.stderr
    assert sorted(p.name for p in (tmp_path / "two").iterdir()) == [
        "line00.json", "line00.tsv", "line01.json", "line01.tsv"]
    (tmp_path / "line00.wav").write_bytes((folder / "line00.wav").read_bytes())
    clash = run(METASTUDIO, "lipsync", folder / "line00.wav", tmp_path / "line00.wav",
                "--out", tmp_path / "three")  # both would write three/line00.json
    assert clash.returncode == 2 and "would both write line00.*" in clash.stderr
    assert not (tmp_path / "three").exists()


def test_the_command_starts_without_the_farm_ray_or_pydantic():
    probe = ("import sys\nfrom metastudio_farm.cli import main\n"
             "try:\n    main(['lipsync', '--help'])\nexcept SystemExit:\n    pass\n"
             "print(sorted(m for m in ('ray', 'bpy', 'pydantic', 'numpy') "
             "if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert done.returncode == 0 and done.stdout.splitlines()[-1] == "[]", done.stdout
