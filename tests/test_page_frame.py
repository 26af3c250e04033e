"""background:frame draws a rounded outline round the whole page (the v6.6 sheets' frame) and no
pattern; it changes the raster, stays on the page and clear of the content's edge."""
from __future__ import annotations

import pytest

from engine.compiler.geometry import Rect
from engine.dsl import load
from layout_checks import compile_resolved
from test_containers import _visibly_different

CONTENT = {"header_band": [{"headline": "A title", "subtitle": "A subtitle"}],
           "section_card": [{"title": f"Card {i}", "caption": "a line of caption"} for i in range(3)]}


def _compiled(background: str, layout: str):
    cards = " ".join(f"[section_card] [title_ref:section_card.{i}.title] [caption_ref:section_card.{i}.caption] [/section_card]" for i in range(3))
    doc = load(f"[scene] [canvas:landscape] [layout:{layout}] [background:{background}] "
               f"[header_band:@header_band.0.headline|@header_band.0.subtitle] {cards} [/scene]")
    assert not doc.errors, [d.format() for d in doc.errors]
    return compile_resolved(doc.scene, CONTENT)


@pytest.mark.parametrize("layout", ["dashboard_cards", "poster_stack", "decision_tree"])
def test_a_page_frame_outlines_the_page_inside_its_edge(layout):
    plain, framed = _compiled("none", layout), _compiled("frame", layout)
    assert _visibly_different(plain.svg, framed.svg)
    frames = [s for s in framed.layout.shapes if isinstance(s, Rect) and s.role == "background"]
    assert len(frames) == 1 and not [s for s in plain.layout.shapes if getattr(s, "role", "") == "background"]
    f = frames[0]
    w, h = framed.layout.width, framed.layout.height
    assert f.fill == "none" and f.stroke and f.rx > 0
    assert 0 < f.x < 52 and 0 < f.y and f.x + f.w < w and f.y + f.h < h   # inside the page, outside the md inset
    assert f.x + f.w == pytest.approx(w - f.x) and f.y + f.h == pytest.approx(h - f.y)
    # the frame is decoration under the content: everything else is laid out as without it
    assert [s for s in framed.layout.shapes if s is not f] == list(plain.layout.shapes)
