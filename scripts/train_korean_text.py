"""Train the Korean taggers: characters (addon/core/character/text_tagger_ko.npz) and
backgrounds (addon/core/background/text_tagger_ko.npz), over Kiwi's morphemes
(core/text/korean.py, core/text/morpheme_tagger.py).

    .venv/bin/python scripts/train_korean_text.py [--only characters|backgrounds]
    .venv/bin/python scripts/train_korean_text.py --similarity --out DIR   # to compare

Training texts are synthetic: Korean fragments written here (people and roles, ages,
builds, hair, each garment kind under its many names, colours, glasses, things that are
not built; times of day, lands, weather, water), put together in the ways Korean
describes a person or a place (a relative clause before the noun: "빨간 재킷을 입은 키 큰
할머니"; a list: "여덟 살 남자아이, 초록색 후드티"; a sentence: "...을 입고 있다"), with
the right particles. Each morpheme is labelled with what its fragment says. The fragments
were written without looking at the benchmark's held-out descriptions
(scripts/bench_character_text.py), which are never used to train.
"""

from __future__ import annotations

import argparse
import functools
import sys
import time
from pathlib import Path

import numpy as np
from metastudio.core.text import korean
from metastudio.core.text.morpheme_tagger import hidden_layer, softmax
from metastudio.core.text.tagger import NOT_SAID
from train_character_text import FIELDS as ENGLISH_FIELDS

ROOT = Path(__file__).resolve().parent.parent
Labels = dict[str, str]

# --- characters -------------------------------------------------------------------------
# (words, labels): a person noun with what it says.
PEOPLE: list[tuple[str, Labels]] = [
    (w, {"gender": "female", "age": "old"}) for w in
    ("할머니", "할머님", "노부인", "할매", "외할머니", "친할머니", "노파", "할머니 한 분")] + [
    (w, {"gender": "male", "age": "old"}) for w in
    ("할아버지", "할아버님", "노신사", "영감님", "외할아버지", "노인 남자", "할배")] + [
    (w, {"age": "old"}) for w in ("노인", "어르신", "노인분", "고령자")] + [
    (w, {"gender": "male", "age": "middle"}) for w in ("아저씨", "중년 남성", "중년 신사")] + [
    (w, {"gender": "female", "age": "middle"}) for w in
    ("아주머니", "아줌마", "중년 여성", "사모님")] + [
    (w, {"gender": "male"}) for w in
    ("남자", "남성", "남자분", "사내", "신사", "남자 선생님", "남자 배우", "남자 모델",
     "남자 회사원", "아버지", "아빠", "형", "오빠", "남편")] + [
    (w, {"gender": "female"}) for w in
    ("여자", "여성", "여자분", "여인", "숙녀", "여자 선생님", "여배우", "여자 모델",
     "여자 회사원", "어머니", "엄마", "언니", "누나", "아내", "주부")] + [
    (w, {"gender": "male", "age": "child"}) for w in
    ("남자아이", "남자 아이", "소년", "사내아이", "아들", "남자 어린이", "남아")] + [
    (w, {"gender": "female", "age": "child"}) for w in
    ("여자아이", "여자 아이", "소녀", "딸", "여자 어린이", "여아")] + [
    (w, {"age": "child"}) for w in ("아이", "어린이", "꼬마", "초등학생", "유치원생",
                                   "어린아이", "초등학생 아이")] + [
    (w, {"age": "baby"}) for w in ("아기", "갓난아기", "아가", "유아", "젖먹이")] + [
    (w, {"gender": "female", "age": "teen"}) for w in
    ("여고생", "여중생", "여학생", "여자 고등학생", "사춘기 소녀", "십대 소녀")] + [
    (w, {"gender": "male", "age": "teen"}) for w in
    ("남고생", "남중생", "남학생", "남자 고등학생", "십대 소년")] + [
    (w, {"age": "teen"}) for w in ("청소년", "고등학생", "중학생", "십대")] + [
    (w, {"gender": "male", "age": "young"}) for w in ("청년", "젊은이", "총각", "남자 대학생")] + [
    (w, {"gender": "female", "age": "young"}) for w in ("아가씨", "처녀", "여대생",
                                                       "여자 대학생")] + [
    (w, {"age": "young"}) for w in ("대학생", "신입생", "사회 초년생")] + [
    # What a role implies is a field of its own: a garment the text names wins over it.
    ("신부", {"gender": "female", "role_top": "dress"}),
    ("새색시", {"gender": "female", "role_top": "dress"}),
    ("신랑", {"gender": "male", "role_top": "jacket"}),
    ("스님", {"gender": "male", "role_hair": "buzz"}),
    ("승려", {"gender": "male", "role_hair": "buzz"}),
    ("비구니", {"gender": "female", "role_hair": "buzz"}),
    ("씨름 선수", {"gender": "male", "weight": "heavy"}),
    ("스모 선수", {"gender": "male", "weight": "heavy"}),
    ("역도 선수", {"muscle": "muscular"}), ("보디빌더", {"muscle": "muscular"}),
    ("발레리나", {"gender": "female", "weight": "thin"}),
    ("초딩", {"age": "child"}), ("꼬맹이", {"age": "child"}), ("애", {"age": "child"}),
    ("중딩", {"age": "teen"}), ("고딩", {"age": "teen"}), ("새댁", {"gender": "female"}),
    ("아재", {"gender": "male", "age": "middle"}), ("할멈", {"gender": "female", "age": "old"}),
    ("노총각", {"gender": "male", "age": "middle"}), ("뚱보", {"weight": "heavy"}),
    ("멸치 같은 남자", {"gender": "male", "weight": "thin"}),
    ("회사원", {}), ("선생님", {}), ("과학자", {}), ("의사", {}), ("간호사", {}),
    ("경찰관", {}), ("요리사", {}), ("학생", {}), ("사람", {}), ("인물", {}), ("캐릭터", {}),
    ("교수", {}), ("화가", {}), ("농부", {}), ("어부", {}), ("가수", {}), ("관광객", {}),
]
AGE_WORDS: list[tuple[str, Labels]] = [
    (w, {"age": "old"}) for w in ("나이 든", "늙은", "나이 많은", "연로한", "노년의")
] + [(w, {"age": "middle"}) for w in ("중년의", "중년", "오십대", "50대", "사십대 후반")] + [
    (w, {"age": "young"}) for w in ("젊은", "이십대", "20대", "앳된")] + [
    (w, {"age": "thirties"}) for w in ("30대", "삼십대", "서른 살")] + [
    (w, {"age": "child"}) for w in ("어린", "여덟 살", "일곱 살", "열 살")] + [
    (w, {"age": "teen"}) for w in ("열여섯 살", "십대", "10대")]
