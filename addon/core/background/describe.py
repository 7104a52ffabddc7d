"""A free description to a full BackgroundSpec, each field with how sure the model was.

The sentence-embedding model (core.text.embed) reads the description word piece by word
piece, each in its context; a tagger trained on labelled synthetic descriptions
(scripts/train_background_text.py -> text_tagger.npz; core.text.tagger) says which
pieces speak of the time of day, the land, the weather and the water, and which option.
So "the sun just peeking over the hills" is dawn and "sand as far as the eye can see"
desert without those words being listed anywhere, and the words that said it are shown.
When the model is not installed, a keyword table stands in (and says so). Explicit fields
win; the numbers (sun, fog, clouds, terrain, vegetation) follow from the resolved options
unless set by hand.
"""

from __future__ import annotations

import functools
import re
import typing
from dataclasses import dataclass, field
from pathlib import Path

from ..text import embed, korean
from ..text.clock import clock_times
from ..text.morpheme_tagger import MorphemeTagger
from ..text.tagger import TokenTagger
from .prop_words import PROP_NAMES, is_built, requested_props, without_props
from .reference import ReferenceLook
from .room_words import named_room, named_settlement, without_room
from .spec import BackgroundSpec, Biome, TimeOfDay, Water, Weather
from .species import land_species, named_species
from .winter import snow_lying, water_frozen

OPTIONS: dict[str, tuple[str, ...]] = {
    "time_of_day": typing.get_args(TimeOfDay), "biome": typing.get_args(Biome),
    "weather": typing.get_args(Weather),
    "water": tuple(w for w in typing.get_args(Water) if w != "none"),
}
# The fallback without the model: each option's own word and a few plain synonyms.
KEYWORDS: dict[str, dict[str, list[str]]] = {
    field_name: {option: [option] for option in options}
    for field_name, options in OPTIONS.items()
}
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
# A piece must give its option at least this probability to count (measured on the
# development descriptions; BENCHMARKS.md).
THRESHOLD = 0.5
# Clock hours to times of day: (until this hour, option); later than the last is night.
HOURS = [(4.5, "night"), (7.0, "dawn"), (11.0, "morning"), (13.5, "noon"),
         (18.0, "afternoon"), (20.0, "sunset"), (21.5, "dusk")]
DEFAULTS = {"time_of_day": "afternoon", "biome": "grassland", "weather": "clear",
            "water": "none"}
SUN = {"dawn": (2, 90), "morning": (25, 120), "noon": (65, 180), "afternoon": (40, 235),
       "sunset": (3, 270), "dusk": (-4, 285), "night": (-25, 0)}
CLOUDS = {"clear": (0.05, 0.02), "cloudy": (0.45, 0.03), "overcast": (0.95, 0.08),
          "fog": (0.6, 0.7), "rain": (0.9, 0.15), "snow": (0.9, 0.2), "storm": (1.0, 0.25)}
TERRAIN = {"forest": (0.4, 60, 0.85), "grassland": (0.2, 20, 0.5), "desert": (0.25, 40, 0.03),
           "mountains": (0.85, 45, 0.25), "snowfield": (0.35, 30, 0.02),
           "coast": (0.2, 20, 0.3), "canyon": (0.9, 250, 0.05), "wetland": (0.05, 5, 0.6),
           "volcanic": (0.75, 40, 0.02), "city": (0.02, 2, 0.1)}

NAMED_VEGETATION = 0.35  # the least vegetation where the description names trees


@dataclass
class ResolvedBackground:
    """Every field, where it came from (with the model's confidence), and notes."""

    values: dict[str, object]
    sources: dict[str, str] = field(default_factory=dict)
    confidence: dict[str, float] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    left_out: list[str] = field(default_factory=list)  # words for things not built

    def as_dict(self) -> dict:
        """Values, sources, confidence, notes and the words left out, ready for JSON."""
        return {"values": self.values, "sources": self.sources,
                "confidence": self.confidence, "notes": self.notes,
                "left_out": self.left_out}


@functools.lru_cache(maxsize=1)
def _tagger() -> TokenTagger:
    return TokenTagger(Path(__file__).with_name("text_tagger.npz"), THRESHOLD)


