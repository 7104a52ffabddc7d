"""The plan of an operator batch job: the same plans the command line runs."""

from __future__ import annotations

from metastudio.core.errors import JobSpecError
from metastudio.core.service_jobs import (
    BackgroundBatch,
    BatchJobRequest,
    CharacterBatch,
    LipSyncBatch,
    SceneBatch,
    TrackBatch,
)

from .plan import BatchPlan


def plan_for(request: BatchJobRequest) -> BatchPlan:
    """The plan that runs `request`'s operator over its inputs into its `out` folder
    (JobSpecError when its inputs are not usable, or when the operator has no plan:
    tests/core/test_farm_layers.py checks that every kind BatchOperator admits has one)."""
    batch, out = request.batch, request.out
    match batch:
        case LipSyncBatch():
            from .lipsync import plan_batch

            return plan_batch(batch.folder, out, tuple(batch.formats), batch.language,
                              batch.fps)
        case CharacterBatch():
            from .character import plan_crowd

            return plan_crowd(batch.spec.model_dump_json(), batch.count, out)
        case BackgroundBatch():
            from .background import plan_variations

            return plan_variations(batch.spec.model_dump_json(), batch.count, out,
                                   list(batch.times) if batch.times else None, batch.render,
                                   tuple(batch.size), batch.samples)
        case SceneBatch():
            from .scene import plan_scenes

            return plan_scenes(batch.folder, out, {"resolution": batch.resolution,
                                                   "quality": batch.quality, "fps": batch.fps})
        case TrackBatch():
            from .track import plan_track_batch

            return plan_track_batch(batch.folder, out)
        case _:
            raise JobSpecError(f"batch.operator: the farm has no plan for "
                               f"{getattr(batch, 'operator', type(batch).__name__)!r}")
