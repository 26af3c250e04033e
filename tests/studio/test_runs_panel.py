"""The runs panel, used the way a person decides on runs: read the ledger's runs, select two and
compare them (deltas coloured by better or worse, gated regressions marked), record decisions
(the promotion rules' refusals shown as messages), export a run's HTML report and open it.

The ledger is hand-made (tests/runs_fixtures.py): r1 passes every case; r2 misses two (a wrong
tone, and a cut-off output that repair closes); r3 was probed on another probe list version."""
from __future__ import annotations

import doctest
from pathlib import Path

import pytest
from qtpy.QtCore import Qt
from qtpy.QtGui import QDesktopServices
from qtpy.QtWidgets import QFileDialog

from engine.runs.ledger import Ledger
from engine.runs.record import record_folder
from studio import runs_panel
from studio.runs_panel import GATED_REGRESSION, WORSE, RunsPanel
from tests.runs_fixtures import gold_case, probe_json, run_folder, write_probe

FAILING = {"own_tree_triage-dev": "tone", "own_poster_budget-test": "truncated"}
TREE_LAYOUT = gold_case("own_tree_triage", "dev")["layout"]
POSTER_LAYOUT = gold_case("own_poster_budget", "test")["layout"]


@pytest.fixture
def runs_workspace(tmp_path):
    folder = tmp_path / "workspace"
    with Ledger.open(folder) as ledger:
        for name, probe in (("r1", probe_json(False)), ("r2", probe_json(False, failing=FAILING)),
                            ("r3", probe_json(False, version=2, sha256="c" * 64))):
            run = run_folder(folder / "runs" / name)
            write_probe(run, probe)
            record_folder(ledger, run, rung=name)
    return folder


@pytest.fixture
def panel(qtbot, runs_workspace):
    p = RunsPanel(runs_workspace)
    qtbot.addWidget(p)
    p.resize(1400, 700)
    p.show()
    qtbot.waitUntil(lambda: p.table.rowCount() == 3, timeout=5000)
    yield p
    p.shutdown()


def click(qtbot, button) -> None:
    assert button.isEnabled(), button.text()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def row_of(panel, run_id: str) -> dict:
    r = next(i for i in range(panel.table.rowCount()) if panel.table.item(i, 0).text() == run_id)
    headers = [panel.table.horizontalHeaderItem(c).text() for c in range(panel.table.columnCount())]
    return {h: panel.table.item(r, c).text() for c, h in enumerate(headers)}


def decide(qtbot, panel, run_id: str, action: str, why: str) -> None:
    """Select the run, choose the action, give the reason, record; wait for the refreshed table."""
    panel.select_runs(run_id)
    panel.action.setCurrentText(action)
    panel.why.setText(why)
    with qtbot.waitSignal(panel.runs_shown, timeout=5000):
        click(qtbot, panel.decide_button)


def test_the_helpers_worked_examples():
    assert doctest.testmod(runs_panel).failed == 0


def test_the_ledgers_runs_are_listed_with_their_key_metrics(panel):
    r1, r2 = row_of(panel, "spec01-r1"), row_of(panel, "spec01-r2")
    assert r1["status"] == r2["status"] == "recorded" and r1["step"] == "6/6"
    assert r1["exact"] == "100.0 %" and r2["exact"] == f"{100 * 14 / 16:.1f} %"
    assert r2["exact repaired"] == f"{100 * 15 / 16:.1f} %" and r2["renderable"] == f"{100 * 15 / 16:.1f} %"
    assert r1["probe"] == "spec01 v1 (unconstrained)" and row_of(panel, "spec01-r3")["probe"].startswith("spec01 v2")
    assert not panel.compare_button.isEnabled() and not panel.report_button.isEnabled()


def test_comparing_two_runs_colours_the_deltas_and_marks_the_gated_regressions(panel, qtbot):
    panel.select_runs("spec01-r2", "spec01-r1")
    assert panel.selected_runs() == ["spec01-r2", "spec01-r1"]   # the newer run is A
    click(qtbot, panel.compare_button)
    qtbot.waitUntil(lambda: panel.deltas.rowCount() > 0, timeout=5000)
    assert "spec01-r2 (A) against spec01-r1 (B)" in panel.verdict.text()
    assert "regression(s)" in panel.verdict.text() and panel.verdict.styleSheet().endswith(WORSE)

    def shown(surface: str, where: str, metric: str) -> int:
        rows = [r for r in range(panel.deltas.rowCount())
                if [panel.deltas.item(r, c).text() for c in (1, 2, 3)] == [surface, where, metric]]
        assert len(rows) == 1, (surface, where, metric)
        return rows[0]

    r = shown("raw", f"layout {TREE_LAYOUT}", "exact")
    delta = panel.deltas.item(r, 6)
    assert float(delta.text()) == pytest.approx(-25.0)           # one of the layout's four cases
    assert delta.foreground().color().name() == WORSE
    assert panel.deltas.item(r, 3).font().bold()                  # a per-family rate is gated
    assert panel.deltas.item(r, 0).background().color().name() == GATED_REGRESSION
    # more cut-off outputs is worse although the number went up; not a gated rate
    r = shown("raw", "overall", "missing scene end")
    assert float(panel.deltas.item(r, 6).text()) == pytest.approx(100 / 16, abs=0.05)
    assert panel.deltas.item(r, 6).foreground().color().name() == WORSE
    assert not panel.deltas.item(r, 3).font().bold()
    # repair closes the cut-off output: the repaired board shows no change in its family
    assert any(panel.deltas.item(i, 2).text() == f"layout {POSTER_LAYOUT}" for i in range(panel.deltas.rowCount()))
    assert not any(panel.deltas.item(i, 1).text() == "repaired" and panel.deltas.item(i, 2).text() == f"layout {POSTER_LAYOUT}"
                   for i in range(panel.deltas.rowCount()))
    changed = panel.deltas.rowCount()
    panel.changed_only.setChecked(False)
    assert panel.deltas.rowCount() == len(panel.comparison.rows) > changed


