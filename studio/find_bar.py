"""Find and replace over either editor backend (Ctrl+F, Ctrl+H): the bar under the editors asks
the editor with focus (scene.dsl or content.json) to find, replace one match, or replace every
match as one undo step. Each backend finds with its own search (QTextDocument.find,
QScintilla.findFirst); what both share is here."""
from __future__ import annotations

import re

from qtpy.QtCore import Qt
from qtpy.QtGui import QKeySequence, QShortcut
from qtpy.QtWidgets import QCheckBox, QHBoxLayout, QLineEdit, QPushButton, QWidget

from studio.status_label import StatusLabel


def replaced(text: str, needle: str, replacement: str, case: bool) -> tuple[str, int]:
    """Every occurrence of `needle` replaced (literally); the new text and how many.

    >>> replaced("Tone tone TONE", "tone", "hue", False)
    ('hue hue hue', 3)
    >>> replaced("a.b a.b", ".", "\\\\1", True)
    ('a\\\\1b a\\\\1b', 2)
    """
    if not needle:
        return text, 0
    return re.subn(re.escape(needle), lambda _: replacement, text, flags=0 if case else re.IGNORECASE)


def same(a: str, b: str, case: bool) -> bool:
    return a == b if case else a.lower() == b.lower()


class FindBar(QWidget):
    """Hidden until asked for; Escape hides it and gives the editor its focus back."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.editor = None
        self.needle = QLineEdit(placeholderText="find")
        self.replacement = QLineEdit(placeholderText="replace with")
        self.case = QCheckBox("Aa")
        self.case.setToolTip("match case")
        self.next_button, self.previous_button = QPushButton("Next"), QPushButton("Previous")
        self.replace_button, self.all_button = QPushButton("Replace"), QPushButton("Replace all")
        self.said = StatusLabel()
        row = QHBoxLayout(self)
        row.setContentsMargins(2, 2, 2, 2)
        for w in (self.needle, self.previous_button, self.next_button, self.case, self.replacement,
                  self.replace_button, self.all_button):
            row.addWidget(w)
        row.addWidget(self.said, 1)
        self.needle.returnPressed.connect(lambda: self.find(True))
        self.replacement.returnPressed.connect(self.replace_one)
        self.next_button.clicked.connect(lambda: self.find(True))
        self.previous_button.clicked.connect(lambda: self.find(False))
        self.replace_button.clicked.connect(self.replace_one)
        self.all_button.clicked.connect(self.replace_every)
        escape = QShortcut(QKeySequence(Qt.Key.Key_Escape), self)
        escape.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        escape.activated.connect(self.close_bar)
        self.hide()

    def open_for(self, editor, replace: bool = False) -> None:
        self.editor = editor
        if picked := editor.selected_text():
            if "\n" not in picked:
                self.needle.setText(picked)
        self.show()
        (self.replacement if replace and self.needle.text() else self.needle).setFocus()
        self.needle.selectAll()

    def close_bar(self) -> None:
        self.hide()
        if self.editor is not None:
            self.editor.setFocus()

    def find(self, forward: bool = True) -> bool:
        if self.editor is None or not self.needle.text():
            return False
        found = self.editor.find_next(self.needle.text(), forward, self.case.isChecked())
        self.said.setText("" if found else f"'{self.needle.text()}' not found")
        return found

    def replace_one(self) -> bool:
        """Replace the match under the selection (found first if none is), then find the next."""
        if self.editor is None or not self.needle.text():
            return False
        if not same(self.editor.selected_text(), self.needle.text(), self.case.isChecked()):
            return self.find(True)
        self.editor.replace_selected(self.replacement.text())
        self.find(True)
        return True

    def replace_every(self) -> int:
        if self.editor is None:
            return 0
        text, n = replaced(self.editor.text(), self.needle.text(), self.replacement.text(), self.case.isChecked())
        if n:
            self.editor.replace_all(text)
        self.said.setText(f"{n} replaced")
        return n
