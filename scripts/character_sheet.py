"""Render a contact sheet of characters made from descriptions (docs/characters.png).

    .venv/bin/python scripts/character_sheet.py [--out docs/characters.png] [--samples 24]

Each description is built by the Make Character operator side by side in one scene, its
text set under the feet, and the row rendered headless with Cycles.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import textwrap
import time
from pathlib import Path

DESCRIPTIONS = [
    "a tall elderly woman with dark skin in a red jacket",
    "a chubby little boy in shorts and a yellow t-shirt",
    "a muscular Korean man in his thirties, black hoodie, blue jeans",
    "a slender teenage girl with green eyes wearing a purple dress",
    "a bald, short, stocky grandfather in a navy coat and khaki trousers",
    "a young woman with pale skin and blonde hair, a white t-shirt and a denim skirt",
]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("docs/characters.png"))
    parser.add_argument("--samples", type=int, default=24)
    args = parser.parse_args()
    import bpy
    import metastudio

    metastudio.register()
    bpy.ops.wm.read_factory_settings(use_empty=True)
    scene = bpy.context.scene
    spacing = 1.35
    started = time.perf_counter()
    for index, description in enumerate(DESCRIPTIONS):
        name = f"C{index + 1}"
        status = bpy.ops.metastudio.make_character(params_json=json.dumps(
            {"description": description, "name": name}))
        if status != {"FINISHED"}:
            print(f"failed: {description}", file=sys.stderr)
            return 1
        x = (index - (len(DESCRIPTIONS) - 1) / 2) * spacing
        bpy.data.objects[f"{name} rig"].location.x = x
        print(f"{name}: {bpy.data.objects[name]['metastudio_resolved_summary']}")
        text = bpy.data.curves.new(f"{name} label", "FONT")
        text.body = "\n".join(textwrap.wrap(description, 22))
        text.size, text.align_x = 0.075, "CENTER"
        label = bpy.data.objects.new(f"{name} label", text)
        label.location = (x, -0.4, -0.1)
        label.rotation_euler = (math.radians(90), 0, 0)
        label.data.materials.append(_ink())
        scene.collection.objects.link(label)
    print(f"built {len(DESCRIPTIONS)} characters in {time.perf_counter() - started:.1f} s")
    _stage(scene, spacing * len(DESCRIPTIONS), args.samples)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    scene.render.filepath = str(args.out.resolve())
    started = time.perf_counter()
    bpy.ops.render.render(write_still=True)
    print(f"rendered {args.out} in {time.perf_counter() - started:.1f} s")
    return 0


def _ink():
    import bpy
    from metastudio.bl.nodes import ensure_node_tree

    ink = bpy.data.materials.get("Ink") or bpy.data.materials.new("Ink")
    ink.diffuse_color = (0.02, 0.02, 0.02, 1)
    ensure_node_tree(ink)
    ink.node_tree.nodes["Principled BSDF"].inputs["Base Color"].default_value = (
        0.01, 0.01, 0.01, 1)
    return ink


def _stage(scene, width: float, samples: int) -> None:
    import bpy
    from metastudio.bl.nodes import ensure_node_tree

    camera = bpy.data.objects.new("Camera", bpy.data.cameras.new("Camera"))
    scene.collection.objects.link(camera)
    camera.data.type = "ORTHO"
    camera.data.ortho_scale = width + 0.2
    camera.location = (0.0, -8.0, 0.8)
    camera.rotation_euler = (math.radians(90), 0.0, 0.0)
    scene.camera = camera
    for name, energy, rotation in (("Key", 3.5, (50, 10, -35)), ("Fill", 1.2, (70, 0, 40))):
        light = bpy.data.objects.new(name, bpy.data.lights.new(name, "SUN"))
        light.data.energy = energy
        light.rotation_euler = tuple(math.radians(a) for a in rotation)
        scene.collection.objects.link(light)
    world = bpy.data.worlds.new("Studio")
    ensure_node_tree(world)
    world.node_tree.nodes["Background"].inputs["Color"].default_value = (0.5, 0.52, 0.55, 1)
    world.node_tree.nodes["Background"].inputs["Strength"].default_value = 0.5
    scene.world = world
    floor = bpy.data.meshes.new("Floor")
    floor.from_pydata([(-20, -20, 0), (20, -20, 0), (20, 20, 0), (-20, 20, 0)], [],
                      [(0, 1, 2, 3)])
    scene.collection.objects.link(bpy.data.objects.new("Floor", floor))
    scene.render.engine = "CYCLES"
    scene.cycles.device = "CPU"
    scene.cycles.samples = samples
    scene.render.resolution_x = 1800
    scene.render.resolution_y = int(1800 * 2.5 / (width + 0.2))
    scene.view_settings.view_transform = "AgX" if "AgX" in [
        t.identifier for t in scene.view_settings.bl_rna.properties["view_transform"]
        .enum_items] else "Filmic"


if __name__ == "__main__":
    sys.exit(main())
