import pytest
from metastudio.core.errors import JobSpecError
from metastudio.core.frames import format_frames, parse_frames


def test_ranges_singles_and_steps():
    assert parse_frames("1-5") == [1, 2, 3, 4, 5]
    assert parse_frames("7") == [7]
    assert parse_frames("1-3, 10, 20-21") == [1, 2, 3, 10, 20, 21]
    assert parse_frames("1-10", step=3) == [1, 4, 7, 10]
    assert parse_frames("-2-1") == [-2, -1, 0, 1]
    assert parse_frames("3-5,4-6") == [3, 4, 5, 6]


@pytest.mark.parametrize("text,needle", [
    ("", "empty"), ("   ", "empty"), ("10-1", "reversed"), ("a-b", "cannot read"),
    ("1-", "cannot read"),
])
def test_bad_ranges_name_the_problem(text, needle):
    with pytest.raises(JobSpecError) as err:
        parse_frames(text)
    assert needle in str(err.value)
    assert str(err.value).startswith("frames:")


def test_bad_step():
    with pytest.raises(JobSpecError, match="step"):
        parse_frames("1-4", step=0)


def test_format_round_trip():
    frames = [1, 2, 3, 7, 9, 10]
    assert format_frames(frames) == "1-3,7,9-10"
    assert parse_frames(format_frames(frames)) == frames
