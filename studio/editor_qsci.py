"""The DSL editor on QScintilla (PyQt6 + PyQt6-QScintilla): a QsciLexerCustom styles the DSL and
sets fold levels; Scintilla's own autocompletion list, indicators and fold margin do the rest.

Scintilla counts positions in UTF-8 bytes: the lexer converts dsl_syntax's character runs to
bytes. QScintilla's (line, index) calls count characters, as the diagnostics' columns do.
"""
from __future__ import annotations

from qtpy.Qsci import QsciLexerCustom, QsciLexerJSON, QsciScintilla
from qtpy.QtCore import QPoint, QTimer
from qtpy.QtGui import QColor, QFont
from qtpy.QtWidgets import QToolTip

from engine.diagnostics import Diagnostic, Severity
from studio.dsl_syntax import STYLE_INDEX, STYLES, completions, fold_depths, style_runs
from studio.editor_style import (BACKGROUND, ERROR_COLOUR, FONT_SIZE, FOREGROUND, MARGIN, MONO_FONT,
                                 WARNING_COLOUR)

SC = QsciScintilla
INDICATORS = {"error": 8, "warning": 9}    # 0-7 belong to lexers
FOLD_MARGIN = 2
SEPARATOR = "\n"                           # the words contain ':' and ']', never a newline


def _font(points: int, bold: bool = False) -> QFont:
    font = QFont(MONO_FONT)
    font.setStyleHint(QFont.StyleHint.Monospace)
    font.setPointSize(points)
    font.setBold(bold)
    return font


class DslLexer(QsciLexerCustom):
    """Styles each line from dsl_syntax.style_runs and sets every line's fold level."""

    def __init__(self, editor: QsciScintilla):
        super().__init__(editor)
        self.points = FONT_SIZE
        self.setDefaultPaper(QColor(BACKGROUND))
        self.setDefaultColor(QColor(FOREGROUND))
        self.apply_fonts()

    def apply_fonts(self) -> None:
        self.setDefaultFont(_font(self.points))
        for name, (colour, bold) in STYLES.items():
            i = STYLE_INDEX[name]
            self.setColor(QColor(colour), i)
            self.setPaper(QColor(BACKGROUND), i)
            self.setFont(_font(self.points, bold), i)

    def language(self) -> str:
        return "CK scene DSL"

    def description(self, style: int) -> str:
        return next((n for n, i in STYLE_INDEX.items() if i == style), "")

    def styleText(self, start: int, end: int) -> None:  # noqa: N802 (QScintilla override)
        editor = self.editor()
        send = editor.SendScintilla
        first, last = send(SC.SCI_LINEFROMPOSITION, start), send(SC.SCI_LINEFROMPOSITION, end)
        lines = editor.text().split("\n")
        depths = fold_depths(lines)
        for n in range(first, min(last, len(lines) - 1) + 1):
            line = lines[n]
            self.startStyling(send(SC.SCI_POSITIONFROMLINE, n))
            at = 0
            for s, length, style in style_runs_with_gaps(line):
                self.setStyling(len(line[s:s + length].encode()), STYLE_INDEX[style])
                at = s + length
            newline = 1 if n < len(lines) - 1 else 0
            self.setStyling(len(line[at:].encode()) + newline, STYLE_INDEX["default"])
        for n, (depth, header) in enumerate(depths):
            level = SC.SC_FOLDLEVELBASE + depth | (SC.SC_FOLDLEVELHEADERFLAG if header else 0)
            if send(SC.SCI_GETFOLDLEVEL, n) != level:
                send(SC.SCI_SETFOLDLEVEL, n, level)


def style_runs_with_gaps(line: str) -> list[tuple[int, int, str]]:
    """style_runs with the unstyled gaps between runs filled as "default": Scintilla styles
    every byte in sequence."""
    out, at = [], 0
    for s, length, style in style_runs(line):
        if s > at:
            out.append((at, s - at, "default"))
        out.append((s, length, style))
        at = s + length
    return out


def _setup(editor: QsciScintilla) -> None:
    editor.setUtf8(True)
    editor.setMarginType(0, QsciScintilla.MarginType.NumberMargin)
    editor.setMarginWidth(0, "0000")
    editor.setMarginsBackgroundColor(QColor(MARGIN))
    editor.setMarginsForegroundColor(QColor("#858585"))
    editor.setFoldMarginColors(QColor(MARGIN), QColor(MARGIN))
    editor.setCaretForegroundColor(QColor(FOREGROUND))
    editor.setCaretLineVisible(False)
    editor.setWrapMode(QsciScintilla.WrapMode.WrapNone)


