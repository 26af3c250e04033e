"""The Gold panel shows where text stands wrong: an arrow per misplaced word from the compiled page
to the asset, farthest first, a click selecting the component that binds the word; and one zoom
and pan over every picture."""
from __future__ import annotations

from qtpy.QtCore import QPoint, QPointF, Qt
from qtpy.QtGui import QWheelEvent
from qtpy.QtWidgets import QApplication

from studio_helpers import after_edit, open_window


def wheel(view, point: QPointF, notches: int) -> None:
    event = QWheelEvent(point, view.mapToGlobal(point), QPoint(0, 0), QPoint(0, 120 * notches),
                        Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier, Qt.ScrollPhase.NoScrollPhase, False)
    QApplication.sendEvent(view, event)


def moved_entry(qtbot, gold_workspace, asked):
    """The poster_stack entry (its reference is its own compile) turned wide: its words move."""
    w = open_window(qtbot, gold_workspace)
    qtbot.waitUntil(lambda: "parity" in w.gold.score.text(), timeout=15000)
    assert w.gold.strays and max(s["distance"] for s in w.gold.strays) < 1e-6   # every word in place
    wide = w.scene_editor.text().replace("[canvas:tall]", "[canvas:wide]")
    after_edit(qtbot, w, "gold_scored", lambda: w.scene_editor.set_text(wide), 15000)
    return w


def test_arrows_run_farthest_first_and_a_click_selects_the_component(gold_workspace, qtbot, asked):
    w = moved_entry(qtbot, gold_workspace, asked)
    gold = w.gold
    distances = [s["distance"] for s in gold.strays]
    assert distances == sorted(distances, reverse=True) and distances[0] > 0.05
    view = gold.views["compiled"]
    assert view.isVisibleTo(gold) and view.strays == gold.strays[:25] and view.arrows
    assert "farthest" in gold.arrow_note.text() or "all" in gold.arrow_note.text()
    target = next(s for s in view.strays if s["line"])    # the farthest word whose ref is known
    line = view.arrow(target)
    point = line.center().toPoint()
    assert view.stray_at(QPointF(point)) is not None
    picked = view.stray_at(QPointF(point))
    with qtbot.waitSignal(gold.stray_picked, timeout=2000):
        qtbot.mouseClick(view, Qt.MouseButton.LeftButton, pos=point)
    lines = w.scene_editor.text().split("\n")
    selected = w.scene_editor.selected_text().replace("\u2029", "\n").split("\n")
    component = picked["source"].split(".")[0]
    assert selected[0] == f"[{component}]" and selected[-1] == f"[/{component}]"
    assert lines[picked["line"] - 1] in selected     # the ref that binds the word is inside
    gold.show_arrows.setChecked(False)
    assert view.stray_at(QPointF(point)) is None and not view.arrows
    w.close()


def test_zoom_and_pan_are_shared_by_every_picture_and_fit_resets(gold_workspace, qtbot, asked):
    w = moved_entry(qtbot, gold_workspace, asked)
    gold = w.gold
    ref, comp = gold.views["reference"], gold.views["compiled"]
    spot = QPointF(comp.width() * 0.3, comp.height() * 0.4)
    under = comp.to_page(spot)
    wheel(comp, spot, 2)
    assert gold.camera.zoom > 1.5
    after = comp.to_page(spot)
    assert abs(after[0] - under[0]) < 1e-6 and abs(after[1] - under[1]) < 1e-6   # zoomed at the mouse
    centre = QPointF(ref.width() / 2, ref.height() / 2)
    assert ref.to_page(centre) == comp.to_page(QPointF(comp.width() / 2, comp.height() / 2))   # both follow
    before = gold.camera.cx
    qtbot.mousePress(ref, Qt.MouseButton.LeftButton, pos=QPoint(200, 200))
    qtbot.mouseMove(ref, QPoint(260, 200))
    qtbot.mouseRelease(ref, Qt.MouseButton.LeftButton, pos=QPoint(260, 200))
    assert gold.camera.cx < before       # dragged right: the page moved right, its centre point left
    gold.camera.pan(5.0, -5.0)           # flung far: the page's edge stops at the view's
    assert (gold.camera.cx, gold.camera.cy) == (0.5 / gold.camera.zoom, 1 - 0.5 / gold.camera.zoom)
    gold.mode.setCurrentIndex(1)         # the overlay shows the same region
    assert gold.overlay.camera is gold.camera
    gold.reset_view.click()
    assert (gold.camera.zoom, gold.camera.cx, gold.camera.cy) == (1.0, 0.5, 0.5)
    w.close()
