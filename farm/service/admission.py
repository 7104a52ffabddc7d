"""Admitting a job to the service: its request validated with every path it names, and
every file its scene or batch will read or write, inside the service's roots, decided
before anything outside them is looked at."""

from __future__ import annotations

from metastudio.core.blendfile import check_blend_file
from metastudio.core.errors import JobSpecError, MetastudioError
from metastudio.core.path_guard import guarded
from metastudio.core.schema import describe_validation_error
from metastudio.core.service_jobs import BatchJobRequest, JobRequest, RenderJobRequest
from pydantic import TypeAdapter, ValidationError

from .blend_scan import OutsideRoots, scan_blend
from .security import PathPolicy, paths_in

_REQUEST = TypeAdapter(JobRequest)


def admit(raw, policy: PathPolicy) -> RenderJobRequest | BatchJobRequest:
    """The job a client's JSON describes, once it is known to stay inside the roots;
    JobSpecError naming the field, the scene's data-block or the batch's file when not."""
    mapped = policy.map_request(raw)
    try:
        with guarded(policy.guard):
            job = _REQUEST.validate_python(mapped)
    except ValidationError as exc:
        raise JobSpecError(describe_validation_error(exc, ("render", "batch"))) from None
    try:
        for name, path in paths_in(job):
            policy.check(path, name, write=name == "out")
    except ValueError as exc:
        raise JobSpecError(str(exc)) from None
    with guarded(policy.guard):
        if isinstance(job, RenderJobRequest):
            _admit_scene(job, policy)
        else:
            _admit_batch(job, policy)
    return job


def _admit_scene(job: RenderJobRequest, policy: PathPolicy) -> None:
    check_blend_file(job.scene)
    try:
        used = scan_blend(job.scene, policy.contains_client_path)
    except OutsideRoots as exc:
        used = [exc.usage]
    for usage in used:
        if usage.write and job.out is not None:
            continue  # the job's own folder replaces the scene's
        if policy.contains_client_path(usage.path):
            continue
        if usage.write:
            raise JobSpecError(f"scene: {usage.block} writes to {usage.path}, outside the "
                               "folders this service may use (give the job an out folder "
                               "inside them)")
        raise JobSpecError(f"scene: {usage.block} uses {usage.path}, outside the folders "
                           "this service may use")
    for index, step in enumerate(job.steps):
        if step.operator == "metastudio.make_scene":
            from metastudio.core.scene_script import load_script

            try:
                load_script(step.model().script)
            except MetastudioError as exc:
                raise JobSpecError(f"steps.{index}.params.script: {exc}") from None


def _admit_batch(job: BatchJobRequest, policy: PathPolicy) -> None:
    folder = getattr(job.batch, "folder", None)
    if folder is not None:
        if not folder.is_dir():
            raise JobSpecError(f"batch.folder: {folder} is not a folder")
        try:
            policy.check_tree(folder, "batch.folder")
        except ValueError as exc:
            raise JobSpecError(str(exc)) from None
    from ..batches.plans import plan_for

    try:
        plan_for(job)  # reads the folder's scripts and transcripts, under the guard
    except ValueError as exc:
        raise JobSpecError(f"batch: {exc}") from None
