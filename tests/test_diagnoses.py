"""The three cross-run failure classes (issue 16), each on a hand-made case and on one it must not
name."""
from __future__ import annotations

from engine.runs.diagnoses import (RungFacts, capacity_misdiagnosis, over_repair_fragmentation,
                                   seed_probe_integrity_gap)


def facts(run, size="l3_d192", renderable=1.0, exact=0.9, repair=0.15):
    return RungFacts(run, size, renderable, exact, repair)


def test_over_repair_fragmentation():
    base = facts("r1")
    assert "over_repair_fragmentation" in over_repair_fragmentation(facts("r2", renderable=0.8, repair=0.35), base)
    assert over_repair_fragmentation(facts("r2", renderable=0.8, repair=0.15), base) is None   # no repair push
    assert over_repair_fragmentation(facts("r2", renderable=0.99, repair=0.35), base) is None  # no damage


def test_seed_probe_integrity_gap():
    rec = lambda run, exact: {"run": run, "checkpoint": "runs/r1/checkpoints/step_0000600.json", "list": "spec01 v1",
                              "exact": exact}
    assert "seed_probe_integrity_gap" in seed_probe_integrity_gap([rec("spec01-r1", 1.0), rec("spec01-r2", 0.4)])
    assert seed_probe_integrity_gap([rec("spec01-r1", 1.0), rec("spec01-r2", 1.0)]) is None
    other = {**rec("spec01-r2", 0.4), "list": "spec01 v2"}
    assert seed_probe_integrity_gap([rec("spec01-r1", 1.0), other]) is None


def test_capacity_misdiagnosis():
    rungs = [facts("r1", exact=0.2), facts("r2", exact=0.85), facts("r3", exact=0.4)]
    assert "capacity_misdiagnosis" in capacity_misdiagnosis(rungs, "l6_d384", "l3_d192")
    assert capacity_misdiagnosis(rungs, "l3_d192", "l3_d192") is None                          # not a size change
    steady = [facts("r1", exact=0.41), facts("r2", exact=0.43), facts("r3", exact=0.40)]
    assert capacity_misdiagnosis(steady, "l6_d384", "l3_d192") is None                          # a real plateau


def test_the_report_names_an_integrity_gap_from_the_ledger(tmp_path):
    from runs_fixtures import probe_json, run_folder, write_probe

    from engine.report.render import report_run
    from engine.runs.ledger import Ledger
    from engine.runs.record import record_folder

    ws = tmp_path / "ws"
    with Ledger.open(ws) as ledger:
        first = run_folder(tmp_path / "a")
        write_probe(first, probe_json(False, run="shared"))
        a = record_folder(ledger, first)
        again = run_folder(tmp_path / "b")     # the same checkpoint, probed again: a different score
        write_probe(again, probe_json(False, run="shared", failing={"own_tree_triage-dev": "tone"}))
        b = record_folder(ledger, again)
    html = report_run(b, tmp_path / "r.html", ws).read_text()
    assert "seed_probe_integrity_gap: shared/checkpoints/step_0000004.json" in html
