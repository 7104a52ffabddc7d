"""How long the contact sheet's worlds take to build and to render as a 640x360 preview
frame (Cycles, 8 samples, denoised: the scene command's preview quality), this checkout
beside a baseline checkout, with the ratio.

    .venv/bin/python scripts/bench_background_render.py --baseline /tmp/oldpkg
    .venv/bin/python scripts/bench_background_render.py --set places

--baseline: a folder holding `metastudio` and `metastudio_farm` of the other version
(for example symlinks into a `git worktree` of an earlier commit); each version runs in a
fresh process of its own, one after the other, so they do not share the two cores.
"""

from __future__ import annotations

import argparse
import statistics
import sys

from background_sheet import DESCRIPTIONS, SETS  # the contact sheet's twelve
from bench_background import run_code

CODE = """
import json, os, tempfile, time, bpy
from metastudio.core.background.spec import BackgroundSpec
from metastudio_farm.cli.background import _build
out = []
folder = tempfile.mkdtemp(prefix="metastudio-bench-")  # the frames go here, then away
for index, text in enumerate(DESCRIPTIONS):
    started = time.perf_counter()
    _build(BackgroundSpec(description=text, seed=index + 1), None, None)
    bpy.context.evaluated_depsgraph_get().update()
    built = time.perf_counter() - started
    scene = bpy.context.scene
    scene.render.engine = "CYCLES"
    scene.cycles.device = "CPU"
    scene.cycles.samples = 8
    scene.cycles.use_denoising = True
    scene.render.resolution_x, scene.render.resolution_y = 640, 360
    scene.render.resolution_percentage = 100
    scene.render.filepath = os.path.join(folder, "frame.png")
    started = time.perf_counter()
    bpy.ops.render.render(write_still=True)
    out.append((built, time.perf_counter() - started))
    os.remove(scene.render.filepath)
os.rmdir(folder)
print("@@" + json.dumps(out))
"""


def run(path: str | None) -> list[tuple[float, float]]:
    return run_code(CODE, path)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", help="folder with the baseline's packages")
    parser.add_argument("--set", choices=sorted(SETS), default="worlds")
    args = parser.parse_args()
    DESCRIPTIONS[:] = SETS[args.set]  # run_code sends DESCRIPTIONS
    now = run(None)
    before = run(args.baseline) if args.baseline else None
    print(f"{'world':58s} {'build s':>8s} {'render s':>9s}" + (
        f" {'was build':>10s} {'was render':>11s} {'render x':>9s}" if before else ""))
    for index, text in enumerate(DESCRIPTIONS):
        line = f"{text[:58]:58s} {now[index][0]:8.2f} {now[index][1]:9.1f}"
        if before:
            line += (f" {before[index][0]:10.2f} {before[index][1]:11.1f}"
                     f" {now[index][1] / before[index][1]:9.2f}")
        print(line)
    medians = [statistics.median(t[i] for t in now) for i in (0, 1)]
    print(f"median: build {medians[0]:.2f} s, render {medians[1]:.1f} s"
          + (f" (was {statistics.median(t[0] for t in before):.2f} s and "
             f"{statistics.median(t[1] for t in before):.1f} s)" if before else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
