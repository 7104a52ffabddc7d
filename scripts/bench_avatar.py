"""How long Export Avatar takes per format, step by step, beside Blender's own glTF
exporter writing the same character as it is in the scene (no baking, no hair cards:
what the export costs over a plain write).

    .venv/bin/python scripts/bench_avatar.py [--texture-size 1024]

One fresh process builds "a young woman with long wavy brown hair in a green blouse and
jeans" (its hair swings: the slowest kind), then writes it as each format into a
temporary folder, then writes it with bpy.ops.export_scene.gltf directly.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import textwrap

RUN = """
import json, os, tempfile, time, bpy
import metastudio
metastudio.register()
from metastudio.bl.avatar.export import export_avatar
from metastudio.bl.character.build import build_character
from metastudio.bl.scene_guard import SceneGuard
from metastudio.core.character.avatar import AvatarSpec
from metastudio.core.character.spec import CharacterSpec
bpy.ops.wm.read_factory_settings(use_empty=True)
started = time.perf_counter()
spec = CharacterSpec(description=DESCRIPTION, name="Bench")
for _ in build_character(bpy.context, spec, SceneGuard(), []):
    pass
out = {"build": time.perf_counter() - started, "formats": {}}
folder = tempfile.mkdtemp()
for suffix in ("vrm", "glb", "fbx", "usdz"):
    split, last, step, report = {}, time.perf_counter(), None, {}
    begun = last
    for fraction, message in export_avatar(AvatarSpec(name="Bench", path=f"{folder}/b.{suffix}",
                                                      texture_size=SIZE), report):
        now = time.perf_counter()
        if step is not None:
            key = "baking" if step.startswith("baked") or step.startswith("baking") else step
            split[key] = split.get(key, 0.0) + now - last
        last, step = now, message
    out["formats"][suffix] = {"total": time.perf_counter() - begun, "split": split,
                              "triangles": report["triangles"], "bones": report["bones"],
                              "materials": report["materials"],
                              "bytes": os.path.getsize(f"{folder}/b.{suffix}")}
for obj in bpy.data.objects:
    obj.select_set(obj.get("metastudio_character") == "Bench")
begun = time.perf_counter()
bpy.ops.export_scene.gltf(filepath=f"{folder}/plain.glb", export_format="GLB",
                          use_selection=True, export_morph=True, export_skins=True)
out["plain_glb"] = time.perf_counter() - begun
print("@@" + json.dumps(out))
import shutil
shutil.rmtree(folder, ignore_errors=True)
os._exit(0)
"""

DESCRIPTION = "a young woman with long wavy brown hair in a green blouse and jeans"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--texture-size", type=int, default=1024)
    args = parser.parse_args()
    code = f"DESCRIPTION = {DESCRIPTION!r}\nSIZE = {args.texture_size}\n" + \
        textwrap.dedent(RUN)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=False)
    line = [ln for ln in done.stdout.splitlines() if ln.startswith("@@")]
    if not line:
        raise SystemExit(done.stderr[-3000:])
    result = json.loads(line[-1][2:])
    print(f"character built in {result['build']:.2f} s; textures {args.texture_size} px")
    plain = result["plain_glb"]
    print(f"Blender's glTF exporter on the character as it is: {plain:.2f} s")
    print("| format | total | ratio to the plain glTF write | steps | triangles | bones "
          "| file |")
    for suffix, figures in result["formats"].items():
        steps = ", ".join(f"{k} {v:.1f} s" for k, v in figures["split"].items()
                          if v >= 0.05)
        print(f"| {suffix} | {figures['total']:.1f} s | {figures['total'] / plain:.1f}x "
              f"| {steps} | {figures['triangles']:,} | {figures['bones']} | "
              f"{figures['bytes'] / 1e6:.1f} MB |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
