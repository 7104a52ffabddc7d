"""The folders a farm's jobs may read and write (its roots), and how clients' paths map
to the farm's own: the service admits jobs by them, and the scheduler checks them again
for what an opened scene names."""

from __future__ import annotations

import os
from pathlib import Path, PurePath

from metastudio.core.background.elevation import SAMPLES

# Data that installs with the package, named instead of a path (elevation maps).
PACKAGED_SAMPLES = frozenset(SAMPLES)


class PathPolicy:
    """Which folders jobs may read and write, and how clients' paths map to the
    service's (a Windows artist's P:\\shots is /mnt/projects/shots here)."""

    def __init__(self, roots: list[Path], mapping: list[tuple[str, str]] = ()) -> None:
        self.roots = [Path(r).expanduser().resolve() for r in roots]
        # Longest prefix first, compared with forward slashes and, for drive letters,
        # without regard to case (Windows paths are not case-sensitive).
        self.mapping = sorted(((src.replace("\\", "/"), dst) for src, dst in mapping),
                              key=lambda pair: -len(pair[0]))

    def map_text(self, text: str) -> str:
        """A client's path as the service sees it (unchanged when no mapping applies)."""
        slashed = text.replace("\\", "/")
        for source, target in self.mapping:
            if slashed.lower().startswith(source.lower()):
                rest = slashed[len(source):].lstrip("/")
                return str(PurePath(target) / rest) if rest else target
        return text

    def map_request(self, data):
        """Every string in a request's JSON mapped (see map_text)."""
        if isinstance(data, dict):
            return {key: self.map_request(value) for key, value in data.items()}
        if isinstance(data, list):
            return [self.map_request(value) for value in data]
        if isinstance(data, str) and self.mapping:
            return self.map_text(data)
        return data

    def refusal(self, path: Path | str, write: bool = False) -> str | None:
        """Why `path` may not be used (None when it may).

        Decided on the text alone, before anything looks at the file (so that the answer
        never says whether something outside exists): the path must be absolute (a
        relative one would mean the service's own working folder), and once `..` and
        symbolic links are resolved it must lie in a root. A packaged sample's name
        (`sample:jacksboro`) is allowed for what is read, never as an output.
        """
        text = str(path)
        if not write and text in PACKAGED_SAMPLES:
            return None
        candidate = Path(text).expanduser()
        if not candidate.is_absolute():
            return f"{text} is not an absolute path (give the path as this service sees it)"
        if not self.contains(candidate):
            return (f"{text} is outside the folders this service may use "
                    f"({', '.join(str(r) for r in self.roots)})")
        return None

    def check(self, path: Path | str, field: str, write: bool = False) -> None:
        """ValueError naming the field when `path` may not be used (see `refusal`)."""
        reason = self.refusal(path, write)
        if reason:
            raise ValueError(f"{field}: {reason}")

    def contains_client_path(self, path: Path | str) -> bool:
        """`contains` for a path as a client's machine wrote it (in a .blend, say): mapped
        to this machine's first (see map_text)."""
        return self.contains(Path(self.map_text(str(path))))

    def guard(self, path: Path) -> None:
        """The check in the form `path_guard.guarded` takes (no field name: pydantic adds
        the field's location to the error)."""
        reason = self.refusal(path)
        if reason:
            raise ValueError(reason)

    def contains(self, path: Path) -> bool:
        """Is `path`, with `..` and links resolved, inside a root? A relative path (or a
        Windows path no --path-map turns into one of this machine's) is not."""
        if not Path(path).is_absolute():
            return False
        resolved = Path(os.path.realpath(path))
        return any(resolved == root or resolved.is_relative_to(root) for root in self.roots)

    def check_tree(self, folder: Path, field: str, limit: int = 100_000) -> None:
        """ValueError when a link inside `folder` (itself inside the roots) leads out of
        them: a batch reads every file of its folder."""
        seen = 0
        for top, dirs, files in os.walk(folder):
            for name in dirs + files:
                entry = Path(top) / name
                seen += 1
                if seen > limit:
                    raise ValueError(f"{field}: {folder} holds more than {limit} files")
                if entry.is_symlink() and not self.contains(entry):
                    raise ValueError(f"{field}: {entry} links outside the folders this "
                                     "service may use")
