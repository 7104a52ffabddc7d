"""Hair colours named by rule: the words people use for a hair colour, English and Korean,
and the one of the six built (describe.HAIR_RGB) each names.

The taggers find which words speak of the hair's colour ("honey-coloured hair", "은발");
which colour those words name is a closed vocabulary, read here as the garment colours
are read by core.text.colours, so that a colour word the tagger saw rarely in training
("silvery", "chestnut") is still named right. Where several colour words are in one
phrase the last is the head ("strawberry blonde" is blonde, "copper-red" red); "dark" and
"light" alone count only when no other colour word is there ("dark brown" is brown, "dark
hair" black).
"""

from __future__ import annotations

import re

_ENGLISH = {
    "blonde": "blonde blond fair golden gold honey flaxen platinum peroxide bleached "
              "sandy towheaded tow-headed yellow butter-yellow ash-blonde",
    "brown": "brown brunette chestnut mousy mousey caramel chocolate mahogany coffee "
             "hazelnut tawny umber bronze",
    "black": "black jet jet-black raven ebony inky coal-black pitch-black sable",
    "red": "red ginger auburn copper russet titian carrot flame flame-red rust "
           "strawberry cherry burgundy",
    "grey": "grey gray silver silvery salt-and-pepper greying graying grizzled steel "
            "steely iron-grey pewter ash ashen",
    "white": "white snow-white snowy pure-white milky",
}
# Korean words are matched inside words (Hangul has no spaces before its endings:
# "은발의", "흰머리가"); longer words first, so that 적갈색 is red before 갈색 is brown.
_KOREAN = {
    "blonde": "금발 노란 노랑 금빛 황금빛 황금색 금색 노란색",
    "brown": "갈색 밤색 브라운 고동색 다갈색 초콜릿색 갈빛",
    "black": "검은 까만 흑발 새까만 검정 흑색 칠흑 먹색 검은색 까만색",
    "red": "적갈색 빨간 붉은 빨강 적발 홍발 주황 구릿빛 와인색 빨간색",
    "grey": "회색 희끗희끗 희끗 잿빛 반백 은발 은빛 은색 회색빛 센머리 새치",
    "white": "흰 하얀 백발 새하얀 하얗게 백색 흰색 하얀색",
}
_WEAK = {"dark": "black", "light": "blonde", "어두운": "black", "짙은": "black"}

_FAMILY = {word: family for family, words in _ENGLISH.items() for word in words.split()}
_FAMILY.update({word: family for family, words in _KOREAN.items() for word in words.split()})
_ASCII = sorted((w for w in _FAMILY if w.isascii()), key=len, reverse=True)
_HANGUL = sorted((w for w in _FAMILY if not w.isascii()), key=len, reverse=True)
_WORDS = re.compile(r"\b(?:" + "|".join(re.escape(w) for w in _ASCII) + r")\b|"
                    + "|".join(re.escape(w) for w in _HANGUL), re.IGNORECASE)
_WEAK_WORDS = re.compile(r"\b(?:dark|light)\b|어두운|짙은", re.IGNORECASE)
_SALT = re.compile(r"\bsalt[- ]and[- ]pepper\b", re.IGNORECASE)


def hair_family(words: str) -> str | None:
    """The hair colour (a key of describe.HAIR_RGB) that a phrase names, or None when
    it names none ("curly hair")."""
    words = _SALT.sub("salt-and-pepper", words)
    found = list(_WORDS.finditer(words))
    if found:
        return _FAMILY[found[-1].group(0).lower()]
    weak = list(_WEAK_WORDS.finditer(words))
    return _WEAK[weak[-1].group(0).lower()] if weak else None
