"""A tiny scene script end to end on a real local farm: `metastudio scene` builds the
.blend (real bpy, real eSpeak voices, real characters and background), renders it on
Ray workers and encodes the video with the dialogue's sound. The video lasts as long as
the dialogue, carries an audio track, and each character's mouth opens during their own
line and stays shut while the other speaks."""

import math
import struct
import subprocess
import sys
from pathlib import Path

import cv2
import pytest
import soundfile
from metastudio.core.service_jobs import BatchJobRequest
from metastudio_farm.cli.farm import run_batch_job

from tests.bpy_process import run_bpy

SCRIPT = """\
title = "tiny"

[background]
description = "a grassy lakeshore with pine trees at noon"
detail = "low"
extent = 150

[[cast]]
name = "Ada"
description = "an old woman in a red jacket"
character = {detail = "low", face_shapes = true}

[[cast]]
name = "Ben"
description = "a young man in a green hoodie"
voice = "en-gb"
pitch = 30

[[dialogue]]
who = "Ada"
text = "Good morning, Ben."
pause = 0.8

[[dialogue]]
who = "Ben"
text = "Hello, Ada."

[camera]
f_stop = 2.8

[output]
resolution = [64, 36]
fps = 12
quality = "draft"
lead_in = 0.5
tail = 0.5
"""


def mp4_tracks(path: Path) -> dict[str, float]:
    """Handler type ('vide', 'soun') -> duration in seconds, read from the MP4's boxes."""
    data = path.read_bytes()
    tracks: dict[str, float] = {}

    def walk(start: int, end: int, found: dict) -> None:
        at = start
        while at + 8 <= end:
            size, kind = struct.unpack(">I4s", data[at:at + 8])
            if size < 8:
                return
            if kind in (b"moov", b"mdia"):
                walk(at + 8, at + size, found)
            elif kind == b"trak":
                track: dict = {}
                walk(at + 8, at + size, track)
                if "handler" in track:
                    tracks[track["handler"]] = track.get("duration", 0.0)
            elif kind == b"mdhd":
                version = data[at + 8]
                if version == 1:
                    scale, length = struct.unpack(">IQ", data[at + 28:at + 40])
                else:
                    scale, length = struct.unpack(">II", data[at + 20:at + 28])
                found["duration"] = length / scale
            elif kind == b"hdlr":
                found["handler"] = data[at + 16:at + 20].decode("latin-1")
            at += size

    walk(0, len(data), {})
    return tracks


