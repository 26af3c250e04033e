"""Every thread the studio uses lives here. Workers are QObjects moved to a QThread; requests
arrive by queued signals and results go back by signals, so the GUI thread never waits."""
from __future__ import annotations

import json

from qtpy.QtCore import QObject, QThread, Signal, Slot

from engine.compiler import compile_scene
from engine.diagnostics import Diagnostic
from engine.dsl import load


class CompileWorker(QObject):
    """Scene text + content text -> SVG bytes and diagnostics."""

    compiled = Signal(int, bytes, list)  # request id, svg (empty if none), diagnostics

    @Slot(int, str, str)
    def compile(self, request: int, scene_text: str, content_text: str) -> None:
        diagnostics: list[Diagnostic] = []
        try:
            content = json.loads(content_text) if content_text.strip() else {}
        except json.JSONDecodeError as e:
            diagnostics.append(Diagnostic(e.lineno, e.colno, "content-json", f"content.json: {e.msg}"))
            content = {}
        doc = load(scene_text)
        diagnostics[:0] = doc.diagnostics
        svg = b""
        if doc.scene is not None and not doc.errors:
            result = compile_scene(doc.scene, content)
            diagnostics.extend(result.diagnostics)
            svg = result.svg.encode()
        self.compiled.emit(request, svg, diagnostics)


def start(worker: QObject, parent: QObject) -> QThread:
    """Run `worker` on its own thread, stopped when `parent` goes."""
    thread = QThread(parent)
    worker.moveToThread(thread)
    thread.finished.connect(worker.deleteLater)
    thread.start()
    return thread
