"""Export characters as VRM 1.0 and photograph them where they will be used: three.js with
@pixiv/three-vrm in headless Chromium (docs/avatar-vrm.png).

    .venv/bin/python scripts/avatar_sheet.py [--out docs/avatar-vrm.png] [--size 1024]

Per description, one column: the full body (T-pose, as VRM keeps it), the face at rest,
and the face with the `aa` and `blink` expressions set (the lip-sync viseme and both
eyes closed), each drawn by three-vrm. Prints each export's figures.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from tests.web import clients  # noqa: E402

DESCRIPTIONS = [
    "a young woman with long wavy brown hair in a green blouse and jeans",
    "a muscular Korean man in his thirties, black hoodie, blue jeans",
    "a young man with a curly black afro and a beard, in a white t-shirt and jeans",
    "a Korean schoolgirl with a black ponytail, a white shirt and a navy skirt",
]
SHOT = 400


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("docs/avatar-vrm.png"))
    parser.add_argument("--size", type=int, default=1024, choices=(512, 1024, 2048),
                        help="the baked textures' size")
    args = parser.parse_args()
    why = clients.missing()
    if why:
        raise SystemExit(why)
    import matplotlib.image as mpimg

    columns = []
    with tempfile.TemporaryDirectory(prefix="metastudio-avatars-") as folder:
        driver = clients.browser(SHOT, SHOT)
        try:
            for index, description in enumerate(DESCRIPTIONS):
                path = Path(folder) / f"avatar{index}.vrm"
                started = time.perf_counter()
                done = subprocess.run(
                    [sys.executable, "-m", "metastudio_farm.cli", "character",
                     description, "--name", f"Avatar {index + 1}", "--export", str(path),
                     "--texture-size", str(args.size)],
                    capture_output=True, text=True, check=False)
                if done.returncode:
                    raise SystemExit(done.stderr[-2000:])
                figures = [ln for ln in done.stderr.splitlines() if "exported" in ln]
                print(f"{description}\n  {figures[-1]} "
                      f"({time.perf_counter() - started:.1f} s with the build)")
                shots = []
                for name, query in (("full", {}), ("face", {"view": "face"}),
                                    ("talk", {"view": "face", "aa": 1, "blink": 1})):
                    png = Path(folder) / f"{index}-{name}.png"
                    report = clients.view_vrm(driver, path, png, width=SHOT, height=SHOT,
                                              **query)
                    if "error" in report:
                        raise SystemExit(f"three-vrm: {report['error']}")
                    shots.append(mpimg.imread(png)[..., :3])
                columns.append(np.concatenate(shots, axis=0))
        finally:
            driver.quit()
    sheet = np.concatenate(columns, axis=1)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    mpimg.imsave(args.out, np.clip(sheet, 0, 1))
    print(f"wrote {args.out} ({sheet.shape[1]}x{sheet.shape[0]})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
