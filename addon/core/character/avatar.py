"""A character as an avatar for real-time worlds (no bpy): what Export Avatar writes.

One model, `AvatarSpec`, drives the panel, the command line (`metastudio character ...
--export OUT`) and the farm. The format comes from the path's suffix. For VRM 1.0 the
rig's bones are mapped to the humanoid's (per rig, below), the face shapes become the
VRM expressions (the lip-sync visemes for aa/ih/ou/ee/oh, ARKit mixes for the
emotions, blinks and looks), and the budgets say what a web world showing several
avatars at once can afford.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from ..errors import JobSpecError
from ..voice.keying import preset_shapes

FORMATS = {".vrm": "vrm", ".glb": "glb", ".fbx": "fbx", ".usd": "usd", ".usdc": "usd",
           ".usda": "usd", ".usdz": "usd"}

# What one avatar may cost in a web world that shows several (VRChat's "Good" PC rank
# allows 70,000 triangles and 4 materials per avatar on the body alone; cluster's and
# three.js worlds slow down past a few hundred thousand triangles in view).
BUDGET = {"triangles": 70_000, "materials": 12, "bones": 256, "texture_size": 2048}


class AvatarSpec(BaseModel):
    """Which character to write where, and how much of it."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field("Character", min_length=1, max_length=60,
                      description="the character to export (its name in the scene)")
    path: Path = Field(Path(""), description="where to write it: .vrm (VRM 1.0), .glb, "
                                             ".fbx or .usd/.usdc/.usda/.usdz")
    texture_size: Literal[512, 1024, 2048] = Field(
        1024, description="size of the textures the skin, eyes and garments are baked to")
    hair_cards: bool = Field(True, description="the strand hair as textured cards "
                                               "(real-time worlds cannot draw strands)")
    animation: bool = Field(True, description="the face's lip-sync keys and the rig's "
                                              "action, as glTF animation")
    author: str = Field("metastudio", max_length=200,
                        description="the avatar's author, written in its licence data")


def export_format(path: str | Path) -> str:
    """The format a path's suffix asks for, or a JobSpecError naming the field."""
    suffix = Path(path).suffix.lower()
    if str(path) in ("", "."):
        raise JobSpecError("export: give a path ending in .vrm, .glb, .fbx or .usd")
    if suffix not in FORMATS:
        raise JobSpecError(f"export: {Path(path).name} has an unknown suffix "
                           f"'{suffix}'; use .vrm, .glb, .fbx, .usd, .usdc, .usda or .usdz")
    return FORMATS[suffix]


def _sided(table: dict[str, str], left: str, right: str) -> dict[str, str]:
    """A humanoid table with `{s}`/`{S}` placeholders made into left and right."""
    out = {}
    for vrm, bone in table.items():
        if "{s}" in vrm:
            out[vrm.format(s="left")] = bone.format(s=left)
            out[vrm.format(s="right")] = bone.format(s=right)
        else:
            out[vrm] = bone
    return out


_FINGERS = ("Thumb", "Index", "Middle", "Ring", "Little")
_JOINTS = {"Thumb": ("Metacarpal", "Proximal", "Distal")}


def _finger_bones(name) -> dict[str, str]:
    """{s}ThumbMetacarpal ... {s}LittleDistal from name(finger index 0-4, joint 0-2)."""
    out = {}
    for f, finger in enumerate(_FINGERS):
        for j, joint in enumerate(_JOINTS.get(finger, ("Proximal", "Intermediate",
                                                        "Distal"))):
            out[f"{{s}}{finger}{joint}"] = name(f, j)
    return out


