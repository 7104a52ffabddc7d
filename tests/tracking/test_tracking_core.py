"""Tracking with the real MediaPipe models on real footage of a person: landmarks where
the person is, following the camera's pan, cached, filtered; bad input named."""

import numpy as np
import pytest
from metastudio.core.tracking.filter import fill_gaps, one_euro, steady
from metastudio.core.tracking.landmarks import Track, TrackingError, track
from metastudio.core.tracking.media import MediaError, open_clip
from metastudio.core.tracking.people import Person, Window, find_people

from .conftest import PAN

NOSE, LEFT_SHOULDER, RIGHT_SHOULDER = 0, 11, 12


def test_a_person_is_tracked_body_and_face_and_follows_the_pan(sequence, video):
    for source, fps in ((sequence, 24.0), (video, 25.0)):
        result, cached = track(source)
        assert not cached and result.frames == 12 and result.fps == fps
        assert result.found().all()
        image = result.body_image
        # The nose is above the shoulders (image y runs down), between them across.
        assert (image[:, NOSE, 1] < image[:, LEFT_SHOULDER, 1]).all()
        assert (np.minimum(image[:, 11, 0], image[:, 12, 0]) < image[:, NOSE, 0]).all()
        assert (image[:, NOSE, 0] < np.maximum(image[:, 11, 0], image[:, 12, 0])).all()
        # The camera pans right PAN pixels a frame: the person moves left as much.
        drift = np.diff(image[:, NOSE, 0] * 400).mean()
        assert abs(drift + PAN) < 1.5
        # The face mesh: 478 points, its nose tip (1) near the body's nose.
        assert result.face.shape == (12, 478, 3) and not np.isnan(result.face).any()
        assert np.abs(result.face[:, 1, :2] - image[:, NOSE, :2]).max() < 0.05
        # Shoulders in metres: a person's width apart.
        width = np.linalg.norm(result.body[:, 11] - result.body[:, 12], axis=1)
        assert (0.25 < width).all() and (width < 0.5).all()


def test_a_single_picture_is_a_clip_of_one_frame(sequence):
    picture = sorted(sequence.iterdir())[0]
    clip = open_clip(picture)
    assert clip.frame_count == 1 and clip.images == [picture] and clip.size == (400, 480)
    result, _ = track(picture)
    assert result.frames == 1 and result.found().all()


def test_a_track_is_cached_and_only_tracked_once(sequence, tmp_path):
    first, cached = track(sequence, tmp_path)
    assert not cached and len(list(tmp_path.glob("*.npz"))) == 1
    again, cached = track(sequence, tmp_path)
    assert cached and np.array_equal(again.body, first.body, equal_nan=True)
    assert np.array_equal(again.face, first.face, equal_nan=True)


def test_nobody_and_unreadable_input_are_named(tmp_path):
    import cv2

    empty = tmp_path / "empty"
    empty.mkdir()
    for i in range(3):  # a grey wall: real frames, nobody in them
        cv2.imwrite(str(empty / f"wall_{i}.png"), np.full((240, 320, 3), 128, np.uint8))
    with pytest.raises(TrackingError, match="no person was found in any of its 3 frames"):
        track(empty)
    with pytest.raises(MediaError, match="missing.mp4: no such file"):
        open_clip(tmp_path / "missing.mp4")
    (tmp_path / "notes.mp4").write_text("not a video")
    with pytest.raises(MediaError, match="notes.mp4: cannot be read as a video"):
        open_clip(tmp_path / "notes.mp4")
    with pytest.raises(MediaError, match="a folder with no images"):
        open_clip(tmp_path / "empty" / "..")


def test_gaps_are_filled_or_held_never_zero():
    values = np.array([np.nan, 1.0, np.nan, np.nan, 4.0, np.nan])
    assert fill_gaps(values).tolist() == [1.0, 1.0, 2.0, 3.0, 4.0, 4.0]
    filtered = one_euro(values, 25.0)
    assert not np.isnan(filtered).any() and filtered.min() >= 1.0


