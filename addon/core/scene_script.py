"""A scene script: a short scene in TOML (the background, the cast, who says what, the
camera, the output), validated by one pydantic model; errors name the script's line.
Also the timeline a script makes once its lines' lengths are known: when each line
starts and ends, and the camera's shots. No bpy."""

from __future__ import annotations

import json
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from .background.spec import BackgroundSpec
from .character.spec import CharacterSpec
from .errors import JobSpecError
from .path_guard import check_allowed

Framing = Literal["wide", "medium", "closeup"]
Quality = Literal["draft", "preview", "final"]
# A letter of any script first (cast names may be Korean: 민지, 할머니), then letters,
# digits, spaces, "_" or "-".
_NAME = r"^[^\W\d_][\w -]{0,39}$"


class CastMember(BaseModel):
    """One character: who they are (a description, as Make Character reads it) and their
    voice (an eSpeak NG voice, its speed and pitch)."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(pattern=_NAME, description="how the dialogue names them")
    description: str = Field("", max_length=2000, description="who they are, in words")
    character: CharacterSpec | None = Field(
        None, description="fields set by hand (they win over the description)")
    voice: str = Field("en-us", max_length=32, description="an eSpeak NG voice: en-us, "
                                                            "en-gb, ko, ja, ...")
    speed: int = Field(160, ge=80, le=450, description="words per minute")
    pitch: int = Field(50, ge=0, le=99, description="base pitch")
    tracking: Path | None = Field(None, description="a video of a performer that drives "
                                                    "this character's body")


class Line(BaseModel):
    """One line of dialogue: spoken by eSpeak from `text`, or a recording (`audio`, its
    transcript in `text` if known)."""

    model_config = ConfigDict(extra="forbid")

    who: str = Field(description="a cast member's name")
    text: str = Field("", max_length=2000, description="what is said")
    audio: Path | None = Field(None, description="a recording to use instead of speech "
                                                 "synthesis (relative to the script)")
    pause: float = Field(0.4, ge=0, le=30, description="seconds of silence after the line")

    @model_validator(mode="after")
    def _something_to_say(self) -> Line:
        if not self.text.strip() and self.audio is None:
            raise ValueError("give the line's text, or a recording in audio")
        return self


class CameraPart(BaseModel):
    """How the scene is shot."""

    model_config = ConfigDict(extra="forbid")

    framing: Literal["auto", "wide", "medium", "closeup"] = Field(
        "auto", description="auto: a wide opening, then the speaker in close-up, cutting "
                            "when the speaker changes")
    lens: float = Field(50.0, ge=10, le=300, description="focal length in mm")
    f_stop: float | None = Field(
        None, ge=0.7, le=64, description="depth of field: the aperture (2.8 blurs what is "
                                         "behind a close-up's face); unset, all is sharp")


class OutputPart(BaseModel):
    """What is rendered."""

    model_config = ConfigDict(extra="forbid")

    resolution: tuple[int, int] = Field((1280, 720), description="width and height")
    fps: int = Field(24, ge=1, le=120, description="frames per second")
    quality: Quality = Field("preview", description="draft: quick and soft (denoised); "
                             "final: clean")
    lead_in: float = Field(0.5, ge=0, le=30, description="seconds before the first line")
    tail: float = Field(0.5, ge=0, le=30, description="seconds after the last line")

    @model_validator(mode="after")
    def _sizes(self) -> OutputPart:
        if not all(16 <= side <= 8192 for side in self.resolution):
            raise ValueError("resolution: each side must be 16 to 8192 pixels")
        return self


class SceneScript(BaseModel):
    """A short scene: a background, a cast, their dialogue, the camera and the output."""

    model_config = ConfigDict(extra="forbid")

    title: str = Field("scene", max_length=200)
    background: BackgroundSpec = Field(default_factory=BackgroundSpec)
    cast: list[CastMember] = Field(min_length=1, max_length=8)
    dialogue: list[Line] = Field(min_length=1, max_length=500)
    camera: CameraPart = Field(default_factory=CameraPart)
    output: OutputPart = Field(default_factory=OutputPart)

    @model_validator(mode="after")
    def _names(self) -> SceneScript:
        names = [member.name for member in self.cast]
        for index, member in enumerate(self.cast):
            if names.index(member.name) != index:
                raise _At(("cast", index, "name"), f"{member.name!r} is in the cast twice")
        for index, line in enumerate(self.dialogue):
            if line.who not in names:
                raise _At(("dialogue", index, "who"),
                          f"{line.who!r} is not in the cast ({', '.join(names)})")
        return self

    def member(self, name: str) -> CastMember:
        return next(m for m in self.cast if m.name == name)


class _At(ValueError):
    """A check across fields that knows which field it is about."""

    def __init__(self, loc: tuple, message: str) -> None:
        super().__init__(message)
        self.loc = loc


class SceneFileSpec(BaseModel):
    """The Make Scene operator's parameters: which script to build."""

    model_config = ConfigDict(extra="forbid")

    script: Path = Field(json_schema_extra={"subtype": "FILE_PATH"},
                         description="the scene script (.toml)")


class ClipSpec(BaseModel):
    """The Render Clip operator's parameters."""

    model_config = ConfigDict(extra="forbid")

    out: Path | None = Field(None, json_schema_extra={"subtype": "DIR_PATH"},
                             description="folder for the frames and the video (default: "
                                         "beside the .blend)")


def json_schema() -> dict:
    """The scene script's JSON schema (for editors: Taplo, Even Better TOML)."""
    schema = SceneScript.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "metastudio scene script"
    return schema


