"""Jobs for the farm service: one pydantic model per job kind, shared by the service's
HTTP API (its OpenAPI schema is generated from them), `metastudio submit` and the
add-on's Farm panel. No bpy, no Ray."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from .background.spec import BackgroundSpec, TimeOfDay
from .character.spec import CharacterSpec
from .errors import JobSpecError
from .frames import parse_frames
from .job_states import JobState, TaskState
from .operator_steps import OperatorStep
from .render_job import RenderOverrides, RenderSettings

MAX_BATCH_ITEMS = 10_000
MAX_FRAMES = 100_000
MAX_TASK_INDEX = 2**53  # any frame or item number; within SQLite's and JSON's integers
Requirement = Literal["any", "gpu", "cpu"]
_TAG = r"^[A-Za-z0-9_.:-]{1,64}$"


class JobControls(BaseModel):
    """How the service schedules a job among the others on the farm."""

    model_config = ConfigDict(extra="forbid")

    id: str | None = Field(
        None, pattern=r"^[0-9a-f]{12}$",
        description="the job's id, for a client that names its jobs (the command line: from "
                    "the scene's data and the settings): submitted again under the same id, "
                    "the job is taken up again (its finished frames kept, failed ones given "
                    "fresh attempts) instead of queued twice")
    name: str = Field("", max_length=200, description="a name to recognise the job by")
    priority: int = Field(50, ge=0, le=100,
                          description="higher runs first; equal priorities run oldest first")
    requires: Requirement = Field(
        "any", description="gpu: only workers with a GPU; cpu: only CPU-only workers")
    gpu_type: str | None = Field(
        None, pattern=_TAG,
        description="only workers on GPUs of this type (Ray's accelerator type, e.g. A100)")
    tags: list[Annotated[str, Field(pattern=_TAG)]] = Field(
        default_factory=list, max_length=32,
        description="only workers whose node carries every one of these tags")
    max_workers: int | None = Field(None, ge=1, le=4096,
                                    description="at most this many workers at once")
    depends_on: list[Annotated[str, Field(pattern=r"^[0-9a-f]{12}$")]] = Field(
        default_factory=list, max_length=64,
        description="jobs that must be done before this one starts (comp after renders)")
    max_attempts: int = Field(3, ge=1, le=100,
                              description="attempts at a frame or item before it fails")
    blocklist_after: int = Field(
        3, ge=1, le=100,
        description="a worker failing this many of the job's frames gets none of its others")
    frame_timeout: float | None = Field(
        None, gt=0, le=7 * 24 * 3600,
        description="seconds before a frame counts as hung; none: learned from the job's "
                    "finished frames")


class RenderJobRequest(JobControls):
    """Render frames of a .blend (on a path the service can read), optionally after
    running metastudio operators on it."""

    kind: Literal["render"] = "render"
    scene: Path = Field(description="the .blend, as the service sees it (shared storage)")
    frames: str | None = Field(None, max_length=2000,
                               description="e.g. 1-24 or 1,5,9; none: the scene's range")
    step: int = Field(1, ge=1, le=100_000, description="render every Nth frame of each range")
    overrides: RenderOverrides = Field(default_factory=RenderOverrides)
    out: Path | None = Field(None, description="folder for the frames; none: the scene's own "
                                               "output path")
    chunk: int = Field(1, ge=1, le=1000, description="frames handed to a worker at once")
    steps: list[OperatorStep] = Field(
        default_factory=list, max_length=64,
        description="metastudio operators run on the scene, in order, before rendering")
    preview: bool = Field(True, description="encode a preview video when the frames are done")

    @field_validator("frames")
    @classmethod
    def _frames_parse(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                parse_frames(value, limit=MAX_FRAMES)
            except JobSpecError as exc:
                raise ValueError(str(exc).removeprefix("frames: ")) from None
        return value

    def frame_list(self, scene_start: int, scene_end: int, scene_step: int = 1) -> list[int]:
        """The frames to render: the job's own, or the scene's range when it names none."""
        if self.frames is None:
            step = self.step if self.step != 1 else scene_step
            return parse_frames(f"{scene_start}-{scene_end}", step, limit=MAX_FRAMES)
        return parse_frames(self.frames, self.step, limit=MAX_FRAMES)


class LipSyncBatch(BaseModel):
    """Lip-sync every recording of a folder (a transcript beside each, `line.txt` for
    `line.wav`)."""

    model_config = ConfigDict(extra="forbid")

    operator: Literal["lipsync"] = "lipsync"
    folder: Path = Field(description="the folder of recordings")
    formats: list[Literal["json", "tsv", "dat", "xml"]] = Field(["json"], min_length=1)
    language: str = Field("en-us", max_length=32)
    fps: float = Field(24.0, gt=0, le=1000)


class CharacterBatch(BaseModel):
    """A crowd: `count` variations of one character (seeds seed, seed+1, ...)."""

    model_config = ConfigDict(extra="forbid")

    operator: Literal["character"] = "character"
    spec: CharacterSpec = Field(default_factory=CharacterSpec)
    count: int = Field(ge=1, le=MAX_BATCH_ITEMS)


class BackgroundBatch(BaseModel):
    """Background variations: `count` seeds times each time of day."""

    model_config = ConfigDict(extra="forbid")

    operator: Literal["background"] = "background"
    spec: BackgroundSpec = Field(default_factory=BackgroundSpec)
    count: int = Field(1, ge=1, le=MAX_BATCH_ITEMS)
    times: list[TimeOfDay] | None = Field(None, max_length=7)
    render: bool = Field(False, description="also render a still of each")
    size: tuple[int, int] = Field((640, 360), description="the still's width and height")
    samples: int = Field(32, ge=1, le=4096)


class TrackBatch(BaseModel):
    """Track every clip of a folder (video files, or sub-folders of frames)."""

    model_config = ConfigDict(extra="forbid")

    operator: Literal["track"] = "track"
    folder: Path = Field(description="the folder of clips")


class SceneBatch(BaseModel):
    """Make a clip of every scene script in a folder (each on one worker)."""

    model_config = ConfigDict(extra="forbid")

    operator: Literal["scene"] = "scene"
    folder: Path = Field(description="the folder of scene scripts (.toml)")
    resolution: str | None = Field(None, pattern=r"^\d{2,5}x\d{2,5}$",
                                   description="WIDTHxHEIGHT instead of the scripts' own")
    quality: Literal["draft", "preview", "final"] | None = None
    fps: int | None = Field(None, ge=1, le=120)


BatchOperator = Annotated[
    LipSyncBatch | CharacterBatch | BackgroundBatch | TrackBatch | SceneBatch,
    Field(discriminator="operator")]


class BatchJobRequest(JobControls):
    """Run one metastudio operator over many inputs; each input's results go to `out`."""

    kind: Literal["batch"] = "batch"
    batch: BatchOperator
    out: Path = Field(description="the folder for the results")


