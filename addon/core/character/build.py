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

from . import data, macro

KEEP_GROUPS = ("body", "helper-l-eye", "helper-r-eye", "helper-upper-teeth",
               "helper-lower-teeth", "helper-tongue")
# Helper shapes worn when asked for: a skirt (skirts and dresses), a hair cap.
SKIRT, HAIR = "helper-skirt", "helper-hair"
MATERIALS = ("skin", "eyes", "mouth", "top", "bottom", "shoes", "hair")
RIG_FILES = {"default": ("standard", "rig.default.json", "weights.default.json"),
             "game_engine": ("standard", "rig.game_engine.json", "weights.game_engine.json"),
             "mixamo": ("standard", "rig.mixamo.json", "weights.mixamo.json"),
             # A Rigify metarig; Blender's Rigify generates the control rig from it.
             "rigify": ("rigify", "rig.human_toes.json", "weights.human_toes.json")}
ANCESTRY = {"mixed": {"african": 1 / 3, "asian": 1 / 3, "caucasian": 1 / 3},
            "african": {"african": 0.8, "asian": 0.1, "caucasian": 0.1},
            "asian": {"african": 0.1, "asian": 0.8, "caucasian": 0.1},
            "european": {"african": 0.1, "asian": 0.1, "caucasian": 0.8}}
# Which default-rig bones a garment covers (a body face takes the garment of the bone
# that moves it most).
_SHORT_SLEEVE_OFF = ("lowerarm", "upperarm02")
_SHORTS_OFF = ("lowerleg", "upperleg02")
_SHOE_BONES = ("foot", "toe")
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
    bones: list[Bone] = field(default_factory=list)
    weights: dict[str, tuple[np.ndarray, np.ndarray]] = field(default_factory=dict)
    shapes: dict[str, np.ndarray] = field(default_factory=dict)  # name -> (V, 3) offsets
    height: float = 0.0


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
    groups = list(KEEP_GROUPS)
    if values["bottom"] == "skirt" or values["top"] == "dress":
        groups.append(SKIRT)
    if values.get("hair", "none") != "none":
        groups.append(HAIR)
    keep_faces = np.concatenate([base.group_faces(g) for g in groups])
    if values.get("hair", "none") != "none":
        keep_faces = _cut_hair(keep_faces, values["hair"], base, full)
    keep_faces.sort()
    used = np.unique(base.faces[keep_faces])
    remap = np.full(len(full), -1, np.int64)
    remap[used] = np.arange(len(used))
    positions = data.to_blender(full[used])
    floor = positions[:, 2].min()
    positions[:, 2] -= floor
    faces = remap[base.faces[keep_faces]].astype(np.int32)
    corner_uvs = base.uvs[base.face_uvs[keep_faces]]
    group_of_face = np.array(base.groups)[base.face_group[keep_faces]]

    default_bones, default_weights = _rig_files("default")
    def joint_z(bone: str, end: str = "head") -> float:
        return float(data.to_blender(_joint(default_bones[bone][end], full, base))[2] - floor)

    materials = _face_materials(values, faces, group_of_face, default_weights, remap,
                                len(used), positions, joint_z("upperleg01.L"),
                                joint_z("spine03"), joint_z("neck01"))
    colors = {"skin": skin_rgb(values["skin_tone"]), "eyes": EYE_RGB[values["eye_color"]],
              "mouth": (0.55, 0.2, 0.2), "top": tuple(values["top_color"]),
              "bottom": tuple(values["bottom_color"]), "shoes": tuple(values["shoes_color"]),
              "hair": tuple(values.get("hair_color", (0.05, 0.03, 0.02)))}
    mesh = CharacterMesh(positions.astype(np.float32), faces, corner_uvs, materials, colors,
                         _iris(base, full, remap, len(used)))
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
        for name, pairs in weights.items():
            if name.startswith("mhmask-"):
                continue  # MakeHuman's smoothing masks, not bones
            table = np.asarray(pairs, dtype=np.float64).reshape(-1, 2)
            index = remap[table[:, 0].astype(np.int64)]
            keep = (index >= 0) & (table[:, 1] > 1e-4)
            if keep.any():
                mesh.weights[name] = (index[keep].astype(np.int32),
                                      table[keep, 1].astype(np.float32))
    if values["face_shapes"]:
        mesh.shapes = face_shapes(remap, len(used))
    return mesh


