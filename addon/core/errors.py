"""Typed errors. Every user-facing failure is one of these, with a one-line message."""


class MetastudioError(Exception):
    """Base of every error metastudio reports to a user as a clear message."""


class JobSpecError(MetastudioError):
    """A job's parameters are invalid (the message names the field)."""


class SceneError(MetastudioError):
    """A .blend cannot be used: missing, corrupt, or lacking what the job needs."""


class FarmError(MetastudioError):
    """The farm cannot run the job: no cluster, no workers, a lost node."""


class FrameFailedError(MetastudioError):
    """One or more frames failed after every allowed attempt."""


class OperatorError(MetastudioError):
    """A metastudio operator refused its parameters or failed (the scene is unchanged)."""
