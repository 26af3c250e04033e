"""Find and replace in both editors and both backends, as a person uses the bar (Ctrl+F, type,
Enter, Replace, Replace all, Escape); content.json with line numbers and colours in each backend."""
from __future__ import annotations

import pytest
from qtpy.QtCore import Qt
from qtpy.QtGui import QColor

from studio.editor import backends, make_content_editor, make_scene_editor
from studio.find_bar import FindBar

SCENE = "[scene]\n[layout:poster_stack]\n[theme:infra_dark]\n[tone:green]\n[topic:tone_study]\n[/scene]\n"
CONTENT = '{\n  "header_band": [\n    {"kicker": "Tone", "headline": "tone and TONE", "n": 3, "ok": true}\n  ]\n}\n'


@pytest.fixture(params=[(b, kind) for b in backends() for kind in ("scene", "content")])
def editor(request, qtbot):
    backend, kind = request.param
    ed = (make_scene_editor if kind == "scene" else make_content_editor)(backend)
    qtbot.addWidget(ed)
    ed.resize(700, 400)
    ed.show()
    ed.set_text(SCENE if kind == "scene" else CONTENT)
    return ed


def where(editor):
    """The cursor's place, in the backend's terms."""
    return editor.textCursor().position() if hasattr(editor, "textCursor") else editor.getCursorPosition()


@pytest.fixture
def bar(qtbot, editor):
    b = FindBar()
    qtbot.addWidget(b)
    b.show()
    b.open_for(editor)
    return b


def test_find_selects_each_match_in_turn_and_wraps(bar, editor, qtbot):
    qtbot.keyClicks(bar.needle, "tone")
    matches = editor.text().lower().count("tone")
    found = []
    for _ in range(matches + 1):
        qtbot.keyClick(bar.needle, Qt.Key.Key_Return)
        assert editor.selected_text().lower() == "tone"
        found.append(where(editor))
    assert len(set(found)) == matches and found[0] == found[-1]   # each match once, then the first again
    assert bar.find(False) and editor.selected_text().lower() == "tone"
    bar.case.setChecked(True)
    bar.needle.setText("TONE")
    assert bar.find(True) == ("TONE" in editor.text())
    bar.needle.setText("absent")
    assert not bar.find(True) and "not found" in bar.said.text()


def test_replace_one_then_all_as_one_undo_step(bar, editor, qtbot):
    before = editor.text()
    bar.needle.setText("tone")
    bar.replacement.setText("hue")
    assert bar.find(True)
    assert bar.replace_one()
    assert editor.text().lower().count("hue") == 1
    n = bar.replace_every()
    assert n == before.lower().count("tone") - 1 and "tone" not in editor.text().lower()
    assert bar.said.text() == f"{n} replaced"
    editor.undo()
    assert editor.text().lower().count("hue") == 1   # the replace-all went in one step


def test_escape_closes_the_bar_and_gives_the_editor_focus(bar, editor, qtbot):
    bar.needle.setFocus()
    qtbot.keyClick(bar.needle, Qt.Key.Key_Escape)
    assert bar.isHidden()
    qtbot.waitUntil(lambda: editor.hasFocus() or editor.isAncestorOf(editor.focusWidget() or editor), timeout=2000)


@pytest.mark.parametrize("backend", backends())
def test_content_json_has_line_numbers_and_colours(qtbot, backend):
    ed = make_content_editor(backend)
    qtbot.addWidget(ed)
    ed.resize(600, 300)
    ed.show()
    ed.set_text(CONTENT)
    qtbot.wait(50)
    image = ed.grab().toImage()
    colours = {image.pixelColor(x, y).name() for x in range(0, image.width(), 2) for y in range(0, 120, 2)}
    # the margin's background beside the text's, and a string and a key in their colours
    assert "#252526" in colours and "#1e1e1e" in colours
    near = lambda c: any(_close(QColor(c), QColor(k)) for k in colours)   # noqa: E731 -- antialiased glyphs
    assert near("#ce9178") and near("#9cdcfe")


def _close(a: QColor, b: QColor, tolerance: int = 40) -> bool:
    return abs(a.red() - b.red()) + abs(a.green() - b.green()) + abs(a.blue() - b.blue()) <= tolerance


def test_the_window_opens_the_bar_on_the_editor_in_use(window, qtbot):
    window.content_editor.setFocus()
    qtbot.waitUntil(window.content_editor.hasFocus, timeout=2000)
    qtbot.keyClick(window.content_editor, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert window.find_bar.isVisible() and window.find_bar.editor is window.content_editor
    window.scene_editor.setFocus()
    qtbot.waitUntil(window.scene_editor.hasFocus, timeout=2000)
    qtbot.keyClick(window.scene_editor, Qt.Key.Key_H, Qt.KeyboardModifier.ControlModifier)
    assert window.find_bar.editor is window.scene_editor
