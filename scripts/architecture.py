#!/usr/bin/env python
"""The layers of the code, read from its imports: the rules tests/core/test_layers.py
holds the code to, and the picture in docs/architecture.md, drawn from the code.

Every import (at the top of a module, inside a function or under TYPE_CHECKING alike)
is read from the source with `ast`. Usage:
    .venv/bin/python scripts/architecture.py            # print the picture (Mermaid)
    .venv/bin/python scripts/architecture.py --check    # exit 1 on an import pointing
                                                        # back, or a stale picture
"""

from __future__ import annotations

import argparse
import ast
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FOLDERS = {"metastudio": ROOT / "addon", "metastudio_farm": ROOT / "farm"}
DOC = ROOT / "docs" / "architecture.md"

# The extension: core <- bl <- preferences <- ops, ui <- the package's entry (register()
# and the headless runner). The farm: scheduling <- batches <- service <- cli; it uses
# the extension's core, bl and entry (to register the operators on a worker), never ops,
# ui or preferences; the extension never imports the farm. Higher imports lower.
EXTENSION = {"core": 0, "bl": 1, "preferences": 2, "ops": 3, "ui": 3, "": 4, "runner": 4}
FARM = {"": 10, "scheduling": 10, "batches": 11, "service": 12, "cli": 13}
FARM_MAY_USE = {"core", "bl", "", "runner"}
NAMES = {("metastudio", ""): "metastudio (entry)", ("metastudio", "runner"): "metastudio (entry)",
         ("metastudio_farm", ""): "farm scheduling"}


def modules():
    """(dotted name, path) of every module of both packages."""
    for package, folder in FOLDERS.items():
        for path in sorted(folder.rglob("*.py")):
            parts = path.relative_to(folder).with_suffix("").parts
            if parts[-1] == "__init__":
                parts = parts[:-1]
            yield ".".join((package, *parts)), path


def imports(name: str, path: Path):
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


def part(module: str) -> tuple[str, str] | None:
    """(package, part) of one of our modules, e.g. ("metastudio", "bl"); None for any
    other. ValueError for a part that has no layer."""
    package, _, rest = module.partition(".")
    if package not in FOLDERS:
        return None
    head = rest.split(".")[0]
    table = EXTENSION if package == "metastudio" else FARM
    if head not in table:
        raise ValueError(f"{module}: {head!r} has no layer: give it one in "
                         "scripts/architecture.py")
    return package, head


def layer(module: str) -> int | None:
    found = part(module)
    if found is None:
        return None
    return (EXTENSION if found[0] == "metastudio" else FARM)[found[1]]


def backward_imports() -> list[str]:
    """Every import that points back up, as "path:line: a imports b (why)"."""
    found = []
    for name, path in modules():
        own = part(name)
        for line, target in imports(name, path):
            other = part(target)
            if other is None:
                continue
            where = f"{path.relative_to(ROOT)}:{line}: {name} imports {target}"
            if own[0] == "metastudio" and other[0] == "metastudio_farm":
                found.append(f"{where} (the extension never imports the farm)")
            elif own[0] == "metastudio_farm" and other[0] == "metastudio":
                if other[1] not in FARM_MAY_USE:
                    found.append(f"{where} (the farm uses core, bl and the entry only)")
            elif layer(target) > layer(name):
                found.append(where)
    return found


def _box(found: tuple[str, str]) -> str:
    if found in NAMES:
        return NAMES[found]
    package, head = found
    return f"{'farm ' if package == 'metastudio_farm' else ''}{head}"


def diagram() -> str:
    """The parts and which imports which, as a Mermaid graph (the import counts change
    with every edit, so they are left out)."""
    edges: set = set()
    for name, path in modules():
        own = _box(part(name))
        for _, target in imports(name, path):
            other = part(target)
            if other is not None and _box(other) != own:
                edges.add((own, _box(other)))
    ids = {}
    lines = ["```mermaid", "flowchart TD"]
    for box in sorted({b for edge in edges for b in edge}):
        ids[box] = re.sub(r"\W+", "_", box).strip("_")
        lines.append(f'    {ids[box]}["{box}"]')
    for source, target in sorted(edges):
        lines.append(f"    {ids[source]} --> {ids[target]}")
    lines.append("```")
    return "\n".join(lines)


def doc_is_current() -> bool:
    """Does docs/architecture.md show today's picture?"""
    return diagram() in DOC.read_text()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args()
    if not args.check:
        print(diagram())
        return 0
    problems = backward_imports()
    if not doc_is_current():
        problems.append(f"{DOC.relative_to(ROOT)}: the picture is not the code's; paste "
                        "the output of scripts/architecture.py into it")
    for problem in problems:
        print(problem)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
