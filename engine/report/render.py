"""Render the report: one self-contained HTML file (jinja2, autoescaped) for a run.

    ck report spec01-r1 -o report.html              # a run of the workspace's ledger
    ck report out/runs/spec01_cpu15 -o report.html  # any run folder `ck train` wrote

    path = report_run("spec01-r1", "report.html")   # the workspace's ledger (engine/paths.py)
    html = render_report(report_context(run_dir, ledger, run_id))

The page holds the seed's ten sections in its order ("HTML Report Contract After Every Spec or
Run"). Nothing in it is fetched: a Content-Security-Policy allows only data: images and the inline
style, and every text that came from a run (prompts, outputs, content, notes) is escaped by the
template engine.
"""
from __future__ import annotations

from pathlib import Path

import jinja2

from engine.fileio import InputError, write_atomic
from engine.paths import Workspace
from engine.report.context import report_context
from engine.rundir import RunDir
from engine.runs.ledger import Ledger

TEMPLATE = "report.html.j2"


def _environment() -> jinja2.Environment:
    # autoescape on for every template; StrictUndefined turns a missing key into an error here,
    # not a silently empty cell in a report someone decides on
    return jinja2.Environment(loader=jinja2.PackageLoader("engine.report", "templates"), autoescape=True,
                              undefined=jinja2.StrictUndefined)


def render_report(context: dict) -> str:
    return _environment().get_template(TEMPLATE).render(**context)


def write_report(run_dir: str | Path, out: str | Path | None = None, ledger: Ledger | None = None,
                 run_id: str | None = None) -> Path:
    """Write the report of a run folder (default RUN/report.html); a ledger run gets it recorded."""
    html = render_report(report_context(run_dir, ledger, run_id))
    path = Path(out) if out else RunDir(run_dir).report
    write_atomic(path, html)
    if ledger is not None and run_id:
        ledger.set_report(run_id, path)
    return path


def report_run(run: str, out: str | Path | None = None, workspace: str | Path | None = None) -> Path:
    """`run` is a run id (or folder) of the workspace's ledger, or any run folder."""
    ledger_path = Workspace(workspace).ledger
    if ledger_path.exists():
        with Ledger(ledger_path) as ledger:
            found = ledger.find(run)
            if found:
                return write_report(found["run_dir"], out, ledger, found["id"])
    if Path(run).is_dir():
        return write_report(run, out)
    raise InputError(f"{run}: neither a run of the ledger {ledger_path} nor a run folder")


def write_ladder(out: str | Path, workspace: str | Path | None = None) -> Path:
    """`ck ladder`: every run of the workspace on one page (engine/runs/ladder.py); reports linked
    relative to the page, so the folder can be moved or served as it is."""
    import os
    import time

    from engine.runs.ladder import ladder

    out = Path(out)
    ws = Workspace(workspace)
    rows = []
    if ws.ledger.exists():
        with Ledger(ws.ledger) as ledger:
            rows = ladder(ledger)
    for r in rows:
        r["link"] = os.path.relpath(r["report"], out.resolve().parent) if r["report"] else None
    html = _environment().get_template("ladder.html.j2").render(
        rows=rows, workspace=str(ws.root), written=time.strftime("%Y-%m-%d %H:%M"))
    write_atomic(out, html)
    return out
