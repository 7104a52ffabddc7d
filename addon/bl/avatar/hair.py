"""Export Avatar's hair: hair cards baked from the strands (core.character.hair_cards),
weighted as the skin they grow from, long locks hung on chains of bones that VRM's
spring bones swing."""

from __future__ import annotations

import json

import bpy
import numpy as np

from ...core.character.hair_cards import (
    PAINTED,
    lock_weights,
    locks,
    make_cards,
    resample,
)
from ...core.character.hair_shell import shell, wanted
from ...core.character.hat import Crown, press_points
from ..character.garments import CROWN, garments_of
from ..character.hair import hair_of
from ..character.parts import add_weights
from .parts import Made, Parts, add_chains, hair_colour, link, pack, pbr, read_strands


def hair_cards(name: str, body, parts: Parts, size: int, made: Made) -> list:
    """One card mesh per hair object (hair, brows, facial hair), weighted as the skin
    where each card grows."""
    scalp = _attribute(body.data, "scalp")
    skin = np.empty(len(body.data.vertices) * 3)
    body.data.vertices.foreach_get("co", skin)
    skin = skin.reshape(-1, 3)
    top = skin[scalp > 0.5] if (scalp > 0.5).any() else skin[skin[:, 2] > skin[:, 2].max()
                                                               - 0.1]
    centre = top.mean(0) - np.array([0.0, 0.0, 0.04])
    weights = vertex_weights(body)
    hat = garments_of(name).get("hat")
    crown = (Crown.from_dict(json.loads(hat[CROWN])) if hat is not None and CROWN in hat
             else None)
    objects = []
    for kind, hair in sorted(hair_of(name).items()):
        points, offsets = read_strands(hair, body)
        if len(offsets) < 2 or kind in PAINTED:
            continue
        color = hair_colour(hair)
        strands = resample(points, offsets)
        cards = make_cards(strands, centre, color, kind,
                           size=size if kind == "hair" else size // 2)
        if kind == "hair" and wanted(strands):
            objects.append(_shell(name, body, parts, made, strands, weights, scalp, crown))
        if kind == "hair" and crown is not None:
            # A card is wider than its strands: under a hat its corners are pressed
            # inside the crown as the strands were, or they show through it.
            cards.positions = press_points(cards.positions, crown)[0].astype(np.float32)
        mesh = bpy.data.meshes.new(f"{name} {kind} cards")
        made.blocks.append(mesh)
        mesh.from_pydata(cards.positions.tolist(), [], cards.faces.tolist())
        mesh.uv_layers.new(name="UVMap").data.foreach_set("uv", cards.uvs.ravel())
        mesh.polygons.foreach_set("use_smooth", np.ones(len(mesh.polygons), bool))
        mesh.normals_split_custom_set_from_vertices(cards.normals.tolist())
        image = bpy.data.images.new(bpy.path.clean_name(f"{name} {kind} cards"),
                                    *cards.texture.shape[:2], alpha=True)
        made.blocks.append(image)
        # A byte image holds sRGB: the cards' linear colours are encoded for it.
        texture = cards.texture.copy()
        texture[..., :3] = texture[..., :3] ** (1 / 2.2)
        image.pixels.foreach_set(texture[::-1].astype(np.float32).ravel())
        pack(image)
        material = pbr(hair.active_material or _plain(f"{name} {kind}", made),
                        image, made, alpha=True)
        mesh.materials.append(material)
        obj = bpy.data.objects.new("cards", mesh)
        obj.name = made.take_name(hair)
        obj.matrix_world = body.matrix_world.copy()
        link(obj, made)
        if parts.rig is not None:
            # Each card moves as the skin it grows from (the head; a beard with the jaw).
            nearest = np.array([np.argmin(((skin - root) ** 2).sum(1))
                                for root in cards.roots])
            source = nearest[cards.card_of_vertex]
            swing = (_swinging_locks(cards, body, parts, made)
                     if kind == "hair" and parts.head in parts.rig.data.bones else {})
            # What swings no longer follows the skin it grew from, in proportion.
            stays = np.ones(len(cards.positions))
            for index, weight in swing.values():
                stays[index] -= weight
            spread = {bone: _spread(index, weight, source, np.maximum(stays, 0.0))
                      for bone, (index, weight) in weights.items()}
            add_weights(obj, {bone: pair for bone, pair in {**spread, **swing}.items()
                              if len(pair[0])}, parts.rig.data.bones)
            obj.parent = parts.rig
            obj.matrix_parent_inverse = parts.rig.matrix_world.inverted()
            obj.modifiers.new("Armature", "ARMATURE").object = parts.rig
        objects.append(obj)
    return objects


def _shell(name: str, body, parts: Parts, made: Made, strands, weights, scalp, crown):
    """The hair's volume over the scalp (core.character.hair_shell) drawn with the baked
    skin, whose scalp has the hair painted into it; weighted as the scalp."""
    mesh = body.data
    inside = [tuple(p.vertices) for p in mesh.polygons
              if all(scalp[v] > 0.5 for v in p.vertices)]
    loops = [tuple(p.loop_indices) for p in mesh.polygons
             if all(scalp[v] > 0.5 for v in p.vertices)]
    used = np.unique(np.concatenate([np.asarray(f) for f in inside]))
    remap = np.full(len(mesh.vertices), -1)
    remap[used] = np.arange(len(used))
    faces = [tuple(int(remap[v]) for v in face) for face in inside]
    co = np.empty(len(mesh.vertices) * 3)
    mesh.vertices.foreach_get("co", co)
    normal = np.empty(len(mesh.vertices) * 3)
    mesh.vertices.foreach_get("normal", normal)
    positions = shell(co.reshape(-1, 3)[used], normal.reshape(-1, 3)[used], faces, strands)
    if crown is not None:  # under a hat, pressed inside it as the strands are
        positions = press_points(positions, crown)[0]
    data = bpy.data.meshes.new(f"{name} hair shell")
    made.blocks.append(data)
    data.from_pydata(positions.tolist(), [], faces)
    uv = np.empty(len(mesh.loops) * 2)
    mesh.uv_layers["UVMap"].data.foreach_get("uv", uv)
    uv = uv.reshape(-1, 2)
    data.uv_layers.new(name="UVMap").data.foreach_set(
        "uv", np.concatenate([uv[list(corners)] for corners in loops]).ravel())
    data.polygons.foreach_set("use_smooth", np.ones(len(data.polygons), bool))
    data.materials.append(parts.body.material_slots[0].material)
    obj = bpy.data.objects.new("shell", data)
    obj.name = f"{name} hair shell"
    obj.matrix_world = body.matrix_world.copy()
    link(obj, made)
    if parts.rig is not None:
        add_weights(obj, {bone: (remap[index[remap[index] >= 0]],
                                 weight[remap[index] >= 0])
                          for bone, (index, weight) in weights.items()
                          if (remap[index] >= 0).any()}, parts.rig.data.bones)
        obj.parent = parts.rig
        obj.matrix_parent_inverse = parts.rig.matrix_world.inverted()
        obj.modifiers.new("Armature", "ARMATURE").object = parts.rig
    return obj


def _swinging_locks(cards, body, parts: Parts, made: Made) -> dict:
    """Long hair hangs in locks on chains of bones from the head (VRM's spring bones
    swing them): the bones are added to the export's rig; returns the cards' weights on
    them ({bone: (vertices, weights)}: the rows past the roots)."""
    found = locks(cards.lines)
    if not found:
        return {}
    to_rig = parts.rig.matrix_world.inverted() @ body.matrix_world
    chains = add_chains(parts, made, parts.head, [lock.joints for lock in found],
                        lambda number, joint: f"hair_{number:02d}_{joint}", to_rig)
    parts.springs = chains
    return {chains[lock][joint]: pair for (lock, joint), pair in
            lock_weights(cards.card_of_vertex, found).items()}


def _plain(name: str, made: Made):
    material = bpy.data.materials.new(name)
    made.blocks.append(material)
    return material


def _attribute(mesh, name: str) -> np.ndarray:
    values = np.zeros(len(mesh.vertices), np.float32)
    if name in mesh.attributes:
        mesh.attributes[name].data.foreach_get("value", values)
    return values


def vertex_weights(obj) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """The skin's weights as {group name: (vertex indices, weights)}."""
    names = {group.index: group.name for group in obj.vertex_groups}
    columns: dict[str, tuple[list, list]] = {}
    for vertex in obj.data.vertices:
        for element in vertex.groups:
            if element.weight > 0:
                index, weight = columns.setdefault(names[element.group], ([], []))
                index.append(vertex.index)
                weight.append(element.weight)
    return {name: (np.array(i), np.array(w)) for name, (i, w) in columns.items()}


def _spread(index: np.ndarray, weight: np.ndarray, source: np.ndarray,
            scale: np.ndarray):
    """A group's weights on new vertices that each copy one skin vertex's, times the
    share (`scale`, per new vertex) that follows the skin."""
    lookup = np.zeros(int(max(index.max(), source.max())) + 1)
    lookup[index] = weight
    values = lookup[source] * scale
    keep = np.flatnonzero(values > 0)
    return keep, values[keep]
