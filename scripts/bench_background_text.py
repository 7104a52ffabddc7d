"""How well a background description is understood: per-field accuracy of the
sentence-embedding model and of the keyword fallback, side by side.

    .venv/bin/python scripts/bench_background_text.py [--wrong]
    .venv/bin/python scripts/bench_background_text.py --held-out-2   # once, at the end

The second held-out set (scripts/text_held_out_2.py, written on 2026-12-07) is printed
only when asked, and only its totals.

Each description paraphrases its time of day, land, weather and water without the word of
the expected option (checked below); water "none" means no water is spoken of, and a time,
land or weather not spoken of expects the default (afternoon, grassland, clear).
"""

from __future__ import annotations

import argparse
import sys
import time

from metastudio.core.background.describe import resolve
from metastudio.core.background.spec import BackgroundSpec

FIELDS = ("time_of_day", "biome", "weather", "water")
# (description, time of day, biome, weather, water)
CASES = [
    ("the sun just peeking over the hills, pines dripping with "
     "mist, a still tarn below",
     "dawn", "forest", "fog", "lake"),
    ("sand as far as the eye can see under a blazing sun directly "
     "overhead",
     "noon", "desert", "clear", "none"),
    ("first light over jagged alpine peaks, not a wisp in the sky",
     "dawn", "mountains", "clear", "none"),
    ("a starry sky above towering skyscrapers, streets wet from a "
     "downpour",
     "night", "city", "rain", "none"),
    ("waves crashing against the cliffs as thunder rolls in, the "
     "sun sinking below the horizon",
     "sunset", "coast", "storm", "sea"),
    ("reeds and black mud in a swamp, a grey lid of cloud, a "
     "sluggish creek winding through, a couple of hours after "
     "breakfast",
     "morning", "wetland", "overcast", "river"),
    ("lava glowing in the darkness, ash drifting down, the moon "
     "hidden",
     "night", "volcanic", "overcast", "none"),
    ("a deep red-rock gorge at midday, a creek at the bottom, blue"
     " sky",
     "noon", "canyon", "clear", "river"),
    ("endless frozen white plains under a blizzard, breakfast time",
     "morning", "snowfield", "snow", "none"),
    ("rolling green pastures with sheep, puffy white clouds "
     "drifting, a pond, teatime",
     "afternoon", "grassland", "cloudy", "lake"),
    ("a dense woodland drenched by steady drizzle around four "
     "o'clock",
     "afternoon", "forest", "rain", "none"),
    ("the blue hour over a sandy shoreline, gentle surf, calm air",
     "dusk", "coast", "clear", "sea"),
    ("golden evening light on rocky summits, scattered clouds "
     "catching fire",
     "sunset", "mountains", "cloudy", "none"),
    ("a busy downtown at lunchtime under a leaden sky", "noon", "city", "overcast", "none"),
    ("dunes rippling to the horizon, a dust tempest howling with "
     "lightning, evening twilight",
     "dusk", "desert", "storm", "none"),
    ("a marsh at daybreak, thick haze hanging over the reeds", "dawn", "wetland", "fog", "none"),
    ("a smoking crater and black basalt fields under a cloudless "
     "sky with the sun straight overhead",
     "noon", "volcanic", "clear", "none"),
    ("a glacier glittering under the moon and stars", "night", "snowfield", "clear", "none"),
    ("ravine walls glowing orange as the sun goes down, a few "
     "clouds",
     "sunset", "canyon", "cloudy", "none"),
    ("open prairie under thunder and lightning, early evening "
     "after the sun has set",
     "dusk", "grassland", "storm", "none"),
    ("tall trees along a babbling brook on a fresh sunny day just "
     "after breakfast",
     "morning", "forest", "clear", "river"),
    ("a beach with turquoise ocean water under a hazy midday sun", "noon", "coast", "fog", "sea"),
    ("a small alpine pool of still water beneath high summits, "
     "flurries drifting down under the stars",
     "night", "mountains", "snow", "lake"),
    ("neon signs reflecting in puddles as it pours, in the small "
     "hours long after dark",
     "night", "city", "rain", "none"),
    ("a bog under heavy grey skies around four o'clock, a slow "
     "stream",
     "afternoon", "wetland", "overcast", "river"),
    ("fresh lava fields steaming in the drizzle, sunrise", "dawn", "volcanic", "rain", "none"),
    ("arctic tundra, flat and white, the sun low and orange as it "
     "sets",
     "sunset", "snowfield", "clear", "none"),
    ("a gorge with steep cliffs and a rushing stream, the mist "
     "lifting at first light",
     "dawn", "canyon", "fog", "river"),
    ("meadows of wildflowers under a bright blue sky at midday",
     "noon", "grassland", "clear", "none"),
    ("pine woods with a quiet pond, nightfall, a few clouds", "dusk", "forest", "cloudy", "lake"),
    ("the shore at first light with a heavy grey ceiling of cloud "
     "and breakers rolling in",
     "dawn", "coast", "overcast", "sea"),
    ("craggy peaks in a howling gale with lightning around three "
     "o'clock",
     "afternoon", "mountains", "storm", "none"),
    ("a downtown grid of office towers in thick smog and haze, the"
     " commute to work as the day begins",
     "morning", "city", "fog", "none"),
    ("dry cracked earth and dunes, not a drop of water, around "
     "four o'clock, scattered clouds",
     "afternoon", "desert", "cloudy", "none"),
    ("a swamp full of cypress knees under a pouring sky long after"
     " dark",
     "night", "wetland", "rain", "none"),
    ("ash clouds and a glowing crater at twilight after sundown",
     "dusk", "volcanic", "overcast", "none"),
    ("a frozen plain in a whiteout of falling flakes, midday", "noon", "snowfield", "snow", "none"),
    ("a mesa and red cliffs under stars, perfectly calm air", "night", "canyon", "clear", "none"),
    ("a field of tall grass by a wide flowing waterway, sunrise, "
     "soft haze",
     "dawn", "grassland", "fog", "river"),
    ("woodland in a blizzard around four o'clock", "afternoon", "forest", "snow", "none"),
    ("cliffs above the breakers at the golden hour of evening, "
     "gulls, drizzle coming in",
     "sunset", "coast", "rain", "sea"),
    ("mountain slopes above a reservoir on a calm cloudless day "
     "just after breakfast",
     "morning", "mountains", "clear", "lake"),
    ("rooftops of a metropolis during thunder and lightning in the"
     " evening after the light has gone",
     "dusk", "city", "storm", "none"),
    ("the sahara long after dark under the milky way", "night", "desert", "clear", "none"),
    ("reeds, mud and a pond soon after breakfast with puffy clouds",
     "morning", "wetland", "cloudy", "lake"),
    ("a volcano erupting amid thunder and lightning at midday",
     "noon", "volcanic", "storm", "none"),
    ("a white frozen expanse at first light, a thick haze over the"
     " ice",
     "dawn", "snowfield", "fog", "none"),
    ("a deep ravine in a downpour around three o'clock, a torrent "
     "at the bottom",
     "afternoon", "canyon", "rain", "river"),
    ("green rolling hills of pasture as the sun goes down under a "
     "grey blanket of cloud",
     "sunset", "grassland", "overcast", "none"),
    ("a spruce woodland on a hazy day soon after breakfast beside "
     "a wide flowing waterway",
     "morning", "forest", "fog", "river"),
    ("a sandy beach at midday, a few fluffy clouds, turquoise "
     "waves",
     "noon", "coast", "cloudy", "sea"),
    ("high rocky summits long after dark with flurries swirling",
     "night", "mountains", "snow", "none"),
    ("street lamps coming on at twilight, rooftops of tall "
     "buildings, a calm cloudless sky",
     "dusk", "city", "clear", "none"),
    ("dunes under a heavy grey sky at sunrise", "dawn", "desert", "overcast", "none"),
    ("a marshy bog as the last light fades after sundown, "
     "lightning flashing",
     "dusk", "wetland", "storm", "none"),
    ("black basalt plains and a smoking cone in the haze soon "
     "after breakfast",
     "morning", "volcanic", "fog", "none"),
    ("a frozen plain with a partly clouded sky around three "
     "o'clock",
     "afternoon", "snowfield", "cloudy", "none"),
    ("a gorge at golden hour as the sun goes down, steady showers",
     "sunset", "canyon", "rain", "none"),
    ("a meadow in the small hours under a full moon beside a mill "
     "pond",
     "night", "grassland", "clear", "lake"),
    ("an ocean shoreline at twilight in a howling gale", "dusk", "coast", "storm", "sea"),
]


