"""Runs and reports: the workspace ledger's runs (engine/runs/ledger.py), two of them compared,
a decision recorded, a run's HTML report exported and opened in the system browser.

Double-click a run to see its curves and readings in Training. Select two runs and Compare: every
metric of the newest probe list both were scored on, A (the upper, newer row) against B, deltas
coloured better (green) or worse (red), the rows the promotion rules gate in bold. A decision (promote, reject, repair, branch, with why) is recorded
for the current run; when the promotion rules refuse it, their message is shown as it is.
"""
from __future__ import annotations

from pathlib import Path

from qtpy.QtCore import Qt, QUrl, Signal
from qtpy.QtGui import QBrush, QColor, QDesktopServices, QFont
from qtpy.QtWidgets import (QCheckBox, QComboBox, QFileDialog, QHBoxLayout, QHeaderView, QLabel, QLineEdit,
                            QPushButton, QSplitter, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget)

from engine.paths import Workspace
from engine.probe.result import PARITY
from engine.runs.promotion import EPSILON, GATED, Comparison, Delta
from engine.runs.schema import ACTIONS
from studio import tasks
from studio.jobs import Job
from studio.probe_panel import compact, metric_label
from studio.probe_workers import LedgerWorker
from studio.status_label import StatusLabel
from studio.workers import start, stop

BETTER, WORSE, GATED_REGRESSION = "#2f855a", "#c53030", "#fbd5d5"
# Rates where more is better; every other metric is an error flag's rate, where less is.
HIGHER_IS_BETTER = (*GATED, PARITY)
RUN_COLUMNS = ("run", "spec", "rung", "status", "step", "loss", "exact", "renderable", "exact repaired", "probe",
               "decision")
DELTA_COLUMNS = ("mode", "surface", "scope", "metric", "A", "B", "Δ")


def improved(metric: str, delta: float) -> bool | None:
    """Whether A is better than B on this metric (None: no change).

    >>> improved("exact_rate", 0.25), improved("budget_truncation_rate", 0.25), improved("exact_rate", 0.0)
    (True, False, None)
    """
    if abs(delta) <= EPSILON:
        return None
    return (delta > 0) == (metric in HIGHER_IS_BETTER)


def key_metrics(scoreboard: dict) -> tuple[str, str, str, str]:
    """(exact, renderable, exact repaired, probe) of a run's newest probe, unconstrained first."""
    for mode in ("unconstrained", "constrained"):
        if mode in scoreboard:
            s = scoreboard[mode]
            raw, fixed = s["raw"]["overall"], s["repaired"]["overall"]
            return (_pct(raw.get("exact_rate")), _pct(raw.get("renderable_rate")), _pct(fixed.get("exact_rate")),
                    f"{s['probe']['name']} v{s['probe']['version']} ({', '.join(scoreboard)})")
    return ("", "", "", "not probed")


def _pct(value: float | None) -> str:
    return "" if value is None else f"{100 * value:.1f} %"


