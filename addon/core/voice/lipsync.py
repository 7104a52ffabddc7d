"""Lip-sync: audio (and a transcript, if there is one) in, timed mouth shapes out."""

from __future__ import annotations

import statistics
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from ..errors import JobSpecError
from ..path_guard import check_allowed
from . import align as aligner
from .audio import Audio, load_audio
from .mouth import MouthCue, MouthRules, mouth_cues

# Mean acoustic score per frame of a word (see align.TimedWord): measured on eSpeak
# sentences, correct words score -11 to -55 (rarely -100), a wrong word -64 to -80, and a
# line whose transcript is of another text does not align at all.
WORD_SUSPECT_MARGIN = 30.0
WORD_SUSPECT_FLOOR = -60.0
# A candidate's sound against eSpeak's rendering of it: this far (mean MFCC distance),
# and this many times the line's median word.
FIT_FAR, FIT_RATIO = 3.8, 1.36
# ... or 1.2 times for a word scoring this far below the line's median on the English
# model (a wrong word scored -112 against a median of -45; right ones at most -35 off).
WORD_STRONG_MARGIN, FIT_RATIO_STRONG = 55.0, 1.2
# A word aligned by the rendering alone: 1.32 times the line's median distance (right
# lines by other voices, Korean, Spanish and English: at most 1.27; "elephant" said as
# "fox": 1.34-1.45).
RENDERING_FIT_RATIO = 1.32


class LipSyncSpec(BaseModel):
    """What to lip-sync: a recording, and what is said in it if known."""

    model_config = ConfigDict(extra="forbid")

    audio: Path = Field(description="the recording (WAV, FLAC, OGG, MP3...)")
    text: str | None = Field(None, description="what is said (aligns exactly when given)")
    text_file: Path | None = Field(None, description="a file holding what is said")
    language: str = Field("en-us", description="the transcript's language (an eSpeak NG "
                                               "voice: en-us, ko, ja, de, ...)")
    recogniser: Literal["words", "phones"] = Field(
        "words", description="without a transcript: recognise English words and align "
                             "them, or phones alone (other languages)")
    rules: MouthRules = Field(default_factory=MouthRules)

    @model_validator(mode="after")
    def _one_transcript(self) -> LipSyncSpec:
        if self.text is not None and self.text_file is not None:
            raise ValueError("give text or text_file, not both")
        if self.text_file is not None:
            check_allowed(self.text_file)
        if self.text_file is not None and not self.text_file.exists():
            raise ValueError(f"text_file: file not found: {self.text_file}")
        return self

    def transcript(self) -> str | None:
        """The transcript, from `text` or `text_file` (None when there is none)."""
        if self.text_file is not None:
            try:
                return self.text_file.read_text(encoding="utf-8")
            except UnicodeDecodeError:
                raise JobSpecError(f"text_file: {self.text_file} is not UTF-8 text (give "
                                   "the transcript as a text file)") from None
            except OSError as exc:
                raise JobSpecError(f"text_file: cannot read {self.text_file}: "
                                   f"{exc.strerror}") from None
        return self.text if self.text and self.text.strip() else None


@dataclass
class LipSync:
    """The mouth shapes of a recording and how they were found."""

    cues: list[MouthCue]
    alignment: aligner.Alignment
    duration: float
    source: str
    warnings: list[str] = field(default_factory=list)
    suspect_words: list[str] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)


def lipsync(spec: LipSyncSpec) -> LipSync:
    """Read the audio, align or recognise its phones, and turn them into mouth shapes."""
    started = time.perf_counter()
    audio = load_audio(spec.audio)
    recogniser = spec.recogniser
    if not spec.language.lower().startswith("en"):
        recogniser = "phones"  # the word model is English
    return lipsync_audio(audio, spec.transcript(), spec.language, spec.rules,
                         {"read": time.perf_counter() - started}, recogniser)


def lipsync_audio(audio: Audio, transcript: str | None, language: str = "en-us",
                  rules: MouthRules | None = None, seconds: dict | None = None,
                  recogniser: str = "words") -> LipSync:
    """Lip-sync audio already in memory."""
    seconds = dict(seconds or {})
    started = time.perf_counter()
    if transcript:
        alignment = aligner.align(audio, transcript, language)
    else:
        alignment = aligner.recognise(audio, recogniser)
    seconds["phones"] = time.perf_counter() - started
    started = time.perf_counter()
    cues = mouth_cues(alignment.phones, rules)
    seconds["shapes"] = time.perf_counter() - started
    warnings = list(audio.warnings) + list(alignment.warnings)
    suspects = suspect_words(alignment, audio, transcript, language) if transcript else []
    if suspects:
        warnings.append("the transcript may not match the audio; these words fit badly: "
                        + ", ".join(suspects))
    return LipSync(cues, alignment, audio.duration, audio.path, warnings, suspects, seconds)


def suspect_words(alignment: aligner.Alignment, audio: Audio | None = None,
                  transcript: str | None = None, language: str = "en-us") -> list[str]:
    """Words whose sound fits the transcript much worse than the rest of the line.

    The English model's score per frame singles out candidates; on a synthetic or an
    unusual voice many right words score as badly, so a candidate is kept only if the
    whole line does not fit (dtw_align.line_fit), or if its sound stands apart when the
    transcript spoken by eSpeak is laid over the recording: far from it, and much
    farther than the line's other words are (measured on 20 English lines and
    one-word-swapped copies of them: right words at most 4.7 and 1.56x the line's
    median, swapped ones mostly above).
    """
    if alignment.method != "aligned" or len(alignment.words) < 2:
        return []
    if alignment.aligner == "rendering":  # the scores are the distances from eSpeak's
        median = statistics.median(-w.score for w in alignment.words)
        return [w.word for w in alignment.words
                if -w.score >= max(FIT_FAR, RENDERING_FIT_RATIO * median)]
    typical = statistics.median(w.score for w in alignment.words)
    candidates = [w.word for w in alignment.words
                  if w.score < min(typical - WORD_SUSPECT_MARGIN, WORD_SUSPECT_FLOOR)]
    if not candidates or audio is None or not transcript:
        return candidates
    from .dtw_align import MISMATCH, line_fit

    try:
        ratio, fits = line_fit(audio, transcript, language)
    except aligner.AlignmentError:
        return candidates
    if not fits or ratio > MISMATCH:  # the whole line does not fit: every candidate
        return candidates
    median = statistics.median(f for _, f in fits)
    ratios = {}
    for name, fit in fits:
        key = name.lower().strip("'")
        ratios[key] = max(ratios.get(key, 0.0), fit / median if fit >= FIT_FAR else 0.0)
    # A candidate far below the line on the English model needs less to confirm it.
    scores = {w.word: w.score for w in alignment.words}
    return [word for word in candidates
            if ratios.get(word, 0.0) >= (FIT_RATIO_STRONG if scores[word] < typical
                                         - WORD_STRONG_MARGIN else FIT_RATIO)]