def face_shapes(remap: np.ndarray, count: int) -> dict[str, np.ndarray]:
    """The 52 ARKit face shapes plus the lip-sync mouth shapes made from them, as
    offsets of the kept vertices (metres, Z up)."""
    from ..voice.keying import preset_shapes

    shapes = {}
    for name, target in data.face_unit_targets().items():
        offsets = np.zeros((count, 3), np.float32)
        index = remap[target.indices]
        keep = index >= 0
        offsets[index[keep]] = data.to_blender(target.offsets[keep])
        shapes[name] = offsets
    for viseme_weights in preset_shapes("visemes").items():
        key_name, = viseme_weights[1]
        arkit = preset_shapes("arkit")[viseme_weights[0]]
        total = np.zeros((count, 3), np.float32)
        for unit, weight in arkit.items():
            total += shapes[unit] * weight
        shapes[key_name] = total
    return shapes


def _cut_hair(faces: np.ndarray, cut: str, base: data.BaseMesh,
              full: np.ndarray) -> np.ndarray:
    """MakeHuman's hair helper is long hair that also falls over the face: drop what
    hangs in front of the face below the brow, and for a short cut everything below the
    ears."""
    hair = base.face_group[faces] == base.groups.index(HAIR)
    centre = data.to_blender(full[base.faces[faces]].mean(axis=1))
    eyes = data.to_blender(np.concatenate([full[base.group_vertices(f"helper-{s}-eye")]
                                           for s in ("l", "r")]))
    eye_z, eye_front = eyes[:, 2].mean(), eyes[:, 1].min()
    head_y = data.to_blender(full[base.group_vertices("helper-hair")]).mean(axis=0)[1]
    face_curtain = (centre[:, 1] < head_y - 0.02) & (centre[:, 2] < eye_z + 0.035)
    drop = face_curtain | (centre[:, 1] < eye_front + 0.005)
    if cut == "short":
        drop |= centre[:, 2] < eye_z - 0.04
    return faces[~(hair & drop)]


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


def _face_materials(values, faces, group_of_face, weights, remap, count,
                    positions, hip_z, waist_z, neck_z) -> np.ndarray:
    """Garments as material zones: limbs by the bone that moves them, the torso split at
    a hem line (a jacket reaches below the hips, a T-shirt to the waist)."""
    bone = _dominant_bone(weights, remap, count)
    face_bone = bone[faces[:, 0]]
    face_z = positions[faces].mean(axis=1)[:, 2]

    def covers(prefixes, off=()):
        return np.array([b.startswith(prefixes) and not b.startswith(off) if b else False
                         for b in face_bone])

    elsewhere = covers(("head", "jaw", "levator", "oris", "risorius", "orbicularis",
                        "oculi", "temporalis", "special", "tongue", "eye", "wrist", "finger",
                        "metacarpal", "upperarm", "lowerarm", "upperleg", "lowerleg",
                        "foot", "toe"))
    torso = ~elsewhere & (face_z <= neck_z - 0.03)  # a collar just below the neck
    material = np.zeros(len(faces), np.int32)
    top, bottom = values["top"], values["bottom"]
    if top == "dress":
        skirt = covers(("upperleg01",)) | (torso & (face_z < waist_z))
        material[skirt] = MATERIALS.index("top")
    if bottom != "none":
        legs = covers(("upperleg", "lowerleg"), _SHORTS_OFF if bottom == "shorts" else ())
        if bottom == "skirt":
            legs = covers(("upperleg01",))
        material[legs | (torso & (face_z < waist_z))] = MATERIALS.index("bottom")
    if top != "none":
        hem = {"long_sleeves": hip_z + 0.03, "short_sleeves": hip_z + 0.06,
               "dress": hip_z}[top]
        arms = covers(("upperarm", "lowerarm"),
                      _SHORT_SLEEVE_OFF if top == "short_sleeves" else ())
        if top == "dress":
            arms = covers(("upperarm01",))
        material[arms | (torso & (face_z >= hem))] = MATERIALS.index("top")
    material[covers(_SHOE_BONES)] = MATERIALS.index("shoes")
    is_body = group_of_face == "body"
    material[~is_body] = MATERIALS.index("mouth")
    material[group_of_face == SKIRT] = MATERIALS.index("top" if top == "dress" else "bottom")
    material[group_of_face == HAIR] = MATERIALS.index("hair")
    eyes = np.isin(group_of_face, ["helper-l-eye", "helper-r-eye"])
    material[eyes] = MATERIALS.index("eyes")
    return material


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
