"""Token budget: the current scene's prompt + output tokens against the context of the spec in
use (the one chosen in the Training panel) with the 80 % line (seed: "Context Budget Is A Gate"),
the gold pack's p50/p95/max, and the scene's tokens as coloured chips on demand. The counting runs
on the panel's own worker (studio.workers.BudgetWorker)."""
from __future__ import annotations

import html
from pathlib import Path

from qtpy.QtCore import QRectF, Qt, Signal
from qtpy.QtGui import QColor, QPainter, QPen
from qtpy.QtWidgets import QCheckBox, QHBoxLayout, QTextBrowser, QVBoxLayout, QWidget

from studio.status_label import StatusLabel
from studio.workers import BudgetWorker, start, stop

CHIP = {"structure": "#3b5b8c", "piece": "#3f6f4f", "space": "#555555", "unknown": "#b33a3a"}


class Meter(QWidget):
    """A horizontal bar: prompt and output stacked against ctx, with the 80 % line."""

    def __init__(self):
        super().__init__()
        self.setMinimumHeight(34)
        self.prompt = self.output = self.ctx = 0   # ctx 0: nothing measured yet
        self.limit, self.within = 0.0, True

    def set_values(self, prompt: int, output: int, ctx: int, limit: float, within: bool) -> None:
        self.prompt, self.output, self.ctx, self.limit, self.within = prompt, output, ctx, limit, within
        self.update()

    def paintEvent(self, event) -> None:  # noqa: N802
        p = QPainter(self)
        w, h = self.width() - 2, self.height() - 2
        p.fillRect(QRectF(1, 1, w, h), QColor("#2a2a2a"))
        if not self.ctx:
            p.end()
            return
        scale = w / max(self.ctx, self.prompt + self.output, 1)
        p.fillRect(QRectF(1, 1, self.prompt * scale, h), QColor("#5b7db8"))
        p.fillRect(QRectF(1 + self.prompt * scale, 1, self.output * scale, h),
                   QColor("#59a86b" if self.within else "#c0504d"))
        p.setPen(QPen(QColor("#ffd166"), 2))
        x = 1 + self.limit * scale
        p.drawLine(int(x), 0, int(x), h + 2)
        p.setPen(QColor("#ffffff"))
        p.drawText(QRectF(6, 1, w - 12, h), Qt.AlignmentFlag.AlignVCenter,
                   f"prompt {self.prompt} + output {self.output} = {self.prompt + self.output} / ctx {self.ctx}")
        p.end()


class BudgetPanel(QWidget):
    measure_requested = Signal(int, str)   # request id, scene text: to the worker
    spec_requested = Signal(str)           # the spec whose context to measure against
    gold_requested = Signal()              # the gold pack's figures, asked for when the panel is first seen
    measure_shown = Signal(int)            # the request id whose measure is on screen

    def __init__(self, spec: Path | None, parent=None):
        super().__init__(parent)
        self.gold_asked = False
        self.latest = 0   # the newest request: an older measure arriving late is not shown
        self.scene_text: str | None = None
        self.meter = Meter()
        self.verdict = StatusLabel()
        self.gold = StatusLabel("gold pack: measuring…")
        self.show_chips = QCheckBox("show tokens")
        self.chips = QTextBrowser()
        self.chips.hide()
        self.tokens: list[tuple[str, str]] = []
        row = QHBoxLayout()
        row.addWidget(self.verdict, 1)
        row.addWidget(self.gold)
        row.addWidget(self.show_chips)
        layout = QVBoxLayout(self)
        layout.addWidget(self.meter)
        layout.addLayout(row)
        layout.addWidget(self.chips, 1)
        self.show_chips.toggled.connect(self._on_chips_toggled)
        self.worker = BudgetWorker()
        self.threads = [start(self.worker, self)]
        self.measure_requested.connect(self.worker.measure)
        self.spec_requested.connect(self.worker.use_spec)
        self.gold_requested.connect(self.worker.measure_gold)
        self.worker.measured.connect(self._on_measured)
        self.worker.gold_measured.connect(self.show_gold)
        self.worker.spec_failed.connect(self._on_spec_failed)
        if spec is None:
            self._on_spec_failed("no spec in use: choose one in the Training panel")
        else:
            self.use_spec(spec)

    def shutdown(self) -> None:
        stop(self.threads)

    def use_spec(self, spec: Path) -> None:
        """Measure against this spec's context from now on (the gold figures too, once asked for)."""
        self.spec_requested.emit(str(spec))
        if self.scene_text is not None:
            self.measure_requested.emit(self.latest, self.scene_text)
        if self.gold_asked:
            self.gold_requested.emit()

    def measure(self, request: int, scene_text: str) -> None:
        self.latest, self.scene_text = request, scene_text
        self.measure_requested.emit(request, scene_text)

    def on_seen(self, visible: bool) -> None:
        """Slot for the dock's visibilityChanged. Tokenizing the whole gold pack takes seconds:
        only once a person looks. (At start-up every dock's widget counts as visible, tabbed
        away or not; the dock's signal tells the tab a person sees.)"""
        if visible and not self.gold_asked:
            self.gold_asked = True
            self.gold_requested.emit()

    def _on_measured(self, request: int, m: dict) -> None:
        if request == self.latest:
            self.show_measure(m)
            self.measure_shown.emit(request)

    def _on_spec_failed(self, message: str) -> None:
        self.verdict.setText(message)
        self.verdict.setStyleSheet("color: #c53030")
        self.gold.setText("")

    def show_measure(self, m: dict) -> None:
        self.meter.set_values(m["prompt"], m["output"], m["ctx"], m["limit"], m["within"])
        ok = m["within"]
        self.verdict.setText(f"output {m['output']} tokens {'within' if ok else 'OVER'} 80 % of ctx "
                             f"({m['limit']:.0f})")
        self.verdict.setStyleSheet(f"color: {'#2f855a' if ok else '#c53030'}")
        self.tokens = m["tokens"]
        if self.show_chips.isChecked():
            self._render_chips()

    def show_gold(self, g: dict) -> None:
        self.gold.setText(f"gold p50 {g['p50']} · p95 {g['p95']} · max {g['max']} "
                          f"(longest output {g['longest_output']}, {g['longest_name']})")

    def _on_chips_toggled(self, on: bool) -> None:
        self.chips.setVisible(on)
        if on:
            self._render_chips()

    def _render_chips(self) -> None:
        parts = []
        for piece, kind in self.tokens:
            if piece == "\n":
                parts.append("<br>")
                continue
            parts.append(f'<span style="background:{CHIP[kind]};color:white;padding:1px 3px;'
                         f'margin:1px;font-family:monospace">{html.escape(piece)}</span> ')
        self.chips.setHtml("".join(parts))
