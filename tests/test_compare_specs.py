"""`ck runs compare A B` across specs (issue 16): on the cases both probe lists share, with each
board recomputed on those cases; a family that lost is named as a regression."""
from __future__ import annotations

import json
from pathlib import Path

from runs_fixtures import probe_json, run_folder, write_probe

from engine.cli import main
from engine.runs.ledger import Ledger
from engine.runs.record import record_folder

SPECS = Path(__file__).resolve().parents[1] / "specs"


def test_runs_of_two_specs_compare_on_their_shared_cases(tmp_path, capsys):
    ws = tmp_path / "ws"
    with Ledger.open(ws) as ledger:
        old = run_folder(tmp_path / "old", (SPECS / "spec01.toml").read_text())
        write_probe(old, probe_json(False, name="spec01"))
        a = record_folder(ledger, old)
        new = run_folder(tmp_path / "new", (SPECS / "spec02.toml").read_text())
        data = probe_json(False, name="spec02", sha256="b" * 64, failing={"own_tree_triage-dev": "tone"})
        data["cases"] = data["cases"][:-3]          # a list of its own: not every case is shared
        write_probe(new, data)
        b = record_folder(ledger, new)
        comparison = ledger.compare(b, a)
    assert comparison.probe["shared_cases"] == len(data["cases"])
    lost = {d.label() for d in comparison.regressions()}
    layout = next(c["layout"] for c in data["cases"] if c["id"] == "own_tree_triage-dev")
    assert f"unconstrained raw layout {layout} exact_rate" in lost
    assert main(["runs", "compare", b, a, "--workspace", str(ws), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["probe"]["shared_cases"] == len(data["cases"])
