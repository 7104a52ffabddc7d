"""The service on a studio's cluster, simulated on this machine: it joins a Ray head by
address; one node reports a GPU of type T4 (there is no real GPU here: its worker falls
back to the CPU), another carries the tag "fast". Jobs go where their requirements say."""

import time

import pytest
from ray.cluster_utils import Cluster

from tests.farm.service_process import ServiceProcess, wait_for


@pytest.fixture(scope="module")
def cluster_service(studio, tmp_path_factory):
    cluster = Cluster(initialize_head=True, head_node_args={"num_cpus": 0})
    cluster.add_node(num_cpus=1, resources={"tag:fast": 1})
    cluster.add_node(num_cpus=1, num_gpus=1, resources={"accelerator_type:T4": 1})
    cluster.wait_for_nodes()
    running = ServiceProcess(tmp_path_factory.mktemp("cluster") / "home", [studio],
                             "--address", cluster.address)
    try:
        running.start().wait_for_workers(2)
        yield running
    finally:
        running.stop()
        cluster.shutdown()


def job(studio, out, **controls) -> dict:
    return {"kind": "render", "scene": str(studio / "shot.blend"), "frames": "1-2",
            "out": str(studio / out), "preview": False, **controls}


def test_workers_carry_their_nodes_tags(cluster_service):
    tags = sorted(tuple(w.tags) for w in cluster_service.client().workers())
    assert tags == [("cpu", "fast"), ("gpu", "gpu:T4")]


@pytest.mark.parametrize("controls, kind", [
    ({"requires": "gpu"}, "gpu"),
    ({"gpu_type": "T4"}, "gpu"),
    ({"requires": "cpu"}, "cpu"),
    ({"tags": ["fast"]}, "cpu"),
])
def test_jobs_go_where_their_requirements_say(cluster_service, studio, controls, kind):
    client = cluster_service.client()
    name = "-".join(f"{k}-{v}" for k, v in controls.items()).replace("'", "")
    done = wait_for(client, client.submit(job(studio, f"routed/{name}", **controls)).id)
    assert done.state == "done"
    assert {t.worker.rsplit("/", 1)[1][:3] for t in done.tasks} == {kind}


def test_a_job_no_worker_fits_waits_and_says_so(cluster_service, studio):
    client = cluster_service.client()
    waiting = client.submit(job(studio, "a100", gpu_type="A100"))
    deadline = time.monotonic() + 30
    while "waiting for a worker" not in client.job(waiting.id).message:
        assert time.monotonic() < deadline
        time.sleep(0.2)
    assert client.job(waiting.id).counts.get("done", 0) == 0
    client.action(waiting.id, "cancel")
