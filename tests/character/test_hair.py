"""Hair strands without Blender: every style grows from the scalp (not the face or the
ears), stays outside the skull and out of the eyes, ends where its style says, and the
texture changes the strands' shape; eyebrows sit above the eyes, a beard below the
mouth."""

import numpy as np
import pytest
from metastudio.core.character import build, garments, hair
from metastudio.core.character.describe import resolve
from metastudio.core.character.spec import CharacterSpec


def made(description, **fields):
    return build.build(resolve(CharacterSpec(description=description, rig="none",
                                             face_shapes=False, **fields)).values)


@pytest.mark.parametrize("style", [s for s in hair.STYLES if s != "none"])
def test_every_style_grows_from_the_scalp_and_stays_off_the_face(style):
    mesh = made("a woman", hair=style)
    strands = {s.name: s for s in mesh.hair}["hair"]
    head = mesh.head
    roots = strands.positions[:, 0]
    eye_z = head.eyes[:, 2].mean()
    # Roots on the skin of the scalp: above the eyes and never in front of the face.
    assert (roots[:, 2] > eye_z - 0.09).all()
    # The middle of the forehead is skin 4 cm up from the eyes (a hairline sits 4-7
    # cm up; at the temples it comes lower).
    forehead = (roots[:, 1] < head.eyes[:, 1].mean() + 0.03) & (np.abs(roots[:, 0]) < 0.035)
    assert (roots[forehead, 2] > eye_z + 0.04).all(), "hair grows on the forehead"
    # Never through the head: strand points (roots aside) stand outside the head's
    # skin, by its nearest vertex's normal, or at most 2 mm inside it.
    normals = garments.vertex_normals(head.points, head.faces)
    skin = np.unique(head.faces)
    rng = np.random.default_rng(0)
    sample = strands.positions[:, 1:].reshape(-1, 3)
    sample = sample[sample[:, 2] > eye_z - 0.02]  # the cranium (the hair below hangs)
    sample = sample[rng.choice(len(sample), min(3000, len(sample)), replace=False)]
    d2 = ((sample[:, None, :] - head.points[skin][None, :, :]) ** 2).sum(axis=2)
    nearest = skin[d2.argmin(axis=1)]
    depth = ((sample - head.points[nearest]) * normals[nearest]).sum(axis=1)
    # (Hair drawn back over the ears may pass through their rims: at most 1.5%.)
    assert (depth > -0.002).mean() > 0.985, style
    # No jumps: a strand's longest step is near its usual one (a point pushed aside on
    # its own draws a straight line across the face).
    steps = np.linalg.norm(np.diff(strands.positions, axis=1), axis=2)
    assert steps.max() < 2.5 * np.median(steps) + 0.01, (style, steps.max())
    # Nothing in front of the eyes.
    points = strands.positions.reshape(-1, 3)
    for eye in head.eyes:
        in_front = ((np.abs(points[:, 0] - eye[0]) < head.eye_radius * 1.2)
                    & (np.abs(points[:, 2] - eye[2]) < head.eye_radius * 1.2)
                    & (points[:, 1] < eye[1]))
        assert not in_front.any(), style


def test_lengths_follow_the_style():
    ends = {}
    for style in ("buzz", "short", "bob", "shoulder", "long"):
        mesh = made("a woman", hair=style)
        strands = {s.name: s for s in mesh.hair}["hair"].positions
        length = np.linalg.norm(np.diff(strands, axis=1), axis=2).sum(axis=1)
        ends[style] = (float(np.median(length)), float(np.percentile(strands[:, -1, 2], 10)))
    lengths = [ends[s][0] for s in ("buzz", "short", "bob", "shoulder", "long")]
    assert lengths == sorted(lengths) and lengths[0] < 0.01 and lengths[-1] > 0.3
    head = made("a woman", hair="bob").head
    assert ends["bob"][1] > head.neck[2]  # a bob ends above the neck
    assert ends["long"][1] < head.neck[2] - 0.15  # long hair down the back


