"""Train the background-description tagger: per field, a softmax over each word piece's
contextual vector (with its neighbours and the whole text; core/text/tagger.py), saying
which option, if any, that piece speaks of.

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
LINKS = [", ", " with ", " and ", ", ", " beside ", ", "]
# Words that speak of none of the fields, so the tagger learns that what it does not know
# says nothing (without them, "asdf" or "hello" got a time of day).
DISTRACTORS = ["a lone hiker", "a wooden cabin", "a dirt road", "a red car", "an old fence",
               "a few birds", "a small house", "a winding path", "wide angle view",
               "seen from above", "a cinematic shot", "a camper van", "a stone wall",
               "a couple walking a dog", "a picnic table", "highly detailed",
               "a scene for a film", "a dramatic view", "a flock of sheep", "a windmill",
               "a tent", "telephone poles", "a railway line", "a bridge", "a ruined castle",
               "hello", "lorem ipsum", "test", "something nice", "make it pretty"]
ROWS = 5000


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
        if rng.random() < 0.3:
            parts.append((DISTRACTORS[rng.integers(len(DISTRACTORS))], None))
        if rng.random() < 0.1:  # gibberish: random word pieces
            vocab = len(tokenizer.vocab)
            parts.append((" ".join(tokenizer.piece(int(i)).lstrip("#") for i in
                                   rng.integers(2000, vocab, rng.integers(1, 4))), None))
        if not parts:
            continue
        rng.shuffle(parts)
        ids, labels = [tokenizer.cls], [None]
        for index, (text, label) in enumerate(parts):
            if index:
                link = _pieces(LINKS[rng.integers(len(LINKS))])
                ids += link
                labels += [None] * len(link)
            piece_ids = _pieces(text)
            ids += piece_ids
            labels += [label] * len(piece_ids)
        rows.append((ids + [tokenizer.sep], labels + [None]))
    return rows


def contextual(rows) -> np.ndarray:
    """Each row's piece vectors in context, through the tagger's features, stacked."""
    session = embedder().session
    out = []
    for start in range(0, len(rows), 64):
        batch = [ids for ids, _ in rows[start:start + 64]]
        width = max(len(ids) for ids in batch)
        ids = np.zeros((len(batch), width), np.int64)
        mask = np.zeros_like(ids)
        for row, tokens in enumerate(batch):
            ids[row, :len(tokens)] = tokens
            mask[row, :len(tokens)] = 1
        hidden = session.run(None, {"input_ids": ids, "attention_mask": mask,
                                    "token_type_ids": np.zeros_like(ids)})[0]
        for row, tokens in enumerate(batch):
            vectors = hidden[row, 1:len(tokens) - 1]
            vectors = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
            out.append(features(vectors))
    return np.vstack(out)


def train_softmax(x: np.ndarray, y: np.ndarray, classes: int, l2: float = 1e-4,
                  steps: int = 300) -> np.ndarray:
    """Multinomial logistic regression (with a bias row) by full-batch Adam."""
    w = np.zeros((x.shape[1] + 1, classes), np.float32)
    xb = np.hstack([x, np.ones((len(x), 1), np.float32)])
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
    started = time.perf_counter()
    rng = np.random.default_rng(7)
    rows = synthetic(ROWS, rng)
    x = contextual(rows).astype(np.float32)
    labels = [label for _, row_labels in rows for label in row_labels[1:-1]]
    print(f"{len(rows)} descriptions, {len(x)} word pieces "
          f"({time.perf_counter() - started:.0f} s)")
    out = {}
    for name, options in FRAGMENTS.items():
        classes = [NOT_SAID, *options]
        y = np.array([classes.index(label[1]) if label and label[0] == name else 0
                      for label in labels])
        w = train_softmax(x, y, len(classes))
        xb = np.hstack([x, np.ones((len(x), 1), np.float32)])
        accuracy = float(((xb @ w).argmax(axis=1) == y).mean())
        print(f"{name}: {len(classes)} classes, per-piece training accuracy {accuracy:.1%} "
              f"({time.perf_counter() - started:.0f} s)")
        out[f"{name}_weights"] = w
        out[f"{name}_classes"] = np.array(classes)
    path = Path(__file__).resolve().parent.parent / "addon" / "core" / "background" / \
        "text_tagger.npz"
    np.savez_compressed(path, **out)
    print(f"wrote {path} ({path.stat().st_size // 1024} KB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
