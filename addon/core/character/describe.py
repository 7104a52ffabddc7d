"""A free description to a full character: each field from the words that speak of it.

The description is read by taggers trained on synthetic descriptions (read_tagged.py):
English over the sentence model's contextual word vectors (core.text.tagger,
scripts/train_character_text.py), Korean over Kiwi's morphemes
(core.text.morpheme_tagger, scripts/train_korean_text.py). Each says which words speak
of which field and option, so "a pensioner" is old, "a bride" a woman in a dress (unless
the text dresses her otherwise) and "빨간 재킷을 입은 할머니" an old woman in a red
jacket, with the words that said it and how sure. Ages said in numbers and colour names
are read by rule (core.text.ages, core.text.colours); hats are a closed vocabulary.
Explicit fields win over the description; what neither gives comes from defaults,
varied by the seed; what is described but not built is listed as left out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np

from ..text.ages import age_in
from ..text.colours import FABRIC, colour_in
from ..text.embed import INSTALL_HINT
from ..text.embed import available as english_model_installed
from ..text.korean import INSTALL_HINT as KOREAN_HINT
from ..text.korean import has_hangul, without_korean
from . import read_tagged
from .hair_colour import hair_family
from .spec import CharacterSpec

HAIR_RGB = {"blonde": (0.55, 0.38, 0.16), "brown": (0.1, 0.05, 0.025),
            "black": (0.012, 0.01, 0.01), "red": (0.35, 0.08, 0.02),
            "grey": (0.3, 0.3, 0.3), "white": (0.75, 0.75, 0.73)}
# The age that white or grey hair implies when the words give none.
HAIR_AGES = {"white": 72.0, "grey": 60.0}
# Colour names are a closed vocabulary read by rule (core.text.colours); the fabric
# palette, by its old name here.
COLORS = FABRIC
_DEFAULT_CLOTHES = {"top": ("long_sleeves", (0.15, 0.2, 0.3)),
                    "bottom": ("trousers", (0.05, 0.05, 0.07)),
                    "shoes": ("shoes", (0.03, 0.03, 0.03))}
# Shoes are always built; their colour is read from the words before a shoe word.
_SHOES = re.compile(r"((?:[\w'-]+\s+){0,3})(?:shoes|boots|sneakers|trainers|sandals|"
                    r"heels|loafers|brogues|slippers|clogs)\b|((?:\S+\s+){0,2})"
                    r"(?:신발|운동화|구두|부츠|샌들|스니커즈)", re.IGNORECASE)


@dataclass
class Resolved:
    """Every field of a character, where each came from, and notes for the user."""

    values: dict[str, object]
    sources: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    left_out: list[str] = field(default_factory=list)  # words for things not built

    def summary(self) -> str:
        """One line per field: value and source."""
        lines = []
        for name, value in self.values.items():
            shown = (f"{value:.2f}" if isinstance(value, float) else
                     "(" + ", ".join(f"{c:.2f}" for c in value) + ")"
                     if isinstance(value, tuple) else str(value))
            lines.append(f"{name}: {shown}  [{self.sources.get(name, 'default')}]")
        return "\n".join(lines + [f"note: {n}" for n in self.notes])

    def as_dict(self) -> dict:
        """Values (colours as lists), sources, notes and the words left out (not built),
        ready for JSON."""
        return {"values": {k: list(v) if isinstance(v, tuple) else v
                           for k, v in self.values.items()},
                "sources": self.sources, "notes": self.notes, "left_out": self.left_out}


# Hats are a closed vocabulary too, read as words: the kinds built, in the order they
# are tried (a "straw hat" is a sun hat before it is a hat), and headwear not built yet,
# which is reported rather than made into the nearest hat.
_HATS_NOT_BUILT = re.compile(
    r"\b(top hats?|berets?|helmets?|hard hats?|crowns?|tiaras?|turbans?|hijabs?|"
    r"head ?scarf|headscarves|bonnets?|graduation caps?|mortarboards?|swimming caps?|"
    r"shower caps?|chef'?s hats?|witch'?s hats?|wizard'?s hats?|party hats?|"
    r"headbands?|hoods? up)\b|베레모|헬멧|왕관|터번", re.IGNORECASE)
_HAT_WORDS = (
    ("beanie", re.compile(r"\b(beanies?|bobble hats?|woolly hats?|wooly hats?|wool(en)? "
                          r"hats?|knit(ted)? (hats?|caps?)|ski hats?|toques?|watch caps?|"
                          r"winter hats?|pom-?pom hats?)\b|비니|털모자", re.IGNORECASE)),
    ("sun_hat", re.compile(r"\b(sun ?hats?|straw hats?|panama( hats?)?|beach hats?|"
                           r"floppy hats?|"
                           r"wide-? ?brimmed hats?|sombreros?|bucket hats?)\b|밀짚\s*모자|"
                           r"챙\s*넓은\s*모자", re.IGNORECASE)),
    ("cap", re.compile(r"\b(baseball caps?|ball caps?|trucker caps?|snapbacks?|"
                       r"sports? caps?|caps?)\b|야구\s*모자|캡", re.IGNORECASE)),
    ("fedora", re.compile(r"\b(fedoras?|trilbys?|trilbies|homburgs?|bowlers?|pork-?pie|"
                          r"cowboy hats?|"
                          r"hats?)\b|중절모|모자", re.IGNORECASE)),
)
# Said to have no hat: read by rule, as the tagger learns hats but not their absence.
_NO_HAT = re.compile(
    r"\b(?:without|no|not wearing|not in|never wears?|doesn't wear|does not wear)\s+"
    r"(?:a\s+|any\s+|his\s+|her\s+)?(?:hats?|caps?|headwear|headgear)\b|"
    r"\bbare-?headed\b|\bhatless\b|\bhat off\b|"
    r"모자를?\s*(?:쓰지\s*않\S*|안\s*쓴|안\s*쓰\S*|벗은|벗고)|모자\s*없는|맨머리", re.IGNORECASE)
HAT_RGB = {"beanie": (0.06, 0.06, 0.07), "cap": (0.02, 0.04, 0.13),
           "sun_hat": (0.6, 0.45, 0.22), "fedora": (0.09, 0.06, 0.045)}


def resolve(spec: CharacterSpec) -> Resolved:
    """Every character field: explicit, else described, else default (varied by seed)."""
    rng = np.random.default_rng(spec.seed) if spec.seed else None
    values: dict[str, object] = {}
    sources: dict[str, str] = {}
    notes: list[str] = []
    text = spec.description.strip()
    if not text:
        notes.append("no description: fields not set by hand take their defaults")
    # Korean words are read by the Korean tagger; the rest (English) by the English one.
    english, korean = text, read_tagged.TaggedReading()
    if has_hangul(text):
        english = without_korean(text)
        if read_tagged.available():
            korean = read_tagged.read(text)
        else:
            notes.append(f"the Korean words were not read: the Korean analyser is not "
                         f"installed ({KOREAN_HINT})")
    tagged = read_tagged.TaggedReading()
    if english.strip(" ,.;"):
        if english_model_installed():
            tagged = read_tagged.read_english(english, text)
        else:
            notes.append(f"the English words were not read: the text model is not "
                         f"installed ({INSTALL_HINT})")
    described = {**tagged.described, **korean.described}
    # An age said in numbers or number words (English or Korean) is read by rule.
    said = age_in(text)
    if said is not None:
        described["age"] = (float(min(max(said[0], 1.0), 90.0)), 1.0, said[1], [])
    _implied(text, described)
    defaults = {"gender": 0.5, "age": 30.0, "height": 0.5, "weight": 0.5, "muscle": 0.5,
                "proportions": 0.5, "ancestry": "mixed", "skin_tone": 0.35,
                "eye_color": "brown"}
    for name, default in defaults.items():
        explicit = getattr(spec, name)
        if explicit is not None:
            values[name], sources[name] = explicit, "set by hand"
            if name in described:
                notes.append(f"{name}: set by hand, so the description's "
                             f"\"{described[name][2]}\" was not used")
        elif name in described:
            value, confidence, chunk, others = described[name]
            values[name] = value
            sources[name] = _said(chunk, confidence)
            clashing = sorted({f"\"{c}\"" for v, c in others if v != value and not (
                isinstance(v, float) and abs(v - value) <= 0.3 * max(abs(value), 1))})
            if clashing:
                notes.append(f"{name}: the description also says {', '.join(clashing)}; "
                             f"took \"{chunk}\", the clearest")
        else:
            values[name], sources[name] = _vary(name, default, rng), (
                "default" if rng is None else f"seed {spec.seed}")
    _hair(spec, described, values, sources, rng)
    _clothes(spec, values, sources, rng, {**tagged.garments, **korean.garments},
             _shoes_colour(text))
    # A crowd (seeded) has a few people in glasses; one character has none unless asked.
    _pick(spec, "glasses", described, values, sources, rng,
          ("none", "none", "none", "none", "rectangular", "round"))
    # "without a hat": its hat word is no hat, and the absence is what was said.
    no_hat = [m.group(0) for m in _NO_HAT.finditer(text)]
    hats = [h for h in tagged.hats + korean.hats
            if not any(h.strip().lower() in n.lower() for n in no_hat)]
    if not any(_hat_in(h) for h in hats):
        # Hats are a closed vocabulary: a hat word the tagger missed is still a hat.
        plain = _HATS_NOT_BUILT.sub(" ", _NO_HAT.sub(" ", text))  # a top hat is not built
        hats = [m.group(0) for _, words in _HAT_WORDS for m in words.finditer(plain)][:1]
    _hat(spec, hats, values, sources, no_hat[0] if no_hat else None)
    for words in tagged.left_out + korean.left_out:
        notes.append(f"left out: \"{words}\" (props, bags, jewellery, scarves, capes and "
                     f"other garments but tops, hoodies, jackets, coats, dresses, "
                     f"trousers, shorts, skirts, shoes, glasses and hats are not built "
                     f"yet)")
    if text and not any(s.startswith("description") for s in sources.values()):
        notes.append(f"nothing in \"{text}\" describes a person's body or clothes: "
                     f"defaults used")
    for name in ("rig", "face_shapes", "detail", "hair_density", "name", "seed"):
        values[name] = getattr(spec, name)
        sources[name] = "set by hand" if name in spec.model_fields_set else "default"
    return Resolved(values, sources, notes, tagged.left_out + korean.left_out)


def _said(chunk: str, confidence: float | str) -> str:
    """Where a reading came from: the words and how sure, or, for a reading implied by
    another, why."""
    why = confidence if isinstance(confidence, str) else f"{confidence:.0%} sure"
    return f"description: \"{chunk}\" ({why})"


def _implied(text: str, described: dict) -> None:
    """What one reading implies where the words say nothing else: a beard's colour is the
    hair's ("a white beard"), a beard says a man, white or grey hair an age ("a
    white-haired professor" is not thirty)."""
    if "facial_hair" in described and described["facial_hair"][0] != "none":
        kind, _, chunk, _ = described["facial_hair"]
        if "hair_color" not in described:
            before = " ".join(read_tagged.words_before(chunk, text)[-2:])
            family = hair_family(f"{before} {chunk}")
            if family is not None:
                described["hair_color"] = (family, f"the colour of the {kind}",
                                           f"{before} {chunk}".strip(), [])
        if "gender" not in described:
            described["gender"] = (1.0, f"a {kind} says a man", chunk, [])
    if "age" not in described and "hair_color" in described and \
            described["hair_color"][0] in HAIR_AGES:
        colour, _, chunk, _ = described["hair_color"]
        described["age"] = (HAIR_AGES[colour], f"the age {colour} hair says", chunk, [])


