"""The ladder view (issue 16): `ck ladder`'s table in the studio. Two recorded runs: spec01's,
promoted (champion) with its report written, and spec02's, which misses its dev bar. The view
shows each with its phase, bars, champion and decision; a double-click opens a report or selects
the run in Runs; the window refreshes it when the ledger changes, and a run double-clicked in Runs
is shown in the training plots."""
from __future__ import annotations

import doctest
from pathlib import Path

import pytest
from qtpy.QtGui import QDesktopServices
from studio_helpers import open_window

from engine.paths import Workspace
from engine.runs.ledger import Ledger
from studio import ladder_panel
from studio.ladder_panel import COLUMNS, REPORT, LadderPanel
from studio.runs_panel import BETTER, WORSE
from tests.runs_fixtures import record_two


@pytest.fixture
def ladder(qtbot, tmp_path):
    ws = tmp_path / "ws"
    ids = record_two(ws)
    panel = LadderPanel(ws)
    qtbot.addWidget(panel)
    panel.resize(1400, 400)
    panel.show()
    qtbot.waitUntil(lambda: panel.table.rowCount() == 2, timeout=5000)
    panel.ids = ids
    yield panel
    panel.shutdown()


def cells(panel, row: int) -> dict[str, str]:
    return {h: panel.table.item(row, c).text() for c, h in enumerate(COLUMNS)}


def test_the_helpers_worked_examples():
    assert doctest.testmod(ladder_panel).failed == 0


def test_each_run_with_its_phase_bars_champion_and_decision(ladder):
    first, second = ladder.ids
    one, two = cells(ladder, 0), cells(ladder, 1)
    assert (one["run"], one["phase"], one["champion"], one["decision"]) == (first, "1 memorization", "★ champion",
                                                                            "promote")
    assert one["report"] == "open report" and two["report"] == "none"
    assert (two["run"], two["phase"], two["champion"], two["decision"]) == (second, "2 held-out generalization", "",
                                                                            "none yet")
    bars = COLUMNS.index("bars")
    n_one = len(ladder.rows[0]["bars"])
    assert one["bars"] == f"{n_one} of {n_one} met"
    assert ladder.table.item(0, bars).foreground().color().name() == BETTER
    assert ", 1 missed" in two["bars"] and ladder.table.item(1, bars).foreground().color().name() == WORSE
    tip = ladder.table.item(1, bars).toolTip()
    assert f"dev exact {100 * 3 / 4:.1f} / 95 %: missed" in tip and "train exact 100.0" in tip
    assert "not probed" in tip   # spec02's constrained bar: that mode was never probed


def test_a_double_click_opens_a_report_or_selects_the_run_in_runs(ladder, qtbot, monkeypatch):
    opened = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url.toLocalFile()) or True)
    first, second = ladder.ids
    with qtbot.waitSignal(ladder.report_opened):
        ladder.table.cellDoubleClicked.emit(0, REPORT)
    assert [Path(p) for p in opened] == [(ladder.workspace / "runs" / "one" / "report.html").resolve()]
    for row, column, run in ((0, COLUMNS.index("run"), first), (1, REPORT, second)):   # two: no report to open
        with qtbot.waitSignal(ladder.run_selected) as selected:
            ladder.table.cellDoubleClicked.emit(row, column)
        assert selected.args == [run]
    assert len(opened) == 1


def test_the_window_refreshes_the_ladder_when_the_ledger_changes(qtbot, workspace, asked, monkeypatch):
    ws = Workspace().root   # the run workspace the window opens on
    first, second = record_two(ws)
    window = open_window(qtbot, workspace)
    try:
        qtbot.waitUntil(lambda: window.ladder.table.rowCount() == 2, timeout=5000)
        with Ledger.open(ws) as ledger:   # `ck runs decide` in a terminal
            ledger.decide(second, "reject", "dev bar missed")
        with qtbot.waitSignal(window.ladder.ladder_shown, timeout=5000):
            assert window.ledger_watch.poll()
        assert cells(window.ladder, 1)["decision"] == "reject"

        window.ladder.table.cellDoubleClicked.emit(1, COLUMNS.index("run"))
        assert window.runs.selected_runs() == [second] and window.runs_dock.isVisible()

        row = next(r for r, run in enumerate(window.runs.runs) if run["id"] == first)
        with qtbot.waitSignal(window.training.readings_shown, timeout=5000):
            window.runs.table.cellDoubleClicked.emit(row, 0)
        assert len(window.training.steps) == 6 and window.training_dock.isVisible()
    finally:
        window.close()
        qtbot.wait(50)
