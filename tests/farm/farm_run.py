"""Running render jobs on the scheduling core embedded in the test's process, as
`metastudio render` does without a service, and reading the queue it keeps."""

from __future__ import annotations

import dataclasses

from metastudio.core.blendfile import scene_digest
from metastudio.core.render_job import RenderJob
from metastudio_farm.cli.farm import run_farm_job
from metastudio_farm.cli.render import farm_config, render_job_request
from metastudio_farm.scheduling.embedded import JobOutcome
from metastudio_farm.scheduling.home import EMBEDDED_QUEUE, default_home, open_queue


def render(job: RenderJob, on_step=None, evaluate_only: bool = False) -> JobOutcome:
    """Render `job` here (no service) to its end."""
    config = dataclasses.replace(farm_config(job), evaluate_only=evaluate_only)
    return run_farm_job(render_job_request(job), identity=scene_digest(job.scene),
                        address=job.resources.address, no_service=True, config=config,
                        on_step=on_step)


def embedded_queue():
    """The queue of jobs run here (close it after use)."""
    return open_queue(default_home() / EMBEDDED_QUEUE)
