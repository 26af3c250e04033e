"""The window gives the work its room: perspectives (Author, Gold, Train, Probe) switched from the
toolbar or Ctrl+1..4, each laying the docks out for its work and keeping a person's changes; the
window's minimum fits 1280×720; the menus people expect (Edit, Help, About) and the preview's
export as SVG and PNG."""
from __future__ import annotations

from pathlib import Path

import pytest
from qtpy import API_NAME, QT_VERSION
from qtpy.QtCore import Qt
from qtpy.QtGui import QImage
from qtpy.QtWidgets import QFileDialog

from studio import perspectives


def editor_lines(editor) -> int:
    return editor.viewport().height() // editor.fontMetrics().lineSpacing()


def sized(window, qtbot, width: int, height: int, name: str = "Author") -> None:
    window.resize(width, height)
    qtbot.wait(30)
    window.reset_perspective() if window.perspective == name else window.use_perspective(name)
    window.reset_perspective()
    qtbot.wait(60)


def visible_docks(window) -> set[str]:
    return {name for name, dock in window.docks().items() if dock.isVisible()}


def test_author_gives_the_editor_35_lines_at_1600_by_1000(window, qtbot):
    sized(window, qtbot, 1600, 1000)
    assert window.size().width() == 1600 and window.size().height() == 1000
    assert editor_lines(window.scene_editor) >= 35
    assert {"Workspace", "Problems"} <= visible_docks(window) and "Training" not in visible_docks(window)


def test_each_perspective_has_a_shortcut_and_lays_out_its_work(window, qtbot):
    sized(window, qtbot, 1600, 1000)
    for i, name in enumerate(perspectives.NAMES, 1):
        qtbot.keyClick(window, getattr(Qt.Key, f"Key_{i}"), Qt.KeyboardModifier.ControlModifier)
        qtbot.wait(60)
        assert window.perspective == name and window.perspective_actions[name].isChecked()
        main = perspectives.LAYOUTS[name][-1][1][0]   # the dock this work is about
        assert window.docks()[main].isVisible(), name
    window.use_perspective("Gold")
    window.reset_perspective()
    qtbot.wait(60)
    assert window.gold_dock.width() >= 1500 and window.gold_dock.height() >= 0.55 * 1000
    window.use_perspective("Probe")
    window.reset_perspective()
    qtbot.wait(60)
    assert window.probe_dock.height() >= 0.6 * 1000


def test_a_perspective_keeps_the_changes_made_in_it_until_reset(window, qtbot):
    sized(window, qtbot, 1600, 1000, "Train")
    assert window.parity_dock.isVisible() or window.parity_dock in window.tabifiedDockWidgets(window.training_dock)
    window.parity_dock.close()                       # a person closes a tab here
    window.use_perspective("Author")
    assert not window.parity_dock.isVisible()
    window.use_perspective("Train")
    qtbot.wait(30)
    assert window.parity_dock.isHidden()            # as they left it
    window.reset_perspective()
    assert not window.parity_dock.isHidden()


@pytest.mark.parametrize("name", perspectives.NAMES)
def test_every_perspective_fits_1280_by_720(window, qtbot, name):
    sized(window, qtbot, 1280, 720, name)
    assert (window.width(), window.height()) == (1280, 720)
    hint = window.minimumSizeHint()
    assert hint.width() <= 1280 and hint.height() <= 720
    if name == "Author":
        assert editor_lines(window.scene_editor) >= 20


def test_edit_and_help_menus_and_about_with_versions(window, qtbot):
    titles = [a.text().replace("&", "") for a in window.menuBar().actions()]
    assert {"File", "Edit", "View", "Help"} <= set(titles)
    about = window.about_text()
    assert QT_VERSION in about and API_NAME in about and "Python" in about
    reference = window.show_dsl_reference()
    assert "[scene]" in reference.findChild(type(reference.children()[-1])).toPlainText()
    reference.close()
    shortcuts = window.shortcuts_text()
    assert "Find" in shortcuts and "Ctrl+F" in shortcuts and "Ctrl+1" in shortcuts


@pytest.mark.parametrize("kind", ["svg", "png"])
def test_the_preview_exports_as_svg_and_png(window, qtbot, monkeypatch, tmp_path, kind):
    target = tmp_path / "exported"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    path = window.export_preview(kind)
    assert path == Path(f"{target}.{kind}") and path.is_file()
    if kind == "svg":
        assert path.read_bytes() == window.last_compiled
    else:
        image = QImage(str(path))
        size = window.preview.renderer.defaultSize()
        assert (image.width(), image.height()) == (2 * size.width(), 2 * size.height())


def test_gold_shows_the_editors_score_everywhere_with_700_px_pictures(gold_workspace, qtbot, asked):
    from studio_helpers import after_edit, open_window

    from engine.events import Progress
    from studio.gold_panel import MODES

    w = open_window(qtbot, gold_workspace)
    sized(w, qtbot, 1600, 1000, "Gold")
    gold = w.gold
    qtbot.waitUntil(lambda: "parity" in gold.score.text(), timeout=10000)
    for kind in ("reference", "compiled"):
        assert gold.views[kind].width() >= 700, kind
    name = w.entry.name   # the gate scored the saved files; then the editor changes the scene
    gold.gate_job.progressed.emit(Progress("gate", 1, 2, name, {"entry": {
        "name": name, "split": "train", "score": 0.999, "threshold": 0.77, "text_placement": 1.0, "status": "pass",
        "reason": "", "notes": ""}}))
    text = w.scene_editor.text().replace("[theme:infra_dark]", "[theme:paper_editorial]")
    after_edit(qtbot, w, "gold_scored", lambda: w.scene_editor.set_text(text), 10000)
    live = gold.score.text().split("parity <b style='color:")[1].split(">")[1].split("<")[0]
    assert "(editor)" in gold.score.text() and gold.gate.item(0, 2).text() == live != "0.999"
    assert gold.gate.item(0, 5).text().endswith("(editor)") and gold.gate.item(0, 2).font().italic()
    for mode in MODES:
        gold.mode.setCurrentIndex(MODES.index(mode))
        shown = {k for k, v in gold.views.items() if v.isVisibleTo(gold)} | ({"overlay"} if gold.overlay.isVisibleTo(gold)
                                                                              else set())
        assert shown == {"side by side": {"reference", "compiled"}, "overlay": {"overlay"}, "flicker": {"overlay"},
                         "difference": {"diff"}}[mode]
    gold.mode.setCurrentIndex(MODES.index("flicker"))
    first = gold.overlay.image
    qtbot.waitUntil(lambda: gold.overlay.image is not first, timeout=2000)   # flicker: the other picture
    pair = [gold.images["reference"], gold.images["compiled"]]
    assert any(gold.overlay.image is p for p in pair) and any(first is p for p in pair)
    w.close()
