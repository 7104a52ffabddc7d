"""A free description to a full character: each field from the words that speak of it.

The description is cut into phrases ("a tall elderly woman", "dark skin", "a red
jacket") and each phrase is compared, with a sentence-embedding model, to example
phrases for every field's options; a field counts as described when its best option is
clearly closer than a neutral phrase ("a person", "clothes"). So "a pensioner" is old
and "a hoodie" a long-sleeved top without either word being listed. Colours are the one
closed vocabulary and are read as words. Explicit fields win over the description;
what neither gives comes from defaults, varied by the seed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np

from ..text.ages import age_in
from ..text.colours import FABRIC, colour_in
from ..text.embed import embedder
from ..text.korean import INSTALL_HINT as KOREAN_HINT
from ..text.korean import has_hangul
from ..text.options import best_option, option_table
from . import read_korean
from .spec import CharacterSpec

# (example phrases, value) per option; the neutral phrases say "nothing about it".
_PERSON = ["a person", "someone", "a human"]
_FIELDS: dict[str, tuple[list[tuple[list[str], object]], list[str]]] = {
    "gender": ([(["a woman", "a girl", "a lady", "a female", "she", "a mother",
                 "a grandmother"], 0.0),
                (["a man", "a boy", "a gentleman", "a male", "he", "a father",
                  "a grandfather"], 1.0)], _PERSON),
    "age": ([(["a baby", "an infant", "a toddler"], 2.0),
             (["a child", "a little kid", "a schoolchild"], 9.0),
             (["a teenager", "an adolescent", "a teen"], 16.0),
             (["a young adult", "a person in their twenties", "a student"], 24.0),
             (["a person in their thirties", "a thirty-something"], 35.0),
             (["a middle-aged person", "a person in their forties or fifties"], 50.0),
             (["an elderly person", "an old person", "a senior citizen",
               "a grandmother", "a grandfather"], 75.0)], _PERSON),
    "height": ([(["a short person", "a person of small stature", "a tiny person"], 0.3),
                (["a tall person", "a very tall person", "a towering person"], 0.72)],
               _PERSON),
    "weight": ([(["a thin person", "a skinny person", "a slender person", "a slim person"],
                 0.15),
                (["an overweight person", "a fat person", "a chubby person",
                  "a heavy-set person", "a plump person", "a stocky person",
                  "a stout person"], 0.85)], _PERSON),
    "muscle": ([(["a muscular person", "a bodybuilder", "a strong athletic person",
                  "a well-built person"], 0.9)], _PERSON),
    "ancestry": ([(["a person of African descent", "a Black African person",
                    "a Nigerian person", "a Kenyan person"], "african"),
                  (["a person of East Asian descent", "a Korean person",
                    "a Japanese person", "a Chinese person"], "asian"),
                  (["a person of European descent", "a white European person",
                    "a Scandinavian person", "an Italian person"], "european")], _PERSON),
    "skin_tone": ([(["very pale skin", "porcelain skin", "fair skin"], 0.08),
                   (["light skin", "a light complexion"], 0.25),
                   (["olive skin", "an olive complexion"], 0.45),
                   (["tanned skin", "a tan complexion", "sun-tanned skin"], 0.55),
                   (["brown skin", "a brown complexion"], 0.72),
                   (["dark skin", "a dark complexion", "deep ebony skin",
                     "very dark skin"], 0.92)], ["skin", "a complexion", "a person"]),
    "eye_color": ([(["brown eyes", "dark eyes", "brown-eyed"], "brown"),
                   (["hazel eyes"], "hazel"), (["amber eyes", "golden eyes"], "amber"),
                   (["green eyes", "green-eyed"], "green"),
                   (["blue eyes", "blue-eyed", "bright blue eyes"], "blue"),
                   (["grey eyes", "gray eyes", "grey-eyed"], "grey")],
                  ["eyes", "a person", "a face"]),
    "hair": ([(["bald", "a bald head", "hairless", "a clean-shaven head"], "none"),
              (["a buzz cut", "a shaved head", "a crew cut", "cropped hair"], "buzz"),
              (["short hair", "a short haircut", "a pixie cut", "a quiff", "an afro",
                "a big afro"], "short"),
              (["a bob", "a bob cut", "chin-length hair"], "bob"),
              (["shoulder-length hair", "medium-length hair", "a shag"], "shoulder"),
              (["long hair", "flowing hair", "waist-length hair", "long locks"], "long"),
              (["a ponytail", "hair tied back", "hair pulled back in a tail"], "ponytail"),
              (["a bun", "hair in a bun", "a top knot", "hair up in a chignon"], "bun"),
              (["a braid", "a plait", "braided hair", "a pigtail"], "braid")],
             ["a person", "a face", "eyes"]),
    "hair_texture": ([(["straight hair", "sleek hair", "poker-straight hair"], "straight"),
                      (["wavy hair", "waves", "loose waves"], "wavy"),
                      (["curly hair", "curls", "ringlets"], "curly"),
                      (["coily hair", "an afro", "kinky hair", "tight coils"], "coily")],
                     ["hair", "a person", "a haircut"]),
    "facial_hair": ([(["clean-shaven", "a smooth shaven face"], "none"),
                     (["stubble", "unshaven", "a five o'clock shadow"], "stubble"),
                     (["a moustache", "a mustache", "a handlebar moustache"], "moustache"),
                     (["a beard", "bearded", "a full beard", "a goatee"], "beard")],
                    ["a person", "a face", "hair"]),
    "glasses": ([(["glasses", "spectacles", "eyeglasses", "reading glasses",
                   "wearing glasses", "bespectacled", "rectangular glasses",
                   "square glasses", "thick-rimmed glasses", "horn-rimmed glasses"],
                  "rectangular"),
                 (["round glasses", "round spectacles", "round wire-rimmed glasses",
                   "little round glasses"], "round")],
                ["a person", "a face", "eyes"]),
    "hair_color": ([(["blonde hair", "blond hair", "fair hair", "a blonde"], "blonde"),
                    (["brown hair", "brunette hair", "a brunette"], "brown"),
                    (["black hair", "jet-black hair", "dark hair"], "black"),
                    (["red hair", "ginger hair", "auburn hair", "a redhead"], "red"),
                    (["grey hair", "gray hair", "silver hair", "greying hair"], "grey"),
                    (["white hair", "snow-white hair"], "white")],
                   ["hair", "a person", "a haircut"]),
}
HAIR_RGB = {"blonde": (0.55, 0.38, 0.16), "brown": (0.1, 0.05, 0.025),
            "black": (0.012, 0.01, 0.01), "red": (0.35, 0.08, 0.02),
            "grey": (0.3, 0.3, 0.3), "white": (0.75, 0.75, 0.73)}
_GARMENTS: list[tuple[list[str], str, str]] = [  # (examples, slot, kind)
    (["a sweater", "a long-sleeved shirt", "a cardigan", "a jumper", "a pullover",
      "a blouse"], "top", "long_sleeves"),
    (["a jacket", "a blazer", "a suit jacket", "an open jacket", "a sport coat",
      "a business suit", "a suit", "a denim jacket", "a leather jacket"], "top", "jacket"),
    (["a coat", "an overcoat", "a long coat", "a trench coat", "a raincoat", "a parka",
      "a lab coat", "a white coat", "a winter coat", "a wool coat"], "top", "coat"),
    (["a hoodie", "a hooded sweatshirt", "a hooded top", "a hoody"], "top", "hoodie"),
    (["a t-shirt", "a short-sleeved shirt", "a tank top", "a polo shirt", "a vest top"],
     "top", "short_sleeves"),
    (["a dress", "a gown", "a sundress"], "top", "dress"),
    (["trousers", "jeans", "pants", "slacks", "leggings"], "bottom", "trousers"),
    (["shorts", "short pants", "bermuda shorts"], "bottom", "shorts"),
    (["a skirt", "a miniskirt", "a long skirt"], "bottom", "skirt"),
    (["shoes", "boots", "sneakers", "sandals", "trainers"], "shoes", "shoes"),
]
# What people wear or carry that is not built: a phrase nearest one of these is reported,
# not made into the nearest garment that is ("a cape" is not a hoodie).
_NOT_BUILT = ["a cape", "a cloak", "a scarf", "a shawl", "a kilt", "an apron", "a poncho",
              "a kimono", "a hanbok", "a sari", "a toga", "a robe", "a tie", "a bow tie",
              "gloves", "mittens", "a backpack", "a bag", "a handbag", "an umbrella",
              "a belt", "a necklace", "a wristwatch", "a uniform with medals", "wings",
              "armour", "a costume", "overalls", "a swimsuit", "a bikini", "pyjamas"]
_CLOTHING_NEUTRAL = ["a person", "someone", "skin", "eyes", "hair"]
# Colour names are a closed vocabulary read by rule (core.text.colours); the fabric
# palette, by its old name here.
COLORS = FABRIC
_DEFAULT_CLOTHES = {"top": ("long_sleeves", (0.15, 0.2, 0.3)),
                    "bottom": ("trousers", (0.05, 0.05, 0.07)),
                    "shoes": ("shoes", (0.03, 0.03, 0.03))}
_SPLIT = re.compile(r"[,;.]|\b(?:and|with|wearing|in|who|has|having|dressed|plus|but)\b",
                    re.IGNORECASE)
MARGIN = 0.06  # best option over the neutral phrase: below this the field is not described
TEMPERATURE = 0.05


@dataclass
class Resolved:
    """Every field of a character, where each came from, and notes for the user."""

    values: dict[str, object]
    sources: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

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
        """Values (colours as lists), sources and notes, ready for JSON."""
        return {"values": {k: list(v) if isinstance(v, tuple) else v
                           for k, v in self.values.items()},
                "sources": self.sources, "notes": self.notes}


def phrases(description: str) -> list[str]:
    """The description cut at commas and linking words ("with", "in", "wearing"...)."""
    return [p.strip() for p in _SPLIT.split(description) if p and p.strip(" -'")]


def _best(chunks, options, neutral):
    match = best_option(chunks, options, neutral, MARGIN, TEMPERATURE)
    return None if match is None else (match.value, match.confidence, match.phrase,
                                       match.others)


def _colour_in(chunk: str) -> tuple[float, float, float] | None:
    found = colour_in(chunk)
    return None if found is None else found[0]


_TOPICS = {
    "person": ["a woman", "a man", "a child", "an old person", "a tall person",
               "a muscular person", "a person"],
    "skin": ["dark skin", "pale skin", "a complexion", "skin tone", "tanned skin"],
    "eyes": ["blue eyes", "brown eyes", "eyes", "green-eyed"],
    "hair": ["hair", "blonde hair", "grey hair", "bald", "a ponytail", "curly hair",
             "a bob", "a bun", "a beard", "a moustache", "stubble", "an afro"],
    "clothing": [e for examples, _, _ in _GARMENTS for e in examples],
    "accessories": ["glasses", "spectacles", "round glasses", "eyeglasses"],
    "other": ["a walking stick", "holding a cup", "a dog", "a hat", "a bag",
              "standing", "smiling"],
}
_GLASSES_WORDS = re.compile(r"\bglasses\b|eyeglass|spectacle|\bspecs\b|안경", re.IGNORECASE)
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
                           r"wide-? ?brimmed hats?|sombreros?|bucket hats?)\b|밀짚\s*모자|"
                           r"챙\s*넓은\s*모자", re.IGNORECASE)),
    ("cap", re.compile(r"\b(baseball caps?|ball caps?|trucker caps?|snapbacks?|"
                       r"sports? caps?|caps?)\b|야구\s*모자|캡", re.IGNORECASE)),
    ("fedora", re.compile(r"\b(fedoras?|trilbys?|trilbies|homburgs?|cowboy hats?|"
                          r"hats?)\b|중절모|모자", re.IGNORECASE)),
)
_HAIR_WORDS = re.compile(
    r"hair|bald|buzz|crew cut|shave|shaven|\bcut\b|\bcrop|pony ?tail|\bbuns?\b|"
    r"top ?knot|chignon|braid|plait|pigtail|afro|curl|ringlet|\blocks\b|dreadlock|"
    r"cornrow|mohawk|fringe|bangs|beard|moustache|mustache|stubble|goatee|sideburn|"
    r"blond|brunette|redhead|ginger|\bbob\b|pixie|quiff|shag|mullet|wav|straight|"
    r"coil|kinky|frizz|bouffant|undercut|\bfade\b|머리|헤어|대머리|수염|단발|포니테일|"
    r"곱슬|생머리|땋은", re.IGNORECASE)
HAT_RGB = {"beanie": (0.06, 0.06, 0.07), "cap": (0.02, 0.04, 0.13),
           "sun_hat": (0.6, 0.45, 0.22), "fedora": (0.09, 0.06, 0.045)}
_PERSON_FIELDS = ("gender", "age", "height", "weight", "muscle", "ancestry")
_STOP = {"a", "an", "the", "his", "her", "their", "its", "of", "very", "quite", "rather",
         "person", "someone", "looking"}
# A word may speak to several fields ("grandmother": female and old) but only to those
# nearly as clearly as to its best one ("chubby" is heavy, not muscular).
SHARE = 0.5


def topic(chunk: str) -> str:
    """What a phrase is about: person, skin, eyes, clothing or other."""
    embed = embedder()
    names = list(_TOPICS)
    sims = [float((embed([chunk]) @ embed(_TOPICS[n]).T).max()) for n in names]
    return names[int(np.argmax(sims))]


def _items(chunk: str) -> list[str]:
    """A person phrase's words and word pairs ("in his thirties" -> "thirties", ...)."""
    words = [w for w in re.findall(r"[\w'-]+", chunk.lower()) if w not in _STOP]
    return words + [f"{a} {b}" for a, b in zip(words, words[1:], strict=False)]


