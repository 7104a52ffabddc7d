"""Frames (and sounds) into a video with Blender's own FFmpeg output: H.264 in MP4, the
sound mixed down to AAC. Used for a scene's finished clip and the farm's previews."""

from __future__ import annotations

import os
from pathlib import Path

import bpy

MAX_WIDTH = 1920


def encode_video(frames: list[str], out: str, fps: float,
                 sounds: list[tuple[str, int]] = (), max_width: int = MAX_WIDTH) -> str:
    """Encode `frames` (image files, in order, one per video frame) into `out`, with each
    sound file starting at its frame (1 = the first frame). Replaces the open file with
    an empty scene. Returns `out`."""
    if not frames:
        raise ValueError("video: no frames to encode")
    bpy.ops.wm.read_factory_settings(use_empty=True)
    scene = bpy.context.scene
    editor = scene.sequence_editor_create()
    # An empty collection is falsy: test for the attribute (4.2-4.5 call it sequences).
    strips = editor.strips if hasattr(editor, "strips") else editor.sequences
    folder = os.path.dirname(frames[0])
    if any(os.path.dirname(f) != folder for f in frames):
        raise ValueError("video: the frames must share one folder")
    strip = strips.new_image("frames", frames[0], 2, 1)
    for path in frames[1:]:
        strip.elements.append(os.path.basename(path))
    for number, (sound, frame) in enumerate(sounds):
        strips.new_sound(f"sound {number + 1}", sound, 3 + number % 60, int(frame))
    width, height = _size(frames[0])
    scale = min(1.0, max_width / width)
    scene.render.resolution_x = max(2, int(width * scale) // 2 * 2)  # H.264: even sides
    scene.render.resolution_y = max(2, int(height * scale) // 2 * 2)
    scene.render.resolution_percentage = 100
    rate = max(1, round(fps))
    scene.render.fps, scene.render.fps_base = rate, rate / fps
    scene.frame_start, scene.frame_end = 1, len(frames)
    settings = scene.render.image_settings
    if hasattr(settings, "media_type"):  # Blender 5.0 sorts formats by media type
        settings.media_type = "VIDEO"
    settings.file_format = "FFMPEG"
    ffmpeg = scene.render.ffmpeg
    ffmpeg.format, ffmpeg.codec = "MPEG4", "H264"
    ffmpeg.constant_rate_factor = "MEDIUM"
    ffmpeg.audio_codec = "AAC" if sounds else "NONE"
    if sounds:
        ffmpeg.audio_channels = "STEREO"
        ffmpeg.audio_mixrate = 48000
        ffmpeg.audio_bitrate = 192
    scene.render.use_sequencer = True
    Path(out).parent.mkdir(parents=True, exist_ok=True)
    temporary = os.path.join(os.path.dirname(out), f".{os.path.basename(out)}.part.mp4")
    scene.render.filepath = temporary
    scene.render.use_file_extension = False
    try:
        bpy.ops.render.render(animation=True, scene=scene.name)
        os.replace(temporary, out)
    finally:
        if os.path.exists(temporary):
            os.remove(temporary)
    return out


def _size(path: str) -> tuple[int, int]:
    image = bpy.data.images.load(path)
    try:
        width, height = image.size
    finally:
        bpy.data.images.remove(image)
    if not width or not height:
        raise ValueError(f"video: cannot read {os.path.basename(path)}")
    return width, height
