"""Render time of a character's face close-up, before and after (the hair strands, the
garments and the face shaders), side by side, at each detail level.

    .venv/bin/python scripts/bench_character_render.py [--before REV] [--samples 32]

"before" checks REV (default: the last commit before strand hair, 7cb7229) out into a
temporary worktree and renders the same shot with its code; "after" is this checkout.
Each render runs in a fresh process: Cycles on the CPU, 540 x 540, the same lights.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DESCRIPTION = "a young woman with long wavy brown hair and green eyes, a blue sweater"
SHOT = """
import json, math, sys, time, bpy
import metastudio
metastudio.register()
bpy.ops.wm.read_factory_settings(use_empty=True)
scene = bpy.context.scene
params = {"description": DESCRIPTION, "name": "C"}
if DETAIL:
    params["detail"] = DETAIL
started = time.perf_counter()
assert bpy.ops.metastudio.make_character(params_json=json.dumps(params)) == {"FINISHED"}
built = time.perf_counter() - started
body = bpy.data.objects["C"]
top = max(v.co.z for v in body.data.vertices)
camera = bpy.data.objects.new("Camera", bpy.data.cameras.new("Camera"))
scene.collection.objects.link(camera)
camera.data.lens, camera.data.clip_start = 85, 0.01
camera.location = (0.2, -0.6, top * 0.93)
camera.rotation_euler = (math.radians(90), 0, math.radians(18))
scene.camera = camera
for name, energy, rotation in (("Key", 3.5, (50, 10, -35)), ("Fill", 1.2, (70, 0, 40))):
    light = bpy.data.objects.new(name, bpy.data.lights.new(name, "SUN"))
    light.data.energy = energy
    light.rotation_euler = tuple(math.radians(a) for a in rotation)
    scene.collection.objects.link(light)
world = bpy.data.worlds.new("Studio")
scene.world = world
scene.render.engine = "CYCLES"
scene.cycles.device = "CPU"
scene.cycles.samples = SAMPLES
scene.render.resolution_x = scene.render.resolution_y = 540
scene.render.filepath = OUT
started = time.perf_counter()
bpy.ops.render.render(write_still=True)
print("@@" + json.dumps({"render": time.perf_counter() - started, "build": built,
                         "strands": sum(len(o.data.curves) for o in bpy.data.objects
                                        if o.type == "CURVES")}))
"""


def _render(code_root: Path, detail: str, samples: int, out: Path) -> dict:
    with tempfile.TemporaryDirectory() as packages:
        # The checkout's own packages first on the path (ahead of the editable install).
        (Path(packages) / "metastudio").symlink_to(code_root / "addon")
        script = (f"DESCRIPTION = {DESCRIPTION!r}\nDETAIL = {detail!r}\n"
                  f"SAMPLES = {samples}\nOUT = {str(out)!r}\n" + SHOT)
        proc = subprocess.run([sys.executable, "-c", script], capture_output=True,
                              text=True, env={"PYTHONPATH": packages, "PATH": "/usr/bin"},
                              timeout=1800)
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("@@")]
    if not lines:
        raise SystemExit(f"render failed:\n{proc.stdout[-2000:]}\n{proc.stderr[-3000:]}")
    return json.loads(lines[-1][2:])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", default="7cb7229")
    parser.add_argument("--samples", type=int, default=32)
    parser.add_argument("--out", type=Path, default=Path(tempfile.gettempdir()))
    args = parser.parse_args()
    worktree = Path(tempfile.mkdtemp(prefix="metastudio-before-"))
    subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", str(worktree),
                    args.before], check=True, capture_output=True)
    try:
        before = _render(worktree, "", args.samples, args.out / "closeup-before.png")
    finally:
        subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force",
                        str(worktree)], check=True)
    print(f"before ({args.before}): build {before['build']:.2f} s, render "
          f"{before['render']:.1f} s, no strands")
    for detail in ("low", "high"):
        after = _render(ROOT, detail, args.samples, args.out / f"closeup-{detail}.png")
        print(f"after, detail {detail}: build {after['build']:.2f} s, render "
              f"{after['render']:.1f} s, {after['strands']} strands; render ratio "
              f"after/before {after['render'] / before['render']:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
