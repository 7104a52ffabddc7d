"""How a farm job ended, as the command line reports it: the same for a job run in the
command's process and for one followed on a farm service (no Ray here)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from metastudio.core.job_states import JobState


@dataclass
class JobOutcome:
    """How a job ended (its run here or on a service)."""

    job_id: str
    state: JobState
    message: str
    out_dir: Path
    total: int
    done: int
    skipped: int  # done before this run began
    failed: dict[str, str] = field(default_factory=dict)  # task name -> its error
    warnings: list[str] = field(default_factory=list)
    seconds: float = 0.0
    workers: int = 0
    where: str = ""  # the service that ran it ("" when run here)
    item_warnings: dict[str, list[str]] = field(default_factory=dict)  # by task name

    @property
    def ok(self) -> bool:
        return self.state == JobState.DONE


def with_log(error: str, log: str) -> str:
    """A failed task's error with the tail of its last attempt's log (Blender's)."""
    log = log.rstrip()
    return f"{error}\nBlender's log:\n{log}" if log else error


def read_warnings(lines) -> tuple[list[str], dict[str, list[str]]]:
    """The warnings in a job's log: the job's own ("warning: ...") and each item's
    ("<item>: warning: ..."), each said once."""
    own: dict[str, None] = {}
    by_item: dict[str, dict[str, None]] = {}
    for text in lines:
        if text.startswith("warning: "):
            own[text.removeprefix("warning: ")] = None
        else:
            item, sep, warning = text.partition(": warning: ")
            if sep:
                by_item.setdefault(item, {})[warning] = None
    return list(own), {item: list(w) for item, w in by_item.items()}
