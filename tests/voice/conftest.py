import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "build" / "test-data"
SDIST = "pocketsphinx==5.1.1"


@pytest.fixture(scope="session")
def librivox() -> list[tuple[Path, str]]:
    """Real recorded speech that installs from the package index: the LibriVox clips
    (public domain, 16 kHz) with transcripts in pocketsphinx 5.1.1's source package.
    Fetched once into build/test-data."""
    folder = DATA / "librivox"
    if not folder.is_dir():
        DATA.mkdir(parents=True, exist_ok=True)
        # Only pocketsphinx as source: with ":all:" its build tools (Cython) would be
        # built from source too, just to read its metadata (6 minutes on a fresh
        # machine, against 8 seconds).
        subprocess.run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps",
                        "--no-binary", "pocketsphinx", SDIST, "--dest", str(DATA)],
                       check=True)
        (archive,) = DATA.glob("pocketsphinx-5.1.1.tar.gz")
        prefix = "pocketsphinx-5.1.1/test/data/librivox/"
        with tarfile.open(archive) as tar:
            members = [m for m in tar.getmembers() if m.name.startswith(prefix)]
            for member in members:
                member.name = member.name[len(prefix):]
            folder.mkdir()
            tar.extractall(folder, members=members, filter="data")
        archive.unlink()
    clips = sorted(folder.glob("*.wav"))
    assert len(clips) == 5
    return [(clip, clip.with_suffix(".txt").read_text().strip()) for clip in clips]
