"""Connecting to Ray: an embedded local instance, or a cluster joined by address."""

from __future__ import annotations

import contextlib
import logging
import os
import socket

import ray
from metastudio.core.errors import FarmError
from metastudio.core.render_job import check_address

from .placement import NodeCapacity


@contextlib.contextmanager
def ray_session(address: str | None = None, num_cpus: int | None = None):
    """Yield with Ray connected; shut down on exit only what this call started.

    An already-initialised Ray (a service, a test) is reused as it is.
    """
    if not connect(address, num_cpus):
        yield
        return
    try:
        yield
    finally:
        ray.shutdown()


def connect(address: str | None = None, num_cpus: int | None = None) -> bool:
    """Connect to Ray (start a local one without `address`) unless this process already
    is; True when this call did (the caller stops it: the command line after it has said
    what it did, cli/commands.py)."""
    if ray.is_initialized():
        return False
    options = dict(logging_level=logging.ERROR, log_to_driver=False)
    if address:
        check_reachable(address)
    try:
        if address:
            ray.init(address=address, **options)
        else:
            start_local_ray(num_cpus)
    except (ConnectionError, RuntimeError, ValueError) as exc:
        where = f"at {address}" if address else "locally"
        raise FarmError(f"resources.address: cannot start or reach Ray {where}: {exc}") from None
    return True


def start_local_ray(num_cpus: int | None = None) -> None:
    """Start a Ray of this process's own, reachable from this machine only.

    `address="local"`: never join a cluster that was not asked for (Ray would otherwise
    join whatever /tmp/ray/ray_current_cluster or RAY_ADDRESS names, another user's
    `ray start --head`). Its servers listen on the loopback address alone: Ray binds to
    the node's address, and on Linux it replaces 127.0.0.1 by the machine's network
    address unless clusters are switched off, as they are on Windows and macOS. The
    switch is read at import by Ray and by every process it starts, hence both.
    """
    from ray._private import ray_constants

    os.environ["RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER"] = "0"
    ray_constants.ENABLE_RAY_CLUSTER = False
    ray.init(address="local", num_cpus=num_cpus or os.cpu_count(), include_dashboard=False,
             _node_ip_address="127.0.0.1", logging_level=logging.ERROR, log_to_driver=False)


def check_reachable(address: str, timeout: float = 5.0) -> None:
    """Fail fast, naming the address, when nothing listens there.

    Ray itself retries an unreachable head for ever, printing warnings; an artist or a
    script needs an answer in seconds. "auto" (the cluster this machine belongs to) is
    left to Ray.
    """
    if address == "auto":
        return
    try:
        check_address(address)
    except ValueError as exc:
        raise FarmError(f"resources.address: {exc}") from None
    host, _, port = address.removeprefix("ray://").rpartition(":")
    try:
        with socket.create_connection((host.strip("[]"), int(port)), timeout=timeout):
            pass
    except OSError as exc:
        reason = "timed out" if isinstance(exc, TimeoutError) else (
            exc.strerror or str(exc))
        raise FarmError(f"resources.address: no Ray cluster answers at {address} "
                        f"({reason}); is the head node running (`ray start --head`)?"
                        ) from None


def live_nodes() -> list[NodeCapacity]:
    """The live nodes of the connected cluster and their total CPUs and GPUs."""
    return [capacity(node) for node in ray.nodes() if node.get("Alive")]


def capacity(node: dict) -> NodeCapacity:
    """A node as ray.nodes() describes it: its id and total CPUs and GPUs."""
    resources = node.get("Resources", {})
    return NodeCapacity(node["NodeID"], resources.get("CPU", 0.0), resources.get("GPU", 0.0))


def node_is_alive(node_id: str) -> bool:
    return any(node.node_id == node_id for node in live_nodes())
