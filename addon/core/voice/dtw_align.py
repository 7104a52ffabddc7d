"""Alignment for any language eSpeak NG speaks: the transcript is spoken by eSpeak, whose
phoneme times are exact, and that rendering is laid over the recording by dynamic time
warping of their spectra (MFCCs), as aeneas aligns sentences, here phone by phone. No
acoustic model of the language is needed, so Korean (or Spanish, or Japanese) aligns as
well as English does.

Features are MFCCs (numpy only: a mel filterbank and a DCT) with the mean and spread of
each line taken out, so a woman's voice and eSpeak's can be compared; the warp lets
each rendered frame take zero to four frames of the recording (a recording up to four
times slower locally, or pausing where eSpeak did not). eSpeak is asked to speak at the
recording's pace first, so the warp has little to stretch.
"""

from __future__ import annotations

import functools

import numpy as np

from . import espeak
from .align import Alignment, AlignmentError, TimedPhone, TimedWord
from .audio import Audio, from_samples
from .speech_phones import speech_phones

HOP = 0.01  # seconds per feature frame
WINDOW = 0.025
MELS, CEPSTRA = 26, 13
MAX_STEP = 4  # recording frames one rendered frame may take
SPEECH_DB = -35.0  # a frame louder than this (relative to the loudest) is speech
MAX_CELLS = 60_000_000  # rendered frames x recording frames the warp may fill
WPM = (80, 450)  # eSpeak's range of speeds
# What a step off the diagonal costs (in feature distance; a frame's is about 5):
# tried 0 to 6 on the development lines (Korean and Spanish, other voices), 2 best.
STEP_PENALTY = 2.0
STRETCHES = (0.85, 0.92, 1.0, 1.08, 1.16)  # the recording's filterbank against eSpeak's


@functools.lru_cache(maxsize=16)
def _filters(rate: int, size: int, stretch: float = 1.0) -> tuple[np.ndarray, np.ndarray]:
    """The mel filterbank (MELS x bins) and the DCT matrix (CEPSTRA x MELS); `stretch`
    moves the bands up (above 1) as a shorter vocal tract moves the formants."""
    def mel(hz):
        return 2595.0 * np.log10(1.0 + hz / 700.0)

    edges = stretch * 700.0 * (10 ** (np.linspace(mel(60.0), mel(rate / 2 - 200) / 1.0,
                                                  MELS + 2) / 2595.0) - 1.0)
    edges = np.minimum(edges, rate / 2 - 1.0)
    bins = np.fft.rfftfreq(size, 1.0 / rate)
    bank = np.zeros((MELS, len(bins)), np.float32)
    for k in range(MELS):
        lo, mid, hi = edges[k:k + 3]
        rise, fall = max(mid - lo, 1e-3), max(hi - mid, 1e-3)
        bank[k] = np.clip(np.minimum((bins - lo) / rise, (hi - bins) / fall), 0.0, None)
    n = np.arange(MELS)
    dct = np.cos(np.pi / MELS * (n[None, :] + 0.5) * np.arange(CEPSTRA)[:, None])
    return bank, dct.astype(np.float32)


