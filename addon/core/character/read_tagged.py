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
# of readings shown as 90% sure, about 90% should be right. English: 1.65 (2026-12-07,
# the three-member tagger as retrained that day; 64 of 67 readings right).
# Korean: 1.0, as no Korean calibration reading was wrong (43 of 43), so a fit could
# only sharpen the odds without evidence.
TEMPERATURE = {"en": 1.65, "ko": 1.0}
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
    """The Korean tagger's reading of a description: of its Korean words only (in "a 빨간
    hoodie" the English words are the English tagger's)."""
    found = {name: kept for name, tags in _tagger().tag_all(text).items()
             if (kept := [t for t in tags if korean.has_hangul(t.words)])}
    return reading_of(found, text, TEMPERATURE["ko"])


def read_english(text: str, whole: str | None = None) -> TaggedReading:
    """The English tagger's reading of a description (`text`: its English words; `whole`:
    the description as written, where a garment's colour may be a Korean word)."""
    return reading_of(_english_tagger().tag_all(text), whole or text, TEMPERATURE["en"])


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
    if "hair_color" not in reading.described and "hair" in reading.described:
        # "a short black bob": the colour word inside or just before the cut's words.
        _, sure, words, _ = reading.described["hair"]
        family = hair_family(words)
        near = " ".join(words_before(words, text)[-2:]) if text else ""
        if family is None and near and (family := hair_family(near)) is not None:
            words = f"{near} {words}"
        if family is not None:
            reading.described["hair_color"] = (family, sure, words, [])
    role_top, role_hair = found.get("role_top"), found.get("role_hair")
    if role_top and "top" not in reading.garments:
        best = max(role_top, key=lambda t: t.confidence)
        reading.garments["top"] = (best.option, _colour(best.words, text),
                                   best.confidence, best.words)
    if role_hair and "hair" not in reading.described:
        best = max(role_hair, key=lambda t: t.confidence)
        reading.described["hair"] = (best.option, best.confidence, best.words, [])
    return reading


# Words that may stand between a colour and its garment ("a brown tweed coat", "a white
# double-breasted jacket", "흰 교복 블라우스"): fabrics, patterns, cuts and fits.
GARMENT_WORDS = set("""tweed linen wool woollen woolen cotton silk satin velvet leather suede
denim corduroy cord flannel fleece knit knitted cable-knit cashmere lace nylon polyester
plaid checked check striped stripy floral spotted polka-dot tartan paisley herringbone
long short longline cropped oversized baggy loose tight fitted slim-fit skinny pleated
double-breasted single-breasted breasted double single hooded zip-up zipped buttoned
button-down button-up sleeveless long-sleeved short-sleeved quilted padded puffer
waterproof rain trench field bomber school work winter summer light heavy thin thick warm
smart casual formal old new worn faded ripped torn vintage classic simple plain little
big wrap wedding evening ball maxi midi mini polo tennis running sports track v-neck
crew-neck turtleneck 교복 정장 면 울 니트 가죽 청 체크 줄무늬 꽃무늬 긴 짧은 두꺼운 얇은
긴팔 반팔 오버사이즈""".split())


def _colour(words: str, text: str = ""):
    """The colour a garment's words name, else the one named just before them, past
    words of its kind ("a brown tweed coat": the tagger's span may start after the colour
    and its fabric); a colour further back, past any other word, belongs to something
    else ("노란 티셔츠와 반바지": the shorts are not yellow)."""
    found = colour_in(words)
    if found is None and text:
        before = words_before(words, text)
        for index in range(len(before) - 1, -1, -1):
            if colour_in(before[index]) is not None:
                found = colour_in(" ".join(before[max(0, index - 1):index + 1]))
                break
            if before[index].lower().strip(",-") not in GARMENT_WORDS:
                break
    return None if found is None else found[0]


def words_before(words: str, text: str) -> list[str]:
    """The words of `text` before the span `words`, back to the clause's start (a comma,
    "and", "with", "in", "wearing"). A span the text does not hold as it is (its Korean
    words were read apart: "a 빨간 hoodie") is found by its last word."""
    lowered = text.lower()
    # As whole words: the "tee" of "a white tee" is not the one in "fourteen" (Korean
    # words carry their particles: "스웨터를").
    match = re.search(rf"(?<![a-z0-9]){re.escape(words.lower())}(?![a-z0-9])", lowered)
    if match is None and words.split():
        last = words.split()[-1].lower()
        match = re.search(rf"(?<![a-z0-9]){re.escape(last)}(?![a-z0-9])", lowered)
    at = match.start() if match else -1
    if at <= 0:
        return []
    clause = re.split(r"[,;.]|\band\b|\bwith\b|\bin\b|\bwearing\b|\bover\b",
                      text[:at])[-1]
    return re.findall(r"[\w'-]+", clause)


def available() -> bool:
    """Whether Korean can be read here (the analyser is installed)."""
    return korean.available()
