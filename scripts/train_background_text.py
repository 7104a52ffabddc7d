"""Train the background-description tagger: a small network over each word piece's
contextual vector (with its neighbours and the whole text; core/text/tagger.py): one
shared hidden layer, then per field a softmax saying which option, if any, that piece
speaks of.

    .venv/bin/python scripts/train_background_text.py

Training texts are synthetic: hand-written fragments, one per field (or none: the field is
then not said), joined in random order with random linking words; each word piece is
labelled with the field and option of the fragment it came from, so the tagger learns
where in a mixed description each attribute is said, and that linking words say nothing.
Writes addon/core/background/text_tagger.npz. The fragments were written without looking
at the benchmark's held-out descriptions (scripts/bench_background_text.py), which are
never used to train.
"""

from __future__ import annotations

import re
import sys
import time
from pathlib import Path

import numpy as np
from metastudio.core.text.embed import embedder
from metastudio.core.text.tagger import NOT_SAID, features

FRAGMENTS = {
    "time_of_day": {
        "dawn": ["at dawn", "at sunrise", "at daybreak", "at first light", "as the sun rises",
                 "in the grey light before sunrise", "as the sky brightens in the east",
                 "with the sun just coming up", "at the break of day",
                 "as the day is born"],
        "morning": ["in the morning", "on a fresh morning", "mid-morning",
                    "at nine in the morning", "after breakfast", "early in the day",
                    "on a bright morning", "in the morning sun", "at around ten a.m.",
                    "as the town wakes up"],
        "noon": ["at noon", "at midday", "under the noonday sun", "with the sun overhead",
                 "at lunchtime", "at twelve o'clock", "in the heat of midday",
                 "with short shadows at midday", "at the height of the day",
                 "at high noon"],
        "afternoon": ["in the afternoon", "in the late afternoon", "after lunch",
                      "at three in the afternoon", "at teatime", "around four p.m.",
                      "on a lazy afternoon", "in the mid-afternoon light",
                      "as the afternoon wears on", "at two o'clock"],
        "sunset": ["at sunset", "at sundown", "as the sun sets", "as the sun goes down",
                   "in the golden evening light", "with the sun sinking low",
                   "with the sun touching the horizon", "in the red glow of sunset",
                   "at the end of the day as the sun drops", "in the evening sun"],
        "dusk": ["at dusk", "at twilight", "at nightfall", "in the blue hour",
                 "as the light fades", "just after the sun has set",
                 "in the gloaming", "as evening falls", "in the last light of evening",
                 "as darkness creeps in"],
        "night": ["at night", "at midnight", "under the stars", "by moonlight",
                  "in the dead of night", "long after dark", "in the small hours",
                  "under a full moon", "in pitch darkness", "under the milky way"],
    },
    "biome": {
        "forest": ["a forest", "a pine forest", "dense woods", "an oak woodland",
                   "tall trees", "a jungle", "a birch grove", "a rainforest",
                   "a spruce forest", "thick woodland"],
        "grassland": ["grassland", "a meadow", "rolling green hills", "open prairie",
                      "a pasture", "fields of tall grass", "the savanna", "a hay field",
                      "a steppe", "wildflower meadows"],
        "desert": ["a desert", "sand dunes", "an arid wasteland", "a cactus desert",
                   "endless sand", "dry cracked earth", "the sahara", "a salt flat",
                   "a barren rocky desert", "a scorching wasteland"],
        "mountains": ["mountains", "rocky peaks", "an alpine range", "high summits",
                      "a mountain pass", "craggy mountains", "snowy peaks",
                      "a rugged mountain ridge", "the himalayas", "steep slopes"],
        "snowfield": ["a snowfield", "a frozen plain", "arctic tundra", "a glacier",
                      "an ice sheet", "a white expanse of ice", "polar wastes",
                      "snow-covered flats", "an icy plateau", "frozen tundra"],
        "coast": ["a coast", "a beach", "a rocky shoreline", "sea cliffs", "a sandy bay",
                  "a harbour", "a headland", "a fishing village by the shore",
                  "a tropical beach", "dunes by the shore"],
        "canyon": ["a canyon", "a deep gorge", "a red rock ravine", "a slot canyon",
                   "sandstone cliffs", "a mesa", "the grand canyon", "a narrow chasm",
                   "layered rock walls", "a dry gulch"],
        "wetland": ["a wetland", "a swamp", "a marsh", "a bog", "mangroves", "reed beds",
                    "a fen", "the everglades", "a bayou", "muddy flats with reeds"],
        "volcanic": ["a volcano", "lava fields", "a smoking crater", "black basalt",
                     "a caldera", "an erupting volcano", "volcanic ash plains",
                     "cooled lava flows", "a steaming vent", "obsidian rocks"],
        "city": ["a city", "city streets", "skyscrapers", "a downtown", "a metropolis",
                 "office towers", "a busy urban street", "rooftops of a town",
                 "an old town square", "a neon-lit city"],
    },
    "weather": {
        "clear": ["under a clear sky", "under a cloudless sky", "in bright sunshine",
                  "in fair weather", "with a blue sky", "with not a cloud in sight",
                  "in crisp clear air", "with perfect visibility"],
        "cloudy": ["with scattered clouds", "under a partly cloudy sky",
                   "with fluffy white clouds", "with a few clouds drifting",
                   "with patchy cloud", "with puffy cumulus clouds"],
        "overcast": ["under an overcast sky", "under grey skies", "under heavy cloud",
                     "beneath a leaden sky", "with a blanket of grey cloud",
                     "on a dull grey day", "with low grey clouds"],
        "fog": ["in thick fog", "in mist", "in a light haze", "with fog rolling in",
                "shrouded in mist", "in a misty haze", "with low-lying fog",
                "in a pea-souper"],
        "rain": ["in the rain", "in a downpour", "in steady drizzle",
                 "during a rain shower", "with rain pouring down", "on a wet rainy day",
                 "in heavy rain", "with puddles and falling rain"],
        "snow": ["in falling snow", "in a snowfall", "in a blizzard", "with snowflakes",
                 "with snow drifting down", "in a flurry of snow", "in heavy snow",
                 "in a whiteout"],
        "storm": ["in a storm", "in a thunderstorm", "with thunder and lightning",
                  "in a gale", "with lightning flashing", "in a violent tempest",
                  "with storm clouds and strong wind", "in a hurricane"],
    },
    "water": {
        "lake": ["a lake", "a pond", "a still lake", "a reservoir", "a mountain tarn",
                 "a lake in the valley", "a small pond", "a glassy pool of water"],
        "river": ["a river", "a stream", "a creek", "a brook", "a winding river",
                  "a waterfall and stream", "a rushing torrent", "a canal"],
        "sea": ["the sea", "the ocean", "crashing waves", "the open ocean", "the surf",
                "a bay of the sea", "the seashore waves", "an ocean horizon"],
    },
}
# A second, wider set of fragments (written with the first, kept apart so the
# first stays as it was measured): colloquial, figurative and clock-time wordings,
# metaphors that are not the thing they name ("a sea of dunes" is no sea) and negations
# ("not a cloud in the sky" is a clear sky).
MORE_FRAGMENTS = {
    'time_of_day': {
        'dawn': [
            "before the world wakes", "with the eastern sky turning pink",
            "as the first rays touch the ground", "at cockcrow", "at the crack of dawn",
            "with dew still on the grass at sunup", "as night gives way to day",
            "with the sun barely above the horizon in the east", "at six a.m. sunrise",
            "in the pale light of early dawn", "with the morning star fading",
            "as the first birds start to sing", "at sunup", "in the rosy first light",
            "with the sun peeping over the ridge",
        ],
        'morning': [
            "in the early morning sun", "at eight o'clock", "around half past nine",
            "during the morning commute", "while people head to work",
            "with the morning sun climbing", "at 10 am", "in the forenoon",
            "on a crisp morning", "as the shops open", "at coffee time",
            "in the bright morning", "a while after sunrise", "at 9am",
            "with long morning shadows",
        ],
        'noon': [
            "at 12 pm", "under the midday sun", "with the sun at its zenith",
            "at the hottest hour", "in blazing noon light", "when shadows are shortest",
            "with the sun straight above", "around lunch hour", "at 12:00",
            "in the full glare of the day", "with the sun beating down from directly above",
            "at the stroke of twelve", "in the noon heat", "when the sun is highest",
            "at lunch",
        ],
        'afternoon': [
            "in the mid-afternoon", "around 3pm", "at half past two", "after the lunch break",
            "on a sleepy afternoon", "with the sun starting to lower",
            "in warm afternoon light", "during an afternoon stroll", "at 4 pm",
            "in the late afternoon sun", "as school lets out", "at 3 o'clock",
            "in the post-lunch lull", "with the afternoon sun slanting",
            "at about half past three",
        ],
        'sunset': [
            "as the sun dips below the horizon", "at the close of day",
            "with the sky ablaze in orange", "as the sun slips away in the west",
            "in the glow of the setting sun", "at evening golden hour",
            "with a blazing red sunset", "as the day ends in fire", "at 7 pm sunset",
            "with the western sky aflame", "as the sun sinks", "in the evening glow",
            "with long evening shadows", "at sun-down", "as the sun goes to bed",
        ],
        'dusk': [
            "in the dimming light", "at eventide", "just after sundown",
            "in the half-light of evening", "as the street lamps flicker on",
            "with the first stars appearing", "as the sky turns indigo",
            "in the fading twilight", "after the sun has gone down", "in the violet afterglow",
            "as night approaches", "in the evening dimness", "at the edge of night",
            "with the last glow on the horizon", "in the crepuscular light",
        ],
        'night': [
            "after dark", "at 2 a.m.", "in the middle of the night", "beneath a crescent moon",
            "under a starlit sky", "at 11 pm", "in the moonlit darkness",
            "with only the stars for light", "on a dark moonless night",
            "under the northern lights", "at 3am", "in the inky blackness", "late at night",
            "by the light of the moon", "in the witching hour",
        ],
    },
    'biome': {
        'forest': [
            "a grove of ancient oaks", "among towering redwoods", "a thick canopy of leaves",
            "a woodland clearing", "a fir forest", "between mossy tree trunks",
            "deep in the woods", "a tangle of jungle vines", "a stand of beeches",
            "a wooded valley", "the taiga", "a bamboo grove", "among the conifers",
            "an evergreen forest", "a forest path", "a sea of treetops",
        ],
        'grassland': [
            "a grassy plain", "green farmland", "fields of wheat", "open countryside",
            "a wide lawn of grass", "the pampas", "grazing land", "a flower-filled field",
            "gentle grassy slopes", "the veld", "a field of clover",
            "cattle grazing on the plains", "tall prairie grass", "a village green",
            "sheep fields", "a sea of grass", "an ocean of wheat",
        ],
        'desert': [
            "the dunes of an empty desert", "a parched wilderness", "the mojave",
            "sun-bleached sand", "a wasteland of sand and rock", "the gobi",
            "rolling sand hills", "an oasis in the sand", "tumbleweeds on dry ground",
            "a sea of sand", "bone-dry badlands", "sagebrush and sand", "a dry arid plain",
            "camels crossing the sand", "drifting sand", "a sea of dunes", "an ocean of sand",
        ],
        'mountains': [
            "a mountain range", "jagged peaks", "the alps", "a towering massif",
            "a high ridge line", "the rockies", "granite peaks", "a mountainside",
            "lofty summits", "a steep alpine valley", "a rugged highland", "cliffs and peaks",
            "the foothills of high mountains", "a snow-capped mountain", "a mountain col",
        ],
        'snowfield': [
            "endless snow", "an ice field", "the antarctic", "a snowy plain",
            "the frozen north", "a wintry wasteland", "deep snowdrifts", "pack ice",
            "a flat white plain of snow", "the arctic", "a frozen lake plain under snow",
            "an icecap", "snow as far as you can see", "the siberian tundra",
            "blue ice and snow",
        ],
        'coast': [
            "a seaside cliff", "the shore", "a pebble beach", "a coastal path", "a cove",
            "a lighthouse on the shore", "the waterfront", "a seafront promenade",
            "a rocky coast", "a palm-lined beach", "the water's edge by the sea",
            "a sandy strand", "a fjord coastline", "a jetty on the shore", "a seaside town",
        ],
        'canyon': [
            "a gorge", "steep canyon walls", "a red rock canyon", "a sheer-walled ravine",
            "canyonlands", "a river-cut gorge", "towering sandstone walls", "buttes and mesas",
            "a deep cleft in the rock", "a desert canyon", "an arroyo", "a chasm",
            "eroded red cliffs", "striped rock walls", "a narrow gorge",
        ],
        'wetland': [
            "a marshland", "swampy ground", "a quagmire", "cattails and mud",
            "a mangrove swamp", "a boggy moor", "wet meadows with reeds", "flooded grassland",
            "a salt marsh", "cypress swamp", "a peat bog", "lily pads and reeds",
            "a misty fen", "the wetlands", "a marshy delta",
        ],
        'volcanic': [
            "a volcanic landscape", "molten lava", "a lava plain", "ash-covered slopes",
            "a volcanic crater", "magma glowing", "sulphur vents", "a cinder cone",
            "fields of black lava rock", "a fiery volcano", "smouldering lava",
            "a volcanic island", "pumice and ash", "fumaroles", "a lava lake",
        ],
        'city': [
            "a cityscape", "an urban street", "high-rise buildings", "a town centre",
            "a city skyline", "busy avenues", "apartment blocks", "a city block",
            "crowded city streets", "a financial district", "shops and houses",
            "a street corner", "downtown streets", "tower blocks", "a suburban street",
        ],
    },
    'weather': {
        'clear': [
            "with clear skies", "in brilliant sunshine", "under a blue sky", "on a sunny day",
            "with the sun shining", "without a single cloud", "under a spotless sky",
            "on a bright clear day", "with crystal clear air", "under a sky of pure blue",
            "on a fine day", "in glorious sunshine", "under clear starry skies",
            "with a clear night sky", "in still, clear weather", "not a cloud in the sky",
            "without a cloud", "not a breath of wind", "no wind at all",
            "with not a drop of rain", "no clouds",
        ],
        'cloudy': [
            "with some clouds", "under a cloudy sky", "with clouds drifting by",
            "with cumulus clouds", "with broken clouds", "with white clouds",
            "with clouds racing across the sky", "under a sky dotted with clouds",
            "with sun and cloud", "with cotton-wool clouds", "with big clouds",
            "with cloud shadows on the ground", "with a few wispy clouds",
            "on a partly sunny day", "with clouds coming and going",
        ],
        'overcast': [
            "under a grey sky", "with overcast skies", "on a gloomy day",
            "with the sun hidden behind clouds", "under a solid grey ceiling",
            "under dreary skies", "with thick clouds covering the sky", "on a sunless day",
            "under a dull sky", "beneath a heavy grey overcast", "with no sun",
            "under brooding clouds", "on a grey day", "under an iron-grey sky",
            "with complete cloud cover",
        ],
        'fog': [
            "in dense fog", "with mist hanging in the air", "in a thick mist", "in a haze",
            "with fog in the valleys", "in foggy weather", "in murky fog", "in hazy light",
            "with a veil of mist", "wrapped in fog", "in smog", "with wisps of mist",
            "in a milky haze", "with fog banks", "in soupy fog",
        ],
        'rain': [
            "in pouring rain", "with rain falling", "in a rainstorm", "during a shower",
            "in a light drizzle", "with rain lashing down", "in the wet",
            "with raindrops everywhere", "in a rainy spell", "in a cloudburst",
            "with wet streets and rain", "in persistent rain", "in a monsoon downpour",
            "with rain on the windows", "in spitting rain",
        ],
        'snow': [
            "in a snowstorm", "as snow falls", "with snowflakes falling",
            "in a light snowfall", "with snow coming down", "in swirling snow",
            "in driving snow", "while it snows", "in a snow shower",
            "with big flakes of snow falling", "in flurries", "with sleet and snow",
            "in a snowy squall", "with snow falling softly", "in a winter blizzard",
        ],
        'storm': [
            "in a thunderstorm", "during a violent storm", "in stormy weather",
            "with lightning striking", "in a raging storm", "with thunder rumbling",
            "in a squall", "in gale force winds", "in a cyclone", "in a tornado",
            "with dark storm clouds", "with thunderclaps", "in a typhoon",
            "with howling winds and thunder", "in an electrical storm",
        ],
    },
    'water': {
        'lake': [
            "a mountain lake", "a calm lake", "a lakeshore", "a lagoon",
            "a lake reflecting the sky", "a millpond", "a loch", "still water", "a small lake",
            "a frozen lake", "a pool", "a lakeside", "a mere", "a waterhole", "an oxbow lake",
        ],
        'river': [
            "a river running through", "a flowing stream", "a riverbank", "a babbling brook",
            "rapids", "a meandering river", "a waterfall", "a rushing river",
            "a trickling creek", "a wide river", "a riverside", "a mountain stream",
            "a rivulet", "a river delta", "a gushing torrent",
        ],
        'sea': [
            "an ocean view", "the open sea", "breaking waves", "the sea horizon",
            "rolling waves", "the coastline waves", "the deep blue sea", "surf and spray",
            "the tide coming in", "sea spray", "ocean swells", "the seas", "the high seas",
            "whitecaps on the water", "a stormy sea",
        ],
    },
}
for _field, _options in MORE_FRAGMENTS.items():
    for _option, _phrases in _options.items():
        FRAGMENTS[_field][_option] = FRAGMENTS[_field][_option] + _phrases
