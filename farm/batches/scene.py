"""Scene scripts made into clips. The work: building a script into a .blend
(build_blend), the frames a selection names (picked_frames) and encoding a built scene's
frames with its sounds (encode_clip), for `metastudio scene` and `clip`.

Many scene scripts as one farm job: each script of a folder is built, rendered and
encoded on one Ray worker (its own Blender, frame after frame), and its clip, .blend and
voices come back through the object store into OUT/<script name>/. Scripts whose clip
exists and is newer than the script are skipped, so a job run again does only what is
missing or changed."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

from metastudio.core.errors import JobSpecError

from ..scheduling.transfer import write_atomically
from .plan import BatchPlan


def scripts_in(folder: Path) -> dict[str, Path]:
    """Name -> script: every .toml file in `folder`, validated now so that a bad script
    is refused, naming its line, before any work starts."""
    from metastudio.core.scene_script import load_script

    if not folder.is_dir():
        raise JobSpecError(f"script: {folder} is not a folder (give a folder of scene "
                           "scripts with --batch)")
    found = {path.stem: path for path in sorted(folder.glob("*.toml"))}
    if not found:
        raise JobSpecError(f"script: no scene scripts (.toml) in {folder}")
    for path in found.values():
        load_script(path)
    return found


def make_clip(script_path: str, overrides: dict) -> dict:
    """Build, render and encode one script in this process's Blender (a worker's);
    returns each file made (relative name -> bytes): the .blend, the clip, the voices."""
    import bpy
    from metastudio.bl.render import capture_output
    from metastudio.bl.video import encode_video
    from metastudio.core.scene_script import load_script

    script = with_output(load_script(Path(script_path)), overrides.get("resolution"),
                         overrides.get("quality"), overrides.get("fps"))
    stem = Path(script_path).stem
    with tempfile.TemporaryDirectory(prefix="metastudio-scene-") as folder:
        out = Path(folder)
        with capture_output(str(out / "build.log")):
            blend, timing = build_blend(script, out, stem)
            scene = bpy.context.scene
            scene.render.filepath = str(out / "frames" / "frame_####")
            bpy.ops.render.render(animation=True, scene=scene.name)
            frames = sorted(str(p) for p in (out / "frames").glob("frame_*.png"))
            encode_video(frames, str(out / f"{stem}.mp4"), timing["fps"], timing["sounds"])
        made = {f"{stem}.blend": blend.read_bytes(),
                f"{stem}.mp4": (out / f"{stem}.mp4").read_bytes()}
        for voice in sorted((out / "voices").glob("*.wav")):
            made[f"voices/{voice.name}"] = voice.read_bytes()
        return {"files": made, "seconds": timing["length"], "frames": len(frames)}


def plan_scenes(folder: Path, out: Path, overrides: dict | None = None) -> BatchPlan:
    """The plan that makes a clip of every script in `folder` into OUT/<name>/."""
    scripts = scripts_in(folder)
    overrides = overrides or {}

    def finished(name: str) -> bool:
        clip = out / name / f"{name}.mp4"
        return clip.exists() and clip.stat().st_mtime >= scripts[name].stat().st_mtime

    def write(name: str, result: dict) -> None:
        # The clip last: it marks the script done.
        files = sorted(result["files"].items(), key=lambda item: item[0].endswith(".mp4"))
        for relative, data in files:
            write_atomically(out / name / relative, data)

    return BatchPlan(make_clip, scripts, out, finished,
                     lambda path: (os.fspath(path), overrides), write)


def with_output(script, resolution: str | None, quality: str | None, fps: int | None):
    """The script with the command line's output settings in place of its own."""
    changes = {}
    if resolution:
        width, sep, height = resolution.lower().partition("x")
        if not sep or not width.strip().isdigit() or not height.strip().isdigit():
            raise JobSpecError(f"resolution: write it as WIDTHxHEIGHT, not {resolution!r}")
        changes["resolution"] = (int(width), int(height))
    if quality:
        changes["quality"] = quality
    if fps is not None:
        changes["fps"] = fps
    if not changes:
        return script
    from metastudio.core.scene_script import OutputPart, SceneScript
    from metastudio.core.schema import build_spec

    output = build_spec(OutputPart, {**script.output.model_dump(), **changes})
    return SceneScript.model_construct(**{**dict(script), "output": output})


