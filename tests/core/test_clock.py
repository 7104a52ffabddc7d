"""Clock times read by rule from free text."""

import pytest
from metastudio.core.background.describe import resolve
from metastudio.core.background.spec import BackgroundSpec
from metastudio.core.text.clock import clock_times


@pytest.mark.parametrize(("text", "hour"), [
    ("at 3 a.m.", 3.0), ("at 2 pm", 14.0), ("around four o'clock", 16.0),
    ("at 15:30", 15.5), ("at half past nine in the evening", 21.5), ("at 9am", 9.0),
    ("at 12 pm", 12.0), ("at 12 am", 0.0), ("around ten a.m.", 10.0), ("at 06:30", 6.5),
    ("at eleven at night", 23.0), ("at quarter to eight in the morning", 7.75),
])
def test_clock_times(text, hour):
    assert [c.hour for c in clock_times(text)] == [hour]


def test_numbers_that_are_not_times():
    assert clock_times("four trees and 2 peaks, 3 lakes") == []
    assert clock_times("at 25:00 or 13 pm") == []


@pytest.mark.parametrize(("text", "expected"), [
    ("skyscrapers at 3 a.m.", "night"), ("a beach at 7 pm", "sunset"),
    ("a meadow at 10am", "morning"), ("dunes at 12:15", "noon"),
    ("a forest at 5:45 in the morning", "dawn"), ("a lake at 4 o'clock", "afternoon"),
])
def test_a_clock_time_sets_the_time_of_day(text, expected):
    resolved = resolve(BackgroundSpec(description=text))
    assert resolved.values["time_of_day"] == expected
    assert f'"{clock_times(text)[0].words}"' in resolved.sources["time_of_day"]
