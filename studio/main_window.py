"""The main window: workspace entries, the scene and content editors, live preview, problems."""
from __future__ import annotations

import gc
from pathlib import Path

from qtpy.QtCore import QSettings, Qt, QTimer, Signal
from qtpy.QtGui import QAction, QKeySequence
from qtpy.QtWidgets import (QDockWidget, QFileDialog, QListWidget, QListWidgetItem, QMainWindow,
                            QMessageBox, QPlainTextEdit, QSplitter, QTabWidget)

from engine.assets import default_library
from engine.diagnostics import Diagnostic
from engine.dsl import format_text
from engine.fileio import InputError, write_atomic
from engine.gold.pack import load_entry
from engine.workspace import Entry, entries
from studio.budget_panel import BudgetPanel
from studio.editor import SceneEditor
from studio.gold_panel import GoldPanel
from studio.preview import SvgPreview
from studio.training_panel import TrainingPanel
from studio.workers import BudgetWorker, CompileWorker, GoldWorker, PreflightWorker, TrainWorker, start

DEBOUNCE_MS = 120


def spec_ctx() -> int:
    """The context the budget meter measures against: spec01's, the spec the studio opens with."""
    from engine.data.spec import load_spec
    from engine.paths import ROOT

    spec = ROOT / "specs" / "spec01.toml"
    try:
        return load_spec(spec).ctx
    except InputError:
        return 768
GOLD_DEBOUNCE_MS = 350  # scoring rasterizes twice: follow typing, but not every keystroke


