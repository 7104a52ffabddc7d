"""The real-time hair shell in numpy: as thick as the hair over the scalp, nothing at
the hairline, only for short hair."""

import numpy as np
from metastudio.core.character import build
from metastudio.core.character.describe import resolve
from metastudio.core.character.hair_shell import THICKEST, _boundary_rings, shell, wanted
from metastudio.core.character.spec import CharacterSpec


def _scalp(description):
    mesh = build.build(resolve(CharacterSpec(description=description)).values)
    hair = next(s for s in mesh.hair if s.name == "hair").positions.astype(float)
    faces = mesh.faces[(mesh.scalp[mesh.faces] > 0.5).all(axis=1)]
    used = np.unique(faces)
    remap = np.full(len(mesh.positions), -1)
    remap[used] = np.arange(len(used))
    local = [tuple(dict.fromkeys(int(remap[v]) for v in face)) for face in faces]
    points = mesh.positions[used].astype(float)
    centre = points.mean(axis=0) - np.array([0.0, 0.0, 0.05])
    normals = points - centre
    normals /= np.linalg.norm(normals, axis=1, keepdims=True)
    return hair, points, normals, local


def test_a_shell_is_as_thick_as_short_hair_and_meets_the_skin_at_the_hairline():
    hair, points, normals, faces = _scalp("a young man with a curly black afro")
    assert wanted(hair)
    moved = shell(points, normals, faces, hair)
    lift = ((moved - points) * normals).sum(axis=1)
    assert lift.min() >= 0 and lift.max() <= THICKEST
    assert np.median(lift) > 0.02  # an afro's volume, centimetres thick
    border = _boundary_rings(faces, len(points), 1) == 0  # on the shell's open edge
    assert border.any() and lift[border].max() < 1e-9


def test_long_hair_gets_no_shell():
    hair, *_ = _scalp("a woman with long straight hair")
    assert not wanted(hair)
