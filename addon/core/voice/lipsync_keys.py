"""The lip-sync operator's parameters: what to sync, and how to key it on a character."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, Field, field_validator

from .keying import Preset, parse_mapping
from .lipsync import LipSyncSpec
from .tts import VoiceSpec


class KeyingSpec(BaseModel):
    """Where and how mouth shapes are keyed on a character."""

    target: str = Field("", description="the face mesh with shape keys, or the rig "
                                        "(empty: the active object)")
    bone: str = Field("", description="on a rig: the bone whose custom properties (one "
                                      "per shape, made if missing) drive the mouth")
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


class LipSyncKeysSpec(KeyingSpec, LipSyncSpec):
    """Lip-sync a recording onto a character's shape keys."""


class SpeakKeysSpec(KeyingSpec, VoiceSpec):
    """Speak a line with eSpeak NG and key its mouth shapes on a character."""

    out: Path | None = Field(None, description="where to write the WAV (default: a "
                                               "voices/ folder beside the .blend)")