def build_blend(script, out: Path, stem: str) -> tuple[Path, dict]:
    """Build the script into out/<stem>.blend in this process's bpy; the .blend and what
    the encoder needs (sounds with their frames, fps, the scene's length)."""
    import bpy
    from metastudio.bl.scene_build import build_scene
    from metastudio.bl.scene_guard import SceneGuard

    out.mkdir(parents=True, exist_ok=True)
    bpy.ops.wm.read_factory_settings(use_empty=True)
    warnings: list[str] = []
    steps = build_scene(bpy.context, script, out, SceneGuard(), warnings)
    while True:
        try:
            fraction, message = next(steps)
        except StopIteration as finished:
            built = finished.value
            break
        print(f"[{fraction:4.0%}] {message}", file=sys.stderr)
    for warning in warnings:
        print(f"warning: {warning}", file=sys.stderr)
    blend = out / f"{stem}.blend"
    # Saved once to have a folder to be relative to, then again with the voices' paths
    # relative, so the folder can move; no .blend1 backup of the first save.
    bpy.context.preferences.filepaths.save_version = 0
    bpy.ops.wm.save_as_mainfile(filepath=str(blend))
    bpy.ops.file.make_paths_relative()
    bpy.ops.wm.save_mainfile()
    scene = bpy.context.scene
    return blend, {"sounds": built.sounds, "fps": script.output.fps, "length": built.length,
                   "frames": scene.frame_end - scene.frame_start + 1}


def picked_frames(blend: Path, pick: dict) -> str | None:
    """The frames a selection names, as a frame list ("10-20,40"); None for all. Shots
    are the .blend's "shot N" timeline markers, each to the frame before the next."""
    if pick.get("frames"):
        from metastudio.core.frames import parse_frames

        parse_frames(pick["frames"])  # a bad list is refused, naming the field
        return pick["frames"]
    if not (pick.get("shots") or pick.get("stills")):
        return None
    shots = clip_settings(blend)["shots"]
    if pick.get("stills"):
        return ",".join(str((start + end) // 2) for start, end in shots)
    chosen = []
    for word in pick["shots"].split(","):
        if not word.strip().isdigit() or not 1 <= int(word) <= len(shots):
            raise JobSpecError(f"shots: {word.strip()!r} is not a shot of {blend.name} "
                               f"(it has shots 1 to {len(shots)})")
        start, end = shots[int(word) - 1]
        chosen.append(f"{start}-{end}")
    return ",".join(chosen)


def clip_settings(blend: Path) -> dict:
    """What encoding a built scene needs, read from the .blend in this process's bpy: its
    sound strips (absolute file, frame counted from the scene's first frame as 1) and
    its frame rate."""
    import bpy

    bpy.ops.wm.open_mainfile(filepath=str(blend))
    scene = bpy.context.scene
    editor = scene.sequence_editor
    strips = (editor.strips if hasattr(editor, "strips") else editor.sequences) if editor \
        else []
    sounds = [(bpy.path.abspath(s.sound.filepath), int(s.frame_start) - scene.frame_start + 1)
              for s in strips if s.type == "SOUND" and not s.mute]
    cuts = sorted(m.frame for m in scene.timeline_markers if m.name.startswith("shot "))
    cuts = [f for f in cuts if scene.frame_start <= f <= scene.frame_end] or \
        [scene.frame_start]
    shots = [(start, end - 1) for start, end in zip(cuts, cuts[1:] + [scene.frame_end + 1],
                                                    strict=True)]
    return {"sounds": sounds, "fps": scene.render.fps / scene.render.fps_base,
            "range": (scene.frame_start, scene.frame_end), "shots": shots}


def encode_clip(blend: Path, frames: Path, video: Path) -> tuple[int, float]:
    """Encode a built scene's rendered frames (in `frames`) into `video`, its sound strips
    mixed in; (frames encoded, seconds). Blender's lines go to encode.log beside it."""
    from metastudio.bl.render import capture_output
    from metastudio.bl.video import encode_video

    with capture_output(str(video.parent / "encode.log")):  # a line per frame
        settings = clip_settings(blend)
        # The scene's own frames: a folder may hold others (a longer earlier build's).
        first, last = settings["range"]
        names = sorted(str(p) for p in frames.iterdir()
                       if p.suffix == ".png" and p.stem.startswith("frame_")
                       and p.stem[6:].isdigit() and first <= int(p.stem[6:]) <= last)
        encode_video(names, str(video), settings["fps"], settings["sounds"])
    return len(names), len(names) / settings["fps"]
