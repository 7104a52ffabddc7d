"""Character descriptions read by the taggers: the English tagger (core.text.tagger,
trained by scripts/train_character_text.py) and the Korean one (core.text.morpheme_tagger,
trained by scripts/train_korean_text.py); their spans turned into the character reader's
fields.

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
from ..text.tagger import Tag, TokenTagger
from .hair_colour import hair_family

# A morpheme (or word piece) must give its option at least this probability to count.
THRESHOLD = 0.5
# The confidence shown is the tagger's probability softened by a temperature per
# language, fitted on the calibration sets (scripts/bench_character_text.py --calibrate):
# of readings shown as 90% sure, about 90% should be right. English: 1.4 (2026-12-07,
# the three-member tagger; 61 of 62 readings right; 1.65 for the single tagger before).
# Korean: 1.0, as no Korean calibration reading was wrong (43 of 43), so a fit could
# only sharpen the odds without evidence.
TEMPERATURE = {"en": 1.4, "ko": 1.0}
AGES = {"baby": 2.0, "child": 8.0, "teen": 16.0, "young": 24.0, "thirties": 35.0,
        "middle": 50.0, "old": 75.0}
NUMBERS = {"gender": {"female": 0.0, "male": 1.0}, "age": AGES,
           "weight": {"thin": 0.15, "heavy": 0.85}, "muscle": {"muscular": 0.9},
           "height": {"short": 0.3, "tall": 0.72},
           "skin_tone": {"very_pale": 0.08, "light": 0.25, "olive": 0.45, "tan": 0.55,
                         "brown": 0.72, "dark": 0.92}}
# Fields read as they are (the option is the value; hair_color is a name of HAIR_RGB).
NAMED = ("hair", "hair_color", "hair_texture", "facial_hair", "glasses", "eye_color",
         "ancestry")


@dataclass
class TaggedReading:
    """What the tagged words said: fields as (value, confidence, words, others), garments
    by slot as (kind, colour or None, confidence, words), hat spans, things not built."""

    described: dict[str, tuple] = field(default_factory=dict)
    garments: dict[str, tuple] = field(default_factory=dict)
    hats: list[str] = field(default_factory=list)
    left_out: list[str] = field(default_factory=list)


@functools.lru_cache(maxsize=1)
def _tagger() -> MorphemeTagger:
    return MorphemeTagger(Path(__file__).with_name("text_tagger_ko.npz"), THRESHOLD)


@functools.lru_cache(maxsize=1)
def _english_tagger() -> TokenTagger:
    return TokenTagger(Path(__file__).with_name("text_tagger.npz"), THRESHOLD)



def read(text: str) -> TaggedReading:
    """The Korean tagger's reading of a description."""
    return reading_of(_tagger().tag_all(text), text, TEMPERATURE["ko"])


def read_english(text: str) -> TaggedReading:
    """The English tagger's reading of a description."""
    return reading_of(_english_tagger().tag_all(text), text, TEMPERATURE["en"])


def shown(probability: float, temperature: float) -> float:
    """The confidence shown for a tagger's probability: the odds softened by the
    temperature (1 leaves it as it is)."""
    p = min(max(probability, 1e-6), 1 - 1e-6)
    a, b = p ** (1 / temperature), (1 - p) ** (1 / temperature)
    return a / (a + b)


def reading_of(found: dict[str, list[Tag]], text: str = "",
               temperature: float = 1.0) -> TaggedReading:
    """A tagger's spans as the character's fields. A garment's colour is the one its
    surest span names, else another span of the same kind ("a bride in a long white
    gown": the role says a dress, the gown its colour). What a role implies (a bride's
    dress, a monk's shaved head) counts where nothing names that field."""
    reading = TaggedReading()
    found = {name: [Tag(t.option, shown(t.confidence, temperature), t.words) for t in tags]
             for name, tags in found.items()}
    for name, tags in found.items():
        tags = sorted(tags, key=lambda t: -t.confidence)
        best = tags[0]
        if name == "hair_color":
            # The tagger says which words speak of the hair's colour; the colour they
            # name is read by rule, from the surest span that names one.
            named = next(((family, t) for t in tags
                          if (family := hair_family(t.words)) is not None), None)
            if named is not None:
                best = Tag(named[0], named[1].confidence, named[1].words)
                tags = [best] + [t for t in tags if t is not named[1]]
        if name in NUMBERS or name in NAMED:
            value = NUMBERS[name][best.option] if name in NUMBERS else best.option
            others = [(NUMBERS[name][t.option] if name in NUMBERS else t.option, t.words)
                      for t in tags[1:]]
            reading.described[name] = (value, best.confidence, best.words, others)
        elif name in ("top", "bottom", "shoes"):
            colour = next((c for t in tags if t.option == best.option and
                           (c := _colour(t.words, text)) is not None), None)
            reading.garments[name] = (best.option, colour, best.confidence, best.words)
        elif name == "hat":
            reading.hats += [t.words for t in tags]
        elif name == "not_built":
            # Words another field took as something built ("a hat") are not left out.
            built = {t.words for other in ("top", "bottom", "hat")
                     for t in found.get(other, [])}
            reading.left_out += [t.words for t in tags if t.words not in built]
    role_top, role_hair = found.get("role_top"), found.get("role_hair")
    if role_top and "top" not in reading.garments:
        best = max(role_top, key=lambda t: t.confidence)
        reading.garments["top"] = (best.option, _colour(best.words, text),
                                   best.confidence, best.words)
    if role_hair and "hair" not in reading.described:
        best = max(role_hair, key=lambda t: t.confidence)
        reading.described["hair"] = (best.option, best.confidence, best.words, [])
    return reading


def _colour(words: str, text: str = ""):
    """The colour a garment's words name, else the one the word just before them names
    ("a red trouser suit": the tagger's span may start after the colour), with its
    modifier ("light blue"); a colour further back is another garment's ("노란 티셔츠와
    반바지": the shorts are not yellow)."""
    found = colour_in(words)
    if found is None and text:
        at = text.lower().find(words.lower())
        before = re.split(r"[,;.]|\band\b|\bwith\b|\bin\b|\bwearing\b",
                          text[:at])[-1].split()[-2:] if at > 0 else []
        if before and colour_in(before[-1]) is not None:
            found = colour_in(" ".join(before))
    return None if found is None else found[0]


def available() -> bool:
    """Whether Korean can be read here (the analyser is installed)."""
    return korean.available()
