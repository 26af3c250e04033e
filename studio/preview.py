"""Live SVG preview drawn with Qt's own renderer (fast enough to follow typing); wheel zooms."""
from __future__ import annotations

from qtpy.QtCore import QRectF
from qtpy.QtGui import QColor, QPainter
from qtpy.QtSvg import QSvgRenderer
from qtpy.QtWidgets import QWidget


class SvgPreview(QWidget):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.renderer = QSvgRenderer(self)
        self.zoom = 1.0
        self.setMinimumSize(320, 240)

    def set_svg(self, svg: bytes) -> None:
        if svg and self.renderer.load(svg):
            self.update()

    def wheelEvent(self, event) -> None:  # noqa: N802
        step = 1.15 if event.angleDelta().y() > 0 else 1 / 1.15
        self.zoom = min(8.0, max(0.25, self.zoom * step))
        self.update()

    def paintEvent(self, event) -> None:  # noqa: N802
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor("#2b2b2b"))
        if not self.renderer.isValid():
            return
        size = self.renderer.defaultSize()
        fit = min(self.width() / max(1, size.width()), self.height() / max(1, size.height()))
        scale = fit * self.zoom
        w, h = size.width() * scale, size.height() * scale
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.renderer.render(painter, QRectF((self.width() - w) / 2, (self.height() - h) / 2, w, h))
        painter.end()
