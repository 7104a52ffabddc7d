"""The exact phone timings of synthesised speech, from eSpeak's own phoneme events."""

from __future__ import annotations

import numpy as np

from .align import TimedPhone
from .espeak import Speech
from .phones import STOPS, ipa_to_arpabet

# eSpeak reports a stop at its release; the silent closure before it (when the lips or
# tongue are already shut) is reported as part of the phoneme before. It is found from
# the samples: a run of near-silence ending where the stop is reported.
_CLOSURE_MAX = 0.15
_CLOSURE_LEVEL = 1e-3  # -60 dBFS
_STEP = 0.0025

# eSpeak reports pauses (and a few unvoiced markers) as phonemes with an empty name; a
# short one inside a word belongs to the phoneme before it.
_MARKER_MAX = 0.1


def speech_phones(speech: Speech) -> list[TimedPhone]:
    """ARPAbet phones with eSpeak's timing (several phones of one IPA phoneme share its
    time evenly); pauses as SIL."""
    events = speech.phonemes
    phones: list[TimedPhone] = []
    for index, event in enumerate(events):
        end = events[index + 1].start if index + 1 < len(events) else speech.duration
        if end <= event.start:
            continue
        arpabet = ipa_to_arpabet(event.ipa)
        if not arpabet:
            if phones and end - event.start < _MARKER_MAX and index + 1 < len(events):
                phones[-1].end = end
            else:
                phones.append(TimedPhone("SIL", event.start, end))
            continue
        step = (end - event.start) / len(arpabet)
        for k, phone in enumerate(arpabet):
            phones.append(TimedPhone(phone, event.start + k * step,
                                     event.start + (k + 1) * step))
    _find_closures(phones, speech)
    if phones and phones[0].start > 0:
        phones.insert(0, TimedPhone("SIL", 0.0, phones[0].start))
    if phones and phones[-1].end < speech.duration:
        phones.append(TimedPhone("SIL", phones[-1].end, speech.duration))
    return phones


def _find_closures(phones: list[TimedPhone], speech: Speech) -> None:
    step = max(int(_STEP * speech.rate), 1)
    for index in range(1, len(phones)):
        phone, before = phones[index], phones[index - 1]
        if phone.phone not in STOPS or before.phone == "SIL":
            continue
        end = int(phone.start * speech.rate)
        earliest = max(int((phone.start - _CLOSURE_MAX) * speech.rate),
                       int((before.start + 0.02) * speech.rate))
        start = end
        while start - step >= earliest and \
                np.sqrt(np.mean(speech.samples[start - step:start] ** 2)) < _CLOSURE_LEVEL:
            start -= step
        if start < end:
            phone.start = before.end = start / speech.rate
