"""Render a contact sheet of backgrounds made from descriptions (docs/backgrounds.png).

    .venv/bin/python scripts/background_sheet.py [--out docs/backgrounds.png] [--samples 16]
    .venv/bin/python scripts/background_sheet.py --set places --out docs/places.png

Each description is built in a fresh scene with the same eye-level camera the command
line uses, rendered headless with Cycles, and placed in a 3 x 4 grid (left to right, top
to bottom, in the order of DESCRIPTIONS).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

DESCRIPTIONS = [
    "misty pine forest at dawn, a lake in the valley",
    "sand as far as the eye can see under a blazing midday sun",
    "jagged alpine peaks at sunset with a few clouds",
    "a marsh at night in the rain",
    "a rocky headland in a storm, waves below",
    "a river winding through green meadows on a bright morning, puffy clouds",
    "downtown streets lit up at night",
    "black lava fields under a grey sky",
    "a rainy city street at night",
    "a foggy harbour at dusk",
    "a snowy pine forest by a frozen lake",
    "a palm beach at sunset",
]
# Places (docs/places.png, issue 23): four rooms, seen from the back of their aisle, and
# four settlements, from their square up the street (a harbour's basin); props from words.
PLACES = [
    "a classroom on a sunny morning, a potted plant by the window",
    "a science lab with a telescope",
    "a library on a rainy afternoon",
    "a cosy living room in the evening",
    "a quiet village on a summer afternoon, a bench under an oak and two bicycles",
    "a market town at night",
    "a foggy harbour town at dusk with fishing boats",
    "a snowy village at dawn",
]
SETS = {"worlds": DESCRIPTIONS, "places": PLACES}
WIDTH, HEIGHT = 400, 225


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("docs/backgrounds.png"))
    parser.add_argument("--samples", type=int, default=16)
    parser.add_argument("--set", choices=sorted(SETS), default="worlds")
    args = parser.parse_args()
    DESCRIPTIONS[:] = SETS[args.set]  # the rest of the script reads DESCRIPTIONS
    import bpy
    import numpy as np
    from metastudio.core.background.spec import BackgroundSpec
    from metastudio_farm.batches.background import build_world  # the command line's framing

    rows = (len(DESCRIPTIONS) + 3) // 4
    sheet = np.zeros((rows * HEIGHT, 4 * WIDTH, 4), np.float32)
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as folder:
        for index, text in enumerate(DESCRIPTIONS):
            still = Path(folder) / f"{index}.png"
            build_world(BackgroundSpec(description=text, seed=index + 1), None, still,
                   (WIDTH, HEIGHT), args.samples)
            image = bpy.data.images.load(str(still))
            pixels = np.array(image.pixels[:], np.float32).reshape(HEIGHT, WIDTH, 4)
            row, col = divmod(index, 4)
            # Blender's pixel rows run bottom-up: the first row of the grid is the top.
            top = rows - 1 - row
            sheet[top * HEIGHT:(top + 1) * HEIGHT, col * WIDTH:(col + 1) * WIDTH] = pixels
            bpy.data.images.remove(image)
            print(f"{index + 1}. {text}")
        out = bpy.data.images.new("sheet", 4 * WIDTH, rows * HEIGHT, alpha=True)
        out.pixels.foreach_set(sheet.ravel())
        args.out.parent.mkdir(parents=True, exist_ok=True)
        out.filepath_raw = str(args.out.resolve())
        out.file_format = "PNG"
        out.save()
    print(f"wrote {args.out} in {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
