"""The train → probe → report path as a person walks it in the studio: a preflight that is never
stale, a progress bar that counts the steps the run will take, every run the studio trains in the
ledger, the runs listed wherever the ledger changed, "Run probe" ready again after a probe, and
no message that widens the window. (The report's export is test_runs_panel.py's.)"""
from __future__ import annotations

import json
import os
import time
from pathlib import Path

import job_tasks
import pyqtgraph as pg
import pytest
from qtpy.QtCore import Qt
from studio_helpers import ROOT

from engine.events import Progress, Result
from engine.paths import Workspace
from engine.preflight import PARITY_FILE, Gate, Preflight
from engine.rundir import RunDir
from engine.runs.ledger import Ledger
from engine.runs.record import record_folder
from studio import perspectives, tasks
from studio.ledger_watch import LedgerWatch
from studio.probe_panel import ProbePanel
from studio.training_panel import TrainingPanel, progress_text
from tests.runs_fixtures import run_folder

SPEC = ROOT / "specs" / "spec01.toml"


@pytest.fixture
def training(qtbot, monkeypatch):
    """The panel with its two jobs replaced by what they were asked: the engine's side is
    test_preflight.py's and test_train*.py's."""
    panel = TrainingPanel(SPEC, Workspace().runs)
    qtbot.addWidget(panel)
    panel.asked = []
    monkeypatch.setattr(panel.preflight_job, "start", lambda *a: panel.asked.append(("preflight", a)))
    monkeypatch.setattr(panel.train_job, "start", lambda *a: panel.asked.append(("train", a)))
    yield panel
    panel.shutdown()


def verdict(passed: bool) -> Result:
    gates = [Gate("parity regimen", "pass" if passed else "fail", "planted")]
    return Result("preflight", "preflight spec01: " + ("ready to train" if passed else "BLOCKED by parity regimen"),
                  Preflight("spec01", gates))


def write_verdict(age_s: float = 0) -> Path:
    path = Workspace().preflight(SPEC).verdict
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"passed": True, "gates": []}))
    then = time.time() - age_s
    os.utime(path, (then, then))
    return path


def test_start_checks_the_preflight_again_whenever_an_input_changed_since(training, qtbot):
    qtbot.mouseClick(training.start_button, Qt.MouseButton.LeftButton)   # never preflighted
    assert [k for k, _ in training.asked] == ["preflight"]
    assert "no preflight verdict yet" in training.status.text() and training.stop_button.isEnabled()
    training.preflight_job.finished.emit(verdict(True))                  # it passes: the run starts
    assert [k for k, _ in training.asked] == ["preflight", "train"]

    training.asked.clear()
    write_verdict(age_s=60)                                              # Parity's "Run regimen" since
    parity = Workspace().parity / PARITY_FILE
    parity.parent.mkdir(parents=True, exist_ok=True)
    parity.write_text("{}")
    training._idle()
    qtbot.mouseClick(training.start_button, Qt.MouseButton.LeftButton)
    assert [k for k, _ in training.asked] == ["preflight"]
    assert f"{PARITY_FILE} changed since the last preflight" in training.status.text()
    training.preflight_job.finished.emit(verdict(False))                # checked again, still blocked
    assert [k for k, _ in training.asked] == ["preflight"]
    assert "BLOCKED by parity regimen" in training.status.text() and training.start_button.isEnabled()

    training.asked.clear()
    write_verdict()                                                      # decided after every input
    qtbot.mouseClick(training.start_button, Qt.MouseButton.LeftButton)
    assert [k for k, _ in training.asked] == ["train"]
    args = training.asked[0][1]
    assert args[:2] == (str(SPEC), str(training.run_dir)) and args[-1] == str(Workspace().root)

    training.asked.clear()
    training._idle()
    training.inputs_changed()                                            # a gold entry saved, say
    qtbot.mouseClick(training.start_button, Qt.MouseButton.LeftButton)
    assert [k for k, _ in training.asked] == ["preflight"] and "the gold pack" in training.status.text()
    qtbot.mouseClick(training.stop_button, Qt.MouseButton.LeftButton)  # cancelled before it trains
    training.preflight_job.finished.emit(verdict(True))
    assert [k for k, _ in training.asked] == ["preflight"] and training.start_button.isEnabled()


