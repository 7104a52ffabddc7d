"""Ages said in numbers and number words, English and Korean, read by rule."""

import pytest
from metastudio.core.text.ages import age_in


@pytest.mark.parametrize("text, years", [
    ("a boy of about eight in a green t-shirt", 8), ("a seventy-five-year-old man", 75),
    ("a woman in her sixties", 65), ("a man aged 40", 40),
    ("a chubby man in his late thirties", 38), ("a young man in his early twenties", 22),
    ("a girl in her late teens", 18), ("a thirty-something in a suit", 35),
    ("an old woman of eighty-two", 82), ("8 years old", 8), ("a 40-year-old", 40),
    ("a man in his 60s", 65),
    ("여덟 살 남자아이", 8), ("40세 여성", 40), ("60대 초반의 할머니", 62),
    ("30대 남자", 35), ("십대 소년", 15), ("스물두 살 대학생", 22), ("삼십대 후반", 38),
])
def test_ages_said_are_read(text, years):
    found = age_in(text)
    assert found is not None and found[0] == years, found


@pytest.mark.parametrize("text", ["a woman in a red jacket", "a mother of two",
                                  "a group of two people", "the 3 bears",
                                  "a boy with one shoe", "빨간 재킷을 입은 할머니"])
def test_no_age_where_none_is_said(text):
    assert age_in(text) is None


def test_a_character_takes_the_age_said():
    from metastudio.core.character.describe import resolve
    from metastudio.core.character.spec import CharacterSpec

    resolved = resolve(CharacterSpec(description="a boy of about eight in shorts"))
    assert resolved.values["age"] == 8 and "of about eight" in resolved.sources["age"]
    assert resolve(CharacterSpec(description="a woman in her sixties")).values["age"] == 65
