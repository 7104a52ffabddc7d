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
from .tagger import Tag, members, peaks, softmax


def hidden_layer(rows: np.ndarray, dense: np.ndarray, weights: dict) -> np.ndarray:
    """The shared ReLU layer: the hashed identities' rows summed, plus the dense
    features through their weights, plus the bias."""
    return np.maximum(weights["embedding"][rows].sum(axis=1) + dense @ weights["dense"] +
                      weights["bias"], 0.0)


class MorphemeTagger:
    """Loaded from an .npz written by scripts/train_korean_text.py: one tagger, or
    several trained apart (core.text.tagger.members) whose probabilities are averaged."""

    def __init__(self, path: Path, threshold: float) -> None:
        data = np.load(path)
        prefixes = members(data)
        self.members = []
        for prefix in prefixes:
            weights = {key: data[prefix + key].astype(np.float32)
                       for key in ("embedding", "dense", "bias")}
            heads = {n.removeprefix(prefix).removesuffix("_head"): data[n].astype(np.float32)
                     for n in data.files if n.startswith(prefix) and n.endswith("_head")}
            self.members.append((weights, heads))
        first = prefixes[0]
        self.classes = {name: [str(c) for c in data[f"{first}{name}_classes"]]
                        for name in self.members[0][1]}
        self.anchors = tuple(int(i) for i in data["anchor_ids"])
        self.model_version = str(data["model_version"])
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
        probabilities: dict[str, np.ndarray] = {}
        for weights, heads in self.members:
            h = hidden_layer(rows, dense, weights)
            h = np.hstack([h, np.ones((len(h), 1), np.float32)])
            for name, head in heads.items():
                probabilities[name] = probabilities.get(name, 0) + softmax(h @ head)
        found: dict[str, list[Tag]] = {}
        for name, classes in self.classes.items():
            p = probabilities[name] / len(self.members)
            for first, last, option, _, sure in peaks(p, self.threshold):
                # A span that starts inside a word starts with the word ("검은 정장",
                # not "은 정장": Kiwi cuts 검은 into 검 and 은).
                start = text.rfind(" ", 0, morphemes[first].start) + 1
                found.setdefault(name, []).append(Tag(
                    classes[option], sure, text[start:morphemes[last].end].strip()))
        return found
