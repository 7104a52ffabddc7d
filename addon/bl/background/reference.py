"""Images read with Blender's own loader (every format Blender reads): a reference image,
whose look the core takes and the world then uses (the sky tinted towards its sky, or
shown behind the world to the camera as a backplate), and elevation maps given as height
images."""

from __future__ import annotations

from pathlib import Path

import bpy
import numpy as np

from ...core.background.elevation import ElevationMapError, check_heights, read_elevation
from ...core.background.reference import ReferenceImageError, ReferenceLook, analyse
from ...core.errors import MetastudioError


def _linear(values: np.ndarray) -> np.ndarray:
    """sRGB-encoded values to linear light."""
    return np.where(values <= 0.04045, values / 12.92, ((values + 0.055) / 1.055) ** 2.4)


def _pixels(path: Path, field: str, error: type[MetastudioError],
            non_color: bool = False) -> tuple[np.ndarray, bool]:
    """An image file's pixels, rows top-down (rows x columns x channels), and whether
    they are sRGB-encoded; the image is not kept in the .blend. A missing or unreadable
    file is an `error` naming the field and the file."""
    if not path.is_file():
        raise error(f"{field}: {path} does not exist")
    try:
        image = bpy.data.images.load(str(path), check_existing=False)
    except RuntimeError as exc:
        raise error(f"{field}: {path} cannot be read as an image "
                    f"({str(exc).strip()})") from exc
    try:
        if non_color:
            image.colorspace_settings.name = "Non-Color"  # data, not colours
        width, height = image.size
        if width == 0 or height == 0:
            raise error(f"{field}: {path} cannot be read as an image (no pixels)")
        pixels = np.empty(width * height * image.channels, np.float32)
        image.pixels.foreach_get(pixels)
        srgb = not image.is_float and \
            image.colorspace_settings.name.lower().startswith("srgb")
        # Blender's rows run up.
        return pixels.reshape(height, width, image.channels)[::-1], srgb
    finally:
        bpy.data.images.remove(image)


def read_reference(path: Path) -> ReferenceLook:
    """The look of the image at `path`; a clear error naming the file when it cannot be
    read. The image is not kept in the .blend."""
    path = Path(path)
    rgb, srgb = _pixels(path, "reference_image", ReferenceImageError)
    if rgb.shape[2] < 3:
        rgb = np.repeat(rgb[..., :1], 3, axis=2)
    if srgb:
        rgb = _linear(rgb[..., :3])
    return analyse(rgb, f"reference_image: {path}")


def read_elevation_map(source: str) -> np.ndarray:
    """Heights from a .npy/.npz grid or a bundled sample (the core reads those), or from
    an image's first channel (a 16-bit PNG, an EXR, a TIFF: Blender reads it)."""
    if source.lower().endswith((".npy", ".npz")) or source.startswith("sample:"):
        return read_elevation(source)
    grid, _ = _pixels(Path(source), "elevation_map", ElevationMapError, non_color=True)
    return check_heights(grid[..., 0], source)


def tint_sky(world: bpy.types.World, sky_output, look: ReferenceLook):
    """A node between the sky and the world's background: the sky's brightness with the
    reference sky's hue and saturation. Returns the socket to use as the sky's colour."""
    nodes, links = world.node_tree.nodes, world.node_tree.links
    mix = nodes.new("ShaderNodeMix")
    mix.data_type = "RGBA"
    mix.blend_type = "COLOR"
    mix.inputs["Factor"].default_value = 0.8
    mix.inputs["B"].default_value = (*look.sky, 1.0)
    links.new(sky_output, mix.inputs["A"])
    return mix.outputs["Result"]


def backplate(world: bpy.types.World, lighting_output, path: Path,
              strength: float) -> None:
    """The camera sees the image (fitted to the frame); everything else the lighting sky."""
    nodes, links = world.node_tree.nodes, world.node_tree.links
    image = bpy.data.images.load(str(path), check_existing=True)
    texture = nodes.new("ShaderNodeTexImage")
    texture.image = image
    texture.extension = "EXTEND"
    coords = nodes.new("ShaderNodeTexCoord")
    links.new(coords.outputs["Window"], texture.inputs["Vector"])
    plate = nodes.new("ShaderNodeBackground")
    links.new(texture.outputs["Color"], plate.inputs["Color"])
    plate.inputs["Strength"].default_value = strength
    path_info = nodes.new("ShaderNodeLightPath")
    mix = nodes.new("ShaderNodeMixShader")
    output = nodes["World Output"]
    links.new(path_info.outputs["Is Camera Ray"], mix.inputs["Fac"])
    links.new(lighting_output, mix.inputs[1])
    links.new(plate.outputs["Background"], mix.inputs[2])
    links.new(mix.outputs[0], output.inputs["Surface"])
