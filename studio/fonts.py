"""The bundled fonts, given to Qt: the preview and the quick score draw text with the font the
compiler measured it with."""
from __future__ import annotations


def register_fonts() -> None:
    from qtpy.QtGui import QFontDatabase

    from engine.paths import FONTS

    for path in sorted(FONTS.glob("*.ttf")):
        QFontDatabase.addApplicationFont(str(path))
