"""Clock times in free text ("at 3 a.m.", "15:30", "half past nine in the evening",
"around four o'clock"): the hour of the day they name (0-24), and the words that said it.

Sentence models read "2 a.m." and "2 p.m." as nearly the same text: numbers are not what
they are good at, so times are read by rule. A time with no a.m./p.m. and no part of the
day ("at four o'clock") is taken as daytime, 7:00 to 18:59, as people mean it when they
describe a scene.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

NUMBERS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
           "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12}
_HOUR = r"(?P<hour>\d{1,2}|" + "|".join(NUMBERS) + r")"
_MINUTES = r"(?:[:.h](?P<minutes>\d{2}))?"
_PAST = r"(?:(?P<fraction>half|quarter)\s+(?P<relation>past|to)\s+)?"
_MERIDIEM = (r"(?:\s*(?P<meridiem>a\.?\s?m\.?|p\.?\s?m\.?)(?![a-z])"
             r"|\s+o'?\s?clock|\s+in\s+the\s+(?P<part>morning|afternoon|evening|night))?")
_TIME = re.compile(r"(?<![\w:])" + _PAST + _HOUR + _MINUTES + _MERIDIEM +
                   r"(?:\s+(?:in\s+the\s+|at\s+)(?P<part2>morning|afternoon|evening|night))?",
                   re.IGNORECASE)
# Words that make a bare number a time ("at 4", "around 9"), not a count ("4 trees").
_CUE = re.compile(r"\b(?:at|around|about|by|after|before|past|until|till|towards?|near)"
                  r"\s*$", re.IGNORECASE)


@dataclass
class ClockTime:
    """The hour of the day (0-24, fractions for minutes) and the words that said it."""

    hour: float
    words: str


def clock_times(text: str) -> list[ClockTime]:
    """Every clock time in the text, in order."""
    found = []
    for match in _TIME.finditer(text):
        raw = match.group("hour").lower()
        hour = NUMBERS.get(raw) or int(raw)
        minutes = int(match.group("minutes") or 0)
        meridiem = (match.group("meridiem") or "").lower().replace(".", "").replace(" ", "")
        part = (match.group("part") or match.group("part2") or "").lower()
        said_as_time = bool(meridiem or part or match.group("minutes") or
                            "clock" in match.group(0).lower() or match.group("fraction"))
        if not said_as_time and not _CUE.search(text[:match.start()]):
            continue  # "four trees", "2 peaks"
        if hour > 24 or minutes >= 60 or (meridiem and not 1 <= hour <= 12):
            continue
        if match.group("fraction"):
            shift = 0.5 if match.group("fraction").lower() == "half" else 0.25
            value = hour + (shift if match.group("relation").lower() == "past" else -shift)
        else:
            value = hour + minutes / 60
        if meridiem == "pm" or part in ("afternoon", "evening") or (
                part == "night" and hour >= 6):
            value += 12 if hour < 12 else 0
        elif meridiem == "am" or part == "morning" or part == "night":
            value -= 12 if hour == 12 else 0
        elif not raw.startswith("0") and value < 7:
            # No part of the day said, and not a 24-hour "06:30": daytime, 7:00 to 18:59
            # ("at four" is 16:00).
            value += 12
        found.append(ClockTime(value % 24, match.group(0).strip()))
    return found
