import enum
from pathlib import Path
from typing import Literal

import pytest
from metastudio.core.fields import Color, UnsupportedFieldError, describe_model
from metastudio.core.render_job import RenderJob
from pydantic import BaseModel, Field


class Mood(enum.Enum):
    CALM = "calm"
    STORMY = "stormy"


class Light(BaseModel):
    strength: float = Field(3.0, ge=0, le=1000, json_schema_extra={"soft_max": 10})
    colour: Color = (1.0, 0.9, 0.8)


class Everything(BaseModel):
    count: int = Field(4, gt=0, lt=100, description="how many")
    ratio: float = Field(0.5, gt=0, le=1)
    enabled: bool = True
    title: str = "hello"
    source: Path = Path("x.wav")
    folder: Path | None = Field(None, json_schema_extra={"subtype": "DIR_PATH"})
    quality: Literal["draft", "final"] = "draft"
    mood: Mood = Mood.STORMY
    size: tuple[int, int] = (64, 32)
    samples: int | None = Field(None, ge=1)
    light: Light = Field(default_factory=Light)
    trees: list[Literal["pine", "oak", "palm"]] | None = None


def by_name(specs):
    return {spec.name: spec for spec in specs}


def test_every_kind_of_field_is_described():
    specs = by_name(describe_model(Everything))
    assert list(specs) == list(Everything.model_fields)
    count = specs["count"]
    assert (count.kind, count.minimum, count.maximum, count.default) == ("int", 1, 99, 4)
    assert count.description == "how many" and count.label == "Count"
    assert (specs["ratio"].kind, specs["ratio"].minimum, specs["ratio"].maximum) == (
        "float", 0, 1)  # an exclusive float bound stays put; the model rejects 0 itself
    assert specs["enabled"].kind == "bool" and specs["title"].kind == "str"
    assert (specs["source"].kind, specs["source"].subtype) == ("path", "FILE_PATH")
    folder = specs["folder"]
    assert (folder.kind, folder.subtype, folder.optional) == ("path", "DIR_PATH", True)
    assert specs["quality"].items == [("draft", "Draft"), ("final", "Final")]
    mood = specs["mood"]
    assert mood.items == [("calm", "Calm"), ("stormy", "Stormy")] and mood.default == "stormy"
    size = specs["size"]
    assert (size.kind, size.size, size.element, size.default) == ("vector", 2, "int", (64, 32))
    samples = specs["samples"]
    assert samples.optional and samples.kind == "int" and samples.minimum == 1
    trees = specs["trees"]
    assert (trees.kind, trees.optional, [v for v, _ in trees.items]) == (
        "enum_set", True, ["pine", "oak", "palm"])
    light = specs["light"]
    assert light.kind == "model" and light.model is Light
    inner = by_name(light.children)
    assert inner["strength"].soft_maximum == 10 and inner["strength"].maximum == 1000
    colour = inner["colour"]
    assert (colour.kind, colour.subtype, colour.size, colour.minimum, colour.maximum) == (
        "vector", "COLOR", 3, 0.0, 1.0)


def test_the_render_job_itself_is_describable():
    specs = by_name(describe_model(RenderJob))
    assert specs["scene"].kind == "path" and specs["frames"].optional
    resources = by_name(specs["resources"].children)
    assert resources["frame_timeout"].minimum == 0 and resources["frame_timeout"].optional
    assert resources["max_attempts"].minimum == 1 and resources["max_attempts"].maximum == 100
    overrides = by_name(specs["overrides"].children)
    assert overrides["engine"].optional and ("CYCLES", "Cycles") in overrides["engine"].items


def test_unsupported_types_are_named():
    class Bad(BaseModel):
        tags: list[str] = []

    with pytest.raises(UnsupportedFieldError, match="tags"):
        describe_model(Bad)

    class Mixed(BaseModel):
        value: int | str = 1

    with pytest.raises(UnsupportedFieldError, match="unions"):
        describe_model(Mixed)


def test_hidden_fields_are_left_out_and_keep_their_defaults():
    names = [spec.name for spec in describe_model(RenderJob)]
    assert "steps" not in names and "scene" in names and "resources" in names
