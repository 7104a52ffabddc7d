"""Export Avatar's skirts: chains of bones hung round each skirt (a skirt, a dress's
skirt) from the hips, with the skirt's weights handed over to them down its length
(core.character.skirt_swing); VRM's spring bones swing them, the legs colliding."""

from __future__ import annotations

import numpy as np

from ...core.character.avatar import BUDGET
from ...core.character.skirt_swing import chains_for, skirt_chains
from ..character.garments import GARMENT
from ..character.parts import add_weights
from .hair import vertex_weights
from .parts import Made, Parts, add_chains

END = 0.03  # the end bone past the hem: a spring's tip needs a length


def skirts_of(parts: Parts, bottom: str) -> list:
    """The export's skirt objects: a dress's skirt, and the bottom when it is one."""
    names = {"top skirt"} | ({"bottom"} if bottom == "skirt" else set())
    return [obj for obj in parts.meshes if obj.get(GARMENT) in names]


def skirt_springs(parts: Parts, made: Made, hips: str, bottom: str) -> None:
    """Chains in the export's rig for each skirt, parented to `hips`; the skirt copies
    reweighted (their own mesh data: the scene's skirt keeps its weights). The chains
    go to `parts.skirt_springs`."""
    if parts.rig is None or hips not in parts.rig.data.bones:
        return
    skirts = skirts_of(parts, bottom)
    # Within the avatar's bone budget (a coat over a skirt has two skirts to hang).
    count = chains_for(BUDGET["bones"] - len(parts.rig.data.bones), len(skirts))
    if not count:
        return
    for number, obj in enumerate(skirts, start=1):
        obj.data = obj.data.copy()
        made.blocks.append(obj.data)
        points = np.empty(len(obj.data.vertices) * 3)
        obj.data.vertices.foreach_get("co", points)
        chains = skirt_chains(points.reshape(-1, 3), count)
        names = _bones(parts, made, obj, hips, chains.joints, number)
        # What swings no longer follows the body, in proportion.
        for group, (index, weight) in vertex_weights(obj).items():
            scaled = weight * chains.stays[index]
            gone = index[scaled <= 1e-4]
            if len(gone):
                obj.vertex_groups[group].remove(gone.tolist())
            keep = scaled > 1e-4
            if keep.any():
                add_weights(obj, {group: (index[keep], scaled[keep])},
                            parts.rig.data.bones)
        add_weights(obj, {names[k][j]: pair for (k, j), pair in chains.weights.items()},
                    parts.rig.data.bones)
        parts.skirt_springs.extend(names)


def _bones(parts: Parts, made: Made, obj, hips: str, joints: np.ndarray,
           number: int) -> list[list[str]]:
    to_rig = parts.rig.matrix_world.inverted() @ obj.matrix_world
    return add_chains(parts, made, hips, joints,
                      lambda k, j: f"skirt{number}_{k:02d}_{j}", to_rig, END)