def test_a_parity_run_marks_the_checklist_stale_in_the_window(window, qtbot):
    training = window.training
    write_verdict(age_s=60)
    training.checklist.addItem("✓ parity regimen: pass")
    parity = Workspace().parity / PARITY_FILE
    parity.parent.mkdir(parents=True, exist_ok=True)
    parity.write_text("{}")
    window.parity.job.finished.emit(Result("parity", "done", {
        "config": "l3_d192", "passed": True, "seconds": {"total": 1.0, "ck": 0.5, "torch": 0.5},
        "first_divergence": None}))
    assert "stale" in training.checklist_title.text() and PARITY_FILE in training.checklist_title.text()


def test_the_progress_bar_counts_to_max_steps_with_eta_and_tokens_per_second(training, monkeypatch):
    training.max_steps.setValue(40)
    clock = iter([100.0, 110.0])
    monkeypatch.setattr(time, "monotonic", lambda: next(clock))
    training.train_job.progressed.emit(Progress("train", 0, 1081, "start", {"event": "start", "step": 0,
                                                                           "total_steps": 1081}))
    assert "40 steps (of 1081 in the schedule)" in training.status.text() and training.bar.maximum() == 40
    training.train_job.progressed.emit(Progress("train", 10, 1081, "step", {
        "event": "step", "step": 10, "stage": "s1", "loss": 2.0, "tokens_per_s": 5120.4}))
    assert training.bar.value() == 10
    assert training.bar.format() == "step 10 / 40 · ETA 0:30 · 5,120 tokens/s"   # 1 s a step, 30 to go
    assert progress_text(5, 40, None, 0, 0) == "step 5 / 40 · 0 tokens/s"
    assert progress_text(3700, 7300, (0, 0.0), 3700.0, 9) == "step 3700 / 7300 · ETA 1:00:00 · 9 tokens/s"


class FakeTrainer:
    def __init__(self, folder: Path, last: str):
        self.run_dir, self.last = RunDir(folder), last

    def run(self, stop):
        yield Progress("train", 1, 2, "step", {"event": "step", "step": 1})
        yield Progress("train", 2, 2, "checkpoint", {"event": "checkpoint", "step": 2, "path": "ckpt"})
        yield Result("train", "trained", {"event": self.last, "step": 2})


@pytest.mark.parametrize("last, status", [("finished", "finished"), ("stopped", "stopped")])
def test_a_run_trained_in_the_studio_is_in_the_ledger_from_its_start_to_its_end(monkeypatch, tmp_path, last, status):
    import engine.train.run

    workspace = Workspace().root
    folder = run_folder(Workspace().runs / "spec01")
    monkeypatch.setattr(engine.train.run, "prepare_run", lambda *a, **k: FakeTrainer(folder, last))
    stream = tasks.train(str(SPEC), str(folder), False, 0, False, str(workspace), None)
    recorded = next(stream)
    run_id = recorded.data["run"]
    assert recorded.data["event"] == "recorded"
    with Ledger.open(workspace) as ledger:
        assert [(r["id"], r["status"]) for r in ledger.runs()] == [(run_id, "training")]
    *_, end = stream
    assert end.summary.endswith(f"ledger: {run_id}")
    with Ledger.open(workspace) as ledger:
        assert [(r["id"], r["status"]) for r in ledger.runs()] == [(run_id, status)]


def test_the_ledger_watch_sees_a_command_record_a_run(qtbot, tmp_path):
    watch = LedgerWatch(tmp_path / "ws")
    assert not watch.poll()
    with Ledger.open(tmp_path / "ws") as ledger:   # `ck runs record`, from a terminal
        record_folder(ledger, run_folder(tmp_path / "ws" / "runs" / "r1"))
    with qtbot.waitSignal(watch.changed, timeout=3000) as seen:
        pass
    assert seen.args == [str(tmp_path / "ws")] and not watch.poll()


