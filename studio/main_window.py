"""The main window: workspace entries, the scene and content editors, live preview, and the docks
(problems, gold, token budget, training, parity, probe gallery, runs, ladder). The window compiles
the scene on its own worker; each panel owns the workers and jobs behind it, and the window only
tells a panel what changed (the scene's text, the workspace, the spec in use).

What outlives a session: the dock layout, geometry, recent workspaces and files, the spec in use
and the editor's font size are QSettings (studio/settings.py); unsaved edits are autosaved to the
recovery folder (studio/recovery.py) and offered back on the next start.
"""
from __future__ import annotations

import gc
import time
from pathlib import Path

from qtpy import API_NAME, QT_VERSION
from qtpy.QtCore import Qt, QTimer, Signal
from qtpy.QtGui import QAction, QActionGroup, QImage, QKeySequence, QPainter
from qtpy.QtWidgets import (QApplication, QDialog, QDockWidget, QFileDialog, QLabel, QListWidget, QListWidgetItem,
                            QMainWindow, QMessageBox, QSplitter, QTextBrowser, QToolBar, QVBoxLayout, QWidget)

from engine.diagnostics import Diagnostic, Severity
from engine.dsl import format_text
from engine.fileio import InputError, write_atomic
from engine.gold.pack import load_entry
from engine.paths import ROOT, Workspace, default_library
from engine.workspace import Entry, default_gold_pack, entries
from studio.budget_panel import BudgetPanel
from studio import perspectives
from studio.dsl_syntax import at_value, content_paths, fold_ranges
from studio.editor import make_content_editor, make_scene_editor
from studio.editor_style import FONT_SIZE
from studio.find_bar import FindBar
from studio.gold_panel import GoldPanel
from studio.ladder_panel import LadderPanel
from studio.ledger_watch import LedgerWatch
from studio.parity_panel import ParityPanel
from studio.playground_panel import PlaygroundPanel
from studio.preview import SvgPreview
from studio.probe_panel import ProbePanel
from studio.recovery import RecoveryStore
from studio.runs_panel import RunsPanel
from studio.settings import open_settings, push_recent, recent, recovery_dir, spec_in_use
from studio.training_panel import TrainingPanel
from studio.workers import CompileWorker, start, stop

DEBOUNCE_MS = 120
GOLD_DEBOUNCE_MS = 350  # the exact score rasterizes twice with cairosvg: once typing pauses
QUICK_MS = 0            # the quick score (Qt drawing) follows every key: the next turn of the loop, one request per key
AUTOSAVE_MS = 1000      # at most this long between an edit and its copy in the recovery folder


def _titled(title: str, widget: QWidget) -> QWidget:
    box = QWidget()
    layout = QVBoxLayout(box)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(2)
    label = QLabel(title)
    label.setStyleSheet("color: #8a8a8a; padding-left: 4px")
    layout.addWidget(label)
    layout.addWidget(widget, 1)
    return box


