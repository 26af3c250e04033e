"""The DSL editor on QPlainTextEdit (PySide6 has no QScintilla): highlighting, a margin with line
numbers and fold markers, completions in a QCompleter popup, squiggles with tooltips."""
from __future__ import annotations

from qtpy.QtCore import QPoint, QRect, QRegularExpression, QSize, QStringListModel, Qt
from qtpy.QtGui import (
    QColor,
    QFont,
    QPainter,
    QPalette,
    QSyntaxHighlighter,
    QTextCharFormat,
    QTextCursor,
    QTextDocument,
)
from qtpy.QtWidgets import QCompleter, QPlainTextEdit, QTextEdit, QToolTip, QWidget

from engine.diagnostics import Diagnostic, Severity
from studio.dsl_syntax import STYLES, completions, fold_depths, fold_ranges, style_runs
from studio.editor_style import (
    BACKGROUND,
    ERROR_COLOUR,
    FONT_SIZE,
    FOREGROUND,
    MARGIN,
    MONO_FONT,
    WARNING_COLOUR,
)


def _format(colour: str, bold: bool) -> QTextCharFormat:
    f = QTextCharFormat()
    f.setForeground(QColor(colour))
    if bold:
        f.setFontWeight(QFont.Weight.Bold)
    return f


class DslHighlighter(QSyntaxHighlighter):
    def __init__(self, document):
        super().__init__(document)
        self.formats = {name: _format(colour, bold) for name, (colour, bold) in STYLES.items()}

    def highlightBlock(self, text: str) -> None:  # noqa: N802 (Qt override)
        for start, length, style in style_runs(text):
            self.setFormat(start, length, self.formats[style])


# content.json's colours, as QScintilla's JSON lexer has them in editor_qsci.py
JSON_RULES = ((r'"(?:[^"\\]|\\.)*"', "#ce9178"), (r'-?\b\d+(?:\.\d+)?(?:[eE][+-]?\d+)?\b', "#b5cea8"),
              (r'\b(?:true|false|null)\b', "#569cd6"), (r'"(?:[^"\\]|\\.)*"(?=\s*:)', "#9cdcfe"))


class JsonHighlighter(QSyntaxHighlighter):
    """Strings, numbers, literals and keys; a key is a string before a colon, coloured last."""

    def __init__(self, document):
        super().__init__(document)
        self.rules = [(QRegularExpression(pattern), _format(colour, False)) for pattern, colour in JSON_RULES]

    def highlightBlock(self, text: str) -> None:  # noqa: N802 (Qt override)
        for pattern, fmt in self.rules:
            matches = pattern.globalMatch(text)
            while matches.hasNext():
                m = matches.next()
                self.setFormat(m.capturedStart(), m.capturedLength(), fmt)


class FindMixin:
    """Find and replace for a QPlainTextEdit (studio/find_bar.py drives it)."""

    def selected_text(self) -> str:
        return self.textCursor().selectedText().replace("\u2029", "\n")

    def find_next(self, needle: str, forward: bool = True, case: bool = False) -> bool:
        """Select the next (or previous) match after the cursor, wrapping at the end."""
        flags = QTextDocument.FindFlag(0)
        if not forward:
            flags |= QTextDocument.FindFlag.FindBackward
        if case:
            flags |= QTextDocument.FindFlag.FindCaseSensitively
        document = self.document()
        found = document.find(needle, self.textCursor(), flags)
        if found.isNull():
            wrap = QTextCursor(document)
            if not forward:
                wrap.movePosition(QTextCursor.MoveOperation.End)
            found = document.find(needle, wrap, flags)
        if found.isNull():
            return False
        self.setTextCursor(found)
        self.centerCursor()
        return True

    def replace_selected(self, text: str) -> None:
        self.textCursor().insertText(text)


def _setup_text_edit(editor: QPlainTextEdit) -> None:
    font = QFont(MONO_FONT)
    font.setStyleHint(QFont.StyleHint.Monospace)
    font.setPointSize(FONT_SIZE)
    editor.setFont(font)
    editor.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
    palette = editor.palette()
    palette.setColor(QPalette.ColorRole.Base, QColor(BACKGROUND))
    palette.setColor(QPalette.ColorRole.Text, QColor(FOREGROUND))
    editor.setPalette(palette)


def _goto(editor: QPlainTextEdit, line: int, col: int) -> None:
    block = editor.document().findBlockByNumber(max(0, line - 1))
    cursor = QTextCursor(block)
    cursor.movePosition(QTextCursor.MoveOperation.Right, n=max(0, min(col - 1, block.length() - 1)))
    editor.setTextCursor(cursor)
    editor.centerCursor()
    editor.setFocus(Qt.FocusReason.OtherFocusReason)