class RunsPanel(QWidget):
    runs_requested = Signal(str)                     # workspace
    compare_requested = Signal(str, str, str)        # workspace, A, B
    decision_requested = Signal(str, str, str, str)  # workspace, run, action, why
    workspace_changed = Signal(str)
    runs_shown = Signal()                            # the table holds the ledger's answer
    report_opened = Signal(str)                      # the report's path, asked of the browser
    run_activated = Signal(str)                      # a run's folder, double-clicked: its curves are shown

    def __init__(self, workspace: Path, parent=None):
        super().__init__(parent)
        self.workspace = Path(workspace)
        self.report_folder = Path.home()
        self.runs: list[dict] = []
        self.comparison: Comparison | None = None

        self.where = StatusLabel()
        self.where.setTextFormat(Qt.TextFormat.PlainText)
        self.open_button = QPushButton("Open workspace…")
        self.refresh_button = QPushButton("Refresh")
        top = QHBoxLayout()
        top.addWidget(self.where, 1)
        top.addWidget(self.open_button)
        top.addWidget(self.refresh_button)

        self.table = QTableWidget(0, len(RUN_COLUMNS))
        self.table.setHorizontalHeaderLabels(RUN_COLUMNS)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableWidget.SelectionMode.ExtendedSelection)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)

        self.compare_button = QPushButton("Compare")
        self.report_button = QPushButton("Export HTML report")
        self.action = QComboBox()
        self.action.addItems(ACTIONS)
        self.why = QLineEdit(placeholderText="why: the evidence behind the decision")
        self.decide_button = QPushButton("Record decision")
        actions = QHBoxLayout()
        for w in (self.compare_button, self.report_button, QLabel("decide"), self.action):
            actions.addWidget(w)
        actions.addWidget(self.why, 1)
        actions.addWidget(self.decide_button)
        self.message = QLabel(wordWrap=True)
        self.message.setTextFormat(Qt.TextFormat.PlainText)   # refusals quote run names and notes
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.verdict = QLabel(wordWrap=True)
        self.verdict.setTextFormat(Qt.TextFormat.PlainText)
        self.changed_only = QCheckBox("changes only", checked=True)
        self.deltas = QTableWidget(0, len(DELTA_COLUMNS))
        self.deltas.setHorizontalHeaderLabels(DELTA_COLUMNS)
        self.deltas.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.deltas.verticalHeader().hide()
        self.deltas.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        compact(self.table)
        compact(self.deltas)
        compare_box = QWidget()
        compare_column = QVBoxLayout(compare_box)
        compare_column.setContentsMargins(0, 0, 0, 0)
        heading = QHBoxLayout()
        heading.addWidget(self.verdict, 1)
        heading.addWidget(self.changed_only)
        compare_column.addLayout(heading)
        compare_column.addWidget(self.deltas, 1)
        runs_box = QWidget()
        runs_column = QVBoxLayout(runs_box)
        runs_column.setContentsMargins(0, 0, 0, 0)
        runs_column.addWidget(self.table, 1)
        runs_column.addLayout(actions)
        runs_column.addWidget(self.message)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(runs_box)
        splitter.addWidget(compare_box)
        splitter.setSizes([760, 560])
        # its own minimum, not its contents': a loaded table must not widen the window (1280 px)
        self.setMinimumWidth(600)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(splitter, 1)

        self.open_button.clicked.connect(self._choose_workspace)
        self.refresh_button.clicked.connect(self.refresh)
        self.table.itemSelectionChanged.connect(self._on_selection_changed)
        self.table.cellDoubleClicked.connect(lambda row, _: self.run_activated.emit(self.runs[row]["run_dir"]))
        self.compare_button.clicked.connect(self._on_compare_clicked)
        self.decide_button.clicked.connect(self._on_decide_clicked)
        self.report_button.clicked.connect(self._on_report_clicked)
        self.changed_only.toggled.connect(lambda _: self._fill_deltas())
        self._start_workers()
        self.set_workspace(self.workspace)

    # ---- workers -------------------------------------------------------------------------------
    def _start_workers(self) -> None:
        self.ledger_worker = LedgerWorker()
        self.threads = [start(self.ledger_worker, self)]
        self.runs_requested.connect(self.ledger_worker.list_runs)
        self.compare_requested.connect(self.ledger_worker.compare)
        self.decision_requested.connect(self.ledger_worker.decide)
        self.ledger_worker.runs_listed.connect(self._on_runs_listed)
        self.ledger_worker.compared.connect(self._on_compared)
        self.ledger_worker.decided.connect(self._on_decided)
        self.ledger_worker.failed.connect(self._on_failed)
        self.report_job = Job(tasks.report, self)
        self.report_job.finished.connect(self._on_report_written)
        self.report_job.failed.connect(self._on_report_failed)

    def shutdown(self) -> None:
        """End a report being written and the threads; the window calls this before it closes."""
        self.report_job.shutdown()
        stop(self.threads)

    # ---- the runs ------------------------------------------------------------------------------
    def set_workspace(self, workspace: Path) -> None:
        self.workspace = Path(workspace)
        self.where.setText(f"ledger: {Workspace(self.workspace).ledger}")
        self.workspace_changed.emit(str(self.workspace))
        self.refresh()

    def _choose_workspace(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Open workspace (the folder of ledger.sqlite)",
                                                  str(self.workspace))
        if folder:
            self.set_workspace(Path(folder))

    def refresh(self) -> None:
        self.runs_requested.emit(str(self.workspace))

    def _on_runs_listed(self, workspace: str, runs: list) -> None:
        if Path(workspace) != self.workspace:
            return   # an answer about a workspace left since
        chosen = set(self.selected_runs())
        self.runs = runs
        self.table.blockSignals(True)
        self.table.clearSelection()
        self.table.setRowCount(len(runs))
        for row, run in enumerate(runs):
            loss = "" if run["loss"] is None else f"{run['loss']:.3f}"
            step = "" if run["step"] is None else f"{run['step']}/{run['total_steps']}"
            decision = (run["decision"] or "") + (" ★ champion" if run["champion"] else "")
            cells = (run["id"], run["spec"], run["rung"], run["status"], step, loss, *key_metrics(run["scoreboard"]),
                     decision)
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if col == 3 and run["detail"]:
                    item.setToolTip(run["detail"])
                self.table.setItem(row, col, item)
            if run["id"] in chosen:
                self.table.selectRow(row)
        self.table.blockSignals(False)
        if not runs:
            self._say(f"no runs in {Workspace(self.workspace).ledger} yet (`ck run` or `ck runs record` adds them)")
        self._on_selection_changed()
        self.runs_shown.emit()

    def selected_runs(self) -> list[str]:
        """Run ids of the selected rows, top (newest) first."""
        rows = sorted({i.row() for i in self.table.selectionModel().selectedRows()})
        return [self.runs[r]["id"] for r in rows if r < len(self.runs)]

    def select_runs(self, *ids: str) -> None:
        """Select these runs' rows, as a person would with Ctrl+click."""
        self.table.clearSelection()
        mode = self.table.selectionMode()
        self.table.setSelectionMode(QTableWidget.SelectionMode.MultiSelection)
        for row, run in enumerate(self.runs):
            if run["id"] in ids:
                self.table.selectRow(row)
        self.table.setSelectionMode(mode)

    def _on_selection_changed(self) -> None:
        chosen = self.selected_runs()
        self.compare_button.setEnabled(len(chosen) == 2)
        self.report_button.setEnabled(len(chosen) == 1)
        self.decide_button.setEnabled(len(chosen) >= 1)
        self.decide_button.setText(f"Record decision for {chosen[0]}" if chosen else "Record decision")

    # ---- compare -------------------------------------------------------------------------------
    def _on_compare_clicked(self) -> None:
        chosen = self.selected_runs()
        if len(chosen) == 2:
            self.compare_requested.emit(str(self.workspace), *chosen)

    def _on_compared(self, comparison: Comparison) -> None:
        self.comparison = comparison
        lost = comparison.regressions()
        p = comparison.probe
        head = f"{comparison.a} (A) against {comparison.b} (B) on probe {p['name']} v{p['version']}"
        if lost:
            self.verdict.setText(f"{head}: {len(lost)} gated regression(s), the shaded rows: the promotion "
                                 "rules would refuse A over B")
            self.verdict.setStyleSheet(f"color: {WORSE}")
        else:
            self.verdict.setText(f"{head}: no regression on a family or the hidden split")
            self.verdict.setStyleSheet(f"color: {BETTER}")
        self._fill_deltas()

    def shown_deltas(self) -> list[Delta]:
        if self.comparison is None:
            return []
        rows = self.comparison.rows
        if self.changed_only.isChecked():
            rows = [d for d in rows if d.delta is None or abs(d.delta) > EPSILON]
        return rows

    def _fill_deltas(self) -> None:
        rows = self.shown_deltas()
        lost = set(self.comparison.regressions()) if self.comparison else set()
        bold = QFont()
        bold.setBold(True)
        self.deltas.setRowCount(len(rows))
        for r, d in enumerate(rows):
            delta = "missing" if d.delta is None else f"{100 * d.delta:+.1f}"
            where = "overall" if d.scope == "overall" else f"{d.scope} {d.key}"
            cells = (d.mode, d.surface, where, metric_label(d.metric), _pct(d.a) or "missing", _pct(d.b) or "missing",
                     delta)
            better = None if d.delta is None else improved(d.metric, d.delta)
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if d.gated:
                    item.setFont(bold)
                if c == len(cells) - 1:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                    if better is not None:
                        item.setForeground(QBrush(QColor(BETTER if better else WORSE)))
                if d in lost:
                    item.setBackground(QBrush(QColor(GATED_REGRESSION)))
                self.deltas.setItem(r, c, item)

    # ---- decide and report -----------------------------------------------------------------------
    def _on_decide_clicked(self) -> None:
        chosen = self.selected_runs()
        if chosen:
            self.decision_requested.emit(str(self.workspace), chosen[0], self.action.currentText(), self.why.text())

    def _on_decided(self, decision: dict) -> None:
        self.why.clear()
        self._say(f"{decision['run']}: {decision['action']} recorded ({decision['why']})", ok=True)
        self.refresh()

    def _on_report_clicked(self) -> None:
        chosen = self.selected_runs()
        if len(chosen) != 1:
            return
        suggested = str(self.report_folder / f"{chosen[0]}-report.html")
        out, _ = QFileDialog.getSaveFileName(self, f"Export the report of {chosen[0]}", suggested,
                                             "HTML report (*.html)")
        if not out:
            return
        if not out.endswith((".html", ".htm")):
            out += ".html"
        self.report_folder = Path(out).parent   # the next export is offered there
        self.report_button.setEnabled(False)
        self._say(f"writing the report of {chosen[0]} to {out}…", ok=True)
        self.report_job.start(chosen[0], str(self.workspace), out)

    def _on_report_written(self, result) -> None:
        path = result.value
        self._on_selection_changed()
        if QDesktopServices.openUrl(QUrl.fromLocalFile(path)):
            self._say(f"report written: {path} (opened in the browser)", ok=True)
        else:   # no browser, or no desktop to ask: the file is there all the same
            self._say(f"report written: {path}; the system browser could not be opened: open the file by hand")
        self.report_opened.emit(path)
        self.refresh()   # the ledger notes the run's report

    def _on_report_failed(self, error) -> None:
        self._on_failed(error.message)

    def _on_failed(self, message: str) -> None:
        self._say(message)
        self._on_selection_changed()

    def _say(self, text: str, ok: bool = False) -> None:
        self.message.setText(text)
        self.message.setStyleSheet(f"color: {BETTER if ok else WORSE}")
