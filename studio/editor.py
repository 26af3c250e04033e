"""The DSL editor: syntax highlighting and diagnostics drawn as squiggles under their token."""
from __future__ import annotations

import re

from qtpy.QtCore import Qt
from qtpy.QtGui import QColor, QFont, QSyntaxHighlighter, QTextCharFormat, QTextCursor
from qtpy.QtWidgets import QPlainTextEdit, QTextEdit

from engine.diagnostics import Diagnostic, Severity


def _fmt(colour: str, bold: bool = False) -> QTextCharFormat:
    f = QTextCharFormat()
    f.setForeground(QColor(colour))
    if bold:
        f.setFontWeight(QFont.Weight.Bold)
    return f


# Order matters: later rules paint over earlier ones within the same token.
RULES = [
    (re.compile(r"\[[a-z][a-z0-9_]*:[^\]\s]*\]"), _fmt("#9cdcfe")),            # attribute
    (re.compile(r"(?<=:)[^\]\s|]+(?=\])"), _fmt("#ce9178")),                   # value
    (re.compile(r"\[/?[a-z][a-z0-9_]*\]"), _fmt("#c586c0", True)),             # block open/close
    (re.compile(r"\[[a-z][a-z0-9_]*_ref:"), _fmt("#4ec9b0")),                  # content ref key
    (re.compile(r"\[(node_id|from_ref|to_ref):"), _fmt("#dcdcaa", True)),      # topology
    (re.compile(r"\[/?scene\]"), _fmt("#569cd6", True)),                       # scene
    (re.compile(r"@[^\]|\s]+"), _fmt("#4ec9b0")),                              # compact ref cell
]


class DslHighlighter(QSyntaxHighlighter):
    def highlightBlock(self, text: str) -> None:  # noqa: N802 (Qt override)
        for pattern, fmt in RULES:
            for m in pattern.finditer(text):
                self.setFormat(m.start(), m.end() - m.start(), fmt)


class SceneEditor(QPlainTextEdit):
    def __init__(self, parent=None):
        super().__init__(parent)
        font = QFont("DejaVu Sans Mono")
        font.setStyleHint(QFont.StyleHint.Monospace)
        font.setPointSize(11)
        self.setFont(font)
        self.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.highlighter = DslHighlighter(self.document())

    def set_diagnostics(self, diagnostics: list[Diagnostic]) -> None:
        selections = []
        doc = self.document()
        for d in diagnostics:
            block = doc.findBlockByNumber(max(0, d.line - 1))
            if not block.isValid():
                continue
            text = block.text()
            start = min(max(0, d.col - 1), len(text))
            end = text.find("]", start)
            end = len(text) if end < 0 else end + 1
            cursor = QTextCursor(block)
            cursor.setPosition(block.position() + start)
            cursor.setPosition(block.position() + max(end, start + 1) if text else block.position(),
                               QTextCursor.MoveMode.KeepAnchor)
            sel = QTextEdit.ExtraSelection()
            sel.cursor = cursor
            sel.format.setUnderlineStyle(QTextCharFormat.UnderlineStyle.SpellCheckUnderline)
            sel.format.setUnderlineColor(QColor("#f14c4c" if d.severity is Severity.ERROR else "#cca700"))
            sel.format.setToolTip(f"{d.code}: {d.message}")
            selections.append(sel)
        self.setExtraSelections(selections)

    def goto(self, line: int, col: int) -> None:
        block = self.document().findBlockByNumber(max(0, line - 1))
        cursor = QTextCursor(block)
        cursor.movePosition(QTextCursor.MoveOperation.Right, n=max(0, min(col - 1, block.length() - 1)))
        self.setTextCursor(cursor)
        self.setFocus(Qt.FocusReason.OtherFocusReason)