@functools.lru_cache(maxsize=1)
def _korean_tagger() -> MorphemeTagger:
    return MorphemeTagger(Path(__file__).with_name("text_tagger_ko.npz"), THRESHOLD)


def time_of_day_at(hour: float) -> str:
    """The time of day a clock hour (0-24) falls in."""
    for end, option in HOURS:
        if hour < end:
            return option
    return "night"


@functools.lru_cache(maxsize=32)
def _spans(description: str) -> dict[str, list]:
    """field -> the tagged spans: Korean words by the Korean tagger
    (scripts/train_korean_text.py), the rest (English) by the English one."""
    english, found = description, {}
    if korean.has_hangul(description):
        found = _korean_tagger().tag_all(description)
        english = korean.without_korean(description)
    if english.strip(" ,.;"):
        for name, tags in _tagger().tag_all(english).items():
            found[name] = tags + found.get(name, [])
    return found


def left_out(description: str) -> list[str]:
    """The words for things in the place that no builder makes (boats, a lighthouse),
    as the taggers mark them."""
    return [t.words for t in _spans(description).get("not_built", [])]


def classify(description: str) -> dict[str, tuple[str, float, str]]:
    """field -> (option, confidence, the words that said it), by the model, for the
    fields the description speaks of; a clock time, read by rule, says the time of day."""
    found = {}
    for name, tags in _spans(description).items():
        if name != "not_built":
            best = max(tags, key=lambda t: t.confidence)  # the surest span
            found[name] = (best.option, best.confidence, best.words)
    times = clock_times(description)
    if times:
        found["time_of_day"] = (time_of_day_at(times[0].hour), 1.0, times[0].words)
    return found


def disagreements(description: str) -> dict[str, list[tuple[str, str]]]:
    """field -> [(option, words), ...] where the description says two options or more of
    one field ("at dawn ... at sunset"), surest first."""
    out = {}
    for name, tags in _spans(description).items():
        if name == "not_built":
            continue
        options: dict[str, tuple[float, str]] = {}
        for tag in tags:
            if tag.option not in options or tag.confidence > options[tag.option][0]:
                options[tag.option] = (tag.confidence, tag.words)
        if len(options) > 1:
            out[name] = [(option, words) for option, (_, words) in sorted(
                options.items(), key=lambda o: -o[1][0])]
    return out


def _meaningful(words: str) -> bool:
    """Words that say something (not an article alone)."""
    return bool(re.sub(r"\b(a|an|the|some|at|in|on|by)\b|\W", "", words))


# "Under the sea" and the like: a place under water, which is not built.
UNDER_WATER = re.compile(r"\b(?:under|beneath|below|at the bottom of)\s+(?:the\s+)?"
                         r"(?:sea|ocean|water|waves|lake)\b|\bunder ?water\b|\bsubmerged\b"
                         r"|\b(?:sea|ocean) ?(?:bed|floor)\b|바닷속|바다 속|물속|물 속|해저|수중")


def _contradictions(spec, text: str, outdoors: str, found, values, sources, notes,
                    use_model: bool) -> None:
    """Say how a description that contradicts itself or the fields set by hand was
    resolved: two times of day, a place under water, a field set by hand against the
    words."""
    if use_model and outdoors:
        for name, said in disagreements(outdoors).items():
            if getattr(spec, name) is None and name in found:
                kept = found[name][0]
                others = ", ".join(f"\"{words}\" ({option})" for option, words in said
                                   if option != kept and _meaningful(words))
                if others:
                        notes.append(f"{name.replace('_', ' ')}: the description also says "
                                 f"{others}; {kept} is built (the surest reading)")
    under = UNDER_WATER.search(text)
    if under:
        notes.append(f"\"{under.group(0)}\": nothing is built under water; the place "
                     "stands on land by the water, which is seen from it")
        if values["water"] == "none" and spec.water is None:
            values["water"] = "sea" if re.search(r"sea|ocean|바다|바닷|해저", under.group(0)) \
                else "lake"
            sources["water"] = f"description: \"{under.group(0)}\""
    for name in DEFAULTS:
        explicit = getattr(spec, name)
        if explicit is not None and name in found and found[name][0] != explicit:
            notes.append(f"{name.replace('_', ' ')}: set by hand to {explicit}; the "
                         f"description's \"{found[name][2]}\" ({found[name][0]}) is not "
                         "used")


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