def _person_lift(chunk: str) -> float:
    lifts = []
    for name in _PERSON_FIELDS:
        table, neutral = option_table([chunk], *_FIELDS[name])
        lifts.append(float(table.max() - neutral[0]))
    return max(lifts)


def _garment_lift(chunk: str) -> float:
    options = [(examples, kind) for examples, _, kind in _GARMENTS]
    table, neutral = option_table([chunk], options, _CLOTHING_NEUTRAL)
    return float(table.max() - neutral[0])


def _person_fields(chunks: list[str]) -> dict[str, tuple]:
    items = [item for chunk in chunks for item in _items(chunk)]
    if not items:
        return {}
    lifts, tables = {}, {}
    for name in _PERSON_FIELDS:
        options, neutral = _FIELDS[name]
        table, neutral_sims = option_table(items, options, neutral)
        tables[name] = table
        lifts[name] = table.max(axis=1) - neutral_sims
    best_per_item = np.max(np.stack(list(lifts.values())), axis=0)
    found = {}
    for name in _PERSON_FIELDS:
        options = _FIELDS[name][0]
        claims = [(float(lifts[name][i]), i) for i in range(len(items))
                  if lifts[name][i] >= MARGIN and lifts[name][i] >= SHARE * best_per_item[i]]
        if not claims:
            continue
        claims.sort(reverse=True)
        _, row = claims[0]
        col = int(tables[name][row].argmax())
        weights = np.exp((tables[name][row] - tables[name][row].max()) / TEMPERATURE)
        others = [(options[int(tables[name][i].argmax())][1], items[i]) for _, i in claims[1:]]
        found[name] = (options[col][1], float(weights[col] / weights.sum()), items[row],
                       others)
    return found


