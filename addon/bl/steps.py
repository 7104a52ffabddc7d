"""Steps of work in a scene, advanced one at a time and undone if they fail: what every
metastudio operator runs (ops/stepped.py drives them from Blender's UI) and what the
command line and the farm run headless."""

from __future__ import annotations

from collections.abc import Iterator

from .scene_guard import SceneGuard

Steps = Iterator[tuple[float, str]]


class StepRun:
    """An operator's steps, advanced one at a time, undone if they fail or are cancelled."""

    def __init__(self, steps: Steps, guard: SceneGuard) -> None:
        self._steps, self._guard = steps, guard
        self.fraction, self.message = 0.0, "starting"

    def advance(self) -> bool:
        """Run the next step; True once all are done. A failure rolls back and re-raises."""
        try:
            self.fraction, self.message = next(self._steps)
            return False
        except StopIteration:
            self.fraction = 1.0
            return True
        except Exception:
            self._steps.close()
            self._guard.rollback()
            raise

    def run_to_end(self) -> None:
        """Run every remaining step."""
        while not self.advance():
            pass

    def cancel(self) -> None:
        """Stop between steps and undo what was done."""
        self._steps.close()
        self._guard.rollback()
