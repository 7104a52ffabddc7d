"""The service's queue in SQLite: jobs, their frames or items (tasks), every attempt with
its log, and a log of events per job. One connection behind a lock serves the API's
threads and the dispatcher; every change is one transaction, so the queue stays
consistent under many clients and survives the service being killed."""

from __future__ import annotations

import functools
import json
import secrets
import sqlite3
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from metastudio.core.job_states import JobState, TaskState

_SCHEMA = """
CREATE TABLE IF NOT EXISTS jobs (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    name TEXT NOT NULL,
    request TEXT NOT NULL,
    priority INTEGER NOT NULL,
    state TEXT NOT NULL,
    message TEXT NOT NULL DEFAULT '',
    out_dir TEXT NOT NULL DEFAULT '',
    staged INTEGER NOT NULL DEFAULT 0,
    preview TEXT NOT NULL DEFAULT '',
    blocklist_since REAL NOT NULL DEFAULT 0,
    created REAL NOT NULL,
    updated REAL NOT NULL,
    preview_error TEXT NOT NULL DEFAULT ''
);
CREATE TABLE IF NOT EXISTS tasks (
    job_id TEXT NOT NULL,
    idx INTEGER NOT NULL,
    name TEXT NOT NULL,
    state TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    worker TEXT NOT NULL DEFAULT '',
    file TEXT NOT NULL DEFAULT '',
    seconds REAL,
    error TEXT NOT NULL DEFAULT '',
    updated REAL NOT NULL,
    PRIMARY KEY (job_id, idx)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS tasks_by_state ON tasks (job_id, state);
CREATE TABLE IF NOT EXISTS attempts (
    job_id TEXT NOT NULL,
    idx INTEGER NOT NULL,
    worker TEXT NOT NULL,
    ok INTEGER NOT NULL,
    error TEXT NOT NULL,
    log TEXT NOT NULL,
    at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS attempts_by_task ON attempts (job_id, idx);
CREATE TABLE IF NOT EXISTS events (
    job_id TEXT NOT NULL,
    at REAL NOT NULL,
    text TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS events_by_job ON events (job_id, at);
"""

class QueueError(Exception):
    """The queue file cannot be used (the message says why, to follow its path)."""


def _reason(exc: Exception) -> str:
    return getattr(exc, "strerror", None) or str(exc)


@functools.cache
def _schema_columns() -> dict[str, tuple]:
    """Each table's columns as this version creates them: SQLite's table_info rows (cid,
    name, type, notnull, default, pk), read once from the schema."""
    probe = sqlite3.connect(":memory:")
    try:
        probe.executescript(_SCHEMA)
        tables = [name for (name,) in probe.execute(
            "SELECT name FROM sqlite_master WHERE type='table'")]
        return {t: tuple(probe.execute(f"PRAGMA table_info({t})")) for t in tables}
    finally:
        probe.close()


def _expected_columns() -> dict[str, list[str]]:
    """Each table's column names as this version creates them."""
    return {table: [row[1] for row in rows] for table, rows in _schema_columns().items()}


# A queue written by an earlier version lacks these columns (added at the end of their
# table, with the statement that fills them from what that version kept).
_ADDED_COLUMNS = {("jobs", "preview_error"): (
    "UPDATE jobs SET preview_error=substr(preview, 9), preview='' WHERE preview LIKE"
    " 'failed:%'")}


@dataclass
class JobRow:
    """A job's record."""

    id: str
    kind: str
    name: str
    request: dict
    priority: int
    state: JobState
    message: str
    out_dir: str
    staged: bool
    preview: str  # the preview video's file name in out_dir, once made
    blocklist_since: float
    created: float
    updated: float
    preview_error: str = ""  # why the preview could not be made


@dataclass
class TaskRow:
    """A frame's or item's record."""

    index: int
    name: str
    state: TaskState
    attempts: int
    worker: str
    file: str
    seconds: float | None
    error: str
    updated: float = 0.0  # when it last changed (time.time())


_JOB_COLUMNS = ("id, kind, name, request, priority, state, message, out_dir, staged, preview,"
                " blocklist_since, created, updated, preview_error")


def _job(row) -> JobRow:
    values = list(row)
    values[3] = json.loads(values[3])
    values[5] = JobState(values[5])
    values[8] = bool(values[8])
    return JobRow(*values)


