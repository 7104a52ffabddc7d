"""Timed phones from speech: forced alignment to a transcript, or phone recognition,
with pocketsphinx's US-English acoustic model (bundled in its wheel; nothing is fetched).

A transcript in another language is laid over eSpeak NG's rendering of it
(dtw_align); failing that, each word's phonemes come from eSpeak NG, are mapped to the
nearest English phones (`phones.ipa_to_arpabet`) and aligned as English is.
"""

from __future__ import annotations

import hashlib
import re
import threading
from dataclasses import dataclass, field

from ..errors import MetastudioError
from . import espeak
from .audio import Audio
from .phones import ARPABET, STOPS, VOWELS, ipa_to_arpabet

FRAME = 0.01  # pocketsphinx's frame: 10 ms
WORDS_MIN_SCORE = -19.0
PAD = 0.25  # silence added either side: alignment fails when speech touches the ends
# Beams tried in turn: synthetic and fast speech can fall out of the default beam.
_BEAMS = ({"beam": 1e-150, "wbeam": 1e-120, "pbeam": 1e-150},
          {"beam": 1e-200, "wbeam": 1e-200, "pbeam": 1e-200})
_WORD = re.compile(r"[\w']+", re.UNICODE)
_ALTERNATE = re.compile(r"\(\d+\)$")


class AlignmentError(MetastudioError):
    """Speech could not be aligned or recognised."""


@dataclass
class TimedPhone:
    """An ARPAbet phone ("SIL" for silence) from `start` to `end` seconds."""

    phone: str
    start: float
    end: float
    word: str = ""


@dataclass
class TimedWord:
    """A word of the transcript, when it was said and how well the audio fits it."""

    word: str
    start: float
    end: float
    score: float  # mean acoustic score per 10 ms frame (higher fits better)


@dataclass
class Alignment:
    """Phones in time, the words they belong to, and how they were found."""

    phones: list[TimedPhone]
    words: list[TimedWord] = field(default_factory=list)
    method: str = "aligned"  # or "recognised"
    score: float = 0.0  # mean score per frame over the words
    # What placed the phones: "english model" (pocketsphinx; word scores are its
    # acoustic scores) or "rendering" (dtw_align; word scores are minus the distance
    # from eSpeak's rendering of the word).
    aligner: str = "english model"
    warnings: list[str] = field(default_factory=list)
    heard: str = ""  # the words recognised, when there was no transcript


def words_of(transcript: str) -> list[str]:
    """The transcript's words, lower case, punctuation dropped (apostrophes kept)."""
    return [w.lower().strip("'") for w in _WORD.findall(transcript) if w.strip("'_")]


