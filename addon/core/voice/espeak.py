"""eSpeak NG through ctypes, from the `espeakng-loader` wheel (library and data included).

Speech synthesis with the timing of every phoneme (exact, from the synthesiser), and
text to IPA phonemes for any language eSpeak knows. eSpeak is a process-wide C library:
every call holds one lock.
"""

from __future__ import annotations

import ctypes
import threading
from dataclasses import dataclass

import numpy as np

from ..errors import MetastudioError

_SYNCHRONOUS = 2
_PHONEME_EVENTS, _PHONEME_IPA, _DONT_EXIT = 0x0001, 0x0002, 0x8000
_CHARS_UTF8, _END_PAUSE = 1, 0x1000
_POS_CHARACTER = 1
_EVENT_END, _EVENT_WORD, _EVENT_PHONEME = 0, 1, 7
_RATE, _VOLUME, _PITCH = 1, 2, 3


# Names people use for voices eSpeak files under another name.
_ALIASES = {"en-gb": "en", "en-uk": "en", "english": "en", "korean": "ko", "kr": "ko"}


class VoiceError(MetastudioError):
    """Speech synthesis cannot run: unknown voice, empty text, missing library."""


class _EventId(ctypes.Union):
    _fields_ = [("number", ctypes.c_int), ("name", ctypes.c_char_p),
                ("string", ctypes.c_char * 8)]


class _Event(ctypes.Structure):
    _fields_ = [("type", ctypes.c_int), ("unique_identifier", ctypes.c_uint),
                ("text_position", ctypes.c_int), ("length", ctypes.c_int),
                ("audio_position", ctypes.c_int), ("sample", ctypes.c_int),
                ("user_data", ctypes.c_void_p), ("id", _EventId)]


_Callback = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int,
                             ctypes.POINTER(_Event))


@dataclass
class PhonemeEvent:
    """One phoneme as eSpeak spoke it: IPA (stress marks kept), start in seconds."""

    ipa: str
    start: float


@dataclass
class WordEvent:
    """A word of the text (character offset and length) and when it starts."""

    text_position: int
    length: int
    start: float


@dataclass
class Speech:
    """Synthesised speech: mono float32 samples and what was said when."""

    samples: np.ndarray
    rate: int
    phonemes: list[PhonemeEvent]
    words: list[WordEvent]

    @property
    def duration(self) -> float:
        return len(self.samples) / self.rate


