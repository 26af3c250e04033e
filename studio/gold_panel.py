"""Gold panel: the current entry's score, from the text in the editor, and its reference and
compiled pictures as large as the panel allows: side by side, overlaid (opacity slider), flickering
between the two, or their difference; beside them, in tabs, the whole pack's gate (every entry's
parity score; double-click opens one; the open entry's row shows the editor's score too, so the
panel never shows two scores for it) and the asset's text roles. The panel owns its work: live scoring
on a worker (studio.workers.GoldWorker), the gate through the job runner (studio/jobs.py)."""
from __future__ import annotations

from pathlib import Path

from qtpy.QtCore import Qt, QTimer, Signal
from qtpy.QtGui import QBrush, QColor, QImage, QPainter, QPixmap
from qtpy.QtGui import QFont
from qtpy.QtWidgets import (QComboBox, QHBoxLayout, QHeaderView, QLabel, QListWidget, QPushButton, QSlider,
                            QSplitter, QTableWidget, QTableWidgetItem, QTabWidget, QVBoxLayout, QWidget)

from studio import tasks
from studio.jobs import Job
from studio.status_label import StatusLabel
from studio.workers import GoldWorker, start, stop

STATUS_COLOURS = {"pass": "#2f855a", "fail": "#c53030"}  # anything else (skipped, error): amber
GATE_COLUMNS = ("entry", "split", "score", "threshold", "text", "status")
MODES = ("side by side", "overlay", "flicker", "difference")
FLICKER_MS = 500
EDITOR_NOTE = "scored from the editor's text (unsaved edits included)"


class ImageView(QLabel):
    """A picture scaled to fit, keeping its aspect."""

    def __init__(self, caption: str):
        super().__init__(caption)
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setMinimumSize(160, 120)
        self.image: QImage | None = None

    def set_image(self, image: QImage | None) -> None:
        self.image = image
        self._fit()

    def resizeEvent(self, event) -> None:  # noqa: N802
        self._fit()
        super().resizeEvent(event)

    def _fit(self) -> None:
        if self.image is not None:
            self.setPixmap(QPixmap.fromImage(self.image).scaled(
                self.size(), Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation))


