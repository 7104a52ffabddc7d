"""The sample shot: a ball rolling across a ground under a sun, seen by a camera.

A small scene an artist adds to try the studio and the farm, and the scene the demo,
tests and benchmarks render. No bpy here: this is the operator's parameters.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, field_validator

from .fields import Color
from .path_guard import check_allowed


class SampleShotSpec(BaseModel):
    """What the Add Sample Shot operator builds."""

    model_config = ConfigDict(extra="forbid")

    frames: int = Field(24, ge=2, le=100_000, json_schema_extra={"soft_max": 500},
                        description="frames the ball takes to roll across")
    distance: float = Field(6.0, gt=0, le=1000, json_schema_extra={"soft_max": 20},
                            description="how far the ball rolls, in metres")
    ball_color: Color = Field((0.8, 0.15, 0.1), description="colour of the ball")
    ground_texture: Path | None = Field(
        None, description="an image for the ground (kept as a relative path when it can be)")
    set_camera: bool = Field(True, description="make the shot's camera the scene camera")
    set_frame_range: bool = Field(True, description="set the scene's frames to the roll")

    @field_validator("ball_color")
    @classmethod
    def _unit_range(cls, value: tuple[float, float, float]) -> tuple[float, float, float]:
        if any(not 0.0 <= channel <= 1.0 for channel in value):
            raise ValueError("each channel must be between 0 and 1")
        return value

    @field_validator("ground_texture")
    @classmethod
    def _texture_exists(cls, value: Path | None) -> Path | None:
        if value is not None:
            check_allowed(value)
        if value is not None and not value.is_file():
            raise ValueError(f"no such image file: {value}")
        return value
