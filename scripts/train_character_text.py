"""Train the English character-description tagger (addon/core/character/text_tagger.npz):
the background tagger's network (scripts/train_background_text.py: the sentence model's
contextual word-piece vectors, one shared hidden layer, a softmax per field) on
synthetic English character descriptions.

    .venv/bin/python scripts/train_character_text.py [--show 20]

The fragments are written here: people and roles with what they imply (a bride: a woman
in a dress; a sumo wrestler: a heavy man; a monk: a man with a shaved head), ages in
words, builds, heights, hair (cut, colour, texture), beards, glasses and their absence,
hats, every garment kind under its many names with colours and modifiers, and things no
builder makes (a scarf, an umbrella), joined the ways people write ("a tall old man with
a grey beard in a brown coat", "grandmother, red cardigan, grey skirt", "She wears...").
Each word piece is labelled with what its fragment says. The fragments were written
without looking at the benchmark's held-out descriptions (scripts/bench_character_text.py),
which are never used to train.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
from metastudio.core.text.embed import embedder
from metastudio.core.text.tagger import NOT_SAID
from train_background_text import contextual, train_tagger

ROOT = Path(__file__).resolve().parent.parent
Labels = dict[str, str]
Segment = tuple[str, Labels]


def _each(words: str, labels: Labels) -> list[tuple[str, Labels]]:
    return [(w.strip(), labels) for w in words.split("|")]


PEOPLE: list[tuple[str, Labels]] = (
    _each("woman|lady|girl's mother|mother|mum|mom|wife|aunt|actress|waitress|"
          "policewoman|female doctor|gal|housewife|sister|daughter|"
          "female teacher|widow|heroine|queen|princess|nun|female student",
          {"gender": "female"}) +
    _each("man|gentleman|guy|fellow|bloke|father|dad|husband|uncle|actor|waiter|"
          "policeman|male doctor|brother|son|male teacher|widower|hero|"
          "king|prince|fisherman|farmer|lumberjack|male student|cowboy",
          {"gender": "male"}) +
    _each("grandmother|granny|grandma|old lady|old woman|elderly woman|nana|"
          "matriarch|dowager", {"gender": "female", "age": "old"}) +
    _each("grandfather|grandpa|old man|elderly man|gramps|old-timer|patriarch",
          {"gender": "male", "age": "old"}) +
    _each("pensioner|senior|retiree|elder|senior citizen|old person|centenarian",
          {"age": "old"}) +
    _each("girl|little girl|schoolgirl|daughter of six|young girl",
          {"gender": "female", "age": "child"}) +
    _each("boy|little boy|schoolboy|lad of ten|young boy",
          {"gender": "male", "age": "child"}) +
    _each("child|kid|little kid|youngster|pupil|schoolchild|nipper",
          {"age": "child"}) +
    _each("baby|infant|toddler|newborn|tot", {"age": "baby"}) +
    _each("baby boy|toddler boy|infant son|baby son|little baby boy",
          {"gender": "male", "age": "baby"}) +
    _each("baby girl|toddler girl|infant daughter|baby daughter|little baby girl",
          {"gender": "female", "age": "baby"}) +
    _each("teenager|teen|adolescent|high schooler|teenage student", {"age": "teen"}) +
    _each("teenage girl|schoolgirl of fifteen|young lass", {"gender": "female",
                                                             "age": "teen"}) +
    _each("teenage boy|young lad|schoolboy of fifteen", {"gender": "male",
                                                         "age": "teen"}) +
    _each("young woman|young lady|college girl", {"gender": "female", "age": "young"}) +
    _each("young man|college guy|youth", {"gender": "male", "age": "young"}) +
    _each("student|university student|graduate|intern", {"age": "young"}) +
    # What a role implies is a field of its own ("role_top"): a garment the text names
    # wins over it ("a bride in a red suit" wears the suit).
    _each("bride|bride-to-be", {"gender": "female", "role_top": "dress"}) +
    _each("groom|bridegroom", {"gender": "male", "role_top": "jacket"}) +
    _each("businessman", {"gender": "male", "role_top": "jacket"}) +
    _each("businesswoman", {"gender": "female", "role_top": "jacket"}) +
    _each("monk|buddhist monk", {"gender": "male", "role_hair": "buzz"}) +
    _each("sumo wrestler|sumo champion", {"gender": "male", "weight": "heavy"}) +
    _each("bodybuilder|weightlifter|strongman", {"muscle": "muscular"}) +
    _each("ballerina", {"gender": "female", "weight": "thin"}) +
    _each("redhead|ginger", {"hair_color": "red"}) +
    _each("blonde|platinum blonde", {"hair_color": "blonde", "gender": "female"}) +
    _each("brunette", {"hair_color": "brown", "gender": "female"}) +
    _each("person|someone|character|figure|teacher|doctor|nurse|scientist|chef|"
          "tourist|artist|professor|engineer|librarian|shopkeeper|soldier|pilot|"
          "athlete|singer|office worker|gardener|explorer", {}))
AGE_WORDS = (_each("old|elderly|aged|ageing|retired", {"age": "old"}) +
             _each("middle-aged|mature|fifty-something|greying", {"age": "middle"}) +
             _each("young|youthful|twenty-something|fresh-faced", {"age": "young"}) +
             _each("little|small|tiny", {"age": "child"}) +
             _each("teenage|adolescent", {"age": "teen"}))
BUILD_WORDS = (_each("fat|chubby|plump|overweight|heavy-set|heavyset|stocky|portly|stout|"
                     "rotund|pot-bellied|big-bellied|hefty|obese|tubby|round|burly|"
                     "large|big", {"weight": "heavy"}) +
               _each("thin|skinny|slim|slender|lanky|wiry|scrawny|svelte|willowy|lean|"
                     "bony|gaunt|petite", {"weight": "thin"}) +
               _each("muscular|athletic|brawny|well-built|buff|toned|strapping|ripped",
                     {"muscle": "muscular"}) +
               _each("tall|towering|very tall|long-legged", {"height": "tall"}) +
               _each("short|small|diminutive|tiny", {"height": "short"}))
HAIR_CUTS = (_each("long|flowing|waist-length|very long", {"hair": "long"}) +
             _each("short|cropped|close-cropped", {"hair": "short"}) +
             _each("shoulder-length|medium-length|mid-length", {"hair": "shoulder"}) +
             _each("chin-length", {"hair": "bob"}))
HAIR_WHOLE = (_each("bald|a bald head|a shiny bald head|no hair", {"hair": "none"}) +
              _each("a shaved head|a buzz cut|a crew cut|a shaven head|a skinhead",
                    {"hair": "buzz"}) +
              _each("a pixie cut|a short haircut|a quiff|a short back and sides",
                    {"hair": "short"}) +
              _each("an afro|a big afro|a curly afro|a frizzy afro|a round afro|"
                    "a black afro", {"hair": "short", "hair_texture": "coily"}) +
              _each("a bob|a bob cut|a blunt bob|a lob", {"hair": "bob"}) +
              _each("a ponytail|a high ponytail|hair tied back|a pony tail",
                    {"hair": "ponytail"}) +
              _each("a bun|a top knot|a chignon|hair in a bun|an updo|a topknot",
                    {"hair": "bun"}) +
              _each("a braid|braids|a plait|plaits|pigtails|cornrows|a french braid",
                    {"hair": "braid"}))
HAIR_COLOURS = (_each("blonde|blond|golden|fair|platinum|honey-blonde|strawberry-blonde|"
                      "honey|sandy|flaxen|ash blonde|dirty blonde|bleached|peroxide blonde|"
                      "light|butter-yellow|golden blonde", {"hair_color": "blonde"}) +
                _each("brown|brunette|chestnut|dark brown|light brown|mousy|chocolate|"
                      "caramel|mahogany|chocolate-brown|nut-brown",
                      {"hair_color": "brown"}) +
                _each("black|jet-black|raven|dark|inky black|coal-black|ebony|jet black|"
                      "blue-black", {"hair_color": "black"}) +
                _each("red|ginger|auburn|copper|flame-red|russet|copper-red|carrot|titian|"
                      "fiery red", {"hair_color": "red"}) +
                _each("grey|gray|silver|greying|salt-and-pepper|iron-grey|silvery|"
                      "steel-grey|grizzled|thinning grey|ash-grey|graying",
                      {"hair_color": "grey"}) +
                _each("white|snow-white|snowy|white-grey|pure white|milky white|"
                      "wispy white", {"hair_color": "white"}))
# "red-haired", "silver-haired": a person's adjective that names the hair's colour.
HAIRED = [(f"{word}-haired", labels) for word, labels in HAIR_COLOURS
          if " " not in word and "-" not in word]
# A colour said as "honey-coloured hair".
COLOURED = ["coloured", "colored", "toned"]
HAIR_TEXTURES = (_each("curly|frizzy|corkscrew", {"hair_texture": "curly"}) +
                 _each("coily|kinky|tightly coiled|afro-textured",
                       {"hair_texture": "coily"}) +
                 _each("wavy|tousled|loose-waved", {"hair_texture": "wavy"}) +
                 _each("straight|sleek|poker-straight", {"hair_texture": "straight"}))
HAIR_NOUNS = ["hair", "hair", "hair", "locks", "mane", "tresses", "curls", "waves",
              "ringlets", "crop", "mop of hair"]
# How a cut is said after the hair ("her grey hair pulled back in a bun").
STYLED = (_each("in a bun|pulled back in a bun|up in a bun|in a tight bun|twisted into a bun",
                {"hair": "bun"}) +
          _each("in a ponytail|tied back in a ponytail|pulled into a ponytail|tied back",
                {"hair": "ponytail"}) +
          _each("in braids|in two braids|in a braid|in plaits|in pigtails|braided",
                {"hair": "braid"}) +
          _each("cut short|cropped short|in a pixie cut", {"hair": "short"}) +
          _each("in a bob|cut in a bob", {"hair": "bob"}) +
          _each("down to her waist|worn long|down her back", {"hair": "long"}))
FACES = (_each("a beard|a full beard|a bushy beard|a goatee|a long beard|a trimmed beard",
               {"facial_hair": "beard"}) +
         _each("a moustache|a mustache|a handlebar moustache|a pencil moustache",
               {"facial_hair": "moustache"}) +
         _each("stubble|a five o'clock shadow|a few days' stubble",
               {"facial_hair": "stubble"}))
FACE_ADJECTIVES = (_each("bearded", {"facial_hair": "beard"}) +
                   _each("bald|balding|bald-headed", {"hair": "none"}) +
                   _each("unshaven|stubbly", {"facial_hair": "stubble"}) +
                   _each("clean-shaven", {"facial_hair": "none"}) +
                   _each("bespectacled", {"glasses": "rectangular"}))
GLASSES = (_each("glasses|spectacles|specs|eyeglasses|reading glasses|thick glasses|"
                 "horn-rimmed glasses|square glasses|rectangular glasses|black-framed glasses",
                 {"glasses": "rectangular"}) +
           _each("round glasses|round spectacles|little round glasses|wire-rimmed round "
                 "glasses|circular glasses", {"glasses": "round"}))
NO_GLASSES = _each("not wearing glasses|without glasses|no glasses|with no spectacles",
                   {"glasses": "none"})
HATS = (_each("beanie|woolly hat|bobble hat|knitted hat|ski hat|knit cap|knitted cap|"
              "woolly beanie|toque|pom-pom hat|winter hat|watch cap|wool hat",
              {"hat": "beanie"}) +
        _each("baseball cap|cap|trucker cap|ball cap|flat cap|peaked cap|snapback|"
              "newsboy cap|tweed cap|sports cap", {"hat": "cap"}) +
        _each("straw hat|sun hat|panama hat|wide-brimmed hat|bucket hat|sunhat|"
              "straw sun hat|wide straw hat|floppy hat|beach hat|wide-brimmed straw hat",
              {"hat": "sun_hat"}) +
        _each("fedora|trilby|felt hat|hat|cowboy hat|homburg|homburg hat|bowler hat|"
              "bowler|porkpie hat|felt fedora", {"hat": "fedora"}))
GARMENTS = (
    _each("sweater|jumper|cardigan|pullover|blouse|shirt|long-sleeved shirt|button-down|"
          "turtleneck|sweatshirt|checked shirt|flannel shirt|linen shirt|dress shirt|"
          "knitted sweater|cable-knit jumper|fleece|tunic|school blouse|school shirt|"
          "school jumper|school sweater|rugby shirt|henley", {"top": "long_sleeves"}) +
    _each("jacket|blazer|suit|suit jacket|sport coat|denim jacket|leather jacket|"
          "bomber jacket|tuxedo|tweed jacket|business suit|three-piece suit|windbreaker|"
          "school blazer|field jacket|quilted jacket|double-breasted jacket|chef's jacket|"
          "track jacket|varsity jacket|shacket",
          {"top": "jacket"}) +
    _each("coat|overcoat|long coat|trench coat|raincoat|parka|lab coat|winter coat|"
          "greatcoat|duffel coat|peacoat|puffer coat|mac|anorak|doctor's coat",
          {"top": "coat"}) +
    _each("hoodie|hooded sweatshirt|hoody|hooded top|zip-up hoodie", {"top": "hoodie"}) +
    _each("t-shirt|tee|tshirt|short-sleeved shirt|polo shirt|tank top|vest top|polo|"
          "crop top|singlet|camisole|jersey|scrubs|scrub top|band tee|graphic tee|"
          "band t-shirt|football shirt|sports jersey|short-sleeved blouse",
          {"top": "short_sleeves"}) +
    _each("dress|gown|sundress|frock|wedding dress|ball gown|evening gown|maxi dress|"
          "summer dress|cocktail dress|slip dress", {"top": "dress"}) +
    _each("trousers|jeans|pants|slacks|leggings|chinos|corduroys|joggers|sweatpants|"
          "cargo pants|khakis|tracksuit bottoms|dungarees", {"bottom": "trousers"}) +
    _each("shorts|short pants|bermuda shorts|cut-offs|board shorts|hot pants",
          {"bottom": "shorts"}) +
    _each("skirt|miniskirt|long skirt|pleated skirt|pencil skirt|maxi skirt|kilt skirt|"
          "plaid skirt|tartan skirt|a-line skirt", {"bottom": "skirt"}))
SKIN = (_each("pale skin|fair skin|porcelain skin|very pale skin|pale-skinned|fair-skinned",
              {"skin_tone": "very_pale"}) +
        _each("light skin|a light complexion|light-skinned", {"skin_tone": "light"}) +
        _each("olive skin|an olive complexion|olive-skinned", {"skin_tone": "olive"}) +
        _each("tanned skin|a tan|sun-tanned skin|bronzed skin|a suntan|tanned",
              {"skin_tone": "tan"}) +
        _each("brown skin|a brown complexion|brown-skinned", {"skin_tone": "brown"}) +
        _each("dark skin|deep ebony skin|very dark skin|dark-skinned|a dark complexion",
              {"skin_tone": "dark"}))
EYES = (_each("brown eyes|dark eyes|brown-eyed", {"eye_color": "brown"}) +
        _each("hazel eyes|hazel-eyed", {"eye_color": "hazel"}) +
        _each("amber eyes|golden eyes", {"eye_color": "amber"}) +
        _each("green eyes|green-eyed", {"eye_color": "green"}) +
        _each("blue eyes|blue-eyed|bright blue eyes|icy blue eyes", {"eye_color": "blue"}) +
        _each("grey eyes|gray eyes|grey-eyed", {"eye_color": "grey"}))
ANCESTRY = (_each("African|Nigerian|Kenyan|Ghanaian|Ethiopian|Black|of African descent|"
                  "Senegalese", {"ancestry": "african"}) +
            _each("Korean|Japanese|Chinese|East Asian|Vietnamese|Taiwanese|Mongolian|"
                  "of East Asian descent", {"ancestry": "asian"}) +
            _each("European|Scandinavian|Italian|German|French|Irish|Polish|Norwegian|"
                  "of European descent|white European", {"ancestry": "european"}))
SHOES = _each("shoes|boots|sneakers|trainers|sandals|heels|high heels|loafers|brogues|"
              "wellies|wellington boots|slippers|clogs|flip-flops|ankle boots|"
              "running shoes|hiking boots|pumps|moccasins|cowboy boots", {"shoes": "shoes"})
NOT_BUILT = _each("scarf|cape|cloak|shawl|apron|poncho|kimono|hanbok|sari|toga|robe|tie|"
                  "bow tie|gloves|mittens|backpack|bag|handbag|umbrella|belt|necklace|"
                  "wristwatch|feather|walking stick|briefcase|wings|armour|tiara|medal|"
                  "sou'wester|onesie|uniform|overalls|swimsuit|pyjamas|crown|"
                  "helmet|top hat|beret|headscarf", {"not_built": "item"})
COLOURS = ["red", "blue", "green", "yellow", "black", "white", "grey", "gray", "navy",
           "brown", "pink", "purple", "orange", "beige", "burgundy", "maroon", "teal",
           "olive", "khaki", "cream", "lavender", "mustard", "charcoal", "light blue",
           "dark green", "pale yellow", "bright red", "deep purple", "off-white",
           "navy blue", "sky blue", "forest green", "tan", "camel", "crimson", "turquoise",
           "lilac", "dusty pink", "rust", "denim", "checked", "striped", "plaid", "floral",
           "faded", "baggy", "tight", "smart", "scruffy", "woollen", "cotton", "silk",
           "leather", "oversized", "old", "new", "long", "short", "warm"]
WEAR = ["in", "wearing", "dressed in", "in a pair of", "sporting", "clad in", "with"]
CARRY = ["carrying", "holding", "with", "wearing", "in"]
FILLER = ["friendly", "smiling", "cheerful", "serious", "quiet", "happy", "tired",
          "curious", "kind-looking", "confident", "shy", "proud", "nervous", "lovely",
          "polite", "local", "famous", "standing", "walking", "waving", "reading a book",
          "looking at the camera", "who loves gardening", "on a bench", "at the bus stop",
          "in the classroom", "for a history lesson"]


def _pick(rng, items):
    return items[rng.integers(len(items))]


def _article(word: str) -> str:
    return "an" if word[0].lower() in "aeiou" else "a"


def _plural(word: str) -> bool:
    return word.split()[-1].endswith("s") and not word.endswith(("ss", "dress"))


def _garment(rng, kinds) -> list[Segment]:
    name, labels = _pick(rng, kinds)
    words = f"{_pick(rng, COLOURS)} {name}" if rng.random() < 0.7 else name
    if not _plural(name) and rng.random() < 0.85:
        words = f"{_article(words)} {words}"
    return [(words, labels)]


def _hair_colour(rng) -> Segment:
    """A hair colour, now and then said as "honey-coloured"."""
    colour, labels = _pick(rng, HAIR_COLOURS)
    if rng.random() < 0.08 and " " not in colour:
        colour = f"{colour}-{_pick(rng, COLOURED)}"
    return colour, labels


def _hair(rng) -> list[Segment]:
    pronoun = [(_pick(rng, ["her", "his"]), {})] if rng.random() < 0.15 else []
    if rng.random() < 0.15:  # "her grey hair pulled back in a bun"
        out = pronoun + ([_hair_colour(rng)] if rng.random() < 0.8 else [])
        styled = _pick(rng, STYLED)
        joined = {k: v for _, labels in out + [styled] for k, v in labels.items()}
        return out + [("hair", joined), styled]
    if rng.random() < 0.4:
        name, labels = _pick(rng, HAIR_WHOLE)
        if rng.random() < 0.6 and labels["hair"] not in ("none", "buzz") and \
                name.startswith("a"):
            colour, colour_labels = _pick(rng, HAIR_COLOURS)
            return [(_article(colour), {}), (colour, colour_labels),
                    (name.split(" ", 1)[1], labels)]
        return [(name, labels)]
    out = []
    if rng.random() < 0.7:
        out.append(_pick(rng, HAIR_CUTS))
    if rng.random() < 0.25:
        out.append(_pick(rng, HAIR_TEXTURES))
    if rng.random() < 0.6 or not out:
        out.append(_hair_colour(rng))
    joined = {k: v for _, labels in out for k, v in labels.items()}
    noun = _pick(rng, HAIR_NOUNS)
    if noun in ("curls", "ringlets"):
        joined = {**joined, "hair_texture": "curly"}
    if noun == "mop of hair":  # "a mop of dark curly hair"
        return pronoun + [("a mop of", {})] + out + [("hair", joined)]
    return pronoun + out + [(noun, joined)]


def _person(rng) -> list[Segment]:
    out = []
    heights = [b for b in BUILD_WORDS if "height" in b[1]]
    for table, chance in ((AGE_WORDS, 0.3), (BUILD_WORDS, 0.3), (heights, 0.12),
                          (FACE_ADJECTIVES, 0.06), (HAIRED, 0.08), (ANCESTRY, 0.1),
                          ([(w, {}) for w in FILLER[:14]], 0.15)):
        if rng.random() < chance:
            out.append(_pick(rng, table))
    out.append(_pick(rng, PEOPLE))
    if len(out) > 2 and rng.random() < 0.35:
        # Adjectives set off by commas: "a bald, short, stocky grandfather".
        out = [part for word in out[:-1] for part in (word, (",", {}))][:-1] + out[-1:]
    first = out[0][0]
    return [(_pick(rng, [_article(first), _article(first), "the", "this", ""]), {})] + out


def character_text(rng) -> list[Segment]:
    """One synthetic English character description as labelled segments."""
    parts: list[list[Segment]] = []
    if rng.random() < 0.75:
        parts.append([(_pick(rng, WEAR), {})] + _garment(rng, [g for g in GARMENTS
                                                                 if "top" in g[1]]))
    if rng.random() < 0.45:
        parts.append([(_pick(rng, WEAR + ["and"]), {})] + _garment(
            rng, [g for g in GARMENTS if "bottom" in g[1]]))
    if rng.random() < 0.35:
        parts.append([(_pick(rng, ["with", "who has", "with", "having"]), {})] + _hair(rng))
    if rng.random() < 0.12:
        name, labels = _pick(rng, GLASSES)
        parts.append([(_pick(rng, ["with", "wearing", "in"]), {}), (name, labels)])
    if rng.random() < 0.04:
        parts.append([_pick(rng, NO_GLASSES)])
    if rng.random() < 0.2:
        name, labels = _pick(rng, HATS)
        colour = f"{_pick(rng, COLOURS)} " if rng.random() < 0.5 else ""
        hat = [(_pick(rng, ["in", "wearing", "with", "under", "topped with"]), {}),
               (f"{_article(colour or name)} {colour}{name}", labels)]
        if parts and rng.random() < 0.3:
            parts[-1] = parts[-1] + hat  # "grey hair under a red beanie"
        else:
            parts.append(hat)
    if rng.random() < 0.1:
        parts.append([(_pick(rng, ["with", "and"]), {}), _pick(rng, FACES)])
    if rng.random() < 0.1:
        parts.append([(_pick(rng, ["with", "who has", "having"]), {}), _pick(rng, SKIN)])
    if rng.random() < 0.1:
        parts.append([(_pick(rng, ["with", "who has", "having"]), {}), _pick(rng, EYES)])
    if rng.random() < 0.12:
        name, labels = _pick(rng, NOT_BUILT)
        colour = f"{_pick(rng, COLOURS)} " if rng.random() < 0.5 else ""
        parts.append([(_pick(rng, CARRY), {}),
                      (f"{_article(colour or name)} {colour}{name}", labels)])
    if rng.random() < 0.2:
        name, labels = _pick(rng, SHOES)
        colour = f"{_pick(rng, COLOURS)} " if rng.random() < 0.6 else ""
        parts.append([(_pick(rng, ["in", "wearing", "and", "with"]), {}),
                      (f"{colour}{name}", labels)])
    if rng.random() < 0.15:
        parts.append([(_pick(rng, FILLER[14:]), {})])
    rng.shuffle(parts)
    person = _person(rng)
    style = rng.random()
    segments: list[Segment] = []
    if style < 0.6:  # "a tall old man with a beard in a brown coat"
        segments += person
        for part in parts:
            segments += part
    elif style < 0.85:  # "grandmother, red cardigan, grey skirt"
        segments += person[1:]
        for part in parts:
            segments.append((",", {}))
            segments += part[1:] if not part[0][1] and len(part) > 1 else part
    else:  # "An old man. He wears a brown coat and has a beard."
        segments += person
        gender = next((labels["gender"] for _, labels in person if "gender" in labels),
                      None)
        pronoun = {"female": "She", "male": "He"}.get(gender) or _pick(rng, ["She", "He"])
        segments.append((".", {}))
        segments.append((pronoun, {"gender": "female" if pronoun == "She" else "male"}))
        segments.append((_pick(rng, ["wears", "has", "is wearing", "is dressed in"]), {}))
        for index, part in enumerate(parts):
            if index:
                segments.append((_pick(rng, [",", "and", ", and"]), {}))
            segments += part[1:] if not part[0][1] and len(part) > 1 else part
    return segments


FIELDS = {
    "gender": ["female", "male"],
    "age": ["baby", "child", "teen", "young", "middle", "old"],
    "weight": ["thin", "heavy"], "muscle": ["muscular"], "height": ["short", "tall"],
    "hair": ["none", "buzz", "short", "bob", "shoulder", "long", "ponytail", "bun", "braid"],
    "hair_color": ["blonde", "brown", "black", "red", "grey", "white"],
    "hair_texture": ["straight", "wavy", "curly", "coily"],
    "facial_hair": ["none", "stubble", "moustache", "beard"],
    "glasses": ["none", "round", "rectangular"],
    "hat": ["beanie", "cap", "sun_hat", "fedora"],
    "top": ["short_sleeves", "long_sleeves", "hoodie", "jacket", "coat", "dress"],
    "bottom": ["shorts", "trousers", "skirt"], "not_built": ["item"],
    "role_top": ["jacket", "dress"], "role_hair": ["buzz"],
    "skin_tone": ["very_pale", "light", "olive", "tan", "brown", "dark"],
    "eye_color": ["brown", "hazel", "amber", "green", "blue", "grey"],
    "ancestry": ["african", "asian", "european"], "shoes": ["shoes"],
}


def rows_of(texts: list[list[Segment]]):
    """Word-piece ids with per-piece labels ([CLS] ... [SEP])."""
    tokenizer = embedder().tokenizer
    rows = []
    for segments in texts:
        ids, labels = [tokenizer.cls], [{}]
        for words, segment_labels in segments:
            pieces = [i for w in tokenizer.words(words) for i in tokenizer.pieces(w)]
            ids += pieces
            labels += [segment_labels] * len(pieces)
        rows.append((ids[:126] + [tokenizer.sep], labels[:126] + [{}]))
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--texts", type=int, default=12000)
    parser.add_argument("--epochs", type=int, default=8)
    parser.add_argument("--show", type=int, default=0, help="print some synthetic texts")
    parser.add_argument("--members", type=int, default=3,
                        help="taggers trained apart, averaged when reading (default 3)")
    args = parser.parse_args()
    rng = np.random.default_rng(3)
    if args.show:
        for _ in range(args.show):
            print(" ".join(w for w, _ in character_text(rng) if w).replace(" ,", ","))
        return 0
    started = time.perf_counter()
    classes = {name: [NOT_SAID, *options] for name, options in FIELDS.items()}
    out = {"members": np.array(args.members)}
    for member in range(args.members):
        # Each member reads texts of its own and starts from its own weights; the reader
        # averages their probabilities.
        rng = np.random.default_rng(3 + 100 * member)
        rows = rows_of([character_text(rng) for _ in range(args.texts)])
        x = contextual(rows).astype(np.float32)
        labels = [label for _, row_labels in rows for label in row_labels[1:-1]]
        print(f"member {member + 1}/{args.members}: {len(rows)} descriptions, {len(x)} "
              f"word pieces ({time.perf_counter() - started:.0f} s)")
        targets = {name: np.array([classes[name].index(label[name]) if name in label
                                   else 0 for label in labels]) for name in FIELDS}
        params = train_tagger(x, targets, {name: len(c) for name, c in classes.items()},
                              512, args.epochs, seed=member)
        check = rows_of([character_text(rng) for _ in range(400)])
        cx = contextual(check).astype(np.float32)
        check_labels = [label for _, row_labels in check for label in row_labels[1:-1]]
        h = np.maximum(np.hstack([cx, np.ones((len(cx), 1), np.float32)]) @
                       params["hidden"], 0)
        h = np.hstack([h, np.ones((len(h), 1), np.float32)])
        for name in FIELDS:
            want = np.array([classes[name].index(lab[name]) if name in lab else 0
                             for lab in check_labels])
            said = want > 0
            got = (h @ params[name]).argmax(axis=1)
            print(f"  {name}: pieces that say it, right on fresh synthetic texts "
                  f"{(got[said] == want[said]).mean():.1%}")
        prefix = f"m{member}_"
        out[prefix + "hidden_weights"] = params["hidden"].astype(np.float16)
        for name in FIELDS:
            out[f"{prefix}{name}_weights"] = params[name].astype(np.float16)
            out[f"{prefix}{name}_classes"] = np.array(classes[name])
    path = ROOT / "addon" / "core" / "character" / "text_tagger.npz"
    np.savez_compressed(path, **out)
    print(f"wrote {path} ({path.stat().st_size // 1024} KB, "
          f"{time.perf_counter() - started:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
