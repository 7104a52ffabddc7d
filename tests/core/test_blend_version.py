"""Which Blender saved a .blend, read from its header without Blender (plain, zstd, gzip)."""

import gzip

import pytest
import zstandard
from metastudio.core.blendfile import blend_version, version_from_header


@pytest.mark.parametrize("head,version", [
    (b"BLENDER17-01v0500REND", (5, 0)),   # Blender 5.0's header
    (b"BLENDER17-01v0502", (5, 2)),
    (b"BLENDER17-01v1003", (10, 3)),
    (b"BLENDER-v402REND", (4, 2)),        # 64-bit little-endian, before 5.0
    (b"BLENDER_V279", (2, 79)),           # 32-bit big-endian
    (b"BLENDER-vXYZ", None),
    (b"NOTBLEND-v402", None),
    (b"", None),
])
def test_the_header_names_the_version(head, version):
    assert version_from_header(head) == version


def test_compressed_files_are_read_through(tmp_path):
    body = b"BLENDER17-01v0501" + bytes(200)
    (tmp_path / "plain.blend").write_bytes(body)
    (tmp_path / "zstd.blend").write_bytes(zstandard.ZstdCompressor().compress(body))
    (tmp_path / "gzip.blend").write_bytes(gzip.compress(b"BLENDER-v279" + bytes(200)))
    (tmp_path / "junk.blend").write_bytes(b"\x28\xb5\x2f\xfd not really zstd")
    assert blend_version(tmp_path / "plain.blend") == (5, 1)
    assert blend_version(tmp_path / "zstd.blend") == (5, 1)
    assert blend_version(tmp_path / "gzip.blend") == (2, 79)
    assert blend_version(tmp_path / "junk.blend") is None
    assert blend_version(tmp_path / "missing.blend") is None