def _implied(spec, found, values, sources, confidence) -> None:
    """What one field implies where the words and the hand say nothing of another: a
    coast is the shore of the sea ("a tropical beach": the sea is there), and the sea is
    seen from a coast ("폭풍우가 몰아치는 바다": not from a meadow)."""
    def because(name: str, why: str) -> str:
        said = sources[name].split(" (")[0]
        return f"{said} ({why})" if said.startswith("description") else \
            f"follows from the {name} set by hand ({why})"

    if values["biome"] == "coast" and "water" not in found and spec.water is None:
        values["water"], confidence["water"] = "sea", confidence["biome"]
        sources["water"] = because("biome", "a coast has the sea")
    if values["water"] == "sea" and "biome" not in found and spec.biome is None:
        values["biome"], confidence["biome"] = "coast", confidence["water"]
        sources["biome"] = because("water", "the sea has a shore")


def _settlement(spec, words, outdoors: str, values, sources, notes) -> None:
    """A village or a town: set by hand, else named in `outdoors` (the description
    without a named room's words; none inside a named room)."""
    settlement = named_settlement(outdoors)
    if spec.settlement is not None:
        values["settlement"], sources["settlement"] = spec.settlement, "set by hand"
    elif settlement is not None and words is None:
        values["settlement"] = settlement[0]
        sources["settlement"] = f"description: \"{settlement[1]}\""
    else:
        values["settlement"], sources["settlement"] = "none", "default"
    if values["settlement"] != "none" and values["biome"] == "city" and spec.biome is None:
        # The tagger reads a village or a town as a city; it is built as houses on
        # open land, not as city blocks.
        values["biome"] = "grassland"
        sources["biome"] = f"the land round a {values['settlement']}"
    if values["settlement"] == "harbour" and values["water"] != "sea":
        if spec.water is not None:
            notes.append(f"water: a harbour opens on the sea; the {values['water']} set "
                         "by hand is built as the sea")
        values["water"] = "sea"
        sources["water"] = "a harbour opens on the sea"
        if spec.biome is None and sources["biome"] == "default":
            values["biome"], sources["biome"] = "coast", "a harbour is on the coast"


def _room(spec, words, values, sources, notes) -> None:
    """The room (or none: outdoors) and its size: set by hand, else named, else none;
    indoors the land, the weather and the time are what the windows show."""
    if spec.room is not None:
        values["room"], sources["room"] = spec.room, "set by hand"
    elif words is not None:
        values["room"], sources["room"] = words.kind, f"description: \"{words.said}\""
    else:
        values["room"], sources["room"] = "none", "default"
    if spec.room_size is not None:
        values["room_size"], sources["room_size"] = spec.room_size, "set by hand"
    elif words is not None and words.size is not None:
        values["room_size"] = words.size
        sources["room_size"] = f"description: \"{words.size_said}\""
    else:
        values["room_size"], sources["room_size"] = "medium", "default"
    if values["room"] != "none" and values["water"] == "sea":
        notes.append(f"room: a {values['room'].replace('_', ' ')} is built on land; the sea "
                     "is what its windows look out on")


