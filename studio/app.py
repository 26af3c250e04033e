"""`ck-studio [WORKSPACE] [--entry NAME] [--screenshot PNG] [--smoke] [--doctor]`: the desktop studio.

Without WORKSPACE the studio reopens the last session's workspace, else the bundled gold pack.
With --screenshot, the window is drawn once its first preview is on screen, saved, and the app
quits: how the studio is looked at offscreen (QT_QPA_PLATFORM=offscreen) or under Xvfb.
With --smoke (or CK_STUDIO_SMOKE=1) it renders every entry of the bundled gold pack and exits 0,
or 1 on any failure (studio/smoke.py); without a display it runs offscreen.
QT_API=pyqt6 runs it under PyQt6 (with the QScintilla editor); PySide6 is the default.
--doctor prints the binding, platform, missing libraries, GPU and fonts (studio/doctor.py); a
platform plugin that cannot load is named, with what to install, instead of Qt's abort.
"""
from __future__ import annotations

import studio  # noqa: F401 (the default binding; run as a script, as in the bundle, nothing else sets it)

import argparse
import multiprocessing
import os
import sys
from pathlib import Path

from studio.fonts import register_fonts


def main(argv: list[str] | None = None) -> int:
    multiprocessing.freeze_support()  # a frozen bundle's child processes start here: run the job, exit
    ap = argparse.ArgumentParser(prog="ck-studio")
    ap.add_argument("workspace", nargs="?", type=Path, help="a folder of entries (default: the last one, "
                    "else the bundled gold pack)")
    ap.add_argument("--entry", help="open this entry of the workspace (default: the first)")
    ap.add_argument("--screenshot", type=Path, help="save a PNG of the window once it has drawn, then quit")
    ap.add_argument("--smoke", action="store_true",
                    help="render every entry of the bundled gold pack, exit 0 or 1 (also CK_STUDIO_SMOKE=1)")
    ap.add_argument("--doctor", action="store_true",
                    help="print the Qt binding, platform, missing libraries, GPU and fonts; exit 1 if a library is missing")
    args = ap.parse_args(argv)
    from studio import doctor

    if args.doctor:
        return doctor.main()
    smoke = args.smoke or os.environ.get("CK_STUDIO_SMOKE") == "1"
    if smoke and not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

    if (why := doctor.cannot_start()) is not None:
        print(f"ck-studio: {why}", file=sys.stderr)
        return 1
    from qtpy.QtCore import QTimer
    from qtpy.QtWidgets import QApplication

    from engine.workspace import default_gold_pack

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("CK Scene Studio")
    from qtpy.QtGui import QIcon

    from engine.paths import ROOT

    if (icon := ROOT / "packaging" / "ck-studio.svg").exists():
        app.setWindowIcon(QIcon(str(icon)))
    register_fonts()
    from studio.main_window import MainWindow

    window = MainWindow(args.workspace or (default_gold_pack() if smoke else None), smoke=smoke)
    if args.entry:
        window.select_entry(args.entry)
    window.show()
    if smoke:
        from studio.smoke import SmokeRun

        run = SmokeRun(window, app)
        QTimer.singleShot(0, run.start)
        return app.exec()
    if args.screenshot:
        def shoot(_request: int) -> None:
            QTimer.singleShot(100, lambda: (window.grab().save(str(args.screenshot)), app.quit()))

        def on_preview(request: int) -> None:  # a gold entry is shot once its score is in
            if window.gold_entry is None:
                shoot(request)
        window.preview_updated.connect(on_preview)
        window.gold_scored.connect(shoot)
        QTimer.singleShot(15000, app.quit)  # never hang a headless run
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