class MarginMixin:
    """A margin widget (`self.margin`) beside a QPlainTextEdit's text, `margin_width()` wide:
    kept beside the viewport, scrolled with it and repainted where the text changed."""

    def _update_margin_width(self) -> None:
        self.setViewportMargins(self.margin_width(), 0, 0, 0)
        r = self.contentsRect()
        self.margin.setGeometry(QRect(r.left(), r.top(), self.margin_width(), r.height()))

    def _on_update_request(self, rect, dy: int) -> None:
        if dy:
            self.margin.scroll(0, dy)
        else:
            self.margin.update(0, rect.y(), self.margin.width(), rect.height())

    def resizeEvent(self, event) -> None:  # noqa: N802
        super().resizeEvent(event)
        self._update_margin_width()


class Margin(QWidget):
    """Line numbers and a fold marker beside each line that opens a block; a click folds."""

    FOLD_WIDTH = 14

    def __init__(self, editor: PlainSceneEditor):
        super().__init__(editor)
        self.editor = editor

    def sizeHint(self) -> QSize:  # noqa: N802
        return QSize(self.editor.margin_width(), 0)

    def paintEvent(self, event) -> None:  # noqa: N802
        ed = self.editor
        painter = QPainter(self)
        painter.fillRect(event.rect(), QColor(MARGIN))
        depths = ed.fold_info
        block = ed.firstVisibleBlock()
        top = round(ed.blockBoundingGeometry(block).translated(ed.contentOffset()).top())
        height = ed.fontMetrics().height()
        digits_width = self.width() - self.FOLD_WIDTH
        while block.isValid() and top <= event.rect().bottom():
            if block.isVisible():
                n = block.blockNumber()
                painter.setPen(QColor("#858585"))
                painter.drawText(0, top, digits_width - 4, height, Qt.AlignmentFlag.AlignRight, str(n + 1))
                if n < len(depths) and depths[n][1]:
                    painter.setPen(QColor("#c5c5c5"))
                    painter.drawText(digits_width, top, self.FOLD_WIDTH, height, Qt.AlignmentFlag.AlignCenter,
                                     "\u25b8" if n + 1 in ed.folded else "\u25be")
                top += round(ed.blockBoundingRect(block).height())
            block = block.next()
        painter.end()

    def mousePressEvent(self, event) -> None:  # noqa: N802
        block = self.editor.cursorForPosition(QPoint(0, int(event.position().y()))).block()
        self.editor.toggle_fold(block.blockNumber() + 1)

    def mouseReleaseEvent(self, event) -> None:  # noqa: N802
        event.accept()