class FindMixin:
    """Find and replace for a QsciScintilla (studio/find_bar.py drives it)."""

    def selected_text(self) -> str:
        return self.selectedText()

    def find_next(self, needle: str, forward: bool = True, case: bool = False) -> bool:
        """Select the next (or previous) match, wrapping at the end. Backwards, the search starts
        at the selection's start, so the match under it is not found again."""
        line, index = self.getSelection()[:2] if self.hasSelectedText() and not forward else (-1, -1)
        return self.findFirst(needle, False, case, False, True, forward, line, index, True)

    def replace_selected(self, text: str) -> None:
        self.replaceSelectedText(text)


class QsciSceneEditor(FindMixin, QsciScintilla):
    def __init__(self, parent=None):
        super().__init__(parent)
        _setup(self)
        self.lexer_ = DslLexer(self)
        self.setLexer(self.lexer_)
        self.setFolding(QsciScintilla.FoldStyle.BoxedTreeFoldStyle, FOLD_MARGIN)
        self.setMarginsFont(_font(FONT_SIZE))
        self.refs: tuple[str, ...] = ()
        self.words: list[str] = []
        self.diagnostics: list[tuple[int, int, int, Diagnostic]] = []
        for kind, number in INDICATORS.items():
            self.indicatorDefine(QsciScintilla.IndicatorStyle.SquiggleIndicator, number)
            self.setIndicatorForegroundColor(QColor(ERROR_COLOUR if kind == "error" else WARNING_COLOUR), number)
        send = self.SendScintilla
        send(SC.SCI_AUTOCSETSEPARATOR, ord(SEPARATOR))
        send(SC.SCI_AUTOCSETORDER, SC.SC_ORDER_CUSTOM)
        send(SC.SCI_AUTOCSETIGNORECASE, False)
        send(SC.SCI_AUTOCSETMAXHEIGHT, 12)
        send(SC.SCI_SETMOUSEDWELLTIME, 400)
        self.SCN_CHARADDED.connect(self._on_char_added)
        self.SCN_AUTOCCOMPLETED.connect(self._on_completed)
        self.SCN_DWELLSTART.connect(self._on_dwell)
        self.SCN_DWELLEND.connect(lambda *_: QToolTip.hideText())

    # ---- text ------------------------------------------------------------------------------------
    def set_text(self, text: str) -> None:
        self.setText(text)

    def replace_all(self, text: str) -> None:
        line, _ = self.getCursorPosition()
        self.beginUndoAction()
        self.selectAll()
        self.replaceSelectedText(text)
        self.endUndoAction()
        self.setCursorPosition(min(line, self.lines() - 1), 0)

    def cursor_position(self) -> tuple[int, int]:
        line, index = self.getCursorPosition()
        return line + 1, index + 1

    def goto(self, line: int, col: int) -> None:
        n = max(0, line - 1)
        self.ensureLineVisible(n)  # opens a fold that hides it
        self.setCursorPosition(n, max(0, col - 1))
        self.setFocus()

    def select_lines(self, first: int, last: int) -> None:
        for n in (last - 1, first - 1):
            self.ensureLineVisible(n)   # opens a fold that hides it
        self.setSelection(first - 1, 0, last - 1, len(self.text(last - 1).rstrip("\r\n")))
        self.setFocus()

    def set_font_size(self, points: int) -> None:
        self.lexer_.points = points
        self.lexer_.apply_fonts()
        self.setMarginsFont(_font(points))
        self.recolor()

    # ---- diagnostics -----------------------------------------------------------------------------
    def set_diagnostics(self, diagnostics: list[Diagnostic]) -> None:
        for number in INDICATORS.values():
            self.clearIndicatorRange(0, 0, self.lines(), 0, number)
        self.diagnostics = []
        for d in diagnostics:
            n = d.line - 1
            if not 0 <= n < self.lines():
                continue
            text = self.text(n).rstrip("\r\n")
            start = min(max(0, d.col - 1), len(text))
            end = text.find("]", start)
            end = max(start + 1, len(text) if end < 0 else end + 1) if text else 0
            kind = "error" if d.severity is Severity.ERROR else "warning"
            self.fillIndicatorRange(n, start, n, end, INDICATORS[kind])
            self.diagnostics.append((d.line, start + 1, end + 1, d))

    def squiggles(self) -> list[tuple[int, int, int, str]]:
        """Read back from Scintilla's indicators, not from the list given: what is drawn."""
        out = []
        send = self.SendScintilla
        for kind, number in INDICATORS.items():
            pos, length = 0, send(SC.SCI_GETLENGTH)
            while pos < length:
                end = send(SC.SCI_INDICATOREND, number, pos)
                if send(SC.SCI_INDICATORVALUEAT, number, pos) and end > pos:
                    line = send(SC.SCI_LINEFROMPOSITION, pos)
                    head = send(SC.SCI_POSITIONFROMLINE, line)
                    raw = self.text(line).encode()
                    col = len(raw[: pos - head].decode(errors="ignore")) + 1
                    out.append((line + 1, col, len(raw[: end - head].decode(errors="ignore")) + 1, kind))
                pos = end if end > pos else pos + 1
        return sorted(out)

    def _on_dwell(self, position: int, x: int, y: int) -> None:
        if position < 0:
            return
        line = self.SendScintilla(SC.SCI_LINEFROMPOSITION, position)
        col = len(self.text(line).encode()[: position - self.SendScintilla(SC.SCI_POSITIONFROMLINE, line)]
                  .decode(errors="ignore")) + 1
        found = [d for ln, a, b, d in self.diagnostics if ln == line + 1 and a <= col <= b]
        if found:
            QToolTip.showText(self.mapToGlobal(QPoint(x, y)), "\n".join(f"{d.code}: {d.message}" for d in found), self)

    # ---- completion ------------------------------------------------------------------------------
    def set_content_refs(self, refs: tuple[str, ...]) -> None:
        self.refs = refs

    def _position(self) -> int:
        """The cursor as a character offset into text()."""
        line, index = self.getCursorPosition()
        return sum(len(t) + 1 for t in self.text().split("\n")[:line]) + index

    def complete(self) -> None:
        c = completions(self.text(), self._position(), self.refs)
        if not c.words:
            self.SendScintilla(SC.SCI_AUTOCCANCEL)
            return
        self.words = list(c.words)
        self.SendScintilla(SC.SCI_AUTOCSHOW, len(c.prefix.encode()), SEPARATOR.join(self.words).encode())

    def completion_words(self) -> list[str]:
        return list(self.words) if self.SendScintilla(SC.SCI_AUTOCACTIVE) else []

    def _on_char_added(self, ch: int) -> None:
        if chr(ch) in "[:" or self.SendScintilla(SC.SCI_AUTOCACTIVE):
            self.complete()  # the character is in the document already

    def _on_completed(self, word: bytes, *_) -> None:
        if bytes(word).endswith(b":"):  # a key: its values next
            QTimer.singleShot(0, self.complete)

    def keyPressEvent(self, event) -> None:  # noqa: N802
        from qtpy.QtCore import Qt

        if event.key() == Qt.Key.Key_Space and event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            self.complete()
            return
        super().keyPressEvent(event)

    # ---- folding ---------------------------------------------------------------------------------
    def toggle_fold(self, line: int) -> None:
        if self.SendScintilla(SC.SCI_GETFOLDLEVEL, line - 1) & SC.SC_FOLDLEVELHEADERFLAG:
            self.SendScintilla(SC.SCI_TOGGLEFOLD, line - 1)

    def is_line_visible(self, line: int) -> bool:
        return bool(self.SendScintilla(SC.SCI_GETLINEVISIBLE, line - 1))

    def fold_marker_at(self, line: int):
        send = self.SendScintilla
        x = sum(send(SC.SCI_GETMARGINWIDTHN, m) for m in range(FOLD_MARGIN)) + send(SC.SCI_GETMARGINWIDTHN, FOLD_MARGIN) // 2
        y = send(SC.SCI_POINTYFROMPOSITION, 0, send(SC.SCI_POSITIONFROMLINE, line - 1)) + send(SC.SCI_TEXTHEIGHT, line - 1) // 2
        return self.viewport(), QPoint(x, y)