BUILD_WORDS: list[tuple[str, Labels]] = [
    (w, {"weight": "heavy"}) for w in ("뚱뚱한", "통통한", "살찐", "덩치 큰", "배가 나온",
                                       "풍채 좋은", "몸집이 큰", "비만인", "포동포동한",
                                       "퉁퉁한", "육중한")] + [
    (w, {"weight": "thin"}) for w in ("날씬한", "마른", "홀쭉한", "깡마른", "호리호리한",
                                      "가냘픈", "여윈", "비쩍 마른", "늘씬한")] + [
    (w, {"muscle": "muscular"}) for w in ("근육질의", "근육질", "건장한", "다부진",
                                          "탄탄한 몸의", "우람한")] + [
    (w, {"height": "tall"}) for w in ("키 큰", "키가 큰", "장신의", "훤칠한", "키가 아주 큰")
] + [(w, {"height": "short"}) for w in ("키 작은", "키가 작은", "작은 키의", "단신의")]
HAIR_CUTS: list[tuple[str, Labels]] = [
    ("긴", {"hair": "long"}), ("길게 기른", {"hair": "long"}), ("허리까지 오는", {"hair": "long"}),
    ("짧은", {"hair": "short"}), ("짧게 자른", {"hair": "short"}),
    ("어깨까지 오는", {"hair": "shoulder"}), ("어깨 길이의", {"hair": "shoulder"}),
    ("하나로 묶은", {"hair": "ponytail"}), ("뒤로 묶은", {"hair": "ponytail"}),
    ("올린", {"hair": "bun"}), ("쪽진", {"hair": "bun"}), ("틀어 올린", {"hair": "bun"}),
    ("땋은", {"hair": "braid"}), ("양갈래로 땋은", {"hair": "braid"}),
]
HAIR_WHOLE: list[tuple[str, Labels]] = [
    (w, {"hair": "none"}) for w in ("대머리", "민머리", "빛나는 대머리")] + [
    (w, {"hair": "buzz"}) for w in ("빡빡머리", "삭발한 머리", "까까머리", "스포츠머리",
                                    "짧게 민 머리")] + [
    (w, {"hair": "short"}) for w in ("숏컷", "커트 머리", "짧은 머리", "숏커트")] + [
    (w, {"hair": "short", "hair_texture": "coily"}) for w in ("아프로 머리", "뽀글머리",
                                                              "뽀글뽀글한 아프로")] + [
    (w, {"hair": "bob"}) for w in ("단발머리", "단발", "단발 머리", "보브컷", "단발 커트")] + [
    (w, {"hair": "shoulder"}) for w in ("중단발", "어깨 기장 머리")] + [
    (w, {"hair": "long"}) for w in ("긴 머리", "긴 생머리", "장발", "롱헤어")] + [
    (w, {"hair": "ponytail"}) for w in ("포니테일", "포니테일 머리", "묶은 머리",
                                        "말총머리")] + [
    (w, {"hair": "bun"}) for w in ("올림머리", "똥머리", "쪽머리", "상투", "번 헤어")] + [
    (w, {"hair": "braid"}) for w in ("땋은 머리", "양갈래 머리", "댕기 머리", "갈래머리")]
HAIR_COLOURS: list[tuple[str, Labels]] = [
    (w, {"hair_color": "blonde"}) for w in ("금발", "노란", "금빛", "황금빛", "노랑",
                                            "밝은 금발")] + [
    (w, {"hair_color": "brown"}) for w in ("갈색", "밤색", "브라운", "짙은 갈색", "연한 갈색",
                                           "고동색", "초콜릿색")] + [
    (w, {"hair_color": "black"}) for w in ("검은", "까만", "흑발", "새까만", "검정", "검정색",
                                           "까만색", "칠흑 같은")] + [
    (w, {"hair_color": "red"}) for w in ("빨간", "붉은", "적갈색", "빨강", "붉은빛")] + [
    (w, {"hair_color": "grey"}) for w in ("회색", "희끗희끗한", "잿빛", "반백의", "은빛",
                                          "은색", "희끗한", "회색빛")] + [
    (w, {"hair_color": "white"}) for w in ("흰", "하얀", "백발", "새하얀", "하얗게 센")]
