"""The Gold panel's pictures: a page drawn under a camera that several views share (wheel zooms at
the mouse, a drag pans, a double click resets, and every view follows), with arrows showing where
the compiled page put the reference's words (engine/gold/strays.py).

The camera is in page fractions, not pixels: the reference and the compiled picture are drawn at
one size (engine/gold/gate.py resizes the compiled one), so the same fractions show the same
region in each view whatever the view's own size.
"""
from __future__ import annotations

import math

from qtpy.QtCore import QLineF, QObject, QPointF, QRectF, Qt, Signal
from qtpy.QtGui import QColor, QFont, QFontMetricsF, QImage, QPainter, QPainterPath, QPen, QPixmap, QPolygonF
from qtpy.QtWidgets import QToolTip, QWidget

MAX_ZOOM = 16.0
WHEEL_STEP = 1.25      # zoom factor per wheel notch
DRAG_PX = 4            # a press that moves less than this is a click (it picks an arrow), not a pan
PICK_PX = 7            # how near an arrow a click must land to pick it
LABELLED = 10          # arrows that name their word on the page; the rest name it in a tooltip (labels crowd)
FAR, NEAR = QColor("#e53e3e"), QColor("#dd8a20")   # the word earns nothing where it stands / earns some


class Camera(QObject):
    """Zoom (1 = the page fits) and the page point at the views' centre, in page fractions."""

    changed = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.zoom, self.cx, self.cy = 1.0, 0.5, 0.5

    def reset(self) -> None:
        self.zoom, self.cx, self.cy = 1.0, 0.5, 0.5
        self.changed.emit()

    def zoom_at(self, factor: float, fx: float, fy: float) -> None:
        """Zoom by `factor`, keeping page point (fx, fy) where it is on screen."""
        zoom = min(MAX_ZOOM, max(1.0, self.zoom * factor))
        if zoom == 1.0:
            self.reset()
            return
        applied = zoom / self.zoom
        self.zoom = zoom
        self._centre(fx - (fx - self.cx) / applied, fy - (fy - self.cy) / applied)

    def pan(self, dx: float, dy: float) -> None:
        """Move the page by (dx, dy) page fractions; at zoom 1 the whole page shows and nothing moves."""
        if self.zoom == 1.0:
            return
        self._centre(self.cx - dx, self.cy - dy)

    def _centre(self, cx: float, cy: float) -> None:
        """Centre there, but no farther out than keeps the page across the view where it fits it at
        zoom 1: zoomed in, no view shows empty space past the page's edge on that side."""
        margin = 0.5 / self.zoom
        self.cx, self.cy = (min(1 - margin, max(margin, c)) for c in (cx, cy))
        self.changed.emit()