class _Decoders:
    """Decoders cost a model load each; keep them per process, one caller at a time."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self._align: dict[int, object] = {}
        self._phones = None
        self._words = None

    def aligner(self, attempt: int):
        if attempt not in self._align:
            from pocketsphinx import Decoder

            self._align[attempt] = Decoder(samprate=16000, lm=None, bestpath=False, cmn="batch",
                                           loglevel="FATAL", **_BEAMS[attempt])
        return self._align[attempt]

    def recogniser(self):
        if self._phones is None:
            from pocketsphinx import Decoder, get_model_path

            self._phones = Decoder(samprate=16000, cmn="batch", allphone=get_model_path(
                "en-us/en-us-phone.lm.bin"), lw=2.0, pip=0.3, beam=1e-200, pbeam=1e-20,
                loglevel="FATAL")
        return self._phones


    def word_recogniser(self):
        if self._words is None:
            from pocketsphinx import Decoder

            # The bundled US-English word model; topn=2 is 12% faster than the default
            # at the same accuracy (scripts/bench_lipsync.py, Festival set). At most
            # 3000 HMMs and 10 words a frame: 1.2-1.5x faster on the Festival voices,
            # within a point of the agreement (kal 85.3% against 85.6%, ked 78.7/79.8,
            # slt 80.4/80.8); skipping frames or a pass was faster and lost 2-6 points.
            self._words = Decoder(samprate=16000, cmn="batch", topn=2, loglevel="FATAL",
                                  maxhmmpf=3000, maxwpf=10)
        return self._words


_decoders = _Decoders()


def pronunciations(words: list[str], language: str, decoder) -> tuple[list[str], list[str]]:
    """The tokens to align and the words that had to be given a pronunciation.

    English words in the dictionary align as themselves, with eSpeak's pronunciation
    added as one more variant when it differs (the aligner picks whichever fits the
    sound: "dog" as D AO G or D AA G). Other words, and every word of another language,
    become pseudo-words with eSpeak's phonemes mapped to English phones.
    """
    english = language.lower().startswith("en")
    ipa = espeak.text_to_ipa(" ".join(words), language)
    tokens, guessed = [], []
    for index, word in enumerate(words):
        phones = [p for phoneme in (ipa[index] if index < len(ipa) else [])
                  for p in ipa_to_arpabet(phoneme)]
        phones = [p for i, p in enumerate(phones) if i == 0 or p != phones[i - 1]]
        known = english and decoder.lookup_word(word)
        if known:
            variant = f"{word}(9)"
            if phones and phones != known.split() and not decoder.lookup_word(variant):
                decoder.add_word(variant, " ".join(phones), True)
            reduced = _reduced(known.split())
            if reduced and not decoder.lookup_word(f"{word}(8)"):
                decoder.add_word(f"{word}(8)", " ".join(reduced), True)
            tokens.append(word)
            continue
        if not phones:
            continue  # a word eSpeak does not voice (a symbol): nothing to align
        token = "w" + hashlib.sha1(" ".join(phones).encode()).hexdigest()[:10]
        if not decoder.lookup_word(token):
            decoder.add_word(token, " ".join(phones), True)
        tokens.append(token)
        if english:
            guessed.append(word)
    return tokens, guessed


def _reduced(phones: list[str]) -> list[str] | None:
    """The pronunciation with its unstressed-looking IH said as a schwa (AH), as fluent
    speech often does ("remember", "before"); None for one-vowel words or no IH."""
    vowels = [i for i, p in enumerate(phones) if p in VOWELS]
    if len(vowels) < 2 or not any(phones[i] == "IH" for i in vowels):
        return None
    return ["AH" if p == "IH" else p for p in phones]


def align(audio: Audio, transcript: str, language: str = "en-us") -> Alignment:
    """Force-align `transcript` to `audio`; falls back to recognition (with a warning)
    when the words cannot be fitted to the sound at all."""
    words = words_of(transcript)
    if not words:
        raise AlignmentError("text: the transcript has no words")
    if not language.lower().startswith("en"):
        # Another language: laid over eSpeak's own rendering of the transcript (no
        # English model; Korean frames agree 92% against 70% mapped to English phones,
        # BENCHMARKS.md); the English model with mapped phones if that fails.
        from .dtw_align import align_by_rendering

        try:
            return align_by_rendering(audio, transcript, language)
        except AlignmentError as exc:
            if str(exc).startswith("language:"):
                raise
    return align_by_english_model(audio, transcript, language)


def align_by_english_model(audio: Audio, transcript: str, language: str = "en-us"
                           ) -> Alignment:
    """Force-align with the English acoustic model (another language's phonemes mapped
    to the nearest English phones); speech after the transcript's last word is
    recognised. When the words do not fit the model's way (a word the speech does not
    have), English is laid over eSpeak's rendering instead (dtw_align: it names the
    words not heard); recognition alone, with a warning, when nothing fits."""
    words = words_of(transcript)
    if not words:
        raise AlignmentError("text: the transcript has no words")
    alignment, failure = _align_words(audio, words, language)
    if alignment is not None:
        _recognise_the_rest(alignment, audio, language)
        return alignment
    if language.lower().startswith("en"):
        from .dtw_align import align_by_rendering

        try:
            return align_by_rendering(audio, transcript, language)
        except AlignmentError as exc:
            if str(exc).startswith("language:"):
                raise
            failure = f"{failure}; {exc}"
    fallback = _recognise_phones(audio)
    fallback.warnings.insert(0, f"the transcript could not be aligned to the audio "
                                f"({failure}): is it the text that is spoken, and in "
                                f"{language}? Used phone recognition instead")
    return fallback


def _align_words(audio: Audio, words: list[str], language: str
                 ) -> tuple[Alignment | None, str]:
    """One forced alignment of `words` (None and why, when they do not fit)."""
    pcm = audio.pcm16(PAD)
    failure = ""
    with _decoders.lock:
        for attempt in range(len(_BEAMS)):
            decoder = _decoders.aligner(attempt)
            try:
                tokens, guessed = pronunciations(words, language, decoder)
            except espeak.VoiceError as exc:
                raise AlignmentError(f"language: {exc}") from None
            try:
                result = _align_once(decoder, tokens, pcm, audio.duration)
            except RuntimeError as exc:
                failure = str(exc)
                continue
            phones, timed_words = result
            phones = trim_to_sound(phones, audio)
            names = dict(zip(tokens, words, strict=False))
            for item in timed_words:
                item.word = names.get(item.word, item.word)
            for phone in phones:
                phone.word = names.get(phone.word, phone.word)
            scores = [w.score for w in timed_words]
            alignment = Alignment(phones, timed_words, "aligned",
                                  sum(scores) / len(scores) if scores else 0.0)
            if guessed:
                alignment.warnings.append("pronounced by eSpeak (not in the dictionary): "
                                          + ", ".join(guessed))
            return alignment, ""
    return None, failure


def _levels(audio: Audio):
    """Each 10 ms frame's level in dB relative to the loudest."""
    import numpy as np

    frame = int(FRAME * audio.rate)
    usable = len(audio.samples) // frame * frame
    if usable == 0:
        return np.zeros(0)
    rms = np.sqrt((audio.samples[:usable].reshape(-1, frame) ** 2).mean(axis=1))
    return 20 * np.log10(np.maximum(rms, 1e-10) / max(float(rms.max()), 1e-10))


