"""A real `metastudio serve` process on loopback, for tests and the service's scripts."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from metastudio.core.service_client import ServiceClient
from metastudio.core.service_jobs import JobDetail, WorkerView


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ServiceProcess:
    """Start, kill and restart one service (its home and port kept across restarts)."""

    def __init__(self, home: Path, roots: list[Path], *options: str) -> None:
        self.home = Path(home)
        self.roots = roots
        self.options = list(options)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.token = ""
        self.process: subprocess.Popen | None = None
        self.output: list[str] = []

    def start(self, timeout: float = 120.0) -> ServiceProcess:
        command = [str(Path(sys.executable).with_name("metastudio")), "serve",
                   "--home", str(self.home), "--port", str(self.port), *self.options]
        for root in self.roots:
            command += ["--root", str(root)]
        log = open(self.home.parent / f"{self.home.name}-serve.log", "a")  # noqa: SIM115
        self.process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=log, text=True,
                                        start_new_session=True)
        deadline = time.monotonic() + timeout
        for line in self.process.stdout:
            self.output.append(line.rstrip())
            if line.startswith("token: "):
                self.token = line.split()[1]
            if line.startswith("metastudio farm service on"):
                break
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                self.process = None
                raise RuntimeError(f"the service stopped: {self.output}")
            try:
                urllib.request.urlopen(self.url + "/openapi.json", timeout=2).read()
                break
            except (urllib.error.URLError, OSError):
                time.sleep(0.2)
        # Keep reading what it prints, so that it never blocks on a full pipe.
        import threading

        threading.Thread(target=lambda: [self.output.append(x.rstrip())
                                         for x in self.process.stdout], daemon=True).start()
        return self

    def client(self) -> ServiceClient:
        return ServiceClient(self.url, self.token)

    def wait_for_workers(self, count: int, timeout: float = 120.0) -> list[WorkerView]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            workers = [w for w in self.client().workers() if w.state in ("idle", "busy")]
            if len(workers) >= count:
                return workers
            time.sleep(0.2)
        raise TimeoutError(f"{count} workers not ready in {timeout} s")

    def kill(self) -> None:
        """SIGKILL the service and everything it started (its embedded Ray too)."""
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(30)
        self.process = None

    def stop(self) -> None:
        """Stop it as Ctrl-C would."""
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGINT)
            try:
                self.process.wait(60)
            except subprocess.TimeoutExpired:
                self.kill()
        self.process = None


def wait_for(client: ServiceClient, job_id: str, states=("done", "failed", "canceled"),
             timeout: float = 180.0) -> JobDetail:
    """Poll a job until it is in one of `states`; the job's detail."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job = client.job(job_id)
        if job.state in states:
            return job
        time.sleep(0.2)
    raise TimeoutError(f"job {job_id} still {job.state} after {timeout} s: "
                       f"{json.dumps(client.log(job_id))}")


def raw_call(url: str, method: str, path: str, body: bytes | None = None,
             headers: dict | None = None) -> tuple[int, dict | str]:
    """An HTTP call without the client's conveniences: (status, JSON body or raw bytes)."""
    request = urllib.request.Request(url + path, data=body, method=method,
                                     headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            status, text = answer.status, answer.read()
    except urllib.error.HTTPError as exc:
        status, text = exc.code, exc.read()
    try:
        return status, json.loads(text)
    except ValueError:
        return status, text
