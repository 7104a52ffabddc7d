"""The operator shape on a real operator (Add Sample Shot), in a fresh bpy per test:
execute, the modal path driven tick by tick, Esc and failures that leave no trace, the
headless runner the farm uses."""

from tests.bpy_process import run_bpy

# A snapshot of everything the operator could touch, to compare before and after.
STATE = """
import bpy

def state():
    scene = bpy.context.scene
    counts = {name: len(getattr(bpy.data, name)) for name in (
        "objects", "meshes", "materials", "images", "lights", "cameras", "worlds",
        "collections", "actions")}
    return {"objects": sorted(o.name for o in bpy.data.objects), "counts": counts,
            "camera": scene.camera.name if scene.camera else None,
            "world": scene.world.name if scene.world else None,
            "frames": [scene.frame_start, scene.frame_end],
            "children": [c.name for c in scene.collection.children]}

def ball_x(frame):
    bpy.context.scene.frame_set(frame)
    return round(bpy.data.objects["Ball"].matrix_world.translation.x, 4)

import metastudio
metastudio.register()


class Stand:
    # Plays the operator instance Blender would make: the registered class's own methods
    # run on it, so invoke's and modal's code is what the test drives.
    def __init__(self, operator, params_json=""):
        self._operator, self.params_json, self.reports = operator, params_json, []

    def __getattr__(self, name):
        value = getattr(self._operator, name)
        return value.__get__(self) if callable(value) and hasattr(value, "__get__") else value

    def report(self, kind, message):
        self.reports.append([sorted(kind)[0], message])


class Event:
    def __init__(self, kind):
        self.type = kind


OPERATOR = bpy.types.Operator.bl_rna_get_subclass_py("METASTUDIO_OT_add_sample_shot")
"""


def test_execute_builds_the_shot_from_the_panel_settings():
    result = run_bpy(STATE + """
bpy.ops.wm.read_factory_settings(use_empty=True)
settings = bpy.context.scene.metastudio.sample_shot
settings.frames, settings.distance = 12, 8.0
outcome = bpy.ops.metastudio.add_sample_shot()
result = {"outcome": sorted(outcome), "state": state(),
          "x": [ball_x(1), ball_x(12)],
          "in_collection": sorted(o.name for o in bpy.data.collections["Sample Shot"].objects)}
""")
    assert result["outcome"] == ["FINISHED"]
    assert result["state"]["objects"] == ["Ball", "Camera", "Ground", "Sun"]
    assert result["in_collection"] == ["Ball", "Camera", "Ground", "Sun"]
    assert result["state"]["camera"] == "Camera" and result["state"]["world"] == "Sky"
    assert result["state"]["frames"] == [1, 12]
    assert result["x"] == [-4.0, 4.0]  # 8 m, from the panel's settings


def test_invoke_path_driven_tick_by_tick_until_it_finishes():
    result = run_bpy(STATE + """
bpy.ops.wm.read_factory_settings(use_empty=True)
stand = Stand(OPERATOR, '{"frames": 30}')
stand.begin(bpy.context)  # what invoke() does before it hands over to the timer
bpy.context.window_manager.progress_begin(0, 100)
ticks, outcome, fractions = 0, None, []
while outcome is None:
    answer = OPERATOR.modal(stand, bpy.context, Event("TIMER"))
    assert OPERATOR.modal(stand, bpy.context, Event("MOUSEMOVE")) == {"PASS_THROUGH"} or \
        answer != {"RUNNING_MODAL"}
    ticks += 1
    fractions.append(stand._run.fraction)
    if answer != {"RUNNING_MODAL"}:
        outcome = sorted(answer)
result = {"ticks": ticks, "fractions": fractions, "outcome": outcome,
          "reports": stand.reports, "state": state(), "x": [ball_x(1), ball_x(30)]}
""")
    assert result["outcome"] == ["FINISHED"]
    assert result["ticks"] == 7  # six steps, then the tick that finds them done
    assert result["fractions"] == sorted(result["fractions"])
    assert result["fractions"][-1] == 1.0
    assert result["reports"] == [["INFO", "Added a 30-frame sample shot"]]
    assert result["state"]["objects"] == ["Ball", "Camera", "Ground", "Sun"]
    assert result["state"]["frames"] == [1, 30]
    assert result["x"] == [-3.0, 3.0]


def test_escape_part_way_leaves_the_scene_as_it_was():
    result = run_bpy(STATE + """
scene = bpy.context.scene  # the factory scene: a cube, a camera, a light
before = state()
stand = Stand(OPERATOR, '{"frames": 40}')
stand.begin(bpy.context)
for _ in range(4):  # the ground and the ball are built, the camera not yet
    assert OPERATOR.modal(stand, bpy.context, Event("TIMER")) == {"RUNNING_MODAL"}
middle = state()
answer = OPERATOR.modal(stand, bpy.context, Event("ESC"))
result = {"before": before, "middle": middle, "after": state(),
          "answer": sorted(answer), "reports": stand.reports}
""")
    assert result["answer"] == ["CANCELLED"]
    assert "Ball" in result["middle"]["objects"]  # the cancel came part-way
    assert result["after"] == result["before"]
    assert result["reports"][0][0] == "WARNING" and "cancelled" in result["reports"][0][1]