JobRequest = Annotated[RenderJobRequest | BatchJobRequest, Field(discriminator="kind")]


class ErrorDetail(BaseModel):
    """What the service answers when it refuses a request: one line saying why, naming
    the field, job or file."""

    detail: str


class TaskView(BaseModel):
    """One frame of a render job, or one item of a batch job."""

    index: int
    name: str
    state: TaskState
    attempts: int
    worker: str
    seconds: float | None
    error: str


class JobView(BaseModel):
    """A job as the service reports it."""

    id: str
    kind: Literal["render", "batch"]
    name: str
    state: JobState
    message: str
    priority: int
    created: float
    updated: float
    counts: dict[str, int]
    total: int
    out_dir: str
    has_preview: bool
    preview_error: str = Field("", description="why the preview video could not be made")
    frame_timeout: float | None = Field(
        description="the timeout in force: the job's own, or the one learned")
    blocklisted: list[str]
    request: dict


class JobDetail(JobView):
    """A job with each of its frames or items."""

    tasks: list[TaskView]


class AttemptView(BaseModel):
    """One attempt at a frame or item, with the tail of its log."""

    worker: str
    ok: bool
    error: str
    log: str
    at: float


class WorkerView(BaseModel):
    """A farm worker as the service sees it."""

    name: str
    state: Literal["starting", "idle", "busy", "lost"]
    node: str
    tags: list[str]
    job: str
    task: str
    done: int
    failed: int
    pid: int = Field(description="the worker's process id on its node")
    blender: str = Field("", description="the worker's Blender version (major.minor)")


class ServiceInfo(BaseModel):
    """What the service is."""

    version: str
    ray_address: str
    roots: list[str]
    workers: int
    jobs: dict[str, int]
    problem: str = Field("", description="the scheduler's last unexpected error, if any")


def default_name(request: RenderJobRequest | BatchJobRequest) -> str:
    """A job's name when its request gives none: the scene's file, or the batch's kind."""
    if isinstance(request, RenderJobRequest):
        return Path(request.scene).name
    return f"{request.batch.operator} batch"


def render_job_request(scene: Path, settings: RenderSettings, name: str = "",
                       steps: list[OperatorStep] = (), preview: bool = True
                       ) -> RenderJobRequest:
    """The farm's job for rendering `scene` with the Farm panel's (or the command line's)
    settings (what a local farm calls workers is the job's concurrency limit on a
    service)."""
    resources = settings.resources
    return RenderJobRequest(
        scene=scene, name=name, frames=settings.frames, step=settings.step,
        overrides=settings.overrides, out=settings.output.directory, chunk=resources.chunk,
        steps=list(steps), preview=preview, max_workers=resources.workers,
        max_attempts=resources.max_attempts, frame_timeout=resources.frame_timeout,
        requires="any" if resources.use_gpu else "cpu")


def job_id_for(request: RenderJobRequest | BatchJobRequest, identity: str = "") -> str:
    """A stable id (12 hex digits, as the service's): the same request with the same
    `identity` (a scene's data digest) is the same job, and resumes. Scheduling controls
    (priority, workers, attempts, timeouts) are left out: another run with more workers
    renders the same frames."""
    controls = {"id", "name", "priority", "requires", "gpu_type", "tags", "max_workers",
                "depends_on", "max_attempts", "blocklist_after", "frame_timeout", "chunk",
                "preview"}
    what = request.model_dump(mode="json", exclude=controls)
    digest = hashlib.sha256(f"{identity}\n{json.dumps(what, sort_keys=True)}".encode())
    return digest.hexdigest()[:12]
