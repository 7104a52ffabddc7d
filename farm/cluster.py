"""Connecting to Ray: an embedded local instance, or a cluster joined by address."""

from __future__ import annotations

import contextlib
import logging
import os

import ray
from metastudio.core.errors import FarmError

from .placement import NodeCapacity


@contextlib.contextmanager
def ray_session(address: str | None = None, num_cpus: int | None = None):
    """Yield with Ray connected; shut down on exit only what this call started.

    An already-initialised Ray (a service, a test) is reused as it is.
    """
    if ray.is_initialized():
        yield
        return
    options = dict(logging_level=logging.ERROR, log_to_driver=False)
    try:
        if address:
            ray.init(address=address, **options)
        else:
            ray.init(num_cpus=num_cpus or os.cpu_count(), include_dashboard=False, **options)
    except (ConnectionError, RuntimeError, ValueError) as exc:
        where = f"at {address}" if address else "locally"
        raise FarmError(f"resources.address: cannot start or reach Ray {where}: {exc}") from None
    try:
        yield
    finally:
        ray.shutdown()


def live_nodes() -> list[NodeCapacity]:
    """The live nodes of the connected cluster and their total CPUs and GPUs."""
    nodes = []
    for node in ray.nodes():
        if node.get("Alive"):
            resources = node.get("Resources", {})
            nodes.append(NodeCapacity(node["NodeID"], resources.get("CPU", 0.0),
                                      resources.get("GPU", 0.0)))
    return nodes


def node_is_alive(node_id: str) -> bool:
    return any(node.node_id == node_id for node in live_nodes())
