"""Track Performance in a real bpy: a real clip of a person baked onto the character's own
rig and face; the posed bones point where the tracked limbs do; a cancel or bad input
leaves nothing behind."""

import json

import numpy as np
from metastudio.core.tracking.retarget import LIMBS, PRESETS

from tests.bpy_process import run_bpy

SETUP = """
import bpy, json, os
import numpy as np
os.environ["XDG_CACHE_HOME"] = cache
import metastudio
metastudio.register()
bpy.ops.wm.read_factory_settings(use_empty=True)
bpy.ops.metastudio.make_character(params_json=json.dumps(
    {"description": "a woman", "name": "Ada"}))
rig = bpy.data.objects["Ada rig"]

def track(**params):
    params = {"video": video, **params}
    return sorted(bpy.ops.metastudio.track(params_json=json.dumps(params)))
"""


def test_a_clip_is_baked_onto_the_character_and_limbs_follow(sequence, tmp_path):
    result = run_bpy(SETUP + """
from metastudio.core.tracking.filter import steady
from metastudio.core.tracking.landmarks import Track, default_cache, cache_key
from metastudio.core.tracking.retarget import (
    LIMBS, PRESETS, proportion, resolve_map, root_motion, to_blender)
from metastudio.bl.tracking import rest_bones
outcome = track(strength=0.5, root_motion=True)
action = rig.animation_data.action
scene = bpy.context.scene
scene.frame_set(1)
root_start = (rig.matrix_world @ rig.pose.bones["root"].head).copy()
scene.frame_set(12)
root_moved = list(rig.matrix_world @ rig.pose.bones["root"].head - root_start)
face = bpy.data.objects["Ada"]
jaw = [face.data.shape_keys.key_blocks["jawOpen"].value]
scene = bpy.context.scene
saved = Track.load(default_cache() / (cache_key(video, True) + ".npz"))
body = to_blender(steady(saved.body, saved.fps, 0.5))
angles = []
for frame in range(saved.frames):
    scene.frame_set(1 + frame)
    for part in ("neck", "upper_arm.L", "upper_arm.R"):
        start, end = LIMBS[part]
        if saved.visibility[frame, list(start + end)].min() < 0.5:
            continue
        chain = [rig.pose.bones[n] for n in PRESETS["metastudio"][part]]
        posed = chain[-1].tail - chain[0].head
        want = body[frame, list(end)].mean(0) - body[frame, list(start)].mean(0)
        cos = np.dot(posed, want) / np.linalg.norm(posed) / np.linalg.norm(want)
        angles.append(float(np.degrees(np.arccos(np.clip(cos, -1, 1)))))
result = {"outcome": outcome, "action": action.name if action else None,
          "modes": rig.pose.bones["neck01"].rotation_mode,
          "face_action": bool(face.data.shape_keys.animation_data and
                              face.data.shape_keys.animation_data.action),
          "plane": "Track reference" in bpy.data.objects, "angles": angles,
          "frame_end": scene.frame_end, "root_moved": root_moved,
          "root_expected": root_motion(
              steady(saved.body_image, saved.fps, 0.5), steady(saved.body, saved.fps, 0.5),
              saved.size, proportion(rest_bones(rig), resolve_map("metastudio", list(
                  rig.data.bones.keys())), saved.body, saved.visibility),
              visibility=saved.visibility)[11].tolist()}
""", video=str(sequence), cache=str(tmp_path / "cache"))
    assert result["outcome"] == ["FINISHED"]
    assert result["action"].startswith("Track") and result["modes"] == "QUATERNION"
    assert result["face_action"] and result["plane"] and result["frame_end"] >= 12
    # The root bone moves in the world as the core says (its own rest frame undone).
    assert np.allclose(result["root_moved"], result["root_expected"], atol=0.002)
    assert result["root_moved"][0] < -0.03  # across the floor, to -X
    angles = sorted(result["angles"])
    assert len(angles) >= 12
    assert angles[len(angles) // 2] < 10.0 and angles[-1] < 20.0, angles


def test_cancel_and_bad_input_leave_nothing(sequence, tmp_path):
    import cv2
    import numpy as np

    wall = tmp_path / "wall"
    wall.mkdir()
    for i in range(3):
        cv2.imwrite(str(wall / f"w_{i}.png"), np.full((240, 320, 3), 128, np.uint8))
    result = run_bpy(SETUP + """
from metastudio.ops.tracking import METASTUDIO_OT_track
def state():
    return (sorted(a.name for a in bpy.data.actions), sorted(o.name for o in bpy.data.objects),
            rig.pose.bones["neck01"].rotation_mode, len(bpy.data.images))
before = state()
errors = []
for params in ({"video": wall_dir}, {"video": video, "armature": "nobody"},
               {"video": os.path.join(wall_dir, "missing.mp4")}):
    try:
        bpy.ops.metastudio.track(params_json=json.dumps(params))
    except RuntimeError as exc:
        errors.append(str(exc).strip().splitlines()[-1])
after_errors = state()
# Cancel half-way: run the steps by hand, stop once baking has begun.
from metastudio.bl.scene_guard import SceneGuard
from metastudio.bl.tracking import bake_track
from metastudio.core.tracking.spec import TrackSpec
from metastudio.ops.stepped import StepRun
guard = SceneGuard()
run = StepRun(bake_track(bpy.context, TrackSpec(video=video), guard, []), guard)
while run.fraction < 0.85 and not run.advance():
    pass
mid = state()
run.cancel()
result = {"before": before, "after_errors": after_errors, "mid": mid,
          "after_cancel": state(), "errors": errors}
""", video=str(sequence), wall_dir=str(wall), cache=str(tmp_path / "cache"))
    assert "no person was found in any of its 3 frames" in result["errors"][0]
    assert "armature: no armature object named 'nobody'" in result["errors"][1]
    assert "missing.mp4: no such file" in result["errors"][2]
    assert json.dumps(result["after_errors"]) == json.dumps(result["before"])
    assert result["mid"] != result["before"]  # the cancel came after baking started
    assert json.dumps(result["after_cancel"]) == json.dumps(result["before"])


def test_the_command_line_writes_json_and_bakes_a_blend(sequence, tmp_path):
    import os
    import subprocess
    import sys

    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")}
    rig = tmp_path / "rig.blend"
    run_bpy("""
import bpy, json
bpy.ops.wm.read_factory_settings(use_empty=True)
import metastudio
metastudio.register()
bpy.ops.metastudio.make_character(params_json=json.dumps({"name": "Ada"}))
bpy.ops.wm.save_as_mainfile(filepath=path)
result = True
""", path=str(rig))
    command = [sys.executable, "-m", "metastudio_farm.cli", "track", str(sequence)]
    out = subprocess.run(command + ["--json", "-", "--strength", "0.8"], env=env,
                         capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert data["frames"] == 12 and all(data["found"]) and len(data["body_world"][0]) == 33
    assert 0.0 <= data["face"]["jawOpen"][0] <= 1.0 and "eyeBlinkLeft" in data["face"]
    baked = tmp_path / "baked.blend"
    out = subprocess.run(command + ["--blend", str(rig), "--out", str(baked)], env=env,
                         capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    assert "from the cache" in out.stderr  # tracked once, by the first run
    opened = run_bpy("""
import bpy
bpy.ops.wm.open_mainfile(filepath=path)
rig = bpy.data.objects["Ada rig"]
result = rig.animation_data.action.name
""", path=str(baked))
    assert opened.startswith("Track")
    bad = subprocess.run(command + ["--blend", str(rig)], env=env, capture_output=True,
                         text=True, timeout=300)
    assert bad.returncode == 2 and "--blend and --out go together" in bad.stderr


# Each part's deforming bones in the two rigs: the limb runs from the first's head to
# the last's tail.
DEFORM = {
    "metastudio": {part: (chain[0], chain[-1]) for part, chain in PRESETS["metastudio"].items()
                   if part in LIMBS},
    "rigify": {**{f"{part}.{side}": (f"DEF-{part}.{side}", f"DEF-{part}.{side}.001")
                  for part in ("upper_arm", "forearm", "thigh", "shin") for side in "LR"},
               **{f"{part}.{side}": (f"DEF-{part}.{side}", f"DEF-{part}.{side}")
                  for part in ("hand", "foot") for side in "LR"},
               "neck": ("DEF-spine.005", "DEF-spine.005"),
               "spine": ("DEF-spine", "DEF-spine.004")},
}


def test_every_limb_follows_on_the_characters_rig_and_on_rigify(posed_clip):
    clip, cache = posed_clip
    for rig_type, bone_map in (("default", "metastudio"), ("rigify", "rigify")):
        result = run_bpy("""
import bpy, json, os
import numpy as np
os.environ["XDG_CACHE_HOME"] = cache
import metastudio
metastudio.register()
bpy.ops.wm.read_factory_settings(use_empty=True)
bpy.ops.metastudio.make_character(params_json=json.dumps(
    {"description": "a man", "name": "Bo", "rig": rig_type}))
rig = bpy.data.objects["Bo rig"]
switch = rig.pose.bones.get("upper_arm_parent.L")
ik_before = switch["IK_FK"] if switch else None
outcome = sorted(bpy.ops.metastudio.track(params_json=json.dumps(
    {"video": clip, "bone_map": bone_map, "face": False, "strength": 0.0,
     "reference": False})))
from metastudio.core.tracking.landmarks import Track, default_cache, cache_key
from metastudio.core.tracking.retarget import LIMBS, to_blender
saved = Track.load(default_cache() / (cache_key(clip, True) + ".npz"))
body = to_blender(saved.body)
angles = {}
for frame in range(saved.frames):
    bpy.context.scene.frame_set(1 + frame)
    for part, (first, last) in deform.items():
        start, end = LIMBS[part]
        posed = rig.pose.bones[last].tail - rig.pose.bones[first].head
        want = body[frame, list(end)].mean(0) - body[frame, list(start)].mean(0)
        cos = np.dot(posed, want) / np.linalg.norm(posed) / np.linalg.norm(want)
        angles.setdefault(part, []).append(float(np.degrees(np.arccos(np.clip(cos, -1, 1)))))
result = {"outcome": outcome, "angles": angles, "ik_before": ik_before,
          "ik_after": switch["IK_FK"] if switch else None}
""", hard_exit=True, clip=str(clip), cache=str(cache), rig_type=rig_type,
            bone_map=bone_map, deform=DEFORM[bone_map])
        assert result["outcome"] == ["FINISHED"]
        worst = {part: max(values) for part, values in result["angles"].items()}
        assert len(worst) == len(DEFORM[bone_map])
        # The spine is no part of Rigify's map: its torso's turn carries it.
        assert all(angle < 3.0 for angle in worst.values()), (bone_map, worst)
        if bone_map == "rigify":  # its arms switched from IK to FK to be baked
            assert result["ik_before"] == 0.0 and result["ik_after"] == 1.0


def test_planted_feet_stay_on_the_floor_as_the_performer_crouches(crouch_clip):
    clip, cache = crouch_clip
    result = run_bpy("""
import bpy, json, os
os.environ["XDG_CACHE_HOME"] = cache
import metastudio
metastudio.register()
bpy.ops.wm.read_factory_settings(use_empty=True)
bpy.ops.metastudio.make_character(params_json=json.dumps({"name": "Bo"}))
rig = bpy.data.objects["Bo rig"]
from metastudio.bl.animation import fcurves
heights, root_keyed = {}, {}
for lock in (False, True):
    bpy.ops.metastudio.track(params_json=json.dumps(
        {"video": clip, "face": False, "strength": 0.0, "reference": False,
         "foot_lock": lock}))
    root_keyed[str(lock)] = any(c.data_path == 'pose.bones["root"].location'
                                for c in fcurves(rig))
    series = []
    for frame in range(1, 13):
        bpy.context.scene.frame_set(frame)
        series.append([(rig.matrix_world @ rig.pose.bones[f"foot.{s}"].head).z
                       for s in "LR"] + [(rig.matrix_world @ rig.pose.bones["root"].head).z])
    heights[str(lock)] = series
result = {"heights": heights, "root_keyed": root_keyed,
          "rest": [(rig.matrix_world @ rig.data.bones[f"foot.{s}"].head_local).z
                   for s in "LR"]}
""", clip=str(clip), cache=str(cache))
    rest = np.array(result["rest"])
    free = np.array(result["heights"]["False"])
    locked = np.array(result["heights"]["True"])
    # Unlocked, the hips stay up and the feet leave the floor as the knees bend.
    assert (free[-1, :2] - rest > 0.08).all(), free[-1]
    # Locked, the hips come down instead and both ankles stay at their height at rest.
    assert np.abs(locked[:, :2] - rest).max() < 0.01, locked[:, :2] - rest
    assert locked[-1, 2] < free[-1, 2] - 0.08
    # With neither root motion nor a foot to hold, the hips get no location keys.
    assert result["root_keyed"] == {"False": False, "True": True}
