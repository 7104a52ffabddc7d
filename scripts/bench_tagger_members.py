"""The character taggers' members alone and averaged: per-field accuracy of each member of
the shipped English and Korean character taggers, and of their average (what the reader
uses), on the development sets and the first held-out sets (no longer unseen: measured on
2026-12-06 and looked at since).

    .venv/bin/python scripts/bench_tagger_members.py

Each member is trained apart, on texts of its own (scripts/train_character_text.py and
train_korean_text.py, --members); how far the members differ is how much a single
training's luck moves single descriptions.
"""

from __future__ import annotations

import contextlib
import io
import sys
import tempfile
from pathlib import Path

import numpy as np
from bench_character_text import EN_DEV, EN_HELD_OUT, KO_DEV, KO_HELD_OUT, score_characters
from metastudio.core.character import read_tagged
from metastudio.core.text.morpheme_tagger import MorphemeTagger
from metastudio.core.text.tagger import TokenTagger, write_member


def member_file(path: Path, member: int, folder: Path) -> Path:
    """One member of a tagger file, written as a tagger file of its own."""
    return write_member(path, member, folder / f"{path.stem}_{member}.npz")


def scored(cases) -> dict[str, float]:
    with contextlib.redirect_stdout(io.StringIO()):
        return score_characters(cases, False)


def main() -> int:
    with tempfile.TemporaryDirectory() as folder:
        return measure(Path(folder))


def measure(folder: Path) -> int:
    """The table, with the members written apart into `folder`."""
    here = Path(read_tagged.__file__).parent
    english, korean = here / "text_tagger.npz", here / "text_tagger_ko.npz"
    count = int(np.load(english)["members"])
    rows = []
    for label in [f"member {i + 1}" for i in range(count)] + ["average (shipped)"]:
        if label.startswith("member"):
            i = int(label.split()[1]) - 1
            en, ko = member_file(english, i, folder), member_file(korean, i, folder)
        else:
            en, ko = english, korean
        read_tagged._english_tagger = lambda en=en: TokenTagger(en, read_tagged.THRESHOLD)
        read_tagged._tagger = lambda ko=ko: MorphemeTagger(ko, read_tagged.THRESHOLD)
        for title, cases in (("English development", EN_DEV),
                             ("English first held-out", EN_HELD_OUT),
                             ("Korean development", KO_DEV),
                             ("Korean first held-out", KO_HELD_OUT)):
            scores = scored(cases)
            wrong = sum(round((1 - s) * len([c for c in cases if f in c[1]]))
                        for f, s in scores.items())
            rows.append((label, title, min(scores.values()), wrong))
    print("| tagger | set | lowest field | fields wrong |")
    print("| --- | --- | --- | --- |")
    for label, title, low, wrong in rows:
        print(f"| {label} | {title} | {low:.0%} | {wrong} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