class MainWindow(QMainWindow):
    compile_requested = Signal(int, str, str)
    budget_updated = Signal(int)   # request id whose token budget is on screen
    preview_updated = Signal(int)  # request id now on screen
    gold_scored = Signal(int)      # request id whose gold score is on screen
    gold_quick_scored = Signal(int)  # edit stamp whose quick gold score is on screen
    recovery_offered = Signal(list)  # paths offered back after a crash
    autosaved = Signal(list)         # paths copied to the recovery folder

    def __init__(self, workspace: Path | None = None, *, smoke: bool = False):
        super().__init__()
        self.setWindowTitle("CK Scene Studio[*]")
        self.smoke = smoke
        self.settings = open_settings()
        self.recovery = RecoveryStore(recovery_dir())
        self.autosaved_paths: set[Path] = set()
        self.recovering = False
        self.entry: Entry | None = None
        self.bottom_docks: list[QDockWidget] = []
        self.gold_entry = None
        self.last_svg = ""
        self.sent_texts = self.last_texts = ("", "")   # the texts the newest compile asked for / last drew
        self.edits = 0                                  # edits so far: the stamp scores are ordered by
        self.sent_stamp = self.last_stamp = 0           # the edit stamp of sent_texts / last_texts
        self.diagnostics: list[Diagnostic] = []
        self.last_compiled = b""   # the newest SVG the scene compiled to
        self.request = 0
        self.saved_texts = ("", "")
        self.ended = False   # shut down: its jobs and threads are stopped

        self.scene_editor = make_scene_editor()
        self.content_editor = make_content_editor()
        self.preview = SvgPreview()
        editors = QSplitter(Qt.Orientation.Vertical)
        editors.addWidget(_titled("scene.dsl", self.scene_editor))
        editors.addWidget(_titled("content.json", self.content_editor))
        editors.setSizes([700, 200])   # the scene gets the height: content.json is short
        self.editors = editors
        self.find_bar = FindBar()
        editor_column = QWidget()
        column = QVBoxLayout(editor_column)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        column.addWidget(editors, 1)
        column.addWidget(self.find_bar)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(editor_column)
        splitter.addWidget(self.preview)
        splitter.setSizes([520, 760])
        self.setCentralWidget(splitter)

        self.entry_list = QListWidget()
        self.entry_list.currentItemChanged.connect(self._on_entry_chosen)
        self._dock("Workspace", self.entry_list, Qt.DockWidgetArea.LeftDockWidgetArea)
        self.problems = QListWidget()
        self.problems.itemActivated.connect(self._on_problem_activated)
        self.problems.itemClicked.connect(self._on_problem_activated)
        self.problems_dock = self._dock("Problems", self.problems, Qt.DockWidgetArea.BottomDockWidgetArea)
        spec = spec_in_use(self.settings)
        self.gold = GoldPanel(default_library())
        self.gold_dock = self._dock("Gold", self.gold, Qt.DockWidgetArea.BottomDockWidgetArea)
        self.gold.entry_activated.connect(self.select_entry)
        self.gold.score_shown.connect(self.gold_scored)
        self.gold.quick_shown.connect(self.gold_quick_scored)
        self.gold.stray_picked.connect(self.select_component_of)
        self.gold.tuned.connect(self.apply_tuned)
        self.budget = BudgetPanel(spec)
        self.budget_dock = self._dock("Token budget", self.budget, Qt.DockWidgetArea.BottomDockWidgetArea)
        self.budget_dock.visibilityChanged.connect(self.budget.on_seen)
        runs = Workspace()   # where the commands write too: a run started here is theirs, and theirs here
        self.budget.measure_shown.connect(self.budget_updated)
        self.training = TrainingPanel(spec, runs.runs)
        self.training_dock = self._dock("Training", self.training, Qt.DockWidgetArea.BottomDockWidgetArea)
        self.training.spec_chosen.connect(self._on_spec_chosen)
        self.parity = ParityPanel(str(runs.parity))
        self.parity_dock = self._dock("Parity", self.parity, Qt.DockWidgetArea.BottomDockWidgetArea)
        self.parity_dock.visibilityChanged.connect(self.parity.on_seen)
        self.probe = ProbePanel(runs.root)
        self.probe_dock = self._dock("Probe gallery", self.probe, Qt.DockWidgetArea.BottomDockWidgetArea)
        self.runs = RunsPanel(runs.root)
        self.runs_dock = self._dock("Runs", self.runs, Qt.DockWidgetArea.BottomDockWidgetArea)
        self.runs.workspace_changed.connect(self.probe.set_workspace)
        self.runs.run_activated.connect(self.show_in_training)
        self.ladder = LadderPanel(runs.root)
        self.ladder_dock = self._dock("Ladder", self.ladder, Qt.DockWidgetArea.BottomDockWidgetArea)
        self.runs.workspace_changed.connect(self.ladder.set_workspace)
        self.ladder.run_selected.connect(self.select_in_runs)
        self.runs.runs_shown.connect(lambda: self.training.set_ledger_runs(self.runs.runs))   # runs to overlay
        self.playground = PlaygroundPanel(runs.root)
        self.playground_dock = self._dock("Playground", self.playground, Qt.DockWidgetArea.BottomDockWidgetArea)
        self.playground_dock.visibilityChanged.connect(self.playground.on_seen)
        self.playground.open_requested.connect(self.open_generated)
        self.runs.workspace_changed.connect(self.playground.set_workspace)
        self.panels = (self.gold, self.budget, self.training, self.parity, self.probe, self.runs, self.ladder,
                       self.playground)
        # A run trained here, or recorded by a command, is listed without a restart
        self.ledger_watch = LedgerWatch(runs.root, self)
        self.runs.workspace_changed.connect(self.ledger_watch.set_workspace)
        self.ledger_watch.changed.connect(self._on_ledger_changed)
        self.training.run_recorded.connect(lambda _: self._on_ledger_changed(str(self.runs.workspace)))
        # a gate's input changed: the preflight verdict is stale until checked again
        self.parity.job.finished.connect(lambda _: self.training.inputs_changed())
        self.worker = CompileWorker()   # the window's own: the editors and the preview are its
        self.thread = start(self.worker, self)
        self.compile_requested.connect(self.worker.compile)
        QApplication.instance().aboutToQuit.connect(self.shutdown)
        self.worker.compiled.connect(self._on_compiled)

        self.gold_debounce = QTimer(self, singleShot=True, interval=GOLD_DEBOUNCE_MS)
        self.gold_debounce.timeout.connect(self.request_score)
        self.debounce = QTimer(self, singleShot=True, interval=DEBOUNCE_MS)
        self.debounce.timeout.connect(self.request_compile)
        self.quick_debounce = QTimer(self, singleShot=True, interval=QUICK_MS)
        self.quick_debounce.timeout.connect(self.request_quick_score)
        self.autosave = QTimer(self, singleShot=True, interval=AUTOSAVE_MS)
        self.autosave.timeout.connect(self.autosave_now)
        self.scene_editor.textChanged.connect(self._on_edited)
        self.content_editor.textChanged.connect(self._on_edited)

        self._menus()
        self._perspective_bar()
        self.perspective = ""
        screen = QApplication.primaryScreen()
        if screen is not None:   # first start: the screen it is given, unless the last session says otherwise
            self.resize(screen.availableGeometry().size())
        self.set_font_size(int(self.settings.value("editor/font_size", FONT_SIZE)))
        if geometry := self.settings.value("geometry"):
            self.restoreGeometry(geometry)
        name = str(self.settings.value("perspective", "Author"))
        self.use_perspective(name if name in perspectives.NAMES else "Author")   # before show: it sets the minimum size
        last, last_entry = self.settings.value("workspace"), self.settings.value("entry")
        if workspace is None and not smoke and last and entries(Path(last)):
            workspace = Path(last)  # where the last session was
        self.workspace = workspace or default_gold_pack()
        self.load_workspace(self.workspace)
        if not smoke and last and last_entry and self.workspace == Path(last):
            self.select_entry(last_entry)
        if not smoke:
            QTimer.singleShot(0, self.offer_recovery)
        # A full collection walks every object the process holds; with the engine's grammar, vocab
        # and Qt wrappers loaded that is 35-40 ms on the GUI thread, a visible stall whenever one
        # falls due. What exists once the window is built lives as long as the window: frozen, it is
        # left out of every later collection (gc.freeze), which then walks only what came since.
        gc.collect()
        gc.freeze()

    # ---- set-up --------------------------------------------------------------------------
    def _dock(self, title: str, widget, area) -> QDockWidget:
        """Add a dock; bottom docks share one tabbed area so none is squeezed."""
        dock = QDockWidget(title, self)
        dock.setObjectName(title)  # saveState/restoreState find docks by name
        dock.setWidget(widget)
        self.addDockWidget(area, dock)
        if area == Qt.DockWidgetArea.BottomDockWidgetArea:
            if self.bottom_docks:
                self.tabifyDockWidget(self.bottom_docks[0], dock)
            else:
                self.resizeDocks([dock], [230], Qt.Orientation.Vertical)
            self.bottom_docks.append(dock)
        return dock

    def _action(self, menu, text: str, slot, shortcut=None) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(shortcut)
        action.triggered.connect(slot)
        menu.addAction(action)
        return action

    def _menus(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        self._action(file_menu, "Open workspace…", self._choose_workspace, QKeySequence.StandardKey.Open)
        self.recent_workspaces_menu = file_menu.addMenu("Recent workspaces")
        self.recent_files_menu = file_menu.addMenu("Recent files")
        self._action(file_menu, "Save", self.save, QKeySequence.StandardKey.Save)
        file_menu.addSeparator()
        self._action(file_menu, "Export preview as SVG…", lambda: self.export_preview("svg"), QKeySequence("Ctrl+E"))
        self._action(file_menu, "Export preview as PNG…", lambda: self.export_preview("png"), QKeySequence("Ctrl+Shift+E"))
        file_menu.addSeparator()
        self._action(file_menu, "Quit", self.close, QKeySequence.StandardKey.Quit)
        self._fill_recent_menus()
        edit = bar.addMenu("&Edit")
        self._action(edit, "Undo", lambda: self.focused_editor().undo(), QKeySequence.StandardKey.Undo)
        self._action(edit, "Redo", lambda: self.focused_editor().redo(), QKeySequence.StandardKey.Redo)
        edit.addSeparator()
        self._action(edit, "Find…", self.open_find, QKeySequence.StandardKey.Find)
        self._action(edit, "Replace…", lambda: self.open_find(replace=True), QKeySequence("Ctrl+H"))
        self._action(edit, "Find next", lambda: self.find_bar.find(True), QKeySequence.StandardKey.FindNext)
        self._action(edit, "Find previous", lambda: self.find_bar.find(False), QKeySequence.StandardKey.FindPrevious)
        scene_menu = bar.addMenu("&Scene")
        self._action(scene_menu, "Format scene", self.format_scene, QKeySequence("Ctrl+Shift+F"))
        self._action(scene_menu, "Complete", lambda: self.scene_editor.complete(), QKeySequence("Ctrl+Space"))
        gold_menu = bar.addMenu("&Gold")
        self._action(gold_menu, "New gold entry from asset…", self._choose_asset)
        self._action(gold_menu, "Run gold gate", self.gold.gate_button.click)
        self._action(gold_menu, "Tune scene toward its asset", self.gold.tune_button.click)
        view = bar.addMenu("&View")
        self._action(view, "Larger font", lambda: self.set_font_size(self.font_size + 1), QKeySequence.StandardKey.ZoomIn)
        self._action(view, "Smaller font", lambda: self.set_font_size(self.font_size - 1), QKeySequence.StandardKey.ZoomOut)
        self._action(view, "Fit preview", self.preview.fit, QKeySequence("Ctrl+0"))
        view.addSeparator()
        self.perspective_menu = view.addMenu("Perspective")
        view.addSeparator()
        for dock in self.findChildren(QDockWidget):
            view.addAction(dock.toggleViewAction())
        help_menu = bar.addMenu("&Help")
        self._action(help_menu, "DSL reference", self.show_dsl_reference, QKeySequence.StandardKey.HelpContents)
        self._action(help_menu, "Keyboard shortcuts", self.show_shortcuts)
        self._action(help_menu, "About CK Scene Studio", self.show_about)

    def _perspective_bar(self) -> None:
        bar = QToolBar("Perspectives", self)
        bar.setObjectName("perspectives")
        bar.setMovable(False)
        self.addToolBar(Qt.ToolBarArea.TopToolBarArea, bar)
        group = QActionGroup(self)
        self.perspective_actions: dict[str, QAction] = {}
        for name in perspectives.NAMES:
            action = QAction(name, self, checkable=True)
            action.setShortcut(QKeySequence(perspectives.SHORTCUTS[name]))
            action.setToolTip(f"{name} perspective ({perspectives.SHORTCUTS[name]})")
            action.triggered.connect(lambda _=False, n=name: self.use_perspective(n))
            group.addAction(action)
            bar.addAction(action)
            self.perspective_menu.addAction(action)
            self.perspective_actions[name] = action
        self.perspective_menu.addSeparator()
        self._action(self.perspective_menu, "Reset this perspective", self.reset_perspective)

    def docks(self) -> dict[str, QDockWidget]:
        return {d.objectName(): d for d in self.findChildren(QDockWidget)}

    def use_perspective(self, name: str) -> None:
        """Lay the docks out for this work: as the person left it last time, else the default."""
        if self.perspective and not self.smoke:
            self.settings.setValue(f"perspective/{self.perspective}", self.saveState())   # their changes
        self.perspective = name
        self.perspective_actions[name].setChecked(True)
        saved = None if self.smoke else self.settings.value(f"perspective/{name}")
        size = self.size()
        perspectives.apply_layout(self, name, self.docks())   # from a clean layout, so no old tab bar survives
        if not (saved and self.restoreState(saved)):
            self._lay_out(name)
        elif self.isVisible() and self.size() != size:
            self.resize(size)   # a state saved with other panes open may ask for more: the window keeps its size
        if not self.smoke:
            self.settings.setValue("perspective", name)

    def _lay_out(self, name: str) -> None:
        docks = self.docks()
        perspectives.apply_layout(self, name, docks)
        QTimer.singleShot(0, lambda: perspectives.size_docks(self, name, docks))

    def reset_perspective(self) -> None:
        self._lay_out(self.perspective)
        if not self.smoke:
            self.settings.remove(f"perspective/{self.perspective}")

    # ---- edit, help, export ------------------------------------------------------------------
    def focused_editor(self):
        """The editor a person works in: the one with focus, else the one last used, else the scene."""
        focus = QApplication.focusWidget()
        for editor in (self.scene_editor, self.content_editor):
            if focus is editor or (focus is not None and editor.isAncestorOf(focus)):
                self.last_editor = editor
        return getattr(self, "last_editor", self.scene_editor)

    def open_find(self, replace: bool = False) -> None:
        self.find_bar.open_for(self.focused_editor(), replace)

    def export_preview(self, kind: str) -> Path | None:
        """The preview as SVG (the compiled bytes) or PNG (rendered at twice its size)."""
        if not self.last_compiled:
            QMessageBox.information(self, "Nothing to export", "The scene has not compiled yet.")
            return None
        name = self.entry.name if self.entry else "scene"
        path, _ = QFileDialog.getSaveFileName(self, f"Export the preview as {kind.upper()}",
                                              str(Path.home() / f"{name}.{kind}"), f"{kind.upper()} (*.{kind})")
        if not path:
            return None
        path = Path(path if path.endswith(f".{kind}") else f"{path}.{kind}")
        if kind == "svg":
            try:
                write_atomic(path, self.last_compiled.decode())
            except InputError as e:
                QMessageBox.warning(self, "Cannot export", str(e))
                return None
            return path
        size = self.preview.renderer.defaultSize() * 2
        image = QImage(size, QImage.Format.Format_ARGB32)
        image.fill(0)
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.preview.renderer.render(painter)
        painter.end()
        if not image.save(str(path)):
            QMessageBox.warning(self, "Cannot export", f"{path}: could not be written")
            return None
        return path

    def _document(self, title: str, markdown: str) -> QDialog:
        dialog = QDialog(self)
        dialog.setWindowTitle(title)
        view = QTextBrowser()
        view.setOpenExternalLinks(True)
        view.setMarkdown(markdown)
        QVBoxLayout(dialog).addWidget(view)
        dialog.resize(860, 720)
        dialog.show()
        return dialog

    def show_dsl_reference(self) -> QDialog:
        return self._document("DSL reference", (ROOT / "docs" / "dsl.md").read_text(encoding="utf-8"))

    def shortcuts_text(self) -> str:
        rows = [f"| {a.text().replace('&', '')} | {a.shortcut().toString(QKeySequence.SequenceFormat.NativeText)} |"
                for a in self.findChildren(QAction) if not a.shortcut().isEmpty()]
        rows += ["| Next / previous probe case | J, N, Alt+Down / K, P, Alt+Up |",
                 "| Zoom the preview | wheel, + and -; 0 or a double click fits |"]
        return "| action | keys |\n|---|---|\n" + "\n".join(sorted(set(rows)))

    def show_shortcuts(self) -> QDialog:
        return self._document("Keyboard shortcuts", self.shortcuts_text())

    def about_text(self) -> str:
        import platform
        from importlib.metadata import PackageNotFoundError, version

        try:
            ours = version("ck-scene-studio")
        except PackageNotFoundError:
            ours = "source tree"
        return (f"CK Scene Studio {ours}\n\nQt {QT_VERSION} through {API_NAME}, Python {platform.python_version()}, "
                f"{platform.system()} {platform.machine()}\n\nThe scene DSL, its compiler and the training method's "
                f"tools in one window. Workspace: {Workspace().root}")

    def show_about(self) -> None:
        QMessageBox.about(self, "About CK Scene Studio", self.about_text())

    def _fill_recent_menus(self) -> None:
        for menu, key, slot in ((self.recent_workspaces_menu, "recent/workspaces", self.open_workspace),
                                (self.recent_files_menu, "recent/files", self.open_file)):
            menu.clear()
            items = recent(self.settings, key)
            for item in items:
                action = menu.addAction(item)
                action.triggered.connect(lambda _=False, p=item, s=slot: s(Path(p)))
            menu.setEnabled(bool(items))

    def set_font_size(self, points: int) -> None:
        self.font_size = max(6, min(32, points))
        self.scene_editor.set_font_size(self.font_size)
        self.content_editor.set_font_size(self.font_size)
        if not self.smoke:
            self.settings.setValue("editor/font_size", self.font_size)

    # ---- workspace -----------------------------------------------------------------------
    def load_workspace(self, folder: Path) -> None:
        self.workspace = Path(folder)
        self.gold.set_pack(self.workspace)
        if not self.smoke:
            self.settings.setValue("workspace", str(self.workspace))
            push_recent(self.settings, "recent/workspaces", str(self.workspace))
            self._fill_recent_menus()
        self.entry_list.blockSignals(True)  # clearing moves the current item through the old entries
        self.entry_list.clear()
        self.entry_list.blockSignals(False)
        for e in entries(self.workspace):
            item = QListWidgetItem(e.name)
            item.setData(Qt.ItemDataRole.UserRole, e)
            self.entry_list.addItem(item)
        if self.entry_list.count():
            self.entry_list.setCurrentRow(0)

    def open_workspace(self, folder: Path) -> None:
        if folder.resolve() != self.workspace.resolve():
            self.load_workspace(folder)

    def open_file(self, path: Path) -> None:
        """A scene.dsl or content.json: open its workspace and select its entry."""
        self.open_workspace(path.parent.parent)
        self.select_entry(path.parent.name)

    def open_generated(self, scene: str, content: str) -> Path:
        """A generated scene as a new entry of the run workspace's playground/ folder, opened: the
        entry being edited is left as it is (asked about if unsaved), and the scene is kept."""
        folder = Workspace().root / "playground" / time.strftime("gen_%Y%m%d_%H%M%S")
        while folder.exists():
            folder = folder.with_name(folder.name + "_")
        write_atomic(folder / "content.json", content)
        write_atomic(folder / "scene.dsl", scene)
        self.open_file(folder / "scene.dsl")
        self.use_perspective("Author")   # the perspective the editors and the preview have the room in
        return folder

    def select_entry(self, name: str) -> bool:
        found = self.entry_list.findItems(name, Qt.MatchFlag.MatchExactly)
        if found:
            self.entry_list.setCurrentItem(found[0])
        return bool(found)

    def _choose_workspace(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Open workspace", str(self.workspace))
        if folder:
            self.load_workspace(Path(folder))

    def _on_entry_chosen(self, item: QListWidgetItem | None, previous=None) -> None:
        if item is None:
            return
        if self.is_modified() and not self._confirm_discard():
            self.entry_list.blockSignals(True)
            self.entry_list.setCurrentItem(previous)  # stay where the unsaved edits are
            self.entry_list.blockSignals(False)
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
        self.scene_editor.set_text(scene)
        self.content_editor.set_text(content)
        if self.recovering:
            self._apply_recovered()
        self.debounce.stop()  # setting the texts started it; the compile is asked for below
        self.quick_debounce.stop()   # and the exact score follows the compile
        self.setWindowTitle(f"CK Scene Studio — {self.entry.name}[*]")
        self.show_modified()
        if not self.smoke:
            self.settings.setValue("entry", self.entry.name)
            push_recent(self.settings, "recent/files", str(self.entry.scene_path))
            self._fill_recent_menus()
        self.request_compile()

    # ---- editing -------------------------------------------------------------------------
    def texts(self) -> tuple[str, str]:
        return self.scene_editor.text(), self.content_editor.text()

    def buffers(self) -> list[tuple[Path, object, str]]:
        """(file, its editor, its text on disk) for each buffer of the open entry."""
        if self.entry is None:
            return []
        return [(self.entry.scene_path, self.scene_editor, self.saved_texts[0]),
                (self.entry.content_path, self.content_editor, self.saved_texts[1])]

    def is_modified(self) -> bool:
        return any(editor.text() != saved for _, editor, saved in self.buffers())

    def show_modified(self) -> None:
        """The unsaved marker: '*' in the title, '•' after the entry's name in the list."""
        modified = self.is_modified()
        self.setWindowModified(modified)
        item = self.entry_list.currentItem()
        if item is not None and self.entry is not None:
            item.setText(f"{self.entry.name} •" if modified else self.entry.name)
            item.setToolTip("unsaved changes" if modified else "")

    def _on_edited(self) -> None:
        self.edits += 1
        self.debounce.start()
        if self.gold_entry is not None:
            self.quick_debounce.start()
        if not self.smoke and not self.autosave.isActive():
            self.autosave.start()  # not restarted by each key: a steady typist is saved too

    def request_compile(self) -> None:
        self.show_modified()   # with the compile, not each key: comparing the texts is cheap, not free
        self.request += 1
        scene, content = self.texts()
        self.scene_editor.set_content_refs(content_paths(content))
        self.sent_texts, self.sent_stamp = (scene, content), self.edits
        self.compile_requested.emit(self.request, scene, content)
        self.budget.measure(self.request, scene)

    def _on_spec_chosen(self, spec: str) -> None:
        if not self.smoke:
            self.settings.setValue("spec", str(Path(spec).resolve()))
        self.budget.use_spec(Path(spec))

    def _on_compiled(self, request: int, svg: bytes, diagnostics: list[Diagnostic]) -> None:
        if request != self.request:
            return  # a newer edit is already on its way
        lines = self.scene_editor.text().split("\n")
        diagnostics = [d if d.code in ("content-json", "bad-content") else at_value(d, lines) for d in diagnostics]
        self.diagnostics = diagnostics
        self.preview.set_svg(svg)
        if svg:
            self.last_compiled = svg
        errors = sum(d.severity is Severity.ERROR for d in diagnostics)
        last = "; the last picture that compiled" if self.last_compiled else ""
        self.preview.set_stale(f"stale: {errors} error{'s' * (errors != 1)} in the scene{last}" if errors and not svg
                               else "")
        self.problems_dock.setWindowTitle(f"Problems ({len(diagnostics)})" if diagnostics else "Problems")
        if svg and self.gold_entry is not None:
            self.last_svg, self.last_texts, self.last_stamp = svg.decode(), self.sent_texts, self.sent_stamp
            self.gold_debounce.start()
        self.scene_editor.set_diagnostics([d for d in diagnostics if d.code != "content-json"])
        self.problems.clear()
        for d in diagnostics:
            item = QListWidgetItem(f"{d.line}:{d.col}  {d.severity.value}  {d.code}: {d.message}")
            item.setData(Qt.ItemDataRole.UserRole, d)
            item.setForeground(Qt.GlobalColor.red if d.severity is Severity.ERROR else Qt.GlobalColor.darkYellow)
            self.problems.addItem(item)
        self.preview_updated.emit(request)

    def _on_ledger_changed(self, workspace: str) -> None:
        if Path(workspace) != self.runs.workspace:
            return
        self.runs.refresh()
        self.ladder.refresh()
        self.probe.refresh_runs()   # the training panel's overlay list follows the runs panel's answer
        if self.playground.listed and not self.playground.choices_job.running:
            self.playground.refresh()

    def show_in_training(self, run_dir: str) -> None:
        """A recorded run's curves and readings in the training plots, brought to the front."""
        self.training.show_run(Path(run_dir))
        self.training_dock.show()
        self.training_dock.raise_()

    def select_in_runs(self, run_id: str) -> None:
        self.runs.select_runs(run_id)
        self.runs_dock.show()
        self.runs_dock.raise_()

    def request_score(self) -> None:
        if self.gold_entry is not None and self.last_svg:
            self.gold.score_compiled(self.request, self.gold_entry, self.last_svg, *self.last_texts, stamp=self.last_stamp)

    def request_quick_score(self) -> None:
        if self.gold_entry is not None:
            self.gold.score_quick(self.edits, self.gold_entry, *self.texts())

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

    def select_component_of(self, stray: dict) -> None:
        """Select the component whose ref bound a misplaced word (Gold panel's arrows): from its
        opening tag to its closing one, the innermost block holding the ref's line."""
        if not stray["line"]:
            self.statusBar().showMessage(f"“{stray['text']}”: more than one component holds this word", 5000)
            return
        blocks = [(s, e) for s, e in fold_ranges(self.scene_editor.text()) if s <= stray["line"] <= e]
        first, last = max(blocks) if blocks else (stray["line"], stray["line"])
        self.scene_editor.select_lines(first, last)
        self.statusBar().showMessage(f"“{stray['text']}” is bound by {stray['source']} (line {stray['line']})", 5000)

    def _on_problem_activated(self, item: QListWidgetItem) -> None:
        d: Diagnostic = item.data(Qt.ItemDataRole.UserRole)
        if d.code in ("content-json", "bad-content"):
            self.content_editor.goto(d.line, d.col)
            return
        self.scene_editor.goto(d.line, d.col)

    def apply_tuned(self, before: str, after: str) -> None:
        """The Gold panel's tuned scene, as one undo step; not over edits made while it tuned."""
        if self.scene_editor.text() != before:
            self.statusBar().showMessage("the scene was edited while it was tuned: the tuned scene is not applied "
                                         "(tune again)", 8000)
            return
        self.scene_editor.replace_all(after)
        self.statusBar().showMessage("tuned scene applied (Undo restores the scene before)", 8000)

    def format_scene(self) -> None:
        text = self.scene_editor.text()
        canonical = format_text(text)
        if canonical is not None and canonical != text:
            self.scene_editor.replace_all(canonical)

    def save(self) -> bool:
        """Write both buffers; on a full disk or a refused path say so and keep every edit
        (the autosaved copies stay until a save succeeds)."""
        if self.entry is None:
            return True
        scene, content = self.texts()
        try:
            write_atomic(self.entry.scene_path, scene)
            write_atomic(self.entry.content_path, content)
        except InputError as e:
            QMessageBox.warning(self, "Cannot save", str(e))
            return False
        self.saved_texts = (scene, content)
        self._drop_recovered()
        self.show_modified()
        if self.gold_entry is not None:
            self.training.inputs_changed()   # the compiler-parity gate scores the gold pack
        return True

    # ---- autosave and recovery -------------------------------------------------------------------
    def autosave_now(self) -> None:
        """Copy every modified buffer to the recovery folder; drop the copy of one saved since."""
        written = []
        for path, editor, saved in self.buffers():
            text = editor.text()
            if text != saved:
                self.recovery.save(path, text)
                self.autosaved_paths.add(path)
                written.append(path)
            elif path in self.autosaved_paths:
                self.recovery.discard(path)
                self.autosaved_paths.discard(path)
        if written:
            self.autosaved.emit(written)

    def _drop_recovered(self) -> None:
        for path, _, _ in self.buffers():
            self.recovery.discard(path)
            self.autosaved_paths.discard(path)

    def offer_recovery(self) -> None:
        """After a crash: offer back every buffer the recovery folder still holds."""
        pending = self.recovery.pending()
        if not pending:
            return
        self.recovery_offered.emit([r.path for r in pending])
        listing = "\n".join(f"  {r.path}" for r in pending)
        answer = QMessageBox.question(
            self, "Recover unsaved edits",
            f"The studio ended without saving these edits:\n\n{listing}\n\nRestore them? (No discards them.)",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No)
        if answer != QMessageBox.StandardButton.Yes:
            for r in pending:
                self.recovery.discard(r.path)
            return
        self.recovering = True  # an entry opened from now on gets its recovered text
        folder = pending[0].path.parent
        if self.entry is not None and self.entry.folder.resolve() == folder:
            self._apply_recovered()
        else:
            self.open_file(folder / "scene.dsl")

    def _apply_recovered(self) -> None:
        for path, editor, _ in self.buffers():
            if (found := self.recovery.get(path)) is not None:
                editor.set_text(found.text)
                self.autosaved_paths.add(path)

    def _confirm_discard(self) -> bool:
        answer = QMessageBox.question(
            self, "Unsaved changes", "Save the changes to this entry first?",
            QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel)
        if answer == QMessageBox.StandardButton.Save:
            return self.save()
        if answer == QMessageBox.StandardButton.Discard:
            self._drop_recovered()
        return answer != QMessageBox.StandardButton.Cancel

    def closeEvent(self, event) -> None:  # noqa: N802
        if self.is_modified() and not self._confirm_discard():
            event.ignore()
            return
        if not self.smoke:
            self.settings.setValue("geometry", self.saveGeometry())
            if self.perspective:
                self.settings.setValue(f"perspective/{self.perspective}", self.saveState())
            self.settings.sync()
        self.shutdown()
        gc.collect()  # on the GUI thread, while no worker runs: Qt objects must die where they live
        event.accept()

    def shutdown(self) -> None:
        """Stop every panel's jobs and threads and the window's own, once: on close, and when the
        application quits with the window still open (a script that never closes it)."""
        if self.ended:
            return
        self.ended = True
        self.autosave.stop()
        for panel in self.panels:
            panel.shutdown()  # a training run checkpoints before it ends
        stop([self.thread])
