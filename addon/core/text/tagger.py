"""Which words of a text say what: a token tagger over the sentence model's contextual
word-piece vectors (core.text.embed), one softmax per field ("not this field" or one of
its options), trained on labelled synthetic texts (scripts/train_background_text.py).

Each piece is read with its neighbours and the whole text (its vector, the mean of the
pieces two either side, the mean of all), so "sinking" in "the sun sinking" and in "a
sinking boat" differ. A field's option is the one some piece gives the highest
probability; the words around that piece that agree are what said it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from . import embed

WINDOW = 2  # pieces either side
NOT_SAID = "unspecified"
MAX_WORDS = 80  # a longer text is read in parts (the model reads 126 pieces at most)


def features(vectors: np.ndarray) -> np.ndarray:
    """Per piece: [its vector, the mean of its window, the mean of the text] (n x 3*384)."""
    n = len(vectors)
    summed = np.vstack([np.zeros((1, vectors.shape[1]), vectors.dtype),
                        np.cumsum(vectors, axis=0)])
    index = np.arange(n)
    low, high = np.maximum(index - WINDOW, 0), np.minimum(index + WINDOW + 1, n)
    window = (summed[high] - summed[low]) / (high - low)[:, None]
    whole = np.repeat(vectors.mean(axis=0, keepdims=True), n, axis=0)
    return np.hstack([vectors, window, whole])


def softmax(z: np.ndarray) -> np.ndarray:
    """Row-wise softmax."""
    p = np.exp(z - z.max(axis=1, keepdims=True))
    return p / p.sum(axis=1, keepdims=True)


def peaks(p: np.ndarray, threshold: float) -> list[tuple[int, int, int, int, float]]:
    """Runs of tokens whose likeliest class is the same option (class 0, "not said",
    left out): (first, last, option, the token where it peaks, its probability there),
    for the runs whose peak reaches the threshold."""
    best = p.argmax(axis=1)
    out, start = [], 0
    while start < len(best):
        end = start
        while end + 1 < len(best) and best[end + 1] == best[start]:
            end += 1
        option = int(best[start])
        if option:
            peak = start + int(p[start:end + 1, option].argmax())
            if p[peak, option] >= threshold:
                out.append((start, end, option, peak, float(p[peak, option])))
        start = end + 1
    return out


def members(data) -> list[str]:
    """The key prefixes of the taggers an .npz holds: "m0_", "m1_"... when it holds
    several (a `members` count), else the one unprefixed tagger."""
    if "members" not in data.files:
        return [""]
    return [f"m{i}_" for i in range(int(data["members"]))]


def write_member(path: Path, member: int, out: Path) -> Path:
    """One member of a tagger file that holds several, written to `out` as a tagger file
    of its own (to measure the members apart)."""
    data = np.load(path)
    prefix = f"m{member}_"
    single = {k.removeprefix(prefix): data[k] for k in data.files if k.startswith(prefix)}
    single |= {k: data[k] for k in ("anchor_ids", "model_version") if k in data.files}
    np.savez(out, **single)
    return out


@dataclass
class Tag:
    """An option found, the peak probability, and the words that said it."""

    option: str
    confidence: float
    words: str


def _words(pieces: list[str], agree: np.ndarray, peak: int) -> str:
    """The run of agreeing pieces around the peak, widened to whole words and joined
    back into text ("##" pieces glued on)."""
    low = high = peak
    while low > 0 and (agree[low - 1] or pieces[low].startswith("##")):
        low -= 1
    while high + 1 < len(pieces) and (agree[high + 1] or pieces[high + 1].startswith("##")):
        high += 1
    out, glue = "", False
    for piece in pieces[low:high + 1]:
        # Word pieces and hyphens join what is beside them ("salt-and-pepper").
        if piece.startswith("##") or glue or piece in "-'":
            out += piece.removeprefix("##")
        else:
            out += " " + piece
        glue = piece in "-'"
    return out.strip()


def _parts(text: str) -> list[str]:
    """The text in parts of at most MAX_WORDS words, cut at punctuation."""
    if len(text.split()) <= MAX_WORDS:
        return [text]
    parts, current = [], ""
    for clause in re.split(r"(?<=[.;,!?])\s+", text):
        if current and len((current + " " + clause).split()) > MAX_WORDS:
            parts.append(current)
            current = clause
        else:
            current = f"{current} {clause}".strip()
    parts.append(current)
    # A single clause longer than the limit is cut by words.
    return [" ".join(p.split()[i:i + MAX_WORDS]) for p in parts
            for i in range(0, len(p.split()), MAX_WORDS)]


class TokenTagger:
    """Per-field weights loaded from an .npz of `<field>_weights` ((3*384 + 1) x classes)
    and `<field>_classes` (the first is NOT_SAID), with an optional shared hidden layer;
    or of several such taggers trained apart (`members`, keys prefixed `m0_`, `m1_`...),
    whose probabilities are averaged: one training's quirks on a rare wording are
    outvoted by the others'."""

    def __init__(self, path: Path, threshold: float) -> None:
        data = np.load(path)
        prefixes = members(data)
        self.members = []
        for prefix in prefixes:
            names = [n.removeprefix(prefix) for n in data.files if n.startswith(prefix)]
            # An optional shared hidden layer (ReLU) before the per-field softmaxes.
            hidden = data[prefix + "hidden_weights"].astype(np.float32) \
                if "hidden_weights" in names else None
            heads = {n.removesuffix("_weights"): data[prefix + n].astype(np.float32)
                     for n in names if n.endswith("_weights") and n != "hidden_weights"}
            self.members.append((hidden, heads))
        first = prefixes[0]
        self.classes = {name: [str(c) for c in data[f"{first}{name}_classes"]]
                        for name in self.members[0][1]}
        self.threshold = threshold

    @staticmethod
    def _mostly_words(text: str) -> bool:
        """Whether at least half of the text's words are whole words of the model's
        vocabulary: made-up strings ("qwzx vbnm") break into pieces, and the tagger's
        guesses on them mean nothing."""
        tokenizer = embed.embedder().tokenizer
        words = [w for w in tokenizer.words(text) if w.isalpha()]
        return bool(words) and sum(w in tokenizer.vocab for w in words) >= len(words) / 2

    def tag(self, text: str) -> dict[str, Tag]:
        """field -> the option the text says (its surest span), for the fields it says
        anything about."""
        return {name: max(tags, key=lambda t: t.confidence)
                for name, tags in self.tag_all(text).items()}

    def tag_all(self, text: str) -> dict[str, list[Tag]]:
        """field -> every separate run of pieces that says an option of it (a top and a
        second top are two runs), each with the probability at its peak."""
        found: dict[str, list[Tag]] = {}
        if not self._mostly_words(text):
            return found
        for part in _parts(text):
            pieces, vectors = embed.embedder().tokens(part)
            if not pieces:
                continue
            x = np.hstack([features(vectors), np.ones((len(pieces), 1), np.float32)])
            probabilities: dict[str, np.ndarray] = {}
            for hidden, heads in self.members:
                h = x if hidden is None else np.hstack([
                    np.maximum(x @ hidden, 0.0), np.ones((len(pieces), 1), np.float32)])
                for name, weights in heads.items():
                    probabilities[name] = probabilities.get(name, 0) + softmax(h @ weights)
            for name, classes in self.classes.items():
                p = probabilities[name] / len(self.members)
                likeliest = p.argmax(axis=1)
                for _, _, option, peak, sure in peaks(p, self.threshold):
                    found.setdefault(name, []).append(Tag(
                        classes[option], sure, _words(pieces, likeliest == option, peak)))
        return found
