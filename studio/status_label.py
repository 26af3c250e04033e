"""A label for messages of any length (paths, refusals, engine errors): it takes the width its
layout gives it and never asks for more, so no message widens a dock or the window; what is cut
off is in its tooltip."""
from __future__ import annotations

from qtpy.QtCore import Qt
from qtpy.QtWidgets import QLabel, QSizePolicy


class StatusLabel(QLabel):
    def __init__(self, text: str = "", parent=None):
        super().__init__(parent)
        self.setTextFormat(Qt.TextFormat.PlainText)   # messages quote paths, model output and names
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.setText(text)

    def setText(self, text: str) -> None:  # noqa: N802 -- Qt's name
        super().setText(text)
        self.setToolTip(text)