# VRM 1.0 humanoid bone (its camelCase name) -> the rig's bone, per rig. The spine of
# MakeHuman's default rig runs spine05 (hips) to spine01 (under the neck).
HUMANOID = {
    "default": _sided({
        "hips": "root", "spine": "spine04", "chest": "spine02", "upperChest": "spine01",
        "neck": "neck01", "head": "head", "jaw": "jaw", "{s}Eye": "eye.{s}",
        "{s}Shoulder": "clavicle.{s}", "{s}UpperArm": "upperarm01.{s}",
        "{s}LowerArm": "lowerarm01.{s}", "{s}Hand": "wrist.{s}",
        "{s}UpperLeg": "upperleg01.{s}", "{s}LowerLeg": "lowerleg01.{s}",
        "{s}Foot": "foot.{s}",
        **_finger_bones(lambda f, j: f"finger{f + 1}-{j + 1}.{{s}}"),
    }, "L", "R"),
    "game_engine": _sided({
        "hips": "pelvis", "spine": "spine_01", "chest": "spine_02",
        "upperChest": "spine_03", "neck": "neck_01", "head": "head",
        "{s}Shoulder": "clavicle_{s}", "{s}UpperArm": "upperarm_{s}",
        "{s}LowerArm": "lowerarm_{s}", "{s}Hand": "hand_{s}", "{s}UpperLeg": "thigh_{s}",
        "{s}LowerLeg": "calf_{s}", "{s}Foot": "foot_{s}", "{s}Toes": "ball_{s}",
        **_finger_bones(lambda f, j: f"{('thumb', 'index', 'middle', 'ring', 'pinky')[f]}"
                                     f"_0{j + 1}_{{s}}"),
    }, "l", "r"),
    "mixamo": _sided({
        "hips": "mixamorig:Hips", "spine": "mixamorig:Spine", "chest": "mixamorig:Spine1",
        "upperChest": "mixamorig:Spine2", "neck": "mixamorig:Neck",
        "head": "mixamorig:Head", "{s}Shoulder": "mixamorig:{s}Shoulder",
        "{s}UpperArm": "mixamorig:{s}Arm", "{s}LowerArm": "mixamorig:{s}ForeArm",
        "{s}Hand": "mixamorig:{s}Hand", "{s}UpperLeg": "mixamorig:{s}UpLeg",
        "{s}LowerLeg": "mixamorig:{s}Leg", "{s}Foot": "mixamorig:{s}Foot",
        "{s}Toes": "mixamorig:{s}ToeBase",
        **_finger_bones(lambda f, j: f"mixamorig:{{s}}Hand"
                                     f"{('Thumb', 'Index', 'Middle', 'Ring', 'Pinky')[f]}"
                                     f"{j + 1}"),
    }, "Left", "Right"),
}


def humanoid(rig: str) -> dict[str, str]:
    """The VRM humanoid map of a rig; a JobSpecError naming the rig field when the rig
    cannot be an avatar's skeleton."""
    if rig == "none":
        raise JobSpecError("rig: a VRM avatar needs a skeleton; build the character with "
                           "rig default, game_engine or mixamo")
    if rig not in HUMANOID:
        raise JobSpecError(f"rig: {rig}'s control rig is for animating in Blender, not a "
                           "real-time skeleton; build with rig default, game_engine or "
                           "mixamo to export VRM")
    return HUMANOID[rig]


def _both(shape: str, weight: float = 1.0) -> dict[str, float]:
    return {f"{shape}Left": weight, f"{shape}Right": weight}


# VRM 1.0 expression -> {face shape: weight}. Visemes from the lip-sync set; emotions as
# ARKit mixes (FACS: happy = AU6+12, sad = AU1+4+15, angry = AU4+5+7+23, surprised =
# AU1+2+5+26); "look left" is the avatar's own left, which ARKit's "Left" also is.
EXPRESSIONS: dict[str, dict[str, float]] = {
    "aa": {"viseme_aa": 1.0}, "ih": {"viseme_I": 1.0}, "ou": {"viseme_U": 1.0},
    "ee": {"viseme_E": 1.0}, "oh": {"viseme_O": 1.0},
    "blink": _both("eyeBlink"), "blinkLeft": {"eyeBlinkLeft": 1.0},
    "blinkRight": {"eyeBlinkRight": 1.0},
    "happy": {**_both("mouthSmile"), **_both("cheekSquint", 0.7),
              **_both("eyeSquint", 0.4)},
    "angry": {**_both("browDown"), **_both("eyeSquint", 0.5), **_both("noseSneer", 0.4),
              **_both("mouthPress", 0.6), **_both("mouthFrown", 0.3)},
    "sad": {"browInnerUp": 1.0, **_both("mouthFrown", 0.8), "mouthShrugLower": 0.4,
            **_both("eyeSquint", 0.2)},
    "relaxed": {**_both("mouthSmile", 0.35), **_both("eyeBlink", 0.3)},
    "surprised": {"browInnerUp": 1.0, **_both("browOuterUp"), **_both("eyeWide"),
                  "jawOpen": 0.35},
    "lookUp": _both("eyeLookUp"), "lookDown": _both("eyeLookDown"),
    "lookLeft": {"eyeLookOutLeft": 1.0, "eyeLookInRight": 1.0},
    "lookRight": {"eyeLookOutRight": 1.0, "eyeLookInLeft": 1.0},
}

