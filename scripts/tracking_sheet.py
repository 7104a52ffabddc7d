"""Tracked frames beside the character posed from them (docs/tracking.png).

    .venv/bin/python scripts/tracking_sheet.py [--out docs/tracking.png] [--samples 16]

Needs Debian's opencv-doc (`apt-get install opencv-doc`) for its photos of real people
(OpenCV's sample data; read from where the package puts them, not copied). Each photo is
tracked with the bundled MediaPipe models (body, face and hands), its landmarks drawn on
it; the metastudio
character is made, the track baked onto it by the Track Performance operator, and the
posed character rendered headless with Cycles beside the photo. Prints, per limb, the
angle between the posed bone chain and the tracked limb.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

import numpy as np

PHOTOS = Path("/usr/share/doc/opencv-doc/examples/data")
NAMES = ["messi5.jpg", "basketball1.png", "basketball2.png"]
HEIGHT = 360
CONNECTIONS = [(11, 12), (11, 13), (13, 15), (12, 14), (14, 16), (11, 23), (12, 24),
               (23, 24), (23, 25), (25, 27), (24, 26), (26, 28), (27, 31), (28, 32),
               (0, 11), (0, 12)]


def drawn(path: Path, image_points: np.ndarray, hands: np.ndarray) -> np.ndarray:
    """The photo, scaled to HEIGHT, with the tracked skeleton and hands (2 x 21 x 3,
    NaN where unseen) drawn on it (RGB)."""
    import cv2

    image = cv2.imread(str(path), cv2.IMREAD_COLOR)
    scale = HEIGHT / image.shape[0]
    image = cv2.resize(image, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    points = (image_points[:, :2] * [image.shape[1], image.shape[0]]).astype(int)
    for a, b in CONNECTIONS:
        cv2.line(image, tuple(points[a]), tuple(points[b]), (40, 220, 255), 2, cv2.LINE_AA)
    for point in points[:33]:
        cv2.circle(image, tuple(point), 3, (255, 80, 40), -1, cv2.LINE_AA)
    for hand in hands:
        if np.isnan(hand).any():
            continue
        fingers = (hand[:, :2] * [image.shape[1], image.shape[0]]).astype(int)
        for start in (1, 5, 9, 13, 17):
            chain = [0, start, start + 1, start + 2, start + 3]
            for a, b in zip(chain, chain[1:], strict=False):
                cv2.line(image, tuple(fingers[a]), tuple(fingers[b]), (90, 255, 90), 1,
                         cv2.LINE_AA)
    return cv2.cvtColor(image, cv2.COLOR_BGR2RGB)


def posed_render(photo: Path, still: Path, samples: int) -> list[float]:
    """Make the character, bake the photo's track onto it, render it; the per-limb
    angles (degrees) between posed chains and tracked limbs."""
    import bpy
    import metastudio
    from metastudio.bl.nodes import ensure_node_tree
    from metastudio.core.tracking.filter import steady
    from metastudio.core.tracking.landmarks import Track, cache_key, default_cache
    from metastudio.core.tracking.retarget import LIMBS, PRESETS, to_blender

    bpy.ops.wm.read_factory_settings(use_empty=True)
    if not hasattr(bpy.types, "METASTUDIO_OT_track"):
        metastudio.register()
    bpy.ops.metastudio.make_character(params_json=json.dumps(
        {"description": "a man in a red t-shirt and blue shorts", "name": "Player"}))
    bpy.ops.metastudio.track(params_json=json.dumps(
        {"video": str(photo), "reference": False, "hands": True}))
    scene = bpy.context.scene
    scene.frame_set(1)
    rig = bpy.data.objects["Player rig"]
    track = Track.load(default_cache() / f"{cache_key(photo, True, True)}.npz")
    body = to_blender(steady(track.body, track.fps, 0.5))[0]
    angles = []
    for part, (start, end) in LIMBS.items():
        chain = [rig.pose.bones[n] for n in PRESETS["metastudio"][part]]
        posed = np.array(chain[-1].tail - chain[0].head)
        want = body[list(end)].mean(0) - body[list(start)].mean(0)
        cos = posed @ want / np.linalg.norm(posed) / np.linalg.norm(want)
        angles.append(float(np.degrees(np.arccos(np.clip(cos, -1, 1)))))
    camera = bpy.data.objects.new("Camera", bpy.data.cameras.new("Camera"))
    camera.data.type = "ORTHO"
    camera.data.ortho_scale = 2.6
    camera.location = (0.0, -6.0, 0.95)
    camera.rotation_euler = (np.radians(90), 0.0, 0.0)
    scene.collection.objects.link(camera)
    scene.camera = camera
    sun = bpy.data.objects.new("Sun", bpy.data.lights.new("Sun", "SUN"))
    sun.data.energy = 3.0
    sun.rotation_euler = (np.radians(50), 0.0, np.radians(-30))
    scene.collection.objects.link(sun)
    world = bpy.data.worlds.new("Grey")
    ensure_node_tree(world)
    world.node_tree.nodes["Background"].inputs["Color"].default_value = (0.3, 0.3, 0.32, 1)
    scene.world = world
    scene.render.engine = "CYCLES"
    scene.cycles.samples = samples
    scene.render.resolution_x, scene.render.resolution_y = 300, HEIGHT
    scene.render.filepath = str(still)
    bpy.ops.render.render(write_still=True)
    return angles


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("docs/tracking.png"))
    parser.add_argument("--samples", type=int, default=16)
    args = parser.parse_args()
    missing = [n for n in NAMES if not (PHOTOS / n).is_file()]
    if missing:
        print(f"needs Debian's opencv-doc (apt-get install opencv-doc): {missing}",
              file=sys.stderr)
        return 1
    import cv2
    from metastudio.core.tracking.landmarks import track

    tiles, all_angles = [], []
    with tempfile.TemporaryDirectory() as folder:
        for name in NAMES:
            result, _ = track(PHOTOS / name, hands=True)
            still = Path(folder) / f"{name}.png"
            angles = posed_render(PHOTOS / name, still, args.samples)
            all_angles += angles
            print(f"{name}: limb angles median {np.median(angles):.1f}, largest "
                  f"{max(angles):.1f} degrees")
            render = cv2.cvtColor(cv2.imread(str(still)), cv2.COLOR_BGR2RGB)
            tiles += [drawn(PHOTOS / name, result.body_image[0], result.hands_image[0]),
                      render]
            for note in result.notes:
                print(f"  note: {note}")
    sheet = np.hstack(tiles)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    cv2.imwrite(str(args.out), cv2.cvtColor(sheet, cv2.COLOR_RGB2BGR))
    print(f"all limbs: median {np.median(all_angles):.1f} degrees over {len(all_angles)}")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
