"""A resolved character to geometry, rig and face shapes: plain arrays, no bpy.

The MakeHuman base mesh gets its macro targets (ancestry, gender, age, muscle, weight,
height, proportions); the bones are placed where the rig file says (the mean of a joint
helper's vertices, one vertex, or the mean of several) on the shaped mesh; the helper
geometry other than eyes, teeth and tongue is dropped; everything is turned into
Blender's metres and Z up, feet on the ground.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

import numpy as np

from . import data, garments, hair, macro
from . import hat as hats
from .glasses import glasses as make_glasses

LASHES = ("helper-l-eyelashes-1", "helper-l-eyelashes-2", "helper-r-eyelashes-1",
          "helper-r-eyelashes-2")
KEEP_GROUPS = ("body", "helper-l-eye", "helper-r-eye", "helper-upper-teeth",
               "helper-lower-teeth", "helper-tongue", *LASHES)
# MakeHuman's skirt helper, worn as the skirt of skirts and dresses.
SKIRT = "helper-skirt"
# Worn pieces that ride on the head bone whole: no skin weights, no face shapes.
RIGID = ("glasses", "hat")
MATERIALS = ("skin", "eyes", "mouth", "teeth", "lashes")
RIG_FILES = {"default": ("standard", "rig.default.json", "weights.default.json"),
             "game_engine": ("standard", "rig.game_engine.json", "weights.game_engine.json"),
             "mixamo": ("standard", "rig.mixamo.json", "weights.mixamo.json"),
             # A Rigify metarig; Blender's Rigify generates the control rig from it.
             "rigify": ("rigify", "rig.human_toes.json", "weights.human_toes.json")}
ANCESTRY = {"mixed": {"african": 1 / 3, "asian": 1 / 3, "caucasian": 1 / 3},
            "african": {"african": 0.8, "asian": 0.1, "caucasian": 0.1},
            "asian": {"african": 0.1, "asian": 0.8, "caucasian": 0.1},
            "european": {"african": 0.1, "asian": 0.1, "caucasian": 0.8}}
# Skin tone stops (0 lightest .. 1 darkest), linear RGB.
_SKIN = ((0.0, (0.87, 0.68, 0.58)), (0.25, (0.74, 0.5, 0.38)), (0.45, (0.56, 0.36, 0.22)),
         (0.6, (0.43, 0.26, 0.15)), (0.75, (0.26, 0.14, 0.08)), (1.0, (0.09, 0.045, 0.025)))
EYE_RGB = {"brown": (0.12, 0.05, 0.02), "hazel": (0.25, 0.15, 0.05),
           "amber": (0.45, 0.25, 0.04), "green": (0.1, 0.25, 0.08),
           "blue": (0.08, 0.22, 0.6), "grey": (0.3, 0.33, 0.36)}


@dataclass
class Bone:
    """An edit bone: where it is (metres, Z up), its roll and its parent."""

    name: str
    head: tuple[float, float, float]
    tail: tuple[float, float, float]
    roll: float
    parent: str = ""
    connected: bool = False
    # Rigify's rigify_type and rigify_parameters, and the bone collections it sits in
    rigify: dict = field(default_factory=dict)


@dataclass
class CharacterMesh:
    """Everything Blender needs to make the character."""

    positions: np.ndarray  # (V, 3) float32, metres
    faces: np.ndarray  # (F, 4) int32; a triangle repeats its last vertex
    corner_uvs: np.ndarray  # (F, 4, 2) float32
    face_material: np.ndarray  # (F,) int32 index into MATERIALS
    colors: dict[str, tuple[float, float, float]]  # material name -> linear RGB
    iris: np.ndarray  # (V,) float32: 1 at the iris, 0 elsewhere (eyes only)
    eye_plane: np.ndarray | None = None  # (V, 2) float32: see _eye_plane
    bones: list[Bone] = field(default_factory=list)
    weights: dict[str, tuple[np.ndarray, np.ndarray]] = field(default_factory=dict)
    shapes: dict[str, np.ndarray] = field(default_factory=dict)  # name -> (V, 3) offsets
    height: float = 0.0
    garments: list = field(default_factory=list)  # garments.Garment, worn over the body
    hair: list = field(default_factory=list)  # hair.Strands: scalp, eyebrows, beard
    head: object = None  # hair.Head: what the hair grew on
    scalp: np.ndarray | None = None  # (V,) float32: how much the skin takes the hair's
    # colour (under hair the scalp does not show pale between the strands)


def skin_rgb(tone: float) -> tuple[float, float, float]:
    """Linear RGB of a skin tone (0 lightest, 1 darkest)."""
    tone = min(max(tone, 0.0), 1.0)
    for (t0, c0), (t1, c1) in zip(_SKIN, _SKIN[1:], strict=False):
        if tone <= t1:
            k = (tone - t0) / (t1 - t0)
            return tuple(round(a + (b - a) * k, 4) for a, b in zip(c0, c1, strict=True))
    return _SKIN[-1][1]


def shaped_positions(values: dict) -> np.ndarray:
    """The full base mesh (MakeHuman units) with the macro targets applied."""
    base = data.base_mesh()
    positions = base.positions.copy()
    weights = macro.macro_targets(
        values["gender"], macro.age_to_slider(values["age"]), values["muscle"],
        values["weight"], values["height"], values["proportions"],
        ANCESTRY[values["ancestry"]])
    root = data.mpfb("targets", "macrodetails")
    for path, weight in macro.target_files(weights, root):
        target = data.read_target(path)
        np.add.at(positions, target.indices, target.offsets * weight)
    return positions


@functools.lru_cache(maxsize=4)
def _rig_files(rig: str):
    folder, rig_file, weight_file = RIG_FILES[rig]
    bones = data.read_json("rigs", folder, rig_file)
    bones = bones.get("bones", bones)
    weights = data.read_json("rigs", folder, weight_file)["weights"]
    return bones, weights


def _joint(spec: dict, positions: np.ndarray, base: data.BaseMesh) -> np.ndarray:
    strategy = spec.get("strategy")
    if strategy == "CUBE":
        return positions[base.group_vertices(spec["cube_name"])].mean(axis=0)
    if strategy == "VERTEX":
        return positions[spec["vertex_index"]]
    if strategy == "MEAN":
        return positions[spec["vertex_indices"]].mean(axis=0)
    if strategy == "XYZ":  # each coordinate from its own vertex (a heel on the floor)
        x, y, z = spec["vertex_indices"]
        return np.array([positions[x, 0], positions[y, 1], positions[z, 2]])
    raise data.CharacterDataError(f"character data: unknown joint strategy {strategy!r}")


def build(values: dict) -> CharacterMesh:
    """The character's arrays from resolved values (see describe.resolve)."""
    base = data.base_mesh()
    full = shaped_positions(values)
    default_bones, default_weights = _rig_files("default")
    points = data.to_blender(full)
    floor = points[:, 2].min()
    points[:, 2] -= floor
    body = _garment_body(base, points, default_bones, default_weights, full, floor)
    worn, hidden = garments.dress(body, values["top"], values["bottom"],
                                  base.group_faces(SKIRT))
    keep_faces = np.concatenate([base.group_faces(g) for g in KEEP_GROUPS])
    keep_faces = np.setdiff1d(keep_faces, hidden)
    keep_faces.sort()
    used = np.unique(base.faces[keep_faces])
    remap = np.full(len(full), -1, np.int64)
    remap[used] = np.arange(len(used))
    positions = points[used]
    faces = remap[base.faces[keep_faces]].astype(np.int32)
    corner_uvs = base.uvs[base.face_uvs[keep_faces]]
    group_of_face = np.array(base.groups)[base.face_group[keep_faces]]
    materials = _face_materials(group_of_face)
    colors = {"skin": skin_rgb(values["skin_tone"]), "eyes": EYE_RGB[values["eye_color"]],
              "mouth": (0.55, 0.2, 0.2), "top": tuple(values["top_color"]),
              "bottom": tuple(values["bottom_color"]), "shoes": tuple(values["shoes_color"]),
              "hair": tuple(values.get("hair_color", (0.05, 0.03, 0.02))),
              "teeth": (0.78, 0.74, 0.62), "lashes": (0.015, 0.012, 0.01),
              "glasses": (0.02, 0.015, 0.012), "shirt": (0.82, 0.82, 0.8),
              "hat": tuple(values.get("hat_color", (0.06, 0.06, 0.07)))}
    mesh = CharacterMesh(positions.astype(np.float32), faces, corner_uvs, materials, colors,
                         _iris(base, full, remap, len(used)), garments=worn)
    mesh.eye_plane = _eye_plane(base, full, remap, len(used))
    mesh.head = _head(base, points, body)
    if values.get("glasses", "none") != "none":
        worn.append(_glasses(mesh.head, values["glasses"], base, points))
    mesh.hair = _strands(mesh.head, values)
    if values.get("hat", "none") != "none":
        worn.append(_hat(mesh, values, points))
    mesh.scalp = _scalp(mesh.head, values, remap, len(used))
    mesh.height = float(positions[:, 2].max())

    if values["rig"] != "none":
        bones, weights = _rig_files(values["rig"])
        for name, spec in bones.items():
            head = data.to_blender(_joint(spec["head"], full, base))
            tail = data.to_blender(_joint(spec["tail"], full, base))
            head[2] -= floor
            tail[2] -= floor
            if np.linalg.norm(tail - head) < 1e-4:
                tail = head + np.array([0.0, 0.0, 0.01])
            mesh.bones.append(Bone(name, tuple(map(float, head)), tuple(map(float, tail)),
                                   float(spec.get("roll", 0.0)), spec.get("parent") or "",
                                   bool(spec.get("use_connect", False)),
                                   {**(spec.get("rigify") or {}),
                                    "collections": spec.get("collections") or []}))
        mesh.weights = _weights(weights, used, len(full))
        for garment in worn:
            garment.weights = _weights(weights, garment.source, len(full))
            if garment.name in RIGID:  # on the head bone (Rigify: spine.006)
                bone = next((b for b in ("head", "mixamorig:Head", "spine.006")
                             if b in weights),
                            max(garment.weights, key=lambda b: garment.weights[b][1].max()))
                garment.weights = {bone: (np.arange(len(garment.positions)),
                                          np.ones(len(garment.positions)))}
    if values["face_shapes"]:
        arkit = arkit_offsets(len(full))  # once, for the body and the garments
        mesh.shapes = face_shapes(used, arkit)
        for garment in worn:
            if garment.name in RIGID:
                continue
            garment.shapes = {name: offsets[garment.source]
                              for name, offsets in arkit.items()
                              if np.abs(offsets[garment.source]).max() > 1e-6}
    return mesh


