"""The farm service's HTTP API (FastAPI: its OpenAPI schema comes from the same pydantic
models as the command line and the add-on) and the dashboard it serves."""

from __future__ import annotations

import contextlib
import time
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Annotated

from fastapi import Body, Depends, FastAPI, HTTPException, Request
from fastapi import Path as FastPath
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.utils import get_openapi
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, Response
from metastudio.core.blendfile import blend_version
from metastudio.core.errors import MetastudioError
from metastudio.core.job_states import JobState, TaskState
from metastudio.core.service_jobs import (
    MAX_TASK_INDEX,
    AttemptView,
    ErrorDetail,
    JobDetail,
    JobRequest,
    JobView,
    RenderJobRequest,
    ServiceInfo,
    TaskView,
    WorkerView,
    default_name,
)
from pydantic import TypeAdapter

from ..scheduling.dispatcher import Dispatcher
from ..scheduling.queue import JobQueue, JobRow
from .admission import admit as admit_job
from .security import (
    BodyLimit,
    PathPolicy,
    SecurityHeaders,
    TokenThrottle,
    dashboard_policy,
    token_matches,
)

API_VERSION = "1"
# A frame's or item's number, within what SQLite's integers hold.
TaskIndex = Annotated[int, FastPath(ge=0, le=MAX_TASK_INDEX)]
_THUMB_WIDTH = 192


@dataclass
class ServiceState:
    """What the API's handlers share."""

    home: Path
    store: JobQueue
    dispatcher: Dispatcher
    policy: PathPolicy
    ray_address: str = "local"
    token_digest: str = ""
    client_digest: str = ""  # the token of this machine's user's own commands
    throttle: TokenThrottle = field(default_factory=TokenThrottle)


def _error(status: int, detail: str):
    return HTTPException(status_code=status, detail=detail)


_ANSWERS = {401: "no token, or not the service's", 404: "no such job, frame or file",
            409: "the job is not in a state that allows it",
            413: "the request body is too large", 422: "the request is not valid: why",
            429: "too many wrong tokens from this address: wait a minute"}


def errors(*statuses: int) -> dict:
    """The error answers a route can give, in the shape the service sends them: its own
    and those every /api route can give (token, throttle, body size, bad parameters), so
    that FastAPI's default 422 (whose detail is a list) is never declared."""
    return {status: {"model": ErrorDetail, "description": _ANSWERS[status]}
            for status in sorted({401, 413, 422, 429, *statuses})}


def admit(raw, policy: PathPolicy):
    """The job of a request, or a 422 naming what keeps it out."""
    try:
        return admit_job(raw, policy)
    except MetastudioError as exc:
        raise _error(422, str(exc)) from None