class GoldPanel(QWidget):
    entry_activated = Signal(str)              # an entry's name, double-clicked in the gate table
    score_requested = Signal(int, object, str)  # request id, GoldEntry, compiled SVG: to the worker
    score_shown = Signal(int)                  # the request id whose score is on screen

    def __init__(self, assets: Path, parent=None):
        super().__init__(parent)
        self.assets = Path(assets)
        self.pack: Path | None = None            # the folder the gate scores: the open workspace
        self.asked: tuple[int, str] | None = None  # the newest (request, entry) asked: older scores are dropped
        self.images: dict[str, QImage] = {}
        self.gate_button = QPushButton("Run gold gate")
        self.gate_status = StatusLabel("gate not run")
        self.gate = QTableWidget(0, len(GATE_COLUMNS))
        self.gate.setHorizontalHeaderLabels(GATE_COLUMNS)
        self.gate.verticalHeader().hide()
        self.gate.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.gate.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.gate.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.gate.horizontalHeader().setStretchLastSection(True)
        self.gate.verticalHeader().setDefaultSectionSize(self.gate.fontMetrics().height() + 6)
        self.gate.cellDoubleClicked.connect(lambda row, _col: self.entry_activated.emit(self.gate.item(row, 0).text()))
        self.gate_button.clicked.connect(self._on_gate_clicked)
        gate_top = QHBoxLayout()
        gate_top.addWidget(self.gate_button)
        gate_top.addWidget(self.gate_status, 1)
        gate_box = QWidget()
        gate_layout = QVBoxLayout(gate_box)
        gate_layout.setContentsMargins(0, 0, 0, 0)
        gate_layout.addLayout(gate_top)
        gate_layout.addWidget(self.gate, 1)
        self.score = StatusLabel("no gold entry")
        self.score.setTextFormat(Qt.TextFormat.RichText)
        self.score.setToolTip(EDITOR_NOTE)
        self.mode = QComboBox()
        self.mode.addItems(MODES)
        self.flicker = QTimer(self, interval=FLICKER_MS)
        self.flicker.timeout.connect(self._flick)
        self.flicked = False
        self.opacity = QSlider(Qt.Orientation.Horizontal, minimum=0, maximum=100, value=50)
        self.opacity.setMinimumWidth(120)
        top = QHBoxLayout()
        top.addWidget(self.score, 1)
        top.addWidget(self.mode)
        top.addWidget(QLabel("compiled over reference"))
        top.addWidget(self.opacity)

        self.views = {k: ImageView(k) for k in ("reference", "compiled", "diff")}
        self.overlay = ImageView("overlay")
        self.frames = {}  # each picture under its caption
        pictures = QHBoxLayout()
        pictures.setContentsMargins(0, 0, 0, 0)
        for caption, v in (("reference (the asset)", self.views["reference"]),
                           ("compiled (the editor's text)", self.views["compiled"]),
                           ("difference (normalized)", self.views["diff"]), ("compiled over reference", self.overlay)):
            frame = QWidget()
            column = QVBoxLayout(frame)
            column.setContentsMargins(0, 0, 0, 0)
            label = QLabel(caption)
            label.setAlignment(Qt.AlignmentFlag.AlignCenter)
            label.setStyleSheet("color: #8a8a8a")
            column.addWidget(label)
            column.addWidget(v, 1)
            pictures.addWidget(frame, 1)
            self.frames[v] = frame
        self.frames[self.overlay].hide()
        self.frames[self.views["diff"]].hide()
        self.roles = QListWidget()
        box = QWidget()
        box.setLayout(pictures)
        self.side = QTabWidget()
        self.side.addTab(gate_box, "pack gate (saved files)")
        self.side.addTab(self.roles, "asset texts")
        self.side.setMinimumWidth(120)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(box)
        split.addWidget(self.side)
        split.setStretchFactor(0, 1)
        split.setSizes([1400, 160])   # the pictures get the width; the tabs widen on a drag
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(split, 1)
        self.mode.currentIndexChanged.connect(self._on_mode_changed)
        self.opacity.valueChanged.connect(self._draw_overlay)
        self._start_workers()

    def _start_workers(self) -> None:
        self.scorer = GoldWorker(self.assets)
        self.threads = [start(self.scorer, self)]
        self.score_requested.connect(self.scorer.score)
        self.scorer.scored.connect(self._on_scored)
        self.scorer.roles_read.connect(self.show_roles)
        self.gate_job = Job(tasks.gate, self)
        self.gate_job.progressed.connect(self._on_gate_entry)
        self.gate_job.finished.connect(self._on_gate_finished)
        self.gate_job.failed.connect(self._on_gate_failed)

    def shutdown(self) -> None:
        """End the gate, the scoring pool and the thread; the window calls this before it closes."""
        self.gate_job.shutdown()
        self.scorer.shutdown()
        stop(self.threads)

    def set_pack(self, folder: Path) -> None:
        self.pack = Path(folder)

    def score_compiled(self, request: int, entry, svg: str) -> None:
        """Score a compiled SVG of a gold entry; shown unless a newer request is asked first."""
        self.asked = (request, entry.name)
        self.score_requested.emit(request, entry, svg)

    def _on_scored(self, request: int, result, images) -> None:
        if (request, result.name) != self.asked:
            return
        self.show_result(result, images)
        self.score_shown.emit(request)

    def show_result(self, result, images: dict | None) -> None:
        colour = STATUS_COLOURS.get(result.status, "#b7791f")
        self._show_in_gate(result)
        if result.status in ("pass", "fail"):
            self.score.setText(
                f"<b>{result.name}</b> (editor) parity <b style='color:{colour}'>{result.score:.3f}</b> "
                f"(threshold {result.threshold:.2f}) · ssim64 {result.ssim_64:.3f} · full {result.ssim_full:.3f}"
                f" · structure {result.structure:.3f} · text placement {result.text_placement:.3f}"
                f" · judge fidelity64 {result.fidelity_64:.3f}")
        else:
            self.score.setText(f"<b>{result.name}</b> <span style='color:{colour}'>{result.status}</span>: "
                               f"{result.reason}")
        if images:
            self.images = images
            for kind, view in self.views.items():
                view.set_image(images[kind])
            self._draw_overlay()

    def _show_in_gate(self, result) -> None:
        """The open entry's gate row shows the editor's score, in italics, saying so."""
        italic = QFont()
        italic.setItalic(True)
        scored = result.status in ("pass", "fail")
        for row in range(self.gate.rowCount()):
            if self.gate.item(row, 0).text() != result.name:
                continue
            for col, text in ((2, f"{result.score:.3f}" if scored else ""),
                              (4, f"{result.text_placement:.3f}" if scored else ""), (5, f"{result.status} (editor)")):
                item = self.gate.item(row, col)
                item.setText(text)
                item.setFont(italic)
                item.setToolTip(EDITOR_NOTE)
                if col == 5:
                    item.setForeground(QBrush(QColor(STATUS_COLOURS.get(result.status, "#b7791f"))))

    def show_roles(self, roles: list[tuple[str, str]]) -> None:
        self.roles.clear()
        self.roles.addItems([f"{role:9} {text}" for role, text in roles])

    def clear(self) -> None:
        self.asked = None
        self.score.setText("not a gold entry (no meta.toml)")
        self.images = {}
        for v in (*self.views.values(), self.overlay):
            v.set_image(None)
            v.clear()
        self.roles.clear()

    def _on_mode_changed(self, index: int) -> None:
        mode = MODES[index]
        for kind in ("reference", "compiled"):
            self.frames[self.views[kind]].setVisible(mode == "side by side")
        self.frames[self.views["diff"]].setVisible(mode == "difference")
        self.frames[self.overlay].setVisible(mode in ("overlay", "flicker"))
        self.opacity.setEnabled(mode == "overlay")
        if mode == "flicker":
            self.flicker.start()
        else:
            self.flicker.stop()
        self._draw_overlay()

    def _flick(self) -> None:
        self.flicked = not self.flicked
        self._draw_overlay()

    def _draw_overlay(self) -> None:
        if "reference" not in self.images:
            return
        if self.flicker.isActive():   # one picture at a time, in turn: the eye catches what moves
            shown = "compiled" if self.flicked else "reference"
            self.overlay.set_image(self.images[shown])
            self.frames[self.overlay].findChild(QLabel).setText(shown)
            return
        self.frames[self.overlay].findChild(QLabel).setText("compiled over reference")
        base = self.images["reference"].copy()
        painter = QPainter(base)
        painter.setOpacity(self.opacity.value() / 100)
        painter.drawImage(0, 0, self.images["compiled"])
        painter.end()
        self.overlay.set_image(base)

    # ---- the whole pack's gate ---------------------------------------------------------------------
    def _on_gate_clicked(self) -> None:
        if self.pack is None:
            return
        self.gate.setRowCount(0)
        self.gate_button.setEnabled(False)
        self.gate_status.setText("scoring every entry…")
        self.gate_job.start(str(self.pack), str(self.assets))

    def _on_gate_entry(self, progress) -> None:
        result = progress.data["entry"]   # an EntryResult as a dict (importing the gate here would stall the GUI)
        row = self.gate.rowCount()
        self.gate.insertRow(row)
        scored = result["status"] in ("pass", "fail")
        cells = (result["name"], result["split"], f"{result['score']:.3f}" if scored else "",
                 f"{result['threshold']:.2f}", f"{result['text_placement']:.3f}" if scored else "",
                 result["status"])
        for col, text in enumerate(cells):
            item = QTableWidgetItem(text)
            item.setToolTip(result["reason"] or result["notes"])
            if col == len(cells) - 1:
                item.setForeground(QBrush(QColor(STATUS_COLOURS.get(result["status"], "#b7791f"))))
            self.gate.setItem(row, col, item)
        self.gate_status.setText(f"scored {row + 1} entries…")

    def _on_gate_finished(self, event) -> None:
        report = event.value   # plain data (studio/tasks.py gate)
        self.gate_button.setEnabled(True)
        passed = report["statuses"].count("pass")
        self.gate_status.setText(f"gold_asset_parity_score {report['overall']:.3f} · {passed}/{len(report['statuses'])} "
                                 f"pass · {'PASSED' if report['passed'] else 'FAILED'}")
        self.gate_status.setStyleSheet(f"color: {STATUS_COLOURS['pass' if report['passed'] else 'fail']}")

    def _on_gate_failed(self, error) -> None:
        self.gate_button.setEnabled(True)
        self.gate_status.setText(error.message)
