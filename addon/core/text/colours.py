"""Colour names in descriptions, English and Korean, read by rule (a closed vocabulary):
the CSS/X11 named colours, common compound names ("sky blue", "off-white", "burnt
orange"), modifiers ("light", "dark", "pale", "deep", "bright", "pastel", "muted") and
Korean colour words (빨간, 남색, 하늘색...).

Colours are linear RGB for Blender materials. A small palette tuned for fabric under
light wins for the common names (a CSS "red" is a screen's pure red, which reads as neon
on a garment); the CSS/X11 set gives the rest.
"""

from __future__ import annotations

import math
import re

# Tuned for dyed fabric (linear RGB): the names people use most.
FABRIC = {
    "red": (0.6, 0.03, 0.03), "crimson": (0.55, 0.01, 0.05), "scarlet": (0.75, 0.04, 0.01),
    "maroon": (0.22, 0.01, 0.02), "burgundy": (0.25, 0.01, 0.04), "pink": (0.9, 0.35, 0.45),
    "orange": (0.9, 0.25, 0.02), "yellow": (0.85, 0.7, 0.05), "mustard": (0.55, 0.4, 0.03),
    "gold": (0.7, 0.5, 0.1), "green": (0.05, 0.35, 0.06), "olive": (0.2, 0.22, 0.04),
    "lime": (0.35, 0.75, 0.05), "teal": (0.02, 0.3, 0.28), "turquoise": (0.05, 0.6, 0.55),
    "blue": (0.03, 0.1, 0.55), "navy": (0.01, 0.02, 0.15), "sky": (0.3, 0.55, 0.9),
    "denim": (0.06, 0.12, 0.3), "purple": (0.25, 0.04, 0.4), "violet": (0.4, 0.15, 0.7),
    "lavender": (0.55, 0.45, 0.8), "brown": (0.2, 0.08, 0.03), "tan": (0.5, 0.35, 0.18),
    "beige": (0.7, 0.6, 0.42), "khaki": (0.45, 0.4, 0.2), "cream": (0.85, 0.8, 0.62),
    "white": (0.85, 0.85, 0.85), "grey": (0.25, 0.25, 0.25), "gray": (0.25, 0.25, 0.25),
    "silver": (0.55, 0.55, 0.58), "charcoal": (0.06, 0.06, 0.07), "black": (0.02, 0.02, 0.02),
    "off-white": (0.8, 0.78, 0.7), "ivory": (0.85, 0.83, 0.7), "lilac": (0.6, 0.45, 0.7),
    "mint": (0.3, 0.69, 0.43), "coral": (0.9, 0.3, 0.2), "peach": (0.95, 0.55, 0.38),
    "wine": (0.3, 0.02, 0.06), "plum": (0.3, 0.08, 0.25), "rust": (0.45, 0.1, 0.02),
    "camel": (0.55, 0.38, 0.18), "forest green": (0.02, 0.15, 0.03),
    "royal blue": (0.05, 0.12, 0.7), "baby blue": (0.45, 0.65, 0.9),
    "hot pink": (0.95, 0.15, 0.4), "burnt orange": (0.6, 0.15, 0.02),
    "navy blue": (0.01, 0.02, 0.15), "rose": (0.75, 0.3, 0.35),
    # Fashion names that CSS lacks or names otherwise (its "chocolate" is orange).
    "chocolate": (0.08, 0.03, 0.015), "emerald": (0.02, 0.4, 0.12),
    "jade": (0.02, 0.38, 0.2), "bottle green": (0.01, 0.15, 0.05),
    "grass green": (0.21, 0.52, 0.05), "pistachio": (0.4, 0.6, 0.25),
    "mauve": (0.45, 0.25, 0.4), "taupe": (0.25, 0.2, 0.15), "ochre": (0.55, 0.3, 0.03),
    "terracotta": (0.55, 0.15, 0.06), "cobalt": (0.0, 0.1, 0.5),
    "cerulean": (0.0, 0.3, 0.6), "aubergine": (0.1, 0.02, 0.08),
    "eggplant": (0.1, 0.02, 0.08), "raspberry": (0.6, 0.03, 0.15),
    "cherry": (0.6, 0.02, 0.04), "ruby": (0.5, 0.01, 0.05), "blush": (0.85, 0.5, 0.5),
    "apricot": (0.95, 0.5, 0.25), "lemon": (0.95, 0.85, 0.2), "canary": (0.95, 0.85, 0.15),
    "sand": (0.6, 0.5, 0.32), "stone": (0.45, 0.42, 0.36), "oatmeal": (0.65, 0.58, 0.45),
    "ecru": (0.7, 0.65, 0.5), "chestnut": (0.25, 0.07, 0.03),
    "mahogany": (0.2, 0.03, 0.02), "cinnamon": (0.45, 0.18, 0.05),
    "copper": (0.55, 0.2, 0.06), "bronze": (0.45, 0.25, 0.06), "petrol": (0.0, 0.15, 0.2),
    "slate": (0.15, 0.18, 0.22), "gunmetal": (0.07, 0.08, 0.09),
    "graphite": (0.06, 0.06, 0.065), "midnight": (0.005, 0.01, 0.06),
    "ink": (0.01, 0.015, 0.05), "mustard yellow": (0.55, 0.4, 0.03),
}
# CSS names that in a description are nearly always something else (a fabric, a shoe,
# the weather).
NOT_COLOURS = {"linen", "moccasin", "snow", "tomato"}

