"""The GUI thread never blocks for more than 50 ms while the engine works: a QTimer firing every
10 ms records the gaps between its ticks while a person starts a tiny training run and the gold
gate from the studio, watches points and scores arrive, and stops the run.

Two measures per gap: its wall-clock length, and the CPU time the GUI thread itself spent in it.
The second is what the studio's own code costs the event loop; the first also counts time the
operating system gave to other processes. On a machine that other work oversubscribes (load
average above its cores: several helpers testing on two cores) a wall-clock gap measures that
machine, so there the wall-clock bound applies to 99 % of the gaps and the CPU bound to all. This
test's own two children oversubscribe a machine of fewer than three cores by themselves.

It is measured in a fresh interpreter, as the studio runs: in the test session the process holds
every earlier test's modules and objects, and the GUI thread's garbage collections would walk
them (the session measured 58 ms where a fresh process measures under 50)."""
from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from qtpy.QtCore import QObject, Qt, QTimer
from studio_helpers import ROOT, open_window

from studio.gold_panel import GATE_COLUMNS

FRESH = "CK_RESPONSIVENESS_FRESH"   # set in the fresh interpreter that takes the measure
TICK_MS = 10
BLOCK_LIMIT_MS = 50   # issue 7: the GUI thread never blocks for more than this

TINY_TRAIN = """
[train]
size = "tiny"
batch = 2
lr = 3e-3
min_lr = 3e-4
warmup_steps = 1
checkpoint_every = 2

[[train.stages]]
name = "pretrain"
buckets = ["anchor_replay", "direct"]
steps = 3

[[train.stages]]
name = "midtrain"
buckets = ["anchor_replay"]
steps = 30
"""


class StallMeter(QObject):
    """Ticks every TICK_MS on the GUI thread; a tick that comes late shows how long the event
    loop could not run (gap - TICK_MS), and thread_time how much of that the GUI thread ran."""

    def __init__(self):
        super().__init__()
        self.gaps: list[float] = []
        self.cpu: list[float] = []
        self.last, self.last_cpu = time.perf_counter(), time.thread_time()
        self.timer = QTimer(self, interval=TICK_MS)
        self.timer.setTimerType(Qt.TimerType.PreciseTimer)
        self.timer.timeout.connect(self._on_tick)
        self.timer.start()

    def _on_tick(self) -> None:
        now, cpu = time.perf_counter(), time.thread_time()
        self.gaps.append((now - self.last) * 1000)
        self.cpu.append((cpu - self.last_cpu) * 1000)
        self.last, self.last_cpu = now, cpu

    def stop(self) -> None:
        self.timer.stop()

    def blocked_ms(self, quantile: float = 1.0) -> float:
        gaps = sorted(self.gaps)
        return gaps[min(len(gaps) - 1, int(len(gaps) * quantile))] - TICK_MS

    @property
    def worst_cpu_ms(self) -> float:
        return max(self.cpu)


def oversubscribed() -> bool:
    """More runnable work than cores: on average over the last minute, or by this test's own
    doing, where the training child and the gate child take a core each and the GUI process
    shares one with them (fewer than three cores, as on the 2-core machines this runs on)."""
    cores = os.cpu_count() or 1
    return cores < 3 or os.getloadavg()[0] > cores


def tiny_spec(tmp_path: Path) -> Path:
    spec = (ROOT / "specs" / "spec01.toml").read_text().split("\n[train]\n")[0]
    spec = spec.replace('gold_pack = "../gold"', f'gold_pack = "{ROOT / "gold"}"')
    path = tmp_path / "spec.toml"
    path.write_text(spec + TINY_TRAIN)
    return path


@pytest.mark.engine_heavy
def test_training_and_the_gate_run_while_the_gui_stays_responsive():
    """The measure below, taken in a fresh interpreter."""
    if os.environ.get(FRESH):
        pytest.skip("this is the fresh interpreter: the measure is the test below")
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-s", "-p", "no:cacheprovider",
                           f"{__file__}::test_measured_in_a_fresh_interpreter"], cwd=ROOT,
                          env={**os.environ, FRESH: "1"}, capture_output=True, text=True, timeout=600)
    print(done.stdout[-3000:])
    assert done.returncode == 0 and " passed" in done.stdout, done.stdout[-3000:] + done.stderr[-2000:]


@pytest.mark.engine_heavy
def test_measured_in_a_fresh_interpreter(gold_workspace, qtbot, asked, tmp_path):
    if not os.environ.get(FRESH):
        pytest.skip("measured in a fresh interpreter by the test above")
    w = open_window(qtbot, gold_workspace)
    panel, gold = w.training, w.gold
    panel.runs = tmp_path / "runs"
    panel.spec.setText(str(tiny_spec(tmp_path)))
    panel.run_name.setText("tiny")
    panel.skip_preflight.setChecked(True)
    w.use_perspective("Train")
    w.training_dock.raise_()
    # Opening the Train view is the person's own step before the engine starts, with its first
    # paint of every plot (40-80 ms): it is let finish, and its cost printed, before the measure.
    opening = StallMeter()
    qtbot.waitUntil(lambda: len(opening.gaps) >= 5, timeout=5000)
    opening.stop()
    meter = StallMeter()

    qtbot.mouseClick(panel.start_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(gold.gate_button, Qt.MouseButton.LeftButton)
    assert not panel.start_button.isEnabled() and panel.stop_button.isEnabled()
    qtbot.waitUntil(lambda: len(panel.steps) >= 5 and gold.gate_button.isEnabled(), timeout=120000)
    assert {e["stage"] for e in panel.steps} == {"pretrain", "midtrain"} and panel.stages[1][1] == "midtrain"
    qtbot.waitUntil(lambda: panel.curves["loss"].getData()[0] is not None
                    and len(panel.curves["loss"].getData()[0]) >= 5, timeout=2000)
    qtbot.mouseClick(panel.stop_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: panel.status.text().startswith(("stopped", "finished")), timeout=30000)
    meter.stop()

    assert panel.checkpoints.count() >= 1 and panel.start_button.isEnabled()
    assert panel.overlays.count() == 1  # the run just made can now be overlaid
    assert [gold.gate.item(r, 0).text() for r in range(gold.gate.rowCount())] == ["poster_stack", "table_matrix"]
    # the entry open in the editor is scored as the editor holds it, and says so: "pass (editor)"
    assert [gold.gate.item(r, GATE_COLUMNS.index("status")).text().split()[0] for r in range(2)] == ["pass", "pass"] \
        and "2/2 pass" in gold.gate_status.text()
    gold.gate.cellDoubleClicked.emit(1, 0)  # a double click opens the entry
    assert w.entry.name == "table_matrix"

    busy = oversubscribed()
    print(f"{len(meter.gaps)} ticks; blocked median {meter.blocked_ms(0.5):.1f} ms, p99 {meter.blocked_ms(0.99):.1f} ms, "
          f"worst {meter.blocked_ms():.1f} ms; GUI-thread CPU in a gap at most {meter.worst_cpu_ms:.1f} ms; "
          f"load {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores; opening the Train view took "
          f"{opening.worst_cpu_ms:.1f} ms of GUI-thread CPU")
    assert len(meter.gaps) > 100
    assert meter.worst_cpu_ms <= BLOCK_LIMIT_MS, f"the studio's own code held the GUI thread {meter.worst_cpu_ms:.0f} ms"
    quantile = 0.99 if busy else 1.0
    assert meter.blocked_ms(quantile) <= BLOCK_LIMIT_MS, \
        f"the event loop stalled {meter.blocked_ms(quantile):.0f} ms (quantile {quantile})"
    w.close()
