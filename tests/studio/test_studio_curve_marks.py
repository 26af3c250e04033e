"""Loss-curve readings as marks on the training plots (issue 16): a recorded run shown by a double
click, and a live run as it ends, get a mark at each reading's step, on the plot the reading is
about, with the reading and the seed's action as its tooltip."""
from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from studio_helpers import ROOT

from engine.events import Progress, Result
from engine.paths import Workspace
from engine.rundir import RunDir
from engine.runs.curve_readings import ACTIONS
from studio.training_panel import TrainingPanel

SPEC = ROOT / "specs" / "spec01.toml"
BOUNDARY = 151


def metrics(loss: list[float], grad: list[float] | None = None) -> list[dict]:
    """A two-stage run's events; midtrain starts at BOUNDARY."""
    n = len(loss)
    plan = {"rows": 40, "windows_per_epoch": 10, "fill_rate": 0.95}
    out = [{"event": "start", "step": 0, "total_steps": n,
            "stages": [{"stage": "pretrain", "first_step": 1, "last_step": BOUNDARY - 1, **plan},
                       {"stage": "midtrain", "first_step": BOUNDARY, "last_step": n, **plan}]}]
    for i, v in enumerate(loss, 1):
        out.append({"event": "step", "step": i, "stage": "pretrain" if i < BOUNDARY else "midtrain", "loss": v,
                    "grad_norm": (grad or [1.0] * n)[i - 1], "lr": 1e-3, "tokens_per_s": 1000.0})
    return out


def descent(n: int = 300) -> list[float]:
    return [0.01 + 3.0 * math.exp(-i / 30) for i in range(n)]


def spiky() -> list[float]:
    """A clean descent with a spike at the stage boundary that recovers in 20 steps."""
    loss = descent()
    for i in range(BOUNDARY - 1, BOUNDARY + 19):
        loss[i] *= 4 - 3 * (i - BOUNDARY + 1) / 20
    return loss


def write_metrics(folder: Path, events: list[dict]) -> Path:
    path = RunDir(folder).metrics
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(e) + "\n" for e in events))
    return path


@pytest.fixture
def panel(qtbot, monkeypatch):
    p = TrainingPanel(SPEC, Workspace().runs)
    qtbot.addWidget(p)
    p.resize(1200, 700)
    p.show()
    monkeypatch.setattr(p.train_job, "start", lambda *a: None)   # the engine's side is test_train*.py's
    yield p
    p.shutdown()


def marked(panel) -> dict[str, list[tuple[float, str]]]:
    return {key: [(line.value(), line.toolTip()) for line in lines] for key, lines in panel.marks.items() if lines}


def test_a_recorded_run_double_clicked_is_shown_with_a_mark_at_its_stage_spike(panel, qtbot):
    write_metrics(Workspace().runs / "spiky", metrics(spiky()))
    panel.refresh_runs()
    item = panel.overlays.item(0)
    assert item.text() == "spiky"
    with qtbot.waitSignal(panel.readings_shown, timeout=5000) as shown:
        panel.overlays.itemDoubleClicked.emit(item)
    assert [r.kind for r in shown.args[0]] == ["stage_spike"]
    ((step, tip),) = marked(panel)["loss"]
    assert step == BOUNDARY and list(marked(panel)) == ["loss"]
    assert f"step {BOUNDARY}: loss spiked" in tip and "recovered by step" in tip
    assert ACTIONS["stage_spike"] in tip
    assert len(panel.steps) == 300 and [s for s, _ in panel.stages] == [1, BOUNDARY]
    assert "spiky: 300 steps, 1 reading marked" in panel.status.text()

    write_metrics(Workspace().runs / "clean", metrics(descent()))   # another run shown: its own marks only
    with qtbot.waitSignal(panel.readings_shown, timeout=5000) as shown:
        panel.show_run(Workspace().runs / "clean")
    assert shown.args[0] == [] and marked(panel) == {}
    assert all(line not in panel.plots["loss"].items for line in panel.stage_lines["loss"])


def test_a_live_run_is_marked_as_it_ends_gradient_readings_on_the_grad_norm_plot(panel, qtbot):
    grad = [1.0] * 300
    grad[119] = 80.0
    events = metrics(descent(), grad)
    panel.skip_preflight.setChecked(True)
    panel.start_button.click()
    for e in events[1:]:
        panel.train_job.progressed.emit(Progress("train", e["step"], 300, "step", e))
    write_metrics(panel.run_dir, events)   # what the trainer wrote meanwhile
    with qtbot.waitSignal(panel.readings_shown, timeout=5000):
        panel.train_job.finished.emit(Result("train", "trained spec01: 300 steps", None))
    ((step, tip),) = marked(panel)["grad_norm"]
    assert step == 120 and "gradient norm 80 at step 120" in tip and ACTIONS["grad_spike"] in tip
    assert "loss" not in marked(panel)
    assert len(panel.steps) == 300   # the live buffers, not replaced by the file's


def test_a_torn_metrics_file_is_a_message_not_a_crash(panel, qtbot):
    path = write_metrics(Workspace().runs / "torn", metrics(descent()))
    path.write_text("{\"event\": \"start\"}\nnot json\n{\"event\": \"step\", \"step\": 1}\n")
    panel.show_run(path.parent)
    qtbot.waitUntil(lambda: "not a metrics event" in panel.status.text(), timeout=5000)
    assert marked(panel) == {}


def test_the_step_under_the_mouse_and_the_status_do_not_overlap(panel, qtbot):
    panel.hover.setText("step 1,036 · grad norm 0.05798")
    panel.status.setText("spec01-r1: 1118 steps, 2 readings marked")
    qtbot.waitUntil(lambda: panel.hover.isVisible())
    assert panel.hover.width() >= 220
    assert not panel.hover.geometry().intersects(panel.status.geometry())
