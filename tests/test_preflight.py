"""The pre-training checklist: six gates, a written verdict, and a run blocked until all pass."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from event_checks import assert_progress_then_one_outcome

from engine.cli import main
from engine.events import Error
from engine.fileio import InputError
from engine.preflight import parity_regimen, require, run_preflight

ROOT = Path(__file__).resolve().parents[1]
SPEC = ROOT / "specs" / "spec01.toml"


def test_parity_gate_is_not_run_until_the_regimen_writes_its_file(tmp_path):
    gate = parity_regimen(tmp_path / "training_parity_regimen_latest.json")
    assert gate.status == "not run" and not gate.passed and "ck parity" in gate.detail


def test_parity_gate_names_the_failed_stages(tmp_path):
    path = tmp_path / "training_parity_regimen_latest.json"
    path.write_text(json.dumps({"passed": False, "stages": [{"name": "A1", "passed": True},
                                                            {"name": "F1", "passed": False}]}))
    gate = parity_regimen(path)
    assert gate.status == "fail" and "F1" in gate.detail and "A1" not in gate.detail
    path.write_text(json.dumps({"passed": True, "stages": [{"name": "A1", "passed": True}]}))
    assert parity_regimen(path).passed


def test_require_blocks_a_run_and_says_why(tmp_path):
    path = tmp_path / "preflight.json"
    with pytest.raises(InputError, match="no preflight result"):
        require(path)
    path.write_text(json.dumps({"passed": False, "gates": [
        {"name": "token budget", "status": "fail", "detail": "longest 900 > 614", "passed": False}]}))
    with pytest.raises(InputError, match="token budget .fail.: longest 900"):
        require(path)
    path.write_text(json.dumps({"passed": True, "gates": []}))
    require(path)


def test_spec01_preflight_runs_every_gate(tmp_path, capsys):
    """spec01 passes every gate it can today; with a passing regimen file it is ready to train."""
    parity = tmp_path / "training_parity_regimen_latest.json"
    events = list(run_preflight(SPEC, tmp_path / "pf", parity=parity))
    assert_progress_then_one_outcome(events, "preflight")
    result = events[-1].value
    assert [e.data["gate"] for e in events[:-1]] == [g.to_dict() for g in result.gates]
    names = [g.name for g in result.gates]
    assert names == ["compiler parity", "token budget", "tokenizer coverage", "parity regimen",
                     "dataset QC", "failure-frontier forecast"]
    by_name = {g.name: g for g in result.gates}
    assert by_name["parity regimen"].status == "not run" and not result.passed
    assert all(g.passed for n, g in by_name.items() if n != "parity regimen"), \
        [(g.name, g.detail) for g in result.gates if not g.passed]
    written = json.loads((tmp_path / "pf" / "preflight.json").read_text())
    assert written["passed"] is False and len(written["gates"]) == 6

    parity.write_text(json.dumps({"passed": True, "stages": []}))
    assert main(["preflight", str(SPEC), "--data", str(tmp_path / "pf" / "data"), "--parity", str(parity),
                 "-o", str(tmp_path / "pf2")]) == 0
    assert "ready to train" in capsys.readouterr().out


def test_a_spec_that_cannot_be_read_ends_the_preflight_as_an_error(tmp_path):
    events = list(run_preflight(tmp_path / "missing.toml", tmp_path / "pf"))
    assert_progress_then_one_outcome(events, "preflight", Error)
    assert "missing.toml" in events[-1].message and not (tmp_path / "pf" / "preflight.json").exists()
