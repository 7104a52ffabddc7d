"""Pydantic models to Blender PropertyGroups and back, in a real bpy."""

import pytest

bpy = pytest.importorskip("bpy")

from metastudio.bl.propgroup import (  # noqa: E402
    property_group_for,
    read_model,
    unregister_property_groups,
    write_model,
)
from metastudio.core.errors import JobSpecError  # noqa: E402
from metastudio.core.render_job import RenderJob  # noqa: E402

from tests.core.test_fields import Everything, Light, Mood  # noqa: E402


def same(a, b) -> bool:
    """Equal, allowing for Blender storing floats in 32 bits."""
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, (tuple, list)):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, float):
        return a == pytest.approx(b, rel=1e-6)
    return a == b


@pytest.fixture
def groups():
    bpy.ops.wm.read_factory_settings(use_empty=True)
    bpy.types.Scene.ms_everything = bpy.props.PointerProperty(
        type=property_group_for(Everything))
    bpy.types.Scene.ms_job = bpy.props.PointerProperty(type=property_group_for(RenderJob))
    yield bpy.context.scene
    del bpy.types.Scene.ms_everything
    del bpy.types.Scene.ms_job
    unregister_property_groups()


def test_defaults_round_trip(groups):
    group = groups.ms_everything
    assert same(read_model(group, Everything).model_dump(), Everything().model_dump())
    # The group shows the model's defaults and limits without being written to.
    assert group.count == 4 and group.quality == "draft" and group.mood == "stormy"
    assert tuple(group.size) == (64, 32) and not group.use_samples
    assert tuple(group.light.colour) == pytest.approx((1.0, 0.9, 0.8))
    prop = group.bl_rna.properties["count"]
    assert (prop.hard_min, prop.hard_max, prop.description) == (1, 99, "how many")
    strength = group.light.bl_rna.properties["strength"]
    assert (strength.soft_max, strength.hard_max) == (10, 1000)
    assert group.light.bl_rna.properties["colour"].subtype == "COLOR"
    assert group.bl_rna.properties["folder"].subtype == "DIR_PATH"


def test_every_field_kind_round_trips(groups, tmp_path):
    value = Everything(count=7, ratio=0.25, enabled=False, title="dusk", source=tmp_path / "a.wav",
                       folder=tmp_path, quality="final", mood=Mood.CALM, size=(320, 180),
                       samples=12, light=Light(strength=5.5, colour=(0.1, 0.2, 0.3)),
                       trees=["pine", "palm"])
    group = groups.ms_everything
    write_model(group, value)
    again = read_model(group, Everything)
    assert same(again.model_dump(), value.model_dump())
    assert again.light.colour == pytest.approx((0.1, 0.2, 0.3))
    assert again.mood is Mood.CALM and again.samples == 12 and again.folder == tmp_path
    assert group.trees == {"palm", "pine"}  # a set in Blender, a list in the items' order
    group.use_samples = False
    assert read_model(group, Everything).samples is None
    group.trees = set()  # none picked: an empty list, not "unset"
    assert read_model(group, Everything).trees == []


def test_ui_limits_clamp_and_the_model_has_the_last_word(groups):
    group = groups.ms_everything
    group.count = 1000  # beyond the model's limit: Blender clamps to it
    assert group.count == 99
    group.ratio = 0.0  # inside Blender's inclusive limit, refused by the model (gt=0)
    with pytest.raises(JobSpecError) as err:
        read_model(group, Everything)
    assert str(err.value).startswith("ratio: Input should be greater than 0")


def test_render_job_from_the_ui_names_bad_fields(groups, tmp_path):
    job = groups.ms_job
    job.scene = str(tmp_path / "missing.blend")
    with pytest.raises(JobSpecError, match="^scene: file not found"):
        read_model(job, RenderJob)
    blend = tmp_path / "shot.blend"
    blend.write_bytes(b"BLENDER-v500" + b"\0" * 64)
    job.scene = str(blend)
    job.use_frames, job.frames = True, "10-1"
    with pytest.raises(JobSpecError, match="^frames: range 10-1 is reversed"):
        read_model(job, RenderJob)
    job.frames = "1-10"
    job.overrides.use_engine, job.overrides.engine = True, "BLENDER_WORKBENCH"
    job.overrides.use_resolution, job.overrides.resolution = True, (640, 360)
    job.resources.use_frame_timeout, job.resources.frame_timeout = True, 30.0
    parsed = read_model(job, RenderJob)
    assert parsed.scene == blend and parsed.frame_list(1, 250) == list(range(1, 11))
    assert parsed.overrides.engine == "BLENDER_WORKBENCH"
    assert parsed.overrides.resolution == (640, 360)
    assert parsed.resources.frame_timeout == 30.0 and parsed.resources.workers is None
