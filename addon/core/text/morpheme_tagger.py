"""Which Korean words say what: a morpheme tagger (core.text.korean's features), one
softmax per field ("not this field" or one of its options), trained on labelled
synthetic Korean descriptions (scripts/train_korean_text.py).

The same reading as the English tagger (core.text.tagger): a field's option is the one
some morpheme gives the highest probability, and the words around it that agree are what
said it, shown as they are written in the text.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from . import korean
from .tagger import Tag, peaks, softmax


def hidden_layer(rows: np.ndarray, dense: np.ndarray, weights: dict) -> np.ndarray:
    """The shared ReLU layer: the hashed identities' rows summed, plus the dense
    features through their weights, plus the bias."""
    return np.maximum(weights["embedding"][rows].sum(axis=1) + dense @ weights["dense"] +
                      weights["bias"], 0.0)


class MorphemeTagger:
    """Loaded from an .npz written by scripts/train_korean_text.py."""

    def __init__(self, path: Path, threshold: float) -> None:
        data = np.load(path)
        self.weights = {"embedding": data["embedding"].astype(np.float32),
                        "dense": data["dense"].astype(np.float32),
                        "bias": data["bias"].astype(np.float32)}
        self.anchors = tuple(int(i) for i in data["anchor_ids"])
        self.model_version = str(data["model_version"])
        self.fields = {name.removesuffix("_head"): (
            data[name].astype(np.float32),
            [str(c) for c in data[name.replace("_head", "_classes")]])
            for name in data.files if name.endswith("_head")}
        self.threshold = threshold

    def tag(self, text: str) -> dict[str, Tag]:
        """field -> the option the text says (its surest span), for the fields it says
        anything about."""
        return {name: max(tags, key=lambda t: t.confidence)
                for name, tags in self.tag_all(text).items()}

    def tag_all(self, text: str) -> dict[str, list[Tag]]:
        """field -> every separate span that says an option of it (a top and a second
        top are two spans), each with the probability at its peak."""
        lex = korean.analyser()
        if lex.model_version != self.model_version:
            raise korean.KoreanModelError(
                f"Korean text: the tagger was trained with kiwipiepy_model "
                f"{self.model_version}, but {lex.model_version} is installed; install it "
                f"with: {korean.INSTALL_HINT}")
        morphemes = lex.morphemes(text)
        if not morphemes:
            return {}
        rows, dense = korean.features(morphemes, self.anchors)
        h = hidden_layer(rows, dense, self.weights)
        h = np.hstack([h, np.ones((len(h), 1), np.float32)])
        found: dict[str, list[Tag]] = {}
        for name, (head, classes) in self.fields.items():
            for first, last, option, _, sure in peaks(softmax(h @ head), self.threshold):
                found.setdefault(name, []).append(Tag(
                    classes[option], sure,
                    text[morphemes[first].start:morphemes[last].end].strip()))
        return found