def test_gathered_styles_meet_at_the_back():
    for style in ("ponytail", "bun", "braid"):
        mesh = made("a woman", hair=style)
        strands = {s.name: s for s in mesh.hair}["hair"].positions
        # Somewhere along them the strands are gathered: within a few centimetres.
        spread = [np.percentile(np.linalg.norm(strands[:, k] - strands[:, k].mean(axis=0),
                                               axis=1), 90)
                  for k in range(strands.shape[1])]
        gathered = strands[:, int(np.argmin(spread))]
        assert min(spread) < 0.03, style
        assert gathered[:, 1].mean() > mesh.head.eyes[:, 1].mean() + 0.1, style  # behind


def test_texture_shapes_the_strands():
    def tortuosity(texture):
        mesh = made("a woman", hair="long", hair_texture=texture)
        s = {k.name: k for k in mesh.hair}["hair"].positions.astype(np.float64)
        path = np.linalg.norm(np.diff(s, axis=1), axis=2).sum(axis=1)
        chord = np.linalg.norm(s[:, -1] - s[:, 0], axis=1)
        return float(np.median(path / chord))
    values = [tortuosity(t) for t in ("straight", "wavy", "curly", "coily")]
    assert values[0] < values[1] < values[2] < values[3], values


def test_eyebrows_sit_above_the_eyes_and_a_beard_below_the_mouth():
    mesh = made("a man", facial_hair="beard")
    parts = {s.name: s for s in mesh.hair}
    brows = parts["eyebrows"].positions[:, 0]
    head = mesh.head
    for eye in head.eyes:
        mine = brows[np.sign(brows[:, 0]) == np.sign(eye[0])]
        assert len(mine) > 200
        height = mine[:, 2] - eye[2]
        assert (height > 0.5 * head.eye_radius).all() and (height < 3 * head.eye_radius).all()
    beard = parts["beard"].positions[:, 0]
    assert (beard[:, 2] < head.eyes[:, 2].mean() - 0.03).all()
    assert (beard[:, 2] < head.mouth[2] - 0.01).mean() > 0.3  # the chin and the jaw
    bald = made("a bald man", facial_hair="none")
    assert [s.name for s in bald.hair] == ["eyebrows"]


def test_description_reads_hair_style_texture_and_beard():
    values = resolve(CharacterSpec(
        description="a man with a curly ponytail and a thick beard")).values
    assert (values["hair"], values["hair_texture"], values["facial_hair"]) == (
        "ponytail", "curly", "beard")
    values = resolve(CharacterSpec(description="a woman with a blonde bob")).values
    assert values["hair"] == "bob"


def test_strand_counts_follow_the_heads_size_on_screen():
    from metastudio.core.character.hair import FULL_HEAD_PIXELS, MIN_DENSITY, density_for_head

    assert density_for_head(FULL_HEAD_PIXELS * 2) == 1.0
    assert density_for_head(FULL_HEAD_PIXELS / 4) == 0.25
    assert density_for_head(3) == MIN_DENSITY
    full = made("a man", hair="long", facial_hair="beard")
    small = made("a man", hair="long", facial_hair="beard", hair_density=0.1)
    for kind in ("hair", "eyebrows", "beard"):
        a, b = (len(next(s for s in data.hair if s.name == kind).positions)
                for data in (full, small))
        assert b < a * 0.2, (kind, a, b)
        assert b >= 100  # never bald for being small


@pytest.mark.parametrize("style", ["bob", "shoulder", "long"])
def test_hair_from_the_sides_hangs_beside_the_neck_not_across_the_throat(style):
    mesh = made("a tall elderly woman with grey hair in a red jacket", hair=style)
    head = mesh.head
    scalp = next(s for s in mesh.hair if s.name == "hair").positions.reshape(-1, 3)
    # In front of the neck, below the chin, within the neck's own width (4 cm each side
    # of the middle): a strand here reads as a beard.
    throat = ((scalp[:, 1] < head.neck[1]) & (np.abs(scalp[:, 0]) < 0.04)
              & (scalp[:, 2] < head.mouth[2] - 0.06) & (scalp[:, 2] > head.neck[2] - 0.1))
    assert throat.sum() == 0
