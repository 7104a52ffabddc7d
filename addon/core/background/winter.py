"""Snow on the ground and ice on the water when a description says so without snow
falling ("a snowy pine forest", "a frozen lake", "눈 덮인 마을"): a closed vocabulary of
the words for a winter land, English and Korean (the tagger reads weather, and snow
lying on the ground is not weather)."""

from __future__ import annotations

import re

SNOWY = ("snowy", "snow-covered", "snowcovered", "snowbound", "snowcapped", "snow-capped",
         "wintry", "winter", "wintertime", "frosty")
SNOWY_KO = ("눈 덮인", "눈덮인", "눈이 쌓인", "눈 쌓인", "겨울", "설경", "설원")
FROZEN = ("frozen", "icy", "iced", "ice-covered")
FROZEN_KO = ("얼어붙은", "얼어 붙은", "꽁꽁 언", "얼음")


def _said(text: str, english: tuple[str, ...], korean: tuple[str, ...]) -> str | None:
    words = re.findall(r"[a-z][a-z-]*", text.lower())
    hit = next((w for w in words if w in english), None)
    return hit or next((k for k in korean if k in text), None)


def snow_lying(text: str) -> str | None:
    """The word that says snow lies on the ground (or None)."""
    return _said(text, SNOWY + FROZEN, SNOWY_KO + FROZEN_KO)


def water_frozen(text: str) -> str | None:
    """The word that says the water is ice (or None)."""
    return _said(text, FROZEN, FROZEN_KO)
