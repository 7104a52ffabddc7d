"""The shipped character taggers are several trained apart, read as their average
(core.text.tagger.members): each member alone reads as a tagger of its own, and the
average's confidence lies among the members'."""

from pathlib import Path

import numpy as np
import pytest
from metastudio.core.character import read_tagged
from metastudio.core.text.morpheme_tagger import MorphemeTagger
from metastudio.core.text.tagger import TokenTagger, write_member

HERE = Path(read_tagged.__file__).parent


def _member(path: Path, member: int, folder: Path) -> Path:
    return write_member(path, member, folder / f"{path.stem}_{member}.npz")


@pytest.mark.parametrize("name, kind, text", [
    ("text_tagger.npz", TokenTagger, "a tall woman in a red coat"),
    ("text_tagger_ko.npz", MorphemeTagger, "빨간 코트를 입은 키 큰 여자"),
])
def test_the_average_lies_among_its_members(tmp_path, name, kind, text):
    path = HERE / name
    count = int(np.load(path)["members"])
    assert count >= 2
    whole = kind(path, 0.5).tag(text)
    alone = [kind(_member(path, i, tmp_path), 0.5).tag(text) for i in range(count)]
    for field in ("gender", "top", "height"):
        assert all(a[field].option == whole[field].option for a in alone)
        sure = [a[field].confidence for a in alone]
        assert min(sure) - 1e-6 <= whole[field].confidence <= max(sure) + 1e-6