def _recognise_the_rest(alignment: Alignment, audio: Audio, language: str) -> None:
    """Speech after the transcript's last word (a transcript of the first words only):
    recognised and put in place of the silence the aligner left there, and said."""
    spoken = [p for p in alignment.phones if p.phone != "SIL"]
    if not spoken:
        return
    end = spoken[-1].end
    level = _levels(audio)
    after = level[int(round((end + 0.1) / FRAME)):]
    import numpy as np

    if np.count_nonzero(after > REST_DB) * FRAME < REST_SPEECH:
        return
    from .audio import from_samples

    start = int(end * audio.rate)
    rest = recognise(from_samples(audio.samples[start:], audio.rate),
                     "words" if language.lower().startswith("en") else "phones")
    found = [TimedPhone(p.phone, round(p.start + end, 4), round(p.end + end, 4), p.word)
             for p in rest.phones if p.phone != "SIL"]
    if not found:
        return
    voiced = np.flatnonzero(level > REST_DB)
    alignment.phones = _with_silences(
        [p for p in alignment.phones if p.phone != "SIL"] + found, audio.duration)
    heard = f" (heard: {rest.heard})" if rest.heard else ""
    alignment.warnings.append(f"the transcript ends at {end:.2f} s but the speech goes on "
                              f"to {(voiced[-1] + 1) * FRAME:.2f} s: the rest was "
                              f"recognised{heard}")


def _align_once(decoder, tokens: list[str], pcm: bytes, duration: float):
    decoder.set_align_text(" ".join(tokens))
    for _ in range(2):  # the first pass finds words, the second their phones
        decoder.start_utt()
        decoder.process_raw(pcm, full_utt=True)
        decoder.end_utt()
        if _ == 0:
            decoder.set_alignment()
    alignment = decoder.get_alignment()
    if alignment is None:
        raise RuntimeError("no alignment")
    phones, words = [], []
    for word in alignment.words():
        start, end = _clip(word.start, word.duration, duration)
        name = _ALTERNATE.sub("", word.name)  # "before(2)": the dictionary's 2nd variant
        if name in ("<sil>", "<s>", "</s>"):
            continue
        words.append(TimedWord(name, start, end, word.score / max(word.duration, 1)))
        for phone in word:
            phone_start, phone_end = _clip(phone.start, phone.duration, duration)
            if phone_end > phone_start:
                phones.append(TimedPhone(phone.name, phone_start, phone_end, name))
    return _with_silences(phones, duration), words


