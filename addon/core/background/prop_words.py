"""Which props a description asks for, how many, and where (no bpy): "a bench under an
oak", "two bicycles by the fountain", "a globe on the teacher's desk", "선생님 책상 위에
지구본". Props are a closed vocabulary, as rooms and tree species are: what can be built
is listed, each with its English and Korean names; the place is a relation ("on",
"under", "beside", "in front of", "behind") to an anchor (a piece of the room's
furniture, a tree, another prop, the water), read from the words after the noun in
English and before it in Korean, where the place comes first.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass

from .species import NAMES as TREE_NAMES

# kind -> names as people write them (English as whole words, Korean inside a word).
PROP_NAMES: dict[str, tuple[str, ...]] = {
    "bench": ("bench", "benches", "park bench", "벤치"),
    "street_lamp": ("street lamp", "street lamps", "streetlamp", "lamp post", "lamppost",
                    "street light", "streetlight", "lamp", "lamps", "가로등"),
    "table": ("table", "tables", "picnic table", "탁자", "테이블", "식탁"),
    "chair": ("chair", "chairs", "의자"),
    "bicycle": ("bicycle", "bicycles", "bike", "bikes", "자전거"),
    "car": ("car", "cars", "automobile", "자동차", "승용차"),
    "sign": ("sign", "signs", "signpost", "signboard", "표지판", "안내판", "팻말"),
    "plant": ("potted plant", "potted plants", "plant pot", "houseplant", "houseplants",
              "pot plant", "flower pot", "flowerpot", "plant", "화분"),
    "globe": ("globe", "globes", "지구본", "지구의"),
    "microscope": ("microscope", "microscopes", "현미경"),
    "telescope": ("telescope", "telescopes", "망원경"),
    "boat": ("boat", "boats", "rowing boat", "rowboat", "fishing boat", "fishing boats",
             "sailboat", "canoe", "보트", "어선", "나룻배", "고깃배", "돛단배"),
    "bookshelf": ("bookshelf", "bookshelves", "bookcase", "bookcases", "책장", "책꽂이"),
    "lighthouse": ("lighthouse", "lighthouses", "light house", "등대"),
}
# Anchors that are not props: the room's furniture and fittings, trees, the water.
ANCHOR_NAMES: dict[str, tuple[str, ...]] = {
    "teacher_desk": ("teacher's desk", "teachers desk", "teacher's table", "teacher desk",
                     "선생님 책상", "교사 책상", "교탁"),
    "desk": ("desk", "desks", "책상"),
    "lab_bench": ("lab bench", "laboratory bench", "workbench", "실험대"),
    "board": ("blackboard", "chalkboard", "whiteboard", "board", "칠판"),
    "window": ("window", "windows", "창문", "창가", "창"),
    "door": ("door", "doorway", "문"),
    "sofa": ("sofa", "couch", "소파"),
    "counter": ("counter", "worktop", "조리대"),
    "lectern": ("lectern", "podium", "연단"),
    "tree": ("tree", "trees", "나무"),
    "water": ("water", "lake", "river", "sea", "harbour", "harbor", "pond", "호수", "강",
              "바다", "항구", "물"),
    "square": ("square", "plaza", "광장"),
    "house": ("house", "houses", "cottage", "집"),
} | {species: names for species, names in TREE_NAMES.items()}
RELATIONS: dict[str, tuple[str, ...]] = {  # English words -> the relation
    "on": ("on top of", "on", "upon", "atop"),
    "under": ("under", "underneath", "beneath", "below", "in the shade of"),
    "beside": ("beside", "next to", "by", "near", "alongside", "at", "close to"),
    "front": ("in front of", "before", "facing"),
    "behind": ("behind", "in back of"),
    "in": ("in", "inside", "floating on", "afloat on"),
}
KOREAN_RELATIONS = {"위": "on", "아래": "under", "밑": "under", "옆": "beside",
                    "곁": "beside", "근처": "beside", "앞": "front", "뒤": "behind",
                    "안": "in", "속": "in"}
NUMBERS = {"a": 1, "an": 1, "one": 1, "single": 1, "two": 2, "pair of": 2, "couple of": 2,
           "a couple of": 2, "three": 3, "four": 4, "five": 5, "six": 6, "several": 4,
           "a few": 3, "few": 3, "some": 3, "many": 6, "lots of": 6, "a lot of": 6}
KOREAN_NUMBERS = {"한": 1, "하나": 1, "두": 2, "둘": 2, "세": 3, "셋": 3, "네": 4, "넷": 4,
                  "다섯": 5, "여섯": 6, "몇": 3, "여러": 4}
PLURAL_COUNT = 3  # "benches" without a number
MAX_COUNT = 8


@dataclass(frozen=True)
class PropRequest:
    """A prop asked for: its kind, how many, where (relation to an anchor, both None for
    "anywhere in view") and the words that said it."""

    kind: str
    count: int
    relation: str | None
    anchor: str | None
    said: str
    span: tuple[int, int] = (0, 0)  # where in the description it was asked for

    def as_dict(self) -> dict:
        """Kind, count, relation, anchor and the words (not where they were)."""
        out = asdict(self)
        del out["span"]
        return out


def _find_english(lowered: str, names: dict[str, tuple[str, ...]]):
    """(start, end, key, name) of every name found, the longest at each place."""
    found = []
    for key, words in names.items():
        for word in words:
            if not word.isascii():
                continue
            for match in re.finditer(r"(?<![a-z'])" + re.escape(word) + r"(?![a-z])",
                                     lowered):
                found.append((match.start(), match.end(), key, word))
    found.sort(key=lambda f: (f[0], -(f[1] - f[0])))
    kept, end = [], -1
    for hit in found:  # no overlapping hits: "street lamp" not also "lamp"
        if hit[0] >= end:
            kept.append(hit)
            end = hit[1]
    return kept


def _english_count(before: str, plural: bool) -> int:
    words = before.rstrip().split()
    tail2 = " ".join(words[-2:]) if len(words) >= 2 else ""
    tail3 = " ".join(words[-3:]) if len(words) >= 3 else ""
    for tail in (tail3, tail2, words[-1] if words else ""):
        if tail in NUMBERS:
            return NUMBERS[tail] if not (tail in ("a", "an") and plural) else PLURAL_COUNT
        if tail.isdigit():
            return int(tail)
    # An adjective or two between the number and the noun ("two old benches").
    for word in reversed(words[-3:]):
        if word in NUMBERS and word not in ("a", "an"):
            return NUMBERS[word]
        if word.isdigit():
            return int(word)
    return PLURAL_COUNT if plural else 1


def _english_place(after: str, anchors):
    """The relation and anchor right after a prop's noun ("under an old oak"), and how
    far into `after` the anchor's noun ends (0 without one)."""
    for relation, words in RELATIONS.items():
        for word in sorted(words, key=len, reverse=True):
            match = re.match(r"\s*,?\s*(?:standing |sitting |lying |moored |parked |placed )?"
                             + re.escape(word) + r"\s+((?:the|a|an|his|her|their|its|"
                             r"one of the)\s+)?", after)
            if not match:
                continue
            rest = after[match.end():]
            for start, end, key, _word in anchors(rest[:40]):
                # The anchor's noun within three words ("under an old oak").
                if len(rest[:start].split()) <= 2:
                    return relation, key, match.end() + end
    return None, None, 0