LINKS = [", ", " with ", " and ", ", ", " beside ", ", "]
# Words that speak of none of the fields, so the tagger learns that what it does not know
# says nothing (without them, "asdf" or "hello" got a time of day).
DISTRACTORS = ["wide angle view", "seen from above", "a cinematic shot", "highly detailed",
               "a scene for a film", "a dramatic view", "a dirt road", "a winding path",
               "hello", "lorem ipsum", "test", "something nice", "make it pretty",
               # Negations: water named but not there.
               "not a drop of water", "no water anywhere", "far from any water",
               "without any lakes or rivers"]
# Things in a place that no builder makes yet: the tagger marks them ("not_built") so
# that they are listed back to the user as left out, never dropped silently.
OBJECTS = ["a lone hiker", "a wooden cabin", "a red car", "an old fence", "a few birds",
           "a small house", "a camper van", "a stone wall", "a couple walking a dog",
           "a picnic table", "a flock of sheep", "a windmill", "a tent", "telephone poles",
           "a railway line", "a bridge", "a ruined castle", "boats", "fishing boats",
           "a sailing ship", "a lighthouse", "a pier", "a temple", "a church spire",
           "cows grazing", "horses", "a campfire", "a playground", "a train",
           "market stalls", "a statue", "a fountain", "people", "children playing",
           "a hot air balloon", "a ferris wheel", "yachts", "a wooden jetty with boats",
           "a farmhouse", "a barn", "a pagoda", "street lamps", "a bus stop", "deer"]