# Hair said by its colour alone: "은발의 노인", "금발의 소년"; white hair says old too.
HAIR_COLOUR_NOUNS: list[tuple[str, Labels]] = [
    ("금발", {"hair_color": "blonde"}), ("은발", {"hair_color": "grey"}),
    ("백발", {"hair_color": "white", "age": "old"}), ("흑발", {"hair_color": "black"}),
    ("흰머리", {"hair_color": "white"}), ("새치머리", {"hair_color": "grey"}),
    ("갈색 머리", {"hair_color": "brown"}), ("빨간 머리", {"hair_color": "red"}),
    ("반백", {"hair_color": "grey"}), ("은발 머리", {"hair_color": "grey"})]
HAIR_TEXTURES: list[tuple[str, Labels]] = [
    ("곱슬", {"hair_texture": "curly"}), ("곱슬곱슬한", {"hair_texture": "curly"}),
    ("웨이브", {"hair_texture": "wavy"}), ("물결치는", {"hair_texture": "wavy"}),
    ("생", {"hair_texture": "straight"}), ("찰랑거리는", {"hair_texture": "straight"}),
]
HAIR_NOUNS = ["머리", "머리카락", "헤어", "머리칼"]
FACES: list[tuple[str, Labels]] = [
    (w, {"facial_hair": "beard"}) for w in ("수염이 있는", "턱수염을 기른", "수염을 기른",
                                            "덥수룩한 수염의", "구레나룻이 있는")] + [
    (w, {"facial_hair": "moustache"}) for w in ("콧수염이 있는", "콧수염을 기른")] + [
    (w, {"facial_hair": "stubble"}) for w in ("수염이 까칠한", "면도를 안 한",
                                              "거뭇거뭇한 수염의")] + [
    (w, {"facial_hair": "none"}) for w in ("깔끔하게 면도한", "수염 없는")]
GLASSES: list[tuple[str, Labels]] = [
    (w, {"glasses": "rectangular"}) for w in ("안경을 쓴", "안경 낀", "안경을 낀",
                                              "뿔테 안경을 쓴", "네모난 안경을 쓴",
                                              "안경을 걸친", "검은 테 안경을 쓴")] + [
    (w, {"glasses": "round"}) for w in ("동그란 안경을 쓴", "둥근 안경을 낀",
                                        "동그란 안경의", "원형 안경을 쓴")] + [
    (w, {"glasses": "none"}) for w in ("안경을 쓰지 않은", "안경 없는", "안경을 벗은")]
HATS: list[tuple[str, Labels]] = [
    (w, {"hat": "beanie"}) for w in ("비니", "털모자", "니트 모자")] + [
    (w, {"hat": "cap"}) for w in ("야구모자", "야구 모자", "캡 모자", "볼캡")] + [
    (w, {"hat": "sun_hat"}) for w in ("밀짚모자", "챙 넓은 모자", "벙거지 모자")] + [
    (w, {"hat": "fedora"}) for w in ("중절모", "페도라", "신사 모자")]
GARMENTS: list[tuple[str, Labels]] = [
    (w, {"top": "long_sleeves"}) for w in
    ("스웨터", "니트", "블라우스", "셔츠", "와이셔츠", "남방", "카디건", "가디건", "맨투맨",
     "긴팔 티셔츠", "긴소매 셔츠", "터틀넥", "체크 셔츠", "스웨트셔츠", "긴팔 셔츠",
     "털 스웨터", "폴라티", "목폴라", "긴팔", "니트 스웨터")] + [
    (w, {"top": "jacket"}) for w in
    ("재킷", "자켓", "블레이저", "정장", "양복", "수트", "청재킷", "가죽 재킷", "점퍼",
     "정장 재킷", "양복 상의", "데님 재킷", "바람막이")] + [
    (w, {"top": "coat"}) for w in
    ("코트", "외투", "트렌치코트", "롱코트", "패딩", "롱패딩", "가운", "실험복", "흰 가운",
     "비옷", "우비", "파카", "모직 코트", "겨울 코트", "더플코트")] + [
    (w, {"top": "hoodie"}) for w in
    ("후드티", "후드 티셔츠", "후디", "후드 집업", "모자 달린 티셔츠", "후드", "후드 점퍼")] + [
    (w, {"top": "short_sleeves"}) for w in
    ("티셔츠", "반팔", "반팔 티", "반팔 티셔츠", "민소매", "나시", "폴로 셔츠", "탱크톱",
     "티", "반소매 셔츠", "반팔 셔츠", "민소매 티", "크롭티", "반팔 남방")] + [
    (w, {"top": "dress"}) for w in
    ("원피스", "드레스", "웨딩드레스", "선드레스", "롱드레스", "미니 원피스", "이브닝드레스")
] + [(w, {"bottom": "trousers"}) for w in
     ("바지", "청바지", "슬랙스", "면바지", "정장 바지", "레깅스", "긴 바지", "트레이닝 바지",
      "조거 팬츠", "팬츠", "츄리닝 바지", "카고 바지", "데님 바지", "쫄바지", "스키니진",
      "와이드 팬츠", "운동복 바지")] + [
    (w, {"bottom": "shorts"}) for w in ("반바지", "짧은 바지", "숏팬츠", "핫팬츠",
                                        "버뮤다 팬츠")] + [
    (w, {"bottom": "skirt"}) for w in ("치마", "스커트", "미니스커트", "긴 치마", "주름치마",
                                       "롱스커트", "플레어스커트", "짧은 치마", "교복 치마")]
SKIN: list[tuple[str, Labels]] = [
    (w, {"skin_tone": "very_pale"}) for w in ("하얀 피부", "창백한 피부", "뽀얀 피부",
                                              "새하얀 피부")] + [
    (w, {"skin_tone": "light"}) for w in ("밝은 피부", "밝은 피부톤")] + [
    (w, {"skin_tone": "tan"}) for w in ("구릿빛 피부", "햇볕에 그을린 피부", "까무잡잡한 피부")
] + [(w, {"skin_tone": "brown"}) for w in ("갈색 피부", "가무잡잡한 피부")] + [
    (w, {"skin_tone": "dark"}) for w in ("검은 피부", "어두운 피부", "아주 어두운 피부")]
