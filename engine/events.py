"""The events of long work: what preflight, the gold gate, parity, the probe, the canary and
training yield as they go, so `ck`, `ck run` and the studio drive every one of them the same way.

A producer is a generator of events: any number of Progress, then exactly one Result, or one
Error when its input is wrong (a bug still raises). A consumer that wants only the outcome
runs it to its end with `finish`; one that wants to stop it early closes the generator between
two events (training, which must checkpoint first, takes a stop flag instead).

    for event in run_gate(entries, library, out):          # Progress per entry, then the Result
        ...
    report = finish(run_gate(entries, library, out), on_progress=print).value

Events cross process boundaries (the studio runs producers in child processes) as plain dicts:

    >>> to_dict(Progress("gold gate", 1, 2, "poster_stack: pass"))
    {'kind': 'progress', 'job': 'gold gate', 'done': 1, 'total': 2, 'message': 'poster_stack: pass', 'data': {}}
    >>> from_dict(to_dict(Error("preflight", "x.toml: no such file"))) == Error("preflight", "x.toml: no such file")
    True

Progress.data holds plain data (JSON types) only, so a stream can be logged as it is (training's
data is exactly its line of metrics.jsonl); Result.value is what the producer made (a GateReport,
a Preflight, the regimen's dict), for the caller that ran it.
"""
from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, fields
from typing import Any

from engine.diagnostics import DiagnosticError
from engine.fileio import InputError


@dataclass(frozen=True)
class Progress:
    """A step of the work done: `done` of `total` (None while the total is unknown)."""

    job: str
    done: int
    total: int | None
    message: str = ""
    data: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Result:
    """The work ended: a line for a person, and the value the producer made."""

    job: str
    summary: str
    value: Any = None


@dataclass(frozen=True)
class Error:
    """The work could not be done; where the mistake is, when it is known."""

    job: str
    message: str
    path: str | None = None
    line: int | None = None
    col: int | None = None


Event = Progress | Result | Error
KINDS: dict[str, type] = {"progress": Progress, "result": Result, "error": Error}
# The engine's messages name a place in a file as "path:line:col: what" (or "path:line: what")
PLACE = re.compile(r"(?P<path>[^:\n]+):(?P<line>\d+)(?::(?P<col>\d+))?: ")


def to_dict(event: Event) -> dict:
    """The event as a dict with its kind; the fields' values are kept as they are (not copied)."""
    kind = next(k for k, cls in KINDS.items() if isinstance(event, cls))
    return {"kind": kind, **{f.name: getattr(event, f.name) for f in fields(event)}}


def from_dict(d: dict) -> Event:
    return KINDS[d["kind"]](**{k: v for k, v in d.items() if k != "kind"})


def error_of(job: str, e: Exception) -> Error:
    """An exception as the Error that ends a stream: a user's mistake in its own words, placed
    where its message (or its first diagnostic) says; anything else with its type.

    >>> error_of("preflight", InputError("specs/x.toml:3:7: expected '='"))
    Error(job='preflight', message="specs/x.toml:3:7: expected '='", path='specs/x.toml', line=3, col=7)
    """
    if isinstance(e, DiagnosticError) and e.diagnostics:
        first = e.diagnostics[0]
        return Error(job, str(e), line=first.line, col=first.col)
    if isinstance(e, InputError):
        place = PLACE.match(str(e))
        if place is None:
            return Error(job, str(e))
        col = place["col"]
        return Error(job, str(e), place["path"], int(place["line"]), int(col) if col else None)
    return Error(job, f"{type(e).__name__}: {e}")


def producer(job: str):
    """Decorate a generator of events so that an InputError it raises ends the stream as an Error."""
    def decorate(make: Callable[..., Iterator[Event]]) -> Callable[..., Iterator[Event]]:
        @functools.wraps(make)
        def events(*args, **kwargs) -> Iterator[Event]:
            try:
                yield from make(*args, **kwargs)
            except InputError as e:
                yield error_of(job, e)
        return events
    return decorate


def finish(events: Iterable[Event], on_progress: Callable[[Progress], None] | None = None) -> Result:
    """Run a producer to its end: each Progress to `on_progress`, the Result returned; an Error is
    raised as the InputError it was."""
    result = None
    for event in events:
        if result is not None:
            raise RuntimeError(f"{result.job}: an event after its Result: {event}")
        if isinstance(event, Progress):
            if on_progress is not None:
                on_progress(event)
        elif isinstance(event, Error):
            raise InputError(event.message)
        else:
            result = event
    if result is None:
        raise RuntimeError("the producer ended without a Result or an Error")
    return result
