"""Studio preview latency: keystroke to pixels for gold-sized scenes (target: median under 50 ms).

    QT_QPA_PLATFORM=offscreen python bench/studio_preview.py [--repeat N]     (QT_API=pyqt6 for PyQt6)

What a keystroke costs once the debounce fires: parse + canonicalize + compile the edited scene,
then Qt's SVG renderer loads it and paints it into a preview-sized image. Reference in the same
run: cairosvg rasterizing the same SVG to PNG at the same size (the gate's renderer).
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.timing import median_ms  # noqa: E402

import studio  # noqa: E402,F401 (the default binding, PySide6, before qtpy is imported)

import cairosvg  # noqa: E402
from qtpy.QtCore import QRectF  # noqa: E402
from qtpy.QtGui import QGuiApplication, QImage, QPainter  # noqa: E402
from qtpy.QtSvg import QSvgRenderer  # noqa: E402

from engine.compiler import compile_scene  # noqa: E402
from engine.dsl import load  # noqa: E402

PREVIEW = (760, 600)




def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=30)
    args = ap.parse_args()
    app = QGuiApplication.instance() or QGuiApplication([])
    print(f"{'entry':26} {'svg KB':>6} {'compile':>8} {'qt draw':>8} {'total':>8} {'cairosvg':>9} {'ratio':>6}")
    totals = []
    for d in sorted((ROOT / "gold").glob("*/scene.dsl")):
        text = d.read_text()
        content = json.loads((d.parent / "content.json").read_text())
        svg = compile_scene(load(text).scene, content).svg

        def compile_once():
            return compile_scene(load(text).scene, content).svg

        def draw(svg_text: str):
            renderer = QSvgRenderer(svg_text.encode())
            image = QImage(*PREVIEW, QImage.Format.Format_ARGB32_Premultiplied)
            image.fill(0xFF2B2B2B)
            painter = QPainter(image)
            renderer.render(painter, QRectF(0, 0, *PREVIEW))
            painter.end()

        c = median_ms(compile_once, args.repeat)
        q = median_ms(lambda: draw(svg), args.repeat)
        total = median_ms(lambda: draw(compile_once()), args.repeat)
        ref = median_ms(lambda: cairosvg.svg2png(bytestring=svg.encode(), output_width=PREVIEW[0]), args.repeat)
        totals.append(total)
        print(f"{d.parent.name:26} {len(svg) / 1024:6.1f} {c:8.2f} {q:8.2f} {total:8.2f} {ref:9.2f} {ref / total:6.1f}x")
    from qtpy import API_NAME

    print(f"median keystroke-to-pixels over the gold pack ({API_NAME}): {statistics.median(totals):.2f} ms "
          f"(target < 50 ms; ratio = cairosvg to PNG / ours)")
    del app


if __name__ == "__main__":
    main()
