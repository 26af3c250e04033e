"""header_band band:box (wave 4): the title block in a rounded box across the column, outlined in
the accent, every title text inside it and the page's content below it, in every family."""
from __future__ import annotations

import pytest

from engine.compiler import compile_scene
from engine.compiler.geometry import Rect, Text
from engine.dsl import load, vocab
from tests.layout_checks import text_box, visibly_different
from tests.scenes import kitchen_sink


def compiled(layout: str, band: str, hero: str = "left"):
    text, content = kitchen_sink(layout)
    text = text.replace("[header_band]\n", f"[header_band]\n[band:{band}]\n", 1)
    text = text.replace("[scene]\n", f"[scene]\n[hero:{hero}]\n", 1)
    doc = load(text)
    assert not doc.errors, [d.format() for d in doc.errors]
    return compile_scene(doc.scene, content)


@pytest.mark.parametrize("hero", ["left", "center", "split"])
@pytest.mark.parametrize("layout", vocab.LAYOUTS)
def test_the_boxed_title_stands_inside_its_box_and_the_page_below_it(layout, hero):
    made = compiled(layout, "box", hero)
    shapes = made.layout.shapes
    box = next(s for s in shapes if isinstance(s, Rect) and s.role == "header")
    assert box.x + box.w == pytest.approx(made.layout.width - box.x)    # across the column
    assert box.stroke and box.stroke_width > 0                          # outlined
    titles = [s for s in shapes if isinstance(s, Text) and s.role in ("kicker", "headline", "subtitle")]
    assert {t.role for t in titles} == {"kicker", "headline", "subtitle"}
    for t in titles:
        left, top, right, bottom = text_box(t)
        assert box.x < left and right < box.x + box.w and box.y < top and bottom < box.y + box.h, t.text
    below = [s for s in shapes if isinstance(s, Rect) and s.role not in ("header", "background") and s.y > 0
             and s.h < made.layout.height * 0.9]
    assert below and min(s.y for s in below) >= box.y + box.h - 0.5


@pytest.mark.parametrize("layout", ["poster_stack", "dashboard_cards", "pipeline_lane"])
def test_band_box_changes_the_picture_from_solid_and_open(layout):
    svgs = {band: compiled(layout, band).svg for band in ("solid", "open", "box")}
    assert visibly_different(svgs["box"], svgs["solid"]) and visibly_different(svgs["box"], svgs["open"])
