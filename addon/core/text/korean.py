"""Korean text as morphemes, with features a tagger can learn from (core.text.morpheme_tagger).

Kiwi (kiwipiepy, with its model package kiwipiepy_model; both from the package index,
LGPL-3.0) cuts Korean into morphemes with their parts of speech ("빨간 스웨터를 입은
할머니" -> 빨갛/VA ᆫ/ETM 스웨터/NNG 를/JKO 입/VV 은/ETM 할머니/NNG), and its CoNg language
model knows which morphemes are used alike (할머니 ~ 할아버지, 노파; 숲 ~ 수풀, 들판). A
morpheme is described to the tagger by hashed identities (its form, its form and tag,
its letters and letter pairs, its neighbours), so that a compound no training text used
(롱원피스, 칠부바지) still shares most of what describes its parts; optionally also by its
CoNg similarity to a few hundred anchor morphemes. The shipped taggers do without the
similarities: on words no fragment uses they were no better (scripts/
bench_korean_routes.py; BENCHMARKS.md): CoNg's neighbours of rare words are noise.
"""

from __future__ import annotations

import functools
import re
import threading
import zlib
from dataclasses import dataclass

import numpy as np

from ..errors import MetastudioError

INSTALL_HINT = "pip install kiwipiepy==0.24.1 kiwipiepy_model==0.24.0"
BUCKETS = 1 << 15  # hashed identities share this many rows (row 0 is padding)
SLOTS = 16  # hashed identities a morpheme has at most
WINDOW = 2  # neighbours either side
OWN = SLOTS - 2 * WINDOW  # slots for a morpheme's own identities


class KoreanModelError(MetastudioError):
    """The Korean morpheme analyser is missing (the message says how to install it)."""


def has_hangul(text: str) -> bool:
    """Whether the text has any Hangul syllable or letter."""
    return any("\uac00" <= c <= "\ud7a3" or "\u3131" <= c <= "\u318e" or
               "\u1100" <= c <= "\u11ff" for c in text)


_HANGUL_WORD = re.compile(r"\S*[\uac00-\ud7a3\u3131-\u318e]\S*")


def without_korean(text: str) -> str:
    """The text with its Korean words taken out (what is left is read in English)."""
    return re.sub(r"\s+", " ", _HANGUL_WORD.sub(" ", text)).strip(" ,")


def available() -> bool:
    """Whether kiwipiepy and its model are installed (not loaded)."""
    import importlib.util
    return all(importlib.util.find_spec(name) is not None
               for name in ("kiwipiepy", "kiwipiepy_model"))


@dataclass(frozen=True)
class Morpheme:
    """One morpheme: its form, part-of-speech tag, Kiwi's id, and where in the text."""

    form: str
    tag: str
    id: int
    start: int
    end: int


class Analyser:
    """Kiwi, loaded once (about 1.5 s), with a cache of CoNg similarities."""

    def __init__(self) -> None:
        try:
            import kiwipiepy
        except ImportError as exc:
            raise KoreanModelError(f"Korean text: the morpheme analyser is not installed; "
                                   f"install it with: {INSTALL_HINT}") from exc
        self.kiwi = kiwipiepy.Kiwi(model_type="cong")
        self.lock = threading.Lock()
        self._similar: dict[tuple[int, tuple[int, ...]], np.ndarray] = {}
        import kiwipiepy_model
        # Morpheme ids are the model's: a tagger trained with one model needs that one.
        self.model_version = str(kiwipiepy_model.__version__)

    def morphemes(self, text: str) -> list[Morpheme]:
        """The text's morphemes in order (Latin words are kept, lower-cased)."""
        with self.lock:
            tokens = self.kiwi.tokenize(text)
        return [Morpheme(t.form.lower() if t.tag == "SL" else t.form, str(t.tag).split("-")[0],
                         int(t.id), int(t.start), int(t.start + t.len)) for t in tokens]

    def similarity(self, morpheme_id: int, anchors: tuple[int, ...]) -> np.ndarray:
        """CoNg cosine similarity of one morpheme to each anchor (0 where unknown)."""
        key = (morpheme_id, anchors)
        cached = self._similar.get(key)
        if cached is not None:
            return cached
        row = np.zeros(len(anchors), np.float32)
        for j, anchor in enumerate(anchors):
            if anchor < 0:
                continue
            try:
                row[j] = self.kiwi.morpheme_similarity(morpheme_id, anchor)
            except (ValueError, RuntimeError, IndexError):
                row[:] = 0.0
                break  # a morpheme the model has no vector for
        # Some morphemes have no vector in the model (NaN): they are then like nothing.
        row[~np.isfinite(row)] = 0.0
        self._similar[key] = row
        return row


@functools.lru_cache(maxsize=1)
def analyser() -> Analyser:
    """The process's analyser."""
    return Analyser()


def _hash(key: str) -> int:
    return 1 + zlib.crc32(key.encode()) % (BUCKETS - 1)


def _identity(m: Morpheme) -> list[str]:
    keys = [f"w:{m.form}/{m.tag}", f"f:{m.form}", f"t:{m.tag}"]
    padded = f"<{m.form}>"
    keys += [f"c:{padded[i:i + 2]}" for i in range(len(padded) - 1)][:8]
    return keys


def features(morphemes: list[Morpheme], anchors: tuple[int, ...]) -> tuple[np.ndarray,
                                                                           np.ndarray]:
    """Per morpheme: hashed identity rows (n x SLOTS, 0 = none: its own identities in
    the first OWN slots, its neighbours' in the rest) and dense features (n x 2 *
    anchors: its similarity to the anchors, and its window's mean)."""
    n = len(morphemes)
    rows = np.zeros((n, SLOTS), np.int64)
    for i, m in enumerate(morphemes):
        own = [_hash(k) for k in _identity(m)[:OWN]]
        rows[i, :len(own)] = own
        slot = OWN
        for offset in range(-WINDOW, WINDOW + 1):
            if offset and 0 <= i + offset < n:
                other = morphemes[i + offset]
                rows[i, slot] = _hash(f"{offset}:{other.form}/{other.tag}")
            slot += bool(offset)
    lex = analyser()
    if n and any(a >= 0 for a in anchors):
        own = np.stack([lex.similarity(m.id, anchors) for m in morphemes])
    else:  # a tagger trained without the similarities: they are all 0
        own = np.zeros((n, len(anchors)), np.float32)
    summed = np.vstack([np.zeros((1, own.shape[1]), np.float32), np.cumsum(own, axis=0)])
    index = np.arange(n)
    low, high = np.maximum(index - WINDOW, 0), np.minimum(index + WINDOW + 1, n)
    window = (summed[high] - summed[low]) / (high - low)[:, None]
    return rows, np.hstack([own, window]).astype(np.float32)
