"""Avatars out, checked with the clients the files are made for: `metastudio character
... --export` writes a VRM 1.0 that Khronos's glTF-Validator passes and that three.js
with @pixiv/three-vrm loads in headless Chromium (its expressions drive the face), a GLB
whose morph targets carry ARKit's names, and refuses a bad path or rig in one line."""

import json
import struct
import subprocess
import sys
from pathlib import Path

import pytest

from tests.web import clients

CLI = [sys.executable, "-m", "metastudio_farm.cli", "character"]
ARKIT = ["browDownLeft", "browInnerUp", "eyeBlinkLeft", "eyeBlinkRight", "eyeLookUpLeft",
         "jawOpen", "mouthClose", "mouthFunnel", "mouthPucker", "mouthSmileLeft",
         "mouthSmileRight", "noseSneerRight", "tongueOut", "cheekPuff"]
REQUIRED_BONES = {"hips", "spine", "head", "leftUpperArm", "leftLowerArm", "leftHand",
                  "rightUpperArm", "rightLowerArm", "rightHand", "leftUpperLeg",
                  "leftLowerLeg", "leftFoot", "rightUpperLeg", "rightLowerLeg",
                  "rightFoot"}
PRESETS = {"aa", "ih", "ou", "ee", "oh", "blink", "blinkLeft", "blinkRight", "happy",
           "angry", "sad", "relaxed", "surprised", "lookUp", "lookDown", "lookLeft",
           "lookRight"}


def run(*args):
    return subprocess.run([*CLI, *args], capture_output=True, text=True, timeout=600)


def gltf_json(path: Path) -> dict:
    data = path.read_bytes()
    length = struct.unpack("<I", data[12:16])[0]
    return json.loads(data[20:20 + length])


@pytest.fixture(scope="module")
def client_check():
    why = clients.missing()
    if why:
        pytest.skip(why)


@pytest.fixture(scope="module")
def vrm(tmp_path_factory, client_check):
    path = tmp_path_factory.mktemp("avatar") / "teacher.vrm"
    proc = run("a woman in her thirties with long wavy brown hair in a green blouse and "
               "jeans", "--name", "Teacher", "--export", str(path), "--texture-size", "512")
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "exported" in proc.stderr and "triangles" in proc.stderr
    return path


def test_vrm_passes_the_validator(vrm):
    report = clients.validate(vrm)
    assert report["issues"]["numErrors"] == 0, report["issues"]["messages"][:5]
    assert report["info"]["hasMorphTargets"] and report["info"]["hasSkins"]
    assert report["info"]["hasTextures"]
    data = gltf_json(vrm)
    extension = data["extensions"]["VRMC_vrm"]
    assert extension["specVersion"] == "1.0"
    assert extension["meta"]["name"] == "Teacher"
    assert extension["meta"]["otherLicenseUrl"].startswith("https://creativecommons.org")
    assert extension["lookAt"]["type"] == "expression"
    # Hair cards (a cut-out, drawn from both sides) are in the file; strands cannot be.
    hair = [m for m in data["materials"] if m["name"] == "Teacher hair"]
    assert hair and hair[0]["alphaMode"] == "MASK" and hair[0]["doubleSided"]
    # Long hair swings on spring bones that collide with the head and the body.
    springs = data["extensions"]["VRMC_springBone"]
    assert len(springs["springs"]) >= 2 and all(len(s["joints"]) >= 3
                                                for s in springs["springs"])
    assert len(springs["colliders"]) >= 3 and springs["springs"][0]["colliderGroups"]


def test_vrm_loads_in_three_vrm_and_its_expressions_drive_the_face(vrm, tmp_path):
    driver = clients.browser(400, 400)
    try:
        shot = tmp_path / "face.png"
        report = clients.view_vrm(driver, vrm, shot, aa=1, blink=1, view="face",
                                  width=400, height=400)
        rest = clients.view_vrm(driver, vrm, None, view="face", width=400, height=400,
                                swing=1)
    finally:
        driver.quit()
    assert "error" not in report, report
    assert report["name"] == "Teacher" and report["version"] == "1"
    assert REQUIRED_BONES <= set(report["humanBones"])
    assert PRESETS <= set(report["expressions"])
    assert report["lookAt"] == "expression"
    # aa opens the mouth with the lip-sync viseme, blink closes both eyes; at rest no
    # face shape is on.
    assert report["influences"] == {"viseme_aa": 1, "eyeBlinkLeft": 1, "eyeBlinkRight": 1}
    assert rest["influences"] == {}
    # three-vrm runs the springs: turned a quarter round in one frame, a lock's end
    # lags centimetres behind where a rigid one would be.
    assert rest["springs"] >= 6 and rest["lag"] > 0.02
    assert 1.5 < report["height"] < 1.9
    assert report["triangles"] > 20_000
    assert shot.stat().st_size > 20_000  # a drawn face, not an empty canvas