class _ESpeak:
    def __init__(self) -> None:
        try:
            import espeakng_loader
        except ImportError:
            raise VoiceError("voice: eSpeak NG is not installed (pip install "
                             "espeakng-loader)") from None
        self.lib = ctypes.CDLL(espeakng_loader.get_library_path())
        self.lib.espeak_TextToPhonemes.restype = ctypes.c_char_p
        self.lib.espeak_TextToPhonemes.argtypes = [ctypes.POINTER(ctypes.c_char_p),
                                                   ctypes.c_int, ctypes.c_int]
        self.lib.espeak_Synth.argtypes = [ctypes.c_char_p, ctypes.c_size_t, ctypes.c_uint,
                                          ctypes.c_int, ctypes.c_uint, ctypes.c_uint,
                                          ctypes.c_void_p, ctypes.c_void_p]
        self.rate = self.lib.espeak_Initialize(
            _SYNCHRONOUS, 0, espeakng_loader.get_data_path().encode(),
            _PHONEME_EVENTS | _PHONEME_IPA | _DONT_EXIT)
        if self.rate <= 0:
            raise VoiceError("voice: eSpeak NG failed to start (its data folder is missing?)")
        self._chunks: list[np.ndarray] = []
        self._events: list = []
        self._callback = _Callback(self._receive)  # kept alive as long as the library
        self.lib.espeak_SetSynthCallback(self._callback)
        self.voice = ""
        self._voices: list[str] = []

    def _receive(self, wav, count, events) -> int:
        if count > 0:
            self._chunks.append(np.ctypeslib.as_array(wav, shape=(count,)).copy())
        index = 0
        while events[index].type != _EVENT_END:
            event = events[index]
            if event.type == _EVENT_PHONEME:
                self._events.append(("phoneme", event.id.string.decode("utf-8", "replace"),
                                     event.sample))
            elif event.type == _EVENT_WORD:
                self._events.append(("word", (event.text_position, event.length),
                                     event.sample))
            index += 1
        return 0

    def set_voice(self, voice: str) -> None:
        # Set every time, so that parameters a voice resets are set after it.
        # eSpeak falls back to a default for names it does not know, so check first.
        base, _, variant = voice.partition("+")
        base = _ALIASES.get(base.lower(), base.lower())
        voice = base + (f"+{variant}" if variant else "")
        if base not in self.voices() or self.lib.espeak_SetVoiceByName(voice.encode()) != 0:
            raise VoiceError(f"voice: eSpeak NG has no voice {voice!r} (try en-us, en, "
                             "ko, ja, de, fr, es; `metastudio voice list`)")
        self.voice = voice

    def synthesize(self, text: str, voice: str, speed: int, pitch: int) -> Speech:
        self.set_voice(voice)
        self.lib.espeak_SetParameter(_RATE, speed, 0)
        self.lib.espeak_SetParameter(_PITCH, pitch, 0)
        self._chunks, self._events = [], []
        data = text.encode()
        status = self.lib.espeak_Synth(data, len(data) + 1, 0, _POS_CHARACTER, 0,
                                       _CHARS_UTF8 | _END_PAUSE, None, None)
        self.lib.espeak_Synchronize()
        if status != 0:
            raise VoiceError(f"voice: eSpeak NG could not speak the text (status {status})")
        samples = (np.concatenate(self._chunks) if self._chunks else np.zeros(0, np.int16))
        phonemes, words = [], []
        for kind, value, sample in self._events:
            start = sample / self.rate
            if kind == "phoneme":
                phonemes.append(PhonemeEvent(value, start))
            else:
                words.append(WordEvent(value[0] - 1, value[1], start))
        return Speech(samples.astype(np.float32) / 32768.0, self.rate, phonemes, words)

    def phonemes(self, text: str, voice: str) -> list[list[str]]:
        """IPA phonemes of each word of `text`, as eSpeak would say them.

        The whole text is converted at once, so that sounds that change across word
        boundaries (Korean liaison, French liaison) come out as spoken; when eSpeak's
        words do not line up with the text's (numbers, abbreviations), word by word.
        """
        self.set_voice(voice)
        words = text.split()
        whole = [w.split("_") for w in self._convert(text).split() if w.strip("_")]
        if len(whole) == len(words):
            return [[p for p in word if p] for word in whole]
        return [[p for p in self._convert(word).replace(" ", "_").split("_") if p]
                for word in words]

    def _convert(self, text: str) -> str:
        pointer = ctypes.c_char_p(text.encode())
        clauses = []
        while pointer.value:
            # Mode: IPA (bit 1), phonemes separated by "_" (bits 8-23).
            out = self.lib.espeak_TextToPhonemes(ctypes.byref(pointer), _CHARS_UTF8,
                                                 0x02 | (ord("_") << 8))
            if out:
                clauses.append(out.decode("utf-8", "replace"))
        return " ".join(clauses)

    def voices(self) -> list[str]:
        if self._voices:
            return self._voices
        import os

        import espeakng_loader

        names = set()
        for _folder, _dirs, files in os.walk(os.path.join(espeakng_loader.get_data_path(),
                                                          "lang")):
            names.update(name.lower() for name in files)
        self._voices = sorted(names)
        return self._voices


_engine: _ESpeak | None = None
_lock = threading.Lock()


def _get() -> _ESpeak:
    global _engine
    if _engine is None:
        _engine = _ESpeak()
    return _engine


def synthesize(text: str, voice: str = "en-us", speed: int = 165, pitch: int = 50) -> Speech:
    """Speak `text` with an eSpeak NG voice; words per minute `speed`, `pitch` 0-99.

    eSpeak varies its output slightly from call to call (a few samples in length), even
    with its random seed fixed; the phoneme timings returned match the samples returned.
    """
    if not text.strip():
        raise VoiceError("text: nothing to say")
    with _lock:
        return _get().synthesize(text, voice, speed, pitch)


def text_to_ipa(text: str, voice: str = "en-us") -> list[list[str]]:
    """The IPA phonemes (stress marks kept) of each whitespace-separated word of `text`."""
    with _lock:
        return _get().phonemes(text, voice)


def list_voices() -> list[str]:
    """The language voices eSpeak NG knows (e.g. en-us, ko, ja)."""
    with _lock:
        return _get().voices()
