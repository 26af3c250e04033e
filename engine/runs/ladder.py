"""The ladder (issue 16; seed, "Results page"): every run of a workspace as one table, in the
order the method climbs it -- phase, spec, rung, primary axis, its bars met or missed, champion,
decision, a link to its report.

    rows = ladder(ledger)      # [{"run_id", "spec", "phase", "bars": [{"key", "least", "value", "met"}], ...}]

A run's phase and bars come from the spec it was frozen with (RUN/spec.toml, [spec] phase and
[bars]); each bar is judged on the run's newest probe of that mode, raw board.
"""
from __future__ import annotations

from pathlib import Path

from engine.data.spec import BAR, load_spec
from engine.fileio import InputError
from engine.rundir import RunDir

PHASES = {0: "", 1: "memorization", 2: "held-out generalization", 3: "family expansion",
          4: "compositional generalization", 5: "intent bridge"}


def _value(boards: dict, key: str) -> float | None:
    mode, split, family, metric = BAR.match(key).groups()
    board = boards.get(mode, {}).get("raw")
    if board is None:
        return None
    if family is None:
        return board["overall"].get(metric) if split == "overall" else board["by_split"].get(split, {}).get(metric)
    by_family = board.get("by_split_layout", {}).get(split, {})
    values = [m[metric] for f, m in by_family.items() if metric in m and family in ("each", f)]
    return min(values) if values else None


def ladder(ledger) -> list[dict]:
    rows = []
    for run in ledger.runs():
        spec_file = RunDir(run["run_dir"]).spec
        try:
            spec = load_spec(spec_file) if spec_file.exists() else None
        except InputError:
            spec = None
        boards = {mode: board for mode, board in ledger.scoreboard(run["id"]).items()}
        bars = []
        for key, least in (spec.bars if spec else {}).items():
            value = _value(boards, key)
            bars.append({"key": key, "least": least, "value": value, "met": value is not None and value >= least})
        report = run.get("report")
        rows.append({
            "run_id": run["id"], "spec": run["spec"], "rung": run["rung"], "phase": spec.phase if spec else 0,
            "phase_name": PHASES[spec.phase if spec else 0], "primary_axis": run["primary_axis"],
            "status": run["status"], "champion": run["champion"], "decision": run["decision"], "bars": bars,
            "bars_met": sum(b["met"] for b in bars), "report": str(report) if report and Path(report).exists() else None,
            "created": run["created"], "hidden": _value(boards, "unconstrained.hidden.exact_rate"),
        })
    return sorted(rows, key=lambda r: (r["phase"] or 99, r["spec"], r["created"]))
