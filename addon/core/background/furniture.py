"""Furniture as parts (no bpy): each kind of room item (core.background.rooms) made of
boxes, cylinders and balls sized from the item's own size, each part with a material
name, so the Blender side builds one mesh per kind and size and places it by the item.

Local frame: the footprint centred on the origin, the floor (or the top it stands on) at
z = 0, the front (the side people use: a desk's sitting side, a shelf's open side) at -y
before the item's turn. Books and other many-coloured parts carry a shade index the
material turns into varied colours.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Part:
    """A box, a cylinder, a ball or a ring (a wheel's tyre, upright in the x-z plane),
    `size` its bounding box (x, y, z) before turning and `at` the middle of that box's
    bottom; a cylinder's `axis` ("z" upright, "x" or "y" lying); `rotate` turns the part
    about its middle afterwards (degrees about x, then y, then z)."""

    shape: str  # "box", "cylinder", "ball" or "ring"
    at: tuple[float, float, float]
    size: tuple[float, float, float]
    material: str
    shade: float = 0.5  # 0..1: which of the material's colours (books, cushions)
    axis: str = "z"
    rotate: tuple[float, float, float] = (0.0, 0.0, 0.0)


def _tube(start, end, thick: float, material: str) -> Part:
    """A round bar from `start` to `end` (x, y, z)."""
    (x0, y0, z0), (x1, y1, z1) = start, end
    dx, dy, dz = x1 - x0, y1 - y0, z1 - z0
    length = float(np.sqrt(dx * dx + dy * dy + dz * dz))
    pitch = -np.degrees(np.arctan2(dz, np.hypot(dx, dy)))
    return Part("cylinder", ((x0 + x1) / 2, (y0 + y1) / 2, (z0 + z1) / 2 - thick / 2),
                (length, thick, thick), material, axis="x",
                rotate=(0.0, float(pitch), float(np.degrees(np.arctan2(dy, dx)))))


def _bicycle(w, d, h) -> list[Part]:
    """A bicycle side on (along x), wheels of 68 cm: tyres, hubs, the frame's diamond,
    a fork, a saddle and handlebars."""
    s = w / 1.75  # everything scales with its length
    wheel, r = 0.68 * s, 0.34 * s
    back, front, crank = (-0.52 * s, 0.0, r), (0.52 * s, 0.0, r), (0.0, 0.0, 0.3 * s)
    seat, head = (-0.15 * s, 0.0, 0.86 * s), (0.36 * s, 0.0, 0.88 * s)
    parts = [Part("ring", (x, 0, 0), (wheel, 0.04, wheel), "black") for x in (back[0],
                                                                              front[0])]
    parts += [Part("cylinder", (x, 0, r - 0.04), (0.08, 0.1, 0.08), "metal", axis="y")
              for x in (back[0], front[0])]
    parts += [_tube(a, b, 0.035, "paint") for a, b in (
        (crank, seat), (crank, head), (seat, head), (crank, back), (seat, back),
        (head, front))]
    parts += [Part("box", (seat[0] - 0.03, 0, seat[2] + 0.05), (0.26, 0.1, 0.05), "black"),
              _tube(seat, (seat[0] - 0.02, 0, seat[2] + 0.06), 0.03, "metal"),
              _tube(head, (head[0] - 0.04, 0, h - 0.02), 0.03, "metal"),
              Part("cylinder", (head[0] - 0.04, 0, h - 0.04), (0.03, min(d, 0.55), 0.03),
                   "black", axis="y"),
              Part("cylinder", crank[:2] + (crank[2] - 0.1,), (0.2, 0.02, 0.2), "metal",
                   axis="y")]
    return parts


def _car(w, d, h) -> list[Part]:
    """A small car side on (along x, its bonnet to +x): body, glasshouse, roof, wheels,
    lamps."""
    wheel = 0.64
    parts = [Part("box", (0, 0, 0.28), (w - 0.1, d - 0.05, 0.62), "paint"),
             Part("box", (-0.2, 0, 0.9), (w * 0.52, d - 0.2, h - 0.96), "glass_dark"),
             Part("box", (-0.22, 0, h - 0.07), (w * 0.48, d - 0.25, 0.07), "paint"),
             Part("box", (w / 2 - 0.06, 0, 0.55), (0.06, d - 0.1, 0.16), "black")]
    for x in (-w / 2 + 0.85, w / 2 - 0.85):
        for y in (-d / 2 + 0.14, d / 2 - 0.14):
            parts.append(Part("cylinder", (x, y, 0), (wheel, 0.24, wheel), "black", axis="y"))
            parts.append(Part("cylinder", (x, y + np.sign(y) * 0.02, wheel / 2 - 0.16),
                              (0.32, 0.22, 0.32), "metal", axis="y"))
    parts += [Part("box", (w / 2 - 0.05, sy * (d / 2 - 0.3), 0.66), (0.06, 0.3, 0.1),
                   "lantern") for sy in (-1, 1)]
    parts += [Part("box", (-w / 2 + 0.05, sy * (d / 2 - 0.3), 0.7), (0.06, 0.25, 0.1),
                   "tail_light") for sy in (-1, 1)]
    return parts


def _telescope(w, d, h) -> list[Part]:
    """A telescope on a tripod, its tube raised 30 degrees towards +y."""
    top = (0.0, 0.0, h * 0.65)
    parts = [_tube(top, (0.35 * w * np.cos(a), 0.35 * w * np.sin(a), 0.0), 0.035, "black")
             for a in np.radians([90.0, 210.0, 330.0])]
    length = 1.0
    parts += [Part("cylinder", (0, 0.05, top[2] + 0.05), (0.13, length, 0.13), "white",
                   axis="y", rotate=(30.0, 0.0, 0.0)),
              Part("cylinder", (0, -0.45, top[2] - 0.18), (0.04, 0.12, 0.04), "black",
                   axis="y", rotate=(30.0, 0.0, 0.0)),
              Part("box", (0, 0, top[2] - 0.05), (0.12, 0.12, 0.12), "black")]
    return parts


def _sign(w, d, h) -> list[Part]:
    """A park sign: a post and a board, framed."""
    return [Part("cylinder", (0, 0.03, 0), (0.08, 0.08, h), "metal"),
            Part("box", (0, 0, h - 0.62), (w, 0.04, 0.54), "white"),
            Part("box", (0, -0.005, h - 0.6), (w - 0.05, 0.04, 0.5), "sign")]


def _legs(w: float, d: float, h: float, thick: float, material: str, inset: float = 0.04,
          round_: bool = False) -> list[Part]:
    shape = "cylinder" if round_ else "box"
    return [Part(shape, (sx * (w / 2 - inset - thick / 2), sy * (d / 2 - inset - thick / 2),
                         0.0), (thick, thick, h), material)
            for sx in (-1, 1) for sy in (-1, 1)]


def _table(w, d, h, top="wood", legs="metal", top_thick=0.03) -> list[Part]:
    return ([Part("box", (0, 0, h - top_thick), (w, d, top_thick), top)]
            + _legs(w, d, h - top_thick, 0.04, legs, round_=legs == "metal"))


def _chair(w, d, h) -> list[Part]:
    seat = 0.45
    return ([Part("box", (0, 0, seat - 0.03), (w, d, 0.03), "wood"),
             Part("box", (0, d / 2 - 0.02, seat), (w, 0.02, h - seat), "wood")]
            + _legs(w, d, seat - 0.03, 0.025, "metal", inset=0.02, round_=True))


def _bookshelf(w, d, h, rng) -> list[Part]:
    parts = [Part("box", (-w / 2 + 0.01, 0, 0), (0.02, d, h), "wood"),
             Part("box", (w / 2 - 0.01, 0, 0), (0.02, d, h), "wood"),
             Part("box", (0, d / 2 - 0.005, 0), (w, 0.01, h), "dark_wood")]
    shelves = max(3, int(h / 0.38))
    gap = h / shelves
    for k in range(shelves + 1):
        parts.append(Part("box", (0, 0, min(k * gap, h - 0.02)), (w - 0.02, d, 0.02), "wood"))
        if k == shelves:
            break
        x = -w / 2 + 0.03
        while x < w / 2 - 0.06:  # books of many widths, heights and colours, some leaning
            thick = float(rng.uniform(0.02, 0.05))
            tall = float(rng.uniform(0.6, 0.9)) * (gap - 0.04)
            if rng.random() < 0.08:
                x += thick * 2  # a gap on the shelf
                continue
            parts.append(Part("box", (x + thick / 2, -0.02 + float(rng.uniform(-0.01, 0.01)),
                                      k * gap + 0.02), (thick, d * 0.8, tall), "books",
                              float(rng.random())))
            x += thick + 0.002
    return parts


def _sofa(w, d, h, arm=0.18) -> list[Part]:
    seat = 0.42
    return [Part("box", (0, 0, 0.08), (w, d, seat - 0.08), "fabric"),
            Part("box", (0, d / 2 - 0.1, seat), (w, 0.2, h - seat), "fabric"),
            Part("box", (-w / 2 + arm / 2, 0, seat), (arm, d, 0.22), "fabric"),
            Part("box", (w / 2 - arm / 2, 0, seat), (arm, d, 0.22), "fabric")] + [
        Part("box", (x, -0.05, seat), ((w - 2 * arm) / 2 - 0.02, d - 0.3, 0.12), "fabric",
             0.7) for x in (-(w - 2 * arm) / 4, (w - 2 * arm) / 4)] + _legs(
        w, d, 0.08, 0.05, "dark_wood", inset=0.03)


def _plant(w, d, h) -> list[Part]:
    pot = min(w, d) * 0.6
    parts = [Part("cylinder", (0, 0, 0), (pot, pot, h * 0.3), "pot"),
             Part("cylinder", (0, 0, h * 0.3), (0.03, 0.03, h * 0.3), "dark_wood")]
    for k, (dx, dy, dz, s) in enumerate(((0, 0, 0.55, 0.55), (0.12, 0.05, 0.45, 0.4),
                                         (-0.1, -0.08, 0.5, 0.42), (0.02, 0.1, 0.7, 0.38))):
        size = s * min(w, d) * 1.2
        parts.append(Part("ball", (dx * w, dy * d, h * dz), (size, size, size * 1.2),
                          "leaves", k / 4))
    return parts


def parts_of(kind: str, size: tuple[float, float, float], seed: int = 0) -> list[Part]:
    """The parts of one item of `kind` at `size` (x, y, z metres)."""
    w, d, h = size
    rng = np.random.default_rng(seed)
    if kind in ("desk", "office_desk"):
        parts = _table(w, d, h, "wood")
        parts.append(Part("box", (0, d / 2 - 0.02, h * 0.45), (w - 0.1, 0.02, h * 0.45),
                          "metal"))  # the modesty panel
        if kind == "office_desk":
            parts.append(Part("box", (0, 0.1, h), (0.55, 0.05, 0.35), "black"))  # screen
        return parts
    if kind == "teacher_desk":
        return [Part("box", (0, 0, h - 0.04), (w, d, 0.04), "wood"),
                Part("box", (-w / 2 + 0.2, 0, 0), (0.4, d - 0.04, h - 0.04), "wood"),
                Part("box", (w / 2 - 0.02, 0, 0), (0.03, d - 0.04, h - 0.04), "wood"),
                Part("box", (0, -d / 2 + 0.03, 0.15), (w - 0.04, 0.02, h - 0.2), "dark_wood")]
    if kind in ("chair", "office_chair"):
        return _chair(w, d, h)
    if kind == "stool":
        return [Part("cylinder", (0, 0, h - 0.04), (w, w, 0.04), "black")] + _legs(
            w, d, h - 0.04, 0.025, "metal", inset=0.05, round_=True)
    if kind in ("table",):
        return _table(w, d, h, "wood", "dark_wood")
    if kind == "lab_bench":
        return [Part("box", (0, 0, 0.08), (w - 0.04, d - 0.06, h - 0.12), "white"),
                Part("box", (0, 0, h - 0.04), (w, d, 0.04), "black")]
    if kind in ("cabinet", "counter", "tv_stand"):
        top = "stone" if kind == "counter" else "wood"
        return [Part("box", (0, 0, 0.08), (w, d - 0.02, h - 0.11), "white" if kind != (
            "tv_stand") else "dark_wood"), Part("box", (0, 0, h - 0.03), (w, d, 0.03), top)]
    if kind == "bookshelf":
        return _bookshelf(w, d, h, rng)
    if kind in ("painting", "clock"):
        face = "canvas" if kind == "painting" else "white"
        return [Part("box", (0, 0, 0), (w, d, h), "frame" if kind == "painting" else "black"),
                Part("box", (0, -0.005, 0.05 * h), (w * 0.9, d, h * 0.9), face,
                     float(rng.random()))]
    if kind == "whiteboard":
        return [Part("box", (0, 0, 0), (w, d, h), "metal"),
                Part("box", (0, -0.005, 0.03), (w - 0.06, d, h - 0.06), "white")]
    if kind == "wall_cabinet":
        return [Part("box", (0, 0, 0), (w - 0.01, d, h), "white")]
    if kind == "fridge":
        return [Part("box", (0, 0, 0.02), (w, d, h - 0.02), "white"),
                Part("box", (w / 2 - 0.08, -d / 2 - 0.01, h * 0.55), (0.03, 0.03, 0.4),
                     "metal")]
    if kind == "hob":
        return [Part("box", (0, 0, 0), (w, d, h), "black")] + [
            Part("cylinder", (sx * w / 4, sy * d / 4, h), (0.16, 0.16, 0.005), "metal")
            for sx in (-1, 1) for sy in (-1, 1)]
    if kind == "lamp":  # a street lamp: a post and a lantern head
        return [Part("cylinder", (0, 0, 0), (0.14, 0.14, 0.4), "black"),
                Part("cylinder", (0, 0, 0.4), (0.08, 0.08, h - 0.9), "black"),
                Part("box", (0, 0, h - 0.5), (0.3, 0.3, 0.4), "lantern"),
                Part("cylinder", (0, 0, h - 0.1), (0.4, 0.4, 0.1), "black")]
    if kind == "stall":  # a market stall: a counter of crates, posts and an awning
        parts = [Part("box", (0, 0, 0), (w, d * 0.6, 0.9), "wood")]
        parts += [Part("box", (x, 0.0, 0.9), (0.35, 0.3, 0.18), "produce", float(k) / 6)
                  for k, x in enumerate(np.linspace(-w / 2 + 0.3, w / 2 - 0.3, 6))]
        parts += [Part("cylinder", (sx * (w / 2 - 0.05), sy * (d / 2 - 0.05), 0),
                       (0.05, 0.05, h - 0.1), "wood") for sx in (-1, 1) for sy in (-1, 1)]
        parts.append(Part("box", (0, 0, h - 0.1), (w + 0.3, d + 0.3, 0.06), "awning",
                          float(rng.random())))
        return parts
    if kind == "board":
        return [Part("box", (0, 0, 0), (w, d, h), "frame"),
                Part("box", (0, -0.005, 0.04), (w - 0.08, d, h - 0.08), "board")]
    if kind == "display_case":
        return [Part("box", (0, 0, 0), (w, d, 0.9), "dark_wood"),
                Part("box", (0, 0, 0.9), (w - 0.04, d - 0.04, h - 0.9), "glass"),
                Part("ball", (0, 0, 0.9), (0.2, 0.2, 0.25), "stone")]
    if kind == "plinth":
        return [Part("box", (0, 0, 0), (w, d, h), "white")]
    if kind == "sculpture":
        return [Part("cylinder", (0, 0, 0), (w * 0.5, d * 0.5, 0.08), "stone"),
                Part("ball", (0, 0, 0.08), (w * 0.45, d * 0.45, h * 0.55), "bronze"),
                Part("ball", (0, 0, 0.08 + h * 0.5), (w * 0.3, d * 0.3, h * 0.4), "bronze")]
    if kind == "globe":
        return [Part("cylinder", (0, 0, 0), (w * 0.5, d * 0.5, 0.03), "dark_wood"),
                Part("cylinder", (0, 0, 0.03), (0.02, 0.02, h * 0.25), "metal"),
                Part("ball", (0, 0, h * 0.25), (w * 0.9, d * 0.9, w * 0.9), "globe")]
    if kind == "microscope":
        return [Part("box", (0, 0, 0), (w, d * 0.8, 0.04), "black"),
                Part("box", (0, d * 0.3, 0.04), (0.05, 0.05, h * 0.6), "black"),
                Part("cylinder", (0, 0.0, h * 0.45), (0.05, 0.05, h * 0.55), "white")]
    if kind == "sink":
        return [Part("box", (0, 0, -0.01), (w, d, 0.02), "metal"),
                Part("cylinder", (0, d / 2 - 0.05, 0), (0.03, 0.03, 0.3), "metal")]
    if kind in ("sofa", "armchair"):
        return _sofa(w, d, h, arm=0.16 if kind == "armchair" else 0.2)
    if kind == "tv":
        return [Part("box", (0, 0, 0), (0.3, 0.2, 0.05), "black"),
                Part("box", (0, 0, 0.05), (w, d, h - 0.05), "screen")]
    if kind == "plant":
        return _plant(w, d, h)
    if kind == "bench":
        return [Part("box", (0, 0, h - 0.06), (w, d, 0.06), "wood"),
                Part("box", (-w / 2 + 0.1, 0, 0), (0.06, d - 0.04, h - 0.06), "metal"),
                Part("box", (w / 2 - 0.1, 0, 0), (0.06, d - 0.04, h - 0.06), "metal")]
    if kind == "bicycle":
        return _bicycle(w, d, h)
    if kind == "car":
        return _car(w, d, h)
    if kind == "telescope":
        return _telescope(w, d, h)
    if kind == "sign":
        return _sign(w, d, h)
    if kind == "backdrop":
        return [Part("box", (0, 0, 0), (w, d, h), "white")]
    if kind == "light_stand":
        return [Part("cylinder", (0, 0, 0), (0.4, 0.4, 0.05), "black"),
                Part("cylinder", (0, 0, 0.05), (0.03, 0.03, h - 0.5), "metal"),
                Part("box", (0, 0, h - 0.5), (w, 0.3, 0.5), "softbox")]
    if kind == "lectern":
        return [Part("box", (0, 0, 0), (w * 0.7, d * 0.7, h - 0.15), "wood"),
                Part("box", (0, 0, h - 0.15), (w, d, 0.04), "wood")]
    if kind == "seat_row":
        seats = max(1, int(w / 0.55))
        parts = []
        for k in range(seats):
            x = -w / 2 + (k + 0.5) * w / seats
            parts += [Part("box", (x, -0.05, 0.42), (0.5, d - 0.15, 0.08), "fabric"),
                      Part("box", (x, d / 2 - 0.06, 0.42), (0.5, 0.06, h - 0.42), "fabric"),
                      Part("box", (x - 0.26, 0, 0), (0.03, d - 0.1, 0.62), "metal")]
        return parts
    raise ValueError(f"furniture: no model for {kind!r}")
