"""Reading speech audio for lip-sync: any file libsndfile reads (WAV, FLAC, OGG, MP3,
AIFF...), any sample rate, mixed down to mono and resampled to the 16 kHz the acoustic
model was trained on."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..errors import MetastudioError

MODEL_RATE = 16_000
MAX_SECONDS = 10 * 60
SILENCE_DBFS = -55.0


class AudioError(MetastudioError):
    """An audio file cannot be used for lip-sync (the message names the file)."""


@dataclass
class Audio:
    """Mono float32 samples at MODEL_RATE, and what the file was."""

    samples: np.ndarray
    source_rate: int
    channels: int
    path: str = ""
    warnings: list[str] = field(default_factory=list)

    @property
    def rate(self) -> int:
        return MODEL_RATE

    @property
    def duration(self) -> float:
        return len(self.samples) / MODEL_RATE

    def pcm16(self, pad_seconds: float = 0.0) -> bytes:
        """16-bit PCM bytes, with `pad_seconds` of silence either side."""
        pad = np.zeros(int(pad_seconds * MODEL_RATE), np.float32)
        clipped = np.clip(np.concatenate([pad, self.samples, pad]), -1.0, 1.0)
        return (clipped * 32767).astype("<i2").tobytes()


def from_samples(samples: np.ndarray, rate: int, path: str = "") -> Audio:
    """Audio from samples in memory (frames x channels, or mono), at any rate."""
    data = np.asarray(samples, dtype=np.float32)
    channels = 1 if data.ndim == 1 else data.shape[1]
    if data.ndim == 2:
        data = data.mean(axis=1)
    name = path or "the audio"
    if data.size == 0:
        raise AudioError(f"audio: {name} has no samples")
    warnings = []
    if rate != MODEL_RATE:
        import soxr

        data = soxr.resample(data, rate, MODEL_RATE).astype(np.float32)
    if rate < MODEL_RATE:
        warnings.append(f"{name} is sampled at {rate} Hz; lip-sync is less accurate below "
                        f"{MODEL_RATE} Hz")
    level = _dbfs(data)
    if level < SILENCE_DBFS:
        raise AudioError(f"audio: {name} is silent ({level:.0f} dBFS)")
    if len(data) / MODEL_RATE > MAX_SECONDS:
        minutes = len(data) / MODEL_RATE / 60
        raise AudioError(f"audio: {name} is {minutes:.1f} minutes long; lip-sync takes "
                         f"lines of up to {MAX_SECONDS // 60} minutes: split the recording")
    return Audio(data, rate, channels, path, warnings)


def load_audio(path: str | Path) -> Audio:
    """Read `path`; AudioError names the file when it is missing, empty, unreadable,
    silent or too long."""
    import soundfile

    path = Path(path)
    if not path.is_file():
        raise AudioError(f"audio: file not found: {path}")
    if path.stat().st_size == 0:
        raise AudioError(f"audio: {path} is empty")
    try:
        with soundfile.SoundFile(str(path)) as handle:
            rate, frames = handle.samplerate, handle.frames
            if frames > (MAX_SECONDS + 60) * rate:
                raise AudioError(f"audio: {path} is {frames / rate / 60:.1f} minutes long; "
                                 f"lip-sync takes lines of up to {MAX_SECONDS // 60} "
                                 "minutes: split the recording")
            data = handle.read(dtype="float32", always_2d=True)
    except soundfile.LibsndfileError as exc:
        raise AudioError(f"audio: {path} is not an audio file that can be read "
                         f"({_reason(exc)})") from None
    except RuntimeError as exc:  # truncated MP3/OGG streams fail while decoding
        raise AudioError(f"audio: {path} cannot be decoded ({exc})") from None
    return from_samples(data, rate, str(path))


def _reason(exc: Exception) -> str:
    text = str(exc)
    return text.split(": ", 1)[-1] if ": " in text else text


def _dbfs(samples: np.ndarray) -> float:
    # The loudest 50 ms window: a short line with long pauses still counts as speech.
    window = int(0.05 * MODEL_RATE)
    if len(samples) < window:
        rms = float(np.sqrt(np.mean(samples ** 2)))
    else:
        usable = len(samples) // window * window
        blocks = samples[:usable].reshape(-1, window)
        rms = float(np.sqrt((blocks ** 2).mean(axis=1)).max())
    return 20 * np.log10(max(rms, 1e-10))