EYES: list[tuple[str, Labels]] = [
    (w, {"eye_color": "brown"}) for w in ("갈색 눈", "검은 눈동자", "갈색 눈동자")] + [
    (w, {"eye_color": "blue"}) for w in ("파란 눈", "푸른 눈", "파란 눈동자")] + [
    (w, {"eye_color": "green"}) for w in ("초록 눈", "녹색 눈동자")] + [
    (w, {"eye_color": "grey"}) for w in ("회색 눈", "잿빛 눈동자")] + [
    (w, {"eye_color": "hazel"}) for w in ("담갈색 눈",)]
ANCESTRY: list[tuple[str, Labels]] = [
    (w, {"ancestry": "asian"}) for w in ("한국인", "한국 사람", "일본인", "중국인", "동양인",
                                        "아시아인")] + [
    (w, {"ancestry": "african"}) for w in ("흑인", "아프리카계", "아프리카인",
                                          "나이지리아인")] + [
    (w, {"ancestry": "european"}) for w in ("백인", "유럽인", "서양인", "이탈리아인",
                                           "독일인")]
SHOES: list[tuple[str, Labels]] = [
    (w, {"shoes": "shoes"}) for w in ("운동화", "구두", "부츠", "샌들", "신발", "슬리퍼", "하이힐",
                                     "장화", "로퍼", "스니커즈", "등산화", "단화")]
NOT_BUILT: list[tuple[str, Labels]] = [
    (w, {"not_built": "item"}) for w in
    ("한복", "망토", "목도리", "스카프", "앞치마", "넥타이", "나비넥타이", "장갑", "배낭",
     "가방", "핸드백", "우산", "기모노", "목걸이", "벨트", "교복", "잠옷", "수영복", "갑옷",
     "날개", "지팡이", "손목시계", "귀걸이", "숄", "판초", "작업복", "멜빵바지")]
# How a thing that is not built is had.
CARRIED = ["든", "들고 있는", "멘", "맨", "찬", "두른", "짚은", "들고", "메고", "두르고"]
COLOURS = ["빨간", "빨간색", "붉은", "노란", "노란색", "초록색", "녹색", "파란", "파란색",
           "하늘색", "남색", "보라색", "분홍색", "핑크", "갈색", "베이지색", "흰", "하얀",
           "흰색", "검은", "까만", "검정", "회색", "주황색", "카키색", "청록색", "연두색",
           "와인색", "네이비", "아이보리", "연한 파란색", "짙은 남색", "밝은 노란색",
           "진한 빨간색", "연보라색", "자주색", "금색", "은색", "하얀색", "검은색"]
WEAR = ["입은", "입고 있는", "걸친", "차려입은", "입은 채인", "입고", "걸치고"]
PUT_ON = ["쓴", "쓰고", "쓴 채", "눌러쓴"]  # a hat or glasses
FILLER = ["예쁜", "멋진", "평범한", "친절한", "웃고 있는", "조용한", "활발한", "귀여운",
          "서 있는", "걸어가는", "행복한"]


@functools.lru_cache(maxsize=1)
def _noise() -> list[str]:
    """Common nouns from Kiwi's own model (the neighbours of morphemes drawn at random,
    seeded): words that say nothing a character or a place is built from."""
    kiwi = korean.analyser().kiwi
    rng = np.random.default_rng(5)
    said = {w for table in (PEOPLE, GARMENTS, NOT_BUILT, HAIR_WHOLE) for w, _ in table}
    said |= {w for options in BACKGROUND.values() for words in options.values()
             for w in words}
    forms: dict[str, None] = {}
    for morpheme_id in rng.integers(500, 40000, 600):
        try:
            similar = kiwi.most_similar_morphemes(int(morpheme_id), top_n=8)
        except (ValueError, RuntimeError):
            continue
        for other in similar:
            if str(other.tag) == "NNG" and len(other.form) >= 2 and other.form not in said:
                forms[other.form] = None
    return list(forms)


def _batchim(word: str) -> bool:
    word = word.rstrip()
    if not word:
        return False
    last = word[-1]
    return "\uac00" <= last <= "\ud7a3" and (ord(last) - 0xAC00) % 28 != 0


def _object(word: str) -> str:
    return "을" if _batchim(word) else "를"


def _and(word: str) -> str:
    return "과" if _batchim(word) else "와"


def _pick(rng, items):
    return items[rng.integers(len(items))]


Segment = tuple[str, Labels]


def _garment(rng, kinds=GARMENTS) -> list[Segment]:
    name, labels = _pick(rng, kinds)
    if rng.random() < 0.7:
        return [(f"{_pick(rng, COLOURS)} {name}", labels)]
    return [(name, labels)]


def _hair(rng) -> list[Segment]:
    if rng.random() < 0.15:
        return [_pick(rng, HAIR_COLOUR_NOUNS)]
    if rng.random() < 0.35:
        name, labels = _pick(rng, HAIR_WHOLE)
        if rng.random() < 0.4 and labels["hair"] not in ("none", "buzz"):
            colour, colour_labels = _pick(rng, HAIR_COLOURS)
            return [(colour, colour_labels), (name, labels)]
        return [(name, labels)]
    out = []
    cut = rng.random() < 0.7
    if cut:
        out.append(_pick(rng, HAIR_CUTS))
    if rng.random() < 0.6 or not cut:
        out.append(_pick(rng, HAIR_COLOURS))
    if rng.random() < 0.25:
        out.append(_pick(rng, HAIR_TEXTURES))
    joined = {k: v for _, labels in out for k, v in labels.items()}
    out.append((_pick(rng, HAIR_NOUNS), joined))
    return out


