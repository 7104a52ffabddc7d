"""Layers point one way (the rules and the import reader are scripts/architecture.py's),
the architecture page shows them as they are, and every batch kind has a plan."""

import importlib.util
import shutil
import struct
import wave
from pathlib import Path
from typing import get_args

import pytest
from metastudio.core.errors import JobSpecError
from metastudio.core.service_jobs import BatchJobRequest, BatchOperator
from metastudio_farm.batches.plan import BatchPlan
from metastudio_farm.batches.plans import plan_for

ROOT = Path(__file__).resolve().parents[2]
_SPEC = importlib.util.spec_from_file_location("architecture", ROOT / "scripts" /
                                               "architecture.py")
architecture = importlib.util.module_from_spec(_SPEC)
_SPEC.loader.exec_module(architecture)


def test_every_import_points_down():
    backwards = architecture.backward_imports()
    assert not backwards, "imports that point back up:\n" + "\n".join(backwards)


def test_the_check_sees_imports_inside_functions(tmp_path):
    module = tmp_path / "probe.py"
    module.write_text("def f():\n    from ..ops import stepped\n")
    found = list(architecture.imports("metastudio.bl.probe", module))
    assert found == [(2, "metastudio.ops")]
    assert architecture.layer(found[0][1]) > architecture.layer("metastudio.bl.probe")
    with pytest.raises(ValueError, match="'extras' has no layer"):
        architecture.layer("metastudio_farm.extras.thing")


def test_the_architecture_page_shows_the_code_as_it_is():
    assert architecture.doc_is_current(), ("docs/architecture.md: paste the output of "
                                           "scripts/architecture.py into it")


def _wav(path: Path) -> None:
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(16000)
        out.writeframes(struct.pack("<1600h", *([0] * 1600)))


def test_every_batch_kind_has_a_plan(tmp_path):
    """plan_for plans each operator the job model admits, and refuses anything else."""
    folder = tmp_path / "in"
    folder.mkdir()
    _wav(folder / "line.wav")
    (folder / "clip.mp4").write_bytes(b"")
    shutil.copy(ROOT / "examples" / "classroom.toml", folder / "classroom.toml")
    inputs = {"lipsync": {"folder": folder}, "character": {"count": 2},
              "background": {"count": 2}, "track": {"folder": folder},
              "scene": {"folder": folder}}
    kinds = [get_args(kind.model_fields["operator"].annotation)[0]
             for kind in get_args(get_args(BatchOperator)[0])]
    assert sorted(kinds) == sorted(inputs)
    for kind in kinds:
        request = BatchJobRequest(batch={"operator": kind, **inputs[kind]},
                                  out=tmp_path / "out" / kind)
        plan = plan_for(request)
        assert isinstance(plan, BatchPlan) and plan.items, kind

    class Unknown:
        operator = "juggle"

    request = BatchJobRequest.model_construct(batch=Unknown(), out=tmp_path)
    with pytest.raises(JobSpecError, match="no plan for 'juggle'"):
        plan_for(request)
