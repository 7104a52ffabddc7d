"""Text to speech with eSpeak NG, lip-synced from the synthesiser's own phoneme timing."""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from . import espeak
from .mouth import MouthCue, MouthRules, mouth_cues
from .speech_phones import speech_phones


class VoiceSpec(BaseModel):
    """A line to speak and how."""

    model_config = ConfigDict(extra="forbid")

    text: str = Field(min_length=1, description="what to say")
    voice: str = Field("en-us", description="an eSpeak NG voice (language), e.g. en-us, "
                                            "en-gb, ko, ja, fr, de")
    speed: int = Field(165, ge=80, le=450, description="words per minute")
    pitch: int = Field(50, ge=0, le=99, description="base pitch (0-99)")
    rules: MouthRules = Field(default_factory=MouthRules)


@dataclass
class SpokenLine:
    """A spoken line: its audio, and its mouth shapes timed exactly."""

    speech: espeak.Speech
    cues: list[MouthCue]

    @property
    def duration(self) -> float:
        return self.speech.duration


def speak(spec: VoiceSpec) -> SpokenLine:
    """Synthesise the line and its mouth shapes (no recognition needed)."""
    speech = espeak.synthesize(spec.text, spec.voice, spec.speed, spec.pitch)
    if not speech.phonemes or len(speech.samples) == 0:
        raise espeak.VoiceError(f"text: eSpeak NG said nothing for {spec.text!r}")
    return SpokenLine(speech, mouth_cues(speech_phones(speech), spec.rules))


def write_wav(speech: espeak.Speech, path: str | Path) -> Path:
    """Write 16-bit PCM WAV atomically (a temporary name, then renamed)."""
    import soundfile

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(suffix=".wav", dir=path.parent, prefix=".partial-")
    os.close(handle)
    try:
        soundfile.write(temporary, speech.samples, speech.rate, subtype="PCM_16")
        os.replace(temporary, path)
    except BaseException:
        os.unlink(temporary)
        raise
    return path
