"""Tasks for tests/studio/test_studio_jobs.py, run by the job runner in child processes (a child
imports this module by name, as it imports studio/tasks.py)."""
from __future__ import annotations

import os
import sys
import time
from pathlib import Path

from engine.events import Progress, Result
from engine.fileio import InputError
from studio.tasks import stoppable


def count(n: int, stop):
    for i in range(1, n + 1):
        yield Progress("count", i, n, f"{i} of {n}", {"i": i})
    yield Result("count", f"counted {n}", n)


def bindings(stop):
    """The Qt bindings the child has loaded."""
    yield Result("bindings", "", sorted(m for m in sys.modules if m.split(".")[0] in ("qtpy", "PySide6", "PyQt6")))


def refuse(stop):
    raise InputError("specs/x.toml:2:1: not a spec")
    yield  # a generator, like every task


def _ticks():
    i = 0
    while True:
        i += 1
        yield Progress("ticks", i, None)
        time.sleep(0.02)


def ticks(stop):
    """Ticks until stopped."""
    yield from stoppable(_ticks(), stop)


def deaf(stop):
    """Never looks at `stop`: only a kill ends it."""
    yield Progress("deaf", 0, None)
    while True:
        time.sleep(0.05)


def die(stop):
    os._exit(3)
    yield


def probe_written(run_dir: str, constrained: bool, workspace: str, stop):
    """tasks.probe's stand-in: a probe.json for the run, as the decoder would leave it."""
    from tests.runs_fixtures import probe_json, write_probe

    yield Progress("probe", 1, 1, "decode", {"stage": "decode"})
    path = write_probe(Path(run_dir), probe_json(constrained))
    yield Result("probe", "probed", {"path": str(path), "recorded": ""})
