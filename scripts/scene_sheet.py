"""Render docs/scene.png: a contact sheet of the demo's video (eight frames evenly
through it, each labelled with its time and who is speaking).

    .venv/bin/python scripts/scene_sheet.py [VIDEO] [SCRIPT] [OUT]
    (default: demo-output/lakeside.mp4 made by ./scripts/demo, examples/lakeside.toml,
    docs/scene.png)"""

from __future__ import annotations

import sys
from pathlib import Path

import cv2
import numpy as np
import soundfile

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from metastudio.core.scene_script import load_script, timeline  # noqa: E402

OUT = ROOT / "docs" / "scene.png"


def main() -> int:
    video = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "demo-output" / "lakeside.mp4"
    script_path = Path(sys.argv[2]) if len(sys.argv) > 2 else ROOT / "examples" / "lakeside.toml"
    out = Path(sys.argv[3]) if len(sys.argv) > 3 else OUT
    script = load_script(script_path)
    voices = sorted((video.parent / "voices").glob("*.wav"))
    lines, _ = timeline(script, [soundfile.info(str(v)).duration for v in voices])
    capture = cv2.VideoCapture(str(video))
    count, fps = int(capture.get(cv2.CAP_PROP_FRAME_COUNT)), capture.get(cv2.CAP_PROP_FPS)
    tiles = []
    for n in range(8):
        index = int((n + 0.5) * count / 8)
        capture.set(cv2.CAP_PROP_POS_FRAMES, index)
        ok, frame = capture.read()
        if not ok:
            continue
        seconds = index / fps
        speaking = next((t.who for t in lines if t.start <= seconds <= t.end), "")
        label = f"{seconds:4.1f} s" + (f"  {speaking} speaks" if speaking else "")
        frame = cv2.resize(frame, (480, 270), interpolation=cv2.INTER_AREA)
        cv2.rectangle(frame, (0, 242), (480, 270), (0, 0, 0), -1)
        cv2.putText(frame, label, (8, 262), cv2.FONT_HERSHEY_SIMPLEX, 0.6, (255, 255, 255),
                    1, cv2.LINE_AA)
        tiles.append(frame)
    rows = [np.hstack(tiles[i:i + 4]) for i in range(0, len(tiles), 4)]
    cv2.imwrite(str(out), np.vstack(rows))
    print(f"wrote {out} from {video} ({count} frames at {fps:g} fps)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
