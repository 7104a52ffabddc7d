"""Which room or settlement a description names, and how big (closed vocabularies of
room and settlement nouns, English and Korean, as for tree species: a classroom is
called a classroom), with the words that said it."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .rooms import ROOMS

# Room nouns as people write them: English as whole words (or phrases), Korean inside a
# word (교실에서, 과학실의).
NAMES: dict[str, tuple[str, ...]] = {
    "classroom": ("classroom", "classrooms", "class room", "schoolroom", "homeroom",
                  "교실", "학급"),
    "science_lab": ("science lab", "science laboratory", "chemistry lab", "physics lab",
                    "biology lab", "laboratory", "lab", "과학실", "실험실", "연구실"),
    "library": ("library", "libraries", "reading room", "도서관", "도서실", "서재"),
    "museum": ("museum", "gallery", "exhibition hall", "exhibit hall", "박물관", "미술관",
               "전시실", "전시관"),
    "office": ("office", "workplace", "meeting room", "사무실", "회의실", "교무실"),
    "living_room": ("living room", "lounge", "sitting room", "family room", "거실",
                    "응접실"),
    "kitchen": ("kitchen", "부엌", "주방"),
    "studio": ("studio", "stage set", "photo studio", "스튜디오", "촬영장"),
    "auditorium": ("auditorium", "lecture hall", "lecture theatre", "lecture theater",
                   "assembly hall", "concert hall", "강당", "강의실", "대강당", "공연장"),
}
SIZE_WORDS: dict[str, tuple[str, ...]] = {
    "small": ("small", "little", "tiny", "cosy", "cozy", "cramped", "narrow", "작은",
              "좁은", "아담한"),
    "large": ("large", "big", "huge", "vast", "spacious", "grand", "enormous", "wide",
              "큰", "넓은", "커다란", "거대한"),
}
assert set(NAMES) == set(ROOMS)


@dataclass(frozen=True)
class RoomWords:
    """The room a description names (kind), its size, and the words that said each."""

    kind: str
    size: str | None
    said: str
    size_said: str | None = None


def _english(text: str, names: tuple[str, ...]) -> tuple[int, str] | None:
    best = None
    for name in names:
        if not name.isascii():
            continue
        match = re.search(r"(?<![a-z])" + re.escape(name) + r"(?![a-z])", text)
        # The longest name wins where two match at one place ("science lab" over "lab").
        if match and (best is None or (match.start(), -len(name)) < (best[0], -len(best[1]))):
            best = (match.start(), name)
    return best


def named_room(text: str) -> RoomWords | None:
    """The first room the description names (None: it names none), with the size word
    said just before it (or anywhere for Korean, where it comes before the noun too)."""
    lowered = text.lower()
    found: list[tuple[int, str, str]] = []
    for kind, names in NAMES.items():
        english = _english(lowered, names)
        if english is not None:
            found.append((english[0], kind, english[1]))
        for name in names:
            if not name.isascii() and name in text:
                found.append((text.find(name), kind, name))
    if not found:
        return None
    at, kind, said = min(found, key=lambda f: (f[0], -len(f[2])))
    before = lowered[max(0, at - 40):at]
    size, size_said = None, None
    for option, words in SIZE_WORDS.items():
        for word in words:
            place = (re.search(r"(?<![a-z])" + word + r"(?![a-z])", before) if word.isascii()
                     else (re.search(word, before)))
            if place and (size_said is None or place.start() > before.find(size_said)):
                size, size_said = option, word
    return RoomWords(kind, size, said, size_said)


def without_room(text: str, words: RoomWords) -> str:
    """The description without the room's noun and its size word (and an article or a
    Korean particle left dangling before them), for the readers of the rest."""
    out = text
    for said in (words.said, words.size_said):
        if said:
            out = re.sub(r"(?i)(\b(a|an|the|in|inside)\s+)*" + re.escape(said)
                         + r"(에서|에|의|은|는|이|가|을|를)?", " ", out, count=1)
    return re.sub(r"\s+", " ", out).strip(" ,.")


SETTLEMENTS: dict[str, tuple[str, ...]] = {
    "village": ("village", "hamlet", "villages", "마을", "시골 마을", "동네", "촌"),
    "town": ("town", "small town", "market town", "townscape", "market square",
             "town square", "읍내", "소도시", "시장", "장터", "광장"),
    "harbour": ("harbour", "harbor", "harbours", "harbors", "port", "fishing port",
                "fishing village", "fishing town", "marina", "quay", "quayside", "docks",
                "wharf", "항구", "포구", "어촌", "선착장", "부두", "항구 마을"),
}


def named_settlement(text: str) -> tuple[str, str] | None:
    """The settlement a description names first: (kind, the words), or None."""
    lowered = text.lower()
    found = []
    for kind, names in SETTLEMENTS.items():
        english = _english(lowered, names)
        if english is not None:
            found.append((english[0], kind, english[1]))
        found += [(text.find(name), kind, name) for name in names
                  if not name.isascii() and name in text]
    if not found:
        return None
    _, kind, said = min(found, key=lambda f: (f[0], -len(f[2])))
    return kind, said