# CSS Color Module 4 / X11 named colours (sRGB hex), for every other name.
_CSS = """aliceblue f0f8ff antiquewhite faebd7 aqua 00ffff aquamarine 7fffd4 azure f0ffff
beige f5f5dc bisque ffe4c4 black 000000 blanchedalmond ffebcd blue 0000ff blueviolet 8a2be2
brown a52a2a burlywood deb887 cadetblue 5f9ea0 chartreuse 7fff00 chocolate d2691e
coral ff7f50 cornflowerblue 6495ed cornsilk fff8dc crimson dc143c cyan 00ffff
darkblue 00008b darkcyan 008b8b darkgoldenrod b8860b darkgray a9a9a9 darkgreen 006400
darkgrey a9a9a9 darkkhaki bdb76b darkmagenta 8b008b darkolivegreen 556b2f
darkorange ff8c00 darkorchid 9932cc darkred 8b0000 darksalmon e9967a darkseagreen 8fbc8f
darkslateblue 483d8b darkslategray 2f4f4f darkslategrey 2f4f4f darkturquoise 00ced1
darkviolet 9400d3 deeppink ff1493 deepskyblue 00bfff dimgray 696969 dimgrey 696969
dodgerblue 1e90ff firebrick b22222 floralwhite fffaf0 forestgreen 228b22 fuchsia ff00ff
gainsboro dcdcdc ghostwhite f8f8ff gold ffd700 goldenrod daa520 gray 808080 green 008000
greenyellow adff2f grey 808080 honeydew f0fff0 hotpink ff69b4 indianred cd5c5c
indigo 4b0082 ivory fffff0 khaki f0e68c lavender e6e6fa lavenderblush fff0f5
lawngreen 7cfc00 lemonchiffon fffacd lightblue add8e6 lightcoral f08080 lightcyan e0ffff
lightgoldenrodyellow fafad2 lightgray d3d3d3 lightgreen 90ee90 lightgrey d3d3d3
lightpink ffb6c1 lightsalmon ffa07a lightseagreen 20b2aa lightskyblue 87cefa
lightslategray 778899 lightslategrey 778899 lightsteelblue b0c4de lightyellow ffffe0
lime 00ff00 limegreen 32cd32 linen faf0e6 magenta ff00ff maroon 800000
mediumaquamarine 66cdaa mediumblue 0000cd mediumorchid ba55d3 mediumpurple 9370db
mediumseagreen 3cb371 mediumslateblue 7b68ee mediumspringgreen 00fa9a
mediumturquoise 48d1cc mediumvioletred c71585 midnightblue 191970 mintcream f5fffa
mistyrose ffe4e1 moccasin ffe4b5 navajowhite ffdead navy 000080 oldlace fdf5e6
olive 808000 olivedrab 6b8e23 orange ffa500 orangered ff4500 orchid da70d6
palegoldenrod eee8aa palegreen 98fb98 paleturquoise afeeee palevioletred db7093
papayawhip ffefd5 peachpuff ffdab9 peru cd853f pink ffc0cb plum dda0dd powderblue b0e0e6
purple 800080 rebeccapurple 663399 red ff0000 rosybrown bc8f8f royalblue 4169e1
saddlebrown 8b4513 salmon fa8072 sandybrown f4a460 seagreen 2e8b57 seashell fff5ee
sienna a0522d silver c0c0c0 skyblue 87ceeb slateblue 6a5acd slategray 708090
slategrey 708090 snow fffafa springgreen 00ff7f steelblue 4682b4 tan d2b48c teal 008080
thistle d8bfd8 tomato ff6347 turquoise 40e0d0 violet ee82ee wheat f5deb3 white ffffff
whitesmoke f5f5f5 yellow ffff00 yellowgreen 9acd32"""


