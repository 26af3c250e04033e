"""Live SVG preview drawn with Qt's own renderer (fast enough to follow typing).

The wheel zooms about the pointer, dragging pans, a double click (or "0") fits the picture again;
"+" and "-" zoom about the centre. A new SVG keeps the view where it is, so a person can watch one
corner while typing.
"""
from __future__ import annotations

from qtpy.QtCore import QPointF, QRectF, Qt, Signal
from qtpy.QtGui import QColor, QPainter
from qtpy.QtSvg import QSvgRenderer
from qtpy.QtWidgets import QWidget

ZOOM_STEP = 1.15
ZOOM_RANGE = (0.25, 16.0)


class SvgPreview(QWidget):
    view_changed = Signal(float)   # zoom, 1.0 = the whole picture fits

    def __init__(self, parent=None):
        super().__init__(parent)
        self.renderer = QSvgRenderer(self)
        self.zoom = 1.0
        self.pan = QPointF(0, 0)      # offset of the picture's centre from the widget's, in pixels
        self._drag: QPointF | None = None
        self.stale = ""   # why the picture no longer matches the text ("" when it does)
        self.setMinimumSize(200, 120)   # a low window (1280×720) keeps room for the docks
        self.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        self.setCursor(Qt.CursorShape.OpenHandCursor)

    def set_svg(self, svg: bytes) -> None:
        if svg and self.renderer.load(svg):
            self.update()

    def set_stale(self, why: str) -> None:
        """A badge over the picture while the text it came from has changed past compiling."""
        if why != self.stale:
            self.stale = why
            self.update()

    # ---- geometry --------------------------------------------------------------------------------
    def picture_rect(self) -> QRectF:
        """Where the picture lies in widget coordinates at the current zoom and pan."""
        size = self.renderer.defaultSize()
        fit = min(self.width() / max(1, size.width()), self.height() / max(1, size.height()))
        w, h = size.width() * fit * self.zoom, size.height() * fit * self.zoom
        cx, cy = self.width() / 2 + self.pan.x(), self.height() / 2 + self.pan.y()
        return QRectF(cx - w / 2, cy - h / 2, w, h)

    def zoom_by(self, factor: float, about: QPointF | None = None) -> None:
        """Zoom keeping the picture point under `about` (default: the centre) where it is."""
        about = about if about is not None else QPointF(self.width() / 2, self.height() / 2)
        new = min(ZOOM_RANGE[1], max(ZOOM_RANGE[0], self.zoom * factor))
        factor = new / self.zoom
        centre = QPointF(self.width() / 2, self.height() / 2) + self.pan
        self.pan = self.pan + (centre - about) * (factor - 1)
        self.zoom = new
        self.update()
        self.view_changed.emit(self.zoom)

    def fit(self) -> None:
        self.zoom, self.pan = 1.0, QPointF(0, 0)
        self.update()
        self.view_changed.emit(self.zoom)

    # ---- input -----------------------------------------------------------------------------------
    def wheelEvent(self, event) -> None:  # noqa: N802
        self.zoom_by(ZOOM_STEP if event.angleDelta().y() > 0 else 1 / ZOOM_STEP, event.position())

    def mousePressEvent(self, event) -> None:  # noqa: N802
        if event.button() == Qt.MouseButton.LeftButton:
            self._drag = event.position()
            self.setCursor(Qt.CursorShape.ClosedHandCursor)

    def mouseMoveEvent(self, event) -> None:  # noqa: N802
        if self._drag is not None:
            self.pan = self.pan + (event.position() - self._drag)
            self._drag = event.position()
            self.update()

    def mouseReleaseEvent(self, event) -> None:  # noqa: N802
        self._drag = None
        self.setCursor(Qt.CursorShape.OpenHandCursor)

    def mouseDoubleClickEvent(self, event) -> None:  # noqa: N802
        self.fit()

    def keyPressEvent(self, event) -> None:  # noqa: N802
        key = event.key()
        if key in (Qt.Key.Key_Plus, Qt.Key.Key_Equal):
            self.zoom_by(ZOOM_STEP)
        elif key == Qt.Key.Key_Minus:
            self.zoom_by(1 / ZOOM_STEP)
        elif key == Qt.Key.Key_0:
            self.fit()
        else:
            super().keyPressEvent(event)

    def paintEvent(self, event) -> None:  # noqa: N802
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor("#2b2b2b"))
        if self.renderer.isValid():
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            self.renderer.render(painter, self.picture_rect())
        if self.stale:
            painter.setOpacity(0.25)
            painter.fillRect(self.rect(), QColor("#000000"))
            painter.setOpacity(1.0)
            metrics = painter.fontMetrics()
            badge = QRectF(8, 8, min(self.width() - 16, metrics.horizontalAdvance(self.stale) + 20),
                           metrics.height() + 10)
            painter.fillRect(badge, QColor("#b7791f"))
            painter.setPen(QColor("#ffffff"))
            painter.drawText(badge, Qt.AlignmentFlag.AlignCenter, self.stale)
        painter.end()
