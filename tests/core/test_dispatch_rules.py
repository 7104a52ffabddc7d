"""The dispatcher's rules on their own (no Ray cluster, no Blender): which worker may take
which job, the tags a node gives its workers, and the timeout learned from finished
frames."""

import time

from metastudio.core.job_states import JobState
from metastudio_farm.scheduling.dispatcher import (
    ActiveJob,
    Dispatcher,
    DispatcherConfig,
    PoolWorker,
    node_tags,
)
from metastudio_farm.scheduling.placement import WorkerSlot
from metastudio_farm.scheduling.queue import JobRow


def job(**request) -> ActiveJob:
    request = {"kind": "render", "scene": "/p/shot.blend"} | request
    return ActiveJob(JobRow("0123456789ab", "render", "", request, 50, JobState.QUEUED, "", "",
                            False, "", 0.0, time.time(), time.time()))


def worker(gpus: int, *tags: str, name: str = "host/w0") -> PoolWorker:
    slot = WorkerSlot("node", 4, gpus, 4)
    return PoolWorker(("node", 0), slot, name, frozenset(tags), actor=None)


def test_node_tags_come_from_ray_resources_and_labels():
    gpu_node = {"Resources": {"CPU": 8.0, "GPU": 1.0, "accelerator_type:A100": 1.0,
                              "tag:fast": 1.0, "node:10.0.0.2": 1.0, "memory": 1e9},
                "Labels": {"ray.io/node-id": "abc", "site": "paris"}}
    assert node_tags(gpu_node, WorkerSlot("n", 8, 1, 8)) == {
        "gpu", "gpu:A100", "fast", "site=paris"}
    cpu_node = {"Resources": {"CPU": 16.0}}
    assert node_tags(cpu_node, WorkerSlot("n", 16, 0, 16)) == {"cpu"}


def test_requirements_route_jobs_to_workers():
    dispatcher = Dispatcher(store=None)
    gpu = worker(1, "gpu", "gpu:T4", "fast")
    cpu = worker(0, "cpu", name="host/cpu0")
    cases = [
        ({}, (True, True)),
        ({"requires": "gpu"}, (True, False)),
        ({"requires": "cpu"}, (False, True)),
        ({"gpu_type": "T4"}, (True, False)),
        ({"gpu_type": "A100"}, (False, False)),
        ({"tags": ["fast"]}, (True, False)),
        ({"tags": ["fast", "big"]}, (False, False)),
    ]
    for controls, expected in cases:
        active = job(**controls)
        assert (dispatcher.eligible(gpu, active), dispatcher.eligible(cpu, active)) == expected
    blocked = job()
    blocked.blocklist.add("host/cpu0")
    assert dispatcher.eligible(gpu, blocked) and not dispatcher.eligible(cpu, blocked)


def test_the_timeout_is_learned_from_finished_frames():
    dispatcher = Dispatcher(store=None, config=DispatcherConfig(min_frame_timeout=5.0))
    active = job()
    active.seconds = [1.0, 1.2]
    assert dispatcher.timeout(active) is None  # not learned before 3 frames
    active.seconds.append(0.8)
    assert dispatcher.timeout(active) == 5.0  # never shorter than the floor
    active.seconds += [4.0, 5.0, 6.0]
    # Twice the slowest (12) beats four times the median (2.6: 10.4).
    assert dispatcher.timeout(active) == 12.0
    active.seconds = [10.0] * 5
    assert dispatcher.timeout(active) == 40.0  # four times the median
    assert dispatcher.timeout(job(frame_timeout=3.5)) == 3.5  # the job's own wins