# Written later than CASES and held out from the first (phrase) reading; the token tagger
# that replaced it was chosen with these in view, so they are development now too.
LATER = [
    ("birch trees under a pink sky as the day begins, dew on everything, a little pond",
     "dawn", "forest", "clear", "lake"),
    ("a cactus-dotted wasteland baking in the heat of the day", "noon", "desert", "clear",
     "none"),
    ("the harbour front of a big metropolis under heavy grey skies, tugboats on the water",
     "afternoon", "city", "overcast", "sea"),
    ("a cold white plain where a blizzard is raging after dark", "night", "snowfield",
     "snow", "none"),
    ("bubbling mud pools and reeds as the sun sinks, a soft haze", "sunset", "wetland",
     "fog", "none"),
    ("an erupting cone spewing molten rock into a sky full of lightning, hours after dark",
     "night", "volcanic", "storm", "none"),
    ("a slot gorge of striped sandstone at lunchtime, sky without a cloud", "noon",
     "canyon", "clear", "none"),
    ("windswept grassy hills with a brook, clouds scudding by, around ten a.m.",
     "morning", "grassland", "cloudy", "river"),
    ("snow-capped summits reflected in a glassy alpine pool at sunrise", "dawn",
     "mountains", "clear", "lake"),
    ("a tropical strand with palm trees and gentle surf in a warm tropical shower",
     "afternoon", "coast", "rain", "sea"),
    ("oak woods in the gloaming, a creek murmuring, mist between the trunks", "dusk",
     "forest", "fog", "river"),
    ("the concrete canyons of downtown at rush hour before work, sun bright and sky blue",
     "morning", "city", "clear", "none"),
    ("wind-carved dunes under a sky of scattered clouds just after lunch", "afternoon",
     "desert", "cloudy", "none"),
    ("tundra under the aurora and a sky full of stars", "night", "snowfield", "clear",
     "none"),
    ("mangroves and brackish channels in a heavy tropical downpour", "afternoon",
     "wetland", "rain", "river"),
    ("a steaming caldera pool in grey early light after breakfast, clouds low and heavy",
     "morning", "volcanic", "overcast", "lake"),
    ("the grand gorge glowing red in the last rays of the evening sun", "sunset", "canyon",
     "clear", "none"),
    ("a hay meadow at first light wrapped in thick mist", "dawn", "grassland", "fog",
     "none"),
    ("a mountain pass buried in a whiteout of flakes at midday", "noon", "mountains",
     "snow", "none"),
    ("surf pounding a rocky headland under black clouds and flashes of lightning",
     "afternoon", "coast", "storm", "sea"),
]