def resolve(spec: BackgroundSpec, use_model: bool | None = None,
            look: ReferenceLook | None = None) -> ResolvedBackground:
    """Every field: explicit, else from the description, else a default; with the look
    of the reference image (read by the caller) when there is one."""
    notes = []
    if use_model is None:
        use_model = embed.available()
        if not use_model:
            notes.append("the text model is not installed: descriptions are read by "
                         f"keywords only ({embed.INSTALL_HINT})")
    text = spec.description.strip()
    room_words = named_room(text) if text else None
    # The room is read by its own vocabulary; the taggers (trained on outdoor places)
    # read the rest, without the room's words: "a small classroom on a rainy morning"
    # is a room, and a rainy morning outside.
    # And the props' words ("a bicycle by the bench") are the props reader's.
    requests = requested_props(text) if text else []
    plain = without_props(text, requests)
    outdoors = without_room(plain, room_words) if room_words is not None else plain
    found = (classify(outdoors) if use_model else classify_with_keywords(outdoors)) \
        if outdoors else {}
    if not text:
        notes.append("no description: defaults used for what is not set by hand")
    elif not found and room_words is None:
        notes.append(f"nothing in \"{text}\" was recognised as a time, place, weather or "
                     "water: defaults used")
    marked = left_out(outdoors) if outdoors and use_model else []
    settlement = named_settlement(outdoors) if room_words is None else None
    if settlement is not None and "biome" in found and not _meaningful(
            found["biome"][2].lower().replace(settlement[1].lower(), "")):
        # The land read from the settlement's own noun ("village" as a coast at 63%) is
        # no reading of the land: the land is as the rest says, else the default.
        del found["biome"]
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
    _contradictions(spec, text, outdoors, found, values, sources, notes, use_model)
    _implied(spec, found, values, sources, confidence)
    _settlement(spec, room_words, outdoors, values, sources, notes)
    values["props"] = [r.as_dict() for r in requests]
    sources["props"] = ("description: " + ", ".join(f"\"{r.said}\"" for r in requests)
                        if requests else "default")
    # What the taggers mark as a thing in the place, unless it is built after all (a
    # prop, a settlement's or a room's own things).
    missing = [words for words in marked if _meaningful(words)
               and not is_built(words, values["settlement"], room_words is not None)]
    if missing:
        notes.append("left out: " + ", ".join(f"\"{w}\"" for w in missing)
                     + " (not among the things built; the props that are: "
                     + ", ".join(sorted(k.replace("_", " ") for k in PROP_NAMES)) + ")")
    elevation, azimuth = SUN[values["time_of_day"]]
    cover, fog = CLOUDS[values["weather"]]
    roughness, height, vegetation = TERRAIN[values["biome"]]
    derived = {"sun_elevation": float(elevation), "sun_azimuth": float(azimuth),
               "cloud_cover": cover, "fog_density": fog, "terrain_roughness": roughness,
               # Relief in proportion to the square: 600 m of mountain on a 400 m square
               # is a wall, not a range.
               "terrain_height": float(min(height, 0.25 * spec.extent)),
               "vegetation_density": vegetation}
    named = named_species(text)
    if spec.trees is not None:
        values["trees"], sources["trees"] = list(spec.trees), "set by hand"
    elif named:
        values["trees"] = list(named)
        sources["trees"] = f"description: {', '.join(named)} named"
        # Trees asked for grow, even on land that has few of its own.
        derived["vegetation_density"] = max(vegetation, NAMED_VEGETATION)
    else:
        values["trees"] = land_species(values["biome"])
        sources["trees"] = f"the {values['biome']}'s own"
    _room(spec, room_words, values, sources, notes)
    # Snow lying and ice: from falling snow, a land of snow, or the words for winter.
    said_snow, said_ice = snow_lying(text), water_frozen(text)
    if values["weather"] == "snow" or values["biome"] == "snowfield":
        values["snow_cover"], sources["snow_cover"] = True, "follows from the above"
    elif said_snow:
        values["snow_cover"], sources["snow_cover"] = True, f"description: \"{said_snow}\""
    else:
        values["snow_cover"], sources["snow_cover"] = False, "default"
    frozen = bool(said_ice) and values["water"] in ("lake", "river")
    values["frozen"] = frozen
    sources["frozen"] = f"description: \"{said_ice}\"" if frozen else "default"
    for name, value in derived.items():
        explicit = getattr(spec, name)
        values[name] = explicit if explicit is not None else value
        sources[name] = "set by hand" if explicit is not None else "follows from the above"
    for name in ("seed", "extent", "detail"):
        values[name] = getattr(spec, name)
        sources[name] = "set by hand" if name in spec.model_fields_set else "default"
    if spec.elevation_map:
        values["elevation_map"] = str(spec.elevation_map)
        sources["elevation_map"] = "set by hand"
    if spec.reference_image is not None:
        values["reference_image"] = str(spec.reference_image)
        values["reference_use"] = spec.reference_use
        sources["reference_image"] = sources["reference_use"] = "set by hand"
        if look is not None:
            values["reference_look"] = look.as_dict()
            sources["reference_look"] = f"read from {spec.reference_image.name}"
    return ResolvedBackground(values, sources, confidence, notes, missing)
