"""A PNG of the studio and of each panel with real content, for looking at what a person sees.

    QT_QPA_PLATFORM=offscreen python tools/screenshots.py OUTDIR [--entry NAME]

Opens the bundled gold pack, waits until the preview, the gold score and the token budget of the
chosen entry are on screen, runs the gold gate over the pack and the parity regimen (tiny,
float32), then saves each panel; last, a misspelt value in the scene shows the problems and the
squiggle in the editor and window shots. QT_API picks the binding (PySide6 by default).
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import studio  # noqa: E402,F401 (the default binding, before qtpy is imported)
from qtpy.QtCore import QEventLoop, QTimer  # noqa: E402
from qtpy.QtWidgets import QApplication  # noqa: E402


def wait_until(app, ready, timeout_ms: int = 20000) -> bool:
    loop = QEventLoop()
    waited = 0
    while not ready() and waited < timeout_ms:
        QTimer.singleShot(50, loop.quit)
        loop.exec()
        waited += 50
    return ready()


def show_probe_and_runs(app, window) -> None:
    """The newest probe.json of the workspace's runs in the gallery, on its first failing case; the
    ledger's runs, or where there is no ledger yet, the run folders recorded in a scratch one."""
    from engine.paths import Workspace
    from engine.probe.result import MODES
    from engine.rundir import run_dirs
    from engine.runs.ledger import Ledger
    from engine.runs.record import record_folder
    from studio.probe_panel import ANY_FAILURE

    runs = run_dirs(Workspace().runs)
    probes = sorted((p for run in runs for mode in MODES if (p := run.probes(mode).result).is_file()),
                    key=lambda p: p.stat().st_mtime)
    if probes and window.probe.open_probe(probes[-1]):
        window.probe.set_filter(window.probe.failure, ANY_FAILURE)
    if not Workspace(window.runs.workspace).ledger.exists():
        window.scratch = tempfile.TemporaryDirectory()   # removed when the script ends
        with Ledger.open(window.scratch.name) as ledger:
            for run in runs:
                if run.spec.is_file():
                    record_folder(ledger, run.folder)
        window.runs.set_workspace(Path(window.scratch.name))
    wait_until(app, lambda: window.runs.table.rowCount() > 0, 5000)
    window.runs.select_runs(*(r["id"] for r in window.runs.runs[:2]))
    window.runs.compare_button.click()


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("out", type=Path)
    ap.add_argument("--entry", default="failure_decision_tree")
    args = ap.parse_args()
    app = QApplication.instance() or QApplication(sys.argv[:1])
    from studio.app import register_fonts
    from studio.main_window import MainWindow

    register_fonts()
    window = MainWindow(ROOT / "gold")
    window.resize(1500, 950)
    window.show()
    window.select_entry(args.entry)
    ok = wait_until(app, lambda: window.preview.renderer.isValid() and "parity" in window.gold.score.text()
                    and window.budget.meter.output > 0)
    window.budget.show_chips.setChecked(True)
    from engine.events import Progress, Result
    from engine.paths import Workspace
    from engine.rundir import run_dirs
    from studio.training_panel import read_metrics

    runs = sorted((run.metrics for run in run_dirs(Workspace().runs) if run.metrics.is_file()),
                  key=lambda p: p.stat().st_mtime)
    if runs:  # replay the newest run's events, as they arrived while it trained
        job = window.training.train_job
        for record in read_metrics(runs[-1]):
            kind = record["event"]
            if kind in ("stopped", "finished"):
                job.finished.emit(Result("train", f"{kind} at step {record['step']}", record))
            else:
                job.progressed.emit(Progress("train", record["step"], None, kind, record))
    show_probe_and_runs(app, window)
    window.gold.gate_button.click()  # the whole pack, each entry's score
    window.parity_dock.raise_()      # first seen: the sizes are listed
    ok &= wait_until(app, lambda: window.parity.run_button.isEnabled(), 120000)
    window.parity.config.setCurrentText("tiny")
    window.parity.dtype.setCurrentText("float32")
    window.parity.run_button.click()
    ok &= wait_until(app, lambda: window.parity.run_button.isEnabled() and window.gold.gate_button.isEnabled(), 300000)
    wait_until(app, lambda: False, 300)
    args.out.mkdir(parents=True, exist_ok=True)
    shots = {"window": window, "editor": window.centralWidget().widget(0), "preview": window.preview,
             "gold": window.gold, "budget": window.budget, "problems": window.problems, "training": window.training,
             "parity": window.parity, "probe": window.probe, "runs": window.runs}
    for dock in window.bottom_docks:
        dock.raise_()
        wait_until(app, lambda: False, 100)
        if dock.objectName() == "Token budget":  # the gold pack's figures are measured once seen
            ok &= wait_until(app, lambda: "p95" in window.budget.gold.text())
        name = {"Gold": "gold", "Token budget": "budget", "Problems": "problems", "Training": "training",
                "Parity": "parity", "Probe gallery": "probe", "Runs": "runs"}[dock.objectName()]
        shots[name].grab().save(str(args.out / f"{name}.png"))
    window.gold_dock.raise_()
    wait_until(app, lambda: False, 100)
    shots["preview"].grab().save(str(args.out / "preview.png"))
    misspelt = window.scene_editor.text().replace("[theme:", "[theme:x", 1)
    window.scene_editor.set_text(misspelt)
    window.scene_editor.goto(4, 8)
    window.bottom_docks[0].raise_()  # Problems
    ok &= wait_until(app, lambda: window.problems.count() > 0)
    for name in ("window", "editor", "problems"):
        shots[name].grab().save(str(args.out / f"{name}.png"))
    print(f"{'all panels ready' if ok else 'timed out waiting for a panel'}; PNGs in {args.out}")
    window.saved_texts = window.texts()
    window.close()
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
