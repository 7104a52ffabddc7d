"""How long a character takes to build, against the 5 s goal and against Blender's own
OBJ importer reading the same base mesh (the least any build from the data must do).

    .venv/bin/python scripts/bench_character.py

Each measurement runs in a fresh process. "cold" is what the artist or the command line
waits for the first character of a session (bpy already imported): the description
model and the MakeHuman data load then. "warm" is every next character.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import textwrap

from character_sheet import DESCRIPTIONS  # the contact sheet's six

OURS = """
import time, json, bpy
import metastudio
metastudio.register()
from metastudio.bl.character.build import build_character
from metastudio.bl.scene_guard import SceneGuard
from metastudio.core.character.spec import CharacterSpec
times = []
for index, text in enumerate(DESCRIPTIONS):
    bpy.ops.wm.read_factory_settings(use_empty=True)
    split, last, step = {}, time.perf_counter(), None
    started = last
    for fraction, message in build_character(bpy.context, CharacterSpec(description=text),
                                             SceneGuard(), []):
        now = time.perf_counter()
        if step is not None:  # the time since the last step began is that step's
            split[step] = now - last
        last, step = now, message
    times.append({"total": time.perf_counter() - started, "split": split})
print("@@" + json.dumps(times))
"""

RIGS = """
import time, json, bpy
import metastudio
metastudio.register()
times = {}
for rig in ("default", "rigify", "default", "rigify"):  # the second of each counts
    bpy.ops.wm.read_factory_settings(use_empty=True)
    started = time.perf_counter()
    bpy.ops.metastudio.make_character(params_json=json.dumps(
        {"description": "a woman", "rig": rig}))
    times[rig] = time.perf_counter() - started
print("@@" + json.dumps(times))
"""

BASELINE = """
import time, json, bpy
from metastudio.core.character import data
path = str(data.mpfb("3dobjs", "base.obj"))
times = []
for _ in range(3):
    bpy.ops.wm.read_factory_settings(use_empty=True)
    started = time.perf_counter()
    bpy.ops.wm.obj_import(filepath=path)
    times.append(time.perf_counter() - started)
print("@@" + json.dumps(times))
"""


def run(code: str, **names):
    header = "".join(f"{k} = {v!r}\n" for k, v in names.items())
    proc = subprocess.run([sys.executable, "-c", header + textwrap.dedent(code)],
                          capture_output=True, text=True, check=True)
    line = [ln for ln in proc.stdout.splitlines() if ln.startswith("@@")][-1]
    return json.loads(line[2:])


def main() -> int:
    ours = run(OURS, DESCRIPTIONS=DESCRIPTIONS)
    baseline = run(BASELINE)
    rigs = run(RIGS)
    cold = ours[0]["total"]
    warm = statistics.median(t["total"] for t in ours[1:])
    obj = statistics.median(baseline)
    print(f"cold (first character of a session): {cold:.2f} s; split: " + ", ".join(
        f"{k} {v:.2f}" for k, v in ours[0]["split"].items()))
    print(f"warm (median of the next {len(ours) - 1}): {warm:.2f} s; split of one: " +
          ", ".join(f"{k} {v:.2f}" for k, v in ours[1]["split"].items()))
    print(f"a next character with the default rig {rigs['default']:.2f} s, with the Rigify "
          f"rig (Rigify generating its controls) {rigs['rigify']:.2f} s")
    print(f"baseline, Blender's OBJ importer on base.obj alone: {obj:.2f} s")
    print(f"ratio, warm build / OBJ import: {warm / obj:.2f}; cold build / 5 s goal: "
          f"{cold / 5:.2f}; warm / goal: {warm / 5:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