class PlainSceneEditor(FindMixin, MarginMixin, QPlainTextEdit):
    def __init__(self, parent=None):
        super().__init__(parent)
        _setup_text_edit(self)
        self.highlighter = DslHighlighter(self.document())
        self.diagnostics: list[tuple[int, int, int, Diagnostic]] = []
        self.refs: tuple[str, ...] = ()
        self.folded: set[int] = set()          # 1-based lines whose block is folded
        self.fold_info: list[tuple[int, bool]] = []
        self.line_count = 1
        self.margin = Margin(self)
        self.completer = QCompleter(self)
        self.completer.setModel(QStringListModel(self.completer))
        self.completer.setWidget(self)
        self.completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.completer.setCaseSensitivity(Qt.CaseSensitivity.CaseSensitive)
        self.completer.activated[str].connect(self._insert_completion)
        self.blockCountChanged.connect(self._on_block_count_changed)
        self.updateRequest.connect(self._on_update_request)
        self.textChanged.connect(self._on_text_changed)
        self._on_text_changed()
        self._update_margin_width()

    # ---- text ------------------------------------------------------------------------------------
    def text(self) -> str:
        return self.toPlainText()

    def set_text(self, text: str) -> None:
        self._unfold_all()
        self.setPlainText(text)

    def replace_all(self, text: str) -> None:
        self._unfold_all()
        cursor = self.textCursor()
        line = cursor.blockNumber()
        cursor.select(QTextCursor.SelectionType.Document)
        cursor.insertText(text)  # one undo step
        self.setTextCursor(QTextCursor(self.document().findBlockByNumber(min(line, self.blockCount() - 1))))

    def cursor_position(self) -> tuple[int, int]:
        cursor = self.textCursor()
        return cursor.blockNumber() + 1, cursor.positionInBlock() + 1

    def goto(self, line: int, col: int) -> None:
        for header in [h for h in self.folded if any(s == h and s < line <= e for s, e in self._ranges())]:
            self.toggle_fold(header)  # a problem inside a fold opens it
        _goto(self, line, col)

    def select_lines(self, first: int, last: int) -> None:
        self.goto(last, 1)   # opens a fold that hides the block's end
        doc = self.document()
        end = doc.findBlockByNumber(last - 1)
        cursor = QTextCursor(doc.findBlockByNumber(first - 1))
        cursor.setPosition(end.position() + end.length() - 1, QTextCursor.MoveMode.KeepAnchor)
        self.setTextCursor(cursor)
        self.ensureCursorVisible()

    def set_font_size(self, points: int) -> None:
        font = self.font()
        font.setPointSize(points)
        self.setFont(font)
        self._update_margin_width()

    # ---- diagnostics -----------------------------------------------------------------------------
    def set_diagnostics(self, diagnostics: list[Diagnostic]) -> None:
        selections, self.diagnostics = [], []
        doc = self.document()
        for d in diagnostics:
            block = doc.findBlockByNumber(max(0, d.line - 1))
            if not block.isValid():
                continue
            text = block.text()
            start = min(max(0, d.col - 1), len(text))
            end = text.find("]", start)
            end = max(start + 1, len(text) if end < 0 else end + 1) if text else 0
            cursor = QTextCursor(block)
            cursor.setPosition(block.position() + start)
            cursor.setPosition(block.position() + end, QTextCursor.MoveMode.KeepAnchor)
            sel = QTextEdit.ExtraSelection()
            sel.cursor = cursor
            sel.format.setUnderlineStyle(QTextCharFormat.UnderlineStyle.SpellCheckUnderline)
            sel.format.setUnderlineColor(QColor(ERROR_COLOUR if d.severity is Severity.ERROR else WARNING_COLOUR))
            selections.append(sel)
            self.diagnostics.append((block.blockNumber() + 1, start + 1, end + 1, d))
        self.setExtraSelections(selections)

    def squiggles(self) -> list[tuple[int, int, int, str]]:
        return sorted((line, a, b, d.severity.value) for line, a, b, d in self.diagnostics)

    def event(self, event) -> bool:
        from qtpy.QtCore import QEvent

        if event.type() == QEvent.Type.ToolTip:
            cursor = self.cursorForPosition(event.pos() - QPoint(self.viewportMargins().left(), 0))
            line, col = cursor.blockNumber() + 1, cursor.positionInBlock() + 1
            found = [d for ln, a, b, d in self.diagnostics if ln == line and a <= col <= b]
            if found:
                QToolTip.showText(event.globalPos(), "\n".join(f"{d.code}: {d.message}" for d in found), self)
            else:
                QToolTip.hideText()
            return True
        return super().event(event)

    # ---- completion ------------------------------------------------------------------------------
    def set_content_refs(self, refs: tuple[str, ...]) -> None:
        self.refs = refs

    def complete(self) -> None:
        c = completions(self.toPlainText(), self.textCursor().position(), self.refs)
        if not c.words:
            self.completer.popup().hide()
            return
        self.completer.model().setStringList(list(c.words))
        self.completer.setCompletionPrefix(c.prefix)
        popup = self.completer.popup()
        popup.setCurrentIndex(self.completer.completionModel().index(0, 0))
        rect = self.cursorRect()
        rect.setWidth(popup.sizeHintForColumn(0) + popup.verticalScrollBar().sizeHint().width())
        self.completer.complete(rect)

    def completion_words(self) -> list[str]:
        if not self.completer.popup().isVisible():
            return []
        model = self.completer.completionModel()
        return [model.index(i, 0).data() for i in range(model.rowCount())]

    def _insert_completion(self, word: str) -> None:
        cursor = self.textCursor()
        cursor.movePosition(QTextCursor.MoveOperation.Left, QTextCursor.MoveMode.KeepAnchor,
                            len(self.completer.completionPrefix()))
        cursor.insertText(word)
        self.setTextCursor(cursor)
        if word.endswith(":"):  # a key: its values next
            self.complete()

    def keyPressEvent(self, event) -> None:  # noqa: N802
        popup = self.completer.popup()
        if popup.isVisible() and event.key() in (Qt.Key.Key_Enter, Qt.Key.Key_Return, Qt.Key.Key_Tab):
            # here whether the key came to the popup (the completer forwards it) or to the editor
            index = popup.currentIndex()
            popup.hide()
            if index.isValid():
                self._insert_completion(index.data())
            return
        if popup.isVisible() and event.key() == Qt.Key.Key_Escape:
            popup.hide()
            return
        if event.key() == Qt.Key.Key_Space and event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            self.complete()
            return
        super().keyPressEvent(event)
        typed = event.text()
        if typed in ("[", ":") or (popup.isVisible() and typed) or event.key() == Qt.Key.Key_Backspace and popup.isVisible():
            self.complete()

    # ---- folding ---------------------------------------------------------------------------------
    def _ranges(self) -> list[tuple[int, int]]:
        return fold_ranges(self.toPlainText())

    def toggle_fold(self, line: int) -> None:
        end = next((e for s, e in self._ranges() if s == line), None)
        if end is None:
            return
        fold = line not in self.folded
        (self.folded.add if fold else self.folded.discard)(line)
        self._apply_folds()

    def _apply_folds(self) -> None:
        hidden = set()
        for s, e in self._ranges():
            if s in self.folded:
                hidden.update(range(s + 1, e + 1))
        doc = self.document()
        block = doc.firstBlock()
        while block.isValid():
            block.setVisible(block.blockNumber() + 1 not in hidden)
            block = block.next()
        doc.markContentsDirty(0, doc.characterCount())
        self.viewport().update()
        self.margin.update()

    def _unfold_all(self) -> None:
        if self.folded:
            self.folded.clear()
            self._apply_folds()

    def is_line_visible(self, line: int) -> bool:
        return self.document().findBlockByNumber(line - 1).isVisible()

    def fold_marker_at(self, line: int):
        block = self.document().findBlockByNumber(line - 1)
        top = self.blockBoundingGeometry(block).translated(self.contentOffset()).top()
        return self.margin, QPoint(self.margin.width() - Margin.FOLD_WIDTH // 2,
                                   int(top + self.fontMetrics().height() / 2))

    def _on_text_changed(self) -> None:
        self.fold_info = fold_depths(self.toPlainText().split("\n"))

    def _on_block_count_changed(self, count: int) -> None:
        """Lines came or went at the cursor: folds below it move with their lines."""
        delta, self.line_count = count - self.line_count, count
        at = self.textCursor().blockNumber() + 1
        self.folded = {h + delta if h > at else h for h in self.folded}
        self.folded = {h for h in self.folded if any(s == h for s, _ in self._ranges())}
        self._apply_folds()
        self._update_margin_width()

    # ---- margin ----------------------------------------------------------------------------------
    def margin_width(self) -> int:
        digits = max(3, len(str(self.blockCount())))
        return 8 + self.fontMetrics().horizontalAdvance("9") * digits + Margin.FOLD_WIDTH



