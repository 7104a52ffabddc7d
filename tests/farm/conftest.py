import logging

import pytest
import ray


@pytest.fixture(scope="module")
def local_ray():
    """One real local Ray per test module, with this machine's two cores."""
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False,
             logging_level=logging.ERROR)
    yield
    ray.shutdown()
