"""Hands: the character's own hand rendered with its fingers curled three ways (real
images made at test time, Cycles), tracked with MediaPipe's bundled hand model beside
the body, and baked onto the character's rig and a Rigify rig: the fingers close as the
rendered ones do."""

import numpy as np
import pytest

from tests.bpy_process import run_bpy

CURLS = (0, 30, 60)  # degrees each finger joint turns from rest, one frame each

RENDER = """
import bpy, json, math, os
import numpy as np
import metastudio
from metastudio.bl.nodes import ensure_node_tree
metastudio.register()
bpy.ops.wm.read_factory_settings(use_empty=True)
bpy.ops.metastudio.make_character(params_json=json.dumps(
    {"description": "a man in a t-shirt", "name": "Bo"}))
rig = bpy.data.objects["Bo rig"]
scene = bpy.context.scene
camera = bpy.data.objects.new("camera", bpy.data.cameras.new("camera"))
scene.collection.objects.link(camera)
camera.location, camera.rotation_euler = (0.25, -1.6, 1.05), (math.radians(90), 0, 0)
camera.data.lens = 35
scene.camera = camera
sun = bpy.data.objects.new("sun", bpy.data.lights.new("sun", "SUN"))
sun.rotation_euler, sun.data.energy = (math.radians(50), 0, math.radians(-20)), 3.0
scene.collection.objects.link(sun)
scene.world = bpy.data.worlds.new("sky")
ensure_node_tree(scene.world)
scene.world.node_tree.nodes["Background"].inputs[0].default_value = (0.5, 0.55, 0.6, 1)
scene.render.engine = "CYCLES"
scene.cycles.samples = 8
scene.render.resolution_x, scene.render.resolution_y = 480, 640

def bends(name_of):
    out = []
    for finger in range(2, 6):
        d = [np.array(rig.pose.bones[name_of(finger, k)].tail
                      - rig.pose.bones[name_of(finger, k)].head) for k in (1, 2, 3)]
        out.append([float(np.degrees(np.arccos(np.clip(
            np.dot(a, b) / np.linalg.norm(a) / np.linalg.norm(b), -1, 1))))
            for a, b in zip(d, d[1:])])
    return out

truth = []
for index, curl in enumerate(curls):
    for finger in range(2, 6):
        for k in (1, 2, 3):
            for side in "LR":
                bone = rig.pose.bones[f"finger{finger}-{k}.{side}"]
                bone.rotation_mode = "XYZ"
                bone.rotation_euler = (math.radians(curl), 0, 0)
    bpy.context.view_layer.update()
    truth.append(bends(lambda f, k: f"finger{f}-{k}.L"))
    scene.render.filepath = os.path.join(folder, f"frame_{index}.png")
    bpy.ops.render.render(write_still=True)
result = truth
"""


@pytest.fixture(scope="module")
def curled_hands(tmp_path_factory):
    folder = tmp_path_factory.mktemp("hands")
    truth = run_bpy(RENDER, folder=str(folder), curls=list(CURLS))
    return folder, np.array(truth)  # frames x 4 fingers x 2 joints, degrees


def test_fingers_close_as_the_rendered_ones_do(curled_hands, tmp_path):
    folder, truth = curled_hands
    result = run_bpy("""
import bpy, json, os
import numpy as np
os.environ["XDG_CACHE_HOME"] = cache
import metastudio
metastudio.register()
bpy.ops.wm.read_factory_settings(use_empty=True)
from metastudio.core.tracking.landmarks import track
tracked, _ = track(video, hands=True)
seen = (~np.isnan(tracked.hands[:, :, 0, 0])).tolist()
names = {"metastudio": lambda f, k: f"finger{f}-{k}.L",
         "rigify": lambda f, k: "DEF-f_" + ["index", "middle", "ring", "pinky"][f - 2]
                                + f".0{k}.L"}
bends = {}
for rig_type, bone_map in (("default", "metastudio"), ("rigify", "rigify")):
    bpy.ops.wm.read_factory_settings(use_empty=True)
    bpy.ops.metastudio.make_character(params_json=json.dumps(
        {"description": "a man in a t-shirt", "name": "Bo", "rig": rig_type}))
    rig = bpy.data.objects["Bo rig"]
    assert bpy.ops.metastudio.track(params_json=json.dumps(
        {"video": video, "hands": True, "face": False, "strength": 0.0,
         "reference": False, "bone_map": bone_map})) == {"FINISHED"}
    frames = []
    for frame in range(3):
        bpy.context.scene.frame_set(1 + frame)
        fingers = []
        for finger in range(2, 6):
            name = names[bone_map]
            d = [np.array(rig.pose.bones[name(finger, k)].tail
                          - rig.pose.bones[name(finger, k)].head) for k in (1, 2, 3)]
            fingers.append([float(np.degrees(np.arccos(np.clip(
                np.dot(a, b) / np.linalg.norm(a) / np.linalg.norm(b), -1, 1))))
                for a, b in zip(d, d[1:])])
        frames.append(fingers)
    bends[bone_map] = frames
result = {"seen": seen, "bends": bends}
""", hard_exit=True, video=str(folder), cache=str(tmp_path / "cache"))
    # The character's left hand (the picture's right) is found in every frame, and
    # given to the left wrist; the right one hangs out of the picture.
    assert [row[0] for row in result["seen"]] == [True, True, True]
    for bone_map, bends in result["bends"].items():
        bends = np.array(bends)
        error = np.abs(bends - truth)
        print(f"{bone_map}: median joint error {np.median(error):.1f} degrees, "
              f"largest {error.max():.1f}; total bends {bends.sum(axis=2).round()}")
        # Each finger closes further frame by frame, as rendered (0, +60, +120 degrees).
        total = bends.sum(axis=2)  # frames x fingers
        assert (np.diff(total, axis=0) > 0).all(), total
        assert (total[2] - total[0] > 60).all(), total
        assert np.median(error) < 20.0, error
