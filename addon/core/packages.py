"""Files inside installed packages, found through the packages' locations without
importing them (the data-only wheels' own code pulls torch or an unrelated SDK)."""

from __future__ import annotations

import importlib.util
from pathlib import Path


def package_file(package: str, *parts: str) -> Path | None:
    """The file `parts` inside `package`, or None when the package or file is absent."""
    try:
        spec = importlib.util.find_spec(package)
    except (ImportError, ValueError):
        return None
    for location in (spec.submodule_search_locations or []) if spec else []:
        path = Path(location).joinpath(*parts)
        if path.is_file():
            return path
    return None