def _shoes_colour(text: str) -> tuple[float, float, float] | None:
    """The colour said just before a shoe word ("red sneakers", "검은 구두")."""
    for match in _SHOES.finditer(text):
        found = colour_in(match.group(0))
        if found is not None:
            return found[0]
    return None


def _colour_in(chunk: str) -> tuple[float, float, float] | None:
    found = colour_in(chunk)
    return None if found is None else found[0]


def _hat_in(chunk: str) -> str | None:
    """The kind of hat a phrase speaks of, if it is one that is built."""
    if _HATS_NOT_BUILT.search(chunk):
        return None
    return next((kind for kind, words in _HAT_WORDS if words.search(chunk)), None)


def _hat(spec, chunks, values, sources, no_hat: str | None = None) -> None:
    """The hat and its colour: explicit, else described (a hat, or `no_hat`: the words
    that said there is none), else none (and its kind's usual colour)."""
    said = [(kind, chunk) for chunk in chunks if (kind := _hat_in(chunk)) is not None]
    if spec.hat is not None:
        values["hat"], sources["hat"] = spec.hat, "set by hand"
    elif said:
        values["hat"], sources["hat"] = said[0][0], f"description: \"{said[0][1]}\""
    elif no_hat is not None:
        values["hat"], sources["hat"] = "none", f"description: \"{no_hat}\""
    else:
        values["hat"], sources["hat"] = "none", "default"
    colour = next((c for _, chunk in said if (c := _colour_in(chunk)) is not None), None)
    if spec.hat_color is not None:
        values["hat_color"], sources["hat_color"] = spec.hat_color, "set by hand"
    elif colour is not None:
        values["hat_color"], sources["hat_color"] = colour, sources["hat"]
    else:
        values["hat_color"] = HAT_RGB.get(values["hat"], HAT_RGB["beanie"])
        sources["hat_color"] = "the hat's usual colour"


