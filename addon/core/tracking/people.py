"""Several people in view: find them all, choose the largest, and follow that one.

MediaPipe's pose model finds one person an image. To see everyone, the first frame is
searched again and again with each person found blacked out, until nobody more is found
(at most MAX_PEOPLE). The largest is the one whose torso (shoulder width plus the
shoulders' height above the hips) is longest in the picture: the nearest to the camera,
and a measure that a body cut by the frame's edge keeps.

With several people in view the tracker then sees only a square window that follows the
chosen person from frame to frame, so it cannot jump to somebody else; landmarks found
in the window are turned back into the whole frame's coordinates.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

MAX_PEOPLE = 4
WINDOW = 1.5  # the window's side over the person's extent (room to move and turn)
L_SHOULDER, R_SHOULDER, L_HIP, R_HIP = 11, 12, 23, 24


@dataclass
class Person:
    """A person found in a frame: the box round their landmarks in pixels (x0, y0, x1,
    y1, clipped to the frame), their torso's length in pixels and where they stand."""

    box: tuple[float, float, float, float]
    torso: float

    @property
    def centre(self) -> tuple[float, float]:
        return (self.box[0] + self.box[2]) / 2, (self.box[1] + self.box[3]) / 2

    def where(self, width: int) -> str:
        """Left, middle or right of a frame `width` pixels wide."""
        x = self.centre[0] / width
        return "on the left" if x < 0.4 else "on the right" if x > 0.6 else "in the middle"


def person_from(points: np.ndarray, size: tuple[int, int]) -> Person:
    """A Person from one frame's 33 image landmarks (x, y in 0-1 of width and height)."""
    width, height = size
    pixels = np.asarray(points, float)[:, :2] * (width, height)
    shoulders = (pixels[L_SHOULDER] + pixels[R_SHOULDER]) / 2
    hips = (pixels[L_HIP] + pixels[R_HIP]) / 2
    torso = float(np.linalg.norm(pixels[L_SHOULDER] - pixels[R_SHOULDER])
                  + np.linalg.norm(shoulders - hips))
    x = np.clip(pixels[:, 0], 0, width)
    y = np.clip(pixels[:, 1], 0, height)
    return Person((float(x.min()), float(y.min()), float(x.max()), float(y.max())), torso)


def find_people(frame: np.ndarray, find_one) -> list[Person]:
    """Everyone in `frame` (rows x columns x 3), largest first. `find_one(image)` returns
    one person's 33 image landmarks (0-1) or None: MediaPipe's pose in still-image mode."""
    height, width = frame.shape[:2]
    work = frame.copy()
    people: list[Person] = []
    for _ in range(MAX_PEOPLE):
        points = find_one(work)
        if points is None:
            break
        person = person_from(points, (width, height))
        x, y = person.centre
        if any(p.box[0] <= x <= p.box[2] and p.box[1] <= y <= p.box[3] for p in people):
            break  # the rest of someone already found, seen past the blacked-out box
        people.append(person)
        x0, y0, x1, y1 = person.box
        margin_x, margin_y = 0.1 * (x1 - x0), 0.1 * (y1 - y0)
        work[max(0, int(y0 - margin_y)):int(np.ceil(y1 + margin_y)),
             max(0, int(x0 - margin_x)):int(np.ceil(x1 + margin_x))] = 0
    return sorted(people, key=lambda p: p.torso, reverse=True)


def several_note(people: list[Person], width: int) -> str:
    """What to tell the artist when more than one person is in view."""
    sizes = ", ".join(f"{p.torso:.0f}" for p in people)
    return (f"{len(people)} people in view: following the largest, "
            f"{people[0].where(width)} (torso {sizes} pixels)")


@dataclass
class Window:
    """A square part of the frame, in pixels: its left, top and side. It may reach past
    the frame's edges (that part is black)."""

    left: float
    top: float
    side: float

    @classmethod
    def around(cls, box: tuple[float, float, float, float]) -> Window:
        """The window centred on `box`, WINDOW times its longer side."""
        x0, y0, x1, y1 = box
        side = max(WINDOW * max(x1 - x0, y1 - y0), 32.0)
        return cls((x0 + x1 - side) / 2, (y0 + y1 - side) / 2, side)

    def follow(self, box: tuple[float, float, float, float]) -> Window:
        """The next frame's window: centred on where the person is now, its size eased
        towards theirs (a sudden change of scale would unsettle the tracker)."""
        target = Window.around(box)
        side = 0.7 * self.side + 0.3 * target.side
        x, y = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
        return Window(x - side / 2, y - side / 2, side)

    def cut(self, frame: np.ndarray) -> np.ndarray:
        """The window's pixels (side x side x 3), black past the frame's edges."""
        side = max(int(round(self.side)), 1)
        left, top = int(round(self.left)), int(round(self.top))
        out = np.zeros((side, side) + frame.shape[2:], frame.dtype)
        height, width = frame.shape[:2]
        x0, y0 = max(left, 0), max(top, 0)
        x1, y1 = min(left + side, width), min(top + side, height)
        if x1 > x0 and y1 > y0:
            out[y0 - top:y1 - top, x0 - left:x1 - left] = frame[y0:y1, x0:x1]
        return out

    def to_frame(self, points: np.ndarray, size: tuple[int, int]) -> np.ndarray:
        """Landmarks found in the window (x, y, z in its 0-1; z in units of its width)
        as landmarks of the whole frame (x, y in 0-1 of its width and height, z in
        units of its width), as MediaPipe gives them for a whole frame."""
        width, height = size
        side = max(int(round(self.side)), 1)
        left, top = int(round(self.left)), int(round(self.top))
        points = np.asarray(points, float)
        return np.stack([(left + points[..., 0] * side) / width,
                         (top + points[..., 1] * side) / height,
                         points[..., 2] * side / width], axis=-1)
