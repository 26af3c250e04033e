"""The DSL editor: one interface, two backends.

Under PyQt6 with PyQt6-QScintilla installed the editor is QScintilla with a QsciLexerCustom for
the DSL (studio/editor_qsci.py); under PySide6, which has no QScintilla, it is built on
QPlainTextEdit (studio/editor_plain.py). Both take highlighting, folds and completions from
studio/dsl_syntax.py and their font and colours from studio/editor_style.py, so they behave alike;
the main window and the tests speak only `SceneEditor`. The content.json pane has the same pair
(`make_content_editor`).
"""
from __future__ import annotations

from typing import Protocol, runtime_checkable

from qtpy import API_NAME

from engine.diagnostics import Diagnostic


@runtime_checkable
class SceneEditor(Protocol):
    """What the studio asks of a DSL editor. Lines and columns are 1-based, as in diagnostics.
    Both backends also emit Qt's `textChanged()` signal on every edit."""

    def text(self) -> str: ...
    def set_text(self, text: str) -> None: ...
    def replace_all(self, text: str) -> None:
        """Replace the whole text as one undo step (format on command)."""
    def cursor_position(self) -> tuple[int, int]: ...
    def goto(self, line: int, col: int) -> None:
        """Move the cursor there, show it, and give the editor focus (problems list)."""
    def select_lines(self, first: int, last: int) -> None:
        """Select lines first..last whole, show them, and give the editor focus (a component)."""
    def selected_text(self) -> str: ...
    def set_diagnostics(self, diagnostics: list[Diagnostic]) -> None:
        """Draw each as a squiggle under its token, with its message as the tooltip."""
    def squiggles(self) -> list[tuple[int, int, int, str]]:
        """(line, first col, last col + 1, "error" | "warning") of every squiggle drawn."""
    def set_content_refs(self, refs: tuple[str, ...]) -> None:
        """The content.json paths `*_ref:` values complete to."""
    def complete(self) -> None:
        """Offer the completions that fit at the cursor (Ctrl+Space; also after `[` and `:`)."""
    def completion_words(self) -> list[str]:
        """The words the open completion list offers ([] when none is open)."""
    def toggle_fold(self, line: int) -> None:
        """Fold or unfold the block that opens on `line`."""
    def is_line_visible(self, line: int) -> bool: ...
    def fold_marker_at(self, line: int):
        """(widget, QPoint) where a person clicks to fold the block opening on `line`."""
    def set_font_size(self, points: int) -> None: ...


def qscintilla_available() -> bool:
    if API_NAME != "PyQt6":
        return False
    try:
        from qtpy import Qsci  # noqa: F401
    except ImportError:
        return False
    return True


def backends() -> list[str]:
    """The editor backends this binding can run: "plain" always, "qscintilla" under PyQt6."""
    return ["plain"] + (["qscintilla"] if qscintilla_available() else [])


def default_backend() -> str:
    return backends()[-1]


def make_scene_editor(backend: str | None = None) -> SceneEditor:
    if (backend or default_backend()) == "qscintilla":
        from studio.editor_qsci import QsciSceneEditor
        return QsciSceneEditor()
    from studio.editor_plain import PlainSceneEditor
    return PlainSceneEditor()


def make_content_editor(backend: str | None = None):
    """The content.json editor beside the scene: text(), set_text(), goto(), textChanged."""
    if (backend or default_backend()) == "qscintilla":
        from studio.editor_qsci import QsciJsonEditor
        return QsciJsonEditor()
    from studio.editor_plain import PlainJsonEditor
    return PlainJsonEditor()