def resolve(spec: CharacterSpec) -> Resolved:
    """Every character field: explicit, else described, else default (varied by seed)."""
    rng = np.random.default_rng(spec.seed) if spec.seed else None
    values: dict[str, object] = {}
    sources: dict[str, str] = {}
    notes: list[str] = []
    # Korean words are read by the Korean tagger; the rest (English) by the English one.
    english, korean = spec.description, read_korean.KoreanReading()
    if has_hangul(spec.description):
        english = read_korean.without_korean(spec.description)
        if read_korean.available():
            korean = read_korean.read(spec.description)
        else:
            notes.append(f"the Korean words were not read: the Korean analyser is not "
                         f"installed ({KOREAN_HINT})")
    chunks = phrases(english)
    if not spec.description.strip():
        notes.append("no description: fields not set by hand take their defaults")
    topics = {chunk: topic(chunk) for chunk in chunks}
    for chunk in chunks:
        # A lone adjective between commas ("a bald, short, stocky man") describes the
        # person even when it sounds like a garment ("short" / "shorts").
        if topics[chunk] == "clothing" and len(_items(chunk)) == 1 and \
                _person_lift(chunk) > _garment_lift(chunk):
            topics[chunk] = "person"
        # Glasses are a closed vocabulary: without one of its words a phrase is not
        # about them, however close it sounds (nonsense came out "76% glasses").
        if topics[chunk] == "accessories" and not _GLASSES_WORDS.search(chunk):
            topics[chunk] = "other"
        # A hat of a kind that is built is worn, whatever the phrase sounded like (it
        # must not dye the top: "a red cap"); one that is not built stays "other" and
        # is reported.
        if _hat_in(chunk) is not None:
            topics[chunk] = "hat"
        # Hair too is spoken of in words of its own: "a feather" is not a ponytail.
        elif topics[chunk] == "hair" and not _HAIR_WORDS.search(chunk):
            topics[chunk] = "other"
    by_topic = {t: [c for c in chunks if topics[c] == t] for t in _TOPICS}
    described = _person_fields(by_topic["person"])
    for name, chunk_topic in (("skin_tone", "skin"), ("eye_color", "eyes"), ("hair", "hair"),
                              ("hair_color", "hair"), ("hair_texture", "hair"),
                              ("facial_hair", "hair")):
        if by_topic[chunk_topic]:
            found = _best(by_topic[chunk_topic], *_FIELDS[name])
            if found:
                described[name] = found
    # Glasses wherever their words are ("a bespectacled professor" is about a person).
    spoken = [c for c in chunks if _GLASSES_WORDS.search(c) and "sunglass" not in c.lower()]
    found = _best(spoken, *_FIELDS["glasses"]) if spoken else None
    if found:
        described["glasses"] = found
    described.update(korean.described)
    # An age said in numbers or number words (English or Korean) is read by rule.
    said = age_in(spec.description)
    if said is not None:
        described["age"] = (float(min(max(said[0], 1.0), 90.0)), 1.0, said[1], [])
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
            sources[name] = f"description: \"{chunk}\" ({confidence:.0%} sure)"
            clashing = sorted({f"\"{c}\"" for v, c in others if v != value and not (
                isinstance(v, float) and abs(v - value) <= 0.3 * max(abs(value), 1))})
            if clashing:
                notes.append(f"{name}: the description also says {', '.join(clashing)}; "
                             f"took \"{chunk}\", the clearest")
        else:
            values[name], sources[name] = _vary(name, default, rng), (
                "default" if rng is None else f"seed {spec.seed}")
    _hair(spec, described, values, sources, rng)
    _clothes(spec, by_topic["clothing"], values, sources, rng, notes, korean.garments)
    # A crowd (seeded) has a few people in glasses; one character has none unless asked.
    _pick(spec, "glasses", described, values, sources, rng,
          ("none", "none", "none", "none", "rectangular", "round"))
    hats = [c for c in chunks if topics[c] == "hat"] + korean.hats
    if not hats and has_hangul(spec.description):
        # Hats are a closed vocabulary: a Korean hat word the tagger missed is still one.
        hats = [m.group(0) for _, words in _HAT_WORDS
                for m in words.finditer(spec.description)][:1]
    _hat(spec, hats, values, sources)
    for words in korean.left_out:
        notes.append(f"left out: \"{words}\" (not built yet)")
    if spec.description.strip() and not any(s.startswith("description")
                                            for s in sources.values()):
        notes.append(f"nothing in \"{spec.description.strip()}\" describes a person's "
                     f"body or clothes: defaults used")
    # What is not built is reported wherever something else was understood (a lone
    # nonsense phrase is not listed back as a thing left out).
    if set(topics.values()) != {"other"}:
        for chunk in by_topic["other"]:
            # Props, accessories but glasses, and expressions are not built yet: say so,
            # never drop them silently.
            notes.append(f"left out: \"{chunk}\" (props, bags, headwear other than "
                         f"beanies, caps, sun hats and fedoras, other accessories, and "
                         f"expressions are not built yet)")
    for name in ("rig", "face_shapes", "detail", "hair_density", "name", "seed"):
        values[name] = getattr(spec, name)
        sources[name] = "set by hand" if name in spec.model_fields_set else "default"
    return Resolved(values, sources, notes)


