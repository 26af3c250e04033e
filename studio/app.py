"""`ck-studio [WORKSPACE] [--screenshot PNG]`: the desktop studio.

With --screenshot, the window is drawn once its first preview is on screen, saved, and the app
quits: how the studio is looked at offscreen (QT_QPA_PLATFORM=offscreen) or under Xvfb.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from qtpy.QtCore import QTimer
from qtpy.QtGui import QFontDatabase
from qtpy.QtWidgets import QApplication

from engine.paths import FONTS
from engine.workspace import default_workspace


def register_fonts() -> None:
    """Qt renders the preview with the same font the compiler measured with."""
    for path in sorted(FONTS.glob("*.ttf")):
        QFontDatabase.addApplicationFont(str(path))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="ck-studio")
    ap.add_argument("workspace", nargs="?", type=Path, help="a folder of entries (default: the bundled gold pack)")
    ap.add_argument("--entry", help="open this entry of the workspace (default: the first)")
    ap.add_argument("--screenshot", type=Path, help="save a PNG of the window once it has drawn, then quit")
    args = ap.parse_args(argv)

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("CK Scene Studio")
    register_fonts()
    from studio.main_window import MainWindow

    window = MainWindow(args.workspace or default_workspace())
    window.resize(1400, 860)
    if args.entry:
        window.select_entry(args.entry)
    window.show()
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