def create_app(service: ServiceState, max_body: int = 1 << 20) -> FastAPI:
    """The API and dashboard of one service."""
    # No /docs or /redoc: they load their scripts from a CDN, which an offline studio
    # lacks and the content policy forbids; /openapi.json describes the API.
    app = FastAPI(title="metastudio farm", version=API_VERSION, docs_url=None,
                  redoc_url=None,
                  description="The metastudio render farm's queue. Every /api call needs the "
                              "service's token: `Authorization: Bearer TOKEN`.")
    page = resources.files(__package__).joinpath("dashboard.html").read_text()
    app.add_middleware(BodyLimit, limit=max_body)
    app.add_middleware(SecurityHeaders, dashboard_csp=dashboard_policy(page))
    app.openapi = lambda: _openapi(app)

    @app.exception_handler(RequestValidationError)
    async def _one_line(_request, exc: RequestValidationError):
        lines = []
        for err in exc.errors():
            # Drop FastAPI's "body" and the union's tag from the location.
            loc = [str(p) for p in err["loc"] if p not in ("body",)]
            if len(loc) > 1 and loc[0] in ("render", "batch") and "kind" not in loc:
                loc = loc[1:]
            message = err["msg"].removeprefix("Value error, ")
            lines.append(f"{'.'.join(loc) or 'request'}: {message}")
        return JSONResponse({"detail": "; ".join(lines)}, status_code=422)

    throttle = service.throttle

    def authorised(request: Request) -> None:
        client = request.client.host if request.client else "?"
        wait = throttle.blocked(client)
        if wait:
            raise HTTPException(429, f"too many wrong tokens from {client}: try again in "
                                     f"{wait:.0f} s", headers={"Retry-After": f"{wait:.0f}"})
        header = request.headers.get("authorization", "")
        offered = header.removeprefix("Bearer ").strip() if header.startswith("Bearer ") else ""
        if not (token_matches(service.token_digest, offered)
                or (service.client_digest and token_matches(service.client_digest, offered))):
            if offered:  # a guess; a request without a token guesses nothing
                throttle.failed(client)
            raise HTTPException(401, "this service needs its token: Authorization: Bearer TOKEN",
                                headers={"WWW-Authenticate": "Bearer"})

    Auth = Depends(authorised)
    store, dispatcher = service.store, service.dispatcher

    def row_or_404(job_id: str) -> JobRow:
        row = store.job(job_id)
        if row is None:
            raise _error(404, f"job: no job {job_id}")
        return row

    def view(row: JobRow, counts: dict[str, int] | None = None,
             failures: dict[str, int] | None = None) -> JobView:
        counts = store.counts(row.id) if counts is None else counts
        if failures is None:
            failures = store.failures_by_worker(row.id, row.blocklist_since)
        limit = row.request.get("blocklist_after", 3)
        return JobView(
            id=row.id, kind=row.kind, name=row.name, state=row.state, message=row.message,
            priority=row.priority, created=row.created, updated=row.updated, counts=counts,
            total=sum(counts.values()), out_dir=row.out_dir, has_preview=bool(row.preview),
            preview_error=row.preview_error,
            frame_timeout=dispatcher.timeouts.get(row.id, row.request.get("frame_timeout")),
            blocklisted=sorted(w for w, n in failures.items() if n >= limit and w),
            request=row.request)

    # ----- the dashboard ------------------------------------------------------------
    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def dashboard() -> str:
        return page

    # ----- jobs ---------------------------------------------------------------------
    @app.post("/api/jobs", status_code=201, response_model=JobView, dependencies=[Auth],
              responses=errors(),
              openapi_extra={"requestBody": {"required": True, "content": {
                  "application/json": {"schema": {"$ref": "#/components/schemas/JobRequest"}}}}})
    def submit(job: Annotated[dict, Body(include_in_schema=False)]) -> JobView:
        """Queue a render job or an operator batch job."""
        # The body is validated here, not by FastAPI: every path in it must be checked
        # against the roots before any validator looks at a file.
        job = admit(job, service.policy)
        for other in job.depends_on:
            if store.job(other) is None:
                raise _error(422, f"depends_on: no job {other}")
        saved_by = blend_version(job.scene) if isinstance(job, RenderJobRequest) else None
        notes = versions_note(saved_by, dispatcher.worker_snapshot)
        name = job.name or default_name(job)
        if job.id is None:
            job_id = store.add_job(job.kind, name, job.model_dump(mode="json"), job.priority)
        else:  # named by its client: taken up again if it is here
            job_id = job.id
            if store.add_or_resume(job.kind, name, job.model_dump(mode="json"), job.priority,
                                   job_id):
                notes = [*notes, "submitted again: taken up where it was"]
        for note in notes:
            store.log(job_id, note)
        dispatcher.poke()
        return view(row_or_404(job_id))

    @app.get("/api/jobs", response_model=list[JobView], dependencies=[Auth],
             responses=errors())
    def list_jobs(state: JobState | None = None) -> list[JobView]:
        """Every job, newest first (or only those in one state)."""
        counts, failures = store.all_counts(), store.all_failures()
        rows = store.jobs((state,) if state else None)
        return [view(row, counts.get(row.id, {}), failures.get(row.id, {})) for row in rows]

    @app.get("/api/jobs/{job_id}", response_model=JobDetail, dependencies=[Auth],
             responses=errors(404))
    def job_detail(job_id: str) -> JobDetail:
        """A job with the state of each of its frames or items."""
        row = row_or_404(job_id)
        tasks = [TaskView(index=t.index, name=t.name, state=t.state, attempts=t.attempts,
                          worker=t.worker, seconds=t.seconds, error=t.error)
                 for t in store.tasks(job_id)]
        return JobDetail(**view(row).model_dump(), tasks=tasks)

    def act(job_id: str, allowed: tuple[str, ...], state: str, verb: str) -> JobView:
        row = row_or_404(job_id)
        if not store.transition(job_id, allowed, state, verb):
            raise _error(409, f"job {job_id} is {row.state}: it cannot be {verb}")
        dispatcher.poke()
        return view(row_or_404(job_id))

    @app.post("/api/jobs/{job_id}/cancel", response_model=JobView, dependencies=[Auth],
              responses=errors(404, 409))
    def cancel(job_id: str) -> JobView:
        """Stop giving out the job's work; frames being rendered still land."""
        return act(job_id, (JobState.QUEUED, JobState.RUNNING, JobState.PAUSED), JobState.CANCELED,
                   "canceled")

    @app.post("/api/jobs/{job_id}/pause", response_model=JobView, dependencies=[Auth],
              responses=errors(404, 409))
    def pause(job_id: str) -> JobView:
        """Hold the job: no new work goes out until it is resumed."""
        return act(job_id, (JobState.QUEUED, JobState.RUNNING), JobState.PAUSED, "paused")

    @app.post("/api/jobs/{job_id}/resume", response_model=JobView, dependencies=[Auth],
              responses=errors(404, 409))
    def resume(job_id: str) -> JobView:
        """Let a paused or canceled job run again (what is done stays done)."""
        return act(job_id, (JobState.PAUSED, JobState.CANCELED), JobState.QUEUED, "resumed")

    @app.post("/api/jobs/{job_id}/requeue", response_model=JobView, dependencies=[Auth],
              responses=errors(404, 409))
    def requeue(job_id: str) -> JobView:
        """Give the job's failed frames or items a fresh set of attempts."""
        row_or_404(job_id)
        if not store.requeue_failed(job_id):
            raise _error(409, f"job {job_id} has no failed frames or items to requeue")
        dispatcher.poke()
        return view(row_or_404(job_id))

    @app.delete("/api/jobs/{job_id}", status_code=204, dependencies=[Auth],
                responses=errors(404))
    def delete(job_id: str) -> Response:
        """Forget the job (its files stay on disk)."""
        row_or_404(job_id)
        store.delete_job(job_id)
        dispatcher.poke()
        return Response(status_code=204)

    @app.get("/api/jobs/{job_id}/log", response_model=list[str], dependencies=[Auth],
             responses=errors(404))
    def job_log(job_id: str) -> list[str]:
        """The job's events, oldest first."""
        row_or_404(job_id)
        return [f"{time.strftime('%H:%M:%S', time.localtime(at))} {text}"
                for at, text in store.events(job_id)]

    @app.get("/api/jobs/{job_id}/tasks/{index}", response_model=list[AttemptView],
             dependencies=[Auth], responses=errors(404, 422))
    def task_attempts(job_id: str, index: TaskIndex) -> list[AttemptView]:
        """Every attempt at one frame or item, with the tail of its log."""
        row_or_404(job_id)
        if store.task(job_id, index) is None:
            raise _error(404, f"job {job_id} has no frame or item {index}")
        return [AttemptView(worker=w, ok=ok, error=e, log=text, at=at)
                for w, ok, e, text, at in store.attempts(job_id, index)]

    @app.get("/api/jobs/{job_id}/tasks/{index}/thumbnail", dependencies=[Auth],
             responses={200: {"content": {"image/jpeg": {}}}, **errors(404, 422)})
    def thumbnail(job_id: str, index: TaskIndex) -> Response:
        """A small JPEG of a finished frame."""
        row = row_or_404(job_id)
        task = store.task(job_id, index)
        if row.kind != "render" or task is None or task.state != TaskState.DONE or not task.file:
            raise _error(404, f"job {job_id}: frame {index} has no picture yet")
        cached = service.home / "thumbs" / job_id / f"{index}.jpg"
        if not cached.exists():
            data = _thumbnail(Path(row.out_dir) / task.file)
            if data is None:
                raise _error(404, f"job {job_id}: frame {index} cannot be shown")
            cached.parent.mkdir(parents=True, exist_ok=True)
            cached.write_bytes(data)
        return Response(cached.read_bytes(), media_type="image/jpeg")

    @app.get("/api/jobs/{job_id}/preview", dependencies=[Auth],
             responses={200: {"content": {"video/mp4": {}}}, **errors(404)})
    def preview(job_id: str) -> FileResponse:
        """The job's preview video, once its frames are done."""
        row = row_or_404(job_id)
        path = Path(row.out_dir) / row.preview if row.preview else None
        if path is None or not path.is_file():
            raise _error(404, f"job {job_id} has no preview"
                         + (f" ({row.preview_error})" if row.preview_error else ""))
        return FileResponse(path, media_type="video/mp4", filename=path.name)

    # ----- the farm -------------------------------------------------------------------
    @app.get("/api/workers", response_model=list[WorkerView], dependencies=[Auth],
             responses=errors())
    def workers() -> list[WorkerView]:
        """The warm workers and what each is doing."""
        return [WorkerView(**w) for w in dispatcher.worker_snapshot]

    @app.get("/api/info", response_model=ServiceInfo, dependencies=[Auth],
             responses=errors())
    def info() -> ServiceInfo:
        """The service's version, Ray, allowed folders, workers and jobs by state."""
        from importlib.metadata import version

        by_state: dict[str, int] = {}
        for row in store.jobs():
            by_state[row.state] = by_state.get(row.state, 0) + 1
        return ServiceInfo(version=version("metastudio"), ray_address=service.ray_address,
                           roots=[str(r) for r in service.policy.roots],
                           workers=len(dispatcher.worker_snapshot), jobs=by_state,
                           problem=dispatcher.error)

    return app


