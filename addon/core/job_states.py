"""The states of a farm job and of its frames or items: one enum each, shared by the
queue, the scheduler, the API's views and every client (no bpy, no Ray)."""

from __future__ import annotations

from enum import StrEnum


class JobState(StrEnum):
    """Where a job stands in the queue."""

    QUEUED = "queued"
    RUNNING = "running"
    PAUSED = "paused"
    DONE = "done"
    FAILED = "failed"
    CANCELED = "canceled"

    @property
    def is_final(self) -> bool:
        """Nothing more happens to the job unless someone resumes or requeues it."""
        return self in (JobState.DONE, JobState.FAILED, JobState.CANCELED)

    @property
    def is_settled(self) -> bool:
        """The job waits for someone: it ended, or it is paused (by a person, or by the
        scheduler for a folder it cannot write). Whoever follows a job stops here."""
        return self.is_final or self is JobState.PAUSED

    @property
    def is_runnable(self) -> bool:
        """The scheduler may hand out the job's work."""
        return self in (JobState.QUEUED, JobState.RUNNING)


class TaskState(StrEnum):
    """Where one frame or item of a job stands."""

    PENDING = "pending"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"

    @property
    def is_final(self) -> bool:
        return self in (TaskState.DONE, TaskState.FAILED)


FINAL_JOB_STATES = tuple(s for s in JobState if s.is_final)