# Written on 2026-11-25 after the first tagger's design was fixed and measured once
# (75/92.5/87.5/87.5%, BENCHMARKS.md); its errors were then looked at, so it is development
# now too.
SECOND = [
    ("a hillside of ferns and old beeches, the first rays of sun breaking through, a pool below",
     "dawn", "forest", "clear", "lake"),
    ("endless sandy waste, shimmering heat, the sun right above us",
     "noon", "desert", "clear", "none"),
    ("the peaks of a great range lit pink as the day starts",
     "dawn", "mountains", "clear", "none"),
    ("office blocks and traffic lights, a deluge hammering down at two a.m.",
     "night", "city", "rain", "none"),
    ("breakers smashing on a pebbly strand while a gale howls",
     "afternoon", "coast", "storm", "sea"),
    ("a reedy swamp under low grey cloud, a sluggish channel of water running through",
     "afternoon", "wetland", "overcast", "river"),
    ("a smouldering cone spilling orange rock down its flanks under the stars",
     "night", "volcanic", "clear", "none"),
    ("a narrow red sandstone chasm with a trickle of a stream, bright sun at its peak",
     "noon", "canyon", "clear", "river"),
    ("an icy expanse with nothing but white in every direction, flakes swirling, around eight a.m.",
     "morning", "snowfield", "snow", "none"),
    ("lush farmland with cows, a duck pond, big puffy clouds, at half three",
     "afternoon", "grassland", "cloudy", "lake"),
    ("dripping jungle canopy in a heavy shower",
     "afternoon", "forest", "rain", "none"),
    ("the shoreline after the sun has set, the sky deep blue, waves lapping",
     "dusk", "coast", "clear", "sea"),
    ("a granite massif glowing orange in the dying evening sun, cotton-wool clouds",
     "sunset", "mountains", "cloudy", "none"),
    ("a crowded shopping street at twelve sharp under a sunless, gloomy sky",
     "noon", "city", "overcast", "none"),
    ("a sea of dunes, a howling dust gale with thunder cracking overhead",
     "afternoon", "desert", "storm", "none"),
    ("a peat bog at sunup wrapped in a milky haze",
     "dawn", "wetland", "fog", "none"),
    ("black lava crust and steaming vents under a spotless blue sky",
     "afternoon", "volcanic", "clear", "none"),
    ("a sheet of polar ice sparkling under the moon",
     "night", "snowfield", "clear", "none"),
    ("the walls of a deep gorge glowing as the sun goes down, scattered clouds above",
     "sunset", "canyon", "cloudy", "none"),
    ("the open plains with thunder and lightning rolling in at twilight",
     "dusk", "grassland", "storm", "none"),
    ("tall pines beside a rushing mountain stream at 9 a.m. on a crisp sunny day",
     "morning", "forest", "clear", "river"),
    ("a palm-fringed beach at midday, a hazy sky, the ocean glittering",
     "noon", "coast", "fog", "sea"),
    ("a tarn below the summits, a blizzard blowing after dark",
     "night", "mountains", "snow", "lake"),
    ("skyscrapers at 3 a.m., wet pavements, a steady downpour",
     "night", "city", "rain", "none"),
    ("a fen under a dreary grey sky at four p.m. with a little brook",
     "afternoon", "wetland", "overcast", "river"),
    ("fresh lava steaming in a light drizzle just as day breaks",
     "dawn", "volcanic", "rain", "none"),
    ("frozen tundra at golden hour, the low sun red on the horizon in the west",
     "sunset", "snowfield", "clear", "none"),
    ("a ravine with a waterfall, mist lifting in the first light",
     "dawn", "canyon", "fog", "river"),
    ("a wildflower field, blue sky, sun at its highest",
     "noon", "grassland", "clear", "none"),
    ("birch woods around a quiet pond as evening fades, a few clouds",
     "dusk", "forest", "cloudy", "lake"),
    ("a harbour town with boats rocking on the swell at daybreak under a heavy blanket of grey",
     "dawn", "coast", "overcast", "sea"),
    ("alpine crags amid thunder and lightning at 2 pm",
     "afternoon", "mountains", "storm", "none"),
    ("the downtown core shrouded in smog as people head to work",
     "morning", "city", "fog", "none"),
    ("a cactus-studded wasteland under a few drifting clouds as the day wears on towards five",
     "afternoon", "desert", "cloudy", "none"),
    ("a cypress swamp at 1 a.m. in a pouring deluge",
     "night", "wetland", "rain", "none"),
    ("an ash-choked crater at nightfall under brooding clouds",
     "dusk", "volcanic", "overcast", "none"),
    ("a white frozen plain at lunchtime in a whiteout",
     "noon", "snowfield", "snow", "none"),
    ("buttes and mesas under the milky way, not a breath of wind",
     "night", "canyon", "clear", "none"),
    ("a meadow by a wide meandering waterway at sunrise with mist on the grass",
     "dawn", "grassland", "fog", "river"),
    ("an oak wood in a blizzard, at about three",
     "afternoon", "forest", "snow", "none"),
]


