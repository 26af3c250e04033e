"""One rung, one question (issue 16): a spec that changes more than one axis against its spec's
champion is refused by `ck run` unless it says why (allow_multi_axis); the report shows the
verdict under the held-constant matrix."""
from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from runs_fixtures import probe_json, run_folder, write_probe

from engine.data.axes import changed_axes
from engine.data.spec import load_spec
from engine.fileio import InputError
from engine.pipeline import one_question
from engine.report.render import report_run
from engine.runs.ledger import Ledger
from engine.runs.record import record_folder

SPEC01 = Path(__file__).resolve().parents[1] / "specs" / "spec01.toml"


def _variant(tmp_path: Path, name: str, *edits: tuple[str, str]) -> Path:
    text = SPEC01.read_text()
    for old, new in edits:
        assert old in text, old
        text = text.replace(old, new, 1)
    path = tmp_path / f"{name}.toml"
    path.write_text(text.replace('gold_pack = "../gold"', f'gold_pack = "{SPEC01.parent.parent / "gold"}"'))
    return path


LR = ("lr = 3e-3", "lr = 1e-3")
CTX = ("ctx = 768", "ctx = 1024")


def test_axes_of_a_spec_against_another():
    base = tomllib.loads(SPEC01.read_text())
    changed = tomllib.loads(SPEC01.read_text().replace("ctx = 768", "ctx = 1024", 1))
    assert changed_axes(changed, base) == {"budget": ["spec.ctx"]}
    assert changed_axes(base, base) == {}


@pytest.fixture
def ledger_with_champion(tmp_path):
    ws = tmp_path / "ws"
    with Ledger.open(ws) as ledger:
        run = run_folder(tmp_path / "champion")
        write_probe(run, probe_json(False))
        rid = record_folder(ledger, run)
        ledger.set_status(rid, "finished")
        ledger.decide(rid, "promote", "first")
    return ws, rid


def test_two_axes_are_refused_one_is_fine_and_a_reason_allows_two(tmp_path, ledger_with_champion):
    ws, champion = ledger_with_champion
    with Ledger.open(ws) as ledger:
        assert one_question(ledger, load_spec(_variant(tmp_path, "one", LR))) == {"schedule": ["train.lr"]}
        with pytest.raises(InputError, match="changes 2 axes against its baseline spec01-r1: budget .*schedule"):
            one_question(ledger, load_spec(_variant(tmp_path, "two", LR, CTX)))
        why = ("hypothesis = ", 'allow_multi_axis = "a longer context needs a lower lr; measured together"\nhypothesis = ')
        assert len(one_question(ledger, load_spec(_variant(tmp_path, "why", LR, CTX, why)))) == 2


def test_the_report_says_the_verdict(tmp_path, ledger_with_champion):
    ws, champion = ledger_with_champion
    child = run_folder(tmp_path / "child", _variant(tmp_path, "one", LR).read_text())
    write_probe(child, probe_json(False))
    with Ledger.open(ws) as ledger:
        rid = record_folder(ledger, child)
    html = report_run(rid, tmp_path / "r.html", ws).read_text()
    assert "one axis changed: one rung, one question" in html and "train.lr" in html


def test_a_target_must_be_a_blueprint_failure_class(tmp_path):
    bad = _variant(tmp_path, "bad", ("hypothesis = ", 'targets = "no_such_class"\nhypothesis = '))
    with pytest.raises(InputError, match="targets = 'no_such_class' is not one of the blueprint's failure classes"):
        load_spec(bad)