def _linear(hex_code: str) -> tuple[float, float, float]:
    def channel(value: int) -> float:
        c = value / 255.0
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4
    return tuple(round(channel(int(hex_code[i:i + 2], 16)), 4) for i in (0, 2, 4))


CSS: dict[str, tuple[float, float, float]] = {
    name: _linear(code) for name, code in zip(*[iter(_CSS.split())] * 2, strict=True)
    if name not in NOT_COLOURS}

# Korean colour words (the adjective and the noun forms) to the names above.
KOREAN = {"빨간": "red", "빨강": "red", "붉은": "red", "빨간색": "red", "파란": "blue",
          "파랑": "blue", "파란색": "blue", "푸른": "blue", "노란": "yellow", "노랑": "yellow",
          "노란색": "yellow", "초록": "green", "초록색": "green", "녹색": "green",
          "검은": "black", "검정": "black", "검정색": "black", "까만": "black",
          "검은색": "black", "흰": "white", "하얀": "white", "흰색": "white", "하얀색": "white",
          "회색": "grey", "잿빛": "grey", "갈색": "brown", "밤색": "brown", "분홍": "pink",
          "분홍색": "pink", "핑크": "pink", "보라": "purple", "보라색": "purple",
          "자주색": "plum", "주황": "orange", "주황색": "orange", "남색": "navy",
          "곤색": "navy", "하늘색": "sky", "베이지": "beige", "베이지색": "beige",
          "금색": "gold", "은색": "silver", "청록색": "teal", "연두색": "grass green",
          "연두": "grass green", "연분홍": "blush", "연분홍색": "blush", "카키": "khaki",
          "카키색": "khaki", "아이보리": "ivory",
          "민트": "mint", "와인색": "wine", "크림색": "cream", "청색": "blue"}
_LIGHTER = {"light", "연한", "옅은"}
# Pale is lighter and weaker both ("a pale yellow" is still yellow, but near cream).
_PALER = {"pale", "pastel", "baby", "soft", "faint"}
# "Bright" and "vivid" are stronger colour, not paler ("a bright orange raincoat").
_BRIGHTER = {"bright", "vivid", "neon", "electric", "선명한", "밝은", "쨍한"}
_DARKER = {"dark", "deep", "rich", "진한", "짙은", "어두운"}
_MUTED = {"muted", "dusty", "faded", "washed-out", "빛바랜"}
_WORD = re.compile(r"[a-z]+(?:-[a-z]+)*|[가-힣]+", re.IGNORECASE)
_KOREAN_PARTICLE = re.compile(r"(의|을|를|이|가|은|는|에|과|와)$")


def _korean_colour(word: str) -> tuple[str, str] | None:
    """A Korean colour word's name and its modifier said as a prefix (연노랑: light,
    진분홍: dark), or None."""
    for form in (word, _KOREAN_PARTICLE.sub("", word)):
        if form in KOREAN:
            return KOREAN[form], ""
        for prefix, modifier in (("연", "light"), ("진", "dark"), ("짙은", "dark")):
            rest = form.removeprefix(prefix)
            if rest != form and (rest in KOREAN or rest + "색" in KOREAN):
                return KOREAN.get(rest) or KOREAN[rest + "색"], modifier
    return None


