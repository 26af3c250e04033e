"""Training: the spec in use (chosen here; the studio remembers it), its preflight checklist,
start / stop / resume, and live plots of loss, grad norm, learning rate and tokens/s with stage
boundaries, smoothing, earlier runs overlaid, and the run's checkpoints. Training and preflight
are the panel's own jobs (studio/jobs.py); their events arrive by signal into buffers; each plot
redraws at 10 Hz, one plot per tick of a 40 Hz timer, so one tick's painting stays a quarter of the
whole (pyqtgraph's axes cost most of it: about 25 ms for all four under PySide6 here).

The plots show the live run, or a recorded one (double-click it in the earlier runs, or in Runs);
either way its loss-curve readings are marks on them (studio/curve_marks.py)."""
from __future__ import annotations

import json
import time
from pathlib import Path

import pyqtgraph as pg
from qtpy.QtCore import Qt, QTimer, Signal
from qtpy.QtWidgets import (QCheckBox, QFileDialog, QHBoxLayout, QLabel, QLineEdit, QListWidget,
                            QListWidgetItem, QProgressBar, QPushButton, QSizePolicy, QSlider, QSpinBox, QSplitter,
                            QVBoxLayout, QWidget)

from studio import curve_marks, tasks
from studio.jobs import Job
from studio.status_label import StatusLabel
from studio.workers import start, stop

from engine.paths import Workspace
from engine.preflight import PARITY_FILE
from engine.rundir import RunDir

SERIES = (("loss", "loss"), ("grad_norm", "grad norm"), ("lr", "learning rate"), ("tokens_per_s", "tokens/s"))
REDRAW_MS = 100                       # each plot's refresh period
OVERLAY_COLOURS = ((180, 180, 180), (230, 160, 90), (140, 200, 120), (200, 130, 200))   # earlier runs, by legend
TICK_MS = REDRAW_MS // len(SERIES)    # one plot per tick
READINGS_MS = 2000                    # a live run's readings, asked again at most this often


def smooth(values: list[float], alpha: float) -> list[float]:
    """Exponential moving average; alpha 0 leaves the values as they are."""
    out, last = [], None
    for v in values:
        last = v if last is None else alpha * last + (1 - alpha) * v
        out.append(last)
    return out


def clock(seconds: float) -> str:
    """12:05, or 1:02:05 past an hour."""
    m, s = divmod(round(seconds), 60)
    return f"{m // 60}:{m % 60:02d}:{s:02d}" if m >= 60 else f"{m}:{s:02d}"


def progress_text(step: int, target: int, first: tuple[int, float] | None, now: float, tokens_per_s: float) -> str:
    """'step 12 / 40 · ETA 0:31 · 5,120 tokens/s'. The ETA is the rate of this session's steps
    (`first`: the step and time it began at) times what is left."""
    eta = ""
    if first is not None and step > first[0]:
        eta = f" · ETA {clock((target - step) * (now - first[1]) / (step - first[0]))}"
    return f"step {step} / {target}{eta} · {tokens_per_s:,.0f} tokens/s"


def preflight_inputs(spec: str) -> list[Path]:
    """The files a preflight verdict was decided from, beyond the gold pack (the window reports
    a save): the spec and the parity regimen's result."""
    return [Path(spec), Workspace().parity / PARITY_FILE]


def read_metrics(path: Path) -> list[dict]:
    events = []
    for line in path.read_text().splitlines():
        try:
            events.append(json.loads(line))
        except json.JSONDecodeError:
            break  # a line cut by a crash ends the readable part
    return events


