"""The service's guards: its token, the folders jobs may use, path mapping between
operating systems, and a cap on request bodies."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import os
import re
import secrets
import threading
import time
from collections import deque
from pathlib import Path, PurePath

from pydantic import BaseModel

from ..scheduling.home import CLIENT_TOKEN_FILENAME
from ..scheduling.roots import PACKAGED_SAMPLES, PathPolicy

TOKEN_FILENAME = "token.sha256"

__all__ = ["PACKAGED_SAMPLES", "PathPolicy"]  # also the service's guards


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


def write_client_token(home: Path) -> str:
    """A new token for this user's own commands, in the home (mode 0600); its digest."""
    token = secrets.token_urlsafe(32)
    path = home / CLIENT_TOKEN_FILENAME
    temporary = path.with_name(path.name + ".part")
    with open(os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w") as f:
        f.write(token + "\n")
    os.replace(temporary, path)
    return _digest(token)


def token_matches(home_digest: str, offered: str | None) -> bool:
    """Is `offered` the service's token? (constant time)"""
    return bool(offered) and hmac.compare_digest(_digest(offered), home_digest)


def read_token_digest(home: Path) -> str:
    return (home / TOKEN_FILENAME).read_text().strip()


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


class TokenThrottle:
    """Wrong tokens counted per client address: after `limit` in `window` seconds the
    address gets 429 for `window` seconds, and the service log says so once."""

    def __init__(self, limit: int = 10, window: float = 60.0, log=None) -> None:
        self.limit, self.window = limit, window
        self.log = log or logging.getLogger("metastudio.service")
        self._failures: dict[str, deque[float]] = {}
        self._blocked: dict[str, float] = {}
        self._lock = threading.Lock()

    def blocked(self, client: str) -> float:
        """Seconds left before `client` may try again (0 when it may)."""
        with self._lock:
            until = self._blocked.get(client, 0.0)
            left = until - time.monotonic()
            if left <= 0 and until:
                del self._blocked[client]
            return max(0.0, left)

    def failed(self, client: str) -> None:
        """Count a wrong token from `client`."""
        now = time.monotonic()
        with self._lock:
            recent = self._failures.setdefault(client, deque())
            recent.append(now)
            while recent and recent[0] < now - self.window:
                recent.popleft()
            if len(recent) >= self.limit:
                self._blocked[client] = now + self.window
                del self._failures[client]
                self.log.warning("%d wrong tokens from %s within %g s: its requests are "
                                 "refused (429) for %g s", self.limit, client, self.window,
                                 self.window)
            # Forget quiet addresses, so that many clients cannot grow the table for ever.
            if len(self._failures) > 10_000:
                for key in [k for k, v in self._failures.items() if v[-1] < now - self.window]:
                    del self._failures[key]


def dashboard_policy(html: str) -> str:
    """The Content-Security-Policy for the dashboard: its own inline script (by hash)
    and nothing from elsewhere; calls, pictures and video only from this service."""
    hashes = " ".join(
        "'sha256-" + base64.b64encode(hashlib.sha256(script.encode()).digest()).decode() + "'"
        for script in re.findall(r"<script>(.*?)</script>", html, flags=re.S))
    return ("default-src 'none'; script-src " + (hashes or "'none'")
            + "; style-src 'unsafe-inline'; img-src 'self' blob: data:; media-src 'self' blob:;"
            " connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'")


class SecurityHeaders:
    """ASGI middleware adding the browser protections to every response: no framing, no
    content sniffing, no referrer, and the dashboard's content policy (the API's JSON
    answers run nothing, so the same policy costs them nothing)."""

    def __init__(self, app, dashboard_csp: str) -> None:
        self.app = app
        self.csp = dashboard_csp.encode()

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        async def with_headers(message):
            if message["type"] == "http.response.start":
                headers = [h for h in message.get("headers", [])
                           if h[0].lower() not in _SECURITY_HEADER_NAMES]
                headers += [(b"content-security-policy", self.csp),
                            (b"x-frame-options", b"DENY"),
                            (b"x-content-type-options", b"nosniff"),
                            (b"referrer-policy", b"no-referrer"),
                            (b"cross-origin-opener-policy", b"same-origin")]
                message = {**message, "headers": headers}
            await send(message)

        return await self.app(scope, receive, with_headers)


_SECURITY_HEADER_NAMES = {b"content-security-policy", b"x-frame-options",
                          b"x-content-type-options", b"referrer-policy",
                          b"cross-origin-opener-policy"}
