"""`metastudio scene SCRIPT.toml`: a scene script made into a .blend (this process's
Blender), rendered on the farm with progress, and encoded into a video with the
dialogue's sound; `--batch FOLDER` does every script of a folder as one farm job."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from metastudio.core.errors import JobSpecError
from metastudio.core.scene_script import load_script, schema_text

from ..batches.scene import build_blend, encode_clip, picked_frames, with_output
from .farm import add_farm_arguments


def add_parsers(sub) -> None:
    p = sub.add_parser("scene", help="make a rendered clip with sound from a scene script",
                       description="Build a scene script (TOML: background, cast, dialogue, "
                       "camera, output) into a .blend, render it on the farm and encode a "
                       "video with the dialogue's sound. The .blend stays for the artist.")
    p.add_argument("script", type=Path, nargs="?", help="the scene script (.toml)")
    p.add_argument("--out", type=Path, help="folder for the .blend, frames, voices and video "
                   "(default: a folder named after the script beside it)")
    add_farm_arguments(p)
    p.add_argument("--no-render", action="store_true", help="build the .blend only")
    p.add_argument("--resolution", help="WIDTHxHEIGHT instead of the script's")
    p.add_argument("--quality", choices=("draft", "preview", "final"),
                   help="instead of the script's")
    p.add_argument("--fps", type=int, help="frames per second instead of the script's")
    which = p.add_mutually_exclusive_group()
    which.add_argument("--frames", help="render only these frames (e.g. 1-24 or 10,20,30): "
                       "to look, no video")
    which.add_argument("--shots", help="render only these shots (e.g. 1,3; numbered as the "
                       "timeline's 'shot N' markers): to look, no video")
    which.add_argument("--stills", action="store_true",
                       help="render one frame from the middle of each shot: to look, no video")
    p.add_argument("--batch", action="store_true",
                   help="SCRIPT is a folder of scripts: each made into OUT/<name>/ on a "
                        "farm worker, as one job (run again: only new or changed scripts)")
    p.add_argument("--schema", action="store_true",
                   help="print the scene script's JSON schema (for editors) and stop")
    p.set_defaults(handler=_cmd_scene)

    p = sub.add_parser("clip", help="render a built scene on the farm and encode its clip",
                       description="Render a .blend's frames on the farm (a scene made by "
                       "`metastudio scene`, refined by hand or not) and encode a video with "
                       "its sound strips mixed in.")
    p.add_argument("scene", type=Path, help="the .blend")
    p.add_argument("--out", type=Path, help="folder for the frames and the video "
                   "(default: the .blend's folder)")
    add_farm_arguments(p)
    p.add_argument("--progress", choices=("bar", "json"), default="bar",
                   help="a progress bar on stderr, or JSON lines on stdout for programs")
    p.set_defaults(handler=_cmd_clip)


def _cmd_scene(args: argparse.Namespace) -> int:
    if args.schema:
        sys.stdout.write(schema_text())
        return 0
    if args.script is None:
        raise JobSpecError("script: give a scene script (.toml), or --schema")
    if args.batch:
        return _batch(args)
    script = with_output(load_script(args.script), args.resolution, args.quality, args.fps)
    # Absolute: the voices' paths go into the .blend and the farm reads them from there.
    out = (args.out or args.script.with_suffix("")).resolve()
    if out.exists() and not out.is_dir():
        raise JobSpecError(f"out: {out} is a file, not a folder")
    if (args.frames or args.shots or args.stills) and args.no_render:
        raise JobSpecError("frames: --frames, --shots and --stills choose what to render; "
                           "they do nothing with --no-render")
    pick = {"frames": args.frames, "shots": args.shots, "stills": args.stills}
    result = make_scene(script, out, args.script.stem, args.address,
                        render=not args.no_render, pick=pick, no_service=args.no_service)
    print(f"blend: {result['blend']}" + ("" if result["built"] else
                                         "  (up to date: not built again)"))
    if "video" in result:
        print(f"video: {result['video']}  ({result['seconds']:.1f} s, {result['frames']} "
              "frames)")
    elif "picked" in result:
        print(f"frames: {result['picked']} in {out / 'frames'} (a selection: no video)")
    return 0


def _batch(args: argparse.Namespace) -> int:
    from metastudio.core.service_jobs import BatchJobRequest, SceneBatch

    from .farm import run_batch_job
    from .output import print_batch
    from .progress import ProgressBar

    if args.out is None:
        raise JobSpecError("out: give --out DIR for a batch of scripts")
    batch = SceneBatch(folder=args.script.expanduser().absolute(), resolution=args.resolution,
                       quality=args.quality, fps=args.fps)
    progress = ProgressBar(label="scenes")
    report = run_batch_job(BatchJobRequest(batch=batch, out=args.out.expanduser().absolute()),
                           args.address, args.no_service, progress, keep_ray=True)
    progress.close()
    return print_batch(report, "scenes made", args.out)


def make_scene(script, out: Path, stem: str, address: str | None = None,
               render: bool = True, pick: dict | None = None, no_service: bool = False
               ) -> dict:
    """Build (unless the .blend is up to date: scene_record), render on the farm and
    encode (see the module); the paths made. `pick` ({"frames", "shots", "stills"})
    renders only those frames, without a video."""
    from ..batches.scene_record import inputs_digest, needs_build, write_record

    blend = out / f"{stem}.blend"
    inputs = inputs_digest(script)
    built = needs_build(blend, inputs)
    if built:
        blend, _ = build_blend(script, out, stem)
        write_record(blend, inputs)
    result = {"blend": blend, "built": built}
    if not render:
        return result
    frames = picked_frames(blend, pick or {})
    if frames is not None:
        render_frames(blend, out, address, frames, no_service=no_service)
        result["picked"] = frames
        return result
    result.update(render_clip(blend, out, address, no_service=no_service))
    return result


def render_clip(blend: Path, out: Path, address: str | None = None,
                progress: str = "bar", no_service: bool = False) -> dict:
    """Render a built scene's frames on the farm into out/frames, then encode
    out/<name>.mp4 with the scene's sound strips mixed in; the video and its length."""
    frames = render_frames(blend, out, address, None, progress, no_service)
    video = out / f"{blend.stem.removesuffix('.farm')}.mp4"
    count, seconds = encode_clip(blend, frames, video)
    return {"video": video, "frames": count, "seconds": seconds}


def render_frames(blend: Path, out: Path, address: str | None, frames: str | None,
                  progress: str = "bar", no_service: bool = False) -> Path:
    """Render a built scene's frames (all, or a frame list) on the farm into out/frames;
    a run stopped before the end resumes there, rendering only what is missing."""
    from metastudio.core.render_job import RenderJob

    from .render import run_render

    folder = out / "frames"
    job = RenderJob(scene=blend, output={"directory": folder}, frames=frames,
                    resources={"address": address})
    run_render(job, progress, no_service)  # FrameFailedError names the frames that failed
    return folder


def _cmd_clip(args: argparse.Namespace) -> int:
    from metastudio.core.blendfile import check_blend_file

    blend = check_blend_file(args.scene)
    out = (args.out or blend.parent).resolve()
    result = render_clip(blend, out, args.address, args.progress, args.no_service)
    print(f"video: {result['video']}  ({result['seconds']:.1f} s, {result['frames']} frames)")
    return 0