_QUIET_DB = -40.0  # relative to the line's loudest 10 ms
# Speech after the transcript's last word: this much of it (seconds), this loud.
REST_SPEECH, REST_DB = 0.4, -30.0


def trim_to_sound(phones: list[TimedPhone], audio: Audio) -> list[TimedPhone]:
    """Give back to silence the quiet tail of a phone that ends at a pause.

    The aligner tends to stretch the last phone before a pause over the silence; the
    mouth should rest there. Stops keep their silent part (it is their closure).
    """
    level = _levels(audio)
    if len(level) == 0:
        return phones
    for index, phone in enumerate(phones):
        after = phones[index + 1] if index + 1 < len(phones) else None
        if phone.phone == "SIL" or phone.phone in STOPS or (
                after is not None and after.phone != "SIL"):
            continue
        end = int(round(phone.end / FRAME))
        start = int(round(phone.start / FRAME))
        while end - start > 3 and end - 1 < len(level) and level[end - 1] < _QUIET_DB:
            end -= 1
        if end * FRAME < phone.end:
            phone.end = round(end * FRAME, 4)
            if after is not None:
                after.start = phone.end
            else:
                phones.append(TimedPhone("SIL", phone.end, audio.duration))
                break
    return phones


def _clip(start_frame: int, frames: int, duration: float) -> tuple[float, float]:
    start = min(max(start_frame * FRAME - PAD, 0.0), duration)
    end = min(max((start_frame + frames) * FRAME - PAD, 0.0), duration)
    return round(start, 4), round(end, 4)


def _with_silences(phones: list[TimedPhone], duration: float) -> list[TimedPhone]:
    """Fill the gaps between phones (and before and after) with SIL."""
    filled, at = [], 0.0
    for phone in phones:
        if phone.start > at + 1e-6:
            filled.append(TimedPhone("SIL", at, phone.start))
        filled.append(phone)
        at = max(at, phone.end)
    if duration > at + 1e-6:
        filled.append(TimedPhone("SIL", at, duration))
    return filled


def recognise(audio: Audio, method: str = "words") -> Alignment:
    """Phones in `audio` without a transcript.

    "words": recognise words with the English language model, then align them (better on
    natural voices: the words constrain the phones); falls back to "phones" when no words
    are heard. "phones": a phone loop, no language (use it for other languages, or for
    non-speech vocalisations).
    """
    if method == "words":
        with _decoders.lock:
            decoder = _decoders.word_recogniser()
            decoder.start_utt()
            decoder.process_raw(audio.pcm16(PAD), full_utt=True)
            decoder.end_utt()
            heard = decoder.hyp().hypstr if decoder.hyp() else ""
        heard = " ".join(w for w in heard.split() if not w.startswith(("<", "[", "+")))
        if heard:
            result = align(audio, heard)
            # A poor fit means the words are guesses (an unusual voice, another
            # language): the phone loop then does better. Measured: natural (diphone)
            # speech fits at -8 to -18 per frame, eSpeak's formant voice mostly below -20.
            if result.method == "aligned" and result.score >= WORDS_MIN_SCORE:
                result.method = "recognised"
                result.heard = heard
                return result
    return _recognise_phones(audio)


def _recognise_phones(audio: Audio) -> Alignment:
    pcm = audio.pcm16(PAD)
    with _decoders.lock:
        decoder = _decoders.recogniser()
        decoder.start_utt()
        decoder.process_raw(pcm, full_utt=True)
        decoder.end_utt()
        phones = []
        for segment in decoder.seg():
            name = segment.word.upper()
            start, end = _clip(segment.start_frame, segment.end_frame - segment.start_frame
                               + 1, audio.duration)
            if end <= start or name not in ARPABET:
                continue
            phones.append(TimedPhone(name, start, end))
    return Alignment(_with_silences(phones, audio.duration), [], "recognised")
