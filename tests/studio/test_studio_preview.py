"""The preview zooms about the pointer with the wheel, pans by dragging, and fits again on a double
click or "0"; "+" and "-" zoom about the centre; a new SVG keeps the view."""
from __future__ import annotations

import json

import pytest
from qtpy.QtCore import QPoint, QPointF, Qt
from qtpy.QtGui import QWheelEvent
from qtpy.QtWidgets import QApplication
from studio_helpers import GOLDEN

from engine.compiler import compile_scene
from engine.dsl import load
from studio.preview import SvgPreview


@pytest.fixture
def preview(qtbot):
    case = GOLDEN / "dashboard_cards"
    svg = compile_scene(load((case / "scene.dsl").read_text()).scene,
                        json.loads((case / "content.json").read_text())).svg
    p = SvgPreview()
    qtbot.addWidget(p)
    p.resize(800, 500)
    p.show()
    p.set_svg(svg.encode())
    p.svg = svg
    return p


def wheel(widget, at: QPointF, steps: int) -> None:
    event = QWheelEvent(at, widget.mapToGlobal(at), QPoint(0, 0), QPoint(0, 120 * steps),
                        Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier, Qt.ScrollPhase.NoScrollPhase, False)
    QApplication.sendEvent(widget, event)


def picture_point(preview, at: QPointF) -> tuple[float, float]:
    """Where `at` falls in the picture, as fractions of its width and height."""
    r = preview.picture_rect()
    return (at.x() - r.left()) / r.width(), (at.y() - r.top()) / r.height()


def test_starts_fitted_and_centred(preview):
    r = preview.picture_rect()
    assert preview.zoom == 1.0
    assert r.width() <= 800 and r.height() <= 500 and (r.width() == 800 or r.height() == 500)
    assert abs(r.center().x() - 400) < 1 and abs(r.center().y() - 250) < 1


def test_the_wheel_zooms_about_the_pointer(preview):
    at = QPointF(600, 150)
    before = picture_point(preview, at)
    wheel(preview, at, 1)
    wheel(preview, at, 1)
    assert preview.zoom == pytest.approx(1.15 ** 2)
    assert picture_point(preview, at) == pytest.approx(before, abs=1e-6)
    wheel(preview, at, -1)
    assert preview.zoom == pytest.approx(1.15)


def test_dragging_pans_and_a_new_svg_keeps_the_view(preview, qtbot):
    wheel(preview, QPointF(400, 250), 3)
    left = preview.picture_rect().left()
    qtbot.mousePress(preview, Qt.MouseButton.LeftButton, pos=QPoint(300, 200))
    qtbot.mouseMove(preview, QPoint(340, 230))
    qtbot.mouseMove(preview, QPoint(380, 260))
    qtbot.mouseRelease(preview, Qt.MouseButton.LeftButton, pos=QPoint(380, 260))
    assert preview.picture_rect().left() == pytest.approx(left + 80)
    rect = preview.picture_rect()
    preview.set_svg(preview.svg.encode())
    assert preview.picture_rect() == rect


def test_keys_and_double_click(preview, qtbot):
    preview.setFocus()
    qtbot.keyClick(preview, Qt.Key.Key_Plus)
    assert preview.zoom == pytest.approx(1.15) and preview.picture_rect().center() == QPointF(400, 250)
    qtbot.keyClick(preview, Qt.Key.Key_Minus)
    qtbot.keyClick(preview, Qt.Key.Key_Minus)
    assert preview.zoom == pytest.approx(1 / 1.15)
    qtbot.keyClick(preview, Qt.Key.Key_0)
    assert preview.zoom == 1.0
    wheel(preview, QPointF(100, 100), 4)
    qtbot.mouseDClick(preview, Qt.MouseButton.LeftButton, pos=QPoint(10, 10))
    assert preview.zoom == 1.0 and preview.pan == QPointF(0, 0)
