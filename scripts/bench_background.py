"""How long a background takes from description to built and evaluated scene (no
render), against the 3 s goal, at each detail level.

    .venv/bin/python scripts/bench_background.py [--baseline FOLDER]
    .venv/bin/python scripts/bench_background.py --set places   (each place, each level)

Runs in a fresh process with bpy imported; "first" includes loading the text model.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import textwrap

from background_sheet import DESCRIPTIONS, SETS  # the contact sheet's twelve

CODE = """
import time, json, bpy
from metastudio.bl.background.build import build_background
from metastudio.bl.scene_guard import SceneGuard
from metastudio.core.background.spec import BackgroundSpec
out = {}
for detail in ("medium", "low", "high"):
    times = []
    for text in DESCRIPTIONS:
        bpy.ops.wm.read_factory_settings(use_empty=True)
        started = time.perf_counter()
        for _ in build_background(bpy.context, BackgroundSpec(description=text,
                                                              detail=detail),
                                  SceneGuard(), []):
            pass
        # Count the scene's evaluation too (geometry nodes place the instances then).
        bpy.context.evaluated_depsgraph_get().update()
        times.append(time.perf_counter() - started)
    out[detail] = times
print("@@" + json.dumps(out))
"""


def run_code(code: str, path: str | None):
    """Run `code` (which prints "@@" and JSON) with the sheet's DESCRIPTIONS in a fresh
    process, with the packages in folder `path` first on the path when given (a
    baseline version); returns the JSON."""
    env = dict(os.environ)
    if path:
        env["PYTHONPATH"] = path + os.pathsep + env.get("PYTHONPATH", "")
    proc = subprocess.run([sys.executable, "-c", f"DESCRIPTIONS = {DESCRIPTIONS!r}\n"
                           + textwrap.dedent(code)], capture_output=True, text=True,
                          check=True, env=env)
    return json.loads([ln for ln in proc.stdout.splitlines() if ln.startswith("@@")][-1][2:])


def run(path: str | None) -> dict:
    return run_code(CODE, path)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", help="a folder holding another version's "
                                           "metastudio package, run the same way after")
    parser.add_argument("--set", choices=sorted(SETS), default="worlds")
    args = parser.parse_args()
    DESCRIPTIONS[:] = SETS[args.set]  # run_code sends DESCRIPTIONS
    versions = [("this checkout", run(None))]
    if args.set == "places":
        out = versions[0][1]
        print(f"{'place':42s} {'low s':>6s} {'medium s':>9s} {'high s':>7s}")
        for index, text in enumerate(DESCRIPTIONS):
            print(f"{text:42s} " + " ".join(
                f"{out[d][index]:{w}.2f}" for d, w in (("low", 6), ("medium", 9),
                                                      ("high", 7))))
    if args.baseline:
        versions.append((f"baseline {args.baseline}", run(args.baseline)))
    for name, out in versions:
        first = out["medium"][0]
        print(f"{name}: first background of a session (medium detail, text model "
              f"loading): {first:.2f} s ({first / 3:.2f} of the 3 s goal)")
        for detail in ("low", "medium", "high"):
            times = out[detail][1:] if detail == "medium" else out[detail]
            print(f"  {detail:6s} detail: median {statistics.median(times):.2f} s, slowest "
                  f"{max(times):.2f} s over {len(times)} descriptions "
                  f"({max(times) / 3:.2f} of the goal)")
    if len(versions) == 2:
        for detail in ("low", "medium", "high"):
            now, was = (statistics.median(v[1][detail]) for v in versions)
            print(f"{detail}: {now / was:.2f} x the baseline's median build time")
    return 0


if __name__ == "__main__":
    sys.exit(main())
