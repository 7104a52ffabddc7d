"""The fifth held-out sets of the description benchmarks (issue 21).

Written on 2026-12-07 (sixth session) right after the fourth held-out sets were measured
once (scripts/text_held_out_4.py: Korean place biome 75%; colours with modifiers 93% and
90%), before any change made for what they showed and without running any reader on
these: Korean places said in everyday words, and colours with modifiers in both
languages (Korean ones also as prefixes: 진분홍, 연노랑). Measured once, by

    .venv/bin/python scripts/bench_character_text.py --held-out-5

which prints only their totals. Terms as in text_held_out_2.py.
"""

EN_CHARACTERS = [
    ("a woman in a light green blouse",
     {"gender": "female", "top": "long_sleeves", "top_color": "green"}),
    ("a man in a pale grey sweater",
     {"gender": "male", "top": "long_sleeves", "top_color": ("grey", "white")}),
    ("a boy in a dark orange hoodie",
     {"gender": "male", "top": "hoodie", "top_color": ("orange", "brown", "red")}),
    ("a girl in a light yellow dress",
     {"gender": "female", "top": "dress", "top_color": "yellow"}),
    ("a man in a dark purple shirt",
     {"gender": "male", "top": "long_sleeves", "top_color": "purple"}),
    ("a woman in a pale blue coat", {"gender": "female", "top": "coat", "top_color": "blue"}),
    ("a man in a light tan jacket",
     {"gender": "male", "top": "jacket", "top_color": ("beige", "brown")}),
    ("a girl in a deep red coat", {"gender": "female", "top": "coat", "top_color": "red"}),
    ("a boy in a pale green t-shirt",
     {"gender": "male", "top": "short_sleeves", "top_color": "green"}),
    ("a woman in a dark teal dress",
     {"gender": "female", "top": "dress", "top_color": ("teal", "green", "blue")}),
    ("a man in a light navy blazer",
     {"gender": "male", "top": "jacket", "top_color": ("navy", "blue")}),
    ("an old woman in a pale lilac cardigan",
     {"gender": "female", "age": 72, "top": "long_sleeves", "top_color": "purple"}),
    ("a teenager in a bright purple hoodie",
     {"age": 16, "top": "hoodie", "top_color": "purple"}),
    ("a man in a faded blue t-shirt",
     {"gender": "male", "top": "short_sleeves", "top_color": ("blue", "grey")}),
    ("a woman in a soft pink jumper",
     {"gender": "female", "top": "long_sleeves", "top_color": "pink"}),
]

KO_CHARACTERS = [
    ("진분홍 원피스를 입은 여자아이",
     {"gender": "female", "age": 8, "top": "dress", "top_color": "pink"}),
    ("연노랑 블라우스를 입은 여성",
     {"gender": "female", "top": "long_sleeves", "top_color": "yellow"}),
    ("짙은 회색 코트를 입은 남자",
     {"gender": "male", "top": "coat", "top_color": ("grey", "black")}),
    ("밝은 초록색 후드티를 입은 소년",
     {"gender": "male", "age": 12, "top": "hoodie", "top_color": "green"}),
    ("연한 갈색 스웨터를 입은 할아버지",
     {"gender": "male", "age": 72, "top": "long_sleeves", "top_color": ("brown", "beige")}),
    ("진한 파란색 청바지와 흰 셔츠를 입은 청년",
     {"gender": "male", "age": 24, "top": "long_sleeves", "top_color": "white",
      "bottom": "trousers"}),
    ("연회색 정장을 입은 여성",
     {"gender": "female", "top": "jacket", "top_color": ("grey", "white")}),
    ("어두운 빨간색 코트를 입은 할머니",
     {"gender": "female", "age": 72, "top": "coat", "top_color": ("red", "brown")}),
    ("연하늘색 티셔츠를 입은 남자아이",
     {"gender": "male", "age": 8, "top": "short_sleeves", "top_color": "blue"}),
    ("진녹색 재킷을 입은 아저씨",
     {"gender": "male", "age": 45, "top": "jacket", "top_color": "green"}),
]

KO_BACKGROUNDS = [
    ("햇살이 눈부신 오후의 해변 산책로", "afternoon", "coast", "clear", "sea"),
    ("짙은 안개에 싸인 새벽 호수와 버드나무", "dawn", "grassland", "fog", "lake"),
    ("폭풍이 몰려오는 황량한 들판", "afternoon", "grassland", "storm", "none"),
    ("맑은 밤하늘 아래 캠핑장과 호수", "night", "grassland", "clear", "lake"),
    ("구름 한 점 없는 한낮의 모래사막", "noon", "desert", "clear", "none"),
    ("일출 무렵 산봉우리에 걸린 구름", "dawn", "mountains", "cloudy", "none"),
    ("흐린 날의 갈대 늪", "afternoon", "wetland", "overcast", "none"),
    ("저녁 무렵 바닷가 절벽 위 등대", "dusk", "coast", "clear", "sea"),
    ("이슬비 내리는 아침 숲길", "morning", "forest", "rain", "none"),
    ("뜨거운 용암이 흘러내리는 화산 분화구, 밤", "night", "volcanic", "clear", "none"),
    ("붉은 바위 협곡 사이로 흐르는 강", "afternoon", "canyon", "clear", "river"),
    ("고층 빌딩이 늘어선 도시의 새벽", "dawn", "city", "clear", "none"),
    ("눈이 펑펑 내리는 설원", "afternoon", "snowfield", "snow", "none"),
    ("잔잔한 바다와 모래 해변, 노을", "sunset", "coast", "clear", "sea"),
    ("푸른 초원 위를 흐르는 작은 개울, 정오", "noon", "grassland", "clear", "river"),
    ("안개 낀 아침 산골 마을", "morning", "mountains", "fog", "none"),
    ("번개가 치는 밤의 바다", "night", "coast", "storm", "sea"),
    ("한적한 시골 들판의 오후", "afternoon", "grassland", "clear", "none"),
    ("열대 섬의 해변, 오전", "morning", "coast", "clear", "sea"),
    ("울창한 정글 속 폭포와 강", "afternoon", "forest", "clear", "river"),
    ("비 내리는 습지와 연못", "afternoon", "wetland", "rain", "lake"),
    ("해질녘 사막의 모래 언덕", "sunset", "desert", "clear", "none"),
    ("흐린 오후 바위산 정상", "afternoon", "mountains", "overcast", "none"),
    ("밤하늘의 별과 얼어붙은 호수가 있는 설원", "night", "snowfield", "clear", "lake"),
    ("아침 안개가 피어오르는 강가", "morning", "grassland", "fog", "river"),
]
