"""The service's guards: its token, the folders jobs may use, path mapping between
operating systems, and a cap on request bodies."""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
from pathlib import Path, PurePath

from pydantic import BaseModel

TOKEN_FILENAME = "token.sha256"


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def ensure_token(home: Path, renew: bool = False) -> str | None:
    """Create the service's token at first start (or when `renew`): returns the new token
    to be shown once; only its hash is kept. None when a token already exists."""
    path = home / TOKEN_FILENAME
    if path.exists() and not renew:
        return None
    token = secrets.token_urlsafe(32)
    home.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".part")
    with open(os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w") as f:
        f.write(_digest(token) + "\n")
    os.replace(temporary, path)
    return token


def token_matches(home_digest: str, offered: str | None) -> bool:
    """Is `offered` the service's token? (constant time)"""
    return bool(offered) and hmac.compare_digest(_digest(offered), home_digest)


def read_token_digest(home: Path) -> str:
    return (home / TOKEN_FILENAME).read_text().strip()


class PathPolicy:
    """Which folders jobs may read and write, and how clients' paths map to the
    service's (a Windows artist's P:\\shots is /mnt/projects/shots here)."""

    def __init__(self, roots: list[Path], mapping: list[tuple[str, str]] = ()) -> None:
        self.roots = [Path(r).expanduser().resolve() for r in roots]
        # Longest prefix first, compared with forward slashes and, for drive letters,
        # without regard to case (Windows paths are not case-sensitive).
        self.mapping = sorted(((src.replace("\\", "/"), dst) for src, dst in mapping),
                              key=lambda pair: -len(pair[0]))

    def map_text(self, text: str) -> str:
        """A client's path as the service sees it (unchanged when no mapping applies)."""
        slashed = text.replace("\\", "/")
        for source, target in self.mapping:
            if slashed.lower().startswith(source.lower()):
                rest = slashed[len(source):].lstrip("/")
                return str(PurePath(target) / rest) if rest else target
        return text

    def map_request(self, data):
        """Every string in a request's JSON mapped (see map_text)."""
        if isinstance(data, dict):
            return {key: self.map_request(value) for key, value in data.items()}
        if isinstance(data, list):
            return [self.map_request(value) for value in data]
        if isinstance(data, str) and self.mapping:
            return self.map_text(data)
        return data

    def check(self, path: Path, field: str) -> None:
        """ValueError naming the field when `path` is outside every allowed root."""
        if str(path).startswith("sample:"):  # data that installs with the package
            return
        resolved = Path(path).expanduser().resolve()
        if not any(resolved == root or resolved.is_relative_to(root) for root in self.roots):
            allowed = ", ".join(str(r) for r in self.roots)
            raise ValueError(f"{field}: {path} is outside the folders this service may use "
                             f"({allowed})")


def paths_in(model: BaseModel, prefix: str = ""):
    """(field name, path) for every path in a pydantic model, nested models, lists and
    operator steps included."""
    for name in type(model).model_fields:
        value = getattr(model, name)
        yield from _paths_of(value, f"{prefix}{name}")


def _paths_of(value, field: str):
    if isinstance(value, PurePath):
        yield field, value
    elif isinstance(value, BaseModel):
        if hasattr(value, "operator") and hasattr(value, "model") and callable(value.model):
            yield from paths_in(value.model(), f"{field}.params.")  # an operator step
        else:
            yield from paths_in(value, f"{field}.")
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            yield from _paths_of(item, f"{field}.{index}")


class BodyLimit:
    """ASGI middleware refusing request bodies over `limit` bytes with 413, whether the
    client declares the length or streams the body."""

    def __init__(self, app, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.limit:
            return await _refuse(send, self.limit)
        seen = 0

        async def counted():
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > self.limit:
                raise _TooLarge()
            return message

        try:
            return await self.app(scope, counted, send)
        except _TooLarge:
            return await _refuse(send, self.limit)


class _TooLarge(Exception):
    pass


async def _refuse(send, limit: int) -> None:
    body = json.dumps({"detail": f"request body is larger than {limit} bytes"}).encode()
    await send({"type": "http.response.start", "status": 413,
                "headers": [(b"content-type", b"application/json"),
                            (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})
