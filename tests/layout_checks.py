"""Geometry assertions shared by layout tests: no overlapping boxes, no text spilling out."""
from __future__ import annotations

import io

import cairosvg
import numpy as np
from PIL import Image

from engine.compiler import Compiled, compile_scene
from engine.compiler.draw import OVERFLOW
from engine.compiler.geometry import Layout, Rect, Text
from engine.compiler.text import text_width

EPS = 0.5


def compile_resolved(scene, content) -> Compiled:
    """Compile content that is meant to overflow its boxes: every ref must resolve (what strict
    compiling checks), while a cut text is the warning the test expects, not a failure."""
    compiled = compile_scene(scene, content)
    assert [d.format() for d in compiled.diagnostics if d.code != OVERFLOW] == []
    return compiled


def text_box(t: Text) -> tuple[float, float, float, float]:
    """(left, top, right, bottom) of a text run as the compiler measured it."""
    w = text_width(t.text, t.size, t.bold, t.font == "mono")
    left = {"start": t.x, "middle": t.x - w / 2, "end": t.x - w}[t.anchor]
    return left, t.y - t.size * 0.8, left + w, t.y + t.size * 0.25


def rects(layout: Layout, roles: set[str]) -> list[Rect]:
    return [s for s in layout.shapes if isinstance(s, Rect) and s.role in roles]


def _overlap(a, b) -> bool:
    return a[0] < b[2] - EPS and b[0] < a[2] - EPS and a[1] < b[3] - EPS and b[1] < a[3] - EPS


def box_of(r: Rect):
    return r.x, r.y, r.x + r.w, r.y + r.h


def assert_no_overlap(layout: Layout, roles: set[str]) -> None:
    boxes = rects(layout, roles)
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            assert not _overlap(box_of(a), box_of(b)), f"{a.role} at {box_of(a)} overlaps {b.role} at {box_of(b)}"


def assert_text_inside(layout: Layout, roles: set[str]) -> None:
    """Every text whose anchor point sits in a box of `roles` fits inside that box, and every text
    fits on the canvas."""
    boxes = rects(layout, roles)
    for t in (s for s in layout.shapes if isinstance(s, Text)):
        l, top, r, bottom = text_box(t)
        assert l >= -EPS and r <= layout.width + EPS and bottom <= layout.height + EPS, f"{t.text!r} off canvas"
        for b in boxes:
            if b.x <= t.x <= b.x + b.w and b.y <= t.y <= b.y + b.h:
                assert l >= b.x - EPS and r <= b.x + b.w + EPS, f"{t.text!r} spills out of {b.role} horizontally"
                assert top >= b.y - EPS and bottom <= b.y + b.h + EPS, f"{t.text!r} spills out of {b.role} vertically"


def _pixels(svg: str) -> np.ndarray:
    png = cairosvg.svg2png(bytestring=svg.encode(), background_color="white")   # at the canvas's size
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB"), dtype=np.int16)


def visibly_different(a: str, b: str) -> bool:
    """Whether two SVGs differ as a person sees them: another size, or at least 20 pixels changed."""
    pa, pb = _pixels(a), _pixels(b)
    return pa.shape != pb.shape or int((np.abs(pa - pb).sum(axis=2) > 24).sum()) >= 20