ROWS = 10000
# Weather and time said as an adjective on the land ("a misty pine forest", "a moonlit
# marsh"): a share of the training texts join them so, piece labels kept apart.
ADJECTIVES = {
    "weather": {"clear": ["sunny", "sunlit", "cloudless", "bright"],
                "cloudy": ["cloudy", "cloud-dappled", "partly cloudy"],
                "overcast": ["overcast", "grey", "gloomy", "dreary", "sunless"],
                "fog": ["misty", "foggy", "hazy", "fog-bound", "mist-shrouded"],
                "rain": ["rainy", "rain-soaked", "drizzly", "rain-lashed", "wet"],
                "snow": ["snow-blown", "blizzard-swept", "snowing"],
                "storm": ["stormy", "storm-lashed", "thundery", "storm-battered"]},
    "time_of_day": {"night": ["moonlit", "starlit", "nighttime", "midnight"],
                    "dawn": ["dawn-lit", "daybreak"], "sunset": ["sunset-lit"],
                    "noon": ["midday", "noonday"], "dusk": ["twilit"],
                    "morning": ["early-morning"], "afternoon": ["late-afternoon"]},
}
ARTICLE = re.compile(r"^(?:a|an|the)\s+", re.IGNORECASE)


def _pieces(text: str) -> list[int]:
    tokenizer = embedder().tokenizer
    return [i for word in tokenizer.words(text) for i in tokenizer.pieces(word)]


