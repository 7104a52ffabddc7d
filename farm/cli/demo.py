"""`metastudio demo`: build a sample scene with Blender and render it on the local farm."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from metastudio.core.render_job import RenderJob

from .render import run_render


def build_scene_in_subprocess(path: Path, frames: int, **options) -> Path:
    """Build the sample scene in a separate bpy process, keeping this one free of bpy."""
    code = (
        "import sys, json; from metastudio.bl.sample_scene import build_sample_scene; "
        "build_sample_scene(sys.argv[1], int(sys.argv[2]), **json.loads(sys.argv[3]))"
    )
    subprocess.run([sys.executable, "-c", code, str(path), str(frames), json.dumps(options)],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return path


def run_demo(out: Path, frames: int = 24) -> int:
    """Build the sample scene under `out`, render it on an embedded farm, print where."""
    out = out.resolve()
    out.mkdir(parents=True, exist_ok=True)
    scene = build_scene_in_subprocess(out / "sample.blend", frames)
    print(f"built {scene} ({frames} frames, a ball rolling under a sun)")
    job = RenderJob(scene=scene, output={"directory": out / "frames"})
    code = run_render(job)
    print(f"frames are in {out / 'frames'}")
    return code
