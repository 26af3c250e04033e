"""The live score's first answer: the gate's numbers with the compiled page drawn by Qt.

The gate draws with cairosvg, which takes 30-100 ms a picture on a large gold scene, and a score
draws two (as drawn and placeholder-normalized), then compares each at full size. Qt's SVG renderer
draws the same page 4-7x faster, and over the gold pack its scores agree with the gate's to about a
hundredth (`bench/studio_preview.py --agreement` prints the table). So while a person types, the
Gold panel shows this quick score, marked ≈, within a frame or two of the key, and the exact score
replaces it once typing pauses (studio/gold_panel.py).

It runs in a child process of its own, which holds an offscreen QGuiApplication and the bundled
fonts: the GUI thread neither draws nor compares, and the child compiles the texts itself, so the
score does not wait for the preview's compile. (studio/tasks.py's children load no Qt; this one
exists to.)
"""
from __future__ import annotations

import json
import os
from pathlib import Path

_app = None   # the child's QGuiApplication: Qt draws text only while one exists


def setup(parent: int) -> None:
    """The quick child's first call: the studio's child setup, then Qt on the offscreen platform."""
    global _app
    from studio import tasks

    tasks.child_setup(parent)
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    import studio  # noqa: F401 (the binding the studio uses, before qtpy is imported)
    from qtpy.QtGui import QGuiApplication

    from studio.fonts import register_fonts

    _app = QGuiApplication.instance() or QGuiApplication(["ck-quick-score"])
    register_fonts()


def qt_raster(svg: str | bytes, width: int):
    """The SVG drawn `width` pixels wide by Qt, on white: engine.gold.raster.raster_rgb's contract."""
    import numpy as np
    from PIL import Image
    from qtpy.QtCore import QRectF
    from qtpy.QtGui import QImage, QPainter
    from qtpy.QtSvg import QSvgRenderer

    renderer = QSvgRenderer(svg.encode() if isinstance(svg, str) else svg)
    size = renderer.viewBoxF().size() if not renderer.viewBoxF().isEmpty() else renderer.defaultSize()
    height = max(1, round(width * size.height() / size.width()))
    image = QImage(width, height, QImage.Format.Format_RGB32)
    image.fill(0xFFFFFFFF)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
    renderer.render(painter, QRectF(0, 0, width, height))
    painter.end()
    # RGB32 is 0xffRRGGBB per pixel: B, G, R, 255 in memory on little-endian machines
    bits = image.constBits()
    if hasattr(bits, "setsize"):   # PyQt6 hands over a pointer without a size, PySide6 a memoryview
        bits.setsize(image.sizeInBytes())
    words = np.frombuffer(bits, np.uint8, count=image.sizeInBytes())
    bgra = words.reshape(height, image.bytesPerLine() // 4, 4)[:, :width]
    order = [2, 1, 0] if np.little_endian else [1, 2, 3]
    return Image.fromarray(bgra[:, :, order].copy(), "RGB")


def prepare(entry, assets: str) -> None:
    """Draw the entry's reference ahead of its first quick score (the first drawing of an outside
    file takes a second or more; engine.gold.gate caches it per child)."""
    from engine.assets import AssetError
    from engine.fileio import InputError
    from engine.gold.gate import reference_of

    try:
        path = entry.reference_path(Path(assets))
        if path.exists():
            reference_of(path)
    except (InputError, AssetError):   # the score says so when it is asked for
        pass


def score_quick(entry, scene: str, content: str, assets: str):
    """The editor's texts scored against the entry's reference, drawn by Qt: the EntryResult's
    fields as a SimpleNamespace (status error with the reason when the texts do not compile)."""
    from dataclasses import asdict
    from types import SimpleNamespace

    from engine.assets import AssetError
    from engine.fileio import InputError
    from engine.gold.gate import compile_entry, new_result, reference_of, score_svg

    result = new_result(entry)
    try:
        path = entry.reference_path(Path(assets))
        if not path.exists():
            result.status, result.reason = "skipped", f"no reference at {path}"
        else:
            svg, result.warnings = compile_entry(scene, json.loads(content) if content.strip() else {})
            score_svg(result, svg, reference_of(path), raster=qt_raster, quick=True)
    except (InputError, AssetError, ValueError) as e:   # ValueError: content.json that does not parse
        result.status, result.reason = "error", str(e)
    return SimpleNamespace(**asdict(result))
