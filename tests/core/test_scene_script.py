"""Scene scripts without Blender: the example validates, errors name the script's line,
the timeline and the camera's cuts follow the dialogue, the schema is exported."""

import json
from pathlib import Path

import pytest
from metastudio.core.errors import JobSpecError
from metastudio.core.scene_script import (
    json_schema,
    key_lines,
    load_script,
    shots,
    timeline,
)

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = """\
title = "test"

[background]
description = "a marsh at night"

[[cast]]
name = "Ada"
voice = "en-gb"

[[cast]]
name = "Ben"

[[dialogue]]
who = "Ada"
text = "Hello."

[[dialogue]]
who = "Ben"
text = "Hi there."
"""


def write(tmp_path, text: str) -> Path:
    path = tmp_path / "scene.toml"
    path.write_text(text)
    return path


def test_the_shipped_example_and_schema_are_valid():
    script = load_script(ROOT / "examples" / "lakeside.toml")
    assert [m.name for m in script.cast] == ["Ada", "Ben"] and len(script.dialogue) == 3
    lesson = load_script(ROOT / "examples" / "classroom.toml")
    assert [m.name for m in lesson.cast] == ["Mina", "Jun", "Sora"]
    assert "classroom" in lesson.background.description
    shipped = json.loads((ROOT / "examples" / "scene.schema.json").read_text())
    assert shipped == json_schema()  # regenerate: metastudio scene --schema


@pytest.mark.parametrize("change, message", [
    (("[[dialogue]]\nwho = \"Ben\"", "[[dialogue]]\nwho = \"Cy\""),
     "scene.toml:18: dialogue[1].who: 'Cy' is not in the cast (Ada, Ben)"),
    (("voice = \"en-gb\"", "voice = \"en-gb\"\ncolour = \"red\""),
     "scene.toml:9: cast[0].colour: Extra inputs are not permitted"),
    (("text = \"Hello.\"", "audio = \"lines/missing.wav\""),
     "scene.toml:15: dialogue[0].audio: recording not found: "),
    (("text = \"Hello.\"", "text = \"\""),
     "scene.toml:13: dialogue[0]: give the line's text, or a recording in audio"),
    (("name = \"Ben\"", "name = \"Ada\""),
     "scene.toml:11: cast[1].name: 'Ada' is in the cast twice"),
    (("title = \"test\"", "title = \"test\"\n[output]\nfps = 0"),
     "scene.toml:3: output.fps: Input should be greater than or equal to 1"),
])
def test_errors_name_the_scripts_line(tmp_path, change, message):
    old, new = change
    with pytest.raises(JobSpecError) as error:
        load_script(write(tmp_path, SCRIPT.replace(old, new, 1)))
    assert str(error.value).startswith(message), str(error.value)


def test_broken_toml_and_missing_files_are_named(tmp_path):
    with pytest.raises(JobSpecError, match=r"scene\.toml: .*line 1"):
        load_script(write(tmp_path, "title = \n"))
    with pytest.raises(JobSpecError, match="script: cannot read .*nothing.toml"):
        load_script(tmp_path / "nothing.toml")


def test_recordings_are_found_beside_the_script(tmp_path):
    (tmp_path / "lines").mkdir()
    (tmp_path / "lines" / "hello.wav").write_bytes(b"RIFF")
    script = load_script(write(tmp_path, SCRIPT.replace(
        "text = \"Hello.\"", "text = \"Hello.\"\naudio = \"lines/hello.wav\"")))
    assert script.dialogue[0].audio == (tmp_path / "lines" / "hello.wav").resolve()


def test_key_lines_follow_tables_and_arrays_of_tables():
    lines = key_lines(SCRIPT)
    assert lines[("title",)] == 1 and lines[("background", "description")] == 4
    assert lines[("cast", 1)] == 10 and lines[("dialogue", 1, "text")] == 19


def test_timeline_and_cuts_follow_the_speakers(tmp_path):
    script = load_script(write(tmp_path, SCRIPT + '\n[[dialogue]]\nwho = "Ben"\n'
                               'text = "Again."\npause = 1.0\n'))
    lines, length = timeline(script, [1.0, 2.0, 0.5])
    assert [(t.who, t.start, t.end) for t in lines] == [
        ("Ada", 0.5, 1.5), ("Ben", 1.9, 3.9), ("Ben", 4.3, 4.8)]
    assert length == pytest.approx(5.3)  # the last line's pause is not waited for
    cuts = shots(script, lines, length)
    assert [(s.start, s.end, s.framing, s.subject) for s in cuts] == [
        (0.0, 1.9, "wide", None), (1.9, 5.3, "closeup", "Ben")]
    script.camera.framing = "medium"
    assert [(s.framing, s.subject) for s in shots(script, lines, length)] == [
        ("medium", "Ada")]


def test_cast_names_may_be_korean(tmp_path):
    text = SCRIPT.replace('"Ada"', '"민지"').replace('"Ben"', '"할아버지"').replace(
        'description = "a marsh at night"', 'description = "밤의 늪지대"')
    script = load_script(write(tmp_path, text))
    assert [m.name for m in script.cast] == ["민지", "할아버지"]
    assert [line.who for line in script.dialogue] == ["민지", "할아버지"]
    with pytest.raises(JobSpecError, match="cast\\[0\\].name"):
        load_script(write(tmp_path, SCRIPT.replace('"Ada"', '"1Ada"')))