def _person(rng) -> list[Segment]:
    out = []
    for table, chance in ((AGE_WORDS, 0.3), (BUILD_WORDS, 0.35), (BUILD_WORDS, 0.1),
                          (ANCESTRY, 0.08), ([(w, {}) for w in FILLER], 0.15)):
        if rng.random() < chance:
            out.append(_pick(rng, table))
    out.append(_pick(rng, PEOPLE))
    return out


def _worn(rng, clothes: list[list[Segment]]) -> list[Segment]:
    """Garments as an object: "A에 B를", "A와 B를", "A, B를", then a verb."""
    out: list[Segment] = []
    for index, garment in enumerate(clothes):
        out += garment
        last = garment[-1][0]
        if index < len(clothes) - 1:
            out.append((_pick(rng, ["~에", "~" + _and(last), ",", "그리고", "~에다"]), {}))
        else:
            out.append(("~" + _object(last), {}))
    out.append((_pick(rng, WEAR), {}))
    return out


def character_text(rng) -> list[Segment]:
    """One synthetic Korean character description as labelled segments."""
    clothes = []
    if rng.random() < 0.75:
        clothes.append(_garment(rng, [g for g in GARMENTS if "top" in g[1]]))
    if rng.random() < 0.45:
        clothes.append(_garment(rng, [g for g in GARMENTS if "bottom" in g[1]]))
    if rng.random() < 0.08:
        clothes.append([_pick(rng, NOT_BUILT)])
    if rng.random() < 0.15:
        clothes.append(_garment(rng, SHOES))
    rng.shuffle(clothes)
    extras: list[list[Segment]] = []
    if rng.random() < 0.35:
        hair = _hair(rng)
        extras.append(hair + [(_pick(rng, ["~의", "~" + _object(hair[-1][0]) + " 한", "~에",
                                           ""]), {})])
    if rng.random() < 0.15:
        extras.append([_pick(rng, GLASSES)])
    if rng.random() < 0.12:
        hat = _pick(rng, HATS)
        extras.append([hat, ("~" + _object(hat[0]) + " " + _pick(rng, PUT_ON), {})])
    if rng.random() < 0.1:
        extras.append([_pick(rng, FACES)])
    if rng.random() < 0.08:
        extras.append([_pick(rng, SKIN), ("~" + _pick(rng, ["의", "를 가진", "에"]), {})])
    if rng.random() < 0.08:
        extras.append([_pick(rng, EYES), ("~" + _pick(rng, ["의", "을 가진", "이 빛나는"]), {})])
    if rng.random() < 0.12:
        thing = _pick(rng, NOT_BUILT)
        extras.append([thing, ("~" + _object(thing[0]) + " " + _pick(rng, CARRIED), {})])
    if rng.random() < 0.2:  # words that say nothing about the person
        noise = _pick(rng, _noise())
        extras.append([(noise, {}), (_pick(rng, ["~" + _object(noise) + " 든", "~에서",
                                                 "~" + _object(noise) + " 좋아하는",
                                                 "~의", "~" + _and(noise) + " 함께 있는"]),
                                     {})])
    person = _person(rng)
    style = rng.random()
    segments: list[Segment] = []
    if style < 0.55:  # relative clauses before the noun
        parts = extras + ([_worn(rng, clothes)] if clothes else [])
        rng.shuffle(parts)
        for part in parts:
            segments += part
        segments += person
    elif style < 0.8:  # the person, then a list
        segments += person
        for part in extras + clothes:
            segments.append((",", {}))
            segments += part
    else:  # a sentence
        segments += extras[0] if extras else []
        segments += person
        last = person[-1][0]
        segments.append(("~" + (_pick(rng, ["이", "은"]) if _batchim(last) else
                                _pick(rng, ["가", "는"])), {}))
        if clothes:
            segments += _worn(rng, clothes)[:-1]
            segments.append((_pick(rng, ["입고 있다", "입었다", "입고 서 있다"]), {}))
        else:
            segments.append(("서 있다", {}))
    return segments


# The English tagger's fields; a Korean age is often a decade (30대), so it has one more.
CHARACTER_FIELDS = {**ENGLISH_FIELDS, "age": ["baby", "child", "teen", "young", "thirties",
                                              "middle", "old"]}