def synthetic(count: int, rng) -> list[tuple[list[int], list[tuple[str, str] | None]]]:
    """Token ids of synthetic descriptions and, per piece, (field, option) or None."""
    rows = []
    tokenizer = embedder().tokenizer
    for _ in range(count):
        parts = []
        for name, options in FRAGMENTS.items():
            # Each field is left out a quarter of the time: "not said" must be learnt.
            if rng.random() < 0.25:
                continue
            option = list(options)[rng.integers(len(options))]
            phrases = options[option]
            parts.append((phrases[rng.integers(len(phrases))], (name, option)))
        if rng.random() < 0.15:
            parts.append((DISTRACTORS[rng.integers(len(DISTRACTORS))], None))
        if rng.random() < 0.3:
            parts.append((OBJECTS[rng.integers(len(OBJECTS))], ("not_built", "item")))
        if rng.random() < 0.1:  # gibberish: random word pieces
            vocab = len(tokenizer.vocab)
            parts.append((" ".join(tokenizer.piece(int(i)).lstrip("#") for i in
                                   rng.integers(2000, vocab, rng.integers(1, 4))), None))
        if not parts:
            continue
        # A part is a list of (text, label) segments; mostly one.
        parts = [[part] for part in parts]
        land = next((p for p in parts if p[0][1] and p[0][1][0] == "biome"), None)
        for name in ("weather", "time_of_day"):
            said = next((p for p in parts if p[0][1] and p[0][1][0] == name), None)
            words = ADJECTIVES[name].get(said[0][1][1], []) if said else []
            if land is not None and words and rng.random() < 0.3:
                noun = ARTICLE.sub("", land[-1][0])
                word = words[rng.integers(len(words))]
                land[:] = [("a", None), (word, said[0][1]), *land[:-1],
                           (noun, land[-1][1])] if len(land) == 1 else \
                    [land[0], (word, said[0][1]), *land[1:]]
                parts.remove(said)
        rng.shuffle(parts)
        ids, labels = [tokenizer.cls], [None]
        for index, part in enumerate(parts):
            if index:
                link = _pieces(LINKS[rng.integers(len(LINKS))])
                ids += link
                labels += [None] * len(link)
            for text, label in part:
                piece_ids = _pieces(text)
                ids += piece_ids
                labels += [label] * len(piece_ids)
        rows.append((ids + [tokenizer.sep], labels + [None]))
    return rows