@pytest.fixture(scope="module")
def made(tmp_path_factory):
    folder = tmp_path_factory.mktemp("scene")
    script = folder / "tiny.toml"
    script.write_text(SCRIPT)
    out = folder / "out"
    command = [str(Path(sys.executable).with_name("metastudio")), "scene", str(script),
               "--out", str(out)]
    run = subprocess.run(command, capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr[-3000:]
    return out, run.stdout


def test_the_video_lasts_as_long_as_the_dialogue_and_has_sound(made):
    out, printed = made
    video, blend = out / "tiny.mp4", out / "tiny.blend"
    assert f"video: {video}" in printed and f"blend: {blend}" in printed
    voices = sorted((out / "voices").glob("*.wav"))
    assert [v.name for v in voices] == ["01_Ada.wav", "02_Ben.wav"]
    spoken = sum(soundfile.info(str(v)).duration for v in voices)
    expected = 0.5 + spoken + 0.8 + 0.5  # lead-in, both lines, the pause, the tail
    capture = cv2.VideoCapture(str(video))
    frames = capture.get(cv2.CAP_PROP_FRAME_COUNT)
    assert capture.get(cv2.CAP_PROP_FPS) == 12
    assert frames == math.ceil(expected * 12)
    assert capture.get(cv2.CAP_PROP_FRAME_WIDTH) == 64
    tracks = mp4_tracks(video)
    assert set(tracks) == {"vide", "soun"}
    assert abs(tracks["soun"] - expected) < 0.3 and abs(tracks["vide"] - frames / 12) < 0.1
    assert len(list((out / "frames").glob("frame_*.png"))) == frames


def test_mouths_open_on_their_own_lines_and_stay_shut_otherwise(made):
    out, _ = made
    seen = run_bpy("""
        import bpy
        bpy.ops.wm.open_mainfile(filepath=path)
        scene = bpy.context.scene
        strips = scene.sequence_editor.strips
        result = {"sounds": sorted((s.name, s.frame_final_start, s.frame_final_end)
                                   for s in strips),
                  "markers": sorted((m.frame, m.camera.name) for m in scene.timeline_markers),
                  "jaw": {}, "blink": {}, "head": {}}
        for name in ("Ada", "Ben"):
            keys = bpy.data.objects[name].data.shape_keys.key_blocks
            rig = bpy.data.objects[name + " rig"]
            jaw, blink, head = [], [], []
            for frame in range(scene.frame_start, scene.frame_end + 1):
                scene.frame_set(frame)
                jaw.append(keys["jawOpen"].value)
                blink.append(keys["eyeBlinkLeft"].value)
                head.append(list(rig.pose.bones["head"].rotation_quaternion))
            result["jaw"][name], result["blink"][name] = jaw, blink
            result["head"][name] = head
    """, path=str(out / "tiny.blend"))
    (ada_line, ada_start, ada_end), (ben_line, ben_start, ben_end) = seen["sounds"]
    assert ada_line.endswith("Ada") and ben_line.endswith("Ben") and ada_end < ben_start
    frame = lambda n: n - 1  # noqa: E731 - scene frames start at 1
    ada, ben = seen["jaw"]["Ada"], seen["jaw"]["Ben"]
    # Each opens during their own line...
    assert max(ada[frame(ada_start):frame(ada_end)]) > 0.25
    assert max(ben[frame(ben_start):frame(ben_end)]) > 0.25
    # ...and is shut before it, while the other speaks, and after.
    assert max(ben[:frame(ben_start) - 1]) < 0.02
    assert max(ada[frame(ada_end) + 2:]) < 0.02
    assert max(ada[:frame(ada_start) - 1]) < 0.02
    # Cuts: wide first, then a close-up on Ben when he starts.
    assert seen["markers"][0] == [1, "Cam Wide"]
    assert seen["markers"][1][1] == "Cam Ben close"
    assert abs(seen["markers"][1][0] - ben_start) <= 1
    # Nobody stands frozen: both blink, and both heads move.
    for name in ("Ada", "Ben"):
        assert max(seen["blink"][name]) > 0.9
        assert len({tuple(round(v, 3) for v in q) for q in seen["head"][name]}) > 5


def test_the_make_scene_operator_builds_into_the_open_file(tmp_path):
    from metastudio.core.voice import espeak

    # Ben's line is a recording (made here by eSpeak, at another voice's pitch): it is
    # aligned to its transcript rather than spoken again.
    (tmp_path / "lines").mkdir()
    speech = espeak.synthesize("Hello, Ada.", "en-us", 150, 20)
    soundfile.write(tmp_path / "lines" / "ben.wav", speech.samples, speech.rate)
    # Ada's body follows a clip of a real person (Grace Hopper's photo, panned).
    from tests.tracking.conftest import panned

    writer = cv2.VideoWriter(str(tmp_path / "clip.avi"), cv2.VideoWriter_fourcc(*"MJPG"),
                             25.0, (400, 480))
    for frame in panned(12):
        writer.write(frame)
    writer.release()
    script = tmp_path / "tiny.toml"
    script.write_text(SCRIPT.replace('text = "Hello, Ada."',
                                     'text = "Hello, Ada."\naudio = "lines/ben.wav"').replace(
        'character = {detail = "low", face_shapes = true}',
        'character = {detail = "low", face_shapes = true}\ntracking = "clip.avi"'))
    bad = tmp_path / "bad.toml"
    bad.write_text(SCRIPT.replace('who = "Ben"', 'who = "Cy"'))
    result = run_bpy("""
        import bpy, metastudio
        from metastudio.runner import run_operator
        from metastudio.core.errors import MetastudioError
        metastudio.register()
        bpy.ops.wm.read_homefile(use_empty=True)
        before = sorted(o.name for o in bpy.data.objects)
        try:
            run_operator("metastudio.make_scene", {"script": bad})
            result = {"bad": "no error"}
        except MetastudioError as exc:
            result = {"bad": str(exc)}
        result["unchanged"] = sorted(o.name for o in bpy.data.objects) == before
        result["report"] = run_operator("metastudio.make_scene", {"script": good})
        scene = bpy.context.scene
        result["objects"] = sorted(o.name for o in scene.objects
                                   if o.type in ("MESH", "ARMATURE", "CAMERA")
                                   and not o.name.startswith("Background"))
        result["frames"] = [scene.frame_start, scene.frame_end, scene.render.fps]
        result["sounds"] = sorted(s.sound.filepath for s in scene.sequence_editor.strips)
        keys = bpy.data.objects["Ben"].data.shape_keys.key_blocks
        strip = scene.sequence_editor.strips["line 02 Ben"]
        jaw = []
        for frame in range(strip.frame_final_start, strip.frame_final_end):
            scene.frame_set(frame)
            jaw.append(keys["jawOpen"].value)
        result["ben_jaw"] = max(jaw)
        result["keyed_bones"] = {}
        for name in ("Ada", "Ben"):
            action = bpy.data.objects[name + " rig"].animation_data.action
            paths = {c.data_path for layer in action.layers for strip in layer.strips
                     for bag in strip.channelbags for c in bag.fcurves}
            result["keyed_bones"][name] = sorted({p.split('"')[1] for p in paths})
    """, good=str(script), bad=str(bad))
    assert "bad.toml:25: dialogue[1].who: 'Cy' is not in the cast" in result["bad"]
    assert result["unchanged"]
    assert result["report"] == "metastudio.make_scene: finished"
    assert {"Ada", "Ada rig", "Ben", "Ben rig", "Cam Wide", "Cam Ben close",
            "Terrain"} <= set(result["objects"])
    assert result["frames"][:1] == [1] and result["frames"][2] == 12
    assert [Path(p).name for p in result["sounds"]] == ["01_Ada.wav", "ben.wav"]
    assert result["ben_jaw"] > 0.25  # the recording's mouth shapes are keyed
    # Ada's body is the performance (the tracker keys her neck); Ben's only idles.
    assert "neck01" in result["keyed_bones"]["Ada"]
    assert result["keyed_bones"]["Ben"] == ["head", "spine03", "upperarm01.L",
                                            "upperarm01.R"]


def test_a_folder_of_scripts_is_one_farm_job_and_resumes(tmp_path):
    def run_scenes(folder, out, overrides=None):
        batch = {"operator": "scene", "folder": folder, **(overrides or {})}
        return run_batch_job(BatchJobRequest(batch=batch, out=out), no_service=True)

    scripts = tmp_path / "scripts"
    scripts.mkdir()
    (scripts / "hello.toml").write_text(SCRIPT)
    (scripts / "short.toml").write_text(SCRIPT.replace('text = "Hello, Ada."', 'text = "Hi."'))
    out = tmp_path / "clips"
    report = run_scenes(scripts, out, {"resolution": "48x27", "fps": 8})
    assert (report.done, report.skipped, report.failed) == (2, 0, {})
    for name in ("hello", "short"):
        made = sorted(str(p.relative_to(out / name)) for p in (out / name).rglob("*")
                      if p.is_file())
        assert made == [f"{name}.blend", f"{name}.mp4", "voices/01_Ada.wav",
                        "voices/02_Ben.wav"]
        tracks = mp4_tracks(out / name / f"{name}.mp4")
        assert set(tracks) == {"vide", "soun"}
    assert cv2.VideoCapture(str(out / "short" / "short.mp4")).get(
        cv2.CAP_PROP_FRAME_WIDTH) == 48
    again = run_scenes(scripts, out, {"resolution": "48x27", "fps": 8})
    assert (again.done, again.skipped) == (0, 2)
    (scripts / "broken.toml").write_text(SCRIPT.replace("[[cast]]", "[[crew]]", 1))
    with pytest.raises(Exception, match="broken.toml:8: crew: Extra inputs"):
        run_scenes(scripts, out)


def test_render_clip_in_blender_renders_and_encodes_the_open_scene(tmp_path):
    script = tmp_path / "tiny.toml"
    script.write_text(SCRIPT)
    out = tmp_path / "built"
    command = [str(Path(sys.executable).with_name("metastudio")), "scene", str(script),
               "--out", str(out), "--no-render"]
    subprocess.run(command, check=True, capture_output=True, timeout=600)
    result = run_bpy("""
        import importlib, os, sys
        os.environ["PATH"] = os.path.dirname(sys.executable) + os.pathsep + os.environ["PATH"]
        import bpy, metastudio
        bpy.ops.wm.open_mainfile(filepath=path)
        metastudio.register()
        bpy.context.scene.metastudio.clip.use_out = True
        bpy.context.scene.metastudio.clip.out = clips
        result = {"op": sorted(bpy.ops.metastudio.render_clip())}
        status = importlib.import_module("metastudio.ops.farm").farm_status()
        result["status"] = [status.running, status.done, status.total, status.message]
    """, path=str(out / "tiny.blend"), clips=str(tmp_path / "clips"))
    assert result["op"] == ["FINISHED"]
    running, done, total, message = result["status"]
    assert not running and done == total > 0
    video = tmp_path / "clips" / "tiny.mp4"
    assert message.startswith(f"video: {video}")
    assert set(mp4_tracks(video)) == {"vide", "soun"}
    assert cv2.VideoCapture(str(video)).get(cv2.CAP_PROP_FRAME_COUNT) == total


def _scene_command(script: Path, out: Path, *extra: str) -> subprocess.CompletedProcess:
    command = [str(Path(sys.executable).with_name("metastudio")), "scene", str(script),
               "--out", str(out), *extra]
    return subprocess.run(command, capture_output=True, text=True, timeout=600)


def _frame_times(out: Path) -> dict[str, int]:
    return {p.name: p.stat().st_mtime_ns for p in (out / "frames").glob("frame_*.png")}


def test_run_again_it_builds_nothing_and_renders_no_frame_twice(made):
    out, _ = made
    before, blend = _frame_times(out), (out / "tiny.blend").stat().st_mtime_ns
    run = _scene_command(out.parent / "tiny.toml", out)
    assert run.returncode == 0, run.stderr[-3000:]
    assert "up to date: not built again" in run.stdout
    assert f"({len(before)} already done)" in run.stdout
    assert _frame_times(out) == before and (out / "tiny.blend").stat().st_mtime_ns == blend


def test_frames_shots_and_stills_render_only_those(made):
    out, _ = made
    before, video = _frame_times(out), (out / "tiny.mp4").stat().st_mtime_ns
    run = _scene_command(out.parent / "tiny.toml", out, "--frames", "3-4")
    assert run.returncode == 0, run.stderr[-3000:]
    after = _frame_times(out)
    assert {n for n in after if after[n] != before[n]} == {"frame_0003.png", "frame_0004.png"}
    assert "a selection: no video" in run.stdout
    assert (out / "tiny.mp4").stat().st_mtime_ns == video
    run = _scene_command(out.parent / "tiny.toml", out, "--stills")
    assert run.returncode == 0, run.stderr[-3000:]
    stills = run.stdout.split("frames: ")[1].split(" in ")[0].split(",")
    assert len(stills) >= 2 and len(stills) < len(before) // 4  # one frame a shot
    run = _scene_command(out.parent / "tiny.toml", out, "--shots", "9")
    assert run.returncode != 0 and "shots: '9' is not a shot of tiny.blend" in run.stderr


def test_a_blend_changed_by_hand_is_kept_and_never_written_over(made, tmp_path):
    out, _ = made
    mine = tmp_path / "out"
    mine.mkdir()
    for name in ("tiny.blend", "tiny.build.json"):
        (mine / name).write_bytes((out / name).read_bytes())
    script = tmp_path / "tiny.toml"
    script.write_text(SCRIPT)
    run_bpy("""
        import bpy
        bpy.ops.wm.open_mainfile(filepath=path)
        bpy.context.scene.render.film_transparent = True  # an artist's change
        bpy.ops.wm.save_mainfile()
    """, path=str(mine / "tiny.blend"))
    changed = (mine / "tiny.blend").read_bytes()
    run = _scene_command(script, mine, "--no-render")
    assert run.returncode == 0 and "up to date" in run.stdout  # the script is the same
    script.write_text(SCRIPT.replace('text = "Hello, Ada."', 'text = "Hi."'))
    run = _scene_command(script, mine, "--no-render")
    assert run.returncode != 0 and "was changed after it was built" in run.stderr
    assert (mine / "tiny.blend").read_bytes() == changed
    stranger = tmp_path / "stranger"
    stranger.mkdir()
    (stranger / "tiny.blend").write_bytes(changed)
    run = _scene_command(script, stranger, "--no-render")
    assert run.returncode != 0 and "was not made by `metastudio scene`" in run.stderr


def test_close_ups_hold_the_whole_face_with_headroom(made):
    out, _ = made
    framed = run_bpy("""
        import bpy
        from bpy_extras.object_utils import world_to_camera_view
        from mathutils import Vector
        bpy.ops.wm.open_mainfile(filepath=path)
        scene = bpy.context.scene
        result = {}
        for name in ("Ada", "Ben"):
            body = bpy.data.objects[name]
            crown = max((body.matrix_world @ v.co).z for v in body.data.vertices)
            camera = bpy.data.objects[f"Cam {name} close"]
            at = body.matrix_world.translation  # under the head
            result[name] = [world_to_camera_view(scene, camera, Vector((at.x, at.y, z))).y
                            for z in (crown, crown - 0.24)]  # the crown, the chin
            # Depth of field asked for: focused at the face, 0.9 m off at 50 mm.
            result[name] += [camera.data.dof.use_dof, camera.data.dof.aperture_fstop,
                             camera.data.dof.focus_distance]
    """, path=str(out / "tiny.blend"))
    for name, (crown, chin, dof, f_stop, focus) in framed.items():
        assert dof and abs(f_stop - 2.8) < 1e-5 and abs(focus - 0.9) < 0.05, (name, focus)
        assert 0.85 < crown < 0.99, (name, crown)  # headroom, not a third of the frame
        assert 0.15 < chin < 0.45, (name, chin)  # the chin and some neck in frame


def test_the_wide_shot_shows_the_world_and_close_ups_show_skin(made):
    """The shots measured in Blender: rays from the wide camera find sky, the lake and
    trees behind the cast, with no one thing filling the frame; a small render of each
    close-up shows the speaker's face as skin (red over green over blue, neither dark
    nor washed out)."""
    out, _ = made
    measured = run_bpy("""
        import bpy, numpy as np
        from collections import Counter
        from mathutils import Vector
        bpy.ops.wm.open_mainfile(filepath=path)
        scene = bpy.context.scene
        depsgraph = bpy.context.evaluated_depsgraph_get()
        camera = bpy.data.objects["Cam Wide"]
        frame = camera.data.view_frame(scene=scene)  # the corners, camera space
        xs = np.linspace(frame[2].x, frame[0].x, 48)
        ys = np.linspace(frame[2].y, frame[0].y, 27)
        cast = {"Ada", "Ben"}
        hits = Counter()
        origin = camera.matrix_world.translation
        for x in xs:
            for y in ys:
                to = camera.matrix_world @ Vector((x, y, frame[0].z)) - origin
                found, _, _, _, obj, _ = scene.ray_cast(depsgraph, origin, to.normalized())
                if not found:
                    hits["sky"] += 1
                    continue
                tag = obj.get("metastudio_background") or obj.get("metastudio_character")
                hits["cast" if tag in cast else (tag or obj.name)] += 1
        total = sum(hits.values())
        shares = {k: v / total for k, v in hits.items()}
        colours = {}
        for marker in scene.timeline_markers:  # the cuts would bind their own cameras
            marker.camera = None
        from bpy_extras.object_utils import world_to_camera_view
        for name in ("Ada", "Ben"):
            # (A line this short is one wide shot: the close-up camera is there all
            # the same.)
            camera = bpy.data.objects[f"Cam {name} close"]
            scene.frame_set(scene.frame_start + 6)
            scene.camera = camera
            width, height = 160, 90
            scene.render.resolution_x, scene.render.resolution_y = width, height
            scene.cycles.samples = 16
            scene.render.filepath = f"{folder}/{name}.png"
            scene.render.image_settings.file_format = "PNG"
            bpy.ops.render.render(write_still=True)
            image = bpy.data.images.load(scene.render.filepath)
            pixels = np.array(image.pixels[:]).reshape(height, width, 4)
            body = bpy.data.objects[name]
            crown = max((body.matrix_world @ v.co).z for v in body.data.vertices)
            at = body.matrix_world.translation
            # The cheeks and nose: a patch a quarter of the head's height across, a
            # little under the middle of the face.
            middle, top = (world_to_camera_view(scene, camera,
                                                Vector((at.x, at.y, crown - d)))
                           for d in (0.15, 0.03))
            half = max(1, round(0.25 * (top.y - middle.y) * height))
            row, col = round(middle.y * height), round(middle.x * width)
            patch = pixels[row - half:row + half + 1, col - half:col + half + 1, :3]
            colours[name] = patch.reshape(-1, 3).mean(0).tolist()
        result = {"shares": shares, "colours": colours}
    """, path=str(out / "tiny.blend"), folder=str(out))
    shares = measured["shares"]
    assert shares.get("sky", 0) > 0.1, shares
    assert shares.get("water", 0) > 0.03, shares  # the lake of a lakeshore, behind them
    assert shares.get("pine", 0) > 0.002, shares  # and its pines
    assert 0.05 < shares.get("cast", 0) < 0.6, shares
    assert max(v for k, v in shares.items() if k != "sky") < 0.6, shares
    for name, (r, g, b) in measured["colours"].items():
        assert r > g > b, (name, r, g, b)
        assert 0.3 < (r + g + b) / 3 < 0.85, (name, r, g, b)
