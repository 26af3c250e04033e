"""Gold panel: the current entry's parity score, and reference, compiled and difference side by
side or as an overlay with an opacity slider; the asset's text roles beside them."""
from __future__ import annotations

from qtpy.QtCore import Qt
from qtpy.QtGui import QImage, QPainter, QPixmap
from qtpy.QtWidgets import (QComboBox, QHBoxLayout, QLabel, QListWidget, QSlider, QSplitter,
                            QVBoxLayout, QWidget)


class ImageView(QLabel):
    """A picture scaled to fit, keeping its aspect."""

    def __init__(self, caption: str):
        super().__init__(caption)
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setMinimumSize(160, 120)
        self.image: QImage | None = None

    def set_image(self, image: QImage | None) -> None:
        self.image = image
        self._fit()

    def resizeEvent(self, event) -> None:  # noqa: N802
        self._fit()
        super().resizeEvent(event)

    def _fit(self) -> None:
        if self.image is not None:
            self.setPixmap(QPixmap.fromImage(self.image).scaled(
                self.size(), Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation))


class GoldPanel(QWidget):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.images: dict[str, QImage] = {}
        self.score = QLabel("no gold entry")
        self.score.setTextFormat(Qt.TextFormat.RichText)
        self.mode = QComboBox()
        self.mode.addItems(["side by side", "overlay"])
        self.opacity = QSlider(Qt.Orientation.Horizontal, minimum=0, maximum=100, value=50)
        self.opacity.setMinimumWidth(120)
        top = QHBoxLayout()
        top.addWidget(self.score, 1)
        top.addWidget(self.mode)
        top.addWidget(QLabel("compiled over reference"))
        top.addWidget(self.opacity)

        self.views = {k: ImageView(k) for k in ("reference", "compiled", "diff")}
        self.overlay = ImageView("overlay")
        pictures = QHBoxLayout()
        for v in (*self.views.values(), self.overlay):
            pictures.addWidget(v, 1)
        self.overlay.hide()
        self.roles = QListWidget()
        box = QWidget()
        box.setLayout(pictures)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(box)
        split.addWidget(self.roles)
        split.setSizes([900, 260])
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(split, 1)
        self.mode.currentIndexChanged.connect(self._on_mode_changed)
        self.opacity.valueChanged.connect(self._draw_overlay)

    def show_result(self, result, images: dict | None) -> None:
        colour = {"pass": "#2f855a", "fail": "#c53030"}.get(result.status, "#b7791f")
        if result.status in ("pass", "fail"):
            self.score.setText(
                f"<b>{result.name}</b> parity <b style='color:{colour}'>{result.score:.3f}</b> "
                f"(threshold {result.threshold:.2f}) · ssim64 {result.ssim_64:.3f} · full {result.ssim_full:.3f}"
                f" · structure {result.structure:.3f} · judge fidelity64 {result.fidelity_64:.3f}")
        else:
            self.score.setText(f"<b>{result.name}</b> <span style='color:{colour}'>{result.status}</span>: "
                               f"{result.reason}")
        if images:
            self.images = images
            for kind, view in self.views.items():
                view.set_image(images[kind])
            self._draw_overlay()

    def show_roles(self, roles: list[tuple[str, str]]) -> None:
        self.roles.clear()
        self.roles.addItems([f"{role:9} {text}" for role, text in roles])

    def clear(self) -> None:
        self.score.setText("not a gold entry (no meta.toml)")
        self.images = {}
        for v in (*self.views.values(), self.overlay):
            v.set_image(None)
            v.clear()
        self.roles.clear()

    def _on_mode_changed(self, index: int) -> None:
        for v in self.views.values():
            v.setVisible(index == 0)
        self.overlay.setVisible(index == 1)
        self._draw_overlay()

    def _draw_overlay(self) -> None:
        if "reference" not in self.images:
            return
        base = self.images["reference"].copy()
        painter = QPainter(base)
        painter.setOpacity(self.opacity.value() / 100)
        painter.drawImage(0, 0, self.images["compiled"])
        painter.end()
        self.overlay.set_image(base)
