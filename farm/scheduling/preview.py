"""A preview video of a job's finished frames, encoded by Blender's own FFmpeg output on a
warm worker (the frames travel there as bytes, the video comes back as bytes)."""

from __future__ import annotations

import os
import tempfile

PREVIEW_MAX_WIDTH = 1280


def encode_preview(frames: list[tuple[str, bytes]], fps: float) -> bytes:
    """An H.264 MP4 of `frames` (file name, bytes) in order, at `fps`, at most 1280 pixels
    wide. Runs in a worker's bpy: the open scene is replaced."""
    from metastudio.bl.video import encode_video

    with tempfile.TemporaryDirectory(prefix="metastudio-preview-") as folder:
        paths = []
        for index, (name, data) in enumerate(frames):
            # Numbered names in order: the image strip plays its elements in order.
            path = os.path.join(folder, f"{index:06d}{os.path.splitext(name)[1].lower()}")
            with open(path, "wb") as handle:
                handle.write(data)
            paths.append(path)
        target = os.path.join(folder, "preview.mp4")
        encode_video(paths, target, fps, max_width=PREVIEW_MAX_WIDTH)
        with open(target, "rb") as handle:
            return handle.read()