def contextual(rows) -> np.ndarray:
    """Each row's piece vectors in context, through the tagger's features, stacked."""
    out = []
    for start in range(0, len(rows), 64):
        for states in embedder().hidden([ids for ids, _ in rows[start:start + 64]]):
            vectors = states[1:-1]
            out.append(features(vectors / np.linalg.norm(vectors, axis=1, keepdims=True)))
    return np.vstack(out)


def train_tagger(x: np.ndarray, targets: dict[str, np.ndarray], sizes: dict[str, int],
                 hidden: int = 512, epochs: int = 8, seed: int = 0) -> dict[str, np.ndarray]:
    """One shared hidden layer (ReLU, dropout 0.2 while training) and a softmax head per
    field, trained together by minibatch Adam on the summed cross-entropies. Returns the
    weights with their biases as a last row: "hidden" and one per field."""
    rng = np.random.default_rng(seed)
    params = {"hidden": rng.normal(0, np.sqrt(2 / x.shape[1]), (x.shape[1] + 1, hidden))}
    params["hidden"][-1] = 0.0
    for name, size in sizes.items():
        params[name] = rng.normal(0, np.sqrt(1 / hidden), (hidden + 1, size))
        params[name][-1] = 0.0
    params = {k: v.astype(np.float32) for k, v in params.items()}
    first = {k: np.zeros_like(v) for k, v in params.items()}
    second = {k: np.zeros_like(v) for k, v in params.items()}
    step, batch, rate, l2 = 0, 256, 1e-3, 1e-5
    ones = np.ones((batch, 1), np.float32)
    for epoch in range(epochs):
        order = rng.permutation(len(x))
        for start in range(0, len(x), batch):
            rows = order[start:start + batch]
            xb = np.hstack([x[rows], ones[:len(rows)]])
            before = xb @ params["hidden"]
            keep = (rng.random(before.shape) > 0.2).astype(np.float32) / 0.8
            h = np.maximum(before, 0) * keep
            hb = np.hstack([h, ones[:len(rows)]])
            grads, dh = {}, np.zeros_like(h)
            for name in sizes:
                z = hb @ params[name]
                p = np.exp(z - z.max(axis=1, keepdims=True))
                p /= p.sum(axis=1, keepdims=True)
                p[np.arange(len(rows)), targets[name][rows]] -= 1
                p /= len(rows)
                grads[name] = hb.T @ p + l2 * params[name]
                dh += p @ params[name][:-1].T
            dh *= keep * (before > 0)
            grads["hidden"] = xb.T @ dh + l2 * params["hidden"]
            step += 1
            for key, grad in grads.items():
                first[key] = 0.9 * first[key] + 0.1 * grad
                second[key] = 0.999 * second[key] + 0.001 * grad * grad
                params[key] -= rate * (first[key] / (1 - 0.9 ** step)) / (
                    np.sqrt(second[key] / (1 - 0.999 ** step)) + 1e-8)
        print(f"  epoch {epoch + 1}/{epochs}", flush=True)
    return params


