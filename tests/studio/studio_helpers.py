"""Helpers for the studio's tests: where the fixtures lie, opening a window, typing the way a
person types."""
from __future__ import annotations

from pathlib import Path

GOLDEN = Path(__file__).resolve().parents[1] / "golden"
ROOT = Path(__file__).resolve().parents[2]


def open_window(qtbot, folder: Path, wait_for_preview: bool = True):
    from studio.app import register_fonts
    from studio.main_window import MainWindow

    register_fonts()
    w = MainWindow(folder)
    qtbot.addWidget(w)
    w.show()
    if wait_for_preview:
        qtbot.waitUntil(lambda: w.preview.renderer.isValid(), timeout=10000)
    return w


def type_text(qtbot, editor, text: str) -> None:
    """Key by key, Return for each newline, as a person types."""
    from qtpy.QtCore import Qt

    for i, line in enumerate(text.split("\n")):
        if i:
            qtbot.keyClick(editor, Qt.Key.Key_Return)
        if line:
            qtbot.keyClicks(editor, line)


def go_to_end(qtbot, editor) -> None:
    from qtpy.QtCore import Qt

    editor.setFocus()
    qtbot.keyClick(editor, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)


def after_edit(qtbot, window, signal: str, edit, timeout: int = 5000) -> None:
    """Make an edit and wait until `signal` reports a request made after it: a result still on
    its way from before the edit does not count."""
    before = window.request
    with qtbot.waitSignal(getattr(window, signal), timeout=timeout, check_params_cb=lambda r: r > before):
        edit()
