"""Text to speech with eSpeak NG, lip-synced from the synthesiser's own phoneme timing."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from ..safe_output import write_file
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


def write_wav(speech: espeak.Speech, path: str | Path, field: str = "out",
              make_parents: bool = False) -> Path:
    """Write 16-bit PCM WAV without destroying what the path is (see `safe_output`: a
    temporary name renamed into place, `-` for standard output); its folder must exist
    unless `make_parents`."""
    import io

    import soundfile

    buffer = io.BytesIO()
    soundfile.write(buffer, speech.samples, speech.rate, subtype="PCM_16", format="WAV")
    write_file(path, buffer.getvalue(), make_parents, field)
    return Path(path)
