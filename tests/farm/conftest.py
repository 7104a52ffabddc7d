import logging
import time
import warnings

import pytest
import ray

from tests.bpy_process import build_scene
from tests.farm.service_process import ServiceProcess


def _start() -> None:
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False,
             logging_level=logging.ERROR)


@pytest.fixture(scope="module")
def local_ray():
    """One real local Ray per test module, with this machine's two cores."""
    _start()
    yield
    ray.shutdown()


@pytest.fixture(autouse=True)
def cores_released(request):
    """After each farm test, wait for its workers' cores to return to the local Ray.

    Tests in a module share one Ray, as jobs on a studio's cluster do. If cores stay
    leased after a job (a Ray race when an actor is killed while it is being created),
    the next test would wait for them for minutes: Ray is restarted instead, with a
    warning in the test summary so the leak stays visible.
    """
    yield
    if "local_ray" not in request.fixturenames or not ray.is_initialized():
        return
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if ray.available_resources().get("CPU", 0) >= ray.cluster_resources().get("CPU", 0):
            return
        time.sleep(0.2)
    warnings.warn(f"{request.node.name}: CPU cores still leased 30 s after the job; "
                  "restarting the local Ray", stacklevel=1)
    ray.shutdown()
    _start()


@pytest.fixture(scope="module")
def studio(tmp_path_factory):
    """The shared folder jobs may use, with a small scene in it."""
    root = tmp_path_factory.mktemp("studio")
    build_scene(root / "shot.blend", frames=6)
    return root


@pytest.fixture(scope="module")
def service(studio, tmp_path_factory):
    home = tmp_path_factory.mktemp("service") / "home"
    # Two one-core workers, and timeouts learned down to 2 s, so tests stay short.
    running = ServiceProcess(home, [studio], "--cpus-per-worker", "1",
                             "--min-frame-timeout", "2")
    try:
        running.start().wait_for_workers(2)
        yield running
    finally:
        running.stop()
