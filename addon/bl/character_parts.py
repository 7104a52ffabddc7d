"""The objects that belong to a character beside its body and rig (garments, hair):
found by a tag, made once and updated in place when the character is built again."""

from __future__ import annotations

import bpy

CHARACTER = "metastudio_character"


def parts_of(name: str, tag: str) -> dict[str, bpy.types.Object]:
    """The character `name`'s objects carrying `tag`, by the tag's value."""
    return {obj[tag]: obj for obj in bpy.data.objects
            if obj.get(CHARACTER) == name and tag in obj}


def place(existing: dict, tag: str, part: str, label: str, character: str, data,
          collection, guard, replaced: list) -> bpy.types.Object:
    """The object for one part with `data`: the existing one (its old data noted in
    `replaced`, for removal once the build has succeeded) or a new one in
    `collection`."""
    obj = existing.pop(part, None)
    if obj is None:
        obj = bpy.data.objects.new(label, data)
        collection.objects.link(obj)
        obj[CHARACTER] = character
        obj[tag] = part
    else:
        guard.remember(obj, "data")
        replaced.append(obj.data)
        obj.data = data
    return obj
