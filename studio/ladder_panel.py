"""The ladder: `ck ladder`'s page (engine/runs/ladder.py) as a view, every run of the workspace in
the order the method climbs it -- phase, spec, rung, primary axis, bars met or missed, champion,
decision. The window refreshes it when the ledger changes (studio/ledger_watch.py).

Double-click a run's report cell to open its report in the browser; double-click anywhere else on
the row (or on a run with no report yet) to select the run in Runs, where it can be compared and
decided on.
"""
from __future__ import annotations

from pathlib import Path

from qtpy.QtCore import Qt, QUrl, Signal
from qtpy.QtGui import QBrush, QColor, QDesktopServices
from qtpy.QtWidgets import (
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from engine.paths import Workspace
from studio.probe_panel import compact
from studio.probe_workers import LedgerWorker
from studio.runs_panel import BETTER, WORSE
from studio.workers import start, stop

COLUMNS = ("phase", "spec", "rung", "primary axis", "bars", "champion", "decision", "run", "report")
REPORT = COLUMNS.index("report")
DECISION_COLOURS = {"promote": BETTER, "reject": WORSE, "repair": "#b7791f", "branch": "#2f6fdf"}
CHAMPION_ROW = "#e6f4ea"
LINK = "#2f6fdf"


def bar_text(bar: dict) -> str:
    """'dev exact 87.5 / 70 %: met', as the ladder page's badge says it.

    >>> bar_text({"key": "constrained.overall.renderable_rate", "least": 1.0, "value": None, "met": False})
    'overall renderable (constrained) – / 100 %: not probed'
    """
    mode, split, metric = bar["key"].split(".")
    value = "–" if bar["value"] is None else f"{100 * bar['value']:.1f}"
    verdict = "met" if bar["met"] else "not probed" if bar["value"] is None else "missed"
    return (f"{split} {metric.removesuffix('_rate')}{' (constrained)' if mode == 'constrained' else ''} "
            f"{value} / {100 * bar['least']:.0f} %: {verdict}")


def bars_cell(row: dict) -> tuple[str, str, str | None]:
    """(text, tooltip, colour) of a row's bars: how many are met; each bar in the tooltip."""
    bars = row["bars"]
    if not bars:
        return "no bars in its spec", "", None
    missed = [b for b in bars if b["value"] is not None and not b["met"]]
    colour = BETTER if row["bars_met"] == len(bars) else WORSE if missed else None
    return (f"{row['bars_met']} of {len(bars)} met" + (f", {len(missed)} missed" if missed else ""),
            "\n".join(bar_text(b) for b in bars), colour)


class LadderPanel(QWidget):
    ladder_requested = Signal(str)   # workspace (to the worker)
    ladder_shown = Signal()          # the table holds the ledger's answer
    run_selected = Signal(str)       # a run id, double-clicked: the window selects it in Runs
    report_opened = Signal(str)      # a report's path, asked of the browser

    def __init__(self, workspace: Path, parent=None):
        super().__init__(parent)
        self.workspace = Path(workspace)
        self.rows: list[dict] = []
        self.where = QLabel()
        self.where.setTextFormat(Qt.TextFormat.PlainText)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        compact(self.table)
        self.table.cellDoubleClicked.connect(self._on_double_clicked)
        self.setMinimumWidth(600)   # its own, not its contents': a long ladder must not widen the window
        layout = QVBoxLayout(self)
        layout.addWidget(self.where)
        layout.addWidget(self.table, 1)

        self.worker = LedgerWorker()
        self.threads = [start(self.worker, self)]
        self.ladder_requested.connect(self.worker.ladder)
        self.worker.laddered.connect(self._on_laddered)
        self.worker.failed.connect(self.where.setText)
        self.set_workspace(self.workspace)

    def shutdown(self) -> None:
        stop(self.threads)

    def set_workspace(self, workspace) -> None:
        self.workspace = Path(workspace)
        self.refresh()

    def refresh(self) -> None:
        self.ladder_requested.emit(str(self.workspace))

    def _on_laddered(self, workspace: str, rows: list) -> None:
        if Path(workspace) != self.workspace:
            return   # an answer about a workspace left since
        self.rows = rows
        ledger = Workspace(self.workspace).ledger
        self.where.setText(f"{len(rows)} run{'s' * (len(rows) != 1)} in {ledger}, by phase, spec, then start "
                           "time; double-click a report to open it, a run to select it in Runs" if rows else
                           f"no runs in {ledger} yet (`ck run SPEC` adds them)")
        self.table.setRowCount(len(rows))
        for r, row in enumerate(rows):
            bars, bars_tip, bars_colour = bars_cell(row)
            phase = f"{row['phase']} {row['phase_name']}" if row["phase"] else "not stated"
            cells = (phase, row["spec"], row["rung"] or "", row["primary_axis"] or "", bars,
                     "★ champion" if row["champion"] else "", row["decision"] or "none yet", row["run_id"],
                     "open report" if row["report"] else "none")
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if row["champion"]:
                    item.setBackground(QBrush(QColor(CHAMPION_ROW)))
                self.table.setItem(r, c, item)
            bars_item = self.table.item(r, COLUMNS.index("bars"))
            bars_item.setToolTip(bars_tip)
            if bars_colour:
                bars_item.setForeground(QBrush(QColor(bars_colour)))
            if colour := DECISION_COLOURS.get(row["decision"] or ""):
                self.table.item(r, COLUMNS.index("decision")).setForeground(QBrush(QColor(colour)))
            if row["report"]:   # drawn as a link: a double-click opens it
                link = self.table.item(r, REPORT)
                link.setToolTip(row["report"])
                link.setForeground(QBrush(QColor(LINK)))
                font = link.font()
                font.setUnderline(True)
                link.setFont(font)
        self.ladder_shown.emit()

    def _on_double_clicked(self, r: int, column: int) -> None:
        row = self.rows[r]
        if column == REPORT and row["report"]:
            QDesktopServices.openUrl(QUrl.fromLocalFile(row["report"]))
            self.report_opened.emit(row["report"])
            return
        self.run_selected.emit(row["run_id"])
