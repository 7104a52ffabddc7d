"""`metastudio background` as a user runs it."""

import json
import subprocess
import sys

from tests.bpy_process import run_bpy

CLI = [sys.executable, "-m", "metastudio_farm.cli", "background"]


def test_description_to_json_and_blend(tmp_path):
    blend = tmp_path / "world.blend"
    proc = subprocess.run([*CLI, "rolling green meadows on a bright morning", "--water",
                           "lake", "--detail", "low", "--json", "-", "--blend", str(blend)],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    resolved = json.loads(proc.stdout)
    assert resolved["values"]["biome"] == "grassland"
    assert resolved["values"]["time_of_day"] == "morning"
    assert resolved["sources"]["water"] == "set by hand"
    assert 0 < resolved["confidence"]["biome"] <= 1
    opened = run_bpy("""
import bpy
bpy.ops.wm.open_mainfile(filepath=path)
result = sorted(o.name for o in bpy.data.collections["Background"].objects
                if not o.name.startswith("Background"))
""", path=str(blend))
    # (and the plain that carries the land on to the horizon)
    assert set(opened) - {"Fog"} == {"Plain", "Sun", "Terrain", "Water"}


def test_bad_input_names_the_field():
    proc = subprocess.run([*CLI, "a desert", "--extent", "99999"], capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 2 and "extent" in proc.stderr
    proc = subprocess.run([*CLI, "a desert", "--render", "x.jpg"], capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 2 and "render" in proc.stderr