# --- backgrounds ------------------------------------------------------------------------
BACKGROUND: dict[str, dict[str, list[str]]] = {
    "time_of_day": {
        "dawn": ["새벽", "새벽녘", "동틀 무렵", "해 뜰 무렵", "해돋이", "일출", "동이 틀 때",
                 "이른 새벽", "해가 뜨는", "여명"],
        "morning": ["아침", "오전", "이른 아침", "상쾌한 아침", "아침 햇살", "아침나절"],
        "noon": ["정오", "한낮", "점심때", "대낮", "한낮의 뜨거운 햇볕", "열두 시",
                 "해가 중천에 뜬"],
        "afternoon": ["오후", "늦은 오후", "나른한 오후", "점심 지나", "오후 세 시",
                      "햇살 좋은 오후"],
        "sunset": ["해 질 녘", "해질녘", "노을", "석양", "일몰", "저녁노을", "해가 지는",
                   "노을 지는", "붉은 노을"],
        "dusk": ["황혼", "땅거미", "어스름", "초저녁", "해가 진 뒤", "저녁", "저물녘", "저녁 무렵"],
        "night": ["밤", "한밤중", "깊은 밤", "별빛 아래", "달밤", "자정", "밤하늘", "야경",
                  "달빛 아래", "어두운 밤"],
    },
    "biome": {
        "forest": ["숲", "소나무 숲", "자작나무 숲", "삼림", "밀림", "정글", "대나무 숲",
                   "울창한 숲", "숲속", "나무가 우거진 숲", "침엽수림", "열대 우림", "우림",
                   "숲길", "산림", "전나무 숲", "참나무 숲"],
        "grassland": ["초원", "들판", "풀밭", "목초지", "벌판", "평원", "초지", "잔디밭",
                      "푸른 들", "꽃밭", "언덕", "잔디 언덕", "푸른 언덕", "풀이 덮인 언덕"],
        "desert": ["사막", "모래 언덕", "황무지", "사구", "모래사막", "메마른 땅"],
        "mountains": ["산", "산맥", "산봉우리", "봉우리", "고산", "설산", "험한 산", "산꼭대기",
                      "산악 지대", "바위산", "눈 덮인 산", "눈 덮인 봉우리", "설봉", "산속",
                      "산골짜기", "산골", "깊은 산", "산자락", "산기슭", "산길", "등산로",
                      "산 정상", "정상", "능선"],
        "snowfield": ["설원", "빙하", "얼음 벌판", "눈 덮인 벌판", "툰드라", "빙원",
                      "얼어붙은 평원",
                      "눈밭"],
        "coast": ["바닷가", "해안", "해변", "백사장", "갯바위", "항구", "해안 절벽", "모래사장",
                  "해안가", "섬", "작은 섬", "무인도", "해변 산책로", "바닷가 절벽"],
        # Not 골짜기 (any valley, wooded as often as not: "소나무 숲, 골짜기에 호수").
        "canyon": ["협곡", "계곡", "절벽 사이", "붉은 바위 협곡", "깊은 협곡", "바위 협곡"],
        "wetland": ["늪", "늪지대", "습지", "갈대밭", "갯벌", "습지대", "늪지"],
        "volcanic": ["화산", "화산 지대", "용암", "분화구", "화산섬", "용암 지대"],
        "city": ["도시", "도심", "거리", "시내 거리", "빌딩 숲", "골목", "번화가", "도시 거리",
                 "고층 빌딩", "시가지"],
    },
    "weather": {
        "clear": ["맑은", "화창한", "구름 한 점 없는", "쾌청한", "맑은 하늘", "햇살 가득한",
                  "구름 한 점 없음", "맑음"],
        "cloudy": ["구름", "구름이 많은", "구름 낀", "흩어진 구름", "뭉게구름", "구름이 떠 있는"],
        "overcast": ["흐린", "잔뜩 흐린", "우중충한", "먹구름", "흐린 하늘", "잿빛 하늘", "흐림"],
        "fog": ["안개", "안개 낀", "짙은 안개", "물안개", "안개가 자욱한", "안개가 낀"],
        "rain": ["비", "비 오는", "빗속", "소나기", "가랑비", "장맛비", "비가 내리는", "보슬비"],
        "snow": ["눈", "눈 내리는", "함박눈", "눈보라", "눈이 오는", "눈발"],
        "storm": ["폭풍", "천둥", "번개", "폭풍우", "태풍", "천둥 번개", "뇌우"],
    },
    "water": {
        "lake": ["호수", "연못", "저수지", "호숫가", "맑은 호수"],
        # Not 시내 alone: far more often downtown (시내 번화가) than a stream.
        "river": ["강", "시냇물", "개울", "하천", "강가", "냇가", "강물", "개울물", "강변",
                  "강기슭", "냇물", "계곡물", "시냇가", "강 하구"],
        "sea": ["바다", "파도", "바닷물", "대양", "푸른 바다"],
    },
}
# Words that say two fields at once ("밤바다": the sea at night).
BACKGROUND_COMPOUNDS: list[tuple[str, Labels]] = [
    ("밤바다", {"time_of_day": "night", "water": "sea"}),
    ("밤거리", {"time_of_day": "night", "biome": "city"}),
    ("밤바닷가", {"time_of_day": "night", "biome": "coast"})]
# Things in a place that no builder makes yet: listed back to the user as left out.
PLACE_THINGS = ["배", "보트", "고깃배", "등대", "성", "다리", "풍차", "자동차", "사람들",
                "텐트", "오두막", "절", "교회", "부두", "울타리", "모닥불", "놀이터", "기차",
                "양 떼", "소 떼", "말", "새들", "돛단배", "요트", "정자", "탑"]
BACKGROUND_FILLER = ["아름다운", "조용한", "평화로운", "넓은", "먼", "고요한", "신비로운",
                     "과학 수업을 하는", "학생들이 노는", "캠핑하기 좋은", "풍경",
                     # Seasons say no time of day ("한겨울": the 한 of 한밤중 is not night).
                     "한겨울", "한여름", "겨울", "여름", "봄", "가을", "봄날", "가을날",
                     "겨울날", "늦가을", "초여름",
                     # Places in a place: no land of their own ("바닷가 마을" is a coast for
                     # its 바닷가, not for its 마을).
                     "마을", "작은 마을", "시골 마을", "캠핑장", "산책로", "오두막 근처"]
PLACE_PARTICLES = ["~의", "~에", "~에서", "", ",", "아래", "~이 있는", "~가 있는", "~와",
                   "~과", "그리고"]


