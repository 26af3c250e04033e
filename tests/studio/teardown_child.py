"""A script that leaves the studio the way careless scripts do (test_studio_teardown.py runs it in
a child process): it builds the window on a gold workspace, waits for its first live gold score,
sets every kind of worker busy (a compile, a live gold score, the gold gate's child process), and
then, by `how`:

- delete: deletes the window, then the application, without a close event or a quit;
- exit: ends the script with the window open and the work running, without a quit;
- quit: runs the application's loop and quits it (aboutToQuit) without closing the window.
"""
from __future__ import annotations

import sys
from pathlib import Path

import studio  # noqa: F401 (the binding)
from qtpy.QtCore import QCoreApplication, QEvent, QEventLoop, QTimer
from qtpy.QtWidgets import QApplication


def main(workspace: str, how: str) -> None:
    app = QApplication([])
    from studio.main_window import MainWindow

    window = MainWindow(Path(workspace), smoke=True)
    window.show()
    loop = QEventLoop()   # not app.exec(): its end would send aboutToQuit, and this script must not
    window.gold_scored.connect(lambda _: loop.quit())
    QTimer.singleShot(30000, loop.quit)   # never hang
    loop.exec()
    window.gold.gate_button.click()
    window.request_compile()
    window.request_score()
    print(f"busy: gate {window.gold.gate_job.running}", flush=True)
    if how == "quit":
        QTimer.singleShot(0, app.quit)
        app.exec()
        print(f"shut down on quit: {window.ended}", flush=True)
    elif how == "delete":
        window.deleteLater()
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
        del window
        del app
    print("script done", flush=True)


if __name__ == "__main__":
    main(*sys.argv[1:3])
