"""Korean character descriptions: the Korean tagger's spans (core.text.morpheme_tagger,
trained by scripts/train_korean_text.py) turned into the character reader's fields.

"빨간 재킷을 입은 키 큰 할머니" -> gender female and age 72 from "할머니", height from "키
큰", the top a jacket from "빨간 재킷" and red by the colour rule (core.text.colours).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from pathlib import Path

from ..text import korean
from ..text.colours import colour_in
from ..text.morpheme_tagger import MorphemeTagger

# A morpheme must give its option at least this probability to count.
THRESHOLD = 0.5
AGES = {"baby": 2.0, "child": 8.0, "teen": 16.0, "young": 24.0, "thirties": 35.0,
        "middle": 50.0, "old": 72.0}
NUMBERS = {"gender": {"female": 0.0, "male": 1.0}, "age": AGES,
           "weight": {"thin": 0.15, "heavy": 0.85}, "muscle": {"muscular": 0.9},
           "height": {"short": 0.3, "tall": 0.72}}
# Fields read as they are (the option is the value; hair_color is a name of HAIR_RGB).
NAMED = ("hair", "hair_color", "hair_texture", "facial_hair", "glasses")
_HANGUL_WORD = re.compile(r"\S*[\uac00-\ud7a3\u3131-\u318e]\S*")


@dataclass
class KoreanReading:
    """What the Korean words said: fields as (value, confidence, words, others), garments
    by slot as (kind, colour or None, confidence, words), hat spans, things not built."""

    described: dict[str, tuple] = field(default_factory=dict)
    garments: dict[str, tuple] = field(default_factory=dict)
    hats: list[str] = field(default_factory=list)
    left_out: list[str] = field(default_factory=list)


@functools.lru_cache(maxsize=1)
def _tagger() -> MorphemeTagger:
    return MorphemeTagger(Path(__file__).with_name("text_tagger_ko.npz"), THRESHOLD)


def without_korean(text: str) -> str:
    """The text with its Korean words taken out (what is left is read in English)."""
    return re.sub(r"\s+", " ", _HANGUL_WORD.sub(" ", text)).strip(" ,")


def read(text: str) -> KoreanReading:
    """The Korean tagger's reading of a description."""
    reading = KoreanReading()
    for name, tags in _tagger().tag_all(text).items():
        tags = sorted(tags, key=lambda t: -t.confidence)
        if name in NUMBERS or name in NAMED:
            best = tags[0]
            value = NUMBERS[name][best.option] if name in NUMBERS else best.option
            others = [(NUMBERS[name][t.option] if name in NUMBERS else t.option, t.words)
                      for t in tags[1:]]
            reading.described[name] = (value, best.confidence, best.words, others)
        elif name in ("top", "bottom"):
            best = tags[0]
            reading.garments[name] = (best.option, _colour(best.words), best.confidence,
                                      best.words)
        elif name == "hat":
            reading.hats += [t.words for t in tags]
        elif name == "not_built":
            reading.left_out += [t.words for t in tags]
    return reading


def _colour(words: str):
    found = colour_in(words)
    return None if found is None else found[0]


def available() -> bool:
    """Whether Korean can be read here (the analyser is installed)."""
    return korean.available()