def _hair(spec, described, values, sources, rng) -> None:
    """Hair: explicit, else described, else short; its colour likewise, else grey for
    the old and brown (or a seeded pick) for the rest."""
    hair_words = {"hair", "hair_color", "hair_texture"} & set(described)
    if spec.hair is not None:
        values["hair"], sources["hair"] = spec.hair, "set by hand"
    elif "hair" in described:
        kind, confidence, chunk, _ = described["hair"]
        values["hair"], sources["hair"] = kind, _said(chunk, confidence)
    else:
        female = values["gender"] < 0.5
        if rng is None:
            kind = "shoulder" if female else "short"
        else:
            kind = str(rng.choice(["bob", "shoulder", "long", "ponytail", "bun"] if female
                                  else ["buzz", "short", "short", "shoulder"]))
        values["hair"] = kind
        if hair_words:  # "blonde hair": hair, of the default cut
            chunk = described[sorted(hair_words)[0]][2]
            sources["hair"] = f"description: \"{chunk}\" (the cut by default)"
        else:
            sources["hair"] = "default" if rng is None else f"seed {spec.seed}"
    _pick(spec, "hair_texture", described, values, sources, rng,
          {"african": ("coily", "curly"), "asian": ("straight", "straight", "wavy"),
           "european": ("straight", "wavy", "curly"),
           "mixed": ("straight", "wavy", "curly", "coily")}[values["ancestry"]])
    parts = (("left", "right", "centre") if values["hair"] in ("buzz", "short")
             else ("centre", "left", "right"))
    _pick(spec, "hair_part", {}, values, sources, rng, parts)
    if values["gender"] < 0.5 or values["age"] < 16:
        facial = ("none",)
    else:
        facial = ("none", "none", "stubble", "moustache", "beard")
    _pick(spec, "facial_hair", described, values, sources, rng, facial)
    if spec.hair_color is not None:
        values["hair_color"], sources["hair_color"] = spec.hair_color, "set by hand"
    elif "hair_color" in described:
        name, confidence, chunk, _ = described["hair_color"]
        values["hair_color"] = HAIR_RGB[name]
        sources["hair_color"] = _said(chunk, confidence)
    elif values["age"] >= 65:
        values["hair_color"], sources["hair_color"] = HAIR_RGB["grey"], "grey with age"
    elif rng is not None:
        values["hair_color"] = HAIR_RGB[str(rng.choice(["blonde", "brown", "black", "red"]))]
        sources["hair_color"] = f"seed {spec.seed}"
    else:
        values["hair_color"], sources["hair_color"] = HAIR_RGB["brown"], "default"


