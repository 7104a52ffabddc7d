"""One function over many inputs: the shape every operator batch (lip-sync a folder, a
crowd, background variations, track clips, scenes to clips) shares, with its resuming
(what is written is not made again) and its report. The scheduling core runs a plan's
items on its workers, for the command line and the service alike."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass
class BatchReport:
    """What a batch did: items done, skipped as already done, failures with their reason
    and warnings, each by the item's name."""

    done: int = 0
    skipped: int = 0
    failed: dict[str, str] = field(default_factory=dict)
    warnings: dict[str, list[str]] = field(default_factory=dict)


@dataclass
class BatchPlan:
    """An operator batch ready to run: `function(*arguments(item))` for each named item
    not `finished(name)`, each result saved into `out` by `write(name, result)` (which
    may return warnings)."""

    function: Callable
    items: dict[str, Any]
    out: Path
    finished: Callable[[str], bool]
    arguments: Callable[[Any], tuple]
    write: Callable[[str, Any], list[str] | None]

    def todo(self) -> list[str]:
        """The names of the items still to make."""
        return [name for name in self.items if not self.finished(name)]
