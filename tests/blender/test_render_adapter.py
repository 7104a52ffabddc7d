"""The bpy side of the farm, in a real bpy."""

import os
from pathlib import Path

import numpy as np
import pytest

bpy = pytest.importorskip("bpy")

from metastudio.bl import render, scene_io  # noqa: E402
from metastudio.bl.sample_scene import build_sample_scene  # noqa: E402
from metastudio.core.errors import SceneError  # noqa: E402
from metastudio.core.render_job import RenderOverrides  # noqa: E402
from metastudio.core.scene_info import mirror_path  # noqa: E402


@pytest.fixture
def scene_file(tmp_path):
    texture = tmp_path / "textures" / "ground.png"
    texture.parent.mkdir()
    image = bpy.data.images.new("ground", 4, 4)
    image.pixels = [0.0, 0.0, 1.0, 1.0] * 16  # pure blue
    image.filepath_raw = str(texture)
    image.file_format = "PNG"
    image.save()
    return build_sample_scene(str(tmp_path / "shot.blend"), frames=5, resolution=(48, 27),
                              samples=2, texture_path=str(texture))


def test_inspect_reports_camera_range_output_and_files(scene_file):
    scene_io.open_scene(scene_file)
    info = scene_io.inspect_scene()
    assert info.camera == "Camera" and info.frame_start == 1 and info.frame_end == 5
    assert info.output_pattern == "//render/frame_####"
    # Saved relative; reported as the absolute path a driver reads.
    assert info.dependencies == [str(Path(scene_file).parent / "textures" / "ground.png")]
    info.require_camera()


def test_render_frame_names_files_like_blender(scene_file, tmp_path):
    scene_io.open_scene(scene_file)
    scene = bpy.context.scene
    render.apply_overrides(scene, RenderOverrides(resolution=(32, 18), samples=1), threads=1)
    assert render.configure_cycles_device(scene, want_gpu=True).backend == "CPU"
    out = tmp_path / "frames"
    out.mkdir()
    path = render.render_frame(scene, 3, str(out), "shot_####")
    assert os.path.basename(path) == "shot_0003.png"
    assert os.path.exists(path)
    assert scene.render.threads == 1 and scene.render.use_persistent_data
    image = bpy.data.images.load(path)
    assert tuple(image.size) == (32, 18)
    pixels = np.array(image.pixels[:]).reshape(18, 32, 4)
    ground = pixels[:4].reshape(-1, 4)  # bottom rows: the textured ground
    assert ground[:, 2].mean() > 2 * ground[:, 0].mean()  # blue texture, not magenta


def test_scene_opened_from_a_mirror_reports_the_artists_paths(scene_file, tmp_path):
    artist_blend = Path(scene_file)
    tree = tmp_path / "worker" / "tree"
    mirrored = Path(mirror_path(str(tree), str(artist_blend)))
    mirrored.parent.mkdir(parents=True)
    mirrored.write_bytes(artist_blend.read_bytes())
    scene_io.open_scene(str(mirrored))
    info = scene_io.inspect_scene(tree=str(tree))
    assert info.dependencies == [str(artist_blend.parent / "textures" / "ground.png")]
    # The texture's relative path resolves inside the mirror once the file is there.
    texture = Path(mirror_path(str(tree), info.dependencies[0]))
    texture.parent.mkdir()
    texture.write_bytes((artist_blend.parent / "textures" / "ground.png").read_bytes())
    assert tuple(bpy.data.images["ground.png"].size) == (4, 4)  # reading size loads it
    assert bpy.path.abspath(bpy.data.images["ground.png"].filepath) == str(texture)


def test_absolute_paths_are_repointed_into_the_mirror(scene_file, tmp_path):
    scene_io.open_scene(scene_file)
    image = bpy.data.images["ground.png"]
    image.filepath = str(tmp_path / "textures" / "ground.png")  # absolute, as some save
    tree = tmp_path / "tree"
    copy = Path(mirror_path(str(tree), image.filepath))
    copy.parent.mkdir(parents=True)
    copy.write_bytes((tmp_path / "textures" / "ground.png").read_bytes())
    assert scene_io.repoint_outside_tree(str(tree)) == []
    assert image.filepath == str(copy)


def test_capture_output_catches_blender_prints(tmp_path):
    log = tmp_path / "frame.log"
    with render.capture_output(str(log)):
        print("from python", flush=True)
        os.write(2, b"from C stderr\n")
    text = log.read_text()
    assert "from python" in text and "from C stderr" in text


def test_bad_files_raise_scene_errors(tmp_path):
    broken = tmp_path / "broken.blend"
    good = build_sample_scene(str(tmp_path / "good.blend"), frames=2)
    broken.write_bytes(open(good, "rb").read()[:4000])
    with pytest.raises(SceneError, match="cannot open .*broken.blend"):
        scene_io.open_scene(str(broken))
    no_camera = build_sample_scene(str(tmp_path / "nocam.blend"), with_camera=False)
    scene_io.open_scene(no_camera)
    with pytest.raises(SceneError, match="has no camera"):
        scene_io.inspect_scene().require_camera()


def test_engine_override_and_unknown_engine(scene_file):
    scene_io.open_scene(scene_file)
    scene = bpy.context.scene
    render.apply_overrides(scene, RenderOverrides(engine="BLENDER_WORKBENCH"))
    assert scene.render.engine == "BLENDER_WORKBENCH"
    render.apply_overrides(scene, RenderOverrides(engine="BLENDER_EEVEE"))
    assert scene.render.engine.startswith("BLENDER_EEVEE")


def test_scene_digest_ignores_session_state_but_not_scene_data(tmp_path):
    from metastudio.core.blendfile import scene_digest

    from tests.bpy_process import run_bpy

    paths = run_bpy("""
        import bpy, os
        from metastudio.bl.sample_scene import build_sample_scene
        build_sample_scene(base, frames=4)
        bpy.ops.wm.open_mainfile(filepath=base)
        bpy.ops.wm.save_as_mainfile(filepath=first, copy=True)
        # Session state only: the window manager and a workspace.
        bpy.context.window_manager["session_note"] = "pressed Esc"
        bpy.data.workspaces[0].use_pin_scene = not bpy.data.workspaces[0].use_pin_scene
        bpy.ops.wm.save_as_mainfile(filepath=second, copy=True)
        bpy.data.objects["Ball"].location.z += 1  # a change to the scene itself
        bpy.ops.wm.save_as_mainfile(filepath=third, copy=True)
        result = [first, second, third]
    """, base=str(tmp_path / "shot.blend"), first=str(tmp_path / "a.blend"),
        second=str(tmp_path / "b.blend"), third=str(tmp_path / "c.blend"))
    a, b, c = (open(p, "rb").read() for p in paths)
    assert a != b  # the bytes differ...
    assert scene_digest(paths[0]) == scene_digest(paths[1])  # ...the scene does not
    assert scene_digest(paths[1]) != scene_digest(paths[2])
    assert scene_digest(paths[0]).startswith("data:")
