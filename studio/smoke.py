"""`ck-studio --smoke` (or CK_STUDIO_SMOKE=1): open the studio, render every entry of the bundled
gold pack in the live preview, and exit 0, or 1 if any entry failed to draw, had an error, or an
exception reached Qt's event loop. It works offscreen, so a fresh machine's check can run the
README's exact command.
"""
from __future__ import annotations

import sys
import traceback

from qtpy.QtCore import QObject, QTimer
from qtpy.QtGui import QColor

from engine.diagnostics import Severity

ENTRY_TIMEOUT_MS = 20000


class SmokeRun(QObject):
    """Drives a MainWindow through its workspace's entries; the event loop ends with the verdict."""

    def __init__(self, window, app):
        super().__init__(window)
        self.window, self.app = window, app
        self.names = [window.entry_list.item(i).text() for i in range(window.entry_list.count())]
        self.failures: list[str] = []
        self.current: str | None = None
        self.timeout = QTimer(self, singleShot=True, interval=ENTRY_TIMEOUT_MS)
        self.timeout.timeout.connect(self._on_timeout)
        window.preview_updated.connect(self._on_preview)
        sys.excepthook = self._on_exception

    def start(self) -> None:
        if not self.names:
            self.failures.append(f"no entries in {self.window.workspace}")
        self._next()

    def _next(self) -> None:
        if not self.names:
            self._finish()
            return
        self.current = self.names.pop(0)
        self.window.select_entry(self.current)
        self.window.request_compile()  # the first entry is already selected: ask anew
        self.timeout.start()

    def _on_preview(self, request: int) -> None:
        if self.current is None or request != self.window.request:
            return
        self.timeout.stop()
        errors = [d for d in self.window.diagnostics if d.severity is Severity.ERROR]
        problem = ("preview has no picture" if not self.window.preview.renderer.isValid()
                   else f"{len(errors)} error(s): {errors[0].code}" if errors
                   else "preview drew nothing" if not self._drew() else "")
        print(f"smoke: {self.current:30} {'FAIL ' + problem if problem else 'ok'}", flush=True)
        if problem:
            self.failures.append(f"{self.current}: {problem}")
        self.current = None
        QTimer.singleShot(0, self._next)

    def _drew(self) -> bool:
        """Some pixel of the preview differs from its empty background."""
        image = self.window.preview.grab().toImage()
        background = QColor("#2b2b2b").rgb()
        step = max(1, min(image.width(), image.height()) // 40)
        return any(image.pixel(x, y) != background
                   for x in range(0, image.width(), step) for y in range(0, image.height(), step))

    def _on_timeout(self) -> None:
        print(f"smoke: {self.current:30} FAIL no preview within {ENTRY_TIMEOUT_MS} ms", flush=True)
        self.failures.append(f"{self.current}: timed out")
        self.current = None
        self._next()

    def _on_exception(self, kind, value, tb) -> None:
        traceback.print_exception(kind, value, tb)
        self.failures.append(f"exception: {value!r}")

    def _finish(self) -> None:
        verdict = "FAILED" if self.failures else "passed"
        print(f"smoke {verdict}: {len(self.failures)} failure(s) in {self.window.workspace}", flush=True)
        code = 1 if self.failures else 0
        self.window.close()
        self.app.exit(code)