def _task(row) -> TaskRow:
    return TaskRow(row[0], row[1], TaskState(row[2]), *row[3:])


class JobQueue:
    """The queue of one service (a single SQLite file)."""

    def __init__(self, path: Path, verify: bool = True) -> None:
        """Open (or make) the queue. `verify` runs SQLite's check of the whole file first,
        as whoever schedules from it must; a reader that only shows it (`metastudio
        status`) skips it: a damaged page then fails that one read, with the reason."""
        self.path = Path(path)
        self._lock = threading.RLock()
        if self.path.exists() and not self.path.is_file():
            raise QueueError("is not a file")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(self.path, timeout=30, isolation_level=None,
                                       check_same_thread=False)
        except (OSError, sqlite3.Error) as exc:
            raise QueueError(f"cannot be opened ({_reason(exc)})") from None
        try:
            self._check(verify)
            self._db.execute("PRAGMA journal_mode=WAL")
            # FULL: a frame recorded done must still be done after a power cut or a kill.
            self._db.execute("PRAGMA synchronous=FULL")
            self._db.executescript(_SCHEMA)
            self._add_columns()
        except (sqlite3.Error, QueueError) as exc:
            self._db.close()
            raise exc if isinstance(exc, QueueError) else QueueError(
                f"cannot be used ({_reason(exc)})") from None

    def _check(self, verify: bool) -> None:
        """QueueError unless the file is an intact SQLite database whose tables, if it
        has any, are this queue's (read only: a broken file is left as it is). Intact is
        SQLite's quick_check, which reads every page: only when `verify`."""
        try:
            (verdict,) = self._db.execute(
                "PRAGMA quick_check" if verify else "PRAGMA schema_version").fetchone()
        except sqlite3.Error as exc:
            raise QueueError(f"is not a readable queue ({_reason(exc)})") from None
        if verify and verdict != "ok":
            raise QueueError(f"is damaged (SQLite's check: {verdict})")
        expected = _expected_columns()
        for table, columns in expected.items():
            found = [row[1] for row in self._db.execute(f"PRAGMA table_info({table})")]
            added = [c for c in columns if (table, c) in _ADDED_COLUMNS]
            older = [c for c in columns if c not in added]
            if found and found != columns and found != older:
                raise QueueError(f"is not a metastudio queue of this version (table {table} "
                                 f"has columns {', '.join(found)})")
        others = {name for (name,) in self._db.execute(
            "SELECT name FROM sqlite_master WHERE type='table'")} - set(expected)
        if others:
            raise QueueError(f"is not a metastudio queue (it has tables "
                             f"{', '.join(sorted(others))})")

    def _add_columns(self) -> None:
        """Bring a queue of an earlier version up to this one's columns."""
        for (table, column), fill in _ADDED_COLUMNS.items():
            have = [row[1] for row in self._db.execute(f"PRAGMA table_info({table})")]
            if column in have:
                continue
            _, _, kind, notnull, default, _ = next(
                row for row in _schema_columns()[table] if row[1] == column)
            self._db.execute("BEGIN IMMEDIATE")
            self._db.execute(f"ALTER TABLE {table} ADD COLUMN {column} {kind}"
                             + (" NOT NULL" if notnull else "")
                             + (f" DEFAULT {default}" if default is not None else ""))
            self._db.execute(fill)
            self._db.execute("COMMIT")

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def _write(self, statements) -> None:
        """Run (sql, parameters) pairs as one transaction."""
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                for sql, parameters in statements:
                    if isinstance(parameters, list):  # many rows (perhaps none)
                        if parameters:
                            self._db.executemany(sql, parameters)
                    else:
                        self._db.execute(sql, parameters)
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    def _read(self, sql: str, parameters=()) -> list:
        with self._lock:
            return self._db.execute(sql, parameters).fetchall()

    # ----- jobs ---------------------------------------------------------------------
    def add_job(self, kind: str, name: str, request: dict, priority: int,
                job_id: str | None = None) -> str:
        """Queue a new job; returns its id (12 hex digits: `job_id`, or a new one)."""
        job_id = job_id or secrets.token_hex(6)
        now = time.time()
        self._write([(
            "INSERT INTO jobs (id, kind, name, request, priority, state, created, updated)"
            " VALUES (?, ?, ?, ?, ?, 'queued', ?, ?)",
            (job_id, kind, name, json.dumps(request), priority, now, now)),
            ("INSERT INTO events (job_id, at, text) VALUES (?, ?, ?)",
             (job_id, now, f"submitted ({kind})"))])
        return job_id

    def add_or_resume(self, kind: str, name: str, request: dict, priority: int,
                      job_id: str) -> bool:
        """Queue the job under `job_id`, or take it up again if it is there: a job that
        ended, was paused or canceled, or was left running by a process that is gone, is
        queued again with its finished tasks kept and failed ones given fresh attempts;
        one queued or running is left as it is. True when it was there."""
        row = self.job(job_id)
        if row is None:
            self.add_job(kind, name, request, priority, job_id=job_id)
            return False
        if not row.state.is_runnable:
            self.requeue_failed(job_id)
        return True

    def job(self, job_id: str) -> JobRow | None:
        rows = self._read(f"SELECT {_JOB_COLUMNS} FROM jobs WHERE id=?", (job_id,))
        return _job(rows[0]) if rows else None

    def jobs(self, states: tuple[str, ...] | None = None) -> list[JobRow]:
        """Jobs, newest first (only those in `states` when given)."""
        if states:
            marks = ",".join("?" * len(states))
            rows = self._read(f"SELECT {_JOB_COLUMNS} FROM jobs WHERE state IN ({marks})"
                              " ORDER BY created DESC", states)
        else:
            rows = self._read(f"SELECT {_JOB_COLUMNS} FROM jobs ORDER BY created DESC")
        return [_job(row) for row in rows]

    def set_state(self, job_id: str, state: str, message: str | None = None,
                  event: str | None = None,
                  allowed: tuple[str, ...] = (JobState.QUEUED, JobState.RUNNING,
                                              JobState.PAUSED)) -> bool:
        """Move a job to `state` (with `message`, if given) only while it is in one of
        `allowed`, atomically: what the scheduler concludes never overrides a cancel,
        pause or delete that came in meanwhile. False when it did not move."""
        now = time.time()
        marks = ",".join("?" * len(allowed))
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            changed = self._db.execute(
                "UPDATE jobs SET state=?, message=COALESCE(?, message), updated=? WHERE id=?"
                f" AND state IN ({marks})", (state, message, now, job_id, *allowed)).rowcount
            if changed and event:
                self._db.execute("INSERT INTO events (job_id, at, text) VALUES (?, ?, ?)",
                                 (job_id, now, event))
            self._db.execute("COMMIT")
        return bool(changed)

    def transition(self, job_id: str, allowed: tuple[str, ...], state: str,
                   event: str) -> bool:
        """Move a job to `state` if it is in one of `allowed` (atomically); False if not."""
        now = time.time()
        marks = ",".join("?" * len(allowed))
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            changed = self._db.execute(
                f"UPDATE jobs SET state=?, message='', updated=? WHERE id=? AND state IN"
                f" ({marks})", (state, now, job_id, *allowed)).rowcount
            if changed:
                self._db.execute("INSERT INTO events (job_id, at, text) VALUES (?, ?, ?)",
                                 (job_id, now, event))
            self._db.execute("COMMIT")
        return bool(changed)

    def set_message(self, job_id: str, message: str) -> None:
        self._write([("UPDATE jobs SET message=?, updated=? WHERE id=?",
                      (message, time.time(), job_id))])

    def set_preview(self, job_id: str, file: str = "", error: str = "") -> None:
        """Record the job's preview video (its file name in out_dir), or why there is none."""
        self._write([("UPDATE jobs SET preview=?, preview_error=?, updated=? WHERE id=?",
                      (file, error, time.time(), job_id))])

    def delete_job(self, job_id: str) -> None:
        self._write([(f"DELETE FROM {table} WHERE {key}=?", (job_id,))
                     for table, key in (("jobs", "id"), ("tasks", "job_id"),
                                        ("attempts", "job_id"), ("events", "job_id"))])

    def log(self, job_id: str, text: str) -> None:
        """Add a line to the job's log."""
        self._write([("INSERT INTO events (job_id, at, text) VALUES (?, ?, ?)",
                      (job_id, time.time(), text))])

    def events(self, job_id: str, limit: int = 1000) -> list[tuple[float, str]]:
        rows = self._read("SELECT at, text FROM events WHERE job_id=? ORDER BY at DESC, rowid"
                          " DESC LIMIT ?", (job_id, limit))
        return list(reversed(rows))

    # ----- tasks --------------------------------------------------------------------
    def stage(self, job_id: str, out_dir: str, tasks: list[tuple[int, str]],
              already_done: set[int] = frozenset(), gone: set[int] = frozenset()) -> None:
        """Record the job's frames or items (once: a job staged again keeps its records);
        those in `already_done` (found finished on disk) are done, and those in `gone`
        (recorded done, but their files are no longer there) are to do again."""
        now = time.time()
        self._write([
            ("UPDATE tasks SET state='pending', updated=? WHERE job_id=? AND idx=?",
             [(now, job_id, idx) for idx in gone]),
            ("UPDATE jobs SET out_dir=?, staged=1, updated=? WHERE id=?",
             (out_dir, now, job_id)),
            ("INSERT OR IGNORE INTO tasks (job_id, idx, name, state, updated)"
             " VALUES (?, ?, ?, ?, ?)",
             [(job_id, idx, name, TaskState.DONE if idx in already_done else TaskState.PENDING,
               now)
              for idx, name in tasks])])

    def tasks(self, job_id: str, states: tuple[str, ...] | None = None) -> list[TaskRow]:
        sql = ("SELECT idx, name, state, attempts, worker, file, seconds, error, updated FROM tasks"
               " WHERE job_id=?")
        parameters: tuple = (job_id,)
        if states:
            sql += f" AND state IN ({','.join('?' * len(states))})"
            parameters += states
        return [_task(row) for row in self._read(sql + " ORDER BY idx", parameters)]

    def task(self, job_id: str, idx: int) -> TaskRow | None:
        rows = self.tasks_by_index(job_id, [idx]) if idx is not None else []
        return rows[0] if rows else None

    def tasks_by_index(self, job_id: str, indices: list[int]) -> list[TaskRow]:
        marks = ",".join("?" * len(indices))
        rows = self._read("SELECT idx, name, state, attempts, worker, file, seconds, error,"
                          f" updated FROM tasks WHERE job_id=? AND idx IN ({marks}) ORDER BY idx",
                          (job_id, *indices))
        return [_task(row) for row in rows]

    def counts(self, job_id: str) -> dict[str, int]:
        return dict(self._read("SELECT state, COUNT(*) FROM tasks WHERE job_id=?"
                               " GROUP BY state", (job_id,)))

    def all_counts(self) -> dict[str, dict[str, int]]:
        """Task counts by state of every job at once (for listings)."""
        counts: dict[str, dict[str, int]] = {}
        for job_id, state, n in self._read(
                "SELECT job_id, state, COUNT(*) FROM tasks GROUP BY job_id, state"):
            counts.setdefault(job_id, {})[state] = n
        return counts

    def mark_running(self, job_id: str, indices: list[int], worker: str) -> None:
        now = time.time()
        self._write([("UPDATE tasks SET state='running', worker=?, file='', updated=?"
                      " WHERE job_id=? AND idx=?",
                      [(worker, now, job_id, idx) for idx in indices])])

    def mark_writing(self, job_id: str, idx: int, file: str) -> None:
        """Name the file a task is about to write, before writing it: a service killed
        between the two finds the file on restart and does not make it again."""
        self._write([("UPDATE tasks SET file=?, updated=? WHERE job_id=? AND idx=?",
                      (file, time.time(), job_id, idx))])

    def mark_pending(self, job_id: str, indices: list[int]) -> None:
        now = time.time()
        self._write([("UPDATE tasks SET state='pending', updated=? WHERE job_id=? AND idx=?"
                      " AND state != 'done'", [(now, job_id, idx) for idx in indices])])

    def mark_done(self, job_id: str, idx: int, worker: str, file: str, seconds: float,
                  log: str) -> None:
        now = time.time()
        self._write([
            ("UPDATE tasks SET state='done', worker=?, file=?, seconds=?, attempts=attempts+1,"
             " error='', updated=? WHERE job_id=? AND idx=?",
             (worker, file, seconds, now, job_id, idx)),
            ("INSERT INTO attempts (job_id, idx, worker, ok, error, log, at)"
             " VALUES (?, ?, ?, 1, '', ?, ?)", (job_id, idx, worker, log, now))])

    def record_failure(self, job_id: str, idx: int, worker: str, error: str, log: str,
                       final: bool) -> None:
        """Count a failed attempt at a task; `final` fails the task."""
        now = time.time()
        self._write([
            ("INSERT INTO attempts (job_id, idx, worker, ok, error, log, at)"
             " VALUES (?, ?, ?, 0, ?, ?, ?)", (job_id, idx, worker, error, log, now)),
            ("UPDATE tasks SET attempts=attempts+1, error=?, worker=?, state=?, file='',"
             " updated=? WHERE job_id=? AND idx=?",
             (error, worker, TaskState.FAILED if final else TaskState.PENDING, now, job_id,
              idx))])

    def attempts(self, job_id: str, idx: int) -> list[tuple[str, bool, str, str, float]]:
        """(worker, ok, error, log, at) of each attempt at a task, oldest first."""
        return [(w, bool(ok), e, lg, at) for w, ok, e, lg, at in self._read(
            "SELECT worker, ok, error, log, at FROM attempts WHERE job_id=? AND idx=?"
            " ORDER BY at", (job_id, idx))]

    def failures_by_worker(self, job_id: str, since: float = 0.0) -> dict[str, int]:
        """How many of the job's frames or items each worker failed (after `since`): one
        frame failed three times on one worker counts once."""
        return dict(self._read("SELECT worker, COUNT(DISTINCT idx) FROM attempts WHERE"
                               " job_id=? AND ok=0"
                               " AND at > ? GROUP BY worker", (job_id, since)))

    def all_failures(self) -> dict[str, dict[str, int]]:
        """failures_by_worker of every job at once (each since its blocklist was cleared)."""
        failures: dict[str, dict[str, int]] = {}
        for job_id, worker, n in self._read(
                "SELECT a.job_id, a.worker, COUNT(DISTINCT a.idx) FROM attempts a JOIN jobs j ON"
                " j.id = a.job_id WHERE a.ok=0 AND a.at > j.blocklist_since"
                " GROUP BY a.job_id, a.worker"):
            failures.setdefault(job_id, {})[worker] = n
        return failures

    def done_seconds(self, job_id: str) -> list[float]:
        return [s for (s,) in self._read("SELECT seconds FROM tasks WHERE job_id=? AND"
                                         " state='done' AND seconds IS NOT NULL", (job_id,))]

    def requeue_failed(self, job_id: str) -> int:
        """Failed tasks get a fresh set of attempts and the job's blocklist is cleared."""
        now = time.time()
        with self._lock:
            (count,) = self._db.execute("SELECT COUNT(*) FROM tasks WHERE job_id=? AND"
                                        " state='failed'", (job_id,)).fetchone()
            self._write([
                ("UPDATE tasks SET state='pending', attempts=0, updated=? WHERE job_id=?"
                 " AND state='failed'", (now, job_id)),
                # Its preview is made again from the frames as they will then be.
                ("UPDATE jobs SET state='queued', message='', blocklist_since=?, updated=?,"
                 " preview='', preview_error='' WHERE id=?", (now, now, job_id)),
                ("INSERT INTO events (job_id, at, text) VALUES (?, ?, ?)",
                 (job_id, now, f"requeued {count} failed task(s)"))])
        return count

    def put_back_running(self, job_id: str) -> int:
        """A job's tasks left running by a process that is gone go back to pending (and
        the job to queued); returns how many."""
        running = [t.index for t in self.tasks(job_id, (TaskState.RUNNING,))]
        self.mark_pending(job_id, running)
        self.set_state(job_id, JobState.QUEUED, None, None, (JobState.RUNNING,))
        return len(running)

    def recover(self) -> tuple[int, int]:
        """After a restart: a task left running whose file was written is done (the
        service died between writing and recording it); the others go back to pending.
        Returns (found done, put back)."""
        found, back = 0, 0
        for job_id, idx, file, out_dir in self._read(
                "SELECT t.job_id, t.idx, t.file, j.out_dir FROM tasks t JOIN jobs j"
                " ON j.id = t.job_id WHERE t.state='running'"):
            if file and (Path(out_dir) / file).is_file():
                self._write([("UPDATE tasks SET state='done', attempts=attempts+1,"
                              " updated=? WHERE job_id=? AND idx=?",
                              (time.time(), job_id, idx))])
                found += 1
            else:
                self.mark_pending(job_id, [idx])
                back += 1
        return found, back
