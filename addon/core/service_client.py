"""Talking to a metastudio farm service over its HTTP API (the command line and the
add-on). Standard library only, no bpy: Blender's Python has no HTTP client package."""

from __future__ import annotations

import json
import os
import queue
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator

from pydantic import BaseModel, TypeAdapter

from .errors import FarmError, JobSpecError
from .service_jobs import AttemptView, JobDetail, JobView, ServiceInfo, WorkerView

DEFAULT_URL = "http://127.0.0.1:8642"


def service_url(given: str | None = None) -> str:
    """The service to talk to: the given URL, else $METASTUDIO_SERVICE, else this machine."""
    url = (given or os.environ.get("METASTUDIO_SERVICE") or DEFAULT_URL).strip().rstrip("/")
    if not url.startswith(("http://", "https://")):
        url = "http://" + url
    return url


def service_token(given: str | None = None) -> str:
    """The token to send: the given one, else $METASTUDIO_TOKEN."""
    token = (given or os.environ.get("METASTUDIO_TOKEN") or "").strip()
    if not token:
        raise JobSpecError("token: give the service's token (--token or METASTUDIO_TOKEN; "
                           "`metastudio serve` shows it once when it first starts)")
    return token


class ServiceClient:
    """The calls of the service's API; errors come back as FarmError (the service could
    not be reached, or refused) or JobSpecError (the job was refused as invalid)."""

    def __init__(self, url: str | None = None, token: str | None = None,
                 timeout: float = 30.0) -> None:
        self.url = service_url(url)
        self.token = service_token(token)
        self.timeout = timeout

    def call(self, method: str, path: str, body=None):
        """One API call; the decoded JSON answer (None for an empty one)."""
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(
            self.url + path, data=data, method=method,
            headers={"Authorization": f"Bearer {self.token}",
                     "Content-Type": "application/json", "Accept": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as answer:
                text = answer.read()
        except urllib.error.HTTPError as exc:
            detail = _detail(exc.read()) or exc.reason
            if exc.code in (400, 413, 422):
                raise JobSpecError(detail) from None
            if exc.code == 401:
                raise FarmError(f"service: the token was refused by {self.url}") from None
            raise FarmError(f"service: {detail}") from None
        except (urllib.error.URLError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise FarmError(f"service: no metastudio service answers at {self.url} "
                            f"({reason}); start one with `metastudio serve`") from None
        return json.loads(text) if text else None

    def submit(self, request: dict | BaseModel) -> JobView:
        """Queue a job (a request model, or the API's JSON of one); the job as queued."""
        if isinstance(request, BaseModel):
            request = request.model_dump(mode="json", exclude_none=True)
        return JobView.model_validate(self.call("POST", "/api/jobs", request))

    def jobs(self) -> list[JobView]:
        return _JOBS.validate_python(self.call("GET", "/api/jobs"))

    def job(self, job_id: str) -> JobDetail:
        """A job with each of its frames or items."""
        return JobDetail.model_validate(self.call("GET", f"/api/jobs/{job_id}"))

    def action(self, job_id: str, verb: str) -> JobView:
        """cancel, pause, resume or requeue a job."""
        return JobView.model_validate(self.call("POST", f"/api/jobs/{job_id}/{verb}"))

    def delete(self, job_id: str) -> None:
        self.call("DELETE", f"/api/jobs/{job_id}")

    def log(self, job_id: str) -> list[str]:
        """The job's log lines, "HH:MM:SS text"."""
        return self.call("GET", f"/api/jobs/{job_id}/log")

    def attempts(self, job_id: str, index: int) -> list[AttemptView]:
        """Every attempt at one frame or item, oldest first, with the tail of its log."""
        return _ATTEMPTS.validate_python(self.call("GET", f"/api/jobs/{job_id}/tasks/{index}"))

    def workers(self) -> list[WorkerView]:
        return _WORKERS.validate_python(self.call("GET", "/api/workers"))

    def info(self) -> ServiceInfo:
        return ServiceInfo.model_validate(self.call("GET", "/api/info"))

    def follow(self, job_id: str, interval: float = 0.5,
               first_interval: float = 0.01) -> Iterator[JobDetail]:
        """The job's detail, again and again until it settles (ends, or pauses for
        someone), the settled one last. Looked at often at first, for the short jobs a
        warm farm ends in a blink, then every `interval` seconds."""
        wait = first_interval
        while True:
            job = self.job(job_id)
            yield job
            if job.state.is_settled:
                return
            time.sleep(wait)
            wait = min(interval, wait * 1.5)


_JOBS = TypeAdapter(list[JobView])
_ATTEMPTS = TypeAdapter(list[AttemptView])
_WORKERS = TypeAdapter(list[WorkerView])


class JobWatcher:
    """Follows one job from a thread (I/O only), so that Blender's main thread never waits
    on the network: `latest()` returns the newest detail seen, or an error's message."""

    def __init__(self, client: ServiceClient, job_id: str, interval: float = 1.0) -> None:
        self.client = client
        self.job_id = job_id
        self.interval = interval
        self._updates: queue.Queue = queue.Queue()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)
        self._thread.start()

    def _watch(self) -> None:
        while not self._stop.is_set():
            try:
                for job in self.client.follow(self.job_id, self.interval, self.interval):
                    self._updates.put(job)
                    if self._stop.is_set():
                        return
                if job.state.is_final:
                    return
            except (FarmError, JobSpecError) as exc:
                self._updates.put(str(exc))
            # Paused, or the service did not answer: look again later.
            self._stop.wait(self.interval)

    def latest(self) -> JobDetail | str | None:
        """The newest update since the last call (None when there is none)."""
        update = None
        while True:
            try:
                update = self._updates.get_nowait()
            except queue.Empty:
                return update

    @property
    def alive(self) -> bool:
        return self._thread.is_alive() or not self._updates.empty()

    def stop(self) -> None:
        self._stop.set()


def _detail(raw: bytes) -> str:
    try:
        detail = json.loads(raw).get("detail", "")
    except (ValueError, AttributeError):
        return raw.decode(errors="replace")[:300]
    return detail if isinstance(detail, str) else json.dumps(detail)[:300]
