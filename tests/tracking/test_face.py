"""ARKit face values from the real face mesh of a real photo: a neutral face reads near
zero; the same landmarks with the lower lip and chin moved down, the eyelids closed or
the mouth corners raised read as a jaw opening, a blink, a smile."""

import numpy as np
from metastudio.core.tracking.face import EYES, MOUTH_LEFT, MOUTH_RIGHT, face_values, head_turn
from metastudio.core.tracking.landmarks import track


def test_expressions_read_from_the_face_mesh(sequence):
    result, _ = track(sequence)
    base = result.face[0]
    frames = np.repeat(base[None], 30, axis=0)
    height = np.linalg.norm((base[10] - base[152])[:2] * result.size)
    lower = [i for i in range(478) if base[i, 1] > base[14, 1]]  # lower lip and chin
    for k, drop in enumerate(np.linspace(0, 0.25, 10)):  # frames 20-29: the jaw opens
        frames[20 + k, lower, 1] += drop * height / result.size[1]
    up, down, _, _ = EYES["Left"]
    frames[5, up, 1] = frames[5, down, 1]  # frame 5: the left eye shut
    for corner in (MOUTH_LEFT, MOUTH_RIGHT):  # frame 8: the corners up and out
        frames[8, corner, 1] -= 0.06 * height / result.size[1]
    frames[8, MOUTH_LEFT, 0] += 0.03 * height / result.size[0]
    frames[8, MOUTH_RIGHT, 0] -= 0.03 * height / result.size[0]
    frames[12] = np.nan  # the face lost for a frame
    values = face_values(frames, result.size)
    jaw = values["jawOpen"]
    assert np.nanmax(jaw[:20]) < 0.05 and jaw[29] > 0.95
    assert (np.diff(jaw[20:]) >= 0).all()
    assert values["eyeBlinkLeft"][5] > 0.95 and values["eyeBlinkRight"][5] < 0.05
    assert values["eyeBlinkLeft"][4] < 0.05
    assert values["mouthSmileLeft"][8] > 0.5 and values["mouthSmileRight"][8] > 0.5
    assert values["mouthSmileLeft"][7] < 0.05
    assert all(np.isnan(v[12]) for v in values.values())
    turn = head_turn(result.face, result.size)
    assert (np.abs(turn[:, 2]) < 15).all()  # a portrait, held upright
