"""The render job: one pydantic model shared by the command line, Blender and the farm."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from .blendfile import check_blend_file
from .errors import JobSpecError, SceneError
from .fields import HIDDEN
from .frames import parse_frames
from .operator_steps import OperatorStep
from .path_guard import check_allowed

Engine = Literal["CYCLES", "BLENDER_EEVEE", "BLENDER_WORKBENCH"]
FileFormat = Literal["PNG", "JPEG", "OPEN_EXR", "OPEN_EXR_MULTILAYER", "TIFF", "BMP"]

_RESOLUTION = re.compile(r"^\s*(\d+)\s*[xX*]\s*(\d+)\s*$")


class RenderOverrides(BaseModel):
    """Settings that replace the scene's own for this job; None keeps the scene's value."""

    model_config = ConfigDict(extra="forbid")

    engine: Engine | None = None
    samples: int | None = Field(None, ge=1, le=1_000_000, description="Cycles/EEVEE samples")
    resolution: tuple[int, int] | None = Field(None, description="width x height in pixels")
    file_format: FileFormat | None = None
    persistent_data: bool = Field(
        True, description="keep render data between frames (faster for many frames)")

    @field_validator("resolution", mode="before")
    @classmethod
    def _parse_resolution(cls, value):
        if isinstance(value, str):
            match = _RESOLUTION.match(value)
            if not match:
                raise ValueError(f"write it as WIDTHxHEIGHT, e.g. 1920x1080, not {value!r}")
            return int(match.group(1)), int(match.group(2))
        return value

    @field_validator("resolution")
    @classmethod
    def _check_resolution(cls, value):
        if value is not None and not all(4 <= side <= 65536 for side in value):
            raise ValueError(f"each side must be 4 to 65536 pixels, got {value[0]}x{value[1]}")
        return value


class OutputSpec(BaseModel):
    """Where frames go. Without a directory, the scene's own output path is used."""

    model_config = ConfigDict(extra="forbid")

    directory: Path | None = Field(None, json_schema_extra={"subtype": "DIR_PATH"},
                                   description="folder for the frames")

    @field_validator("directory")
    @classmethod
    def _not_a_file(cls, value: Path | None):
        if value is None:
            return None
        check_allowed(value)
        value = value.expanduser().resolve()
        if value.exists() and not value.is_dir():
            raise ValueError(f"{value} is a file, not a folder")
        for parent in value.parents:
            if parent.exists():
                if not parent.is_dir():
                    raise ValueError(f"{parent} is a file, so {value} cannot be created")
                break
        return value


class Resources(BaseModel):
    """Where and how wide the job runs. These never change the frames it produces."""

    model_config = ConfigDict(extra="forbid")

    address: str | None = Field(None, description="Ray cluster address (HOST:PORT, "
                                "ray://HOST:PORT or auto); None starts a local one")
    workers: int | None = Field(None, ge=1, le=4096, description="at most this many workers")
    chunk: int = Field(1, ge=1, le=10_000, description="frames handed to a worker at once")
    cpus_per_worker: int | None = Field(
        None, ge=1, le=1024,
        description="cores per worker on CPU-only nodes; None: one worker per node, all cores")
    use_gpu: bool = Field(True, description="one worker per GPU where GPUs exist")
    shared_storage: bool = Field(
        False, description="workers read the scene and write frames on a shared filesystem")
    frame_timeout: float | None = Field(
        None, gt=0, description="seconds before a frame counts as hung and is retried")
    max_attempts: int = Field(3, ge=1, le=100, description="attempts before a frame fails")

    @field_validator("address")
    @classmethod
    def _address_form(cls, value: str | None) -> str | None:
        return check_address(value)


def check_address(value: str | None) -> str | None:
    """A Ray address as HOST:PORT, ray://HOST:PORT or "auto" (blank means none)."""
    if value is None or not value.strip():
        return None
    value = value.strip()
    if value == "auto":
        return value
    host, _, port = value.removeprefix("ray://").rpartition(":")
    if not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise ValueError(f"{value!r} is not HOST:PORT (e.g. 10.0.0.5:6379, "
                         "ray://10.0.0.5:10001 or auto)")
    return value


class RenderSettings(BaseModel):
    """Everything about a render job but the scene: what Blender's Farm panel holds, since
    there the scene is the open file."""

    model_config = ConfigDict(extra="forbid")

    frames: str | None = Field(None, description="e.g. 1-24 or 1,5,9; None: the scene's range")
    step: int = Field(1, ge=1, description="render every Nth frame of each range")
    overrides: RenderOverrides = Field(default_factory=RenderOverrides)
    output: OutputSpec = Field(default_factory=OutputSpec)
    resources: Resources = Field(default_factory=Resources)

    @field_validator("frames")
    @classmethod
    def _frames_parse(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                parse_frames(value)
            except JobSpecError as exc:
                raise ValueError(str(exc).removeprefix("frames: ")) from None
        return value

    def job_for(self, scene: Path) -> RenderJob:
        """The render job of these settings for `scene` (validated)."""
        return RenderJob.model_validate({**self.model_dump(), "scene": scene})


class RenderJob(RenderSettings):
    """A .blend, the frames to render, what to override, where to write, and on what."""

    scene: Path
    steps: list[OperatorStep] = Field(
        default_factory=list, json_schema_extra={"ui": HIDDEN},
        description="metastudio operators run on the scene, in order, before rendering")

    @field_validator("scene")
    @classmethod
    def _scene_is_blend(cls, value: Path) -> Path:
        try:
            return check_blend_file(value)
        except SceneError as exc:
            raise ValueError(str(exc).removeprefix("scene: ")) from None

    def frame_list(self, scene_start: int, scene_end: int, scene_step: int = 1) -> list[int]:
        """The frames to render: the job's own, or the scene's range when it names none."""
        if self.frames is None:
            step = self.step if self.step != 1 else scene_step
            return parse_frames(f"{scene_start}-{scene_end}", step)
        return parse_frames(self.frames, self.step)

    def job_id(self, scene_digest: str) -> str:
        """A stable id: the same scene content with the same settings resumes the same job.

        Resources are left out on purpose: more workers or another cluster render the
        same frames, so a re-run with other resources still resumes.
        """
        identity = self.model_dump_json(include={"frames", "step", "overrides", "output", "steps"})
        digest = hashlib.sha256(f"{scene_digest}\n{self.scene}\n{identity}".encode())
        return digest.hexdigest()[:16]
