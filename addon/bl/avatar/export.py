"""Export Avatar: a character written as VRM 1.0, GLB, FBX or USD for real-time worlds.

Nothing in the scene changes: the export works on copies in a scene of its own, removed
afterwards (avatar/parts). On the copies, what a real-time engine cannot draw is
replaced: the body's materials by plain PBR ones with their colour baked from the Cycles
shader, each garment's by its plain colour, shared by the garment's parts (avatar/bake),
strand hair by hair cards that long hair swings on bones and short hair grows out of a
shell (avatar/hair), thickness modifiers dropped (the garments' materials are drawn from
both sides); skirts swing on bones too (avatar/skirt). VRM's settings and its animation
are avatar/vrm.py's. The file is written beside its path under a temporary name and moved
in place only when complete.
"""

from __future__ import annotations

import json
import os
import tempfile
import time
from pathlib import Path

import bpy

from ...core.character import avatar
from ...core.errors import JobSpecError
from ...core.safe_output import OutputError, move_into, resolve_output
from ..character.build import find_character
from .bake import bake, cap_colour
from .hair import hair_cards
from .parts import Made, Parts, avatar_figures, copies, select
from .skirt import skirt_springs
from .vrm import enable_vrm_addon, write_vrm, write_vrma


def export_avatar(spec: avatar.AvatarSpec, report: dict):
    """Steps (fraction, message) that write the avatar; `report` receives the file's
    figures (triangles, materials, bones, seconds)."""
    started = time.perf_counter()
    target = resolve_output(spec.path, field="export")
    fmt = avatar.export_format(spec.path)
    _check_writable(target.parent, spec.path)
    body, rig = find_character(spec.name)
    if body is None:
        raise JobSpecError(f"name: there is no character called '{spec.name}' in the "
                           "scene; make it first")
    resolved = json.loads(body.get("metastudio_resolved", "{}")).get("values", {})
    bones = avatar.humanoid(resolved.get("rig", "none")) if fmt == "vrm" else None
    yield 0.05, "copying the character"
    made = Made()
    try:
        if fmt == "vrm":
            made.addon_enabled_here = enable_vrm_addon()
        parts = copies(spec.name, body, rig, made)
        yield 0.15, "baking the materials"
        for obj in parts.meshes:
            bake(obj, spec.texture_size, made,
                 cap_colour(spec.name) if spec.hair_cards else None)
            yield 0.15 + 0.5 * (parts.meshes.index(obj) + 1) / len(parts.meshes), \
                f"baked {obj.name}"
        if spec.hair_cards:
            yield 0.7, "making hair cards"
            parts.head = avatar.HUMANOID.get(resolved.get("rig"), {}).get("head")
            parts.meshes += hair_cards(spec.name, body, parts, spec.texture_size, made)
        if fmt == "vrm":  # skirts swing on VRM's spring bones
            hips = avatar.HUMANOID.get(resolved.get("rig"), {}).get("hips")
            skirt_springs(parts, made, hips, resolved.get("bottom", "none"))
        figures = avatar_figures(parts)
        report.update(figures)
        report["over_budget"] = avatar.over_budget(figures)
        yield 0.8, f"writing {fmt.upper()}"
        handle, temporary = tempfile.mkstemp(dir=target.parent,
                                             prefix=f".{target.name}.",
                                             suffix=target.suffix)
        os.close(handle)
        try:
            with made.current():
                select(bpy.context, parts)
                if fmt == "vrm":
                    write_vrm(parts, bones, spec, temporary)
                else:
                    _WRITERS[fmt](parts, spec, temporary)
            move_into(temporary, target)
        finally:
            Path(temporary).unlink(missing_ok=True)
        if fmt == "vrm" and spec.animation:
            yield 0.9, "writing the animation (.vrma)"
            motion = write_vrma(parts, made, target.with_suffix(".vrma"))
            if motion:
                report["animation"] = motion
    finally:
        made.remove()
    report["seconds"] = time.perf_counter() - started
    report["path"] = str(target)
    yield 1.0, f"wrote {Path(spec.path).name}"


def _check_writable(folder: Path, path: str) -> None:
    """Fail now, naming the field, rather than after a minute of baking."""
    try:
        handle, probe = tempfile.mkstemp(dir=folder, prefix=".metastudio-probe-")
    except OSError as exc:
        raise OutputError(f"export: cannot write in {Path(path).parent or '.'}: "
                          f"{exc.strerror}") from None
    os.close(handle)
    os.unlink(probe)


def _write_glb(parts: Parts, spec: avatar.AvatarSpec, path: str) -> None:
    bpy.ops.export_scene.gltf(filepath=path, export_format="GLB", use_selection=True,
                              export_morph=True, export_skins=True,
                              export_animations=spec.animation, export_apply=False,
                              export_yup=True)


def _write_fbx(parts: Parts, spec: avatar.AvatarSpec, path: str) -> None:
    bpy.ops.export_scene.fbx(filepath=path, use_selection=True, add_leaf_bones=False,
                             path_mode="COPY", embed_textures=True,
                             bake_anim=spec.animation, use_mesh_modifiers=False)


def _write_usd(parts: Parts, spec: avatar.AvatarSpec, path: str) -> None:
    """USD with the skeleton, the blend shapes and the baked textures: inside a .usdz,
    in a `textures` folder beside a .usd/.usda/.usdc (the character's images, named
    after it, are updated there)."""
    options = {"filepath": path, "selected_objects_only": True,
               "export_animation": spec.animation}
    properties = bpy.ops.wm.usd_export.get_rna_type().properties
    for name, value in (("export_armatures", True), ("export_shapekeys", True),
                        ("export_textures_mode", "NEW"), ("overwrite_textures", True)):
        if name in properties:
            options[name] = value
    if "export_textures_mode" not in properties:  # 4.2: a switch instead of a mode
        options["export_textures"] = True
    bpy.ops.wm.usd_export(**options)


_WRITERS = {"glb": _write_glb, "fbx": _write_fbx, "usd": _write_usd}
