"""The exact phone timings of synthesised speech, from eSpeak's own phoneme events."""

from __future__ import annotations

from .align import TimedPhone
from .espeak import Speech
from .phones import ipa_to_arpabet

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
    if phones and phones[0].start > 0:
        phones.insert(0, TimedPhone("SIL", 0.0, phones[0].start))
    if phones and phones[-1].end < speech.duration:
        phones.append(TimedPhone("SIL", phones[-1].end, speech.duration))
    return phones
