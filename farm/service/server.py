"""`metastudio serve`: the queue, the warm workers and the API in one long-running
process, on an embedded local Ray or a cluster joined by address."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

from metastudio.core.errors import FarmError

from ..scheduling.home import SERVICE_QUEUE, default_home, hold_home, open_queue

__all__ = ["DEFAULT_PORT", "default_home", "serve"]


DEFAULT_PORT = 8642
LOG_FILENAME = "service.log"
_RAY_OPTIONS = dict(logging_level=logging.ERROR, log_to_driver=False)


def serve(home: Path, host: str = "127.0.0.1", port: int = DEFAULT_PORT,
          address: str | None = None, roots: list[Path] | None = None,
          path_map: list[tuple[str, str]] = (), cpus_per_worker: int | None = None,
          min_frame_timeout: float = 60.0, new_token: bool = False,
          max_body: int = 1 << 20, tls: tuple[str, str] | None = None,
          out=sys.stdout) -> None:
    """Run the service until interrupted (see the module)."""
    import ray
    import uvicorn

    from ..batches.plans import plan_for
    from ..scheduling.cluster import check_reachable, start_local_ray
    from ..scheduling.dispatcher import Dispatcher, DispatcherConfig
    from .app import ServiceState, create_app
    from .security import (
        CLIENT_TOKEN_FILENAME,
        PathPolicy,
        ensure_token,
        read_token_digest,
        write_client_token,
    )

    home = Path(home).expanduser().resolve()
    _check_port(host, port)
    scheme = "https" if tls else "http"
    lock = hold_home(home, f"{scheme}://{host}:{port}/")
    _log_to(home)
    store = open_queue(home / SERVICE_QUEUE)
    found, back = store.recover()
    policy = PathPolicy(roots or [Path.cwd()], path_map)
    try:
        if address:
            check_reachable(address)
            ray.init(address=address, **_RAY_OPTIONS)
        else:
            start_local_ray()
    except (ConnectionError, RuntimeError, ValueError) as exc:
        raise FarmError(f"address: cannot start or reach Ray: {exc}") from None
    # Only now that the service can run: a token made before a failed start would never
    # be shown.
    try:
        token = ensure_token(home, renew=new_token)
        client_digest = write_client_token(home)
    except OSError as exc:
        raise FarmError(f"home: cannot write the token's hash in {home}: {exc.strerror}"
                        ) from None
    dispatcher = Dispatcher(store, DispatcherConfig(cpus_per_worker=cpus_per_worker,
                                                    min_frame_timeout=min_frame_timeout),
                            policy, plan_for)
    state = ServiceState(home=home, store=store, dispatcher=dispatcher, policy=policy,
                         ray_address=address or "local",
                         token_digest=read_token_digest(home), client_digest=client_digest)
    app = create_app(state, max_body=max_body)
    print(f"queue: {home / SERVICE_QUEUE}; jobs may use: "
          + ", ".join(str(r) for r in policy.roots), file=out)
    if found or back:
        print(f"resumed: {found} frame(s) found written, {back} put back in the queue",
              file=out)
    if token:
        print(f"token: {token}", file=out)
        print("  (shown once: keep it; clients send it as 'Authorization: Bearer TOKEN', "
              "e.g. METASTUDIO_TOKEN for the command line)", file=out)
    else:
        print("(the token was shown at the first start; lost it? `metastudio serve "
              "--new-token` makes a new one and the old one stops working)", file=out)
    if not tls and host not in ("127.0.0.1", "localhost", "::1"):
        print("warning: serving plain HTTP beyond this machine: the token crosses the "
              "network in clear (use --tls-cert/--tls-key or a TLS proxy)", file=out)
    print(f"metastudio farm service on {scheme}://{host}:{port}/ (dashboard and API; "
          f"OpenAPI at /openapi.json)", file=out)
    out.flush()
    dispatcher.start()
    config = uvicorn.Config(app, host=host, port=port, log_level="warning",
                            ssl_certfile=tls[0] if tls else None,
                            ssl_keyfile=tls[1] if tls else None)
    try:
        uvicorn.Server(config).run()
    finally:
        dispatcher.stop()
        ray.shutdown()
        store.close()
        (home / CLIENT_TOKEN_FILENAME).unlink(missing_ok=True)
        lock.close()


def _check_port(host: str, port: int) -> None:
    """Fail before anything starts when the address cannot be listened on."""
    import socket

    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            raise FarmError(f"port: cannot listen on {host}:{port} ({exc.strerror}); is "
                            "another service running there?") from None


def _log_to(home: Path) -> None:
    """The service's log: its warnings and events to stderr and to the home's log file."""
    logger = logging.getLogger("metastudio")
    if logger.handlers:
        return
    logger.setLevel(logging.INFO)
    form = logging.Formatter("%(asctime)s %(levelname)s %(message)s")
    for handler in (logging.StreamHandler(sys.stderr),
                    logging.FileHandler(home / LOG_FILENAME, encoding="utf-8")):
        handler.setFormatter(form)
        logger.addHandler(handler)
