"""Layers point one way. Every import in the code (at the top of a module, inside a
function or under TYPE_CHECKING alike) is read from the source and must point down:

- the extension: core <- bl <- preferences <- ops, ui <- the package's entry (its
  register() and the headless runner);
- the farm: scheduling <- batches <- service <- cli; the farm uses the extension's core
  and bl, and its entry to register the operators on a worker, never ops, ui or
  preferences; the extension never imports the farm.
"""

import ast
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
FOLDERS = {"metastudio": ROOT / "addon", "metastudio_farm": ROOT / "farm"}

EXTENSION = {"core": 0, "bl": 1, "preferences": 2, "ops": 3, "ui": 3, "": 4, "runner": 4}
FARM = {"": 10, "scheduling": 10, "batches": 11, "service": 12, "cli": 13}
FARM_MAY_USE = {"core", "bl", "", "runner"}  # of the extension


def _modules():
    """(dotted name, path) of every module of both packages."""
    for package, folder in FOLDERS.items():
        for path in sorted(folder.rglob("*.py")):
            parts = path.relative_to(folder).with_suffix("").parts
            if parts[-1] == "__init__":
                parts = parts[:-1]
            yield ".".join((package, *parts)), path


def _imports(name: str, path: Path):
    """(line, imported module) for every import statement in the module."""
    is_package = path.name == "__init__.py"
    here = name if is_package else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = here.split(".")
                base = base[:len(base) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if node.module is None:  # from . import x: x may be a module
                for alias in node.names:
                    yield node.lineno, f"{target}.{alias.name}"
            else:
                yield node.lineno, target


def _layer(module: str) -> tuple[str, int] | None:
    """(package, layer) of one of our modules; None for anything else."""
    package, _, rest = module.partition(".")
    head = rest.split(".")[0]
    if package == "metastudio":
        if head not in EXTENSION:
            raise AssertionError(f"{module}: a new part of the extension; give it a layer")
        return package, EXTENSION[head]
    if package == "metastudio_farm":
        if head not in FARM:
            raise AssertionError(f"{module}: every farm module belongs to one of "
                                 f"{', '.join(FARM)}")
        return package, FARM[head]
    return None


def _extension_part(module: str) -> str:
    return module.partition(".")[2].split(".")[0]


def test_every_import_points_down():
    backwards = []
    for name, path in _modules():
        own = _layer(name)
        for line, target in _imports(name, path):
            other = _layer(target)
            if other is None:
                continue
            where = f"{path.relative_to(ROOT)}:{line}: {name} imports {target}"
            if own[0] == "metastudio" and other[0] == "metastudio_farm":
                backwards.append(f"{where} (the extension never imports the farm)")
            elif own[0] == "metastudio_farm" and other[0] == "metastudio":
                if _extension_part(target) not in FARM_MAY_USE:
                    backwards.append(f"{where} (the farm uses core, bl and the entry only)")
            elif other[1] > own[1]:
                backwards.append(where)
    assert not backwards, "imports that point back up:\n" + "\n".join(backwards)


def test_the_check_sees_imports_inside_functions(tmp_path):
    module = tmp_path / "probe.py"
    module.write_text("def f():\n    from ..ops import stepped\n")
    found = list(_imports("metastudio.bl.probe", module))
    assert found == [(2, "metastudio.ops")]
    assert _layer(found[0][1])[1] > _layer("metastudio.bl.probe")[1]


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