class TrainingPanel(QWidget):
    spec_chosen = Signal(str)   # the spec now in use: typed, picked, or trained or checked with
    run_recorded = Signal(str)  # a run the panel started is in the ledger (its id), or its record changed
    preflight_done = Signal(bool)   # a preflight run ended: passed or not
    readings_requested = Signal(int, str, bool)   # request id, metrics.jsonl, with its steps (to the worker)
    readings_shown = Signal(list)           # the readings now marked on the plots

    def __init__(self, spec: Path | None, runs: Path, parent=None):
        super().__init__(parent)
        self.runs = runs
        self.inputs_changed_at = 0.0          # when the window last reported a changed input (a save)
        self.pending_start: bool | None = None  # resume flag of a start waiting for its preflight
        self.target_steps = 0
        self.first_step: tuple[int, float] | None = None
        self.run_id = ""
        self.steps: list[dict] = []
        self.stages: list[tuple[int, str]] = []
        self.dirty: set[str] = set()           # series whose plot waits for a redraw
        self.turn = 0                          # the series the next tick looks at first
        self.overlay_cache: dict[tuple[str, int], list[dict]] = {}
        self.readings_request = 0
        self.history_request = -1   # a resumed run's steps before its stop, asked for when it resumes
        self.shown_metrics = ""   # a recorded run's metrics.jsonl on the plots ('' : the live run's)
        self.readings: list = []  # the readings marked on the plots
        self.spec = QLineEdit(str(spec or ""))
        self.spec_button = QPushButton("…")
        self.spec_button.setToolTip("choose the spec")
        self.run_name = QLineEdit(spec.stem if spec else "")
        self.max_steps = QSpinBox(maximum=1_000_000)
        self.max_steps.setSpecialValueText("all")
        self.skip_preflight = QCheckBox("skip preflight")
        self.preflight_button = QPushButton("Preflight")
        self.start_button, self.resume_button, self.stop_button = (QPushButton(t) for t in ("Start", "Resume", "Stop"))
        self.stop_button.setEnabled(False)
        self.status = StatusLabel("idle")
        self.bar = QProgressBar()
        self.bar.setMinimumWidth(340)   # "step 1,234 / 5,000 · ETA 1:02:03 · 12,345 tokens/s" fits
        self.bar.setTextVisible(True)
        self.bar.hide()
        self.checklist_title = StatusLabel("Preflight")
        top = QHBoxLayout()
        for w in (QLabel("spec"), self.spec, self.spec_button, QLabel("run"), self.run_name, QLabel("max steps"),
                  self.max_steps, self.skip_preflight, self.preflight_button, self.start_button, self.resume_button,
                  self.stop_button):
            top.addWidget(w)

        self.checklist = QListWidget()
        self.checkpoints = QListWidget()
        self.overlays = QListWidget()
        for lst in (self.checklist, self.checkpoints, self.overlays):
            lst.setMinimumHeight(36)
        self.overlays.itemChanged.connect(lambda _: self._mark_dirty())
        self.overlays.itemDoubleClicked.connect(
            lambda item: self.show_run(Path(item.data(Qt.ItemDataRole.UserRole)[1]).parent))
        side = QVBoxLayout()
        self.overlays.setToolTip("the ledger's runs: tick one to draw its curves beside this run's; "
                                 "double-click it to show it, with its readings")
        for title, w in ((self.checklist_title, self.checklist), ("Ledger runs to overlay", self.overlays),
                         ("Checkpoints", self.checkpoints)):
            side.addWidget(title if isinstance(title, QLabel) else QLabel(title))
            side.addWidget(w, 1)
        side_box = QWidget()
        side_box.setLayout(side)

        self.smoothing = QSlider(Qt.Orientation.Horizontal, minimum=0, maximum=98, value=60)
        self.smoothing.valueChanged.connect(lambda _: self._mark_dirty())
        self.graphs = pg.GraphicsLayoutWidget()
        self.graphs.setMinimumHeight(160)  # the bottom docks share one area: keep it low when tabbed away
        self.plots, self.curves, self.raw = {}, {}, {}
        for i, (key, title) in enumerate(SERIES):
            plot = self.graphs.addPlot(row=i // 2, col=i % 2, title=title)
            plot.showGrid(x=True, y=True, alpha=0.2)
            plot.setLabel("bottom", "step")
            plot.setLabel("left", title)
            if key == "loss":
                plot.setLogMode(y=True)   # the late steps' gains are invisible on a linear axis
            # two columns, a translucent box: the names of overlaid runs fit in a plot a few lines high
            plot.addLegend(offset=(-10, 10), colCount=2, labelTextSize="8pt", brush=pg.mkBrush(0, 0, 0, 150))
            self.plots[key] = plot
            self.raw[key] = plot.plot(pen=pg.mkPen((120, 160, 220, 70)), name="this run (raw)")
            self.curves[key] = plot.plot(pen=pg.mkPen((90, 170, 255), width=2), name="this run (smoothed)")
        self.graphs.scene().sigMouseMoved.connect(self._on_mouse_moved)
        self.stage_lines: dict[str, list] = {key: [] for key, _ in SERIES}
        self.overlay_curves: dict[str, list] = {key: [] for key, _ in SERIES}
        self.overlays_drawn: dict[str, tuple] = {key: () for key, _ in SERIES}
        self.marks: dict[str, list] = {key: [] for key, _ in SERIES}
        smooth_row = QHBoxLayout()
        smooth_row.addWidget(QLabel("smoothing"))
        smooth_row.addWidget(self.smoothing)
        smooth_row.addWidget(self.bar)
        self.hover = StatusLabel()   # the step under the mouse
        # a width of its own: a box layout sizes an Ignored label by a hint of 0 whatever its
        # minimum, and the status beside it was drawn over it
        self.hover.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Preferred)
        self.hover.setFixedWidth(240)
        smooth_row.addWidget(self.hover)
        smooth_row.addWidget(self.status, 1)
        plots = QVBoxLayout()
        plots.addLayout(smooth_row)
        plots.addWidget(self.graphs, 1)
        plot_box = QWidget()
        plot_box.setLayout(plots)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(plot_box)
        split.addWidget(side_box)
        split.setSizes([900, 280])
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(split, 1)

        self.preflight_button.clicked.connect(self._on_preflight_clicked)
        self.start_button.clicked.connect(lambda: self._start(resume=False))
        self.resume_button.clicked.connect(lambda: self._start(resume=True))
        self.spec_button.clicked.connect(self._choose_spec)
        self.spec.editingFinished.connect(self._on_spec_edited)
        self.train_job = Job(tasks.train, self)
        self.stop_button.clicked.connect(self._stop)
        self.train_job.progressed.connect(self._on_progress)
        self.train_job.finished.connect(self._on_finished)
        self.train_job.failed.connect(self._on_failed)
        self.preflight_job = Job(tasks.preflight, self)
        self.preflight_job.progressed.connect(self._on_gate)
        self.preflight_job.finished.connect(self._on_preflight_finished)
        self.preflight_job.failed.connect(self._on_preflight_failed)
        self.timer = QTimer(self, interval=TICK_MS)
        self.timer.timeout.connect(self._redraw)
        self.timer.start()
        self.readings_worker = curve_marks.ReadingsWorker()
        self.threads = [start(self.readings_worker, self)]
        self.readings_requested.connect(self.readings_worker.read_run)
        self.readings_worker.read.connect(self._on_readings)
        self.readings_worker.failed.connect(self._on_readings_failed)
        self.readings_timer = QTimer(self, singleShot=True, interval=READINGS_MS)
        self.readings_timer.timeout.connect(self._read_live)

    @property
    def run_dir(self) -> Path:
        return self.runs / self.run_name.text()

    def shutdown(self) -> None:
        """End a run (it checkpoints first) and the preflight; the window calls this before it closes."""
        for job in (self.train_job, self.preflight_job):
            job.shutdown()
        stop(self.threads)

    def _choose_spec(self) -> None:
        name, _ = QFileDialog.getOpenFileName(self, "Spec to train", str(Path(self.spec.text()).parent),
                                              "spec (*.toml)")
        if name:
            self.spec.setText(name)
            self.run_name.setText(Path(name).stem)
            self._on_spec_edited()

    def _on_spec_edited(self) -> None:
        if self.spec.text():
            self.spec_chosen.emit(self.spec.text())

    def set_ledger_runs(self, runs: list[dict]) -> None:
        """The ledger's runs (engine.runs.ledger.Ledger.runs, newest first) offered for overlay; a
        ticked run stays ticked, one without a metrics file is listed but cannot be ticked."""
        ticked = {run for run, _ in self._ticked()}
        self.overlays.blockSignals(True)
        self.overlays.clear()
        for run in runs:
            metrics = RunDir(Path(run["run_dir"])).metrics
            loss = "" if run.get("loss") is None else f" · loss {run['loss']:.3f}"
            item = QListWidgetItem(f"{run['id']} · {run['status']}{loss}")
            item.setData(Qt.ItemDataRole.UserRole, (run["id"], str(metrics)))
            if metrics.is_file():
                item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                item.setCheckState(Qt.CheckState.Checked if run["id"] in ticked else Qt.CheckState.Unchecked)
                item.setToolTip(str(metrics))
            else:
                item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEnabled)
                item.setToolTip(f"no metrics at {metrics}")
            self.overlays.addItem(item)
        self.overlays.blockSignals(False)
        self._mark_dirty()

    def _ticked(self) -> tuple[tuple[str, str], ...]:
        """(run id, its metrics file) of each run ticked for overlay."""
        return tuple(tuple(item.data(Qt.ItemDataRole.UserRole)) for item in map(self.overlays.item, range(self.overlays.count()))
                     if item.checkState() == Qt.CheckState.Checked)

    def preflight_stale(self) -> str:
        """Why the spec's verdict cannot be trusted now ('' when it can): none yet, or an input
        changed since it was decided."""
        verdict = Workspace().preflight(self.spec.text()).verdict
        if not verdict.is_file():
            return "no preflight verdict yet"
        decided = verdict.stat().st_mtime
        changed = [p.name for p in preflight_inputs(self.spec.text()) if p.is_file() and p.stat().st_mtime > decided]
        if self.inputs_changed_at > decided:
            changed.append("the gold pack")
        return f"{', '.join(changed)} changed since the last preflight" if changed else ""

    def inputs_changed(self) -> None:
        """Slot: something a gate reads changed (a parity run, a saved entry, another spec). The
        checklist says it is stale; Start checks again before it trains."""
        self.inputs_changed_at = time.time()
        self._show_staleness()

    def _show_staleness(self) -> None:
        why = self.preflight_stale() if self.spec.text() else ""
        self.checklist_title.setText(f"Preflight — stale: {why}; Start checks again" if why and self.checklist.count()
                                     else "Preflight")
        self.checklist_title.setStyleSheet("color: #b7791f" if why and self.checklist.count() else "")

    def _start(self, resume: bool) -> None:
        self._on_spec_edited()
        self.start_button.setEnabled(False)
        self.resume_button.setEnabled(False)
        self.stop_button.setEnabled(True)
        if not self.skip_preflight.isChecked() and (why := self.preflight_stale()):
            self.pending_start = resume   # trained once the gates, checked again, pass
            self.status.setText(f"checking preflight first: {why}…")
            self._run_preflight()
            return
        self._train(resume)

    def _clear_run(self) -> None:
        """Empty the plots of the run shown, its stage lines and marks; answers still on their
        way about it are dropped."""
        self.steps, self.stages, self.shown_metrics, self.readings = [], [], "", []
        self.history_request = -1
        self.readings_request += 1
        self.readings_timer.stop()
        for key in self.plots:
            for item in self.stage_lines[key] + self.marks[key]:
                self.plots[key].removeItem(item)
            self.stage_lines[key].clear()
            self.marks[key].clear()
        self._mark_dirty()

    def show_run(self, folder: Path) -> None:
        """A recorded run's curves and readings on the plots, in place of the last run's."""
        if self.train_job.running:
            self.status.setText(f"{self.run_name.text()} is training: {Path(folder).name} can be shown when it ends")
            return
        self._clear_run()
        self.shown_metrics = str(RunDir(folder).metrics)
        self.status.setText(f"reading {Path(folder).name}…")
        self.readings_requested.emit(self.readings_request, self.shown_metrics, True)

    def _read_live(self) -> None:
        metrics = RunDir(self.run_dir).metrics
        if not self.shown_metrics and metrics.is_file():
            self.readings_request += 1
            self.readings_requested.emit(self.readings_request, str(metrics), False)

    def _on_readings(self, request: int, path: str, step_events: list, readings: list) -> None:
        if request == self.history_request and step_events is not None:
            # before the live steps that came in meanwhile; the file may hold some of them too
            first = self.steps[0]["step"] if self.steps else None
            self._plot_steps([e for e in step_events if first is None or e["step"] < first] + self.steps)
            return
        if request != self.readings_request:
            return   # about a run no longer shown, or an older version of the live one
        if step_events is not None:   # a recorded run's, asked for to plot it
            self._plot_steps(step_events)
            self.status.setText(f"{Path(path).parent.name}: {len(step_events)} steps, "
                                f"{len(readings)} reading{'s' * (len(readings) != 1)} marked")
        if readings != self.readings:   # a live run read again, unchanged: the marks on the plots stand
            self._mark_readings(readings)
        self.readings_shown.emit(readings)

    def _plot_steps(self, step_events: list) -> None:
        self.steps = step_events
        self.stages = [(e["step"], e.get("stage", "")) for i, e in enumerate(step_events)
                       if i == 0 or e.get("stage") != step_events[i - 1].get("stage")]
        self._mark_dirty()

    def _mark_readings(self, readings: list) -> None:
        self.readings = readings
        for key, items in self.marks.items():
            for item in items:
                self.plots[key].removeItem(item)
            items.clear()
        for reading in readings:
            if reading.step is not None:
                line = curve_marks.mark(reading)
                self.plots[reading.series].addItem(line)
                self.marks[reading.series].append(line)

    def _on_readings_failed(self, request: int, message: str) -> None:
        if request == self.readings_request:
            self.status.setText(message)

    def _train(self, resume: bool) -> None:
        self._clear_run()
        metrics = RunDir(self.run_dir).metrics
        if resume and metrics.is_file():   # the curve goes on from where the run stopped, not from blank
            self.readings_request += 1
            self.history_request = self.readings_request
            self.readings_requested.emit(self.history_request, str(metrics), True)
        self.checkpoints.clear()
        self.first_step, self.target_steps = None, 0
        self.bar.hide()
        self.status.setText("preparing the run…")
        self.train_job.start(self.spec.text(), str(self.run_dir), resume, self.max_steps.value(),
                             self.skip_preflight.isChecked(), str(Workspace().root))

    def _stop(self) -> None:
        """Stop the run, or the preflight a start waits for (then nothing trains)."""
        if self.pending_start is not None:
            self.pending_start = None
            self.preflight_job.stop()
            self.status.setText("start cancelled")
            self._idle()
        self.train_job.stop()

    def _on_preflight_clicked(self) -> None:
        self._on_spec_edited()
        self._run_preflight()

    def _run_preflight(self) -> None:
        self.checklist.clear()
        self.checklist.addItem("running the six gates…")
        self.checklist_title.setText("Preflight")
        self.checklist_title.setStyleSheet("")
        spec = self.spec.text()
        self.preflight_job.start(spec, str(Workspace().preflight(spec).folder))

    # ---- slots for the jobs' signals --------------------------------------------------------------
    def _on_gate(self, progress) -> None:
        gate = progress.data["gate"]
        if self.checklist.count() == 1 and self.checklist.item(0).text().startswith("running"):
            self.checklist.clear()
        mark = {"pass": "\u2713", "fail": "\u2717"}.get(gate["status"], "\u2022")
        item = QListWidgetItem(f"{mark} {gate['name']}: {gate['status']}")
        item.setToolTip(gate["detail"])
        item.setForeground(Qt.GlobalColor.darkGreen if gate["passed"] else Qt.GlobalColor.red)
        self.checklist.addItem(item)

    def _on_preflight_finished(self, result) -> None:
        passed = result.value.passed   # engine.preflight.Preflight
        self._show_staleness()
        self.preflight_done.emit(passed)
        if self.pending_start is None:
            return
        resume, self.pending_start = self.pending_start, None
        if passed:
            self._train(resume)
        else:
            self.status.setText(result.summary)
            self._idle()

    def _on_preflight_failed(self, error) -> None:
        self.pending_start = None
        self.checklist.clear()
        self.checklist.addItem(error.message)
        self.status.setText(error.message)
        self._idle()

    def _on_progress(self, progress) -> None:
        event = progress.data   # the trainer's record, as in metrics.jsonl
        kind = event["event"]
        if kind == "step":
            if self.steps and event["step"] <= self.steps[-1]["step"]:
                return   # read from the file with a resumed run's history already
            self.steps.append(event)
            if not self.stages or self.stages[-1][1] != event.get("stage"):
                self.stages.append((event["step"], event.get("stage", "")))
            self._mark_dirty()
            self._show_step(event)
            if not self.readings_timer.isActive():
                self.readings_timer.start()
        elif kind == "checkpoint":
            self.checkpoints.addItem(f"step {event['step']}: {Path(event['path']).name}")
        elif kind == "start":
            total, limit = int(event.get("total_steps") or 0), self.max_steps.value()
            self.target_steps = min(total, limit) if limit else total   # max steps ends the run before the schedule
            self.first_step = (int(event.get("step") or 0), time.monotonic())
            self.bar.setRange(0, max(1, self.target_steps))
            self.bar.setValue(int(event.get("step") or 0))
            self.bar.setFormat(f"step {event.get('step') or 0} / {self.target_steps}")
            self.bar.show()
            self.status.setText(f"training {self.run_name.text()}: {self.target_steps} steps"
                                + (f" (of {total} in the schedule)" if self.target_steps != total else ""))
        elif kind == "recorded":
            self.run_id = event["run"]
            self.run_recorded.emit(self.run_id)

    def _show_step(self, event: dict) -> None:
        step = int(event["step"])
        self.bar.setValue(min(step, self.bar.maximum()))
        self.bar.setFormat(progress_text(step, self.target_steps, self.first_step, time.monotonic(),
                                         float(event.get("tokens_per_s") or 0)))

    def _on_finished(self, result) -> None:
        self.status.setText(result.summary)
        self._idle()
        self._read_live()
        if self.run_id:
            self.run_recorded.emit(self.run_id)   # its final metrics and status

    def _on_failed(self, error) -> None:
        self.status.setText(error.message)
        self._idle()
        self._read_live()
        if self.run_id:
            self.run_recorded.emit(self.run_id)

    def _idle(self) -> None:
        self.start_button.setEnabled(True)
        self.resume_button.setEnabled(True)
        self.stop_button.setEnabled(False)

    def _on_mouse_moved(self, pos) -> None:
        """Name the step under the mouse and this run's value there, in the plot it is over."""
        for key, title in SERIES:
            plot = self.plots[key]
            if not plot.sceneBoundingRect().contains(pos):
                continue
            step = round(plot.vb.mapSceneToView(pos).x())
            event = next((e for e in self.steps if e["step"] == step), None)
            self.hover.setText(f"step {step} · {title} {float(event.get(key) or 0):.4g}" if event else f"step {step}")
            return

    def _mark_dirty(self) -> None:
        self.dirty.update(key for key, _ in SERIES)

    def _overlay_events(self, path: str) -> list[dict]:
        """A finished run's step events, read once per version of its metrics file."""
        key = (path, Path(path).stat().st_mtime_ns)
        if key not in self.overlay_cache:
            self.overlay_cache[key] = [e for e in read_metrics(Path(path)) if e.get("event") == "step"]
        return self.overlay_cache[key]

    def _redraw(self) -> None:
        """Redraw the next plot that waits: its curves, new stage lines, changed overlays."""
        keys = [key for key, _ in SERIES]
        waiting = [k for k in keys[self.turn:] + keys[:self.turn] if k in self.dirty]
        if not waiting:
            return
        key = waiting[0]
        self.dirty.discard(key)
        self.turn = (keys.index(key) + 1) % len(keys)
        plot, alpha = self.plots[key], self.smoothing.value() / 100
        xs = [e["step"] for e in self.steps]
        ys = [float(e.get(key) or 0.0) for e in self.steps]
        self.raw[key].setData(xs, ys)
        self.curves[key].setData(xs, smooth(ys, alpha))
        lines = self.stage_lines[key]
        for step, stage in self.stages[1 + len(lines):]:  # the first stage starts the plot: no line
            line = pg.InfiniteLine(step, angle=90, pen=pg.mkPen((255, 200, 80), style=Qt.PenStyle.DashLine),
                                   label=stage, labelOpts={"position": 0.9})
            plot.addItem(line)
            lines.append(line)
        checked = self._ticked()
        if self.overlays_drawn[key] != (checked, alpha):
            self.overlays_drawn[key] = (checked, alpha)
            for curve in self.overlay_curves[key]:
                plot.removeItem(curve)
            self.overlay_curves[key] = [
                plot.plot([e["step"] for e in events], smooth([float(e.get(key) or 0) for e in events], alpha),
                          pen=pg.mkPen(OVERLAY_COLOURS[n % len(OVERLAY_COLOURS)], width=1), name=run)
                for n, (run, path, events) in enumerate((r, p, self._overlay_events(p)) for r, p in checked)]