# Written on 2026-11-25 (third set) after the tagger network, its training texts and its
# threshold were fixed on the 120 above, and measured once: the honest figure.
HELD_OUT = [
    ("a silent spruce wood with the eastern sky just turning gold, a mirror-still pond",
     "dawn", "forest", "clear", "lake"),
    ("shifting sand ridges baking under a white-hot sun straight above",
     "noon", "desert", "clear", "none"),
    ("knife-edge ridges and summits, the sun about to drop behind them, streaks of cloud",
     "sunset", "mountains", "cloudy", "none"),
    ("a neon-lit avenue between tower blocks, drizzle, well after dark",
     "night", "city", "rain", "none"),
    ("a windswept promontory with surf exploding on the rocks below, thunder overhead",
     "afternoon", "coast", "storm", "sea"),
    ("a boggy fen with cattails under a flat grey sky around 10 a.m.",
     "morning", "wetland", "overcast", "none"),
    ("a glowing lava lake inside a smoking cone, stars wheeling above",
     "night", "volcanic", "clear", "none"),
    ("towering slot walls of banded sandstone with a thin creek at the bottom at 1 pm",
     "noon", "canyon", "clear", "river"),
    ("a vast frozen flat, wind whipping flakes sideways, early on a winter's day",
     "morning", "snowfield", "snow", "none"),
    ("sheep grazing on green downs under bright fair-weather cumulus at 3 pm",
     "afternoon", "grassland", "cloudy", "none"),
    ("an overgrown jungle dripping in a tropical downpour",
     "afternoon", "forest", "rain", "none"),
    ("low tide on a wide strand just after the sun has slipped away, the sky violet",
     "dusk", "coast", "clear", "sea"),
    ("granite spires catching the last orange light of the day",
     "sunset", "mountains", "clear", "none"),
    ("a plaza surrounded by office towers at midday, a sullen leaden sky",
     "noon", "city", "overcast", "none"),
    ("dunes under a raging dust-laden gale with lightning on the horizon at 4 pm",
     "afternoon", "desert", "storm", "none"),
    ("a reed marsh at first light smothered in thick white mist",
     "dawn", "wetland", "fog", "none"),
    ("jagged black basalt and steaming fissures beneath a cloudless sky",
     "afternoon", "volcanic", "clear", "none"),
    ("an arctic ice plain glowing under the northern lights",
     "night", "snowfield", "clear", "none"),
    ("a red rock ravine as the sun goes down, a few wispy clouds",
     "sunset", "canyon", "cloudy", "none"),
    ("open pasture as thunderheads roll in, lightning forking down as the light drains away",
     "dusk", "grassland", "storm", "none"),
    ("maple woods by a burbling brook at half past nine on a bright crisp day",
     "morning", "forest", "clear", "river"),
    ("a palm-lined shore at twelve o'clock, a salty haze over everything, gentle waves",
     "noon", "coast", "fog", "sea"),
    ("a glacial tarn under towering peaks while flurries drift down in the dark",
     "night", "mountains", "snow", "lake"),
    ("wet, glistening streets and apartment blocks at 11 pm in a steady downpour",
     "night", "city", "rain", "none"),
    ("a mangrove swamp under an iron-grey sky with a slow channel winding through",
     "afternoon", "wetland", "overcast", "river"),
    ("cooling lava fields in light drizzle as day breaks",
     "dawn", "volcanic", "rain", "none"),
    ("snowbound tundra lit red by the setting sun",
     "sunset", "snowfield", "clear", "none"),
    ("a deep gorge with a waterfall, mist still clinging to the cliffs at 9 a.m.",
     "morning", "canyon", "fog", "river"),
    ("a buttercup meadow beneath a deep blue sky at lunchtime",
     "noon", "grassland", "clear", "none"),
    ("a pine wood around a small tarn as twilight falls, patchy cloud",
     "dusk", "forest", "cloudy", "lake"),
    ("a fishing harbour on the ocean at sunrise under a dull blanket of cloud",
     "dawn", "coast", "overcast", "sea"),
    ("an alpine ridge battered by thunder and lightning at 2 pm",
     "afternoon", "mountains", "storm", "none"),
    ("a smog-choked downtown at 8 a.m. with commuters everywhere",
     "morning", "city", "fog", "none"),
    ("a stony wasteland of cacti with scattered clouds at about 5 p.m.",
     "afternoon", "desert", "cloudy", "none"),
    ("a bayou after dark in a pouring deluge",
     "night", "wetland", "rain", "none"),
    ("an ash plain around a grumbling crater at twilight under a brooding grey lid of cloud",
     "dusk", "volcanic", "overcast", "none"),
    ("a white expanse of ice in a blinding whiteout at midday",
     "noon", "snowfield", "snow", "none"),
    ("mesas silhouetted under a sky full of stars, perfectly still air",
     "night", "canyon", "clear", "none"),
    ("a hay field next to a broad slow-moving waterway at daybreak, low mist",
     "dawn", "grassland", "fog", "river"),
    ("a beech wood in a heavy blizzard at about three",
     "afternoon", "forest", "snow", "none"),
]


