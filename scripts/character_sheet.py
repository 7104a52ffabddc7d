"""Render a contact sheet of characters made from descriptions (docs/characters.png).

    .venv/bin/python scripts/character_sheet.py [--out docs/characters.png] [--samples 24]
    .venv/bin/python scripts/character_sheet.py --set wardrobe --out docs/wardrobe.png

Each description is built by the Make Character operator side by side in one scene, its
text set under the feet, and the row rendered headless with Cycles; below it, a close-up
of each face (hair, brows, eyes, lips), rendered one by one and set in a second row.
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
    "a young man with a curly black afro and a beard, in a white t-shirt and jeans",
    "a Korean schoolgirl with a black ponytail, a white shirt and a navy skirt",
]
# Hats and coats (docs/wardrobe.png): each kind of hat, a coat and a lab coat.
WARDROBE = [
    "a young man with short wavy hair in a grey beanie and a navy hoodie",
    "a woman with long straight hair in a red baseball cap, a white t-shirt and jeans",
    "an old woman with a grey bob in a straw hat and a blue summer dress",
    "a man with a beard in a fedora and a long brown coat",
    "a scientist with glasses in a white lab coat",
    "a girl with a ponytail in a mustard beanie, a red raincoat and a skirt",
]
SETS = {"people": DESCRIPTIONS, "wardrobe": WARDROBE}
FACE_SIZE = 280


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("docs/characters.png"))
    parser.add_argument("--samples", type=int, default=24)
    parser.add_argument("--set", choices=sorted(SETS), default="people",
                        help="which descriptions: the eight people, or hats and coats")
    args = parser.parse_args()
    DESCRIPTIONS[:] = SETS[args.set]  # the rest of the script reads DESCRIPTIONS
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
    work = args.out.with_suffix(".parts")
    work.mkdir(exist_ok=True)
    started = time.perf_counter()
    scene.render.filepath = str((work / "row.png").resolve())
    bpy.ops.render.render(write_still=True)
    faces = _faces(scene, spacing, work)
    _stitch(work / "row.png", faces, args.out)
    for part in [work / "row.png", *faces]:
        part.unlink()
    work.rmdir()
    print(f"rendered {args.out} in {time.perf_counter() - started:.1f} s")
    return 0


def _faces(scene, spacing: float, work: Path) -> list[Path]:
    """A close-up of each character's face, lit by the sheet's lights."""
    import bpy

    camera = scene.camera
    saved = (camera.data.type, camera.location.copy(), camera.rotation_euler.copy(),
             scene.render.resolution_x, scene.render.resolution_y)
    camera.data.type, camera.data.lens, camera.data.clip_start = "PERSP", 85, 0.01
    scene.render.resolution_x = scene.render.resolution_y = FACE_SIZE
    paths = []
    for index in range(len(DESCRIPTIONS)):
        x = (index - (len(DESCRIPTIONS) - 1) / 2) * spacing
        body = bpy.data.objects[f"C{index + 1}"]
        top = max(v.co.z for v in body.data.vertices)
        eyes = [v.co for v in body.data.vertices if v.co.z > top * 0.9]
        eye_z = sum(v.z for v in eyes) / len(eyes)
        camera.location = (x + 0.18, -0.62, eye_z - 0.02)
        camera.rotation_euler = (math.radians(90), 0.0, math.radians(16))
        path = work / f"face{index + 1}.png"
        scene.render.filepath = str(path.resolve())
        bpy.ops.render.render(write_still=True)
        paths.append(path)
    camera.data.type, camera.location, camera.rotation_euler = saved[:3]
    scene.render.resolution_x, scene.render.resolution_y = saved[3:]
    return paths


def _stitch(row: Path, faces: list[Path], out: Path) -> None:
    """The full-body row above the row of faces, centred under each character."""
    import bpy
    import numpy as np

    def pixels(path):
        image = bpy.data.images.load(str(path))
        width, height = image.size
        values = np.empty(width * height * 4, np.float32)
        image.pixels.foreach_get(values)
        bpy.data.images.remove(image)
        return values.reshape(height, width, 4)

    top = pixels(row)
    width = top.shape[1]
    band = np.ones((FACE_SIZE + 20, width, 4), np.float32) * top[-1:, :, :].mean(axis=1)
    step = width / len(faces)
    for index, path in enumerate(faces):
        face = pixels(path)
        left = int(step * index + (step - FACE_SIZE) / 2)
        band[10:10 + FACE_SIZE, left:left + FACE_SIZE] = face
    sheet = np.concatenate([band, top], axis=0)  # images are stored bottom row first
    image = bpy.data.images.new("sheet", width, sheet.shape[0], alpha=True)
    image.pixels.foreach_set(sheet.ravel())
    image.filepath_raw, image.file_format = str(out.resolve()), "PNG"
    image.save()
    bpy.data.images.remove(image)


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
    scene.render.resolution_x = 300 * len(DESCRIPTIONS)
    scene.render.resolution_y = int(scene.render.resolution_x * 2.5 / (width + 0.2))
    scene.view_settings.view_transform = "AgX" if "AgX" in [
        t.identifier for t in scene.view_settings.bl_rna.properties["view_transform"]
        .enum_items] else "Filmic"


if __name__ == "__main__":
    sys.exit(main())
