"""The probe and report work the studio's probe gallery and runs panel run in child processes,
without Qt (studio/probe_workers.py starts them; studio/jobs.py says why processes).

Each is a streaming job, `job(*args, emit, stop)`: a thin call into the engine that sends what
happens as event dicts. A mistake the user can fix (a run without checkpoints, a report of an
unknown run) arrives as a "failed" event with the engine's message.
"""
from __future__ import annotations

from pathlib import Path


class Cancelled(Exception):
    """Raised from the probe's progress callback to end it between two batches."""


def probe(run_dir: str, constrained: bool, workspace: str, emit, stop) -> None:
    """`ck probe RUN [--constrained]`: progress as it decodes and scores, then where probe.json is.
    A run of the workspace's ledger gets the probe recorded, as `ck runs record` would."""
    from engine.fileio import InputError
    from engine.probe.result import probe_path
    from engine.probe.runner import run_probe

    def progress(stage: str, done: int, total: int) -> None:
        if stop.is_set():
            raise Cancelled
        emit({"event": "progress", "stage": stage, "done": done, "total": total})

    try:
        run_probe(run_dir, None, constrained, progress=progress)
    except Cancelled:
        emit({"event": "failed", "message": "probe stopped"})
        return
    except InputError as e:
        emit({"event": "failed", "message": str(e)})
        return
    path = probe_path(run_dir, constrained)
    emit({"event": "finished", "path": str(path), "recorded": record_in_ledger(path, run_dir, workspace)})


def record_in_ledger(path: Path, run_dir: str, workspace: str) -> str:
    """Record the probe in the ledger when the run is one of its runs; what happened, in words."""
    from engine.fileio import InputError
    from engine.paths import Workspace
    from engine.runs.ledger import Ledger

    if not Workspace(workspace).ledger.exists():
        return ""
    with Ledger.open(workspace) as ledger:
        found = ledger.find(run_dir)
        if found is None:
            return ""
        try:
            ledger.record_probe(found["id"], path)
        except InputError as e:   # a champion's frozen results: the file is written, the ledger keeps its own
            return f"not recorded: {e}"
        return f"recorded for {found['id']}"


def report(run: str, workspace: str, emit, stop) -> None:
    """`ck report RUN`: the run's HTML report, written to RUN/report.html; where it is."""
    from engine.fileio import InputError
    from engine.report.render import report_run

    try:
        path = report_run(run, None, workspace)
    except InputError as e:
        emit({"event": "failed", "message": str(e)})
        return
    emit({"event": "finished", "path": str(Path(path).resolve())})