def _weights(table: dict, source: np.ndarray,
             count: int) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """A rig's weights for vertices that each follow a base-mesh vertex `source[i]`
    (the body's kept vertices, or a garment's, several of which may follow one)."""
    out = {}
    for name, pairs in table.items():
        if name.startswith("mhmask-"):
            continue  # MakeHuman's smoothing masks, not bones
        pairs = np.asarray(pairs, dtype=np.float64).reshape(-1, 2)
        per_vertex = np.zeros(count, np.float32)
        per_vertex[pairs[:, 0].astype(np.int64)] = pairs[:, 1]
        weight = per_vertex[source]
        keep = np.flatnonzero(weight > 1e-4)
        if len(keep):
            out[name] = (keep.astype(np.int32), weight[keep])
    return out


def _garment_body(base, points, bones, weights, full, floor) -> garments.Body:
    """The shaped body as garments see it: parts by the bone that moves each vertex,
    and the default rig's joints."""
    identity = np.arange(len(points))
    owner = _dominant_bone(weights, identity, len(points))
    arm_share = np.zeros(len(points), np.float32)
    for name, pairs in weights.items():
        if name.startswith(garments._ARM):
            pairs = np.asarray(pairs, dtype=np.float64).reshape(-1, 2)
            index = pairs[:, 0].astype(np.int64)
            np.maximum.at(arm_share, index, pairs[:, 1].astype(np.float32))
    part = np.full(len(points), garments.REST, np.int8)
    for i, name in enumerate(owner):
        if name.startswith(garments._ARM):
            part[i] = garments.ARM_L if name.endswith(".L") else garments.ARM_R
        elif name.startswith(garments._LEG):
            part[i] = garments.LEG
    def head(bone: str) -> np.ndarray:
        at = data.to_blender(_joint(bones[bone]["head"], full, base))
        at[2] -= floor
        return at

    joints = {"neck": head("neck01"), "waist": head("spine03")}
    # The legs' joints on the +X side (garments mirror them with the sign of x).
    for key, bone in (("hip", "upperleg01.L"), ("knee", "lowerleg01.L"), ("ankle", "foot.L")):
        joints[key] = head(bone)
        joints[key][0] = abs(joints[key][0])
    for side in ("L", "R"):
        joints[f"shoulder.{side}"] = head(f"upperarm01.{side}")
        joints[f"elbow.{side}"] = head(f"lowerarm01.{side}")
        joints[f"wrist.{side}"] = head(f"wrist.{side}")
    # The neck's radius a little above its base (for necklines).
    neck = joints["neck"]
    band = (np.abs(points[:, 2] - neck[2] - 0.03) < 0.01) & (part == garments.REST) & (
        np.linalg.norm(points[:, :2] - neck[:2], axis=1) < 0.1)
    joints["neck_radius"] = np.array([np.median(np.linalg.norm(
        points[band, :2] - neck[:2], axis=1)) if band.any() else 0.055])
    return garments.Body(points, base.faces, base.face_uvs, base.uvs,
                         base.group_faces("body"), part, joints, arm_share)