def test_comparing_across_probe_versions_is_refused_with_the_rules_message(panel, qtbot):
    panel.select_runs("spec01-r3", "spec01-r1")
    click(qtbot, panel.compare_button)
    qtbot.waitUntil(lambda: "comparisons across probe versions are refused" in panel.message.text(), timeout=5000)
    assert panel.message.styleSheet().endswith(WORSE) and "Traceback" not in panel.message.text()


def test_decisions_are_recorded_and_a_refused_promotion_says_which_rule(panel, qtbot):
    decide(qtbot, panel, "spec01-r1", "promote", "every case exact")
    assert row_of(panel, "spec01-r1")["decision"] == "promote ★ champion"
    assert "spec01-r1: promote recorded" in panel.message.text() and panel.why.text() == ""

    panel.select_runs("spec01-r2")
    panel.action.setCurrentText("promote")
    panel.why.setText("looks fine")
    click(qtbot, panel.decide_button)
    qtbot.waitUntil(lambda: "cannot be promoted" in panel.message.text(), timeout=5000)
    message = panel.message.text()
    assert "spec01-r2 cannot be promoted over spec01-r1" in message and TREE_LAYOUT in message
    assert panel.message.styleSheet().endswith(WORSE) and panel.why.text() == "looks fine"
    with Ledger.open(panel.workspace) as ledger:
        assert ledger.champion("spec01") == "spec01-r1" and ledger.record_of("spec01-r2")["decisions"] == []

    panel.why.clear()
    click(qtbot, panel.decide_button)
    qtbot.waitUntil(lambda: "a decision needs a reason" in panel.message.text(), timeout=5000)

    decide(qtbot, panel, "spec01-r2", "reject", "tree family lost 25 %")
    qtbot.waitUntil(lambda: row_of(panel, "spec01-r2")["decision"] == "reject", timeout=5000)
    with Ledger.open(panel.workspace) as ledger:
        assert [d["why"] for d in ledger.record_of("spec01-r2")["decisions"]] == ["tree family lost 25 %"]


@pytest.mark.engine_heavy
def test_the_report_is_exported_where_chosen_and_opened_in_the_browser(panel, qtbot, monkeypatch, tmp_path):
    opened, asked = [], []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url) or True)
    chosen = tmp_path / "exports" / "r2"    # no suffix typed: .html is added
    chosen.parent.mkdir()
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        lambda *a, **k: asked.append(a[2]) or (str(chosen), "HTML report (*.html)"))
    panel.select_runs("spec01-r2")
    with qtbot.waitSignal(panel.report_opened, timeout=60000) as done:
        click(qtbot, panel.report_button)
        assert not panel.report_button.isEnabled()     # until the report is written
    assert asked[0].endswith("spec01-r2-report.html")
    assert done.args[0] == str(chosen.with_suffix(".html").resolve())
    assert len(opened) == 1 and opened[0].isLocalFile() and opened[0].toLocalFile() == done.args[0]
    html = Path(done.args[0]).read_text(encoding="utf-8")
    assert "spec01-r2" in html and html.lstrip().lower().startswith("<!doctype html")
    assert "opened in the browser" in panel.message.text() and panel.report_button.isEnabled()
    with Ledger.open(panel.workspace) as ledger:
        assert ledger.record_of("spec01-r2")["run"]["report"] == done.args[0]


def test_a_report_the_browser_cannot_show_says_so_and_a_cancelled_export_writes_nothing(panel, qtbot, monkeypatch,
                                                                                        tmp_path):
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: False)
    answers = iter([("", ""), (str(tmp_path / "r1.html"), "")])
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: next(answers))
    panel.select_runs("spec01-r1")
    click(qtbot, panel.report_button)                  # cancelled: no job, the button stays
    assert panel.report_button.isEnabled() and not panel.report_job.running
    with qtbot.waitSignal(panel.report_opened, timeout=60000):
        click(qtbot, panel.report_button)
    message = panel.message.text()
    assert (tmp_path / "r1.html").is_file() and "could not be opened" in message and str(tmp_path) in message


def test_a_workspace_without_a_ledger_lists_no_runs_and_creates_none(qtbot, tmp_path):
    panel = RunsPanel(tmp_path / "empty")
    qtbot.addWidget(panel)
    try:
        qtbot.waitUntil(lambda: "no runs" in panel.message.text(), timeout=5000)
        assert panel.table.rowCount() == 0 and not (tmp_path / "empty").exists()
    finally:
        panel.shutdown()


def test_the_main_window_docks_both_panels_beside_the_others(window):
    docks = [d.objectName() for d in window.bottom_docks]
    assert {"Probe gallery", "Runs"} <= set(docks)
    assert window.probe_dock.widget() is window.probe and window.runs_dock.widget() is window.runs
    assert window.probe.workspace == window.runs.workspace