class MainWindow(QMainWindow):
    compile_requested = Signal(int, str, str)
    score_requested = Signal(int, object, str)
    budget_requested = Signal(int, str)
    gold_budget_requested = Signal()
    budget_updated = Signal(int)
    preview_updated = Signal(int)  # request id now on screen
    gold_scored = Signal(int)      # request id whose gold score is on screen

    def __init__(self, workspace: Path):
        super().__init__()
        self.setWindowTitle("CK Scene Studio")
        self.workspace = workspace
        self.entry: Entry | None = None
        self.bottom_docks: list[QDockWidget] = []
        self.gold_entry = None
        self.last_svg = ""
        self.request = 0
        self.saved_texts = ("", "")

        self.scene_editor = SceneEditor()
        self.content_editor = QPlainTextEdit()
        self.content_editor.setFont(self.scene_editor.font())
        self.tabs = QTabWidget()
        self.tabs.addTab(self.scene_editor, "scene.dsl")
        self.tabs.addTab(self.content_editor, "content.json")
        self.preview = SvgPreview()
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.tabs)
        splitter.addWidget(self.preview)
        splitter.setSizes([520, 760])
        self.setCentralWidget(splitter)

        self.entry_list = QListWidget()
        self.entry_list.currentItemChanged.connect(self._on_entry_chosen)
        self._dock("Workspace", self.entry_list, Qt.DockWidgetArea.LeftDockWidgetArea)
        self.problems = QListWidget()
        self.problems.itemActivated.connect(self._on_problem_activated)
        self.problems.itemClicked.connect(self._on_problem_activated)
        self._dock("Problems", self.problems, Qt.DockWidgetArea.BottomDockWidgetArea)
        self.gold = GoldPanel()
        self.gold_dock = self._dock("Gold", self.gold, Qt.DockWidgetArea.BottomDockWidgetArea)
        self.budget = BudgetPanel()
        self._dock("Token budget", self.budget, Qt.DockWidgetArea.BottomDockWidgetArea)
        from engine.paths import ROOT

        self.training = TrainingPanel(ROOT / "specs" / "spec01.toml", ROOT / "out" / "runs")
        self.training_dock = self._dock("Training", self.training, Qt.DockWidgetArea.BottomDockWidgetArea)
        self.train_worker = TrainWorker()
        self.train_thread = start(self.train_worker, self)
        self.training.start_requested.connect(self.train_worker.start)
        self.training.stop_requested.connect(self.train_worker.stop)
        self.train_worker.event_arrived.connect(self.training.on_event)
        self.train_worker.failed.connect(self.training.on_failed)
        self.preflight_worker = PreflightWorker()
        self.preflight_thread = start(self.preflight_worker, self)
        self.training.preflight_requested.connect(self.preflight_worker.run)
        self.preflight_worker.gate_done.connect(self.training.on_gate)
        self.preflight_worker.failed.connect(self.training.on_failed)

        self.worker = CompileWorker()
        self.thread = start(self.worker, self)
        self.compile_requested.connect(self.worker.compile)
        self.worker.compiled.connect(self._on_compiled)
        self.gold_worker = GoldWorker(default_library())
        self.gold_thread = start(self.gold_worker, self)
        self.score_requested.connect(self.gold_worker.score)
        self.gold_worker.scored.connect(self._on_scored)
        self.gold_worker.roles_read.connect(self.gold.show_roles)
        self.budget_worker = BudgetWorker(spec_ctx())
        self.budget_thread = start(self.budget_worker, self)
        self.budget_requested.connect(self.budget_worker.measure)
        self.gold_budget_requested.connect(self.budget_worker.measure_gold)
        self.budget_worker.measured.connect(self._on_measured)
        self.budget_worker.gold_measured.connect(self.budget.show_gold)
        self.gold_budget_requested.emit()
        self.gold_debounce = QTimer(self, singleShot=True, interval=GOLD_DEBOUNCE_MS)
        self.gold_debounce.timeout.connect(self.request_score)
        self.debounce = QTimer(self, singleShot=True, interval=DEBOUNCE_MS)
        self.debounce.timeout.connect(self.request_compile)
        self.scene_editor.textChanged.connect(self.debounce.start)
        self.content_editor.textChanged.connect(self.debounce.start)

        self._menus()
        self.load_workspace(workspace)
        settings = QSettings("CK", "Scene Studio")
        if geometry := settings.value("geometry"):
            self.restoreGeometry(geometry)

    # ---- set-up --------------------------------------------------------------------------
    def _dock(self, title: str, widget, area) -> QDockWidget:
        """Add a dock; bottom docks share one tabbed area so none is squeezed."""
        dock = QDockWidget(title, self)
        dock.setObjectName(title)
        dock.setWidget(widget)
        self.addDockWidget(area, dock)
        if area == Qt.DockWidgetArea.BottomDockWidgetArea:
            if self.bottom_docks:
                self.tabifyDockWidget(self.bottom_docks[0], dock)
            else:
                self.resizeDocks([dock], [230], Qt.Orientation.Vertical)
            self.bottom_docks.append(dock)
        return dock

    def _menus(self) -> None:
        file_menu = self.menuBar().addMenu("&File")
        for text, shortcut, slot in (("Open workspace…", QKeySequence.StandardKey.Open, self._choose_workspace),
                                     ("Save", QKeySequence.StandardKey.Save, self.save),
                                     ("Quit", QKeySequence.StandardKey.Quit, self.close)):
            action = QAction(text, self, shortcut=shortcut)
            action.triggered.connect(slot)
            file_menu.addAction(action)
        fmt = QAction("Format scene", self, shortcut=QKeySequence("Ctrl+Shift+F"))
        fmt.triggered.connect(self.format_scene)
        self.menuBar().addMenu("&Scene").addAction(fmt)
        new_entry = QAction("New gold entry from asset…", self)
        new_entry.triggered.connect(self._choose_asset)
        self.menuBar().addMenu("&Gold").addAction(new_entry)

    # ---- workspace -----------------------------------------------------------------------
    def load_workspace(self, folder: Path) -> None:
        self.workspace = folder
        self.entry_list.clear()
        for e in entries(folder):
            item = QListWidgetItem(e.name)
            item.setData(Qt.ItemDataRole.UserRole, e)
            self.entry_list.addItem(item)
        if self.entry_list.count():
            self.entry_list.setCurrentRow(0)

    def select_entry(self, name: str) -> bool:
        found = self.entry_list.findItems(name, Qt.MatchFlag.MatchExactly)
        if found:
            self.entry_list.setCurrentItem(found[0])
        return bool(found)

    def _choose_workspace(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Open workspace", str(self.workspace))
        if folder:
            self.load_workspace(Path(folder))

    def _on_entry_chosen(self, item: QListWidgetItem | None, _previous=None) -> None:
        if item is None:
            return
        if self.is_modified() and not self._confirm_discard():
            return
        self.entry = item.data(Qt.ItemDataRole.UserRole)
        self.gold_entry = None
        self.gold.clear()
        if (self.entry.folder / "meta.toml").exists():
            self.gold_dock.raise_()
            try:
                self.gold_entry = load_entry(self.entry.folder)
            except InputError as e:
                self.gold.score.setText(str(e))
        scene = self.entry.scene_path.read_text(encoding="utf-8", errors="replace")
        content_path = self.entry.content_path
        content = content_path.read_text(encoding="utf-8", errors="replace") if content_path.exists() else "{}"
        self.saved_texts = (scene, content)
        self.scene_editor.setPlainText(scene)
        self.content_editor.setPlainText(content)
        self.setWindowTitle(f"CK Scene Studio — {self.entry.name}")
        self.request_compile()

    # ---- editing -------------------------------------------------------------------------
    def texts(self) -> tuple[str, str]:
        return self.scene_editor.toPlainText(), self.content_editor.toPlainText()

    def is_modified(self) -> bool:
        return self.entry is not None and self.texts() != self.saved_texts

    def request_compile(self) -> None:
        self.request += 1
        self.compile_requested.emit(self.request, *self.texts())
        self.budget_requested.emit(self.request, self.scene_editor.toPlainText())

    def _on_measured(self, request: int, measure: dict) -> None:
        if request == self.request:
            self.budget.show_measure(measure)
            self.budget_updated.emit(request)

    def _on_compiled(self, request: int, svg: bytes, diagnostics: list[Diagnostic]) -> None:
        if request != self.request:
            return  # a newer edit is already on its way
        self.preview.set_svg(svg)
        if svg and self.gold_entry is not None:
            self.last_svg = svg.decode()
            self.gold_debounce.start()
        self.scene_editor.set_diagnostics([d for d in diagnostics if d.code != "content-json"])
        self.problems.clear()
        for d in diagnostics:
            item = QListWidgetItem(f"{d.line}:{d.col}  {d.severity.value}  {d.code}: {d.message}")
            item.setData(Qt.ItemDataRole.UserRole, d)
            self.problems.addItem(item)
        self.preview_updated.emit(request)

    def request_score(self) -> None:
        if self.gold_entry is not None and self.last_svg:
            self.score_requested.emit(self.request, self.gold_entry, self.last_svg)

    def _on_scored(self, request: int, result, images) -> None:
        if request != self.request or self.gold_entry is None or result.name != self.gold_entry.name:
            return
        self.gold.show_result(result, images)
        self.gold_scored.emit(request)

    def _choose_asset(self) -> None:
        from engine.gold.add import add_entry

        path, _ = QFileDialog.getOpenFileName(self, "Asset to map", str(default_library()), "SVG (*.svg)")
        if not path:
            return
        try:
            folder = add_entry(Path(path), self.workspace, default_library())
        except InputError as e:
            QMessageBox.warning(self, "Cannot start the entry", str(e))
            return
        self.load_workspace(self.workspace)
        self.select_entry(folder.name)

    def _on_problem_activated(self, item: QListWidgetItem) -> None:
        d: Diagnostic = item.data(Qt.ItemDataRole.UserRole)
        if d.code in ("content-json", "bad-content"):
            self.tabs.setCurrentWidget(self.content_editor)
            return
        self.tabs.setCurrentWidget(self.scene_editor)
        self.scene_editor.goto(d.line, d.col)

    def format_scene(self) -> None:
        canonical = format_text(self.scene_editor.toPlainText())
        if canonical is not None and canonical != self.scene_editor.toPlainText():
            cursor = self.scene_editor.textCursor()
            cursor.select(cursor.SelectionType.Document)
            cursor.insertText(canonical)  # one undo step

    def save(self) -> None:
        if self.entry is None:
            return
        scene, content = self.texts()
        write_atomic(self.entry.scene_path, scene)
        write_atomic(self.entry.content_path, content)
        self.saved_texts = (scene, content)

    def _confirm_discard(self) -> bool:
        answer = QMessageBox.question(
            self, "Unsaved changes", "Save the changes to this entry first?",
            QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel)
        if answer == QMessageBox.StandardButton.Save:
            self.save()
        return answer != QMessageBox.StandardButton.Cancel

    def closeEvent(self, event) -> None:  # noqa: N802
        if self.is_modified() and not self._confirm_discard():
            event.ignore()
            return
        QSettings("CK", "Scene Studio").setValue("geometry", self.saveGeometry())
        self.train_worker.stop()
        if self.train_worker.handle is not None:
            self.train_worker.handle.join(10)
        for thread in (self.thread, self.gold_thread, self.budget_thread, self.train_thread, self.preflight_thread):
            thread.quit()
            thread.wait(2000)
        gc.collect()  # on the GUI thread, while no worker runs: Qt objects must die where they live
        event.accept()
