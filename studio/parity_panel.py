"""Parity: run `ck parity`'s regimen (engine/ck/regimen.py) and watch it fill a per-tensor table,
one column per stage and dtype as each finishes: the max |CK - torch| of every tensor against the
stage's tolerance for its kind, failures in red, the first diverging tensor named below. The
regimen runs in a child process through the panel's own job (studio/jobs.py)."""
from __future__ import annotations

import math

from qtpy.QtCore import Qt
from qtpy.QtGui import QBrush, QColor, QFont
from qtpy.QtWidgets import (QComboBox, QHBoxLayout, QHeaderView, QLabel, QPushButton, QSpinBox,
                            QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget)

from studio import tasks
from studio.jobs import Job
from studio.status_label import StatusLabel

FAIL_COLOUR, PASS_COLOUR, TOLERANCE_COLOUR = "#c53030", "#2f855a", "#8a8a8a"
RESULT_ROW = "result"


def over(diff: float, bound: float) -> bool:
    """NaN is over every bound, as in the regimen (`not d <= bound`)."""
    return not diff <= bound


class ParityPanel(QWidget):
    def __init__(self, out: str, parent=None):
        super().__init__(parent)
        self.out = out
        self.stages: list[dict] = []
        self.config = QComboBox()
        self.dtype = QComboBox()
        self.dtype.addItems(["float32", "float64", "both"])
        self.dtype.setCurrentText("both")
        self.vocab = QSpinBox(minimum=8, maximum=200_000, value=64)
        self.run_button = QPushButton("Run regimen")
        self.run_button.setEnabled(False)  # until the sizes are in
        self.status = StatusLabel("not run")
        top = QHBoxLayout()
        for w in (QLabel("config"), self.config, QLabel("dtype"), self.dtype, QLabel("vocab"), self.vocab,
                  self.run_button):
            top.addWidget(w)
        top.addWidget(self.status, 1)
        self.table = QTableWidget(0, 0)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.divergence = StatusLabel()
        self.divergence.setStyleSheet(f"color: {FAIL_COLOUR}")
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.divergence)
        self.run_button.clicked.connect(self._on_run_clicked)
        self.sizes_asked = False
        self.sizes_job = Job(tasks.sizes, self)   # the sizes live behind torch: a child lists them
        self.sizes_job.finished.connect(self._on_sizes_listed)
        self.sizes_job.failed.connect(self._on_run_failed)
        self.job = Job(tasks.parity, self)        # its own child: a run may start while the sizes' exits
        self.job.progressed.connect(self._on_stage_done)
        self.job.finished.connect(self._on_run_finished)
        self.job.failed.connect(self._on_run_failed)

    def shutdown(self) -> None:
        """End a running regimen; the window calls this before it closes."""
        for job in (self.sizes_job, self.job):
            job.shutdown()

    def on_seen(self, visible: bool) -> None:
        """Slot for the dock's visibilityChanged. The sizes are listed once the panel is first
        seen: listing them starts a child process. (At start-up every dock's widget counts as
        visible, tabbed away or not; the dock's signal tells the tab a person sees.)"""
        if visible and not self.sizes_asked:
            self.sizes_asked = True
            self.sizes_job.start()

    def _on_run_clicked(self) -> None:
        self.stages = []
        self.table.clear()
        self.table.setRowCount(0)
        self.table.setColumnCount(0)
        self.divergence.clear()
        self.run_button.setEnabled(False)
        self.status.setText(f"running {self.config.currentText()} ({self.dtype.currentText()})…")
        self.job.start(self.config.currentText(), self.dtype.currentText(), self.vocab.value(), self.out)

    # ---- slots for the jobs' signals ------------------------------------------------------------
    def _on_sizes_listed(self, result) -> None:
        self.config.clear()
        self.config.addItems(result.value)
        self.run_button.setEnabled(bool(result.value))

    def _on_stage_done(self, progress) -> None:
        stage = progress.data["stage"]
        self.stages.append(stage)
        self._fill()
        self.status.setText(f"{stage['name']} {stage['dtype']}: {'pass' if stage['passed'] else 'FAIL'}")

    def _on_run_finished(self, event) -> None:
        result = event.value
        self.run_button.setEnabled(True)
        sec = result["seconds"]
        verdict = "PASSED" if result["passed"] else "FAILED"
        self.status.setText(f"{result['config']}: {verdict} in {sec['total']:.1f} s "
                            f"(CK {sec['ck']:.1f} s, torch {sec['torch']:.1f} s)")
        self.status.setStyleSheet(f"color: {PASS_COLOUR if result['passed'] else FAIL_COLOUR}")
        fd = result["first_divergence"]
        self.divergence.setText("" if fd is None else
                                f"first divergence: {fd['tensor']} in {fd['stage']} ({fd['dtype']}, {fd['step']}): "
                                f"{fd['max_diff']:.3e} > {fd['tolerance']:.0e}")

    def _on_run_failed(self, error) -> None:
        self.run_button.setEnabled(True)
        self.status.setText(error.message)
        self.status.setStyleSheet(f"color: {FAIL_COLOUR}")

    # ---- the table ---------------------------------------------------------------------------------
    def rows(self) -> list[str]:
        """Tolerance rows (one per kind of tensor), then every tensor in the order the stages
        compare them, then the result row."""
        kinds = list(dict.fromkeys(k for st in self.stages for k in st["tolerance"]))
        keys = list(dict.fromkeys(k for st in self.stages for k in st["max_diff"]))
        return [f"tolerance {k}" for k in kinds] + keys + [RESULT_ROW]

    def cell(self, row: str, column: int) -> QTableWidgetItem:
        return self.table.item(self.rows().index(row), column)

    def failed_cells(self) -> list[tuple[str, str]]:
        """(row, column header) of every cell drawn as a failure."""
        rows = self.rows()
        return [(rows[r], self.table.horizontalHeaderItem(c).text())
                for r in range(self.table.rowCount()) for c in range(self.table.columnCount())
                if (item := self.table.item(r, c)) is not None and item.data(Qt.ItemDataRole.UserRole)]

    def _fill(self) -> None:
        rows = self.rows()
        self.table.clearContents()  # new stages add rows: every cell is placed again
        self.table.setRowCount(len(rows))
        self.table.setColumnCount(len(self.stages))
        self.table.setVerticalHeaderLabels(rows)
        self.table.setHorizontalHeaderLabels([f"{st['name']} {st['dtype']}" for st in self.stages])
        grey, bold = QBrush(QColor(TOLERANCE_COLOUR)), QFont()
        bold.setBold(True)
        for c, st in enumerate(self.stages):
            for r, row in enumerate(rows):
                item = None
                if row.startswith("tolerance "):
                    bound = st["tolerance"].get(row.removeprefix("tolerance "))
                    if bound is not None:
                        item = QTableWidgetItem(f"{bound:.0e}")
                        item.setForeground(grey)
                elif row == RESULT_ROW:
                    item = QTableWidgetItem("pass" if st["passed"] else "FAIL")
                    item.setFont(bold)
                    self._mark(item, not st["passed"])
                elif row in st["max_diff"]:
                    diff, bound = st["max_diff"][row], st["tolerance"][row.split(":")[0]]
                    item = QTableWidgetItem("nan" if isinstance(diff, float) and math.isnan(diff) else f"{diff:.1e}")
                    item.setToolTip(f"max |CK - torch| {diff:.3e}, tolerance {bound:.0e}")
                    self._mark(item, over(diff, bound))
                if item is not None:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                    self.table.setItem(r, c, item)

    @staticmethod
    def _mark(item: QTableWidgetItem, failed: bool) -> None:
        item.setData(Qt.ItemDataRole.UserRole, failed)
        if failed:
            item.setForeground(QBrush(QColor("white")))
            item.setBackground(QBrush(QColor(FAIL_COLOUR)))
