"""Phone sets: eSpeak's IPA to the English acoustic model's ARPAbet phones, and phones to
mouth shapes (visemes).

The acoustic model knows the 39 ARPAbet phones of US English. Any language eSpeak
speaks is aligned by mapping its IPA phonemes to the nearest of those by sound; the
mouth shapes then follow from the ARPAbet phone.
"""

from __future__ import annotations

import unicodedata

ARPABET = frozenset(
    "AA AE AH AO AW AY B CH D DH EH ER EY F G HH IH IY JH K L M N NG OW OY P R S SH T TH "
    "UH UW V W Y Z ZH".split())

VOWELS = frozenset("AA AE AH AO AW AY EH ER EY IH IY OW OY UH UW".split())
# Stops and affricates: a closure (often silent) before a release.
STOPS = frozenset({"P", "B", "T", "D", "K", "G", "CH", "JH"})

# IPA (without stress or length marks) -> ARPAbet, longest symbols first when matching.
_IPA = {
    # vowels and diphthongs
    "i": "IY", "iː": "IY", "ɪ": "IH", "ɨ": "IH", "y": "IY", "ʏ": "IH",
    "e": "EH", "eɪ": "EY", "ɛ": "EH", "ø": "EH", "œ": "EH", "æ": "AE",
    "a": "AA", "ɑ": "AA", "ɒ": "AA", "ɐ": "AH", "ʌ": "AH", "ə": "AH", "ɤ": "AH",
    "ɔ": "AO", "o": "AO", "oʊ": "OW", "əʊ": "OW", "ʊ": "UH", "u": "UW", "ɯ": "UH",
    "ɜ": "ER", "ɚ": "ER", "ɝ": "ER", "ɜɹ": "ER", "əɹ": "ER",
    "aɪ": "AY", "aʊ": "AW", "ɔɪ": "OY", "ɛɹ": "EH R", "ɪɹ": "IH R", "ʊɹ": "UH R",
    "ɔɹ": "AO R", "ɑɹ": "AA R", "iə": "IY AH", "eə": "EH AH", "ʊə": "UH AH",
    "ɪə": "IH AH", "aɪə": "AY AH", "aʊə": "AW AH",
    # consonants
    "p": "P", "b": "B", "t": "T", "d": "D", "k": "K", "ɡ": "G", "g": "G", "q": "K",
    "c": "K", "ɟ": "G", "m": "M", "ɱ": "M", "n": "N", "ɲ": "N", "ɳ": "N", "ŋ": "NG",
    "f": "F", "v": "V", "θ": "TH", "ð": "DH", "s": "S", "z": "Z", "ʃ": "SH", "ʒ": "ZH",
    "ɕ": "SH", "ʑ": "ZH", "ʂ": "SH", "ʐ": "ZH", "ç": "HH", "x": "HH", "ɣ": "G",
    "χ": "HH", "h": "HH", "ɦ": "HH", "tʃ": "CH", "dʒ": "JH", "tɕ": "CH", "dʑ": "JH",
    "ts": "T S", "dz": "D Z", "l": "L", "ɫ": "L", "ʎ": "L", "ɭ": "L", "ɹ": "R", "r": "R",
    "ɾ": "D", "ɽ": "D", "ʁ": "R", "j": "Y", "w": "W", "ʍ": "W", "ɥ": "W", "ɰ": "W",
    "β": "V", "ɸ": "F",
}
_LONGEST = max(len(key) for key in _IPA)
# Marks that change stress, length or voice quality but not which phone is meant.
_IGNORED = set("ˈˌːˑ-ʰʲʷˠˤ̩̯̥̬͈̚ʔ'.,")


def ipa_to_arpabet(ipa: str) -> list[str]:
    """ARPAbet phones for one eSpeak IPA phoneme (or a run of them); unknown symbols are
    dropped."""
    text = "".join(ch for ch in unicodedata.normalize("NFD", ipa) if ch not in _IGNORED
                   and unicodedata.category(ch) != "Mn")
    phones, index = [], 0
    while index < len(text):
        for size in range(min(_LONGEST, len(text) - index), 0, -1):
            mapped = _IPA.get(text[index:index + size])
            if mapped:
                phones += mapped.split()
                index += size
                break
        else:
            index += 1
    return phones


# ---- mouth shapes -------------------------------------------------------------------

# The richer set: 15 visemes (the set used by game engines' lip-sync, e.g. Oculus/Meta's),
# which tells apart what Rhubarb's letters merge (TH, SS, CH, RR, kk, nn).
VISEMES = ("sil", "PP", "FF", "TH", "DD", "kk", "CH", "SS", "nn", "RR", "aa", "E", "ih",
           "oh", "ou")