def _hat_in(chunk: str) -> str | None:
    """The kind of hat a phrase speaks of, if it is one that is built."""
    if _HATS_NOT_BUILT.search(chunk):
        return None
    return next((kind for kind, words in _HAT_WORDS if words.search(chunk)), None)


def _hat(spec, chunks, values, sources) -> None:
    """The hat and its colour: explicit, else described, else none (and its kind's
    usual colour)."""
    said = [(kind, chunk) for chunk in chunks if (kind := _hat_in(chunk)) is not None]
    if spec.hat is not None:
        values["hat"], sources["hat"] = spec.hat, "set by hand"
    elif said:
        values["hat"], sources["hat"] = said[0][0], f"description: \"{said[0][1]}\""
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
        values["hair"], sources["hair"] = kind, f"description: \"{chunk}\" ({confidence:.0%} sure)"
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
        sources["hair_color"] = f"description: \"{chunk}\" ({confidence:.0%} sure)"
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
        sources[name] = f"description: \"{chunk}\" ({confidence:.0%} sure)"
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


def _clothes(spec, chunks, values, sources, rng, notes, korean=None) -> None:
    """Top, bottom and shoes: explicit, else described (the English phrases, then the
    Korean tagger's garments: (kind, colour, confidence, words) by slot), else default."""
    found: dict[str, tuple[str, object, str]] = {}
    if chunks:
        options = [(examples, (slot, kind)) for examples, slot, kind in _GARMENTS]
        options += [([example], ("", example)) for example in _NOT_BUILT]
        table, neutral = option_table(chunks, options, _CLOTHING_NEUTRAL)
        lift = table - neutral[:, None]
        for row, chunk in enumerate(chunks):
            col = int(lift[row].argmax())
            if lift[row, col] < MARGIN:
                continue
            slot, kind = options[col][1]
            if not slot:
                notes.append(f"left out: \"{chunk}\" (nearest {kind}: only tops, "
                             f"hoodies, jackets, dresses, trousers, shorts, skirts, shoes, "
                             f"glasses and hats are built yet)")
                continue
            if slot not in found or lift[row, col] > found[slot][2]:
                found[slot] = (kind, _colour_in(chunk), float(lift[row, col]), chunk)
    found.update(korean or {})
    for slot in ("top", "bottom", "shoes"):
        kind, colour = _DEFAULT_CLOTHES[slot]
        source = "default"
        if rng is not None:
            colour = tuple(round(float(c), 3) for c in rng.uniform(0.02, 0.7, 3))
            source = f"seed {spec.seed}"
        if slot in found:
            kind, said, _, chunk = found[slot]
            source = f"description: \"{chunk}\""
            colour = said or colour
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