def arkit_offsets(count: int) -> dict[str, np.ndarray]:
    """The 52 ARKit face shapes as offsets of every base-mesh vertex (metres, Z up)."""
    shapes = {}
    for name, target in data.face_unit_targets().items():
        offsets = np.zeros((count, 3), np.float32)
        offsets[target.indices] = data.to_blender(target.offsets)
        shapes[name] = offsets
    return shapes


def face_shapes(source: np.ndarray, arkit: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """The ARKit shapes plus the lip-sync mouth shapes made from them, as offsets of the
    vertices that follow base-mesh vertices `source`."""
    from ..voice.keying import preset_shapes

    shapes = {name: offsets[source] for name, offsets in arkit.items()}
    count = len(source)
    for viseme_weights in preset_shapes("visemes").items():
        key_name, = viseme_weights[1]
        arkit = preset_shapes("arkit")[viseme_weights[0]]
        total = np.zeros((count, 3), np.float32)
        for unit, weight in arkit.items():
            total += shapes[unit] * weight
        shapes[key_name] = total
    return shapes


def _head(base, points, body: garments.Body) -> hair.Head:
    """The head as hair sees it: its skin faces, the eyes, the mouth, the neck, and the
    shoulders that long hair rests on."""
    eyes = np.array([points[base.group_vertices(f"helper-{side}-eye")].mean(axis=0)
                     for side in ("l", "r")])
    eye_radius = float(np.linalg.norm(points[base.group_vertices("helper-l-eye")] - eyes[0],
                                      axis=1).max())
    teeth = points[np.concatenate([base.group_vertices("helper-upper-teeth"),
                                   base.group_vertices("helper-lower-teeth")])]
    mouth = np.array([0.0, teeth[:, 1].min(), teeth[:, 2].mean()])
    neck = body.joints["neck"]
    faces = base.faces[body.body_faces]
    centres = points[faces].mean(axis=1)
    head_faces = faces[centres[:, 2] > neck[2] + 0.03]
    low = (centres[:, 2] < neck[2] + 0.02) & (centres[:, 2] > neck[2] - 0.35) & (
        body.part[faces[:, 0]] == garments.REST)
    rest = np.unique(faces[low])[::3]
    normals = garments.vertex_normals(points, faces)
    head_uvs = base.uvs[base.face_uvs[body.body_faces][centres[:, 2] > neck[2] + 0.03]]
    return hair.Head(points, head_faces, eyes, eye_radius, mouth, neck, points[rest],
                     normals[rest], head_uvs)


def _glasses(head: hair.Head, style: str, base, points) -> garments.Garment:
    """The glasses as a garment that follows one vertex of the brow between the eyes
    (so the head bone carries it, and no face shape bends it)."""
    positions, faces, uvs = make_glasses(head.points, head.faces, head.eyes,
                                         head.eye_radius, style)
    return garments.Garment("glasses", style, "acetate",
                            np.full(len(positions), _anchor(points, head)), positions, faces,
                            uvs, 0.0)


def _anchor(points: np.ndarray, head: hair.Head) -> int:
    """The brow vertex between the eyes: what rigid head-worn pieces follow."""
    between = head.eyes.mean(axis=0) + np.array([0.0, -0.01, 0.025])
    return int(np.argmin(np.linalg.norm(points - between, axis=1)))


def _hat(mesh: CharacterMesh, values: dict, points) -> garments.Garment:
    """The hat as a garment on the head bone; the scalp hair under it pressed inside
    its crown (and the strands it hides whole dropped)."""
    haircut = values.get("hair", "none")
    afro = haircut == "short" and values.get("hair_texture") == "coily"
    skull = hair.Skull(mesh.head)
    made = hats.hat(mesh.head, values["hat"], haircut, afro, skull)
    for strands in mesh.hair:
        if strands.name == "hair":
            strands.positions, kept = hats.press_hair(strands.positions, made.crown, skull)
            if strands.surface_uv is not None:
                strands.surface_uv = strands.surface_uv[kept]
    return garments.Garment("hat", values["hat"], hats.FABRIC[values["hat"]],
                            np.full(len(made.positions), _anchor(points, mesh.head)),
                            made.positions, made.faces, made.corner_uvs,
                            hats.THICKNESS[values["hat"]], crown=made.crown)


def _strands(head: hair.Head, values: dict) -> list:
    """Scalp hair, eyebrows and facial hair for the resolved values."""
    seed = int(values.get("seed", 0))
    detail = values.get("detail", "low")
    density = float(values.get("hair_density", 1.0))
    out = [hair.scalp_hair(head, values.get("hair", "none"),
                           values.get("hair_texture", "straight"),
                           values.get("hair_part", "centre"), detail, seed, density),
           hair.eyebrows(head, seed, density=density),
           hair.facial_hair(head, values.get("facial_hair", "none"), seed, density)]
    return [s for s in out if s is not None]


def _scalp(head: hair.Head, values: dict, remap: np.ndarray, count: int) -> np.ndarray:
    """1 on the scalp under the hair (less for a buzz cut), fading over a ring."""
    out = np.zeros(count, np.float32)
    style = values.get("hair", "none")
    if style == "none":
        return out
    inside = hair.scalp_mask(head, head.points[head.faces].mean(axis=1))
    ids = remap[np.unique(head.faces[inside])]
    out[ids[ids >= 0]] = 0.6 if style == "buzz" else 0.9
    return out


def _dominant_bone(weights: dict, remap: np.ndarray, count: int) -> np.ndarray:
    names = sorted(weights)
    best = np.zeros(count, np.float32)
    owner = np.full(count, -1, np.int32)
    for i, name in enumerate(names):
        table = np.asarray(weights[name], dtype=np.float64).reshape(-1, 2)
        index = remap[table[:, 0].astype(np.int64)]
        ok = index >= 0
        index, w = index[ok], table[ok, 1]
        better = w > best[index]
        best[index[better]] = w[better]
        owner[index[better]] = i
    return np.array(names + [""], dtype=object)[owner]


def _face_materials(group_of_face: np.ndarray) -> np.ndarray:
    """The body's material zones: skin, the eyes, the tongue, the teeth, the lashes
    (garments and hair are objects of their own)."""
    material = np.full(len(group_of_face), MATERIALS.index("skin"), np.int32)
    material[group_of_face != "body"] = MATERIALS.index("mouth")
    material[np.isin(group_of_face, ["helper-upper-teeth", "helper-lower-teeth"])] = (
        MATERIALS.index("teeth"))
    material[np.isin(group_of_face, LASHES)] = MATERIALS.index("lashes")
    material[np.isin(group_of_face, ["helper-l-eye", "helper-r-eye"])] = MATERIALS.index("eyes")
    return material


def _eye_plane(base, full, remap, count) -> np.ndarray:
    """Where each eyeball vertex lies seen from straight in front of the eye, in
    eyeball radii (0, 0 at the pupil's centre; the back half far out at 2, 2): the eye
    shader draws the pupil, the iris and the limbal ring as circles in it. The
    projection is linear in the vertex positions, so it interpolates exactly across
    the eyeball's few faces."""
    plane = np.full((count, 2), 2.0, np.float32)
    for side in ("l", "r"):
        vertices = base.group_vertices(f"helper-{side}-eye")
        points = full[vertices]
        centre = points.mean(axis=0)
        radius = np.linalg.norm(points - centre, axis=1).max()
        rel = (points - centre) / max(radius, 1e-6)
        front = rel[:, 2] > 0  # MakeHuman's eyes look along +Z
        # Mirror the left eye's x so that both irises' patterns match.
        x = rel[:, 0] if side == "l" else -rel[:, 0]
        xy = np.stack([x, rel[:, 1]], axis=1)
        plane[remap[vertices[front]]] = xy[front]
    return plane


def _iris(base, full, remap, count) -> np.ndarray:
    """1 near the front pole of each eyeball (the iris), fading to 0 (the white)."""
    iris = np.zeros(count, np.float32)
    for side in ("l", "r"):
        vertices = base.group_vertices(f"helper-{side}-eye")
        points = full[vertices]
        centre = points.mean(axis=0)
        radius = np.linalg.norm(points - centre, axis=1).max()
        # MakeHuman faces +Z: the iris is the cap of the eyeball towards +Z.
        front = (points[:, 2] - centre[2]) / max(radius, 1e-6)
        iris[remap[vertices]] = np.clip((front - 0.82) / 0.08, 0, 1)
    return iris