def background_text(rng) -> list[Segment]:
    """One synthetic Korean place description as labelled segments."""
    parts: list[list[Segment]] = []
    for field_name, options in BACKGROUND.items():
        if rng.random() < (0.75 if field_name == "biome" else 0.55):
            option = _pick(rng, list(options))
            parts.append([(_pick(rng, options[option]), {field_name: option})])
    if rng.random() < 0.1:
        compound = _pick(rng, BACKGROUND_COMPOUNDS)
        parts = [part for part in parts if not set(part[0][1]) & set(compound[1])]
        parts.append([compound])
    if rng.random() < 0.3:
        parts.append([(_pick(rng, BACKGROUND_FILLER), {})])
    if rng.random() < 0.25:
        parts.append([(_pick(rng, _noise()), {})])
    if rng.random() < 0.25:
        thing = _pick(rng, PLACE_THINGS)
        parts.append([(thing, {"not_built": "item"}),
                      (_pick(rng, ["~" + ("이" if _batchim(thing) else "가") + " 있는",
                                   "~" + _object(thing) + " 지나는", "", "~" + _and(thing),
                                   "~" + ("이" if _batchim(thing) else "가") + " 떠 있는"]),
                       {})])
    if not parts:
        parts.append([(_pick(rng, BACKGROUND_FILLER), {})])
    rng.shuffle(parts)
    out: list[Segment] = []
    for index, part in enumerate(parts):
        out += part
        if index < len(parts) - 1:
            particle = _pick(rng, PLACE_PARTICLES)
            last = next((w.lstrip("~") for w, _ in reversed(part) if w.lstrip("~").strip()),
                        "")
            if particle in ("~이 있는", "~가 있는"):
                particle = "~이 있는" if _batchim(last) else "~가 있는"
            elif particle in ("~와", "~과"):
                particle = "~" + _and(last)
            out.append((particle, {}))
    return out


BACKGROUND_FIELDS = {name: list(options) for name, options in BACKGROUND.items()}
BACKGROUND_FIELDS["not_built"] = ["item"]


# --- training ---------------------------------------------------------------------------
def _text(segments: list[Segment]) -> tuple[str, list[tuple[int, int, Labels]]]:
    """The text and each labelled segment's character span. A segment starting with "~"
    (a particle) or "," is glued to what comes before; others follow a space."""
    text, spans = "", []
    for words, labels in segments:
        glued = words.startswith(("~", ","))
        words = words.lstrip("~").strip()
        if not words:
            continue
        if text and not glued:
            text += " "
        start = len(text)
        text += words
        spans.append((start, len(text), labels))
    return text, spans


def dataset(make, count: int, fields: dict[str, list[str]], anchors: tuple[int, ...], rng):
    """Rows (hashed ids), dense features and per-field targets for `count` texts."""
    lex = korean.analyser()
    rows, dense, targets = [], [], {name: [] for name in fields}
    for _ in range(count):
        text, spans = _text(make(rng))
        morphemes = lex.morphemes(text)
        if not morphemes:
            continue
        r, d = korean.features(morphemes, anchors)
        rows.append(r)
        dense.append(d)
        for m in morphemes:
            middle = (m.start + m.end - 1) / 2
            labels = next((lab for s, e, lab in spans if s <= middle < e), {})
            for name, options in fields.items():
                said = labels.get(name)
                targets[name].append(options.index(said) + 1 if said else 0)
    return (np.vstack(rows), np.vstack(dense),
            {name: np.array(t) for name, t in targets.items()})


def choose_anchors(make, count: int, rng) -> tuple[int, ...]:
    """The content morphemes the fragments use most (nouns, verbs, adjectives, roots)."""
    lex = korean.analyser()
    counts: dict[int, int] = {}
    for _ in range(count):
        text, _ = _text(make(rng))
        for m in lex.morphemes(text):
            if m.tag in ("NNG", "NNP", "VA", "VV", "XR", "MAG") and m.id > 0:
                counts[m.id] = counts.get(m.id, 0) + 1
    ranked = sorted(counts, key=lambda i: -counts[i])
    return tuple(ranked[:256])


