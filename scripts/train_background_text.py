"""Train the background-description classifier: one logistic regression per field over
sentence embeddings of synthetic descriptions.

    .venv/bin/python scripts/train_background_text.py

Synthetic descriptions are made by combining hand-written fragments, one per field (or
none: the field is then "unspecified"), in random order and with random linking words,
so the classifier learns how each attribute shows in the embedding of a whole, mixed
description. Writes addon/core/background/text_classifier.npz (a few hundred KB). The
fragments here were written without looking at the benchmark's descriptions
(scripts/bench_background_text.py), whose held-out set is never used to train.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
from metastudio.core.text.embed import embedder

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
LINKS = [", ", " with ", " and ", ", ", " beside ", ", "]
UNSPECIFIED = "unspecified"


def synthetic(count: int, rng) -> list[tuple[str, dict[str, str]]]:
    rows = []
    fields = list(FRAGMENTS)
    for _ in range(count):
        labels, parts = {}, []
        for name in fields:
            options = list(FRAGMENTS[name])
            # Each field is left out a quarter of the time: "not said" is a class.
            if rng.random() < 0.25:
                labels[name] = UNSPECIFIED
                continue
            option = options[rng.integers(len(options))]
            labels[name] = option
            phrases = FRAGMENTS[name][option]
            parts.append(phrases[rng.integers(len(phrases))])
        if not parts:
            continue
        rng.shuffle(parts)
        text = parts[0]
        for part in parts[1:]:
            text += LINKS[rng.integers(len(LINKS))] + part
        rows.append((text, labels))
    return rows


def train_softmax(x: np.ndarray, y: np.ndarray, classes: int, l2: float = 1e-3,
                  steps: int = 400) -> np.ndarray:
    w = np.zeros((x.shape[1] + 1, classes))
    xb = np.hstack([x, np.ones((len(x), 1))])
    m = np.zeros_like(w)
    v = np.zeros_like(w)
    for step in range(1, steps + 1):
        z = xb @ w
        p = np.exp(z - z.max(axis=1, keepdims=True))
        p /= p.sum(axis=1, keepdims=True)
        p[np.arange(len(y)), y] -= 1
        g = xb.T @ p / len(y) + l2 * w
        m, v = 0.9 * m + 0.1 * g, 0.999 * v + 0.001 * g * g
        w -= 0.05 * (m / (1 - 0.9 ** step)) / (np.sqrt(v / (1 - 0.999 ** step)) + 1e-8)
    return w


def main() -> int:
    rng = np.random.default_rng(7)
    rows = synthetic(3000, rng)
    vectors = embedder()([text for text, _ in rows])
    out = {}
    for name, options in FRAGMENTS.items():
        classes = [UNSPECIFIED, *options]
        y = np.array([classes.index(labels[name]) for _, labels in rows])
        w = train_softmax(vectors, y, len(classes))
        xb = np.hstack([vectors, np.ones((len(vectors), 1))])
        accuracy = float(((xb @ w).argmax(axis=1) == y).mean())
        print(f"{name}: {len(classes)} classes, training accuracy {accuracy:.1%}")
        out[f"{name}_weights"] = w.astype(np.float32)
        out[f"{name}_classes"] = np.array(classes)
    path = Path(__file__).resolve().parent.parent / "addon" / "core" / "background" / \
        "text_classifier.npz"
    np.savez_compressed(path, **out)
    print(f"wrote {path} ({path.stat().st_size // 1024} KB) from {len(rows)} descriptions")
    return 0


if __name__ == "__main__":
    sys.exit(main())