@pytest.mark.engine_heavy
def test_runs_recorded_elsewhere_appear_in_runs_and_the_probe_gallery_without_a_restart(window, qtbot):
    assert window.runs.table.rowCount() == 0 and window.probe.run_choice.count() == 0
    ws = Workspace()
    with Ledger.open(ws.root) as ledger:
        run_id = record_folder(ledger, run_folder(ws.runs / "spec01"))
    qtbot.waitUntil(lambda: window.runs.table.rowCount() == 1 and window.probe.run_choice.count() == 1, timeout=8000)
    assert window.runs.table.item(0, 0).text() == run_id == window.probe.run_choice.itemText(0)


@pytest.mark.engine_heavy
def test_run_probe_is_ready_again_once_a_probe_has_finished(qtbot, tmp_path):
    panel = ProbePanel(tmp_path / "ws")
    qtbot.addWidget(panel)
    panel.probe_job.task = job_tasks.probe_written
    panel.resize(1400, 800)
    panel.show()
    listed = []
    panel.ledger_worker.runs_listed.connect(lambda *_: listed.append(1))
    try:
        run_folder(tmp_path / "ws" / "runs" / "r1")
        panel.refresh_runs()
        qtbot.waitUntil(lambda: panel.run_choice.count() == 1, timeout=5000)
        for _ in range(2):   # and again: the second run is not refused as "running already"
            with qtbot.waitSignal(panel.probe_loaded, timeout=60000):
                qtbot.mouseClick(panel.run_button, Qt.MouseButton.LeftButton)
            before = len(listed)
            qtbot.waitUntil(lambda: len(listed) > before or not panel.probe_job.running, timeout=5000)
            qtbot.wait(200)   # the refresh the probe asked for has been answered
            assert panel.run_button.isEnabled() and not panel.stop_button.isEnabled()
            assert panel.cases.rowCount() == 16
    finally:
        panel.shutdown()


def test_no_message_widens_the_window(window, qtbot):
    window.resize(1280, 720)
    qtbot.wait(50)
    width = window.width()
    long = "blocked by preflight: " + "parity regimen (not run) " * 40
    for label in (window.training.status, window.training.checklist_title, window.parity.status,
                  window.parity.divergence, window.gold.gate_status, window.gold.score, window.budget.verdict,
                  window.playground.status, window.runs.where, window.probe.status):
        label.setText(long)
    for name in perspectives.NAMES:   # every panel, on screen in the perspective of its work
        window.use_perspective(name)
        for dock in window.docks().values():
            if not dock.isHidden():
                dock.raise_()
                qtbot.wait(20)
                assert window.width() == width, (name, dock.windowTitle())
    assert window.training.status.toolTip() == long   # what is cut off can be read


def test_plots_have_axis_labels_a_log_loss_and_a_legend_naming_the_overlaid_runs(qtbot):
    earlier = run_folder(Workspace().runs / "earlier")          # a finished run's metrics.jsonl
    panel = TrainingPanel(SPEC, Workspace().runs)
    qtbot.addWidget(panel)
    try:
        loss = panel.plots["loss"]
        assert loss.getAxis("bottom").labelText == "step" and loss.getAxis("left").labelText == "loss"
        assert loss.ctrl.logYCheck.isChecked() and not panel.plots["lr"].ctrl.logYCheck.isChecked()
        panel.set_ledger_runs([{"id": "spec01-r1", "status": "finished", "loss": 2.5, "run_dir": str(earlier)}])
        panel.overlays.item(0).setCheckState(Qt.CheckState.Checked)
        qtbot.waitUntil(lambda: not panel.dirty, timeout=3000)
        names = [label.text for _, label in loss.legend.items]
        assert names == ["this run (raw)", "this run (smoothed)", "spec01-r1"]
    finally:
        panel.shutdown()