class QsciJsonEditor(FindMixin, QsciScintilla):
    """The content.json pane under PyQt6: QScintilla's JSON lexer, folds included."""

    def __init__(self, parent=None):
        super().__init__(parent)
        _setup(self)
        self.lexer_ = QsciLexerJSON(self)
        self.lexer_.setDefaultPaper(QColor(BACKGROUND))
        self.lexer_.setPaper(QColor(BACKGROUND), -1)
        self.lexer_.setDefaultColor(QColor(FOREGROUND))
        self.lexer_.setColor(QColor(FOREGROUND), QsciLexerJSON.Default)
        self.lexer_.setColor(QColor("#ce9178"), QsciLexerJSON.String)
        self.lexer_.setColor(QColor("#9cdcfe"), QsciLexerJSON.Property)
        self.lexer_.setColor(QColor("#b5cea8"), QsciLexerJSON.Number)
        self.lexer_.setColor(QColor(FOREGROUND), QsciLexerJSON.Operator)
        self.lexer_.setFont(_font(FONT_SIZE), -1)
        self.setLexer(self.lexer_)
        self.setFolding(QsciScintilla.FoldStyle.BoxedTreeFoldStyle, FOLD_MARGIN)

    def set_text(self, text: str) -> None:
        self.setText(text)

    def replace_all(self, text: str) -> None:
        self.beginUndoAction()
        self.selectAll()
        self.replaceSelectedText(text)
        self.endUndoAction()

    def goto(self, line: int, col: int) -> None:
        n = max(0, line - 1)
        self.ensureLineVisible(n)
        self.setCursorPosition(n, max(0, col - 1))
        self.setFocus()

    def set_font_size(self, points: int) -> None:
        self.lexer_.setFont(_font(points), -1)
        self.setMarginsFont(_font(points))
