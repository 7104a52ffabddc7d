"""Colour names read by rule: the fabric palette, the CSS/X11 set, compounds, modifiers and
Korean colour words."""

import pytest
from metastudio.core.text.colours import CSS, FABRIC, colour_in


@pytest.mark.parametrize("text, said", [
    ("a red jacket", "red"), ("an off-white linen shirt", "off-white"),
    ("a navy blue coat", "navy blue"), ("olive green jacket", "olive"),
    ("sky blue t-shirt", "sky blue"), ("a goldenrod skirt", "goldenrod"),
    ("빨간 재킷", "빨간"), ("남색 코트를 입은", "남색"), ("하늘색 셔츠", "하늘색"),
])
def test_names_are_read(text, said):
    found = colour_in(text)
    assert found is not None and found[1] == said, found


def test_modifiers_lighten_darken_and_mute():
    red = FABRIC["red"]
    light, dark = colour_in("a light red top")[0], colour_in("a dark red top")[0]
    assert all(a > b for a, b in zip(light, red, strict=True))
    assert all(a <= b for a, b in zip(dark, red, strict=True)) and sum(dark) < sum(red)
    assert colour_in("연한 분홍색 블라우스")[0] > FABRIC["pink"]


def test_the_css_set_and_what_is_not_a_colour():
    assert len(CSS) >= 140 and "linen" not in CSS
    assert colour_in("a linen shirt") is None and colour_in("no colour here") is None
    assert colour_in("a cornflowerblue dress")[0] == tuple(round(c, 3) for c in
                                                         CSS["cornflowerblue"])


def test_a_characters_garment_takes_the_colour():
    from metastudio.core.character.describe import resolve
    from metastudio.core.character.spec import CharacterSpec

    values = resolve(CharacterSpec(description="a man in a navy blue coat")).values
    assert values["top_color"] == FABRIC["navy blue"]


def test_hyphenated_colours_and_fashion_names():
    assert colour_in("a wine-red coat")[1] == "wine"
    assert colour_in("a rust-coloured jumper")[1] == "rust"
    assert colour_in("an off-white shirt")[1] == "off-white"
    # Fashion's chocolate is dark brown (CSS's is orange).
    brown = colour_in("a chocolate brown jacket")[0]
    assert max(brown) < 0.1 and brown[0] > brown[2]
    green = colour_in("연두색 블라우스")[0]
    assert green[1] > green[0] > green[2]


def test_bright_is_stronger_not_paler():
    orange = colour_in("a bright orange raincoat")[0]
    assert orange[0] >= FABRIC["orange"][0] and orange[2] <= FABRIC["orange"][2]
    pale = colour_in("a pale orange raincoat")[0]
    assert pale[2] > FABRIC["orange"][2]
