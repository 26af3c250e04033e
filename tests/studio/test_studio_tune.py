"""Tune in the Gold panel: the editor's scene tuned toward its asset in a child process, the window
free meanwhile, the result one undo step in the editor, never over edits made while it tuned."""
from __future__ import annotations

from studio_helpers import after_edit, open_window


def widened(qtbot, gold_workspace):
    """The poster_stack entry (its reference is its own compile, on a tall canvas) turned wide."""
    w = open_window(qtbot, gold_workspace)
    qtbot.waitUntil(lambda: "parity" in w.gold.score.text(), timeout=15000)
    tall = w.scene_editor.text()
    after_edit(qtbot, w, "gold_scored", lambda: w.scene_editor.set_text(tall.replace("[canvas:tall]", "[canvas:wide]")),
               15000)
    w.gold.tune_seconds.addItem("15 s", 15)     # a short tune: the canvas is the first choice tried
    w.gold.tune_seconds.setCurrentText("15 s")
    return w


def test_tune_applies_the_tuned_scene_as_one_undo_step(gold_workspace, qtbot, asked):
    w = widened(qtbot, gold_workspace)
    wide = w.scene_editor.text()
    with qtbot.waitSignal(w.gold.tuned, timeout=60000):
        w.gold.tune_button.click()
        assert w.gold.tune_button.text() == "Stop"
    qtbot.waitUntil(lambda: "[canvas:tall]" in w.scene_editor.text(), timeout=5000)
    assert w.gold.tune_button.text() == "Tune"
    assert "canvas wide -> tall" in [w.gold.tune_changes.item(i).text().split(":")[1].strip().rsplit("   ")[0]
                                     for i in range(w.gold.tune_changes.count())]
    assert "->" in w.gold.tune_status.text()
    w.scene_editor.undo()
    assert w.scene_editor.text() == wide
    w.close()


def test_a_scene_edited_while_it_tunes_is_not_overwritten(gold_workspace, qtbot, asked):
    w = widened(qtbot, gold_workspace)
    with qtbot.waitSignal(w.gold.tuned, timeout=60000):
        w.gold.tune_button.click()
        edited = w.scene_editor.text().replace("[canvas:wide]", "[canvas:square]")
        w.scene_editor.set_text(edited)
    assert w.scene_editor.text() == edited
    assert "not applied" in w.statusBar().currentMessage()
    w.close()