def test_the_filter_steadies_a_still_pose_and_follows_a_move():
    rng = np.random.default_rng(0)
    still = 0.5 + rng.normal(0, 0.01, 200)
    for strength, most in ((0.5, 0.5), (1.0, 0.1)):
        assert np.std(np.diff(steady(still, 30.0, strength))) < most * np.std(np.diff(still))
    assert np.array_equal(steady(still, 30.0, 0.0), still)
    # A step: the filtered value gets there within half a second.
    step = np.r_[np.zeros(30), np.ones(60)]
    out = steady(step, 30.0, 0.5)
    assert out[30 + 15] > 0.9 and out[-1] > 0.999


def test_a_track_saved_by_another_tracker_version_is_not_used(tmp_path):
    track_ = Track(25.0, (4, 4), np.zeros((1, 33, 3)), np.zeros((1, 33, 3)),
                   np.ones((1, 33)), np.zeros((1, 478, 3)))
    path = tmp_path / "t.npz"
    track_.save(path)
    assert Track.load(path) is not None
    data = dict(np.load(path))
    data["version"] = "old"
    np.savez(path, **data)
    assert Track.load(path) is None


def test_of_several_people_the_largest_is_followed_and_named(two_people):
    result, _ = track(two_people)
    assert result.found().all()
    assert len(result.notes) == 1 and result.notes[0].startswith(
        "2 people in view: following the largest, on the right")
    nose_x = result.body_image[:, NOSE, 0] * 800
    # The larger one's nose starts near x = 590 and walks left 4 pixels a frame.
    assert (nose_x > 450).all(), nose_x
    assert abs(np.diff(nose_x).mean() + 4) < 1.5
    # The face mesh is the same person's face, in the whole frame's coordinates.
    assert np.abs(result.face[:, 1, :2] - result.body_image[:, NOSE, :2]).max() < 0.05
    # Widths in metres are unchanged by seeing the person through a window.
    width = np.linalg.norm(result.body[:, 11] - result.body[:, 12], axis=1)
    assert (0.25 < width).all() and (width < 0.5).all()


def test_one_person_in_view_gives_no_note(sequence):
    result, _ = track(sequence)
    assert result.notes == ()


def test_people_are_found_largest_first_and_duplicates_stop_the_search():
    frame = np.zeros((100, 200, 3), np.uint8)
    bodies = []

    def body(x, y, scale):
        points = np.zeros((33, 3))
        points[:, 0], points[:, 1] = x, y
        points[[11, 23], 0] += 0.05 * scale  # the person's left, the image's right
        points[[12, 24], 0] -= 0.05 * scale
        points[[23, 24], 1] += 0.2 * scale
        return points

    bodies = [body(0.2, 0.3, 1.0), body(0.7, 0.3, 2.0), body(0.21, 0.31, 1.0)]
    calls = []

    def find_one(image):
        calls.append(image.copy())
        return bodies[len(calls) - 1] if len(calls) <= len(bodies) else None

    people = find_people(frame, find_one)
    assert len(people) == 2 and people[0].torso > people[1].torso
    assert people[0].where(200) == "on the right" and people[1].where(200) == "on the left"
    assert len(calls) == 3  # the third was inside the first one's box: the search ends
    assert isinstance(people[0], Person)


def test_a_window_cuts_past_the_edges_and_maps_back():
    frame = np.arange(40 * 60 * 3, dtype=np.uint32).reshape(40, 60, 3)
    window = Window(-10, 5, 30)
    cut = window.cut(frame)
    assert cut.shape == (30, 30, 3)
    assert (cut[:, :10] == 0).all() and np.array_equal(cut[0, 10], frame[5, 0])
    # A point at the window's (0.5, 0.5) is the frame's pixel (5, 20).
    point = window.to_frame(np.array([[0.5, 0.5, 0.1]]), (60, 40))[0]
    assert np.allclose(point, [5 / 60, 20 / 40, 0.1 * 30 / 60])
    follow = window.follow((20, 10, 30, 30))
    assert np.isclose(follow.left + follow.side / 2, 25)
    assert np.isclose(follow.top + follow.side / 2, 20)