def main() -> int:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=ROWS, help="synthetic descriptions")
    parser.add_argument("--out", type=Path, help="where to write (default: the package's)")
    parser.add_argument("--hidden", type=int, default=512, help="hidden layer width")
    parser.add_argument("--epochs", type=int, default=8, help="passes over the pieces")
    args = parser.parse_args()
    started = time.perf_counter()
    rng = np.random.default_rng(7)
    rows = synthetic(args.rows, rng)
    x = contextual(rows).astype(np.float32)
    labels = [label for _, row_labels in rows for label in row_labels[1:-1]]
    print(f"{len(rows)} descriptions, {len(x)} word pieces "
          f"({time.perf_counter() - started:.0f} s)")
    classes = {name: [NOT_SAID, *options] for name, options in FRAGMENTS.items()}
    classes["not_built"] = [NOT_SAID, "item"]
    targets = {name: np.array([classes[name].index(label[1]) if label and label[0] == name
                               else 0 for label in labels]) for name in classes}
    params = train_tagger(x, targets, {name: len(c) for name, c in classes.items()},
                          args.hidden, args.epochs)
    # Training accuracy per piece, on the first 20,000 pieces.
    sample = np.hstack([x[:20000], np.ones((min(len(x), 20000), 1), np.float32)])
    h = np.maximum(sample @ params["hidden"], 0)
    h = np.hstack([h, np.ones((len(h), 1), np.float32)])
    for name in classes:
        accuracy = float(((h @ params[name]).argmax(axis=1) == targets[name][:20000]).mean())
        print(f"{name}: {len(classes[name])} classes, per-piece training accuracy "
              f"{accuracy:.1%}")
    # Half precision: the file is half the size and the readings are the same.
    out = {"hidden_weights": params["hidden"].astype(np.float16)}
    for name in classes:
        out[f"{name}_weights"] = params[name].astype(np.float16)
        out[f"{name}_classes"] = np.array(classes[name])
    path = args.out or Path(__file__).resolve().parent.parent / "addon" / "core" / \
        "background" / "text_tagger.npz"
    np.savez_compressed(path, **out)
    print(f"wrote {path} ({path.stat().st_size // 1024} KB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
