"""`metastudio character` as a user runs it: resolved fields printed, a .blend saved,
bad input refused with the field named and exit code 2."""

import json
import subprocess
import sys

from tests.bpy_process import run_bpy

CLI = [sys.executable, "-m", "metastudio_farm.cli", "character"]


def run(*args):
    return subprocess.run([*CLI, *args], capture_output=True, text=True, timeout=300)


def test_description_to_blend_and_json(tmp_path):
    blend = tmp_path / "hero.blend"
    proc = run("a short stocky grandfather in a navy coat", "--eye-color", "blue",
               "--name", "Grandpa", "--blend", str(blend), "--json", "-")
    assert proc.returncode == 0, proc.stderr
    resolved = json.loads(proc.stdout)
    assert resolved["values"]["age"] >= 60 and resolved["values"]["gender"] == 1.0
    assert resolved["sources"]["eye_color"] == "set by hand"
    assert "eye_color: blue  [set by hand]" in proc.stderr
    opened = run_bpy("""
import bpy
bpy.ops.wm.open_mainfile(filepath=path)
body = bpy.data.objects["Grandpa"]
result = [len(body.data.shape_keys.key_blocks), body["metastudio_resolved_summary"]]
""", path=str(blend))
    assert opened[0] == 68 and opened[1].startswith("male, 75 years")


def test_bad_input_names_the_field():
    proc = run("a woman", "--age", "200")
    assert proc.returncode == 2 and "age" in proc.stderr
    proc = run("a woman", "--count", "3")
    assert proc.returncode == 2 and "out" in proc.stderr
    proc = run("a woman", "--blend", "x.png")
    assert proc.returncode == 2 and "blend" in proc.stderr
