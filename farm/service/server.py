"""`metastudio serve`: the queue, the warm workers and the API in one long-running
process, on an embedded local Ray or a cluster joined by address."""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path

from metastudio.core.errors import FarmError

DEFAULT_PORT = 8642


def default_home() -> Path:
    """Where a service keeps its queue, token hash and thumbnails."""
    env = os.environ.get("METASTUDIO_SERVICE_HOME")
    if env:
        return Path(env)
    data = os.environ.get("XDG_DATA_HOME") or os.path.join(Path.home(), ".local", "share")
    return Path(data) / "metastudio" / "farm"


def serve(home: Path, host: str = "127.0.0.1", port: int = DEFAULT_PORT,
          address: str | None = None, roots: list[Path] | None = None,
          path_map: list[tuple[str, str]] = (), cpus_per_worker: int | None = None,
          min_frame_timeout: float = 60.0, new_token: bool = False,
          max_body: int = 1 << 20, tls: tuple[str, str] | None = None,
          out=sys.stdout) -> None:
    """Run the service until interrupted (see the module)."""
    import ray
    import uvicorn

    from ..cluster import check_reachable
    from .app import ServiceState, create_app
    from .dispatcher import Dispatcher, DispatcherConfig
    from .security import PathPolicy, ensure_token, read_token_digest
    from .store import ServiceStore

    home = Path(home).expanduser().resolve()
    _check_port(host, port)
    token = ensure_token(home, renew=new_token)
    store = ServiceStore(home / "queue.sqlite")
    found, back = store.recover()
    policy = PathPolicy(roots or [Path.cwd()], path_map)
    options = dict(logging_level=logging.ERROR, log_to_driver=False)
    try:
        if address:
            check_reachable(address)
            ray.init(address=address, **options)
        else:
            ray.init(num_cpus=os.cpu_count(), include_dashboard=False, **options)
    except (ConnectionError, RuntimeError, ValueError) as exc:
        raise FarmError(f"address: cannot start or reach Ray: {exc}") from None
    dispatcher = Dispatcher(store, DispatcherConfig(cpus_per_worker=cpus_per_worker,
                                                    min_frame_timeout=min_frame_timeout))
    state = ServiceState(home=home, store=store, dispatcher=dispatcher, policy=policy,
                         ray_address=address or "local",
                         token_digest=read_token_digest(home))
    app = create_app(state, max_body=max_body)
    scheme = "https" if tls else "http"
    print(f"queue: {home / 'queue.sqlite'}; jobs may use: "
          + ", ".join(str(r) for r in policy.roots), file=out)
    if found or back:
        print(f"resumed: {found} frame(s) found written, {back} put back in the queue",
              file=out)
    if token:
        print(f"token: {token}", file=out)
        print("  (shown once: keep it; clients send it as 'Authorization: Bearer TOKEN', "
              "e.g. METASTUDIO_TOKEN for the command line)", file=out)
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
