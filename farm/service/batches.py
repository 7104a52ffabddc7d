"""The plan of an operator batch job: the same plans the command line runs."""

from __future__ import annotations

from metastudio.core.service_jobs import BatchJobRequest

from ..batch import BatchPlan


def plan_for(request: BatchJobRequest) -> BatchPlan:
    """The plan that runs `request`'s operator over its inputs into its `out` folder
    (JobSpecError when its inputs are not usable)."""
    batch, out = request.batch, request.out
    if batch.operator == "lipsync":
        from ..lipsync_batch import plan_batch

        return plan_batch(batch.folder, out, tuple(batch.formats), batch.language, batch.fps)
    if batch.operator == "character":
        from ..character_batch import plan_crowd

        return plan_crowd(batch.spec.model_dump_json(), batch.count, out)
    if batch.operator == "background":
        from ..background_batch import plan_variations

        return plan_variations(batch.spec.model_dump_json(), batch.count, out,
                               list(batch.times) if batch.times else None, batch.render,
                               tuple(batch.size), batch.samples)
    if batch.operator == "scene":
        from ..scene_batch import plan_scenes

        return plan_scenes(batch.folder, out, {"resolution": batch.resolution,
                                               "quality": batch.quality, "fps": batch.fps})
    from ..track_batch import plan_track_batch

    return plan_track_batch(batch.folder, out)
