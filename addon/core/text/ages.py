"""Ages said in words or numbers, in English and Korean (no model: numbers are a closed
vocabulary, and a sentence model reads "seventy-five" no better than "seventy").

    "a 40-year-old", "aged 40", "a boy of about eight", "seventy-five", "in her sixties",
    "in his late thirties", "a thirty-something", "teens", "여덟 살", "40세", "60대 초반",
    "십대"

`age_in(text)` gives the first age said, in years, with the words that said it.
"""

from __future__ import annotations

import re

_UNITS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
          "eight": 8, "nine": 9}
_TEENS = {"ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
          "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19}
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
         "eighty": 80, "ninety": 90}
_DECADES = {"twenties": 20, "thirties": 30, "forties": 40, "fifties": 50, "sixties": 60,
            "seventies": 70, "eighties": 80, "nineties": 90}
# Where in a decade: "early" 2-3 years in, "mid" 5, "late" 8; unsaid, the middle.
_PART = {"early": 2.0, "mid": 5.0, "mid-": 5.0, "late": 8.0, None: 5.0}

_WORD_NUMBER = (r"(?:(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)"
                r"(?:[- ](?:one|two|three|four|five|six|seven|eight|nine))?"
                r"|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen"
                r"|nineteen|one|two|three|four|five|six|seven|eight|nine)")
_NUMBER = rf"(\d{{1,3}}|{_WORD_NUMBER})"
_ENGLISH = [
    # "a 40-year-old", "forty years old", "8 yrs old", "a seventy-five-year-old"
    re.compile(rf"\b{_NUMBER}[- ]?(?:years?|yrs?|yo)\b(?:[- ]old)?", re.IGNORECASE),
    # "aged 40", "age 40", "of about eight", "about eight years"
    re.compile(rf"\b(?:aged|age|(?:of\s+)?(?:about|around|roughly))\s+{_NUMBER}\b",
               re.IGNORECASE),
]
# A bare "of N" is an age from ten up ("a woman of eighty-two"); "a mother of two" is
# not four years old.
_OF = re.compile(rf"\bof\s+{_NUMBER}\b", re.IGNORECASE)
_DECADE = re.compile(
    r"\b(?:in\s+(?:his|her|their|my|the)\s+)?(early|mid-?|late)?[- ]?"
    r"(teens|twenties|thirties|forties|fifties|sixties|seventies|eighties|nineties|"
    r"(?:[1-9]0)'?s)\b", re.IGNORECASE)
_SOMETHING = re.compile(r"\b(twenty|thirty|forty|fifty|sixty)[- ]something\b",
                        re.IGNORECASE)

# Korean: native numbers count years ("여덟 살"), Sino-Korean ones decades ("삼십대").
_KO_NATIVE_TENS = {"열": 10, "스물": 20, "스무": 20, "서른": 30, "마흔": 40, "쉰": 50,
                   "예순": 60, "일흔": 70, "여든": 80, "아흔": 90}
_KO_NATIVE_UNITS = {"한": 1, "하나": 1, "두": 2, "둘": 2, "세": 3, "셋": 3, "네": 4,
                    "넷": 4, "다섯": 5, "여섯": 6, "일곱": 7, "여덟": 8, "아홉": 9}
_KO_SINO = {"일": 1, "이": 2, "삼": 3, "사": 4, "오": 5, "육": 6, "칠": 7, "팔": 8, "구": 9}
_KO_PART = {"초반": 2.0, "중반": 5.0, "후반": 8.0}
_KO_YEARS = re.compile(r"(\d{1,3})\s*(?:살|세)")
_KO_NATIVE = re.compile(
    r"(열|스물|스무|서른|마흔|쉰|예순|일흔|여든|아흔)?\s*"
    r"(한|하나|두|둘|세|셋|네|넷|다섯|여섯|일곱|여덟|아홉)?\s*살")
_KO_DECADE = re.compile(r"(\d0|[이삼사오육칠팔구]?십)\s*대(?:\s*(초반|중반|후반))?")


def _word_number(word: str) -> int | None:
    word = word.lower().replace(" ", "-")
    if word.isdigit():
        return int(word)
    if word in _UNITS:
        return _UNITS[word]
    if word in _TEENS:
        return _TEENS[word]
    tens, _, unit = word.partition("-")
    if tens in _TENS:
        return _TENS[tens] + (_UNITS.get(unit, 0) if unit else 0)
    return None


def _decade(word: str) -> int | None:
    word = word.lower().rstrip("s").rstrip("'")
    if word.isdigit():
        return int(word)
    return _DECADES.get(word + "s") or _DECADES.get(word)


def _korean(text: str) -> tuple[float, str] | None:
    found = []
    for match in _KO_YEARS.finditer(text):
        found.append((match.start(), float(match.group(1)), match.group(0)))
    for match in _KO_NATIVE.finditer(text):
        tens, unit = match.group(1), match.group(2)
        if tens is None and unit is None:
            continue
        years = _KO_NATIVE_TENS.get(tens, 0) + _KO_NATIVE_UNITS.get(unit, 0)
        found.append((match.start(), float(years), match.group(0).strip()))
    for match in _KO_DECADE.finditer(text):
        decade = match.group(1)
        if decade.isdigit():
            base = int(decade)
        else:
            base = 10 * _KO_SINO.get(decade[0], 1) if len(decade) > 1 else 10
        part = _KO_PART.get(match.group(2) or "", 5.0)
        found.append((match.start(), base + part, match.group(0).strip()))
    if not found:
        return None
    _, years, words = min(found)
    return years, words


def age_in(text: str) -> tuple[float, str] | None:
    """The first age `text` says (years, the words that said it), or None."""
    found = []
    for pattern in _ENGLISH:
        for match in pattern.finditer(text):
            years = _word_number(match.group(1))
            if years is not None and 0 < years <= 120:
                found.append((match.start(), float(years), match.group(0).strip()))
    for match in _OF.finditer(text):
        years = _word_number(match.group(1))
        if years is not None and 10 <= years <= 120:
            found.append((match.start(), float(years), match.group(0).strip()))
    for match in _DECADE.finditer(text):
        decade = match.group(2).lower()
        part = match.group(1).lower() if match.group(1) else None
        if decade == "teens":
            years = {"early": 14.0, "mid": 16.0, "mid-": 16.0, "late": 18.0}.get(part, 16.0)
        else:
            base = _decade(decade)
            if base is None:
                continue
            years = base + _PART[part]
        # A bare "60s" or "sixties" with nothing saying it is an age is taken too: in a
        # character's description it is one.
        found.append((match.start(), float(years), match.group(0).strip()))
    for match in _SOMETHING.finditer(text):
        found.append((match.start(), float(_TENS[match.group(1).lower()] + 5),
                      match.group(0)))
    korean = _korean(text)
    if korean is not None:
        found.append((len(text), *korean))  # after any English age
    if not found:
        return None
    _, years, words = min(found, key=lambda item: item[0])
    return years, words
