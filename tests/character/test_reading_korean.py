"""Korean descriptions read by the Korean tagger over Kiwi's morphemes (real analyser,
real trained weights; no mock): characters, backgrounds, and mixed Korean and English.
The sentences here are not in the training fragments' combinations nor in the
benchmark's sets."""

import pytest
from metastudio.core.background.describe import resolve as resolve_background
from metastudio.core.background.spec import BackgroundSpec
from metastudio.core.character.describe import resolve
from metastudio.core.character.spec import CharacterSpec
from metastudio.core.text import korean


def _values(text):
    return resolve(CharacterSpec(description=text))


def test_hangul_is_told_from_latin():
    assert korean.has_hangul("Korean 할머니")
    assert not korean.has_hangul("a grandmother in a red cardigan")


def test_morphemes_keep_their_place_in_the_text():
    text = "빨간 스웨터를 입은 할머니"
    morphemes = korean.analyser().morphemes(text)
    assert [m.form for m in morphemes][-1] == "할머니"
    assert text[morphemes[-1].start:morphemes[-1].end] == "할머니"


def test_a_role_gives_gender_and_age_and_the_garment_its_colour():
    r = _values("초록색 카디건에 회색 치마를 입은 할머니")
    v = r.values
    assert v["gender"] == 0.0 and v["age"] >= 65
    assert v["top"] == "long_sleeves" and v["bottom"] == "skirt"
    green, grey = v["top_color"], v["bottom_color"]
    assert green[1] > green[0] and green[1] > green[2]
    assert max(grey) - min(grey) < 0.05
    assert "할머니" in r.sources["gender"] and "sure" in r.sources["gender"]


@pytest.mark.parametrize("text, field, expected", [
    ("통통한 남자 고등학생", "weight", 0.85),
    ("마른 체형의 여자", "weight", 0.15),
    ("반바지를 입은 꼬마", "bottom", "shorts"),
    ("하늘색 원피스를 입은 여자아이", "top", "dress"),
    ("검정 패딩을 입은 청년", "top", "coat"),
    ("회색 후드티를 입은 대학생", "top", "hoodie"),
    ("단발머리 여성", "hair", "bob"),
    ("대머리 아저씨", "hair", "none"),
    ("동그란 안경을 쓴 교수", "glasses", "round"),
    ("밀짚모자를 쓴 농부", "hat", "sun_hat"),
    ("스님", "gender", 1.0),
    ("모자를 쓰지 않은 여학생", "hat", "none"),
    ("털모자를 쓴 할머니", "hat", "beanie"),
])
def test_korean_fields(text, field, expected):
    assert _values(text).values[field] == expected


def test_a_colour_dyes_only_its_own_garment():
    v = _values("노란 티셔츠와 반바지를 입은 통통한 남자아이").values
    assert v["top"] == "short_sleeves" and v["bottom"] == "shorts"
    yellow = v["top_color"]
    assert yellow[0] > 0.5 and yellow[1] > 0.4 and yellow[2] < 0.2
    assert v["bottom_color"] != yellow
    v = _values("a man in a light blue trouser suit").values
    assert v["top"] == "jacket" and v["top_color"][2] > v["top_color"][0]


def test_ages_in_numbers_and_decades():
    assert _values("40대 남성").values["age"] == pytest.approx(45, abs=5)
    assert _values("일곱 살 여자아이").values["age"] == 7


def test_mixed_korean_and_english():
    v = _values("Korean 할아버지 in a navy coat").values
    assert v["gender"] == 1.0 and v["age"] >= 65 and v["top"] == "coat"


def test_things_not_built_are_listed_not_dropped():
    r = _values("빨간 목도리를 두른 여자")
    assert any("목도리" in n and "left out" in n for n in r.notes)
    assert r.values["gender"] == 0.0


def test_korean_backgrounds():
    text = "해 질 녘 안개 낀 소나무 숲과 호수"
    values = resolve_background(BackgroundSpec(description=text)).values
    assert (values["time_of_day"], values["biome"], values["weather"], values["water"]) == \
        ("sunset", "forest", "fog", "lake")
    values = resolve_background(BackgroundSpec(description="비 내리는 한밤중의 도심")).values
    assert (values["time_of_day"], values["biome"], values["weather"]) == \
        ("night", "city", "rain")


def test_korean_words_that_say_nothing_leave_defaults():
    r = _values("오늘 점심은 김치찌개")
    assert r.values["top"] == "long_sleeves" and r.sources["top"] == "default"
    assert r.sources["gender"] == "default"


def test_korean_hair_colours():
    from metastudio.core.character.describe import HAIR_RGB

    for text, family in (("은발의 남자", "grey"), ("백발의 노인", "white"),
                         ("금발의 소년", "blonde"), ("갈색 머리 여자", "brown")):
        assert _values(text).values["hair_color"] == HAIR_RGB[family], text
    assert _values("백발의 남자").values["age"] >= 65
