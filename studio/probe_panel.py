"""Probe gallery: step through a probe run's cases (engine/probe/result.py's probe.json).

Open a probe.json, or pick a run (the workspace ledger's runs and the folders under
WORKSPACE/runs) and its unconstrained or constrained probe. The scoreboard sits on top, raw and
repaired; the cases below filter by failure class, layout, split and by which output is judged
(raw or repaired). A case shows its prompt, the expected scene against the output as a coloured
diff, both pictures, the failure class and its evidence. J/K, N/P or Alt+Down/Up step through the
filtered rows. "Run probe" probes the chosen run in a child process, with a progress bar.
"""
from __future__ import annotations

from pathlib import Path

from qtpy.QtCore import Qt, Signal
from qtpy.QtGui import QBrush, QColor, QKeySequence, QShortcut
from qtpy.QtWidgets import (
    QComboBox,
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QSizePolicy,
    QSplitter,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from engine.fileio import InputError
from engine.paths import Workspace
from engine.probe.confusion import KEYS as CONFUSION_KEYS
from engine.probe.confusion import header_value
from engine.probe.result import (
    MODES,
    PARITY,
    SPLITS,
    ProbeCase,
    ProbeResult,
    load_probe,
    probe_path,
)
from engine.rundir import ProbeDir, run_dirs
from studio import tasks
from studio.diff_view import DiffView
from studio.jobs import Job
from studio.preview import SvgPreview
from studio.probe_workers import CasePictures, CaseWorker, LedgerWorker
from studio.status_label import StatusLabel
from studio.workers import start, stop

FAIL_COLOUR, PASS_COLOUR = "#c53030", "#2f855a"
SURFACES = ("raw", "repaired")
ANY_FAILURE, PASSING = "any failure", "passing"
NEXT_KEYS, PREVIOUS_KEYS = ("J", "N", "Alt+Down"), ("K", "P", "Alt+Up")
COLUMNS = ("case", "split", "layout", "failure class", "tokens")
# Scoreboard headings short enough for ten columns side by side; the tooltip names the metric.
SHORT = {"materialized_exact_rate": "materialized", "budget_truncation_rate": "truncated",
         "missing_scene_start_rate": "no [scene]", "missing_scene_end_rate": "no [/scene]",
         "duplicate_attr_rate": "dup. attr", "block_nesting_error_rate": "misnested",
         "special_token_leak_rate": "token leak", PARITY: "gold parity"}


def metric_label(metric: str) -> str:
    """'materialized_exact_rate' -> 'materialized exact'."""
    return metric.removesuffix("_rate").replace("_", " ")


def compact(table: QTableWidget) -> None:
    """Rows as tall as a line of text (the default is twice that)."""
    table.verticalHeader().setDefaultSectionSize(table.fontMetrics().height() + 6)


def run_folders(workspace: Path, ledger_runs: list[dict]) -> list[tuple[str, str]]:
    """(label, run folder) for each run of the ledger, then each folder under WORKSPACE/runs that
    the ledger does not hold (`ck train` writes runs there without a ledger)."""
    out = [(r["id"], r["run_dir"]) for r in ledger_runs]
    known = {Path(d).resolve() for _, d in out}
    folders = [run.folder for run in run_dirs(Workspace(workspace).runs) if run.info.is_file()]
    return out + [(p.name, str(p)) for p in folders if p.resolve() not in known]


def case_matches(case: ProbeCase, surface: str, failure: str | None, layout: str | None, split: str | None,
                 cell: tuple[str, str, str] | None = None) -> bool:
    """Does the case pass the filters? None lets everything through; `failure` is a class name,
    ANY_FAILURE or PASSING, judged on the raw or repaired result; `cell` is a confusion matrix's
    (key, expected, emitted), read off the expected scene and the raw or repaired output."""
    if cell is not None:
        key, expected, emitted = cell
        if header_value(case.expected, key) != expected or header_value(getattr(case, surface), key) != emitted:
            return False
    found = getattr(case, f"{surface}_result").failure_class
    if failure == ANY_FAILURE and found is None or failure == PASSING and found is not None:
        return False
    if failure not in (None, ANY_FAILURE, PASSING) and found != failure:
        return False
    return (layout is None or case.layout == layout) and (split is None or case.split == split)


class Picture(QWidget):
    """A titled SVG (zoom and pan as in the preview), or the reason there is none."""

    def __init__(self, title: str, parent=None):
        super().__init__(parent)
        self.title = QLabel(title)
        self.title.setStyleSheet("color: #8a8a8a")
        self.svg = SvgPreview()
        self.svg.setMinimumSize(120, 60)
        self.missing = QLabel(wordWrap=True, alignment=Qt.AlignmentFlag.AlignCenter)
        self.missing.setTextFormat(Qt.TextFormat.PlainText)   # evidence quotes model output
        self.missing.setStyleSheet(f"color: {FAIL_COLOUR}")
        self.stack = QStackedWidget()
        self.stack.addWidget(self.svg)
        self.stack.addWidget(self.missing)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(self.stack, 1)

    def show_svg(self, svg: bytes | None, why: str) -> None:
        if svg and self.svg.renderer.load(svg):
            self.svg.fit()
            self.stack.setCurrentWidget(self.svg)
        else:
            self.missing.setText(why or "no picture")
            self.stack.setCurrentWidget(self.missing)

    def shows_picture(self) -> bool:
        return self.stack.currentWidget() is self.svg


class ProbePanel(QWidget):
    runs_requested = Signal(str)                     # workspace
    render_requested = Signal(int, object, str, str)  # request id, case, probe.json's folder, surface
    probe_loaded = Signal(str)                       # the probe.json now shown
    case_shown = Signal(str)                         # the case whose pictures are on screen

    def __init__(self, workspace: Path, parent=None):
        super().__init__(parent)
        self.workspace = Path(workspace)
        self.result: ProbeResult | None = None
        self.path: Path | None = None
        self.visible: list[ProbeCase] = []
        self.request = 0

        self.open_button = QPushButton("Open probe.json…")
        self.run_choice = QComboBox()
        self.run_choice.setMinimumContentsLength(14)
        self.mode = QComboBox()
        self.mode.addItems(MODES)
        self.run_button = QPushButton("Run probe")
        self.stop_button = QPushButton("Stop")
        self.stop_button.setEnabled(False)
        self.progress = QProgressBar()
        self.progress.setFormat("%p %")
        self.progress.setMaximumWidth(220)
        self.progress.hide()
        self.status, self.heading, self.case_title = QLabel("no probe open"), QLabel(), QLabel()
        for label in (self.status, self.heading, self.case_title):
            label.setTextFormat(Qt.TextFormat.PlainText)
        top = QHBoxLayout()
        for w in (self.open_button, QLabel("run"), self.run_choice, self.mode, self.run_button, self.stop_button,
                  self.progress):
            top.addWidget(w)
        top.addWidget(self.status, 1)
        for label in (self.status, self.heading, self.case_title):   # long paths and ids: never widen the dock
            label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)

        self.scoreboard = QTableWidget(0, 0)
        self.scoreboard.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.scoreboard.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.scoreboard.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        # one line each, cut at the panel's edge (the tooltip has all): a wrapping label asks for width
        # when the window is short, and the window grew to give it
        self.classes = StatusLabel()
        self.failure, self.layout_filter, self.split, self.surface = (QComboBox() for _ in range(4))
        self.surface.addItems(SURFACES)
        filters = QGridLayout()
        for n, (name, combo) in enumerate((("failure", self.failure), ("layout", self.layout_filter),
                                           ("split", self.split), ("judge", self.surface))):
            filters.addWidget(QLabel(name), n // 2, 2 * (n % 2))
            filters.addWidget(combo, n // 2, 2 * (n % 2) + 1)
        self.confusion_key = QComboBox()
        self.confusion_key.addItems(CONFUSION_KEYS)
        self.confusion = QTableWidget(0, 0)
        self.confusion.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.confusion.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.confusion.setMaximumHeight(170)
        self.confusion_said = StatusLabel("click a cell: the cases of that confusion")
        self.confusion_cell: tuple[str, str, str] | None = None
        self.cases = QTableWidget(0, len(COLUMNS))
        self.cases.setHorizontalHeaderLabels(COLUMNS)
        self.cases.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.cases.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.cases.setSelectionMode(QTableWidget.SelectionMode.SingleSelection)
        self.cases.verticalHeader().hide()
        self.cases.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.cases.horizontalHeader().setStretchLastSection(True)
        compact(self.scoreboard)
        compact(self.cases)
        self.scoreboard.setFixedHeight(3 * self.scoreboard.verticalHeader().defaultSectionSize() + 6)   # till a probe
        left = QWidget()
        column = QVBoxLayout(left)
        column.setContentsMargins(0, 0, 0, 0)
        column.addLayout(filters)
        matrix_head = QHBoxLayout()
        matrix_head.addWidget(QLabel("expected × emitted"))
        matrix_head.addWidget(self.confusion_key)
        matrix_head.addWidget(self.confusion_said, 1)
        column.addLayout(matrix_head)
        column.addWidget(self.confusion)
        column.addWidget(self.cases, 1)

        self.failure_class = QLabel()
        self.failure_class.setTextFormat(Qt.TextFormat.PlainText)
        self.evidence = StatusLabel()
        self.prompt = QPlainTextEdit(readOnly=True)
        self.prompt.setFixedHeight(3 * self.prompt.fontMetrics().lineSpacing() + 10)
        self.diff = DiffView()
        text = QWidget()
        text_column = QVBoxLayout(text)
        text_column.setContentsMargins(0, 0, 0, 0)
        title = QHBoxLayout()
        title.addWidget(self.case_title, 1)
        title.addWidget(self.failure_class)
        prompt = QHBoxLayout()
        prompt.addWidget(QLabel("prompt"), 0, Qt.AlignmentFlag.AlignTop)
        prompt.addWidget(self.prompt, 1)
        text_column.addLayout(title)
        text_column.addWidget(self.evidence)
        text_column.addLayout(prompt)
        text_column.addWidget(self.diff, 1)
        self.expected_picture, self.actual_picture = Picture("expected"), Picture("output")
        pictures = QSplitter(Qt.Orientation.Vertical)
        pictures.addWidget(self.expected_picture)
        pictures.addWidget(self.actual_picture)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        for w in (left, text, pictures):
            w.setMinimumWidth(160)   # not their contents' width: a loaded probe must not widen the window
            splitter.addWidget(w)
        splitter.setSizes([380, 520, 420])
        # its own minimum, not its contents': a loaded table must not widen the window (1280 px)
        self.setMinimumWidth(600)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        for w in (self.heading, self.scoreboard, self.classes):
            layout.addWidget(w)
        layout.addWidget(splitter, 1)

        for keys, step in ((NEXT_KEYS, 1), (PREVIOUS_KEYS, -1)):
            for key in keys:
                shortcut = QShortcut(QKeySequence(key), self)
                shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
                shortcut.activated.connect(lambda s=step: self.step(s))
        self.open_button.clicked.connect(self._choose_file)
        self.run_choice.activated.connect(lambda _: self.load_chosen())
        self.mode.activated.connect(lambda _: self.load_chosen())
        self.run_button.clicked.connect(self._on_run_clicked)
        for combo in (self.failure, self.layout_filter):
            combo.activated.connect(lambda _: self.apply_filters())
        self.split.activated.connect(lambda _: self._on_split_changed())
        self.surface.activated.connect(lambda _: self._on_surface_changed())
        self.confusion_key.activated.connect(lambda _: self._fill_confusion())
        self.confusion.cellClicked.connect(self.pick_confusion)
        self.cases.currentCellChanged.connect(lambda row, *_: self._show_case(row))
        self._start_workers()
        self.refresh_runs()

    # ---- workers -------------------------------------------------------------------------------
    def _start_workers(self) -> None:
        self.case_worker = CaseWorker()
        self.ledger_worker = LedgerWorker()
        self.threads = [start(w, self) for w in (self.case_worker, self.ledger_worker)]
        self.render_requested.connect(self.case_worker.render)
        self.case_worker.rendered.connect(self._on_rendered)
        self.runs_requested.connect(self.ledger_worker.list_runs)
        self.ledger_worker.runs_listed.connect(self._on_runs_listed)
        self.ledger_worker.failed.connect(self._say_failed)
        self.probe_job = Job(tasks.probe, self)
        self.stop_button.clicked.connect(self.probe_job.stop)
        self.probe_job.progressed.connect(self._on_progress)
        self.probe_job.finished.connect(self._on_probe_finished)
        self.probe_job.failed.connect(self._on_probe_failed)

    def shutdown(self) -> None:
        """End a running probe and the threads; the window calls this before it closes."""
        self.probe_job.shutdown()
        stop(self.threads)

    # ---- choosing a probe ----------------------------------------------------------------------
    def refresh_runs(self) -> None:
        self.runs_requested.emit(str(self.workspace))

    def set_workspace(self, workspace: Path) -> None:
        self.workspace = Path(workspace)
        self.refresh_runs()

    def _on_runs_listed(self, workspace: str, runs: list) -> None:
        if Path(workspace) != self.workspace:
            return   # an answer about a workspace left since
        chosen = self.run_choice.currentData()
        self.run_choice.clear()
        for label, folder in run_folders(self.workspace, runs):
            self.run_choice.addItem(label, folder)
        if chosen is not None and (i := self.run_choice.findData(chosen)) >= 0:
            self.run_choice.setCurrentIndex(i)
        self.run_button.setEnabled(self.run_choice.count() > 0 and not self.probe_job.running)

    def chosen_probe(self) -> Path | None:
        folder = self.run_choice.currentData()
        return probe_path(folder, self.mode.currentText() == "constrained") if folder else None

    def load_chosen(self) -> None:
        path = self.chosen_probe()
        if path is None:
            return
        if path.is_file():
            self.open_probe(path)
        else:
            self._say_failed(f"{self.run_choice.currentText()} has no {self.mode.currentText()} probe yet: "
                             "Run probe makes one")

    def _choose_file(self) -> None:
        name, _ = QFileDialog.getOpenFileName(self, "Open probe result", str(self.workspace), "probe.json (*.json)")
        if name:
            self.open_probe(Path(name))

    def open_probe(self, path: Path) -> bool:
        """Show a probe.json (or the folder holding one); a file that is not one says why."""
        try:
            result = load_probe(path)
        except InputError as e:
            self._say_failed(str(e))
            return False
        self.path = Path(path) if Path(path).is_file() else ProbeDir(path).result
        self.result = result
        self._fill_scoreboard()
        self._fill_filter_choices()
        self._fill_confusion()
        self.apply_filters()
        self.status.setStyleSheet("")
        self.status.setText(str(self.path))
        self.probe_loaded.emit(str(self.path))
        return True

    # ---- the scoreboard and the filters ----------------------------------------------------------
    def _fill_scoreboard(self) -> None:
        r = self.result
        p = r.probe
        rate = f", {r.generated_tokens / r.seconds:,.0f} tokens/s" if r.seconds else ""
        self.heading.setText(f"{p.name} v{p.version}, {p.count} cases · {Path(r.run).name} step {r.step} · "
                             f"{r.mode}, budget {r.decode_budget}{rate}")
        boards = [(s, getattr(r.scoreboard, s)) for s in SURFACES]
        metrics = list(dict.fromkeys(m for _, b in boards for m in b.overall))
        self.scoreboard.setRowCount(len(boards))
        self.scoreboard.setColumnCount(len(metrics))
        self.scoreboard.setVerticalHeaderLabels([s for s, _ in boards])
        self.scoreboard.setHorizontalHeaderLabels([SHORT.get(m, metric_label(m)) for m in metrics])
        for col, metric in enumerate(metrics):
            self.scoreboard.horizontalHeaderItem(col).setToolTip(metric)
        self.scoreboard.setFixedHeight(self.scoreboard.horizontalHeader().height()
                                       + 2 * self.scoreboard.verticalHeader().defaultSectionSize() + 4)
        for row, (_, board) in enumerate(boards):
            for col, metric in enumerate(metrics):
                value = board.overall.get(metric)
                item = QTableWidgetItem("–" if value is None else f"{100 * value:.1f} %")
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.scoreboard.setItem(row, col, item)
        self._fill_classes()

    def _fill_classes(self) -> None:
        surface = self.surface.currentText()
        counts = getattr(self.result.scoreboard, surface).counts.get("failure_classes", {})
        listed = ", ".join(f"{k} {n}" for k, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))
        self.classes.setText(f"failure classes ({surface}): {listed or 'none'}")

    def _fill_filter_choices(self) -> None:
        cases = self.result.cases
        self._refill(self.layout_filter, "all layouts", sorted({c.layout for c in cases}))
        splits = {c.split for c in cases}
        self._refill(self.split, "all splits", [s for s in SPLITS if s in splits] + sorted(splits - set(SPLITS)))
        self._fill_failure_choices()

    def _fill_failure_choices(self) -> None:
        surface = self.surface.currentText()
        found = [getattr(c, f"{surface}_result").failure_class for c in self.result.cases]
        classes = sorted({f for f in found if f is not None}, key=lambda k: (-found.count(k), k))
        self._refill(self.failure, "all cases", [ANY_FAILURE, PASSING, *classes],
                     {k: f"{k} ({found.count(k)})" for k in classes})

    @staticmethod
    def _refill(combo: QComboBox, everything: str, values: list[str], labels: dict | None = None) -> None:
        """Everything first (data None), then each value; the current choice stays when it still exists."""
        current = combo.currentData()
        combo.clear()
        combo.addItem(everything, None)
        for value in values:
            combo.addItem((labels or {}).get(value, value), value)
        combo.setCurrentIndex(max(0, combo.findData(current)) if current is not None else 0)

    def set_filter(self, combo: QComboBox, value: str | None) -> None:
        """Choose a filter value as a person would (tests, and links from elsewhere)."""
        combo.setCurrentIndex(combo.findData(value) if value is not None else 0)
        if combo is self.split:
            self._fill_confusion()
        self.apply_filters()

    def _on_split_changed(self) -> None:
        self._fill_confusion()   # the matrix follows the split; a picked cell does not carry over
        self.apply_filters()

    def _on_surface_changed(self) -> None:
        if self.result is not None:
            self._fill_classes()
            self._fill_failure_choices()
            self._fill_confusion()
            self.apply_filters()

    def _fill_confusion(self) -> None:
        """The matrix of the chosen key for the judged output, over the split filter's split."""
        self.confusion_cell = None
        self.confusion_said.setText("click a cell: the cases of that confusion")
        key, surface = self.confusion_key.currentText(), self.surface.currentText()
        table = self.result.confusion(surface)[key].get(self.split.currentData() or "all", {})
        rows, cols = sorted(table), sorted({g for r in table.values() for g in r})
        self.confusion.setRowCount(len(rows))
        self.confusion.setColumnCount(len(cols))
        self.confusion.setVerticalHeaderLabels(rows)
        self.confusion.setHorizontalHeaderLabels(cols)
        for i, e in enumerate(rows):
            for j, g in enumerate(cols):
                n = table[e].get(g, 0)
                item = QTableWidgetItem(str(n) if n else "")
                item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                if n:
                    item.setForeground(QBrush(QColor(PASS_COLOUR if e == g else FAIL_COLOUR)))
                self.confusion.setItem(i, j, item)

    def pick_confusion(self, row: int, col: int) -> None:
        """Filter the cases to one cell of the matrix; the same cell again clears it."""
        key = self.confusion_key.currentText()
        cell = (key, self.confusion.verticalHeaderItem(row).text(), self.confusion.horizontalHeaderItem(col).text())
        self.confusion_cell = None if cell == self.confusion_cell else cell
        self.confusion_said.setText(f"{key}: {cell[1]} → {cell[2]} (click again to clear)" if self.confusion_cell
                                    else "click a cell: the cases of that confusion")
        self.apply_filters()

    def apply_filters(self) -> None:
        if self.result is None:
            return
        shown = self.current_case()
        surface = self.surface.currentText()
        self.visible = [c for c in self.result.cases
                        if case_matches(c, surface, self.failure.currentData(), self.layout_filter.currentData(),
                                        self.split.currentData(), self.confusion_cell)]
        self.cases.blockSignals(True)   # one _show_case for the new rows, below, whether or not the row moved
        self.cases.setRowCount(len(self.visible))
        red = QBrush(QColor(FAIL_COLOUR))
        for row, case in enumerate(self.visible):
            result = getattr(case, f"{surface}_result")
            cells = (case.id, case.split, case.layout, result.failure_class or "pass",
                     f"{case.tokens}/{case.budget}" if case.budget else str(case.tokens))
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if col == 3:
                    item.setForeground(red if result.failure_class else QBrush(QColor(PASS_COLOUR)))
                self.cases.setItem(row, col, item)
        if self.visible:
            self.cases.setCurrentCell(self.visible.index(shown) if shown in self.visible else 0, 0)
        self.cases.blockSignals(False)
        self._show_case(self.cases.currentRow() if self.visible else -1)

    # ---- one case ------------------------------------------------------------------------------
    def current_case(self) -> ProbeCase | None:
        row = self.cases.currentRow()
        return self.visible[row] if 0 <= row < len(self.visible) else None

    def step(self, by: int) -> None:
        """The next (by=1) or previous (by=-1) case of the filtered rows; stops at either end."""
        if self.visible:
            self.cases.setCurrentCell(max(0, min(len(self.visible) - 1, self.cases.currentRow() + by)), 0)

    def _show_case(self, row: int) -> None:
        case = self.visible[row] if 0 <= row < len(self.visible) else None
        if case is None:
            self.case_title.setText("no case matches the filters" if self.result else "")
            for w in (self.failure_class, self.evidence):
                w.clear()
            self.prompt.clear()
            self.diff.set_texts("", "")
            return
        surface = self.surface.currentText()
        result = getattr(case, f"{surface}_result")
        self.case_title.setText(f"{case.id} · {case.split} · {case.layout} · {row + 1} of {len(self.visible)}")
        self.failure_class.setText(f"{surface}: {result.failure_class or 'pass'}")
        self.failure_class.setStyleSheet(f"color: {FAIL_COLOUR if result.failure_class else PASS_COLOUR};"
                                         " font-weight: bold")
        self.evidence.setText(result.evidence)
        self.prompt.setPlainText(case.prompt)
        self.diff.set_texts(case.expected, getattr(case, surface))
        self.actual_picture.title.setText(f"output ({surface})")
        self.request += 1
        self.render_requested.emit(self.request, case, str(self.path.parent), surface)

    def _on_rendered(self, request: int, pictures: CasePictures) -> None:
        if request != self.request:
            return   # a case stepped past before its pictures came
        self.expected_picture.show_svg(pictures.expected, pictures.why_expected)
        self.actual_picture.show_svg(pictures.actual, pictures.why_actual)
        if (case := self.current_case()) is not None:
            self.case_shown.emit(case.id)

    # ---- running a probe -----------------------------------------------------------------------
    def _on_run_clicked(self) -> None:
        folder = self.run_choice.currentData()
        if not folder:
            return
        self.run_button.setEnabled(False)
        self.stop_button.setEnabled(True)
        self.progress.setValue(0)
        self.progress.show()
        self.status.setStyleSheet("")
        self.status.setText(f"probing {self.run_choice.currentText()} ({self.mode.currentText()})…")
        self.probe_job.start(folder, self.mode.currentText() == "constrained", str(self.workspace))

    def _on_progress(self, progress) -> None:
        stage, done, total = progress.data["stage"], progress.done, progress.total
        # decoding is most of the time; scoring fills the last fifth of the bar
        share = done / max(1, total)
        self.progress.setValue(round(100 * (0.8 * share if stage == "decode" else 0.8 + 0.2 * share)))
        self.progress.setFormat(f"{stage} {done}/{total}")

    def _on_probe_finished(self, result) -> None:
        path, recorded = result.value["path"], result.value["recorded"]
        self._probe_ended()
        if self.open_probe(Path(path)):
            self.status.setText(f"{path}" + (f" ({recorded})" if recorded else ""))
        self.refresh_runs()

    def _on_probe_failed(self, error) -> None:
        self._probe_ended()
        self._say_failed(error.message)

    def _probe_ended(self) -> None:
        self.progress.hide()
        self.stop_button.setEnabled(False)
        self.run_button.setEnabled(self.run_choice.count() > 0)

    def _say_failed(self, message: str) -> None:
        self.status.setText(message)
        self.status.setStyleSheet(f"color: {FAIL_COLOUR}")
