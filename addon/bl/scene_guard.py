"""Undo for operators that fail or are cancelled part-way, without Blender's undo stack.

Blender's undo needs a window and is off in a headless bpy (the farm's workers), so an
operator remembers what it touches instead: every data-block it creates is found by
comparing bpy.data before and after, and every property of existing data it changes is
recorded first with `remember()`. `rollback()` puts both back.
"""

from __future__ import annotations

from typing import Any

import bpy


def _snapshot() -> dict[str, set[int]]:
    ids = {}
    for name in _ID_COLLECTIONS:
        collection = getattr(bpy.data, name, None)
        if collection is not None:
            ids[name] = {block.as_pointer() for block in collection}
    return ids


class SceneGuard:
    """What an operator changed, so that a failed or cancelled run leaves no trace."""

    def __init__(self) -> None:
        self._before = _snapshot()
        self._changes: list[tuple[Any, str, Any]] = []
        self._undo: list = []

    def remember(self, owner: Any, attribute: str) -> None:
        """Record `owner.attribute` before the operator changes it."""
        self._changes.append((owner, attribute, getattr(owner, attribute)))

    def add_undo(self, undo) -> None:
        """Call `undo()` on rollback: for changes that are not data-blocks or properties
        (keyframes, sequencer strips)."""
        self._undo.append(undo)

    def created(self) -> list[bpy.types.ID]:
        """Data-blocks that did not exist when the guard was made."""
        blocks = []
        for name, before in self._before.items():
            blocks += [block for block in getattr(bpy.data, name)
                       if block.as_pointer() not in before]
        return blocks

    def rollback(self) -> None:
        """Undo recorded changes and properties (newest first), remove created data-blocks."""
        for undo in reversed(self._undo):
            undo()
        self._undo.clear()
        for owner, attribute, value in reversed(self._changes):
            setattr(owner, attribute, value)
        self._changes.clear()
        created = self.created()
        if created:
            bpy.data.batch_remove(created)


def _collection_names() -> list[str]:
    names = []
    for prop in bpy.types.BlendData.bl_rna.properties:
        fixed = getattr(prop, "fixed_type", None)
        if prop.type == "COLLECTION" and fixed is not None and _is_id_type(fixed):
            names.append(prop.identifier)
    return names


def _is_id_type(struct) -> bool:
    while struct is not None:
        if struct.identifier == "ID":
            return True
        struct = struct.base
    return False


_ID_COLLECTIONS = _collection_names()
