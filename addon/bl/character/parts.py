"""The objects that belong to a character beside its body and rig (garments, hair):
found by a tag, made once and updated in place when the character is built again."""

from __future__ import annotations

import bpy
import numpy as np

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


def add_weights(obj, weights: dict, bones) -> None:
    """Vertex groups from (index, weight) arrays per bone, named as the rig's deforming
    bones (a Rigify rig deforms with DEF- copies of the metarig's bones); one call per
    distinct weight, not per vertex."""
    for name, (index, weight) in weights.items():
        if f"DEF-{name}" in bones:
            name = f"DEF-{name}"
        group = obj.vertex_groups.get(name) or obj.vertex_groups.new(name=name)
        order = np.argsort(weight, kind="stable")
        values, starts = np.unique(weight[order], return_index=True)
        for value, chunk in zip(values, np.split(index[order], starts[1:]), strict=True):
            group.add(chunk.tolist(), float(value), "REPLACE")