def _korean_count(text: str, start: int, end: int) -> int | None:
    before = text[max(0, start - 6):start].split()
    after = text[end:end + 8]
    match = re.match(r"\s*(?:가|이|를|을|도)?\s*(\d+|한|두|세|네|다섯|여섯|여러|몇)\s*"
                     r"(대|개|척|그루|명)", after)
    if match:
        word = match.group(1)
        return int(word) if word.isdigit() else KOREAN_NUMBERS[word]
    if before:
        word = before[-1]
        for number, value in KOREAN_NUMBERS.items():
            if word.startswith(number) and len(word) <= len(number) + 2:
                return value
        if word.rstrip("대개척의").isdigit():
            return int(word.rstrip("대개척의"))
    return None


def _korean_place(text: str, start: int):
    """The anchor and relation written before a Korean prop noun: "책상 위에 지구본"."""
    before = text[max(0, start - 24):start]
    match = re.search(r"(위|아래|밑|옆|곁|근처|앞|뒤|안|속)(?:에는|에서|에|의|으로)?\s*"
                      r"(?:\S+\s+)?$", before)
    if not match:
        return None, None
    head = before[:match.start()].rstrip()
    best = None
    for key, names in ANCHOR_NAMES.items():
        for name in names:
            if not name.isascii() and head.endswith(name) and (
                    best is None or len(name) > len(best[1])):
                best = (key, name)
    if best is None:
        return None, None
    return KOREAN_RELATIONS[match.group(1)], best[0]