def features(samples: np.ndarray, rate: int, stretch: float = 1.0
             ) -> tuple[np.ndarray, np.ndarray]:
    """(frames x 2*CEPSTRA-2 features: MFCC 1-12 and their deltas, normalised per line;
    each frame's level in dB relative to the loudest). `stretch`: the filterbank's."""
    hop, win = int(HOP * rate), int(WINDOW * rate)
    size = 1 << (win - 1).bit_length()
    count = max(1, 1 + (len(samples) - win) // hop)
    padded = np.concatenate([samples, np.zeros(win, np.float32)])
    index = np.arange(win)[None, :] + hop * np.arange(count)[:, None]
    frames = padded[index] * np.hamming(win).astype(np.float32)
    power = np.abs(np.fft.rfft(frames, size)) ** 2
    bank, dct = _filters(rate, size, stretch)
    logmel = np.log(power @ bank.T + 1e-8)
    cepstra = logmel @ dct.T
    energy = 10 * np.log10(power.sum(axis=1) + 1e-12)
    level = energy - energy.max()
    mfcc = cepstra[:, 1:]
    delta = np.gradient(mfcc, axis=0)
    both = np.hstack([mfcc, 2.0 * delta])
    voiced = level > SPEECH_DB
    ref = both[voiced] if voiced.sum() > 5 else both
    both = (both - ref.mean(axis=0)) / (ref.std(axis=0) + 1e-6)
    return both.astype(np.float32), level


def _speech_span(level: np.ndarray) -> tuple[int, int]:
    """First and last frame of speech (loud enough), inclusive."""
    loud = np.flatnonzero(level > SPEECH_DB)
    if len(loud) == 0:
        return 0, len(level) - 1
    return int(loud[0]), int(loud[-1])


def warp(rendered: np.ndarray, recorded: np.ndarray) -> tuple[np.ndarray, float]:
    """For each rendered frame, the recording's frame it lies on (both ends pinned), and
    the mean distance along the path."""
    n, m = len(rendered), len(recorded)
    if n * m > MAX_CELLS:
        raise AlignmentError(f"the line is too long to align this way ({n * HOP:.0f} s)")
    # Squared euclidean distances, row by row (n x m).
    cost = (np.sum(rendered ** 2, axis=1)[:, None] + np.sum(recorded ** 2, axis=1)[None, :]
            - 2.0 * rendered @ recorded.T)
    cost = np.sqrt(np.maximum(cost, 0.0)).astype(np.float32)
    total = np.full(m, np.inf, np.float32)
    total[0] = cost[0, 0]
    back = np.zeros((n, m), np.int8)
    for i in range(1, n):
        # Step 0: the recording waits (this rendered frame is slower); steps other than
        # the diagonal cost a little, so the warp bends only where the sound asks it to.
        best = total + STEP_PENALTY
        choice = np.zeros(m, np.int8)
        for k in range(1, MAX_STEP + 1):
            shifted = np.full(m, np.inf, np.float32)
            shifted[k:] = total[:-k] + (STEP_PENALTY if k > 1 else 0.0)
            better = shifted < best
            best = np.where(better, shifted, best)
            choice = np.where(better, k, choice).astype(np.int8)
        total = best + cost[i]
        back[i] = choice
    if not np.isfinite(total[-1]):
        raise AlignmentError("the recording is over four times slower than the transcript "
                             "spoken: is it the text that is said?")
    path = np.empty(n, np.int64)
    j = m - 1
    for i in range(n - 1, -1, -1):
        path[i] = j
        j -= int(back[i, j])
    return path, float(total[-1] / n)


def _render(transcript: str, language: str, seconds: float):
    """eSpeak's rendering of the transcript at about the recording's pace."""
    speed = 165
    for _ in range(2):  # once at the default pace, once matched to the recording
        speech = espeak.synthesize(transcript, language, speed)
        audio = from_samples(speech.samples, speech.rate)
        rendered, level = features(audio.samples, audio.rate)
        first, last = _speech_span(level)
        spoken = (last - first + 1) * HOP
        wanted = int(np.clip(speed * spoken / max(seconds, 0.1), *WPM))
        if abs(wanted - speed) < 0.08 * speed:
            break
        speed = wanted
    return speech, rendered, level


def align_by_rendering(audio: Audio, transcript: str, language: str) -> Alignment:
    """Timed phones of `audio` from eSpeak's rendering of `transcript` in `language`."""
    recorded, level = features(audio.samples, audio.rate)
    first, last = _speech_span(level)
    try:
        speech, rendered, rlevel = _render(transcript, language, (last - first + 1) * HOP)
    except espeak.VoiceError as exc:
        raise AlignmentError(f"language: {exc}") from None
    rfirst, rlast = _speech_span(rlevel)
    # The speaker's vocal tract against eSpeak's: the recording's filterbank stretched
    # to each of a few lengths, the best fitting warp kept (vocal tract length
    # normalisation, as speech recognisers adapt to a new voice).
    best = None
    for stretch in STRETCHES:
        recorded = features(audio.samples, audio.rate, stretch)[0] if stretch != 1.0 \
            else recorded
        path, distance = warp(rendered[rfirst:rlast + 1], recorded[first:last + 1])
        if best is None or distance < best[1]:
            best = (path, distance)
    path, distance = best

    def to_recording(t: float) -> float:
        """A time in the rendering -> the time in the recording it lies on."""
        i = int(round(t / HOP)) - rfirst
        if i < 0:
            return first * HOP + i * HOP
        if i >= len(path):
            return (last + 1) * HOP + (i - len(path)) * HOP
        return (first + int(path[i])) * HOP

    phones = []
    for phone in speech_phones(speech):
        start = min(max(to_recording(phone.start), 0.0), audio.duration)
        end = min(max(to_recording(phone.end), 0.0), audio.duration)
        if phone.phone != "SIL" and end > start:
            phones.append(TimedPhone(phone.phone, round(start, 4), round(end, 4)))
    filled, at = [], 0.0
    for phone in phones:  # silence where the rendering's speech does not reach
        if phone.start > at + 1e-6:
            filled.append(TimedPhone("SIL", at, phone.start))
        phone.start = max(phone.start, at)
        if phone.end > phone.start:
            filled.append(phone)
            at = phone.end
    if audio.duration > at + 1e-6:
        filled.append(TimedPhone("SIL", at, audio.duration))
    words = _words(speech, transcript, to_recording, audio.duration)
    return Alignment(filled, words, "aligned", -distance)


def _words(speech, transcript: str, to_recording, duration: float) -> list[TimedWord]:
    """The transcript's words in the recording's time, by eSpeak's word events (paired
    with the transcript's own words when eSpeak speaks as many; numbers it reads out
    can make more)."""
    said = [w.strip(".,!?;:\"'()[]…·") for w in transcript.split()]
    paired = len(said) == len(speech.words)
    words = []
    for index, event in enumerate(speech.words):
        end = speech.words[index + 1].start if index + 1 < len(speech.words) else \
            speech.duration
        start = max(event.text_position - 1, 0)  # eSpeak counts from 1
        text = said[index] if paired else transcript[start:start + event.length].strip()
        words.append(TimedWord(text, min(to_recording(event.start), duration),
                               min(to_recording(end), duration), 0.0))
    return words