def train(rows, dense, targets, sizes, hidden=192, epochs=6, seed=0,
          identity_dropout=0.3):
    """The shared layer (hashed rows + dense features, ReLU, dropout 0.1) and one
    softmax head per field, trained together by minibatch Adam."""
    rng = np.random.default_rng(seed)
    params = {"embedding": np.zeros((korean.BUCKETS, hidden), np.float32),
              "dense": rng.normal(0, np.sqrt(2 / dense.shape[1]),
                                  (dense.shape[1], hidden)).astype(np.float32),
              "bias": np.full(hidden, 0.01, np.float32)}
    for name, size in sizes.items():
        params[name] = rng.normal(0, np.sqrt(1 / hidden), (hidden + 1, size)).astype(
            np.float32)
        params[name][-1] = 0.0
    first = {k: np.zeros_like(v) for k, v in params.items()}
    second = {k: np.zeros_like(v) for k, v in params.items()}
    step, batch, rate = 0, 128, 2e-3
    for epoch in range(epochs):
        order = rng.permutation(len(rows))
        for start in range(0, len(rows), batch):
            pick = order[start:start + batch]
            r, d = rows[pick].copy(), dense[pick]
            # Identity dropout: a share of morphemes lose their own hashed identity
            # (their neighbours' stay), so the tagger learns to read a word it has never
            # seen from what it is like (the CoNg similarities) and where it stands.
            if identity_dropout:
                dropped = rng.random(len(pick)) < identity_dropout
                r[dropped, :korean.OWN] = 0
            before = params["embedding"][r].sum(axis=1) + d @ params["dense"] + \
                params["bias"]
            keep = (rng.random(before.shape) > 0.1).astype(np.float32) / 0.9
            h = np.maximum(before, 0) * keep
            hb = np.hstack([h, np.ones((len(pick), 1), np.float32)])
            grads, dh = {}, np.zeros_like(h)
            for name in sizes:
                p = softmax(hb @ params[name])
                p[np.arange(len(pick)), targets[name][pick]] -= 1
                p /= len(pick)
                grads[name] = hb.T @ p
                dh += p @ params[name][:-1].T
            dh *= keep * (before > 0)
            grads["dense"] = d.T @ dh
            grads["bias"] = dh.sum(axis=0)
            # The embedding's gradient only touches the rows used (row 0 is padding).
            used = r.ravel()
            g_rows = np.repeat(dh, r.shape[1], axis=0)
            unique, inverse = np.unique(used, return_inverse=True)
            g_unique = np.zeros((len(unique), dh.shape[1]), np.float32)
            np.add.at(g_unique, inverse, g_rows)
            step += 1
            for key, grad in grads.items():
                first[key] = 0.9 * first[key] + 0.1 * grad
                second[key] = 0.999 * second[key] + 0.001 * grad * grad
                params[key] -= rate * (first[key] / (1 - 0.9 ** step)) / (
                    np.sqrt(second[key] / (1 - 0.999 ** step)) + 1e-8)
            # Lazy Adam on the embedding: only the rows this batch used move.
            keep_rows = unique != 0
            unique, g_unique = unique[keep_rows], g_unique[keep_rows]
            first["embedding"][unique] = 0.9 * first["embedding"][unique] + 0.1 * g_unique
            second["embedding"][unique] = 0.999 * second["embedding"][unique] + \
                0.001 * g_unique * g_unique
            params["embedding"][unique] -= rate * (
                first["embedding"][unique] / (1 - 0.9 ** step)) / (
                np.sqrt(second["embedding"][unique] / (1 - 0.999 ** step)) + 1e-8)
        print(f"  epoch {epoch + 1}/{epochs}", flush=True)
    return params


def build(name: str, make, fields: dict[str, list[str]], out: Path, count: int,
          similarity: bool = False, members: int = 3) -> None:
    """Write one tagger (`members` of them trained apart, each on texts of its own, whose
    probabilities the reader averages): anchors, data, training, and each one's accuracy
    on fresh texts."""
    started = time.perf_counter()
    rng = np.random.default_rng(11)
    anchors = choose_anchors(make, 3000, rng)
    if not similarity:  # hashed identities alone (no anchor known: the features are 0)
        anchors = tuple(-1 for _ in anchors)
    sizes = {field: len(options) + 1 for field, options in fields.items()}
    saved = {"anchor_ids": np.array(anchors), "members": np.array(members),
             "model_version": np.array(korean.analyser().model_version)}
    for member in range(members):
        rng = np.random.default_rng(11 + 100 * member)
        rows, dense, targets = dataset(make, count, fields, anchors, rng)
        print(f"{name}, member {member + 1}/{members}: {count} texts, {len(rows)} "
              f"morphemes, {len(anchors)} anchors ({time.perf_counter() - started:.0f} s)")
        params = train(rows, dense, targets, sizes, seed=member,
                       identity_dropout=0.3 if similarity else 0.0)
        check_rows, check_dense, check_targets = dataset(make, 500, fields, anchors, rng)
        h = hidden_layer(check_rows, check_dense, params)
        h = np.hstack([h, np.ones((len(h), 1), np.float32)])
        for field in fields:
            said = check_targets[field] > 0
            got = (h @ params[field]).argmax(axis=1)
            print(f"  {field}: morphemes that say it, right on fresh synthetic texts "
                  f"{(got[said] == check_targets[field][said]).mean():.1%}")
        prefix = f"m{member}_"
        saved |= {prefix + "embedding": params["embedding"].astype(np.float16),
                  prefix + "dense": params["dense"].astype(np.float16),
                  prefix + "bias": params["bias"]}
        for field, options in fields.items():
            saved[f"{prefix}{field}_head"] = params[field].astype(np.float16)
            saved[f"{prefix}{field}_classes"] = np.array([NOT_SAID, *options])
    np.savez_compressed(out, **saved)
    print(f"wrote {out} ({out.stat().st_size // 1024} KB, "
          f"{time.perf_counter() - started:.0f} s)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", choices=("characters", "backgrounds"))
    parser.add_argument("--texts", type=int, default=12000)
    parser.add_argument("--show", type=int, default=0, help="print some synthetic texts")
    parser.add_argument("--similarity", action="store_true",
                        help="with the CoNg similarity features and identity dropout "
                             "(for comparison: scripts/bench_korean_routes.py)")
    parser.add_argument("--out", type=Path, help="a folder to write to instead of the "
                                                  "package's")
    parser.add_argument("--members", type=int, default=3,
                        help="taggers trained apart, averaged when reading (default 3)")
    args = parser.parse_args()
    if args.show:
        rng = np.random.default_rng(1)
        for _ in range(args.show):
            print(_text(character_text(rng))[0], " | ", _text(background_text(rng))[0])
        return 0
    core = ROOT / "addon" / "core"
    if args.only in (None, "characters"):
        build("characters", character_text, CHARACTER_FIELDS,
              args.out / "character.npz" if args.out else
              core / "character" / "text_tagger_ko.npz", args.texts, args.similarity,
              args.members)
    if args.only in (None, "backgrounds"):
        build("backgrounds", background_text, BACKGROUND_FIELDS,
              args.out / "background.npz" if args.out else
              core / "background" / "text_tagger_ko.npz", args.texts,
              args.similarity, args.members)
    return 0


if __name__ == "__main__":
    sys.exit(main())
