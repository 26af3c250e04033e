"""Pilot before the full rung (issue 16): `ck run SPEC --pilot` trains the spec's [pilot] fraction,
probes its target's frozen subset, and stops the rung with a reason (a `reject` decision and the
pilot's row in the ledger) when the target did not move; when it did, the rung goes on from the
pilot's checkpoint."""
from __future__ import annotations

from types import SimpleNamespace

import pytest
from test_pipeline import TINY, StubProbe, tiny  # noqa: F401 -- the tiny spec fixture

from engine import pipeline
from engine.cli import main
from engine.data.spec import Pilot, load_spec
from engine.events import Result
from engine.fileio import InputError
from engine.pipeline import pilot_cases
from engine.probe.probe_list import freeze, load_probe_list
from engine.runs.ledger import Ledger

PILOT = '\n[pilot]\nimproves = "layout:poster_stack"\nfraction = 0.5\ncases = 4\nby = 0.2\n'


@pytest.fixture
def piloted(tiny, tmp_path, monkeypatch):
    tiny.write_text(TINY + PILOT)
    plist, _ = freeze(tiny, tmp_path / "tiny01.json")
    monkeypatch.setattr("engine.probe.probe_list.default_list_path", lambda name: tmp_path / "tiny01.json")
    monkeypatch.setattr(pipeline, "_default_probe", lambda: StubProbe())
    return tiny


def _pilot_scores(monkeypatch, exact: float) -> list:
    asked = []

    def probe(run_dir, probes, out):
        asked.append(probes)
        yield Result("probe", "pilot", SimpleNamespace(scoreboard=SimpleNamespace(raw=SimpleNamespace(
            overall={"exact_rate": exact}))))
    monkeypatch.setattr(pipeline, "_pilot_probe", lambda: probe)
    return asked


def _run(spec, tmp_path) -> int:
    return main(["run", str(spec), "--workspace", str(tmp_path / "ws"), "--parity", str(tmp_path / "parity.json"),
                 "--pilot", "-q"])


def test_a_pilot_that_does_not_move_its_target_stops_the_rung(piloted, tmp_path, monkeypatch, capsys):
    asked = _pilot_scores(monkeypatch, 0.0)
    assert _run(piloted, tmp_path) == 1
    assert "pilot: layout:poster_stack exact 0.0 % -> 0.0 %" in capsys.readouterr().err
    with Ledger.open(tmp_path / "ws") as ledger:
        record, row = ledger.record_of("tiny01-r1"), ledger.pilot("tiny01-r1")
    assert record["run"]["status"] == "stopped" and record["metrics"]["step"] == 1        # half of two steps
    assert record["decisions"][-1]["action"] == "reject" and "full rung was not trained" in record["decisions"][-1]["why"]
    assert row["passed"] is False and row["steps"] == 1 and row["cases"] == len(asked[0].items) <= 4
    assert {i.layout for i in asked[0].items} == {"poster_stack"}


def test_a_pilot_that_moves_it_lets_the_rung_finish(piloted, tmp_path, monkeypatch):
    _pilot_scores(monkeypatch, 0.5)
    assert _run(piloted, tmp_path) == 0
    with Ledger.open(tmp_path / "ws") as ledger:
        record, row = ledger.record_of("tiny01-r1"), ledger.pilot("tiny01-r1")
    assert row["passed"] and row["after"] == 0.5
    assert record["run"]["status"] == "finished" and record["metrics"]["step"] == 2


def test_the_subset_is_the_targets_first_cases(piloted, tmp_path):
    plist = load_probe_list(tmp_path / "tiny01.json")
    sub = pilot_cases(plist, Pilot("split:hidden", cases=3))
    assert 0 < len(sub.items) <= 3 and {i.split for i in sub.items} == {"hidden"} and sub.name == "tiny01-pilot"
    with pytest.raises(InputError, match="no probed champion"):
        pilot_cases(plist, Pilot("class:layout_drift"))
    with pytest.raises(InputError, match="improves = 'layout:nope'"):
        piloted.write_text(TINY + PILOT.replace("layout:poster_stack", "layout:nope"))
        load_spec(piloted)
