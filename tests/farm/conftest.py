import logging
import time
import warnings

import pytest
import ray


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