class NumberMargin(QWidget):
    """content.json's line numbers."""

    def __init__(self, editor: PlainJsonEditor):
        super().__init__(editor)
        self.editor = editor

    def paintEvent(self, event) -> None:  # noqa: N802
        editor = self.editor
        painter = QPainter(self)
        painter.fillRect(event.rect(), QColor(MARGIN))
        painter.setPen(QColor("#858585"))
        block = editor.firstVisibleBlock()
        offset = editor.contentOffset()
        while block.isValid():
            top = editor.blockBoundingGeometry(block).translated(offset).top()
            if top > event.rect().bottom():
                break
            if block.isVisible():
                painter.drawText(0, int(top), self.width() - 6, self.fontMetrics().height(),
                                 Qt.AlignmentFlag.AlignRight, str(block.blockNumber() + 1))
            block = block.next()
        painter.end()


class PlainJsonEditor(FindMixin, MarginMixin, QPlainTextEdit):
    """The content.json pane under PySide6: line numbers and JSON colours, as under QScintilla."""

    def __init__(self, parent=None):
        super().__init__(parent)
        _setup_text_edit(self)
        self.highlighter = JsonHighlighter(self.document())
        self.margin = NumberMargin(self)
        self.blockCountChanged.connect(lambda _: self._update_margin_width())
        self.updateRequest.connect(self._on_update_request)
        self._update_margin_width()

    def text(self) -> str:
        return self.toPlainText()

    def set_text(self, text: str) -> None:
        self.setPlainText(text)

    def replace_all(self, text: str) -> None:
        cursor = self.textCursor()
        cursor.select(QTextCursor.SelectionType.Document)
        cursor.insertText(text)  # one undo step

    def goto(self, line: int, col: int) -> None:
        _goto(self, line, col)

    def set_font_size(self, points: int) -> None:
        font = self.font()
        font.setPointSize(points)
        self.setFont(font)
        self.margin.setFont(font)
        self._update_margin_width()

    def margin_width(self) -> int:
        return 12 + self.fontMetrics().horizontalAdvance("9") * max(3, len(str(self.blockCount())))