# Each ARPAbet phone -> one viseme, or two (a diphthong's start and end).
PHONE_VISEMES: dict[str, tuple[str, ...]] = {
    "P": ("PP",), "B": ("PP",), "M": ("PP",),
    "F": ("FF",), "V": ("FF",),
    "TH": ("TH",), "DH": ("TH",),
    "T": ("DD",), "D": ("DD",),
    "K": ("kk",), "G": ("kk",), "NG": ("kk",),
    "CH": ("CH",), "JH": ("CH",), "SH": ("CH",), "ZH": ("CH",),
    "S": ("SS",), "Z": ("SS",),
    "N": ("nn",), "L": ("nn",),
    "R": ("RR",), "ER": ("RR",),
    "Y": ("ih",), "W": ("ou",), "HH": ("aa",),
    "AA": ("aa",), "AH": ("aa",), "AE": ("E",), "EH": ("E",), "EY": ("E", "ih"),
    "IH": ("ih",), "IY": ("ih",), "AO": ("oh",), "OW": ("oh", "ou"), "OY": ("oh", "ih"),
    "UH": ("ou",), "UW": ("ou",), "AY": ("aa", "ih"), "AW": ("aa", "ou"),
    "SIL": ("sil",),
}

# Rhubarb Lip Sync's letters (Preston Blair): A closed (P B M), B slightly open with
# teeth together (most consonants, EE), C open (EH, AE), D wide open (AA), E slightly
# rounded (AO, ER), F puckered (UW, OW, W), G teeth on lip (F V), H tongue up (L),
# X rest.
VISEME_LETTER = {
    "sil": "X", "PP": "A", "FF": "G", "TH": "B", "DD": "B", "kk": "B", "CH": "B",
    "SS": "B", "nn": "H", "RR": "E", "aa": "D", "E": "C", "ih": "B", "oh": "E", "ou": "F",
}
LETTERS = ("A", "B", "C", "D", "E", "F", "G", "H", "X")

# Lip-neutral consonants: the lips are free while the tongue works, so they take the
# rounding of the vowel that follows (co-articulation: "two" rounds on the t).
LIP_NEUTRAL = frozenset({"DD", "kk", "SS", "nn", "TH", "aa"})
ROUNDED = frozenset({"oh", "ou"})

# ARKit-named face shapes for each viseme (0-1). The metastudio character's shape keys
# carry these names, so they key without a mapping.
ARKIT: dict[str, dict[str, float]] = {
    "sil": {},
    "PP": {"mouthClose": 0.35, "jawOpen": 0.08, "mouthPressLeft": 0.4,
           "mouthPressRight": 0.4},
    "FF": {"jawOpen": 0.12, "mouthRollLower": 0.55, "mouthUpperUpLeft": 0.25,
           "mouthUpperUpRight": 0.25},
    "TH": {"jawOpen": 0.18, "tongueOut": 0.35},
    "DD": {"jawOpen": 0.2, "mouthStretchLeft": 0.15, "mouthStretchRight": 0.15},
    "kk": {"jawOpen": 0.25, "mouthStretchLeft": 0.1, "mouthStretchRight": 0.1},
    "CH": {"jawOpen": 0.15, "mouthFunnel": 0.5, "mouthPucker": 0.2},
    "SS": {"jawOpen": 0.08, "mouthStretchLeft": 0.35, "mouthStretchRight": 0.35,
           "mouthSmileLeft": 0.15, "mouthSmileRight": 0.15},
    "nn": {"jawOpen": 0.2, "mouthStretchLeft": 0.1, "mouthStretchRight": 0.1},
    "RR": {"jawOpen": 0.15, "mouthFunnel": 0.35, "mouthPucker": 0.3},
    "aa": {"jawOpen": 0.65, "mouthStretchLeft": 0.1, "mouthStretchRight": 0.1},
    "E": {"jawOpen": 0.4, "mouthStretchLeft": 0.35, "mouthStretchRight": 0.35},
    "ih": {"jawOpen": 0.2, "mouthStretchLeft": 0.45, "mouthStretchRight": 0.45,
           "mouthSmileLeft": 0.25, "mouthSmileRight": 0.25},
    "oh": {"jawOpen": 0.45, "mouthFunnel": 0.6},
    "ou": {"jawOpen": 0.2, "mouthPucker": 0.8, "mouthFunnel": 0.3},
}
ARKIT_SHAPES = tuple(sorted({name for weights in ARKIT.values() for name in weights}))

# Rhubarb's letters as ARKit shapes, through the viseme each letter stands for.
LETTER_VISEME = {"A": "PP", "B": "DD", "C": "E", "D": "aa", "E": "oh", "F": "ou",
                 "G": "FF", "H": "nn", "X": "sil"}