def leaked(extra=()) -> list[str]:
    """Descriptions that contain the word of an option they expect."""
    bad = []
    for text, *expected in CASES + LATER + SECOND + HELD_OUT + list(extra):
        for name, value in zip(FIELDS, expected, strict=True):
            if value != "none" and value in text.lower():
                bad.append(f"{name}={value}: {text}")
    return bad


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--wrong", action="store_true", help="list the misreadings")
    parser.add_argument("--held-out-2", action="store_true",
                        help="measure the second held-out set instead (once: totals only)")
    args = parser.parse_args()
    import text_held_out_2 as second

    bad = leaked(second.EN_BACKGROUNDS)
    if bad:
        print("descriptions that name their answer:\n" + "\n".join(bad), file=sys.stderr)
        return 1
    if args.held_out_2:
        print(f"== second held-out set: {len(second.EN_BACKGROUNDS)} descriptions")
        score(second.EN_BACKGROUNDS, False)
        return 0
    for title, cases in (("development set", CASES + LATER + SECOND), ("held-out set", HELD_OUT)):
        print(f"== {title}: {len(cases)} descriptions")
        score(cases, args.wrong)
    return 0


def score(cases, show_wrong: bool) -> None:
    for label, use_model in (("model", True), ("keywords", False)):
        right = dict.fromkeys(FIELDS, 0)
        wrong = []
        started = time.perf_counter()
        for text, *expected in cases:
            values = resolve(BackgroundSpec(description=text), use_model=use_model).values
            for name, value in zip(FIELDS, expected, strict=True):
                if values[name] == value:
                    right[name] += 1
                else:
                    wrong.append(f"  {name}: {values[name]} (expected {value}): {text}")
        seconds = (time.perf_counter() - started) / len(cases)
        print(f"{label:9s} " + ", ".join(f"{n} {right[n] / len(cases):.1%}" for n in FIELDS)
              + f"; {seconds * 1000:.1f} ms a description")
        if show_wrong:
            print("\n".join(wrong))


if __name__ == "__main__":
    sys.exit(main())
