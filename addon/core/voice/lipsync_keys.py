"""The lip-sync operator's parameters: what to sync, and how to key it on a character."""

from __future__ import annotations

from pydantic import Field, field_validator

from .keying import Preset, parse_mapping
from .lipsync import LipSyncSpec


class LipSyncKeysSpec(LipSyncSpec):
    """Lip-sync a recording onto a character's shape keys."""

    target: str = Field("", description="the object with the face's shape keys "
                                        "(empty: the active object)")
    preset: Preset = Field("metastudio", description="how its shape keys are named")
    mapping: str = Field("", description="renames, e.g. jawOpen=Jaw_Open, A=MouthClosed")
    start_frame: int | None = Field(None, ge=-1_000_000, le=1_000_000,
                                    description="the frame the line starts on "
                                                "(default: the scene's first frame)")
    strength: float = Field(1.0, ge=0.0, le=2.0, json_schema_extra={"soft_max": 1.0},
                            description="scale of every mouth shape")
    add_sound: bool = Field(True, description="add the recording as a sound strip")

    @field_validator("mapping")
    @classmethod
    def _mapping_form(cls, value: str) -> str:
        parse_mapping(value)
        return value
