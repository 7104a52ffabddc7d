"""Limbs turned to the picture (core.tracking.picture): the picture's direction wins, the
limb keeps its length, the hand rides on the forearm, unseen limbs are left alone."""

import numpy as np
from metastudio.core.tracking.picture import guided_frame

from .conftest import whole_body_pose

SIZE = (640, 480)
PER_METRE = 200.0  # pixels


def drawn(body: np.ndarray) -> np.ndarray:
    """The body as a far camera pictures it: x, y in 0-1 of the frame."""
    return np.column_stack([(body[:, 0] * PER_METRE + 320) / 640,
                            (body[:, 1] * PER_METRE + 240) / 480, body[:, 2]])


def turned(vector: np.ndarray, degrees: float) -> np.ndarray:
    """`vector` turned about the camera's axis (z)."""
    a = np.radians(degrees)
    return np.array([vector[0] * np.cos(a) - vector[1] * np.sin(a),
                     vector[0] * np.sin(a) + vector[1] * np.cos(a), vector[2]])


def test_a_body_the_picture_agrees_with_is_left_as_it_is():
    body = whole_body_pose()
    out = guided_frame(body, drawn(body), np.ones(33), SIZE)
    assert np.allclose(out, body, atol=1e-9)


def test_the_picture_turns_a_limb_that_keeps_its_length_and_carries_the_hand():
    truth = whole_body_pose()
    body = truth.copy()
    # The metric forearm (right: elbow 14 to wrist 16) is off by 25 degrees across the
    # picture; the hand's points (18, 20, 22) with it.
    elbow = body[14]
    for point in (16, 18, 20, 22):
        body[point] = elbow + turned(truth[point] - elbow, 25)
    seen = np.ones(33)
    out = guided_frame(body, drawn(truth), seen, SIZE)
    fore = out[16] - out[14]
    want = truth[16] - truth[14]
    across = np.degrees(np.arccos(np.dot(fore[:2], want[:2]) /
                                  np.linalg.norm(fore[:2]) / np.linalg.norm(want[:2])))
    assert across < 0.5
    assert np.isclose(np.linalg.norm(fore), np.linalg.norm(body[16] - body[14]))
    # The hand kept its place on the wrist.
    assert np.allclose(out[20] - out[16], body[20] - body[16])
    # Unseen, the same forearm keeps the metric direction (moved along with the arm).
    seen[16] = 0.1
    kept = guided_frame(body, drawn(truth), seen, SIZE)
    assert np.allclose(kept[16] - kept[14], body[16] - body[14])


def test_depth_leans_a_quarter_on_how_short_the_limb_looks():
    body = whole_body_pose()
    picture = drawn(body)
    flat = body.copy()
    # The metric right shin lies in the picture's plane while the picture shows it
    # shortened: it is turned out of the plane by a quarter of what the shortening says
    # (its sign from the metric depth: none here, so away from the camera).
    flat[28] = flat[26] + np.array([0.0, 0.42, 0.0])
    picture[28, :2] = picture[26, :2] + np.array([0.0, 0.42 * np.cos(np.radians(60))
                                                  * PER_METRE / 480])
    out = guided_frame(flat, picture, np.ones(33), SIZE)
    shin = out[28] - out[26]
    angle = np.degrees(np.arcsin(abs(shin[2]) / np.linalg.norm(shin)))
    assert 12 < angle < 18  # a quarter of 60 degrees
