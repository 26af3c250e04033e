"""A PNG of the studio and of each panel with real content, for looking at what a person sees.

    QT_QPA_PLATFORM=offscreen python tools/screenshots.py OUTDIR [--entry NAME]

Opens the bundled gold pack, waits until the preview, the gold score and the token budget of the
chosen entry are on screen, then saves the whole window and each panel. QT_API picks the binding.
"""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

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
    from studio.training_panel import read_metrics

    runs = sorted((ROOT / "out" / "runs").glob("*/metrics.jsonl"), key=lambda p: p.stat().st_mtime)
    if runs:  # replay the newest run's events, as they arrived while it trained
        for event in read_metrics(runs[-1]):
            window.training.on_event(event)
    wait_until(app, lambda: False, 300)
    args.out.mkdir(parents=True, exist_ok=True)
    shots = {"window": window, "editor": window.tabs, "preview": window.preview, "gold": window.gold,
             "budget": window.budget, "problems": window.problems, "training": window.training}
    for dock in window.bottom_docks:
        dock.raise_()
        wait_until(app, lambda: False, 100)
        name = {"Gold": "gold", "Token budget": "budget", "Problems": "problems",
                "Training": "training"}[dock.objectName()]
        shots[name].grab().save(str(args.out / f"{name}.png"))
    window.gold_dock.raise_()
    wait_until(app, lambda: False, 100)
    for name in ("window", "editor", "preview"):
        shots[name].grab().save(str(args.out / f"{name}.png"))
    print(f"{'all panels ready' if ok else 'timed out waiting for a panel'}; PNGs in {args.out}")
    window.saved_texts = window.texts()
    window.close()
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
