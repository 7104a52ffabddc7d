"""ARKit face values (0-1) from MediaPipe's face mesh, per frame, for the character's
face shape keys (it has all 52 ARKit names): mouth and jaw, eyelids, brows; and the
head's turn in degrees.

Each measure is a distance in the face divided by the face's height, so the camera's
distance does not matter; it is read against the clip's own neutral (its median frame)
and its range, since faces differ. A clip that is mostly a neutral face with moments of
expression reads best; a clip that never rests reads its median as neutral.
"""

from __future__ import annotations

import numpy as np

# Face-mesh indices (the person's left is the image's right).
FOREHEAD, CHIN, NOSE_TIP = 10, 152, 1
UPPER_LIP, LOWER_LIP = 13, 14
MOUTH_RIGHT, MOUTH_LEFT = 61, 291
EYES = {"Left": (386, 374, 362, 263), "Right": (159, 145, 133, 33)}  # up, down, in, out
BROW_INNER = {"Left": 336, "Right": 107}
BROW_OUTER = {"Left": 300, "Right": 70}
FACE_SIDES = (234, 454)


def _distance(face: np.ndarray, a: int, b: int) -> np.ndarray:
    return np.linalg.norm(face[:, a, :2] - face[:, b, :2], axis=1)


def _ramp(values: np.ndarray, low: float | np.ndarray, high: float | np.ndarray) -> np.ndarray:
    return np.clip((values - low) / np.maximum(high - low, 1e-9), 0.0, 1.0)


def face_values(face: np.ndarray, size: tuple[int, int]) -> dict[str, np.ndarray]:
    """ARKit name -> values per frame (frames x 478 x 3 landmarks in the image, NaN where
    no face: those frames get NaN too, for the filter to fill)."""
    # Landmarks are in fractions of width and height: back to square pixels.
    face = np.asarray(face, float) * np.array([size[0], size[1], size[0]])
    height = _distance(face, FOREHEAD, CHIN)
    out: dict[str, np.ndarray] = {}
    gap = _distance(face, UPPER_LIP, LOWER_LIP) / height
    rest_gap = np.nanmedian(gap)
    out["jawOpen"] = _ramp(gap, rest_gap + 0.01, rest_gap + 0.2)
    width = _distance(face, MOUTH_LEFT, MOUTH_RIGHT) / height
    rest_width = np.nanmedian(width)
    narrow = _ramp(rest_width - width, 0.02, 0.12)
    out["mouthPucker"] = narrow * (1 - out["jawOpen"])
    out["mouthFunnel"] = narrow * out["jawOpen"]
    centre_y = (face[:, UPPER_LIP, 1] + face[:, LOWER_LIP, 1]) / 2
    for side, corner in (("Left", MOUTH_LEFT), ("Right", MOUTH_RIGHT)):
        lift = (centre_y - face[:, corner, 1]) / height  # image y runs down
        rest_lift = np.nanmedian(lift)
        out[f"mouthSmile{side}"] = _ramp(lift - rest_lift + 0.5 * (width - rest_width),
                                         0.01, 0.08)
        out[f"mouthFrown{side}"] = _ramp(rest_lift - lift, 0.01, 0.06)
    for side, (up, down, inner, outer) in EYES.items():
        opening = _distance(face, up, down) / np.maximum(_distance(face, inner, outer), 1e-9)
        wide = np.nanpercentile(opening, 90)
        out[f"eyeBlink{side}"] = 1 - _ramp(opening, 0.35 * wide, 0.8 * wide)
        out[f"eyeWide{side}"] = _ramp(opening, 1.1 * wide, 1.5 * wide)
        brow = {}
        for name, index in (("inner", BROW_INNER[side]), ("outer", BROW_OUTER[side])):
            rise = (face[:, up, 1] - face[:, index, 1]) / height
            brow[name] = rise - np.nanmedian(rise)
        out[f"browOuterUp{side}"] = _ramp(brow["outer"], 0.01, 0.06)
        out[f"browDown{side}"] = _ramp(-brow["inner"], 0.01, 0.05)
        out.setdefault("browInnerUp", np.zeros_like(gap))
        out["browInnerUp"] = np.maximum(out["browInnerUp"], _ramp(brow["inner"], 0.01, 0.06))
    missing = np.isnan(height)
    for values in out.values():
        values[missing] = np.nan
    return out


def head_turn(face: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    """Per frame: the head's yaw, pitch and roll in degrees, from the face mesh's depth
    (frames x 3; NaN where no face). Yaw > 0 turns to the performer's left."""
    face = np.asarray(face, float) * np.array([size[0], size[1], size[0]])
    side = face[:, FACE_SIDES[1]] - face[:, FACE_SIDES[0]]
    up = face[:, FOREHEAD] - face[:, CHIN]
    yaw = np.degrees(np.arctan2(-side[:, 2], side[:, 0]))
    pitch = np.degrees(np.arctan2(up[:, 2], -up[:, 1]))
    roll = np.degrees(np.arctan2(-side[:, 1], side[:, 0]))
    return np.stack([yaw, pitch, roll], axis=1)
