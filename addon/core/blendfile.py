"""Reading .blend files without Blender: is this a .blend at all, and what is its data?"""

from __future__ import annotations

import hashlib
import struct
from pathlib import Path

from .errors import SceneError

# A .blend starts with "BLENDER", or is wrapped in zstd (Blender 3.0+) or gzip (older).
_MAGICS = (b"BLENDER", b"\x28\xb5\x2f\xfd", b"\x1f\x8b")


def check_blend_file(path: Path) -> Path:
    """Return the resolved path of a readable .blend, or raise SceneError saying why not."""
    path = Path(path).expanduser()
    if not path.exists():
        raise SceneError(f"scene: file not found: {path}")
    if path.is_dir():
        raise SceneError(f"scene: {path} is a folder, not a .blend file")
    try:
        with path.open("rb") as handle:
            head = handle.read(8)
    except OSError as exc:
        raise SceneError(f"scene: cannot read {path}: {exc.strerror}") from exc
    if not head:
        raise SceneError(f"scene: {path} is empty")
    if not head.startswith(_MAGICS):
        raise SceneError(f"scene: {path} is not a .blend file")
    return path.resolve()


def blend_version(path: Path) -> tuple[int, int] | None:
    """The Blender version that saved a .blend, (major, minor), from its header (under
    zstd or gzip too); None when the header is not one this reader knows."""
    import gzip

    import zstandard

    try:
        with Path(path).open("rb") as handle:
            head = handle.read(64)
            handle.seek(0)
            if head.startswith(b"\x28\xb5\x2f\xfd"):
                head = zstandard.ZstdDecompressor().stream_reader(handle).read(64)
            elif head.startswith(b"\x1f\x8b"):
                head = gzip.GzipFile(fileobj=handle).read(64)
    except (OSError, EOFError, zstandard.ZstdError):  # gzip's BadGzipFile is an OSError
        return None
    return version_from_header(head)


def version_from_header(head: bytes) -> tuple[int, int] | None:
    """(major, minor) from a .blend header: "BLENDER17-01v0502" (Blender 5.0 and later:
    header size, format, endianness, four digits) or "BLENDER-v402" (before: pointer
    size, endianness, three digits)."""
    if not head.startswith(b"BLENDER"):
        return None
    if head[7:9].isdigit() and head[12:13] in (b"v", b"V") and head[13:17].isdigit():
        number = int(head[13:17])
    elif head[7:8] in (b"-", b"_") and head[8:9] in (b"v", b"V") and head[9:12].isdigit():
        number = int(head[9:12])
    else:
        return None
    return number // 100, number % 100


# Data-blocks that hold the user interface and the file's session (window manager,
# screens, workspaces, the global block, render info, thumbnail): what Blender saves of
# a session, not of the scene.
_SESSION_BLOCKS = {b"WM", b"SN", b"WS", b"GLOB", b"REND", b"TEST"}


def scene_digest(path: Path, data: bytes | None = None) -> str:
    """A digest of a .blend's data that ignores its session state (UI layout, window
    manager, operator history): the same scene saved twice from a Blender session that
    was used in between gets the same digest, so a farm job resumes. Falls back to the
    bytes' digest for a file it cannot parse (gzip, unknown layout). `data`, when given,
    is the file's content already read."""
    raw = Path(path).read_bytes() if data is None else data
    try:
        return "data:" + _data_digest(raw)
    except (ValueError, struct.error):
        return hashlib.sha256(raw).hexdigest()


def _data_digest(raw: bytes) -> str:
    if raw.startswith(b"\x28\xb5\x2f\xfd"):
        import zstandard

        raw = zstandard.ZstdDecompressor().stream_reader(raw).read()
    if not raw.startswith(b"BLENDER"):
        raise ValueError("not an uncompressed or zstd .blend")
    if raw[7:9] == b"17":  # "BLENDER17-01v0500": Blender 5.0's large block headers
        position, layout, large = 17, "<4siQqq", True
    elif raw[7:8] == b"-" and raw[8:9] == b"v":  # 64-bit little-endian, 4.x layout
        position, layout, large = 12, "<4siQii", False
    else:
        raise ValueError("unsupported .blend header")
    size = struct.calcsize(layout)
    blocks = []
    while position + size <= len(raw):
        fields = struct.unpack_from(layout, raw, position)
        code = fields[0].rstrip(b"\0")
        length, address = (fields[3], fields[2]) if large else (fields[1], fields[2])
        if code in (b"DNA1", b"ENDB"):
            break
        blocks.append((code, address, raw[position + size:position + size + length]))
        position += size + length
    # Blender before 5.0 writes memory addresses as pointers, which change from session to
    # session; each address that names a block is replaced by the block's number.
    numbers = {address: index for index, (_, address, _) in enumerate(blocks) if address}
    digest = hashlib.sha256()
    skipping = False
    for code, _address, body in blocks:
        if code != b"DATA":  # a new data-block; DATA blocks belong to the one before
            skipping = code in _SESSION_BLOCKS
            if not skipping:
                digest.update(code + b"\0")
        if not skipping:
            digest.update(_renumber(body, numbers) if not large else body)
    return digest.hexdigest()


def _renumber(body: bytes, numbers: dict[int, int]) -> bytes:
    words = len(body) // 8
    if not words:
        return body
    values = struct.unpack_from(f"<{words}Q", body)
    if not any(value in numbers for value in values):
        return body
    mapped = [numbers.get(value, value) for value in values]
    return struct.pack(f"<{words}Q", *mapped) + body[words * 8:]