def load_script(path: Path) -> SceneScript:
    """Read and validate a scene script; JobSpecError naming the file, line and field.
    Relative recording and clip paths are resolved against the script's folder, and a
    recording that does not exist is refused here."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise JobSpecError(f"script: cannot read {path}: {exc.strerror}") from None
    except UnicodeDecodeError:
        hint = (" (a built scene renders with `metastudio clip`)"
                if path.suffix.lower() == ".blend" else "")
        raise JobSpecError(f"script: {path} is not a scene script (TOML text){hint}") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise JobSpecError(f"{path.name}: {exc}") from None
    lines = key_lines(text)
    try:
        script = SceneScript.model_validate(data)
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            loc = tuple(err["loc"])
            context = err.get("ctx", {}).get("error")
            if isinstance(context, _At):
                loc = context.loc
            message = err["msg"].removeprefix("Value error, ")
            problems.append(f"{_where(path, lines, loc)}: {_dotted(loc)}: {message}")
        raise JobSpecError("; ".join(problems)) from None
    folder = path.resolve().parent
    for index, line in enumerate(script.dialogue):
        if line.audio is not None:
            line.audio = _beside(folder, line.audio, Path.is_file, "recording",
                                 path, lines, ("dialogue", index, "audio"))
    for index, member in enumerate(script.cast):
        if member.tracking is not None:
            member.tracking = _beside(folder, member.tracking, Path.exists, "clip",
                                      path, lines, ("cast", index, "tracking"))
    return script


def _beside(folder: Path, given: Path, present, what: str, path: Path,
            lines: dict[tuple, int], loc: tuple) -> Path:
    """A file the script names, found from the script's folder; JobSpecError naming the
    line when it is not there."""
    found = (folder / given).resolve()
    try:
        check_allowed(found)
    except ValueError as exc:
        raise JobSpecError(f"{_where(path, lines, loc)}: {_dotted(loc)}: {exc}") from None
    if not present(found):
        raise JobSpecError(f"{_where(path, lines, loc)}: {_dotted(loc)}: {what} not found: "
                           f"{found}")
    return found


def _dotted(loc: tuple) -> str:
    parts = []
    for part in loc:
        if isinstance(part, int) and parts:
            parts[-1] += f"[{part}]"
        else:
            parts.append(str(part))
    return ".".join(parts) or "script"


def _where(path: Path, lines: dict[tuple, int], loc: tuple) -> str:
    """`file:line` of the deepest part of `loc` the script spells out."""
    for end in range(len(loc), 0, -1):
        for key in (loc[:end], (*loc[:end], 0)):  # an array of tables: its first header
            if key in lines:
                return f"{path.name}:{lines[key]}"
    return path.name


_HEADER = re.compile(r"^\s*(\[\[?)\s*([A-Za-z0-9_.\-\" ]+?)\s*\]\]?\s*(#.*)?$")
_KEY = re.compile(r"^\s*([A-Za-z0-9_\-\"]+)\s*=")


def key_lines(text: str) -> dict[tuple, int]:
    """Where each table and key of a TOML text is written: ("dialogue", 2, "who") -> the
    line number. Enough for the scripts people write (tables, arrays of tables, keys);
    a key inside an inline table gets the line of the key that holds it."""
    lines: dict[tuple, int] = {}
    counts: dict[tuple, int] = {}
    table: tuple = ()
    for number, raw in enumerate(text.splitlines(), start=1):
        header = _HEADER.match(raw)
        if header and not raw.lstrip().startswith("#"):
            names = tuple(p.strip().strip('"') for p in header.group(2).split("."))
            if header.group(1) == "[[":
                index = counts.get(names, -1) + 1
                counts[names] = index
                table = (*names, index)
            else:
                table = names
            lines.setdefault(table, number)
            continue
        key = _KEY.match(raw)
        if key:
            lines.setdefault((*table, key.group(1).strip('"')), number)
    return lines


@dataclass
class TimedLine:
    """A line of the dialogue placed in time (seconds from the scene's start)."""

    index: int
    who: str
    start: float
    end: float


@dataclass
class Shot:
    """A camera shot: from `start` to `end` seconds, framing `subject` (None: everyone)."""

    start: float
    end: float
    framing: Framing
    subject: str | None


def timeline(script: SceneScript, durations: list[float]) -> tuple[list[TimedLine], float]:
    """Each line's start and end given each line's length in seconds, and the scene's
    whole length (lead-in, lines with their pauses, tail)."""
    if len(durations) != len(script.dialogue):
        raise ValueError("one duration per line")
    at = script.output.lead_in
    timed = []
    for index, (line, seconds) in enumerate(zip(script.dialogue, durations, strict=True)):
        timed.append(TimedLine(index, line.who, at, at + seconds))
        at += seconds + (line.pause if index < len(durations) - 1 else 0.0)
    return timed, at + script.output.tail


def shots(script: SceneScript, lines: list[TimedLine], length: float) -> list[Shot]:
    """The camera's shots. A fixed framing holds for the whole scene (a medium or
    close-up shot frames the first speaker); auto opens wide until the first line ends,
    then cuts to whoever speaks, at the start of their line, and holds between lines."""
    framing = script.camera.framing
    if framing != "auto":
        subject = None if framing == "wide" else lines[0].who
        return [Shot(0.0, length, framing, subject)]
    result = [Shot(0.0, lines[0].end, "wide", None)]
    for line in lines[1:]:
        if result[-1].subject == line.who:
            continue
        result[-1].end = line.start
        result.append(Shot(line.start, length, "closeup", line.who))
    result[-1].end = length
    return result


def schema_text() -> str:
    """The JSON schema as text, as `metastudio scene --schema` prints it."""
    return json.dumps(json_schema(), indent=2) + "\n"
