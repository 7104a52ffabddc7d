"""Frame ranges as artists type them: "1-24", "7", "1-10,20-30"."""

from __future__ import annotations

import re

from .errors import JobSpecError

# Blender's frame limits (MINAFRAME, MAXAFRAME): a frame beyond them cannot be set.
MIN_FRAME, MAX_FRAME = -1_048_574, 1_048_574
_PART = re.compile(r"^\s*(-?\d+)\s*(?:(?:-|\.\.)\s*(-?\d+)\s*)?$")


def parse_frames(text: str, step: int = 1, limit: int | None = None) -> list[int]:
    """Parse a frame spec into a sorted list of distinct frames.

    Accepts single frames and inclusive ranges separated by commas; `step` applies to
    every range. An empty or reversed range is an error naming the part at fault, and so
    is a spec of more than `limit` frames (no range longer than that is ever expanded).
    """
    if step < 1:
        raise JobSpecError(f"frames: step must be 1 or more, got {step}")
    if not text or not text.strip():
        raise JobSpecError("frames: empty frame range")
    frames: set[int] = set()
    for part in text.split(","):
        match = _PART.match(part)
        if not match:
            raise JobSpecError(f"frames: cannot read {part.strip()!r} (use e.g. 1-24 or 1,5,9)")
        start = int(match.group(1))
        end = int(match.group(2)) if match.group(2) is not None else start
        for frame in (start, end):
            if not MIN_FRAME <= frame <= MAX_FRAME:
                raise JobSpecError(f"frames: {frame} is outside Blender's frames "
                                   f"({MIN_FRAME} to {MAX_FRAME})")
        if end < start:
            raise JobSpecError(f"frames: range {start}-{end} is reversed (write {end}-{start})")
        # Counted before the range is expanded, and again after: the set never holds more
        # than twice the limit, however the spec is written.
        if limit is not None and (end - start) // step + 1 > limit:
            raise JobSpecError(f"frames: {text.strip()!r} is more than {limit} frames")
        frames.update(range(start, end + 1, step))
        if limit is not None and len(frames) > limit:
            raise JobSpecError(f"frames: {text.strip()!r} is more than {limit} frames")
    return sorted(frames)


def format_frames(frames: list[int]) -> str:
    """Compress a frame list into the shortest readable spec ("1-3,7,9-10")."""
    parts: list[str] = []
    ordered = sorted(set(frames))
    i = 0
    while i < len(ordered):
        j = i
        while j + 1 < len(ordered) and ordered[j + 1] == ordered[j] + 1:
            j += 1
        parts.append(str(ordered[i]) if i == j else f"{ordered[i]}-{ordered[j]}")
        i = j + 1
    return ",".join(parts)
