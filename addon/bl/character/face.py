"""A face that reads as alive: skin with subsurface scattering, soft mottling and pores,
lips, eyelids and ears tinted from MakeHuman's region masks (CC0, in the data package,
sampled once into the mesh so that the .blend needs no image file); eyes with a sclera,
an iris with fibres and a limbal ring, a pupil and a wet cornea that catches the light;
ivory teeth, a pink tongue and dark lashes."""

from __future__ import annotations

import functools

import bpy
import numpy as np

from ...core.character import data
from ..nodes import ensure_node_tree, multiply_by_noise

# Region masks (MakeHuman UV layout) and how each tints the skin (RGB multipliers).
REGIONS = {"lips": ("mpfb_lips.jpg", (0.86, 0.5, 0.52)),
           "eyelids": ("mpfb_eyelids.jpg", (0.96, 0.88, 0.88)),
           "ears": ("mpfb_ears.jpg", (1.0, 0.8, 0.78))}
MASK_SIZE = 512  # masks are kept at this size in memory (the files are 2048 square)


@functools.lru_cache(maxsize=8)
def _mask(file_name: str) -> np.ndarray:
    """A region mask as a (MASK_SIZE, MASK_SIZE) float array, read once per process."""
    path = data.mpfb("textures", file_name)
    image = bpy.data.images.load(str(path), check_existing=False)
    try:
        width, height = image.size
        pixels = np.empty(width * height * image.channels, np.float32)
        image.pixels.foreach_get(pixels)
    finally:
        bpy.data.images.remove(image)
    grid = pixels.reshape(height, width, -1)[..., 0]
    step = max(width // MASK_SIZE, 1)
    return np.ascontiguousarray(grid[::step, ::step])


def paint_regions(mesh: bpy.types.Mesh, corner_uvs: np.ndarray) -> None:
    """Corner attributes lips, eyelids and ears (0..1) sampled from the masks at each
    corner's UV."""
    for name, (file_name, _) in REGIONS.items():
        mask = _mask(file_name)
        size = mask.shape[0]
        u = np.clip((corner_uvs[:, 0] * size).astype(int), 0, size - 1)
        v = np.clip((corner_uvs[:, 1] * size).astype(int), 0, size - 1)
        attribute = mesh.attributes.get(name) or mesh.attributes.new(name, "FLOAT", "CORNER")
        attribute.data.foreach_set("value", mask[v, u].astype(np.float32))


def material(character: str, slot: str, color, hair_color=(0.05, 0.03, 0.02)
             ) -> bpy.types.Material:
    """The body's material for one slot: skin, eyes, mouth, teeth or lashes (the skin
    takes the hair's colour on the scalp)."""
    name = f"{character} {slot}"
    mat = bpy.data.materials.get(name) or bpy.data.materials.new(name)
    ensure_node_tree(mat)
    nodes = mat.node_tree.nodes
    for node in list(nodes):
        if node.type not in ("BSDF_PRINCIPLED", "OUTPUT_MATERIAL"):
            nodes.remove(node)
    bsdf = nodes.get("Principled BSDF") or nodes.new("ShaderNodeBsdfPrincipled")
    rgba = (*color, 1.0)
    mat.diffuse_color = rgba
    bsdf.inputs["Base Color"].default_value = rgba
    if slot == "skin":
        _skin(mat, bsdf, color, hair_color)
    else:
        {"eyes": _eyes, "mouth": _mouth, "teeth": _teeth, "lashes": _lashes}[slot](
            mat, bsdf, color)
    return mat


def _skin(mat, bsdf, color, hair_color) -> None:
    nodes, links = mat.node_tree.nodes, mat.node_tree.links
    bsdf.inputs["Roughness"].default_value = 0.5
    bsdf.inputs["Subsurface Weight"].default_value = 0.2
    bsdf.inputs["Subsurface Radius"].default_value = (1.0, 0.35, 0.2)
    bsdf.inputs["Subsurface Scale"].default_value = 0.005  # metres: skin, not wax
    coords = nodes.new("ShaderNodeTexCoord")
    # Mottling: skin is never one flat colour.
    current = multiply_by_noise(mat.node_tree, (*color, 1.0), coords.outputs["Object"],
                                45.0, 0.93, 1.05, detail=3.0)
    roughness = None
    for region, (_, tint) in REGIONS.items():
        mask = nodes.new("ShaderNodeAttribute")
        mask.attribute_name = region
        tinted = nodes.new("ShaderNodeMix")
        tinted.data_type, tinted.blend_type = "RGBA", "MULTIPLY"
        links.new(mask.outputs["Fac"], tinted.inputs["Factor"])
        links.new(current, tinted.inputs["A"])
        tinted.inputs["B"].default_value = (*tint, 1.0)
        current = tinted.outputs["Result"]
        if region == "lips":  # lips are smoother and a little moist
            roughness = nodes.new("ShaderNodeMapRange")
            roughness.inputs["To Min"].default_value = 0.5
            roughness.inputs["To Max"].default_value = 0.3
            links.new(mask.outputs["Fac"], roughness.inputs["Value"])
            links.new(roughness.outputs["Result"], bsdf.inputs["Roughness"])
    scalp = nodes.new("ShaderNodeAttribute")
    scalp.attribute_name = "scalp"
    under_hair = nodes.new("ShaderNodeMix")
    under_hair.data_type = "RGBA"
    links.new(scalp.outputs["Fac"], under_hair.inputs["Factor"])
    links.new(current, under_hair.inputs["A"])
    under_hair.inputs["B"].default_value = (*(c * 0.5 for c in hair_color), 1.0)
    links.new(under_hair.outputs["Result"], bsdf.inputs["Base Color"])
    pores = nodes.new("ShaderNodeTexNoise")
    pores.inputs["Scale"].default_value = 900.0
    links.new(coords.outputs["Object"], pores.inputs["Vector"])
    bump = nodes.new("ShaderNodeBump")
    bump.inputs["Strength"].default_value = 0.06
    bump.inputs["Distance"].default_value = 0.0003
    links.new(pores.outputs["Fac"], bump.inputs["Height"])
    links.new(bump.outputs["Normal"], bsdf.inputs["Normal"])


def _eyes(mat, bsdf, iris_color) -> None:
    """Circles in the eye_plane attribute: pupil < 0.17 < iris (with fibres) < 0.47,
    a dark limbal ring at the iris' edge, the sclera outside; a clear coat for the
    cornea's highlight."""
    nodes, links = mat.node_tree.nodes, mat.node_tree.links
    plane = nodes.new("ShaderNodeAttribute")
    plane.attribute_name = "eye_plane"
    radius = nodes.new("ShaderNodeVectorMath")
    radius.operation = "LENGTH"
    links.new(plane.outputs["Vector"], radius.inputs[0])
    ramp = nodes.new("ShaderNodeValToRGB")
    stops = ramp.color_ramp.elements
    iris = tuple(iris_color)
    dark_iris = tuple(c * 0.45 for c in iris)
    table = [(0.0, (0.01, 0.01, 0.01)), (0.16, (0.01, 0.01, 0.01)),
             (0.185, dark_iris), (0.3, iris), (0.41, tuple(c * 0.8 for c in iris)),
             (0.46, (0.03, 0.025, 0.02)), (0.52, (0.72, 0.68, 0.64)),
             (0.85, (0.78, 0.74, 0.7)), (1.0, (0.7, 0.5, 0.48))]
    stops[0].position, stops[0].color = table[0][0], (*table[0][1], 1.0)
    stops[1].position, stops[1].color = table[1][0], (*table[1][1], 1.0)
    for position, rgb in table[2:]:
        stop = stops.new(position)
        stop.color = (*rgb, 1.0)
    links.new(radius.outputs["Value"], ramp.inputs["Fac"])
    # Fibres: streaks running out from the pupil (noise sampled along the direction
    # from the pupil only), strongest in the iris.
    direction = nodes.new("ShaderNodeVectorMath")
    direction.operation = "NORMALIZE"
    links.new(plane.outputs["Vector"], direction.inputs[0])
    scale = nodes.new("ShaderNodeVectorMath")
    scale.operation = "SCALE"
    scale.inputs["Scale"].default_value = 8.0
    links.new(direction.outputs["Vector"], scale.inputs[0])
    fibred = multiply_by_noise(mat.node_tree, ramp.outputs["Color"],
                               scale.outputs["Vector"], 6.0, 0.7, 1.35)
    links.new(fibred, bsdf.inputs["Base Color"])
    bsdf.inputs["Roughness"].default_value = 0.4
    bsdf.inputs["Coat Weight"].default_value = 1.0
    bsdf.inputs["Coat Roughness"].default_value = 0.02
    bsdf.inputs["Coat IOR"].default_value = 1.376  # the cornea's


def _mouth(mat, bsdf, color) -> None:
    bsdf.inputs["Base Color"].default_value = (0.45, 0.14, 0.15, 1.0)
    bsdf.inputs["Roughness"].default_value = 0.3
    bsdf.inputs["Subsurface Weight"].default_value = 0.3
    bsdf.inputs["Subsurface Scale"].default_value = 0.003


def _teeth(mat, bsdf, color) -> None:
    bsdf.inputs["Roughness"].default_value = 0.22
    bsdf.inputs["Subsurface Weight"].default_value = 0.2
    bsdf.inputs["Subsurface Scale"].default_value = 0.001


def _lashes(mat, bsdf, color) -> None:
    """Lash strips drawn as separate lashes: bands across the strip's UVs, see-through
    between them."""
    nodes, links = mat.node_tree.nodes, mat.node_tree.links
    bsdf.inputs["Roughness"].default_value = 0.45
    coords = nodes.new("ShaderNodeTexCoord")
    bands = nodes.new("ShaderNodeTexWave")
    bands.wave_type, bands.bands_direction = "BANDS", "X"
    bands.inputs["Scale"].default_value = 1400.0
    links.new(coords.outputs["UV"], bands.inputs["Vector"])
    hairs = nodes.new("ShaderNodeMath")
    hairs.operation = "GREATER_THAN"
    hairs.inputs[1].default_value = 0.7
    links.new(bands.outputs["Fac"], hairs.inputs[0])
    links.new(hairs.outputs["Value"], bsdf.inputs["Alpha"])
    if hasattr(mat, "surface_render_method"):
        mat.surface_render_method = "DITHERED"
    elif hasattr(mat, "blend_method"):
        mat.blend_method = "HASHED"
