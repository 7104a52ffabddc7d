"""What hats and coats cost a character's build: the character's arrays in numpy
(core.character.build, warm, best of three), each description beside the same person
without the hat or the coat, and the ratio.

    .venv/bin/python scripts/bench_wardrobe.py
"""

from __future__ import annotations

import time

from metastudio.core.character import build
from metastudio.core.character.describe import resolve
from metastudio.core.character.spec import CharacterSpec

# (with, the baseline without)
PAIRS = [
    ("a man with short hair in a grey beanie", "a man with short hair"),
    ("a woman with long hair in a baseball cap", "a woman with long hair"),
    ("an old woman in a straw hat", "an old woman"),
    ("a man in a fedora", "a man"),
    ("a man in a long brown coat", "a man in a brown jacket"),
]


def best(description: str) -> float:
    values = resolve(CharacterSpec(description=description)).values
    times = []
    for _ in range(3):
        started = time.perf_counter()
        build.build(values)
        times.append(time.perf_counter() - started)
    return min(times)


def main() -> None:
    best("a man")  # loads the data and the model: every figure below is warm
    for with_it, without in PAIRS:
        ours, baseline = best(with_it), best(without)
        print(f"{with_it}: {ours:.2f} s; {without}: {baseline:.2f} s; "
              f"ratio {ours / baseline:.2f}")


if __name__ == "__main__":
    main()
