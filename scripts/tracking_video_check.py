"""The accuracy check on video of real people walking: OpenCV's vtest.avi (pedestrians
filmed from above, 768x576, 10 fps, 795 frames; Debian's opencv-doc, read where the
package puts it).

    .venv/bin/python scripts/tracking_video_check.py [--video PATH]

Tracks the clip, bakes it onto the metastudio character with the Track Performance
operator (feet locked, root motion on) and prints: frames with a person, the notes, per
limb the angle between the posed bone chain and the tracked limb over every frame where
the limb was seen (goal: median under 10 degrees), how steady the tracked limb lengths
are (a person's bones do not change length: their spread is the tracker's noise), and
the frames whose feet were locked.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path

import numpy as np

VIDEO = Path("/usr/share/doc/opencv-doc/examples/data/vtest.avi")
BONES = {"upper arm": (11, 13), "forearm": (13, 15), "thigh": (23, 25), "shin": (25, 27)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--video", type=Path, default=VIDEO)
    args = parser.parse_args()
    if not args.video.is_file():
        print(f"{args.video}: missing (apt-get install opencv-doc)", file=sys.stderr)
        return 2
    cache = tempfile.mkdtemp()
    os.environ["XDG_CACHE_HOME"] = cache
    import bpy
    import metastudio
    from metastudio.core.tracking.filter import steady
    from metastudio.core.tracking.landmarks import Track, cache_key, default_cache
    from metastudio.core.tracking.retarget import LIMBS, MIN_VISIBILITY, PRESETS, to_blender

    metastudio.register()
    bpy.ops.wm.read_factory_settings(use_empty=True)
    bpy.ops.metastudio.make_character(params_json=json.dumps({"name": "Walker"}))
    rig = bpy.data.objects["Walker rig"]
    bpy.ops.metastudio.track(params_json=json.dumps(
        {"video": str(args.video), "face": False, "root_motion": True, "reference": False}))
    track = Track.load(default_cache() / f"{cache_key(args.video, True)}.npz")
    body = to_blender(steady(track.body, track.fps, 0.5))
    angles: dict[str, list[float]] = {}
    scene = bpy.context.scene
    rate = scene.render.fps / scene.render.fps_base
    found = track.found()
    for frame in np.flatnonzero(found):
        when = 1 + frame * rate / track.fps  # keys are placed by time, between frames
        scene.frame_set(int(when), subframe=when - int(when))
        for part, (start, end) in LIMBS.items():
            if track.visibility[frame, list(start + end)].min() < MIN_VISIBILITY:
                continue
            chain = [rig.pose.bones[n] for n in PRESETS["metastudio"][part]]
            posed = np.array(chain[-1].tail - chain[0].head)
            want = body[frame, list(end)].mean(0) - body[frame, list(start)].mean(0)
            cos = np.dot(posed, want) / np.linalg.norm(posed) / np.linalg.norm(want)
            angles.setdefault(part, []).append(float(np.degrees(np.arccos(np.clip(cos, -1,
                                                                                  1)))))
    print(f"{args.video.name}: {track.frames} frames at {track.fps:g} fps, a person in "
          f"{int(found.sum())}; notes: {list(track.notes) or 'none'}")
    every = np.concatenate([v for v in angles.values()])
    print(f"posed chain against tracked limb, {len(every)} limb frames: median "
          f"{np.median(every):.1f}, 95th percentile {np.percentile(every, 95):.1f}, largest "
          f"{every.max():.1f} degrees (goal: median under 10)")
    for part, values in sorted(angles.items()):
        print(f"  {part:12s} {len(values):4d} frames, median {np.median(values):.1f}, "
              f"largest {max(values):.1f}")
    print("tracked limb lengths (world landmarks, frames where seen), spread / median:")
    for name, (a, b) in BONES.items():
        for side, offset in (("left", 0), ("right", 1)):
            i, j = a + offset, b + offset
            seen = found & (track.visibility[:, [i, j]].min(axis=1) >= MIN_VISIBILITY)
            lengths = np.linalg.norm(track.body[seen, i] - track.body[seen, j], axis=1)
            if len(lengths):
                print(f"  {side} {name:9s} median {np.median(lengths) * 100:.1f} cm, "
                      f"spread (std) {np.std(lengths) / np.median(lengths) * 100:.0f}%")
    sys.stdout.flush()
    os._exit(0)  # bpy's clean-up at exit is slow and not needed


if __name__ == "__main__":
    sys.exit(main())