def versions_note(saved_by: tuple[int, int] | None, workers: list[dict]) -> list[str]:
    """The job log's lines on the Blender that saved a scene and the farm's; a 422 when
    every started worker is of an older major version (none could open it)."""
    if saved_by is None:
        return []
    saved = f"{saved_by[0]}.{saved_by[1]}"
    running = sorted({w["blender"] for w in workers if w.get("blender")},
                     key=lambda v: tuple(int(p) for p in v.split(".")))
    ours = [tuple(int(p) for p in v.split(".")) for v in running]
    if ours and all(v[0] < saved_by[0] for v in ours):
        raise _error(422, f"scene: saved by Blender {saved}, a newer major version than this "
                          f"farm's workers (Blender {', '.join(running)}), which cannot open "
                          f"it: save it from Blender {running[-1]}, or add workers of "
                          f"Blender {saved_by[0]}")
    notes = [f"scene saved by Blender {saved}"]
    older = [v for v, t in zip(running, ours, strict=True) if t < saved_by]
    if older:
        notes.append(f"warning: the scene was saved by Blender {saved}; workers running "
                     f"Blender {', '.join(older)} may lose or render differently what "
                     f"{saved} added")
    return notes


def _openapi(app: FastAPI) -> dict:
    """FastAPI's document, with the job request's schema: the submit route validates its
    body itself (paths are checked against the roots first), so FastAPI cannot see it."""
    if app.openapi_schema:
        return app.openapi_schema
    schema = get_openapi(title=app.title, version=app.version, description=app.description,
                         routes=app.routes)
    request = TypeAdapter(JobRequest).json_schema(ref_template="#/components/schemas/{model}")
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    components.update(request.pop("$defs", {}))
    components["JobRequest"] = request
    app.openapi_schema = schema
    return schema


def _thumbnail(path: Path) -> bytes | None:
    """A JPEG _THUMB_WIDTH wide of an image file (None when OpenCV cannot read it)."""
    import os

    os.environ.setdefault("OPENCV_IO_ENABLE_OPENEXR", "1")
    import cv2
    import numpy as np

    with contextlib.suppress(cv2.error):
        image = cv2.imread(str(path), cv2.IMREAD_COLOR)
        if image is None:
            return None
        if image.dtype != np.uint8:  # EXR/16-bit: clip to the displayable range
            scale = 255.0 if image.dtype.kind == "f" else 255.0 / np.iinfo(image.dtype).max
            image = np.clip(image * scale, 0, 255).astype(np.uint8)
        height, width = image.shape[:2]
        size = (_THUMB_WIDTH, max(1, round(height * _THUMB_WIDTH / width)))
        ok, data = cv2.imencode(".jpg", cv2.resize(image, size, interpolation=cv2.INTER_AREA),
                                [cv2.IMWRITE_JPEG_QUALITY, 80])
        return data.tobytes() if ok else None
    return None

