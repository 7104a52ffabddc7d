"""Live mode in a real bpy, with a real clip of a person standing in for the camera:
each step poses the rig where the tracker sees the limbs; the performance is keyed when
it stops; a camera that cannot be opened is named and nothing changes."""

from tests.bpy_process import run_bpy

SETUP = """
import bpy, json
import numpy as np
import metastudio
metastudio.register()
bpy.ops.wm.read_factory_settings(use_empty=True)
bpy.ops.metastudio.make_character(params_json=json.dumps({"name": "Ada"}))
rig = bpy.data.objects["Ada rig"]
face = bpy.data.objects["Ada"]
"""


def test_each_frame_poses_the_character_and_the_performance_is_keyed(video):
    result = run_bpy(SETUP + """
from metastudio.bl.live import LiveSession
from metastudio.core.tracking.landmarks import track
from metastudio.core.tracking.retarget import LIMBS, PRESETS, to_blender
from metastudio.core.tracking.spec import LiveSpec
session = LiveSession(bpy.context, LiveSpec(camera=video, strength=0.0))
tracked, _ = track(video)
angles, neck_turns = [], []
steps = 0
while session.step():
    bpy.context.view_layer.update()
    body = to_blender(tracked.body[steps])
    start, end = LIMBS["neck"]
    chain = [rig.pose.bones[n] for n in PRESETS["metastudio"]["neck"]]
    posed = chain[-1].tail - chain[0].head
    want = body[list(end)].mean(0) - body[list(start)].mean(0)
    cos = np.dot(posed, want) / np.linalg.norm(posed) / np.linalg.norm(want)
    angles.append(float(np.degrees(np.arccos(np.clip(cos, -1, 1)))))
    neck_turns.append(list(rig.pose.bones["neck01"].rotation_quaternion))
    steps += 1
keyed = session.stop(bpy.context)
action = rig.animation_data.action
from metastudio.bl.animation import fcurves
curves = fcurves(rig)
face_action = face.data.shape_keys.animation_data.action
result = {"steps": steps, "keyed": keyed, "angles": angles, "turns": neck_turns,
          "action": action.name, "keys": max(len(c.keyframe_points) for c in curves),
          "face_action": face_action.name if face_action else None,
          "end": bpy.context.scene.frame_end}
""", video=str(video))
    assert result["steps"] == 12 and result["keyed"] == 12
    # Posed live from each frame as the clip's tracking sees it (the same engine).
    assert max(result["angles"]) < 10.0, result["angles"]
    assert result["turns"][0] != [1.0, 0.0, 0.0, 0.0]
    assert result["action"].startswith("Live ")
    assert result["keys"] == 12 and result["face_action"].startswith("Live ")
    assert result["end"] >= 12


def test_the_operator_runs_a_video_to_its_end_and_a_bad_camera_changes_nothing(video):
    result = run_bpy(SETUP + """
def state():
    return (sorted(a.name for a in bpy.data.actions),
            rig.pose.bones["neck01"].rotation_mode)
before = state()
errors = []
for params in ({"camera": "/nowhere/clip.mp4"}, {"camera": "97"},
               {"camera": "0", "max_frames": 0}):
    try:
        bpy.ops.metastudio.live_track(params_json=json.dumps(params))
    except RuntimeError as exc:
        errors.append(str(exc).strip().splitlines()[-1])
after = state()
outcome = sorted(bpy.ops.metastudio.live_track(params_json=json.dumps(
    {"camera": video, "max_frames": 5, "record": True})))
result = {"before": before, "after": after, "errors": errors, "outcome": outcome,
          "actions": sorted(a.name for a in bpy.data.actions)}
""", video=str(video))
    assert "no such camera index or video file" in result["errors"][0]
    assert "camera: 97 cannot be opened" in result["errors"][1]
    assert result["after"] == result["before"]
    assert result["outcome"] == ["FINISHED"]
    assert any(name.startswith("Live ") for name in result["actions"])
