"""A free description to a full BackgroundSpec, each field with how sure the model was.

Two readings with the sentence-embedding model (core.text.embed): a classifier per field
over the embedding of the whole description, trained on synthetic descriptions
(scripts/train_background_text.py -> text_classifier.npz), and the description cut into
phrases, each compared to example phrases of every option (an option wins when clearly
closer than the field's neutral phrases); a very sure phrase overrules the classifier.
So "the sun just peeking over the hills" is dawn and "sand as far as the eye can see"
desert without those words being listed anywhere. When the model is not installed, a
keyword table stands in (and says so). Explicit fields win; the numbers (sun, fog,
clouds, terrain, vegetation) follow from the resolved options unless set by hand.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..text import embed
from ..text.options import best_option
from .spec import BackgroundSpec

# Per field: option -> example phrases (the model's anchors); and neutral phrases.
OPTIONS: dict[str, dict[str, list[str]]] = {
    "time_of_day": {
        "dawn": ["at dawn", "sunrise", "first light of day", "the sun rising over the hills",
                 "early morning twilight", "daybreak", "as the sun comes up"],
        "morning": ["in the morning", "a fresh morning", "mid-morning light",
                    "breakfast time", "after breakfast", "at nine o'clock",
                    "early in the day"],
        "noon": ["at noon", "midday", "the sun high overhead", "harsh midday sun",
                 "lunchtime"],
        "afternoon": ["in the afternoon", "a lazy afternoon", "late afternoon light",
                      "teatime", "after lunch", "at three o'clock", "at four o'clock"],
        "sunset": ["at sunset", "the sun going down", "golden hour in the evening",
                   "sundown", "the setting sun", "the sun sinking below the horizon"],
        "dusk": ["at dusk", "twilight after sunset", "the last light of evening",
                 "nightfall", "the blue hour", "as the light fades in the evening"],
        "night": ["at night", "under the stars", "moonlight", "midnight", "darkness",
                  "a starry sky", "long after dark", "the small hours"],
    },
    "biome": {
        "forest": ["a forest", "woods", "pine trees", "a dense woodland", "tall trees"],
        "grassland": ["grassland", "a meadow", "rolling green fields", "the prairie",
                      "open pasture"],
        "desert": ["a desert", "sand dunes", "dry sand everywhere", "an arid wasteland",
                   "the sahara"],
        "mountains": ["mountains", "rocky peaks", "an alpine range", "high summits",
                      "steep mountain slopes"],
        "snowfield": ["a snowfield", "snow-covered plains", "arctic tundra", "a frozen plain",
                      "a glacier"],
        "coast": ["a coast", "a beach", "the seaside", "cliffs above the shore",
                  "a sandy shoreline"],
        "canyon": ["a canyon", "a deep gorge", "red rock ravine", "steep cliff walls of a "
                   "valley", "a mesa"],
        "wetland": ["a wetland", "a swamp", "a marsh", "a bog", "reeds and mud"],
        "volcanic": ["a volcano", "lava fields", "volcanic rock", "smoking crater",
                     "black basalt and ash"],
        "city": ["a city", "city streets", "skyscrapers", "an urban downtown",
                 "buildings and roads"],
    },
    "weather": {
        "clear": ["clear sky", "cloudless blue sky", "bright sunshine", "fair weather",
                  "a cloudless starry sky", "calm clear air"],
        "cloudy": ["some clouds", "scattered clouds", "partly cloudy", "fluffy white clouds",
                   "a few clouds"],
        "overcast": ["overcast", "a grey sky", "heavy cloud cover", "a dull leaden sky",
                     "a blanket of grey cloud", "low grey clouds covering the sky"],
        "fog": ["fog", "mist", "misty", "haze", "thick fog rolling in", "hazy air"],
        "rain": ["rain", "raining", "a downpour", "drizzle", "wet and rainy", "pouring rain",
                 "showers"],
        "snow": ["snowing", "snowfall", "falling snowflakes", "a blizzard of snow",
                 "snow flurries"],
        "storm": ["a storm", "thunder and lightning", "a thunderstorm", "gale-force winds",
                  "a tempest"],
    },
    "water": {  # "none" is what is left when no water is spoken of
        "lake": ["a lake", "a pond", "a still mountain lake", "a reservoir", "a tarn"],
        "river": ["a river", "a stream", "a creek", "flowing water", "a brook"],
        "sea": ["the sea", "the ocean", "waves", "open water to the horizon", "the surf"],
    },
}
NEUTRAL = {"time_of_day": ["a place", "a landscape", "somewhere", "a scene"],
           "biome": ["a place", "a scene", "somewhere", "the weather", "the time"],
           "weather": ["a place", "a landscape", "somewhere", "a scene", "the time"],
           "water": ["a place", "a landscape", "somewhere", "land", "the sky", "trees",
                     "rocks", "sand", "buildings", "light", "the time of day"]}
KEYWORDS: dict[str, dict[str, list[str]]] = {
    field_name: {option: [option] for option in options}
    for field_name, options in OPTIONS.items()
}
KEYWORDS["water"]["none"] = []
for _field, _extra in {
    "time_of_day": {"dawn": ["sunrise", "daybreak"], "noon": ["midday"],
                    "sunset": ["sundown"], "dusk": ["twilight"],
                    "night": ["midnight", "stars", "moon"]},
    "biome": {"forest": ["woods", "trees", "woodland"], "grassland": ["meadow", "prairie"],
              "desert": ["dunes", "sand"], "mountains": ["mountain", "peaks", "alpine"],
              "snowfield": ["glacier", "tundra"], "coast": ["beach", "shore"],
              "canyon": ["gorge", "ravine"], "wetland": ["swamp", "marsh", "bog"],
              "volcanic": ["volcano", "lava"], "city": ["street", "buildings"]},
    "weather": {"clear": ["sunny", "cloudless"], "cloudy": ["clouds"],
                "fog": ["mist", "misty", "foggy", "haze"], "rain": ["rainy", "drizzle"],
                "snow": ["snowing", "snowy"], "storm": ["thunder", "lightning"]},
    "water": {"lake": ["pond"], "river": ["stream", "creek"], "sea": ["ocean", "waves"]},
}.items():
    for _option, _words in _extra.items():
        KEYWORDS[_field][_option] += _words
MARGINS = {"water": 0.1}
MIN_SIMILARITY = 0.3
PHRASE_SURE = 0.95
DEFAULTS = {"time_of_day": "afternoon", "biome": "grassland", "weather": "clear",
            "water": "none"}
MARGIN = 0.07
TEMPERATURE = 0.05
_SPLIT = re.compile(r"[,;.]|\b(?:and|with|while|where|under|in|at|on|by|near|beside)\b",
                    re.IGNORECASE)
SUN = {"dawn": (2, 90), "morning": (25, 120), "noon": (65, 180), "afternoon": (40, 235),
       "sunset": (3, 270), "dusk": (-4, 285), "night": (-25, 0)}
CLOUDS = {"clear": (0.05, 0.02), "cloudy": (0.45, 0.03), "overcast": (0.95, 0.08),
          "fog": (0.6, 0.7), "rain": (0.9, 0.15), "snow": (0.9, 0.2), "storm": (1.0, 0.25)}
TERRAIN = {"forest": (0.4, 60, 0.85), "grassland": (0.2, 20, 0.5), "desert": (0.25, 40, 0.03),
           "mountains": (0.85, 600, 0.25), "snowfield": (0.35, 80, 0.02),
           "coast": (0.2, 20, 0.3), "canyon": (0.9, 250, 0.05), "wetland": (0.05, 5, 0.6),
           "volcanic": (0.75, 400, 0.02), "city": (0.02, 2, 0.1)}


@dataclass
class ResolvedBackground:
    """Every field, where it came from (with the model's confidence), and notes."""

    values: dict[str, object]
    sources: dict[str, str] = field(default_factory=dict)
    confidence: dict[str, float] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        """Values, sources, confidence and notes, ready for JSON."""
        return {"values": self.values, "sources": self.sources,
                "confidence": self.confidence, "notes": self.notes}


def phrases(description: str) -> list[str]:
    """The description cut at punctuation and linking words, and the whole of it (a
    phrase such as "the sun peeking over the hills" means more whole)."""
    parts = [p.strip() for p in _SPLIT.split(description) if p and p.strip(" -'")]
    return parts + ([description.strip()] if len(parts) > 1 else [])


def classify_with_model(description: str) -> dict[str, tuple[str, float, str]]:
    """field -> (option, confidence, phrase) for the fields the description speaks of."""
    chunks = phrases(description)
    if not chunks:
        return {}
    found = {}
    for name, options in OPTIONS.items():
        # Clearly closer than the neutral phrases, and close at all (nonsense is near
        # nothing, so small differences there mean nothing).
        match = best_option(chunks, [(examples, key) for key, examples in options.items()],
                            NEUTRAL[name], MARGINS.get(name, MARGIN), TEMPERATURE,
                            MIN_SIMILARITY)
        if match is not None:
            found[name] = (match.value, match.confidence, match.phrase)
    return found


@functools.lru_cache(maxsize=1)
def _classifier() -> dict[str, tuple[np.ndarray, list[str]]]:
    """Per field, the trained weights over embeddings and the class names
    (scripts/train_background_text.py made them)."""
    data = np.load(Path(__file__).with_name("text_classifier.npz"))
    return {name.removesuffix("_weights"): (data[name], [str(c) for c in data[
        name.replace("_weights", "_classes")]]) for name in data.files
        if name.endswith("_weights")}


def classify_with_classifier(description: str) -> dict[str, tuple[str, float, str]]:
    """field -> (option, probability, the description) for the fields the whole
    description speaks of, by the classifier trained on synthetic descriptions."""
    vector = embed.embedder()([description])[0]
    found = {}
    for name, (weights, classes) in _classifier().items():
        z = np.append(vector, 1.0) @ weights
        p = np.exp(z - z.max())
        p /= p.sum()
        best = int(p.argmax())
        if classes[best] != "unspecified":
            found[name] = (classes[best], float(p[best]), description)
    return found


def classify(description: str) -> dict[str, tuple[str, float, str]]:
    """Both readings: the whole-description classifier, overruled by a phrase that is
    very clearly one option (measured: the classifier generalises better to new wordings,
    the phrases are surer about plain ones such as "at midnight"; BENCHMARKS.md)."""
    found = classify_with_classifier(description)
    for name, reading in classify_with_model(description).items():
        if reading[1] >= PHRASE_SURE or name not in found:
            found[name] = reading
    return found


def classify_with_keywords(description: str) -> dict[str, tuple[str, float, str]]:
    """The fallback: the first option whose word appears (confidence 1 or nothing)."""
    words = set(re.findall(r"[a-z]+", description.lower()))
    found = {}
    for name, options in KEYWORDS.items():
        for option, keys in options.items():
            hit = next((k for k in keys if k in words), None)
            if hit:
                found[name] = (option, 1.0, hit)
                break
    return found


def resolve(spec: BackgroundSpec, use_model: bool | None = None) -> ResolvedBackground:
    """Every field: explicit, else from the description, else a default."""
    notes = []
    if use_model is None:
        use_model = embed.available()
        if not use_model:
            notes.append("the text model is not installed: descriptions are read by "
                         f"keywords only ({embed.INSTALL_HINT})")
    text = spec.description.strip()
    found = (classify(text) if use_model else classify_with_keywords(text)) if text else {}
    if not text:
        notes.append("no description: defaults used for what is not set by hand")
    elif not found:
        notes.append(f"nothing in \"{text}\" was recognised as a time, place, weather or "
                     "water: defaults used")
    values, sources, confidence = {}, {}, {}
    for name, default in DEFAULTS.items():
        explicit = getattr(spec, name)
        if explicit is not None:
            values[name], sources[name], confidence[name] = explicit, "set by hand", 1.0
        elif name in found:
            option, sure, chunk = found[name]
            values[name], confidence[name] = option, sure
            sources[name] = f"description: \"{chunk}\" ({sure:.0%} sure)"
        else:
            values[name], sources[name], confidence[name] = default, "default", 0.0
    elevation, azimuth = SUN[values["time_of_day"]]
    cover, fog = CLOUDS[values["weather"]]
    roughness, height, vegetation = TERRAIN[values["biome"]]
    derived = {"sun_elevation": float(elevation), "sun_azimuth": float(azimuth),
               "cloud_cover": cover, "fog_density": fog, "terrain_roughness": roughness,
               # Relief in proportion to the square: 600 m of mountain on a 400 m square
               # is a wall, not a range.
               "terrain_height": float(min(height, 0.25 * spec.extent)),
               "vegetation_density": vegetation}
    for name, value in derived.items():
        explicit = getattr(spec, name)
        values[name] = explicit if explicit is not None else value
        sources[name] = "set by hand" if explicit is not None else "follows from the above"
    for name in ("seed", "extent", "detail"):
        values[name] = getattr(spec, name)
        sources[name] = "set by hand" if name in spec.model_fields_set else "default"
    return ResolvedBackground(values, sources, confidence, notes)
