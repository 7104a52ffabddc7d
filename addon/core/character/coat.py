"""What makes a coat longer than a jacket (no bpy): its skirts, from under the jacket's
hem at the hips down to the knee, open at the front as the coat is.

The skirts are MakeHuman's skirt helper (a flared tube from the waist), cut below the
jacket's hem and above the knee, eased out over the trousers, with a slit at the front
that continues the jacket's opening and widens as it goes down (a coat falls open when
it is not buttoned to the hem). Their top is tucked under the jacket part
(garments._coat_skirts), so the two read as one garment. Coordinates are Blender's:
metres, Z up, facing -Y.
"""

from __future__ import annotations

import numpy as np

EASE = 0.02  # over the trousers (and a skirt): a coat hangs off the legs
KNEE_BELOW = 0.07  # the hem this far below the knee joint
OVERLAP = 0.06  # the skirts' top this far above the jacket's hem, under it
TUCK = 0.08  # below the jacket's hem the skirts ease out to their own flare over this


def kept_faces(centres: np.ndarray, joints: dict, jacket_hem: float) -> np.ndarray:
    """Which of the skirt helper's faces (by their centres) the coat's skirts keep:
    below the jacket's hem by the overlap, above the hem at the knee, and not in the
    front slit."""
    c = centres
    top = jacket_hem + OVERLAP
    hem = joints["knee"][2] - KNEE_BELOW
    fall = np.clip((top - c[:, 2]) / max(top - hem, 1e-6), 0.0, 1.0)
    half = 0.028 + 0.045 * fall  # the slit widens down the front
    front = c[:, 1] < joints["neck"][1] - 0.02
    slit = front & (np.abs(c[:, 0] - joints["neck"][0]) < half)
    return (c[:, 2] < top) & (c[:, 2] > hem) & ~slit