def _pick(spec, name, described, values, sources, rng, choices) -> None:
    """A field that is explicit, else described, else the first choice (or a seeded
    pick among the choices)."""
    if getattr(spec, name) is not None:
        values[name], sources[name] = getattr(spec, name), "set by hand"
    elif name in described:
        value, confidence, chunk, _ = described[name]
        values[name] = value
        sources[name] = _said(chunk, confidence)
    elif rng is None:
        values[name], sources[name] = choices[0], "default"
    else:
        values[name], sources[name] = str(rng.choice(list(choices))), f"seed {spec.seed}"


def _vary(name: str, default, rng):
    if rng is None:
        return default
    if name == "gender":
        return float(rng.choice([0.0, 1.0]))
    if name == "age":
        return float(rng.uniform(20, 65))
    if name == "ancestry":
        return str(rng.choice(["mixed", "african", "asian", "european"]))
    if name == "skin_tone":
        return round(float(rng.uniform(0.05, 0.95)), 3)
    if name == "eye_color":
        return str(rng.choice(["brown", "hazel", "amber", "green", "blue", "grey"]))
    return round(float(np.clip(default + rng.normal(0, 0.15), 0, 1)), 3)


def _clothes(spec, values, sources, rng, found, shoes_colour) -> None:
    """Top, bottom and shoes: explicit, else described (the taggers' garments: (kind,
    colour, confidence, words) by slot), else default (or seeded)."""
    for slot in ("top", "bottom", "shoes"):
        kind, colour = _DEFAULT_CLOTHES[slot]
        source = "default"
        if rng is not None:
            colour = tuple(round(float(c), 3) for c in rng.uniform(0.02, 0.7, 3))
            source = f"seed {spec.seed}"
        if slot in found:
            kind, said, confidence, words = found[slot]
            source = f"description: \"{words}\" ({confidence:.0%} sure)"
            colour = said or colour
        if slot == "shoes" and shoes_colour is not None:
            colour, source = shoes_colour, "description (the shoes' colour)"
        if found.get("top", ("",))[0] == "dress" and slot == "bottom" and \
                "bottom" not in found:
            kind, colour, source = "none", colour, "the dress covers the legs"
        if slot != "shoes":
            explicit_kind = getattr(spec, slot)
            values[slot] = explicit_kind if explicit_kind is not None else kind
            sources[slot] = "set by hand" if explicit_kind is not None else source
        explicit_colour = getattr(spec, f"{slot}_color")
        values[f"{slot}_color"] = explicit_colour if explicit_colour is not None else colour
        sources[f"{slot}_color"] = "set by hand" if explicit_colour is not None else source
