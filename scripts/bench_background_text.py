"""How well a background description is understood: per-field accuracy of the
sentence-embedding model and of the keyword fallback, side by side.

    .venv/bin/python scripts/bench_background_text.py [--wrong]

Each description paraphrases its time of day, land, weather and water without the word of
the expected option (checked below); water "none" means no water is spoken of.
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


def leaked() -> list[str]:
    """Descriptions that contain the word of an option they expect."""
    bad = []
    for text, *expected in CASES:
        for name, value in zip(FIELDS, expected, strict=True):
            if value != "none" and value in text.lower():
                bad.append(f"{name}={value}: {text}")
    return bad


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--wrong", action="store_true", help="list the misreadings")
    args = parser.parse_args()
    bad = leaked()
    if bad:
        print("descriptions that name their answer:\n" + "\n".join(bad), file=sys.stderr)
        return 1
    print(f"{len(CASES)} descriptions")
    for label, use_model in (("model", True), ("keywords", False)):
        right = dict.fromkeys(FIELDS, 0)
        wrong = []
        started = time.perf_counter()
        for text, *expected in CASES:
            values = resolve(BackgroundSpec(description=text), use_model=use_model).values
            for name, value in zip(FIELDS, expected, strict=True):
                if values[name] == value:
                    right[name] += 1
                else:
                    wrong.append(f"  {name}: {values[name]} (expected {value}): {text}")
        seconds = (time.perf_counter() - started) / len(CASES)
        print(f"{label:9s} " + ", ".join(f"{n} {right[n] / len(CASES):.1%}" for n in FIELDS)
              + f"; {seconds * 1000:.1f} ms a description")
        if args.wrong:
            print("\n".join(wrong))
    return 0


if __name__ == "__main__":
    sys.exit(main())
