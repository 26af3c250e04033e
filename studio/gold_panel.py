"""Gold panel: the current entry's score, from the text in the editor, and its reference and
compiled pictures as large as the panel allows: side by side, overlaid (opacity slider), flickering
between the two, or their difference, all under one zoom and pan (studio/page_view.py); arrows
from where the compiled page put each of the reference's words to where the asset has it, the
farthest first, a click on one selecting the component that binds the word; beside them, in tabs, the whole pack's gate (every entry's
parity score; double-click opens one; the open entry's row shows the editor's score too, so the
panel never shows two scores for it) and the asset's text roles. The panel owns its work: live scoring
on a worker (studio.workers.GoldWorker), the gate through the job runner (studio/jobs.py)."""
from __future__ import annotations

from pathlib import Path

from qtpy.QtCore import Qt, QTimer, Signal
from qtpy.QtGui import QBrush, QColor, QFont, QImage, QPainter
from qtpy.QtWidgets import (QCheckBox, QComboBox, QHBoxLayout, QHeaderView, QLabel, QListWidget, QPushButton, QSlider,
                            QSplitter, QTableWidget, QTableWidgetItem, QTabWidget, QVBoxLayout, QWidget)

from engine.fileio import InputError
from studio import tasks
from studio.jobs import Job
from studio.page_view import Camera, PageView
from studio.status_label import StatusLabel
from studio.workers import GoldWorker, QuickScoreWorker, start, stop

STATUS_COLOURS = {"pass": "#2f855a", "fail": "#c53030"}  # anything else (skipped, error): amber
GATE_COLUMNS = ("entry", "split", "score", "threshold", "text", "status")
MODES = ("side by side", "overlay", "flicker", "difference")
FLICKER_MS = 500
TUNE_SECONDS = {"1 min": 60, "2 min": 120, "5 min": 300}
TUNE_WIDTH = 420   # the side tabs' width while tuning
EDITOR_NOTE = "scored from the editor's text (unsaved edits included)"
QUICK_NOTE = ("≈: scored from the editor's text with the page drawn by Qt, within about 0.01 of the gate's "
              "cairosvg score; the exact score replaces it when typing pauses")
# Arrows drawn at most: the farthest words are the ones costing the most placement; past a couple of
# dozen the arrows cross into a tangle that hides the page they point at
MAX_ARROWS = 25