def to_oklch(rgb) -> tuple[float, float, float]:
    """Lightness (0-1), chroma and hue (degrees) of a linear sRGB colour (OKLab,
    Ottosson 2020): where "light", "dark" and "bright" are changed, so that a light brown
    stays brown rather than greying."""
    r, g, b = (float(c) for c in rgb)
    lms = [max(v, 0.0) ** (1 / 3) for v in (
        0.4122214708 * r + 0.5363325363 * g + 0.0514459929 * b,
        0.2119034982 * r + 0.6806995451 * g + 0.1073969566 * b,
        0.0883024619 * r + 0.2817188376 * g + 0.6299787005 * b)]
    lightness = 0.2104542553 * lms[0] + 0.7936177850 * lms[1] - 0.0040720468 * lms[2]
    a = 1.9779984951 * lms[0] - 2.4285922050 * lms[1] + 0.4505937099 * lms[2]
    b_ = 0.0259040371 * lms[0] + 0.7827717662 * lms[1] - 0.8086757660 * lms[2]
    return lightness, math.hypot(a, b_), math.degrees(math.atan2(b_, a)) % 360


def from_oklch(lightness: float, chroma: float, hue: float) -> tuple[float, float, float]:
    """The linear sRGB colour of an OKLCh one, its chroma lowered until it is in gamut."""
    for _ in range(40):
        a, b = chroma * math.cos(math.radians(hue)), chroma * math.sin(math.radians(hue))
        lms = [(lightness + 0.3963377774 * a + 0.2158037573 * b) ** 3,
               (lightness - 0.1055613458 * a - 0.0638541728 * b) ** 3,
               (lightness - 0.0894841775 * a - 1.2914855480 * b) ** 3]
        rgb = (4.0767416621 * lms[0] - 3.3077115913 * lms[1] + 0.2309699292 * lms[2],
               -1.2684380046 * lms[0] + 2.6097574011 * lms[1] - 0.3413193965 * lms[2],
               -0.0041960863 * lms[0] - 0.7034186147 * lms[1] + 1.7076147010 * lms[2])
        if all(-1e-4 <= c <= 1.0001 for c in rgb):
            break
        chroma *= 0.9
    return tuple(min(max(c, 0.0), 1.0) for c in rgb)


# How a modifier changes a colour in OKLCh: (lightness added, chroma factor).
_CHANGE = {"light": (0.12, 0.85), "pale": (0.15, 0.65), "dark": (-0.15, 0.95),
           "muted": (0.0, 0.5), "bright": (0.0, 1.3)}


def _modified(colour, modifier: str):
    lightness, chroma, hue = to_oklch(colour)
    added, factor = _CHANGE[modifier]
    lightness = min(max(lightness + added, 0.12), 0.93)
    return from_oklch(lightness, chroma * factor, hue)


def colour_in(text: str) -> tuple[tuple[float, float, float], str] | None:
    """The last colour a phrase names (linear RGB, the words that named it), with its
    modifier applied; None when it names none."""
    # A hyphenated word is read as its parts unless it is a name itself ("wine-red",
    # "sky-blue", "rust-coloured"; but "off-white").
    words = [part for w in _WORD.findall(text.lower())
             for part in ([w] if "-" not in w or w in FABRIC or w in _MUTED
                          else w.split("-"))]
    found = None
    for i, word in enumerate(words):
        pair = f"{words[i - 1]} {word}" if i else ""
        joined = f"{words[i - 1]}{word}" if i else ""
        name, prefixed = None, ""
        if pair in FABRIC:
            name, start = pair, i - 1
        elif joined in CSS:  # "sky blue" -> skyblue, "forest green" -> forestgreen
            name, start = joined, i - 1
        elif word in FABRIC or word in CSS:
            if found is not None and found[2] == i - 1:
                continue  # "navy blue", "olive green": the first word is the colour
            name, start = word, i
        elif (korean := _korean_colour(word)) is not None:
            (name, prefixed), start = korean, i
        if name is not None:
            found = (name, start, i, prefixed)
    if found is None:
        return None
    name, start, end, prefixed = found
    colour = FABRIC.get(name) or CSS[name]
    said = " ".join(words[max(0, start - 1):end + 1])
    before = words[start - 1] if start > 0 else ""
    modifier = ("pale" if before in _PALER else "light" if before in _LIGHTER else
                "bright" if before in _BRIGHTER else "dark" if before in _DARKER else
                "muted" if before in _MUTED else "")
    if not modifier:
        said = " ".join(words[start:end + 1])
        modifier = prefixed if end == start else ""
    if modifier:
        colour = _modified(colour, modifier)
    return tuple(round(float(c), 3) for c in colour), said
