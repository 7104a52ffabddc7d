#!/usr/bin/env python
"""Blender Studio's asset tracer (blender_asset_tracer, BAT) against the project's own
.blend reading, on scenes that use files in the ways the farm must carry: a texture, an
image sequence, UDIM tiles, a linked library with a texture of its own (relative to the
library), a sound strip.

For each scene: the files BAT finds without Blender (service/blend_scan.py, what the
service's admission uses) and the files a worker's Blender finds after opening the scene
(bl/scene_io.inspect_scene, what the scheduler uploads), and the time each takes; and
the version header both read. Usage:
    .venv/bin/python scripts/bench_blend_reading.py
"""

from __future__ import annotations

import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.bpy_process import build_scene, run_bpy  # noqa: E402

MAKE = """
import bpy, os
root = folder

def image(path, colour):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    img = bpy.data.images.new(os.path.basename(path), 4, 4)
    img.pixels = list(colour) * 16
    img.filepath_raw = path
    img.file_format = "PNG"
    img.save()

def textured(material, path, source="FILE"):
    tex = material.node_tree.nodes.new("ShaderNodeTexImage")
    tex.image = bpy.data.images.load(path)
    tex.image.source = source
    return tex

# The library: a material with a texture beside it.
bpy.ops.wm.read_factory_settings(use_empty=True)
image(f"{root}/assets/tex/blue.png", (0, 0, 1, 1))
lib_mat = bpy.data.materials.new("LibMat")
lib_mat.use_fake_user = True
textured(lib_mat, f"{root}/assets/tex/blue.png")
bpy.ops.wm.save_as_mainfile(filepath=f"{root}/assets/lib.blend", relative_remap=True)

bpy.ops.wm.open_mainfile(filepath=scene)
mat = bpy.data.materials.new("Uses")
image(f"{root}/tex/ground.png", (1, 0, 0, 1))
textured(mat, f"{root}/tex/ground.png")
for n in (1, 2, 3):
    image(f"{root}/seq/frame_{n:03d}.png", (0, 1, 0, 1))
textured(mat, f"{root}/seq/frame_001.png", "SEQUENCE")
for tile in (1001, 1002):
    image(f"{root}/udim/skin.{tile}.png", (1, 1, 0, 1))
udim = textured(mat, f"{root}/udim/skin.1001.png", "TILED")
mat.use_fake_user = True
with bpy.data.libraries.load(f"{root}/assets/lib.blend", link=True, relative=True) as (_, to):
    to.materials = ["LibMat"]
bpy.data.materials["LibMat"].use_fake_user = False
import struct, wave
os.makedirs(f"{root}/sound", exist_ok=True)
with wave.open(f"{root}/sound/line.wav", "wb") as w:
    w.setnchannels(1)
    w.setsampwidth(2)
    w.setframerate(16000)
    w.writeframes(struct.pack("<160h", *([0] * 160)))
scene_ = bpy.context.scene
scene_.sequence_editor_create()
editor = scene_.sequence_editor
strips = editor.strips if hasattr(editor, "strips") else editor.sequences  # 5.0 renamed it
strips.new_sound("line", f"{root}/sound/line.wav", 1, 1)
fake = bpy.data.objects.new("LibUser", bpy.data.meshes.new("LibUser"))
fake.data.materials.append(bpy.data.materials["LibMat"])
scene_.collection.objects.link(fake)
bpy.ops.wm.save_mainfile(relative_remap=True)
result = True
"""

INSPECT = """
import time, bpy
from metastudio.bl.scene_io import inspect_scene, open_scene
times = []
for _ in range(3):
    started = time.perf_counter()
    open_scene(scene)
    info = inspect_scene()
    times.append(time.perf_counter() - started)
result = {"files": sorted(info.dependencies), "sets": info.file_sets, "seconds": times}
"""


def main() -> int:
    from metastudio.core.blendfile import blend_version
    from metastudio_farm.service.blend_scan import scan_blend

    with tempfile.TemporaryDirectory(prefix="metastudio-bat-") as folder:
        root = Path(folder)
        scene = build_scene(root / "shot.blend", frames=2)
        run_bpy(MAKE, folder=str(root), scene=scene)
        timings = []
        for _ in range(5):
            started = time.perf_counter()
            from metastudio_farm.service import blend_scan

            blend_scan._SCANNED.clear()  # no cached answer: every scan reads the files
            found = scan_blend(Path(scene), lambda path: True)
            timings.append(time.perf_counter() - started)
        bat = sorted({str(u.path) for u in found if not u.write})
        blender = run_bpy(INSPECT, scene=scene)
        ours = sorted(blender["files"])

        def short(paths):
            return [str(Path(p).relative_to(root)) if p.startswith(str(root)) else p
                    for p in paths]

        print(f"scene: {short([scene])[0]}")
        print(f"BAT, without Blender: {len(bat)} files in "
              f"{statistics.median(timings) * 1000:.1f} ms (median of 5, cache cleared)")
        for path in short(bat):
            print(f"  {path}")
        print(f"Blender on a worker (open + inspect): {len(ours)} files in "
              f"{statistics.median(blender['seconds']) * 1000:.0f} ms (median of 3, bpy "
              f"already imported)")
        for path in short(ours):
            print(f"  {path}")
        print(f"sets (sequences, UDIM) Blender names: {json.dumps(short(blender['sets']))}")
        only_bat = sorted(set(short(bat)) - set(short(ours)))
        only_ours = sorted(set(short(ours)) - set(short(bat)))
        print(f"only BAT: {only_bat}")
        print(f"only Blender: {only_ours}")
        started = time.perf_counter()
        for _ in range(1000):
            version = blend_version(Path(scene))
        print(f"header (core/blendfile.blend_version): {version} in "
              f"{(time.perf_counter() - started):.3f} ms per read")
    return 0


if __name__ == "__main__":
    sys.exit(main())
