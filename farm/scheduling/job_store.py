"""Job and frame state in SQLite, so a job that stops resumes where it left off."""

from __future__ import annotations

import json
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path

STORE_DIRNAME = ".metastudio"
STORE_FILENAME = "jobs.sqlite"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS jobs (
    id TEXT PRIMARY KEY,
    scene TEXT NOT NULL,
    spec TEXT NOT NULL,
    out_dir TEXT NOT NULL,
    state TEXT NOT NULL,
    message TEXT NOT NULL DEFAULT '',
    created REAL NOT NULL,
    updated REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS frames (
    job_id TEXT NOT NULL,
    frame INTEGER NOT NULL,
    state TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    worker TEXT NOT NULL DEFAULT '',
    file TEXT NOT NULL DEFAULT '',
    seconds REAL,
    error TEXT NOT NULL DEFAULT '',
    updated REAL NOT NULL,
    PRIMARY KEY (job_id, frame)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS frames_by_state ON frames (job_id, state);
CREATE TABLE IF NOT EXISTS attempts (
    job_id TEXT NOT NULL,
    frame INTEGER NOT NULL,
    worker TEXT NOT NULL,
    error TEXT NOT NULL,
    log TEXT NOT NULL,
    at REAL NOT NULL
);
"""

PENDING, RUNNING, DONE, FAILED = "pending", "running", "done", "failed"


@dataclass
class FrameState:
    """One frame's record."""

    frame: int
    state: str
    attempts: int
    worker: str
    file: str
    seconds: float | None
    error: str


@dataclass
class JobSummary:
    """A job's record with its frame counts."""

    id: str
    scene: str
    out_dir: str
    state: str
    message: str
    created: float
    updated: float
    counts: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def store_path(out_dir: Path) -> Path:
    """Where the job store of an output folder lives."""
    return Path(out_dir) / STORE_DIRNAME / STORE_FILENAME


class JobStore:
    """SQLite-backed state of the jobs that write into one output folder."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # One writer (the driver); WAL keeps `metastudio status` readers from blocking it.
        self._db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.executescript(_SCHEMA)

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> JobStore:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def begin_job(self, job_id: str, scene: str, spec: dict, out_dir: str,
                  frames: list[int]) -> None:
        """Create the job, or reopen it: frames left running or failed become pending."""
        now = time.time()
        with self._db:
            self._db.execute("BEGIN")
            self._db.execute(
                "INSERT INTO jobs (id, scene, spec, out_dir, state, created, updated)"
                " VALUES (?, ?, ?, ?, 'running', ?, ?)"
                " ON CONFLICT(id) DO UPDATE SET state='running', message='', updated=?",
                (job_id, scene, json.dumps(spec), out_dir, now, now, now))
            self._db.executemany(
                "INSERT OR IGNORE INTO frames (job_id, frame, state, updated)"
                " VALUES (?, ?, 'pending', ?)",
                [(job_id, frame, now) for frame in frames])
            # A new run gives failed frames a fresh set of attempts.
            self._db.execute(
                "UPDATE frames SET state='pending', attempts=0, updated=?"
                " WHERE job_id=? AND state IN ('running', 'failed')", (now, job_id))

    def frames(self, job_id: str) -> list[FrameState]:
        """Every frame of a job, in frame order."""
        rows = self._db.execute(
            "SELECT frame, state, attempts, worker, file, seconds, error FROM frames"
            " WHERE job_id=? ORDER BY frame", (job_id,))
        return [FrameState(*row) for row in rows]

    def mark_pending(self, job_id: str, frames: list[int]) -> None:
        """Put frames back in the queue (a done frame whose file has vanished, say)."""
        now = time.time()
        self._db.executemany(
            "UPDATE frames SET state='pending', updated=? WHERE job_id=? AND frame=?",
            [(now, job_id, frame) for frame in frames])

    def mark_running(self, job_id: str, frames: list[int], worker: str) -> None:
        now = time.time()
        self._db.executemany(
            "UPDATE frames SET state='running', worker=?, updated=? WHERE job_id=? AND frame=?",
            [(worker, now, job_id, frame) for frame in frames])

    def mark_done(self, job_id: str, frame: int, worker: str, file: str, seconds: float) -> None:
        self._db.execute(
            "UPDATE frames SET state='done', worker=?, file=?, seconds=?, attempts=attempts+1,"
            " error='', updated=? WHERE job_id=? AND frame=?",
            (worker, file, seconds, time.time(), job_id, frame))

    def record_failure(self, job_id: str, frame: int, worker: str, error: str, log: str,
                       final: bool) -> int:
        """Count a failed attempt; returns the frame's attempts so far."""
        now = time.time()
        with self._db:
            self._db.execute("BEGIN")
            self._db.execute(
                "INSERT INTO attempts (job_id, frame, worker, error, log, at)"
                " VALUES (?, ?, ?, ?, ?, ?)", (job_id, frame, worker, error, log, now))
            self._db.execute(
                "UPDATE frames SET attempts=attempts+1, error=?, worker=?, state=?, updated=?"
                " WHERE job_id=? AND frame=?",
                (error, worker, FAILED if final else PENDING, now, job_id, frame))
            (attempts,) = self._db.execute(
                "SELECT attempts FROM frames WHERE job_id=? AND frame=?",
                (job_id, frame)).fetchone()
        return attempts

    def failed_attempts(self, job_id: str, frame: int) -> list[tuple[str, str, str]]:
        """(worker, error, log) of each failed attempt at a frame, oldest first."""
        return list(self._db.execute(
            "SELECT worker, error, log FROM attempts WHERE job_id=? AND frame=? ORDER BY at",
            (job_id, frame)))

    def finish_job(self, job_id: str, state: str, message: str = "") -> None:
        self._db.execute("UPDATE jobs SET state=?, message=?, updated=? WHERE id=?",
                         (state, message, time.time(), job_id))

    def summary(self, job_id: str) -> JobSummary | None:
        row = self._db.execute(
            "SELECT id, scene, out_dir, state, message, created, updated FROM jobs WHERE id=?",
            (job_id,)).fetchone()
        if row is None:
            return None
        counts = dict(self._db.execute(
            "SELECT state, COUNT(*) FROM frames WHERE job_id=? GROUP BY state", (job_id,)))
        return JobSummary(*row, counts=counts)

    def jobs(self) -> list[JobSummary]:
        """Every job in this store, newest first."""
        ids = [row[0] for row in self._db.execute("SELECT id FROM jobs ORDER BY updated DESC")]
        return [summary for job_id in ids if (summary := self.summary(job_id))]

    def find_job(self, prefix: str) -> JobSummary | None:
        """A job by id or by a unique prefix of it."""
        rows = self._db.execute("SELECT id FROM jobs WHERE id LIKE ?", (prefix + "%",)).fetchall()
        return self.summary(rows[0][0]) if len(rows) == 1 else None
