"""How many workers go on which node: one per GPU, or as many as fit a CPU node's cores."""

from __future__ import annotations

from dataclasses import dataclass
from itertools import zip_longest


@dataclass(frozen=True)
class NodeCapacity:
    """The resources one live Ray node offers."""

    node_id: str
    cpus: float
    gpus: float = 0.0


@dataclass(frozen=True)
class WorkerSlot:
    """One worker to start: where, what it reserves from Ray, and its render threads."""

    node_id: str
    num_cpus: int
    num_gpus: int
    threads: int

    @property
    def uses_gpu(self) -> bool:
        return self.num_gpus > 0


def _node_slots(node: NodeCapacity, cpus_per_worker: int | None,
                use_gpu: bool) -> list[WorkerSlot]:
    cpus, gpus = int(node.cpus), int(node.gpus)
    if use_gpu and gpus >= 1:
        # A GPU worker still needs CPU for scene sync and saving; share the node's cores.
        per_gpu = max(1, cpus // gpus) if cpus else 0
        return [WorkerSlot(node.node_id, per_gpu, 1, max(1, per_gpu)) for _ in range(gpus)]
    if cpus_per_worker is None:
        # Cycles spreads one frame over all cores about as well as several processes
        # share them (measured: BENCHMARKS.md), and one process holds one copy of the scene.
        return [WorkerSlot(node.node_id, cpus, 0, cpus)] if cpus >= 1 else []
    count = cpus // cpus_per_worker
    return [WorkerSlot(node.node_id, cpus_per_worker, 0, cpus_per_worker) for _ in range(count)]


def plan_workers(
    nodes: list[NodeCapacity],
    max_workers: int | None = None,
    cpus_per_worker: int | None = None,
    use_gpu: bool = True,
) -> list[WorkerSlot]:
    """Plan the workers for a job over the cluster's nodes.

    GPU nodes get one worker per GPU (GPU workers come first). CPU-only nodes get one
    worker using all their cores, or with `cpus_per_worker` as many workers of that many
    cores as fit. With `max_workers`, slots are taken round-robin
    across nodes so that a capped job still spreads over machines.
    """
    per_node = [_node_slots(node, cpus_per_worker, use_gpu) for node in nodes]
    per_node.sort(key=lambda slots: not (slots and slots[0].uses_gpu))
    interleaved = [slot for row in zip_longest(*per_node) for slot in row if slot is not None]
    interleaved.sort(key=lambda slot: not slot.uses_gpu)  # stable: keeps the round-robin
    return interleaved[:max_workers] if max_workers else interleaved