def test_glb_has_arkit_shapes_and_passes_the_validator(tmp_path, client_check):
    path = tmp_path / "student.glb"
    proc = run("a boy of about twelve with short black hair in a blue cap, a red t-shirt "
               "and shorts",
               "--name", "Student", "--rig", "game_engine", "--export", str(path),
               "--texture-size", "512")
    assert proc.returncode == 0, proc.stderr[-3000:]
    report = clients.validate(path)
    assert report["issues"]["numErrors"] == 0, report["issues"]["messages"][:5]
    data = gltf_json(path)
    names = {name for mesh in data["meshes"]
             for name in mesh.get("extras", {}).get("targetNames", [])}
    assert set(ARKIT) <= names and "viseme_aa" in names
    assert {m["name"] for m in data["materials"]} >= {"Student skin", "Student eyes",
                                                      "Student top", "Student hair",
                                                      "Student hat"}
    assert report["info"]["totalTriangleCount"] <= 70_000
    # Short hair's volume is a shell over the scalp drawn with the skin's texture (no
    # material of its own), the cards growing out of it.
    shell = next(n for n in data["nodes"] if n.get("name") == "Student hair shell")
    skin = next(i for i, m in enumerate(data["materials"]) if m["name"] == "Student skin")
    assert {p["material"] for p in data["meshes"][shell["mesh"]]["primitives"]} == {skin}
    assert not list(tmp_path.glob(".*"))  # no temporary file left beside it


@pytest.mark.parametrize("args, message", [
    (["--export", "{tmp}/a.obj"], "export: a.obj has an unknown suffix '.obj'"),
    (["--export", "{tmp}/missing/a.vrm"], "export: the folder"),
    (["--rig", "none", "--export", "{tmp}/a.vrm"], "rig: a VRM avatar needs a skeleton"),
    (["--rig", "rigify", "--export", "{tmp}/a.vrm"], "rig: rigify's control rig"),
    (["--export", "{tmp}"], "is a folder, not a file"),
])
def test_bad_export_is_one_line_naming_the_field(tmp_path, args, message):
    proc = run("a man", *[a.format(tmp=tmp_path) for a in args])
    assert proc.returncode == 2, proc.stderr[-2000:]
    errors = [line for line in proc.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and message in errors[0], proc.stderr[-2000:]
    assert list(tmp_path.iterdir()) == []


def test_lipsync_leaves_with_the_avatar_as_vrm_animation_and_glb_animation(
        tmp_path, client_check):
    from tests.bpy_process import run_bpy

    line = "Hello everyone, today we look at the moon."
    run_bpy("""
import bpy, json
import metastudio
metastudio.register()
bpy.ops.wm.read_factory_settings(use_empty=True)
bpy.ops.metastudio.make_character(params_json=json.dumps(
    {"description": "a man with short hair in a blue shirt", "name": "Host"}))
bpy.ops.metastudio.speak(params_json=json.dumps(
    {"text": line, "target": "Host", "add_sound": False}))
for suffix in ("vrm", "glb"):
    bpy.ops.metastudio.export_avatar(params_json=json.dumps(
        {"name": "Host", "path": f"{out}/host.{suffix}", "texture_size": 512}))
result = True
""", hard_exit=True, out=str(tmp_path), line=line)
    assert (tmp_path / "host.vrma").exists()
    driver = clients.browser(300, 300)
    try:
        report = clients.view_vrm(driver, tmp_path / "host.vrm", None,
                                  animation=tmp_path / "host.vrma", width=300, height=300)
    finally:
        driver.quit()
    assert "error" not in report, report
    # The spoken line, as three-vrm-animation plays it: about as long as the line, the
    # mouth opening on its vowels.
    assert 1.5 < report["duration"] < 6.0
    assert report["animated"]["aa"] > 0.5 and report["animated"]["oh"] > 0.3
    assert max(report["animated"].get(v, 0) for v in ("ih", "ee")) > 0.5
    data = gltf_json(tmp_path / "host.glb")
    weights = [c for a in data.get("animations", []) for c in a["channels"]
               if c["target"]["path"] == "weights"]
    assert weights, "the face's keys are in the GLB as morph-target animation"
    assert clients.validate(tmp_path / "host.glb")["issues"]["numErrors"] == 0


def test_a_skirt_swings_on_spring_bones_that_the_legs_push(tmp_path, client_check):
    path = tmp_path / "dancer.vrm"
    proc = run("a woman with a bun in a long red skirt and a white blouse", "--name",
               "Dancer", "--export", str(path), "--texture-size", "512")
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert clients.validate(path)["issues"]["numErrors"] == 0
    springs = gltf_json(path)["extensions"]["VRMC_springBone"]
    skirts = [s for s in springs["springs"] if s["name"].startswith("Skirt")]
    assert len(skirts) == 8 and all(len(s["joints"]) == 4 for s in skirts)
    legs = next(g for g in springs["colliderGroups"] if g["name"] == "Legs")
    assert len(legs["colliders"]) == 4
    assert all("capsule" in springs["colliders"][i]["shape"] for i in legs["colliders"])
    driver = clients.browser(300, 400)
    try:
        report = clients.view_vrm(driver, path, None, width=300, height=400, swing=1,
                                  tip="skirt")
    finally:
        driver.quit()
    # At rest the skirt stays where it hangs (no collider touches it); turned a
    # quarter round in one frame, its hem lags behind.
    assert report["settle"] < 0.01, report
    assert report["lag"] > 0.05, report
