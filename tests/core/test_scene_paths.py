from pathlib import Path

import pytest
from metastudio.core.errors import SceneError
from metastudio.core.scene_info import (
    SceneInfo,
    relative_output_name,
    resolve_blend_path,
    split_output_pattern,
)


def test_resolve_relative_and_windows_paths():
    base = Path("/projects/shot")
    assert resolve_blend_path("//tex/wood.png", base) == Path("/projects/shot/tex/wood.png")
    assert resolve_blend_path("//..\\lib\\a.png", base) == Path("/projects/lib/a.png")
    assert resolve_blend_path("/abs/x.exr", base) == Path("/abs/x.exr")


def test_output_pattern_split():
    base = Path("/p/shot")
    assert split_output_pattern("//render/frame_####", base, None) == (Path("/p/shot/render"),
                                                                        "frame_####")
    assert split_output_pattern("/tmp/", base, None) == (Path("/tmp"), "")
    assert split_output_pattern("", base, None) == (base, "")
    # --out replaces the folder, even one written on Windows, and keeps the name.
    assert split_output_pattern("C:\\renders\\sh010_", base, Path("/out")) == (Path("/out"),
                                                                              "sh010_")
    assert relative_output_name("/w/r/frame_0001.png", "/w/r") == "frame_0001.png"


def test_scene_without_any_camera():
    info = SceneInfo("S", None, 0, 1, 10, 1, "CYCLES", "//")
    with pytest.raises(SceneError, match="has no camera"):
        info.require_camera()
    SceneInfo("S", None, 2, 1, 10, 1, "CYCLES", "//").require_camera()  # markers bind one


def test_file_sets_of_sequences_and_udims(tmp_path):
    from metastudio.core.scene_info import file_set_members

    names = ["wood.0001.png", "wood.0002.png", "wood.0010.png", "wood.0001.exr", "other.png",
             "skin.1001.png", "skin.1002.png", "skin.0999.png", "skin.1011.png"]
    for name in names:
        (tmp_path / name).write_bytes(b"x")
    seq = file_set_members(tmp_path / "wood.0001.png", "sequence")
    assert [p.name for p in seq] == ["wood.0001.png", "wood.0002.png", "wood.0010.png"]
    udim = file_set_members(tmp_path / "skin.<UDIM>.png", "tiled")
    assert [p.name for p in udim] == ["skin.1001.png", "skin.1002.png", "skin.1011.png"]
    numbered = file_set_members(tmp_path / "skin.1001.png", "tiled")
    assert [p.name for p in numbered] == ["skin.1001.png", "skin.1002.png", "skin.1011.png"]
    assert file_set_members(tmp_path / "other.png", "single") == [
        tmp_path / "other.png"]
    assert file_set_members(tmp_path / "gone.png", "single") == []
    assert file_set_members(tmp_path / "nodir" / "x.<UDIM>.png",
                            "tiled") == []


def test_mirror_paths_round_trip():
    from metastudio.core.scene_info import mirror_path, original_path

    tree = "/w/jobs/j1/tree"
    assert mirror_path(tree, "/proj/shot.blend") == "/w/jobs/j1/tree/root/proj/shot.blend"
    assert mirror_path(tree, "C:\\proj\\x.png") == "/w/jobs/j1/tree/C:/proj/x.png"
    for original in ("/proj/shot.blend", "/a/b/../c.png", "C:/proj/x.png"):
        assert original_path(tree, mirror_path(tree, original)) == posix_norm(original)
    assert original_path(tree, "/elsewhere/x.png") is None
    assert original_path(tree, "/w/jobs/j1/treehouse/x.png") is None


def posix_norm(path: str) -> str:
    import posixpath

    return posixpath.normpath(path)