class GoldPanel(QWidget):
    entry_activated = Signal(str)              # an entry's name, double-clicked in the gate table
    score_requested = Signal(int, object, str, str, str)  # request id, GoldEntry, SVG, scene, content: to the worker
    score_shown = Signal(int)                  # the request id whose score is on screen
    quick_requested = Signal(int, object, str, str)  # edit stamp, GoldEntry, scene, content: to the quick worker
    quick_shown = Signal(int)                  # the edit stamp whose quick score is on screen
    quick_warm = Signal(object)                # a GoldEntry: ready the quick child for it ahead of its first key
    stray_picked = Signal(object)              # a misplaced word's arrow was clicked: its stray (a dict)
    tuned = Signal(str, str)                   # the scene text tuned, the tuned scene's text: to the editor

    def __init__(self, assets: Path, parent=None):
        super().__init__(parent)
        self.assets = Path(assets)
        self.pack: Path | None = None            # the folder the gate scores: the open workspace
        self.asked: tuple[int, str, int] | None = None  # the newest exact (request, entry, edit stamp) asked
        self.asked_quick: tuple[int, str] | None = None  # the newest quick (edit stamp, entry) asked
        self.shown = ("", -1)   # (entry, edit stamp) of the score on screen: an older edit's is dropped
        self.images: dict[str, QImage] = {}
        self.strays: list[dict] = []   # the editor's misplaced words, farthest first (engine/gold/strays.py)
        self.texts: tuple = (None, "", "")   # (GoldEntry, scene, content) last asked to score: what Tune tunes
        self.tuning = ""                     # the scene text being tuned
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
        self.show_arrows = QCheckBox("word arrows")
        self.show_arrows.setChecked(True)
        self.show_arrows.setToolTip("from where the compiled page has each word to where the asset has it; "
                                    "a click selects the component that binds it")
        self.reset_view = QPushButton("Fit")
        self.reset_view.setToolTip("wheel zooms at the mouse, a drag pans, a double click fits (all views follow)")
        self.arrow_note = StatusLabel("")
        top = QHBoxLayout()   # under the score, which has a row of its own: at 1280 px it needs it
        top.addWidget(self.arrow_note, 1)
        top.addWidget(self.mode)
        top.addWidget(QLabel("compiled over reference"))
        top.addWidget(self.opacity)
        top.addWidget(self.show_arrows)
        top.addWidget(self.reset_view)

        self.camera = Camera(self)
        self.views = {k: PageView(self.camera) for k in ("reference", "compiled", "diff")}
        self.overlay = PageView(self.camera)
        for view in (*self.views.values(), self.overlay):
            view.stray_clicked.connect(self.stray_picked)
        self.reset_view.clicked.connect(self.camera.reset)
        self.show_arrows.toggled.connect(lambda _: self._draw_strays())
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
        self.tune_button = QPushButton("Tune")
        self.tune_button.setToolTip("try every spacing and weight attribute of the editor's scene at its other values, "
                                    "keeping each change that brings the page nearer the asset without moving a word "
                                    "away from its place (ck gold tune); the result is one undo step")
        self.tune_seconds = QComboBox()
        for label, seconds in TUNE_SECONDS.items():
            self.tune_seconds.addItem(label, seconds)
        self.tune_seconds.setCurrentText("2 min")
        self.tune_status = StatusLabel("not tuned")
        self.tune_status.setWordWrap(True)
        self.tune_changes = QListWidget()
        self.tune_button.clicked.connect(self._on_tune_clicked)
        tune_top = QHBoxLayout()
        tune_top.addWidget(self.tune_button)
        tune_top.addWidget(self.tune_seconds)
        self.tune_box = tune_box = QWidget()
        tune_layout = QVBoxLayout(tune_box)
        tune_layout.setContentsMargins(0, 0, 0, 0)
        tune_layout.addLayout(tune_top)
        tune_layout.addWidget(self.tune_status)
        tune_layout.addWidget(self.tune_changes, 1)
        box = QWidget()
        box.setLayout(pictures)
        self.side = QTabWidget()
        self.side.addTab(gate_box, "pack gate (saved files)")
        self.side.addTab(self.roles, "asset texts")
        self.side.addTab(tune_box, "tune")
        self.side.setMinimumWidth(120)
        self.split = split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(box)
        split.addWidget(self.side)
        split.setStretchFactor(0, 1)
        split.setSizes([1400, 160])   # the pictures get the width; the tabs widen on a drag
        layout = QVBoxLayout(self)
        layout.addWidget(self.score)
        layout.addLayout(top)
        layout.addWidget(split, 1)
        self.mode.currentIndexChanged.connect(self._on_mode_changed)
        self.opacity.valueChanged.connect(self._draw_overlay)
        self._start_workers()

    def _start_workers(self) -> None:
        self.scorer = GoldWorker(self.assets)
        self.quick = QuickScoreWorker(self.assets)
        self.threads = [start(self.scorer, self), start(self.quick, self)]
        self.score_requested.connect(self.scorer.score)
        self.scorer.scored.connect(self._on_scored)
        self.quick_requested.connect(self.quick.score)
        self.quick.scored.connect(self._on_quick)
        self.quick_warm.connect(self.quick.warm)
        self.scorer.roles_read.connect(self.show_roles)
        self.gate_job = Job(tasks.gate, self)
        self.gate_job.progressed.connect(self._on_gate_entry)
        self.gate_job.finished.connect(self._on_gate_finished)
        self.gate_job.failed.connect(self._on_gate_failed)
        self.tune_job = Job(tasks.tune, self)
        self.tune_job.progressed.connect(self._on_tune_progress)
        self.tune_job.finished.connect(self._on_tune_finished)
        self.tune_job.failed.connect(self._on_tune_failed)

    def shutdown(self) -> None:
        """End the gate, the tuner, the scoring pool and the thread; the window calls this before it closes."""
        self.gate_job.shutdown()
        self.tune_job.shutdown()
        self.scorer.shutdown()
        self.quick.shutdown()
        stop(self.threads)

    def set_pack(self, folder: Path) -> None:
        self.pack = Path(folder)

    def score_compiled(self, request: int, entry, svg: str, scene: str = "", content: str = "",
                       stamp: int = 0) -> None:
        """Score a compiled SVG of a gold entry exactly (compiled from `scene` and `content`, which
        trace its words to their refs, at edit `stamp`); shown unless a newer request is asked
        first or a quick score of a later edit is already up."""
        if self.quick.pool is not None and (self.asked is None or self.asked[1] != entry.name):
            self.quick_warm.emit(entry)   # someone who typed in one entry will type in the next
        self.asked = (request, entry.name, stamp)
        self.texts = (entry, scene, content)
        self.score_requested.emit(request, entry, svg, scene, content)

    def score_quick(self, stamp: int, entry, scene: str, content: str) -> None:
        """Score the editor's texts at edit `stamp` the quick way (studio/quick_score.py): shown, marked
        ≈, unless a later edit is asked first; the exact score replaces it."""
        self.asked_quick = (stamp, entry.name)
        self.texts = (entry, scene, content)
        self.quick.newest = stamp
        self.quick_requested.emit(stamp, entry, scene, content)

    def _on_scored(self, request: int, result, images) -> None:
        if self.asked is None or (request, result.name) != self.asked[:2]:
            return
        if result.name == self.shown[0] and self.asked[2] < self.shown[1]:
            return   # a quick score of a later edit is up
        self.shown = (result.name, self.asked[2])
        self.show_result(result, images)
        self.score_shown.emit(request)

    def _on_quick(self, stamp: int, result) -> None:
        if (stamp, result.name) != self.asked_quick or (result.name == self.shown[0] and stamp <= self.shown[1]):
            return   # not the newest asked, or the exact score of this edit or a later one is up
        self.shown = (result.name, stamp)
        self.show_result(result, None, quick=True)
        self.quick_shown.emit(stamp)

    def show_result(self, result, images: dict | None, quick: bool = False) -> None:
        colour = STATUS_COLOURS.get(result.status, "#b7791f")
        self._show_in_gate(result, quick)
        about, tip = ("≈", QUICK_NOTE) if quick else ("", EDITOR_NOTE)
        self.score.setToolTip(tip)
        if result.status in ("pass", "fail"):
            self.score.setText(
                f"<b>{result.name}</b> (editor{', quick' if quick else ''}) parity "
                f"<b style='color:{colour}'>{about}{result.score:.3f}</b> "
                f"(threshold {result.threshold:.2f}) · ssim64 {about}{result.ssim_64:.3f} · full {about}{result.ssim_full:.3f}"
                f" · structure {result.structure:.3f} · text placement {result.text_placement:.3f}"
                f" · judge fidelity64 {about}{result.fidelity_64:.3f}")
        else:
            self.score.setText(f"<b>{result.name}</b> <span style='color:{colour}'>{result.status}</span>: "
                               f"{result.reason}")
        if images:
            self.images = images
            for kind, view in self.views.items():
                view.set_image(images[kind])
            self._draw_overlay()
        self.strays = list(getattr(result, "strays", []))
        self._draw_strays()

    def _draw_strays(self) -> None:
        drawn = self.strays[:MAX_ARROWS]
        for view in (*self.views.values(), self.overlay):
            view.set_strays(drawn, self.show_arrows.isChecked())
        if not self.strays:
            self.arrow_note.setText("")
            return
        lost = sum(s["credit"] == 0 for s in self.strays)
        cap = (f"the {MAX_ARROWS} farthest of {len(self.strays)} drawn (more would hide the page)"
               if len(self.strays) > MAX_ARROWS else f"all {len(self.strays)} drawn")
        self.arrow_note.setText(f"word arrows, compiled → asset: {cap}; {lost} too far to earn placement (red); "
                                f"click one to select the component that binds it")

    def _show_in_gate(self, result, quick: bool = False) -> None:
        """The open entry's gate row shows the editor's score, in italics, saying so."""
        italic = QFont()
        italic.setItalic(True)
        scored = result.status in ("pass", "fail")
        for row in range(self.gate.rowCount()):
            if self.gate.item(row, 0).text() != result.name:
                continue
            about = "≈" if quick else ""
            for col, text in ((2, f"{about}{result.score:.3f}" if scored else ""),
                              (4, f"{result.text_placement:.3f}" if scored else ""), (5, f"{result.status} (editor)")):
                item = self.gate.item(row, col)
                item.setText(text)
                item.setFont(italic)
                item.setToolTip(QUICK_NOTE if quick else EDITOR_NOTE)
                if col == 5:
                    item.setForeground(QBrush(QColor(STATUS_COLOURS.get(result.status, "#b7791f"))))

    def show_roles(self, roles: list[tuple[str, str]]) -> None:
        self.roles.clear()
        self.roles.addItems([f"{role:9} {text}" for role, text in roles])

    def clear(self) -> None:
        self.asked = self.asked_quick = None
        self.shown = ("", -1)
        self.score.setText("not a gold entry (no meta.toml)")
        self.images = {}
        self.strays = []
        self._draw_strays()
        for v in (*self.views.values(), self.overlay):
            v.set_image(None)
        self.camera.reset()
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

    # ---- tuning the editor's scene ----------------------------------------------------------------
    def _on_tune_clicked(self) -> None:
        if self.tune_job.running:
            self.tune_job.stop()
            return
        entry, scene, content = self.texts
        if entry is None or not scene:
            self.tune_status.setText("open a gold entry to tune")
            return
        try:
            reference = entry.reference_path(self.assets)
        except InputError as e:
            self.tune_status.setText(str(e))
            return
        self.tuning = scene
        self.tune_changes.clear()
        self.side.setCurrentWidget(self.tune_box)
        total = sum(self.split.sizes())
        if self.split.sizes()[1] < TUNE_WIDTH:   # the changes it keeps are read as they come
            self.split.setSizes([total - TUNE_WIDTH, TUNE_WIDTH])
        self.tune_button.setText("Stop")
        self.tune_status.setText(f"tuning {entry.name}…")
        self.tune_job.start(scene, content, str(reference), float(self.tune_seconds.currentData()))

    def _on_tune_progress(self, progress) -> None:
        if progress.data["change"]:
            self.tune_changes.addItem(progress.data["change"])
        self.tune_status.setText(f"tuning: {progress.message} · fidelity64 {progress.data['fidelity']:.3f} · "
                                 f"placement {progress.data['placement']:.3f}")

    def _on_tune_finished(self, event) -> None:
        self.tune_button.setText("Tune")
        self.tune_status.setText(event.summary)
        if event.value["changes"]:
            self.tuned.emit(self.tuning, event.value["scene"])

    def _on_tune_failed(self, error) -> None:
        self.tune_button.setText("Tune")
        self.tune_status.setText(error.message)

    def _on_gate_failed(self, error) -> None:
        self.gate_button.setEnabled(True)
        self.gate_status.setText(error.message)
