"""The protocol every producer of long work keeps (engine/events.py), checked on its events."""
from __future__ import annotations

from engine.events import Progress, Result


def assert_progress_then_one_outcome(events: list, job: str, outcome: type = Result) -> None:
    """Progress events of `job`, each within its total, then exactly one `outcome` (Result or
    Error) of `job`, last."""
    *steps, last = events
    assert all(isinstance(e, Progress) and e.job == job for e in steps), [type(e).__name__ for e in steps]
    assert all(e.total is None or 0 <= e.done <= e.total for e in steps)
    assert isinstance(last, outcome) and last.job == job, last
