"""Expected vs actual DSL as a coloured line diff (difflib), unified or side by side.

The rows come from difflib's opcodes, so both views show the same change: a line only the
expected scene has is removed (red), one only the output has is added (green).

    >>> [(r.kind, r.left, r.right) for r in side_by_side("a\\nb\\nc", "a\\nB\\nc")]
    [('equal', 'a', 'a'), ('replace', 'b', 'B'), ('equal', 'c', 'c')]
    >>> unified("a\\nb", "a\\nc")
    [(' ', 'a'), ('-', 'b'), ('+', 'c')]
"""
from __future__ import annotations

import difflib
import html
from dataclasses import dataclass
from itertools import zip_longest

from qtpy.QtGui import QFontDatabase
from qtpy.QtWidgets import QComboBox, QHBoxLayout, QLabel, QTextBrowser, QVBoxLayout, QWidget

REMOVED, ADDED = "#fdd8d8", "#d4f5d4"          # line backgrounds
REMOVED_TEXT, ADDED_TEXT = "#9b1c1c", "#1e6b32"
_INK = {"-": (REMOVED, REMOVED_TEXT), "+": (ADDED, ADDED_TEXT)}   # sign -> (background, text)
MODES = ("side by side", "unified")


@dataclass(frozen=True)
class Row:
    """One line of the side-by-side view; a side is None where that text has no line."""
    kind: str              # equal | replace | delete | insert
    left: str | None
    right: str | None
    left_no: int | None
    right_no: int | None


def side_by_side(expected: str, actual: str) -> list[Row]:
    a, b = expected.splitlines(), actual.splitlines()
    rows = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        for i, j in zip_longest(range(i1, i2), range(j1, j2)):
            rows.append(Row(tag if i is not None and j is not None else ("delete" if j is None else "insert"),
                            a[i] if i is not None else None, b[j] if j is not None else None,
                            None if i is None else i + 1, None if j is None else j + 1))
    return rows


def unified(expected: str, actual: str) -> list[tuple[str, str]]:
    """(' ' | '-' | '+', line) over the whole text: removed lines of a change before its added ones."""
    a, b = expected.splitlines(), actual.splitlines()
    out: list[tuple[str, str]] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            out += [(" ", line) for line in a[i1:i2]]
        else:
            out += [("-", line) for line in a[i1:i2]] + [("+", line) for line in b[j1:j2]]
    return out


def _cell(text: str | None, number: int | None, colour: str | None, ink: str | None) -> str:
    style = f' bgcolor="{colour}"' if colour else ""
    body = "" if text is None else html.escape(text)
    font = f'<font color="{ink}">{body}</font>' if ink and body else body
    return (f'<td align="right"{style}><font color="#9a9a9a">{number or ""}</font></td>'
            f'<td{style} style="white-space: pre">{font}</td>')


class DiffView(QWidget):
    """The diff of two texts with a unified / side-by-side switch; `changes()` lists what is coloured."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.expected = self.actual = ""
        self.mode = QComboBox()
        self.mode.addItems(MODES)
        self.summary = QLabel()
        self.browser = QTextBrowser()
        self.browser.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.browser.setLineWrapMode(QTextBrowser.LineWrapMode.NoWrap)
        top = QHBoxLayout()
        top.addWidget(QLabel("expected vs output"))
        top.addWidget(self.mode)
        top.addWidget(self.summary, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.browser, 1)
        self.mode.currentTextChanged.connect(lambda _: self._draw())

    def set_texts(self, expected: str, actual: str) -> None:
        self.expected, self.actual = expected, actual
        self._draw()

    def changes(self) -> list[tuple[str, str, str]]:
        """(sign, line, background colour) of every removed and added line, in order."""
        return [(sign, line, REMOVED if sign == "-" else ADDED)
                for sign, line in unified(self.expected, self.actual) if sign != " "]

    def _draw(self) -> None:
        lines = unified(self.expected, self.actual)
        removed, added = sum(s == "-" for s, _ in lines), sum(s == "+" for s, _ in lines)
        self.summary.setText("identical" if not removed and not added else f"-{removed} +{added} lines")
        if self.mode.currentText() == "unified":
            rows = [_cell(f"{sign} {line}", n, *_INK.get(sign, (None, None))) for n, (sign, line) in enumerate(lines, 1)]
        else:
            rows = [_cell(r.left, r.left_no, *(_INK["-"] if r.kind != "equal" and r.left is not None else (None, None)))
                    + _cell(r.right, r.right_no, *(_INK["+"] if r.kind != "equal" and r.right is not None else (None, None)))
                    for r in side_by_side(self.expected, self.actual)]
        self.browser.setHtml('<table cellspacing="0" cellpadding="1" width="100%">'
                             + "".join(f"<tr>{row}</tr>" for row in rows) + "</table>")
