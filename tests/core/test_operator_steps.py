"""Operator steps in a job: validated up front, defaults fixed, errors naming the field."""

import pytest
from metastudio.core.errors import JobSpecError
from metastudio.core.operator_steps import OPERATOR_MODELS, OperatorStep
from metastudio.core.render_job import RenderJob
from metastudio.core.schema import build_spec
from pydantic import ValidationError


@pytest.fixture
def blend(tmp_path):
    path = tmp_path / "shot.blend"
    path.write_bytes(b"BLENDER-v500" + bytes(64))
    return path


def test_a_step_fixes_the_operators_defaults():
    step = OperatorStep(operator="metastudio.add_sample_shot", params={"frames": 12})
    assert step.params["frames"] == 12
    assert step.params["distance"] == 6.0 and step.params["set_camera"] is True
    assert step.model().frames == 12


def test_every_registered_operator_validates_its_defaults_or_names_what_it_needs():
    for operator, model in OPERATOR_MODELS.items():
        assert operator.startswith("metastudio.")
        required = [name for name, field in model.model_fields.items() if field.is_required()]
        if not required:
            OperatorStep(operator=operator, params=model().model_dump(mode="json"))
            continue
        with pytest.raises(ValidationError) as caught:
            OperatorStep(operator=operator)
        for name in required:
            assert f"params: {name}: Field required" in str(caught.value)


def test_bad_steps_are_refused_naming_the_step_and_field(blend):
    with pytest.raises(JobSpecError, match=r"^steps\.0: unknown operator 'metastudio.nope' "
                                           r"\(known: metastudio.add_sample_shot"):
        build_spec(RenderJob, {"scene": blend, "steps": [{"operator": "metastudio.nope"}]})
    with pytest.raises(JobSpecError) as caught:
        build_spec(RenderJob, {"scene": blend, "steps": [
            {"operator": "metastudio.add_sample_shot"},
            {"operator": "metastudio.add_sample_shot", "params": {"frames": 0}}]})
    assert "steps.1: params: frames: Input should be greater than or equal to 2" in \
        str(caught.value)
    with pytest.raises(ValidationError, match="extra"):
        OperatorStep(operator="metastudio.add_sample_shot", parameters={})


def test_steps_are_part_of_the_job_identity(blend):
    plain = RenderJob(scene=blend)
    with_step = RenderJob(scene=blend, steps=[{"operator": "metastudio.add_sample_shot"}])
    other = RenderJob(scene=blend, steps=[{"operator": "metastudio.add_sample_shot",
                                           "params": {"frames": 30}}])
    ids = {job.job_id("digest") for job in (plain, with_step, other)}
    assert len(ids) == 3
