"""Run bpy code in a fresh Python process (the test process stays free of Blender state)."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap


def run_bpy(code: str, hard_exit: bool = False, **params) -> dict:
    """Run `code` with `params` bound as globals; it may set `result` (JSON) to return.

    hard_exit: leave the process without Python's clean-up once the result is printed
    (bpy 4.2 as a module crashes at interpreter exit after a glTF import or a Rigify
    generation, and 4.5 hangs after the latter, whoever calls them).
    """
    ending = "\nprint('@@RESULT@@' + json.dumps(result))\n"
    if hard_exit:
        ending += "sys.stdout.flush()\nimport os\nos._exit(0)\n"
    script = textwrap.dedent("""
        import json, sys
        params = json.loads(sys.argv[1])
        globals().update(params)
        result = None
    """) + textwrap.dedent(code) + ending
    proc = subprocess.run([sys.executable, "-c", script, json.dumps(params)],
                          capture_output=True, text=True, timeout=300)
    if proc.returncode != 0:
        raise AssertionError(f"bpy snippet failed:\n{proc.stdout[-2000:]}\n{proc.stderr[-4000:]}")
    line = [ln for ln in proc.stdout.splitlines() if ln.startswith("@@RESULT@@")][-1]
    return json.loads(line.removeprefix("@@RESULT@@"))


def build_scene(path, frames: int = 6, resolution=(64, 36), samples: int = 2, **options) -> str:
    """Build the sample scene at `path` (tiny and quick by default)."""
    run_bpy("""
        from metastudio.bl.sample_scene import build_sample_scene
        build_sample_scene(path, frames, tuple(resolution), samples, **options)
    """, path=str(path), frames=frames, resolution=list(resolution), samples=samples,
            options=options)
    return str(path)