class PageView(QWidget):
    """One picture of the page pair under the shared camera, with the misplaced words' arrows."""

    stray_clicked = Signal(object)   # the stray (a dict of engine.gold.strays.Stray's fields)

    def __init__(self, camera: Camera, parent=None):
        super().__init__(parent)
        self.camera = camera
        self.image: QImage | None = None
        self.fitted: QPixmap | None = None   # the image scaled to the view at zoom 1, drawn unscaled
        self.strays: list[dict] = []
        self.arrows = True
        self.pressed: QPointF | None = None
        self.dragged = False
        self.setMinimumSize(160, 120)
        self.setMouseTracking(True)   # a tooltip names the word under the mouse
        camera.changed.connect(self.update)

    def set_image(self, image: QImage | None) -> None:
        self.image = image
        self.fitted = None
        self.update()

    def set_strays(self, strays: list[dict], shown: bool) -> None:
        self.strays, self.arrows = strays, shown
        self.update()

    # ---- geometry ------------------------------------------------------------------------------
    def _scale(self) -> float:
        """Screen pixels per page width at the current zoom."""
        if self.image is None or self.image.width() == 0:
            return 1.0
        fit = min(self.width() / self.image.width(), self.height() / self.image.height())
        return fit * self.image.width() * self.camera.zoom

    def _page_height(self, scale: float) -> float:
        return scale * self.image.height() / self.image.width()

    def to_screen(self, fx: float, fy: float) -> QPointF:
        s = self._scale()
        return QPointF(self.width() / 2 + (fx - self.camera.cx) * s,
                       self.height() / 2 + (fy - self.camera.cy) * self._page_height(s))

    def to_page(self, point: QPointF) -> tuple[float, float]:
        s = self._scale()
        return (self.camera.cx + (point.x() - self.width() / 2) / s,
                self.camera.cy + (point.y() - self.height() / 2) / self._page_height(s))

    def arrow(self, stray: dict) -> QLineF:
        """On screen: from where the compiled page has the word to where the asset has it."""
        return QLineF(self.to_screen(*stray["compiled"]), self.to_screen(*stray["reference"]))

    def stray_at(self, point: QPointF) -> dict | None:
        """The arrow nearest `point`, if one passes within PICK_PX of it."""
        best, best_d = None, PICK_PX
        for stray in self.strays if self.arrows else ():
            d = _distance_to_segment(point, self.arrow(stray))
            if d <= best_d:
                best, best_d = stray, d
        return best

    # ---- drawing -------------------------------------------------------------------------------
    def paintEvent(self, event) -> None:  # noqa: N802
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor("#2b2b2b"))
        if self.image is None:
            painter.end()
            return
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        self._draw_page(painter)
        if self.arrows:
            font = QFont(painter.font())
            font.setPointSizeF(max(7.0, font.pointSizeF() - 1))
            painter.setFont(font)
            named = self._labels(QFontMetricsF(font))
            for n, stray in reversed(list(enumerate(self.strays))):   # the farthest drawn last, on top
                self._draw_arrow(painter, stray, named.get(n))
        painter.end()

    def _labels(self, metrics: QFontMetricsF) -> dict[int, QPointF]:
        """Where each named arrow's word goes: the LABELLED farthest, leaving out one that would
        cover a farther one's word."""
        taken: list[QRectF] = []
        out = {}
        for n, stray in enumerate(self.strays[:LABELLED]):
            at = self.arrow(stray).p1() + QPointF(5, -5)
            box = metrics.boundingRect(stray["text"]).translated(at)
            if not any(box.intersects(t) for t in taken):
                taken.append(box)
                out[n] = at
        return out

    def _draw_page(self, painter: QPainter) -> None:
        """Smooth scaling costs the GUI thread tens of ms a picture: at zoom 1 the picture is scaled
        once per size and kept; zoomed in, only the part in view is scaled."""
        top_left, s = self.to_screen(0.0, 0.0), self._scale()
        target = QRectF(top_left.x(), top_left.y(), s, self._page_height(s))
        if self.camera.zoom == 1.0:
            size = target.size().toSize()
            if self.fitted is None or self.fitted.size() != size:
                self.fitted = QPixmap.fromImage(self.image).scaled(
                    size, Qt.AspectRatioMode.IgnoreAspectRatio, Qt.TransformationMode.SmoothTransformation)
            painter.drawPixmap(top_left, self.fitted)
            return
        shown = target.intersected(QRectF(self.rect()))
        k = self.image.width() / target.width()
        source = QRectF((shown.x() - target.x()) * k, (shown.y() - target.y()) * k, shown.width() * k, shown.height() * k)
        painter.drawImage(shown, self.image, source)

    def _draw_arrow(self, painter: QPainter, stray: dict, label_at: QPointF | None) -> None:
        line = self.arrow(stray)
        colour = FAR if stray["credit"] == 0 else NEAR
        head = _head(line)
        for pen in (QPen(QColor(255, 255, 255, 200), 4), QPen(colour, 2)):   # a halo keeps it seen on any page
            pen.setCapStyle(Qt.PenCapStyle.RoundCap)
            painter.setPen(pen)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawLine(line)
            painter.drawPath(head)
        painter.setBrush(colour)
        painter.drawPath(head)
        painter.drawEllipse(line.p1(), 3, 3)
        if label_at is not None:   # light on a dark box: read on any page
            box = painter.fontMetrics().boundingRect(stray["text"]).translated(label_at.toPoint())
            painter.fillRect(box.adjusted(-2, 0, 2, 0), QColor(0, 0, 0, 170))
            painter.setPen(QColor("#fff3d6"))
            painter.drawText(label_at, stray["text"])

    # ---- mouse ---------------------------------------------------------------------------------
    def wheelEvent(self, event) -> None:  # noqa: N802
        notches = event.angleDelta().y() / 120
        if notches and self.image is not None:
            self.camera.zoom_at(WHEEL_STEP ** notches, *self.to_page(event.position()))
        event.accept()

    def mousePressEvent(self, event) -> None:  # noqa: N802
        if event.button() == Qt.MouseButton.LeftButton:
            self.pressed, self.dragged = event.position(), False

    def mouseMoveEvent(self, event) -> None:  # noqa: N802
        if self.pressed is None:
            stray = self.stray_at(event.position())
            self.setToolTip(_describe(stray) if stray else "")
            self.setCursor(Qt.CursorShape.PointingHandCursor if stray else Qt.CursorShape.ArrowCursor)
            return
        moved = event.position() - self.pressed
        if self.dragged or abs(moved.x()) + abs(moved.y()) >= DRAG_PX:
            self.dragged = True
            s = self._scale()
            self.camera.pan(moved.x() / s, moved.y() / self._page_height(s))
            self.pressed = event.position()

    def mouseReleaseEvent(self, event) -> None:  # noqa: N802
        if self.pressed is not None and not self.dragged and (stray := self.stray_at(event.position())):
            QToolTip.showText(event.globalPosition().toPoint(), _describe(stray), self)
            self.stray_clicked.emit(stray)
        self.pressed, self.dragged = None, False

    def mouseDoubleClickEvent(self, event) -> None:  # noqa: N802
        self.camera.reset()


def _describe(stray: dict) -> str:
    where = f"bound by {stray['source']} (scene line {stray['line']})" if stray["line"] else "its ref is not known"
    return f"“{stray['text']}”: {stray['distance']:.2f} of the page from its place on the asset; {where}"


def _head(line: QLineF) -> QPainterPath:
    """An arrowhead at the line's end."""
    path = QPainterPath()
    if line.length() < 1:
        return path
    angle = math.atan2(line.dy(), line.dx())
    tip, size = line.p2(), 9.0
    points = [tip] + [tip - QPointF(size * math.cos(angle + a), size * math.sin(angle + a)) for a in (0.45, -0.45)]
    path.addPolygon(QPolygonF(points))
    path.closeSubpath()
    return path


def _distance_to_segment(p: QPointF, line: QLineF) -> float:
    a, b = line.p1(), line.p2()
    dx, dy = b.x() - a.x(), b.y() - a.y()
    length2 = dx * dx + dy * dy
    t = 0.0 if length2 == 0 else max(0.0, min(1.0, ((p.x() - a.x()) * dx + (p.y() - a.y()) * dy) / length2))
    return math.hypot(p.x() - a.x() - t * dx, p.y() - a.y() - t * dy)
