"""MakeHuman's macro model: how the body sliders (gender, age, muscle, weight, height,
proportions, ancestry mix) blend the macrodetail targets.

Each slider sits between named poles ("female".."male", "baby".."child".."young"..
"old"); a combined target such as `universal-female-young-averagemuscle-maxweight` gets
the product of its poles' weights. Only targets with a non-zero weight are read.
"""

from __future__ import annotations

from itertools import product
from pathlib import Path

# Age slider value -> years, MakeHuman's own scale: 0 is 1 year, 0.1875 is 11, 0.5 is
# 25 and 1 is 90.
_AGE_POINTS = ((0.0, 1.0), (0.1875, 11.0), (0.5, 25.0), (1.0, 90.0))


def age_to_slider(years: float) -> float:
    """Years (1-90) to the age slider (0-1)."""
    years = min(max(years, 1.0), 90.0)
    for (s0, y0), (s1, y1) in zip(_AGE_POINTS, _AGE_POINTS[1:], strict=False):
        if years <= y1:
            return s0 + (s1 - s0) * (years - y0) / (y1 - y0)
    return 1.0


def poles(name: str, value: float) -> dict[str, float]:
    """The weights of a slider's poles at `value` (0-1); poles with weight 0 left out."""
    v = min(max(value, 0.0), 1.0)
    if name == "gender":
        weights = {"female": 1 - v, "male": v}
    elif name == "age":
        if v < 0.1875:
            weights = {"baby": 1 - v / 0.1875, "child": v / 0.1875}
        elif v < 0.5:
            weights = {"child": (0.5 - v) / 0.3125, "young": (v - 0.1875) / 0.3125}
        else:
            weights = {"young": (1 - v) / 0.5, "old": (v - 0.5) / 0.5}
    elif name in ("muscle", "weight"):
        low, high = f"min{name}", f"max{name}"
        weights = ({low: 1 - 2 * v, f"average{name}": 2 * v} if v < 0.5 else
                   {f"average{name}": 2 - 2 * v, high: 2 * v - 1})
    elif name == "height":
        weights = {"minheight": 1 - 2 * v} if v < 0.5 else {"maxheight": 2 * v - 1}
    elif name == "proportions":
        weights = ({"uncommonproportions": 1 - 2 * v} if v < 0.5 else
                   {"idealproportions": 2 * v - 1})
    else:
        raise ValueError(f"unknown macro slider {name!r}")
    return {pole: w for pole, w in weights.items() if w > 1e-6}


def macro_targets(gender: float, age: float, muscle: float, weight: float, height: float,
                  proportions: float, ancestry: dict[str, float]) -> dict[str, float]:
    """Relative paths (under targets/macrodetails) of the targets to apply, with weights.

    `ancestry` weights african, asian and caucasian (normalised here).
    """
    total = sum(max(w, 0.0) for w in ancestry.values()) or 1.0
    race = {k: max(w, 0.0) / total for k, w in ancestry.items() if w > 0}
    g, a = poles("gender", gender), poles("age", age)
    m, w = poles("muscle", muscle), poles("weight", weight)
    out: dict[str, float] = {}

    def add(path: str, value: float) -> None:
        if value > 1e-6:
            out[path] = out.get(path, 0.0) + value

    for (rk, rw), (gk, gw), (ak, aw) in product(race.items(), g.items(), a.items()):
        add(f"{rk}-{gk}-{ak}.target.gz", rw * gw * aw)
    for (gk, gw), (ak, aw), (mk, mw), (wk, ww) in product(g.items(), a.items(), m.items(),
                                                          w.items()):
        base = gw * aw * mw * ww
        add(f"universal-{gk}-{ak}-{mk}-{wk}.target.gz", base)
        for hk, hw in poles("height", height).items():
            add(f"height/{gk}-{ak}-{mk}-{wk}-{hk}.target.gz", base * hw)
        if ak != "baby":  # the data has no proportions for babies
            for pk, pw in poles("proportions", proportions).items():
                add(f"proportions/{gk}-{ak}-{mk}-{wk}-{pk}.target.gz", base * pw)
    return out


def target_files(weights: dict[str, float], root: Path) -> list[tuple[Path, float]]:
    """The weighted relative paths as files under `root` (targets/macrodetails)."""
    return [(root / name, value) for name, value in sorted(weights.items())]