@pytest.mark.engine_heavy
def test_runs_to_overlay_are_the_ledgers_and_two_chosen_runs_are_drawn_with_a_legend(window, qtbot):
    """The overlay picker lists the ledger's runs (not folders on disk), follows the ledger without a
    restart, keeps what is ticked, and draws each ticked run's metrics.jsonl under its run id."""
    ws = Workspace()
    stray = run_folder(ws.runs / "not-in-the-ledger")   # a folder the ledger does not know is not offered
    with Ledger.open(ws.root) as ledger:
        first = record_folder(ledger, run_folder(ws.runs / "spec01"))
    panel = window.training
    qtbot.waitUntil(lambda: panel.overlays.count() == 1, timeout=8000)
    panel.overlays.item(0).setCheckState(Qt.CheckState.Checked)
    with Ledger.open(ws.root) as ledger:
        second = record_folder(ledger, run_folder(ws.runs / "spec01b"))
    qtbot.waitUntil(lambda: panel.overlays.count() == 2, timeout=8000)
    texts = [panel.overlays.item(i).text() for i in range(2)]
    assert texts[0].startswith(second) and texts[1].startswith(first) and not any(stray.name in t for t in texts)
    assert panel.overlays.item(1).checkState() == Qt.CheckState.Checked   # still ticked after the refresh
    panel.overlays.item(0).setCheckState(Qt.CheckState.Checked)
    qtbot.waitUntil(lambda: not panel.dirty, timeout=3000)
    names = [label.text for _, label in panel.plots["loss"].legend.items]
    assert names[2:] == [second, first]
    assert all(len(c.getData()[0]) > 0 for c in panel.overlay_curves["loss"])


def test_the_step_under_the_mouse_is_named_with_its_value(training, qtbot):
    for step in range(1, 11):
        training.train_job.progressed.emit(Progress("train", step, 10, "step", {
            "event": "step", "step": step, "stage": "s1", "loss": 10.0 / step, "tokens_per_s": 100.0}))
    training.resize(1200, 700)
    training.show()
    qtbot.waitUntil(lambda: not training.dirty, timeout=3000)
    plot = training.plots["tokens_per_s"]
    plot.vb.setRange(xRange=(1, 10), yRange=(0, 200), padding=0)
    training._on_mouse_moved(plot.vb.mapViewToScene(pg.Point(4, 100)))
    assert training.hover.text() == "step 4 · tokens/s 100"


def test_the_step_under_the_mouse_has_its_own_room_beside_the_status(training, qtbot):
    training.resize(1500, 700)
    training.show()
    qtbot.waitExposed(training)
    training.hover.setText("step 1,118 · grad norm 0.1234")
    assert not training.hover.geometry().intersects(training.status.geometry())
    assert training.hover.width() >= training.hover.fontMetrics().horizontalAdvance(training.hover.text())


def test_a_resumed_run_plots_its_steps_before_the_stop_then_the_new_ones(training, qtbot, tmp_path):
    """Resume shows the whole run: the steps recorded before the stop are read off the GUI thread
    and go before the live ones, even those that arrived first; a step both read and sent is
    plotted once."""
    training.runs = tmp_path
    training.run_name.setText("resumed")
    metrics = RunDir(tmp_path / "resumed").metrics
    metrics.parent.mkdir(parents=True)
    before = [{"event": "step", "step": n, "stage": "pretrain" if n < 4 else "midtrain", "loss": 5.0 - n}
              for n in range(1, 8)]
    metrics.write_text("".join(json.dumps(e) + "\n" for e in before))
    training._train(resume=True)
    assert training.asked[-1][0] == "train" and training.asked[-1][1][2] is True   # resume asked of the job
    for n in (6, 7, 8):   # sent live before the file's answer came: 6 and 7 are in the file too
        training.train_job.progressed.emit(Progress("train", n, 9, "step", {"event": "step", "step": n,
                                                                           "stage": "midtrain", "loss": 1.0}))
    qtbot.waitUntil(lambda: training.steps and training.steps[0]["step"] == 1, timeout=5000)
    assert [e["step"] for e in training.steps] == list(range(1, 9))
    assert training.stages == [(1, "pretrain"), (4, "midtrain")]
    training.train_job.progressed.emit(Progress("train", 8, 9, "step", {"event": "step", "step": 8, "loss": 1.0}))
    assert [e["step"] for e in training.steps][-2:] == [7, 8]