# How far the eyes turn at full look shapes (degrees): the look-at range maps.
LOOK_RANGE = {"horizontal": 30.0, "up": 25.0, "down": 25.0}


def snake(name: str) -> str:
    """camelCase (VRM's JSON names) to the snake_case the VRM add-on's properties use."""
    return "".join(f"_{c.lower()}" if c.isupper() else c for c in name)


def over_budget(figures: dict[str, int]) -> list[str]:
    """What exceeds the real-time budget, as sentences (empty when all is within)."""
    return [f"{what} {figures[what]:,} over the budget of {limit:,}"
            for what, limit in BUDGET.items() if figures.get(what, 0) > limit]


# The lip-sync's visemes as VRM's five vowels, which real-time worlds drive: closures
# (PP, sil) close the mouth, the consonants open it a little towards their nearest vowel.
VOWELS: dict[str, dict[str, float]] = {
    "aa": {"aa": 1.0}, "E": {"ee": 1.0}, "ih": {"ih": 1.0}, "oh": {"oh": 1.0},
    "ou": {"ou": 1.0}, "FF": {"ih": 0.2}, "TH": {"ih": 0.3},
    "DD": {"ih": 0.35, "ee": 0.15}, "kk": {"aa": 0.3, "ih": 0.25},
    "CH": {"ih": 0.4, "ou": 0.25}, "SS": {"ih": 0.5}, "nn": {"ih": 0.3},
    "RR": {"ou": 0.4}, "PP": {}, "sil": {},
}
# The character's viseme shapes by the lip-sync's viseme names.
VISEME_SHAPES = {key: viseme for viseme, keys in preset_shapes("visemes").items()
                 for key in keys}


def visemes_from_arkit(shapes: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """The visemes whose ARKit mixes (core.voice.phones.ARKIT, what the lip-sync keys)
    best make the keyed mouth shapes, frame by frame: non-negative least squares by
    projected gradient (15 visemes, all frames at once)."""
    from ..voice.phones import ARKIT

    names = [v for v in ARKIT if ARKIT[v]]
    columns = sorted({shape for v in names for shape in ARKIT[v]})
    basis = np.array([[ARKIT[v].get(c, 0.0) for c in columns] for v in names])
    frames = len(next(iter(shapes.values())))
    target = np.stack([np.asarray(shapes.get(c, np.zeros(frames)), float)
                       for c in columns], axis=1)
    step = 1.0 / np.linalg.eigvalsh(basis @ basis.T).max()
    mix = np.zeros((frames, len(names)))
    for _ in range(400):
        mix = np.maximum(mix - step * (mix @ basis - target) @ basis.T, 0.0)
    return {name: mix[:, i] for i, name in enumerate(names)}


def expression_tracks(shapes: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """VRM expression values per frame from face-shape values per frame: the vowels
    from the visemes (keyed as viseme shapes, or read back from the ARKit mouth shapes
    the lip-sync keys), the blinks from the eyelids; only what moves."""
    visemes = {VISEME_SHAPES[s]: np.asarray(v, float) for s, v in shapes.items()
               if s in VISEME_SHAPES}
    if not visemes and any(s.startswith(("jaw", "mouth")) for s in shapes):
        visemes = visemes_from_arkit(shapes)
    out: dict[str, np.ndarray] = {}
    for viseme, values in visemes.items():
        for vowel, weight in VOWELS.get(viseme, {}).items():
            out[vowel] = out.get(vowel, 0.0) + weight * values
    out = {name: np.clip(values, 0.0, 1.0) for name, values in out.items()}
    left, right = shapes.get("eyeBlinkLeft"), shapes.get("eyeBlinkRight")
    if left is not None and right is not None:
        both = np.minimum(left, right)
        out["blink"] = np.asarray(both, float)
        out["blinkLeft"] = np.asarray(left, float) - both
        out["blinkRight"] = np.asarray(right, float) - both
    return {name: values for name, values in out.items() if np.any(values > 0.01)}
