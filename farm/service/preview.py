"""A preview video of a job's finished frames, encoded by Blender's own FFmpeg output on a
warm worker (the frames travel there as bytes, the video comes back as bytes)."""

from __future__ import annotations

import os
import tempfile

PREVIEW_MAX_WIDTH = 1280


def encode_preview(frames: list[tuple[str, bytes]], fps: float) -> bytes:
    """An H.264 MP4 of `frames` (file name, bytes) in order, at `fps`, at most 1280 pixels
    wide. Runs in a worker's bpy: the open scene is replaced."""
    import bpy

    with tempfile.TemporaryDirectory(prefix="metastudio-preview-") as folder:
        names = []
        for index, (name, data) in enumerate(frames):
            # Numbered names in order: the image strip plays its elements in order.
            local = f"{index:06d}{os.path.splitext(name)[1].lower()}"
            with open(os.path.join(folder, local), "wb") as handle:
                handle.write(data)
            names.append(local)
        bpy.ops.wm.read_factory_settings(use_empty=True)
        scene = bpy.context.scene
        editor = scene.sequence_editor_create()
        # An empty collection is falsy: test for the attribute (4.2-4.5 call it sequences).
        strips = editor.strips if hasattr(editor, "strips") else editor.sequences
        strip = strips.new_image("frames", os.path.join(folder, names[0]), 1, 1)
        for local in names[1:]:
            strip.elements.append(local)
        width, height = _size(os.path.join(folder, names[0]))
        scale = min(1.0, PREVIEW_MAX_WIDTH / width)
        # H.264 wants even sides.
        scene.render.resolution_x = max(2, int(width * scale) // 2 * 2)
        scene.render.resolution_y = max(2, int(height * scale) // 2 * 2)
        scene.render.resolution_percentage = 100
        rate = round(fps)
        scene.render.fps, scene.render.fps_base = max(1, rate), max(1, rate) / fps
        scene.frame_start, scene.frame_end = 1, len(names)
        settings = scene.render.image_settings
        if hasattr(settings, "media_type"):  # Blender 5.0 sorts formats by media type
            settings.media_type = "VIDEO"
        settings.file_format = "FFMPEG"
        scene.render.ffmpeg.format = "MPEG4"
        scene.render.ffmpeg.codec = "H264"
        scene.render.ffmpeg.constant_rate_factor = "MEDIUM"
        scene.render.use_sequencer = True
        target = os.path.join(folder, "preview.mp4")
        scene.render.filepath = target
        scene.render.use_file_extension = False
        bpy.ops.render.render(animation=True, scene=scene.name)
        with open(target, "rb") as handle:
            return handle.read()


def _size(path: str) -> tuple[int, int]:
    import bpy

    image = bpy.data.images.load(path)
    try:
        width, height = image.size
    finally:
        bpy.data.images.remove(image)
    if not width or not height:
        raise ValueError(f"preview: cannot read {os.path.basename(path)}")
    return width, height