def requested_props(text: str) -> list[PropRequest]:
    """The props a description asks for, in the order named (the same kind named twice
    is asked for twice: "a bench by the lake and a bench under the oak")."""
    lowered = text.lower()
    requests = []
    anchors_found = _find_english(lowered, ANCHOR_NAMES)

    def english_anchors(chunk: str):  # another prop is an anchor too ("by the bench")
        return _find_english(chunk, ANCHOR_NAMES | PROP_NAMES)

    anchored_at: set[int] = set()  # where a prop's noun is another prop's anchor
    for start, end, kind, word in _find_english(lowered, PROP_NAMES):
        if any(a[0] <= start < a[1] and a[1] - a[0] > end - start for a in anchors_found):
            continue  # part of a longer anchor name: "teacher's desk", "lab bench"
        if any(start <= at < end for at in anchored_at):
            continue  # "a bicycle by the bench": the bench is where, not another bench
        if kind == "street_lamp" and re.search(r"(floor|desk|table) $", lowered[:start]):
            continue  # a floor lamp or a desk lamp is not a street lamp
        if kind == "sign" and re.match(r"\s+of\b", lowered[end:]):
            continue  # "signs of spring"
        plural = word.endswith("s") and not word.endswith("ss") or word.endswith("es")
        count = _english_count(lowered[max(0, start - 30):start], plural)
        relation, anchor, reach = _english_place(lowered[end:end + 60], english_anchors)
        if anchor is not None:
            anchored_at.add(end + reach - 1)
        # The words that asked: the number or article before the noun, and the place
        # after it unless that place is the water (the lake is still the world's).
        head = re.search(r"(?:\b(?:a|an|the|one|two|three|four|five|six|several|some|"
                         r"many|few|\d+)\s+)?(?:[a-z'-]+\s+){0,1}$", lowered[:start])
        first = head.start() if head and head.group(0).strip() else start
        last = end + reach if anchor is not None and anchor != "water" else end
        requests.append(PropRequest(kind, min(count, MAX_COUNT), relation, anchor,
                                    text[start:end], (first, last)))
    korean = []
    for kind, names in PROP_NAMES.items():
        for name in names:
            if name.isascii():
                continue
            for match in re.finditer(re.escape(name), text):
                count = _korean_count(text, match.start(), match.end()) or 1
                relation, anchor = _korean_place(text, match.start())
                korean.append((match.start(), PropRequest(
                    kind, min(count, MAX_COUNT), relation, anchor, name,
                    (match.start(), match.end()))))
    return requests + [request for _, request in sorted(korean, key=lambda k: k[0])]


def props_in_words(requests: list[dict]) -> str:
    """Requests (as_dict) in a line: "a bench under the oak, 2 bicycles"."""
    if not requests:
        return "none"
    out = []
    for r in requests:
        name = r["kind"].replace("_", " ")
        thing = f"{r['count']} x {name}" if r["count"] > 1 else f"a {name}"
        if r["anchor"]:
            relation = {"front": "in front of", "in": "on"}.get(r["relation"] or "",
                                                                r["relation"] or "by")
            thing += f" {relation} the {r['anchor'].replace('_', ' ')}"
        out.append(thing)
    return ", ".join(out)


def without_props(text: str, requests: list[PropRequest]) -> str:
    """The description without the words that asked for props (the taggers, trained on
    places, read the rest: "a bicycle by the bench" is no weather)."""
    if not any(r.span[1] > r.span[0] for r in requests):
        return text
    out = text
    for request in sorted(requests, key=lambda r: -r.span[0]):
        start, end = request.span
        if end > start:
            out = out[:start] + " " + out[end:]
    return re.sub(r"\s+", " ", re.sub(r"\s+([,.])", r"\1", out)).strip(" ,")


# The things a settlement or a room builds of its own, as the taggers may mark them.
OWN_WORDS = {
    "village": ("house", "houses", "cottage", "cottages", "street", "streets", "roof",
                "roofs", "fence", "fences", "square", "garden", "gardens", "집", "지붕",
                "울타리", "거리"),
    "town": ("house", "houses", "building", "buildings", "street", "streets", "shop",
             "shops", "market", "stall", "stalls", "square", "집", "건물", "거리", "시장"),
    "harbour": ("house", "houses", "boat", "boats", "lighthouse", "quay", "quays",
                "pier", "wharf", "dock", "docks", "harbour", "harbor", "집", "등대", "부두",
                "배"),
    "room": ("desk", "desks", "chair", "chairs", "board", "blackboard", "whiteboard",
             "shelf", "shelves", "books", "table", "tables", "stool", "stools", "sink",
             "sinks", "sofa", "tv", "television", "window", "windows", "door", "plinth",
             "plinths", "painting", "paintings", "sculpture", "sculptures",
             "display case", "display cases", "lectern", "seats", "counter", "counters",
             "fridge", "cabinet", "cabinets", "lights", "책상", "의자", "칠판", "책", "창문"),
}


def is_built(words: str, settlement: str, indoors: bool) -> bool:
    """Whether a phrase the taggers mark as a thing names something that is built: a
    prop, or a settlement's or a room's own things."""
    vocabulary = {w for names in PROP_NAMES.values() for w in names}
    vocabulary |= set(OWN_WORDS.get(settlement, ()))
    if indoors:
        vocabulary |= set(OWN_WORDS["room"])
    lowered = words.lower()
    return any((re.search(r"(?<![a-z])" + re.escape(w) + r"(?![a-z])", lowered)
                if w.isascii() else w in words) for w in vocabulary)
