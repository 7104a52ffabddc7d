"""Planted feet (no bpy): found from the performer's feet in the picture, held still by
moving the hips, and the move kept when the foot lifts."""

import numpy as np
from metastudio.core.tracking.feet import MIN_PLANT, lock_feet, planted


def test_a_still_low_foot_is_planted_and_a_moving_or_raised_one_is_not():
    frames = 20
    still = np.zeros((frames, 2))
    still[:, 1] = 1.0  # on the floor, 1 m below the picture's reference
    moving = still.copy()
    moving[:, 0] = np.arange(frames) * 0.05  # 1.2 m/s at 24 fps
    raised = still.copy()
    raised[:, 1] = 0.8  # 20 cm above the other foot
    plants = planted({"L": still, "R": moving}, 24.0)
    assert plants["L"].all() and not plants["R"].any()
    plants = planted({"L": still, "R": raised}, 24.0)
    assert plants["L"].all() and not plants["R"].any()
    unseen = np.ones(frames, bool)
    unseen[5:8] = False
    plants = planted({"L": still, "R": moving}, 24.0, {"L": unseen, "R": unseen})
    assert not plants["L"][5:8].any() and plants["L"][:5].all()
    short = still.copy()
    short[MIN_PLANT - 1:, 0] += (np.arange(frames - MIN_PLANT + 1) + 1) * 0.05  # still for 2
    assert not planted({"L": short, "R": moving}, 24.0)["L"].any()


def test_the_hips_move_so_a_planted_foot_stays_and_the_move_is_kept_after():
    frames = 10
    # The character's foot (no hips move) slides forward 2 cm a frame as the body
    # turns above it; planted for the first six frames, then lifted.
    foot = np.column_stack([np.zeros(frames), -0.02 * np.arange(frames),
                            np.full(frames, 0.08)])
    plants = {"L": np.r_[np.ones(6, bool), np.zeros(4, bool)]}
    moves, held = lock_feet(np.zeros((frames, 3)), {"L": foot}, {"L": 0.08}, plants)
    world = foot + moves
    assert np.allclose(world[:6], world[0]) and (held[:6] == 0).all()
    assert (held[6:] == -1).all()
    # Lifted: the foot moves on from where it was held, with no jump back.
    assert np.allclose(np.diff(world[5:, 1]), -0.02)
