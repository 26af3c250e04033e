"""background:sheet: the page drawn as a rounded sheet inside the canvas, everything on it."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from engine.compiler import compile_scene
from engine.compiler.geometry import Circle, Line, Rect, Text
from engine.dsl import load
from layout_checks import EPS, text_box

GOLDEN = Path(__file__).parent / "golden"
CASES = sorted(p.name for p in GOLDEN.iterdir() if (p / "scene.dsl").exists())


def _compiled(case: str, background: str):
    d = GOLDEN / case
    text = re.sub(r"\[background:[a-z]+\]", f"[background:{background}]", (d / "scene.dsl").read_text())
    doc = load(text)
    assert not doc.errors
    return compile_scene(doc.scene, json.loads((d / "content.json").read_text()))


def _extent(s) -> tuple[float, float, float, float]:
    if isinstance(s, Rect):
        return s.x, s.y, s.x + s.w, s.y + s.h
    if isinstance(s, Text):
        return text_box(s)
    if isinstance(s, Circle):
        return s.cx - s.r, s.cy - s.r, s.cx + s.r, s.cy + s.r
    xs, ys = [p[0] for p in s.points], [p[1] for p in s.points]
    return min(xs), min(ys), max(xs), max(ys)


@pytest.mark.parametrize("case", CASES)
def test_everything_stands_on_the_sheet(case):
    layout = _compiled(case, "sheet").layout
    sheet = next(s for s in layout.shapes if isinstance(s, Rect) and s.role == "background")
    assert 0 < sheet.x == sheet.y and sheet.x + sheet.w < layout.width and sheet.y + sheet.h < layout.height
    for s in layout.shapes:
        if s.role == "background" or not isinstance(s, Rect | Text | Circle | Line):
            continue
        l, t, r, b = _extent(s)
        assert (l >= sheet.x - EPS and r <= sheet.x + sheet.w + EPS and t >= sheet.y - EPS
                and b <= sheet.y + sheet.h + EPS), f"{s.role} at {(l, t, r, b)} is off the sheet"


def test_a_sheet_moves_the_page_in_from_the_canvas_edge():
    plain, sheet = (_compiled("dual_panel_compare", bg).layout for bg in ("none", "sheet"))
    def left(layout):
        return min(s.x for s in layout.shapes if isinstance(s, Rect) and s.role == "panel")
    def top(layout):
        return next(s.y for s in layout.shapes if isinstance(s, Text) and s.role == "headline")
    assert left(sheet) > left(plain) and top(sheet) > top(plain)