def test_a_failing_step_or_a_bad_field_leaves_the_scene_as_it_was(tmp_path):
    corrupt = tmp_path / "ground.png"
    corrupt.write_bytes(b"not a picture at all")
    result = run_bpy(STATE + """
before = state()
errors = []
settings = bpy.context.scene.metastudio.sample_shot
settings.use_ground_texture, settings.ground_texture = True, corrupt
try:
    bpy.ops.metastudio.add_sample_shot()  # fails after its collection and image exist
except RuntimeError as exc:
    errors.append(str(exc))
try:
    bpy.ops.metastudio.add_sample_shot(params_json='{"frames": 1, "ball_color": [2, 0, 0]}')
except RuntimeError as exc:
    errors.append(str(exc))
settings.ground_texture = "/nowhere/ground.png"
try:
    bpy.ops.metastudio.add_sample_shot()
except RuntimeError as exc:
    errors.append(str(exc))
result = {"before": before, "after": state(), "errors": errors}
""", corrupt=str(corrupt))
    assert result["after"] == result["before"]
    first, second, third = result["errors"]
    assert f"ground_texture: Blender cannot read {tmp_path / 'ground.png'}" in first
    assert "frames: Input should be greater than or equal to 2" in second
    assert "ball_color: Value error, each channel must be between 0 and 1" not in second
    assert "ball_color: each channel must be between 0 and 1" in second
    assert "ground_texture: no such image file: /nowhere/ground.png" in third
    assert "Traceback" not in "".join(result["errors"])


def test_run_operator_by_id_with_json_as_the_farm_does():
    result = run_bpy("""
import bpy
from metastudio.runner import run_operator
from metastudio.core.errors import JobSpecError, OperatorError
from metastudio.core.sample_shot import SampleShotSpec

bpy.ops.wm.read_factory_settings(use_empty=True)
registered_before = hasattr(bpy.types.Scene, "metastudio")
messages = [run_operator("metastudio.add_sample_shot", '{"frames": 8, "set_camera": false}')]
run_operator("metastudio.add_sample_shot", SampleShotSpec(frames=9))
for operator, params in (("metastudio.make_coffee", {}),
                         ("metastudio.add_sample_shot", {"frames": "many"})):
    try:
        run_operator(operator, params)
    except JobSpecError as exc:
        messages.append(str(exc))
scene = bpy.context.scene
result = {"registered_before": registered_before, "messages": messages,
          "objects": sorted(o.name for o in bpy.data.objects),
          "camera": scene.camera.name, "frames": scene.frame_end}
""")
    assert result["registered_before"] is False  # the runner registered the package
    assert result["messages"][0] == "metastudio.add_sample_shot: finished"
    assert "operator: unknown operator 'metastudio.make_coffee'" in result["messages"][1]
    assert "metastudio.add_sample_shot: frames: Input should be a valid integer" in \
        result["messages"][2]
    assert result["objects"] == ["Ball", "Ball.001", "Camera", "Camera.001", "Ground",
                                 "Ground.001", "Sun", "Sun.001"]
    assert result["camera"] == "Camera.001" and result["frames"] == 9


def _escape_then_resubmit(tmp_path) -> dict:
    from tests.bpy_process import build_scene

    shot = build_scene(tmp_path / "shot.blend", frames=40, resolution=(64, 36), samples=4)
    return run_bpy(STATE + """
import os, sys, time
os.environ["PATH"] = os.path.dirname(sys.executable) + os.pathsep + os.environ["PATH"]
bpy.ops.wm.open_mainfile(filepath=shot)
farm_op = bpy.types.Operator.bl_rna_get_subclass_py("METASTUDIO_OT_render_on_farm")
stand = Stand(farm_op)
stand.begin(bpy.context)
from metastudio.ops.farm import farm_status
deadline = time.time() + 120
began, seen = time.time(), []
while farm_status().done < 2 and time.time() < deadline:  # let a few frames finish
    assert farm_op.modal(stand, bpy.context, Event("TIMER")) == {"RUNNING_MODAL"}
    seen.append((round(time.time() - began, 2), farm_status().done))
answer = sorted(farm_op.modal(stand, bpy.context, Event("ESC")))
seen.append((round(time.time() - began, 2), "esc", farm_status().done))
status = farm_status()
stopped = [status.running, status.done, status.total]
out = os.path.join(os.path.dirname(shot), "render")
before = {n: os.stat(os.path.join(out, n)).st_mtime_ns for n in os.listdir(out)
          if n.endswith(".png")}
first = len(before)
again = sorted(bpy.ops.metastudio.render_on_farm())
status = farm_status()
kept = all(os.stat(os.path.join(out, n)).st_mtime_ns == t for n, t in before.items())
result = {"answer": answer, "reports": stand.reports, "stopped": stopped,
          "seen": [entry for i, entry in enumerate(seen) if i == 0 or entry[1:] != seen[i - 1][1:]],
          "first": first, "again": again, "message": status.message, "kept": kept,
          "frames": len([n for n in os.listdir(out) if n.endswith(".png")])}
""", shot=shot)


def test_render_on_farm_escape_stops_the_farm_and_resubmitting_finishes(tmp_path):
    result = _escape_then_resubmit(tmp_path)
    assert result["answer"] == ["CANCELLED"]
    assert result["reports"][-1] == ["WARNING", "farm render stopped; Render on Farm again "
                                                "renders only the missing frames"]
    running, done, total = result["stopped"]
    # "seen": (seconds, frames done) at each change while waiting, then at Esc.
    assert running is False and 2 <= done < total == 40, result["seen"]
    assert result["again"] == ["FINISHED"] and result["frames"] == 40
    assert "40/40 frames" in result["message"]


def test_resubmitting_from_blender_does_not_render_finished_frames_again(tmp_path):
    result = _escape_then_resubmit(tmp_path)
    assert result["first"] >= 2 and result["kept"]
