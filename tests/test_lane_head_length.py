"""pipeline_lane choices for the IR sheets' look (issue 14): stage_card [head:slim] sets a stage's
head as a slim strip round its title, flow_arrow [length:long] draws the connector it stands on as
a long arrow. Each changes the raster; nothing moves into overlap or out of its box."""
from __future__ import annotations

import pytest

from engine.compiler.geometry import Line, Rect
from engine.dsl import load
from layout_checks import assert_no_overlap, assert_text_inside, compile_resolved, rects
from test_containers import _visibly_different

CONTENT = {"header_band": [{"headline": "H"}],
           "stage_card": [{"title": f"Stage {i}", "caption": "one line\nanother line"} for i in range(5)]}


def _compiled(body: str, canvas: str = "panorama", emphasis: str = "center", rail: str = "accent"):
    doc = load(f"[scene] [canvas:{canvas}] [layout:pipeline_lane] [density:balanced] [emphasis:{emphasis}] "
               f"[rail:{rail}] [header_band:@header_band.0.headline] {body} [/scene]")
    assert not doc.errors, [d.format() for d in doc.errors]
    return compile_resolved(doc.scene, CONTENT)


def _stages(n: int, attrs: str = "", arrow: str = "") -> str:
    parts = [f"[stage_card:@stage_card.{i}.title|@stage_card.{i}.caption{attrs}]" for i in range(n)]
    return f" {arrow} ".join(parts) if arrow else " ".join(parts)


def _heads(layout) -> list[Rect]:
    # the strip drawn from each box's top (the square-off piece under it starts lower)
    tops = {round(r.y, 2) for r in rects(layout, {"stage"})}
    return [r for r in rects(layout, {"stage-head"}) if round(r.y, 2) in tops]


@pytest.mark.parametrize("emphasis, rail", [("center", "accent"), ("top", "accent"), ("left", "muted"),
                                            ("top", "none")])
def test_a_slim_head_is_shorter_the_box_keeps_its_text(emphasis, rail):
    plain = _compiled(_stages(3), emphasis=emphasis, rail=rail)
    slim = _compiled(_stages(3, "|head=slim"), emphasis=emphasis, rail=rail)
    assert _compiled(_stages(3, "|head=strip"), emphasis=emphasis, rail=rail).layout == plain.layout  # the default
    assert _visibly_different(plain.svg, slim.svg)
    if emphasis in ("center", "top") and rail != "none":
        assert max(r.h for r in _heads(slim.layout)) < max(r.h for r in _heads(plain.layout)) - 8
    assert_no_overlap(slim.layout, {"stage"})
    assert_text_inside(slim.layout, {"stage"})


def _gaps(layout) -> list[float]:
    boxes = sorted((r for r in rects(layout, {"stage"}) if r.y == min(b.y for b in rects(layout, {"stage"}))),
                   key=lambda r: r.x)
    return [b.x - (a.x + a.w) for a, b in zip(boxes, boxes[1:])]


LONG = "[flow_arrow] [length:long] [/flow_arrow]"


def test_a_long_arrow_widens_its_gap_and_the_boxes_make_room():
    plain = _compiled(_stages(3))
    long = _compiled(_stages(3, arrow=LONG))
    assert _compiled(_stages(3, arrow="[flow_arrow] [length:short] [/flow_arrow]")).layout == plain.layout
    assert _visibly_different(plain.svg, long.svg)
    before, after = _gaps(plain.layout), _gaps(long.layout)
    assert all(g > b + 40 for g, b in zip(after, before))
    connectors = [s for s in long.layout.shapes if isinstance(s, Line) and s.role == "connector"]
    assert all(abs(c.points[-1][0] - c.points[0][0]) > 100 for c in connectors)  # the arrows run the gap
    assert max(r.w for r in rects(long.layout, {"stage"})) < max(r.w for r in rects(plain.layout, {"stage"}))


def test_only_the_gap_it_stands_in_is_long():
    one = _compiled(" ".join([_stages(1), LONG, _stages(2).replace("stage_card.1", "stage_card.2")
                              .replace("stage_card.0", "stage_card.1")]))
    first, second = _gaps(one.layout)
    assert first > second + 40


@pytest.mark.parametrize("n, canvas", [(3, "panorama"), (5, "panorama"), (5, "wide"), (4, "strip")])
def test_slim_heads_and_long_arrows_neither_overlap_nor_spill(n, canvas):
    layout = _compiled(_stages(n, "|head=slim", arrow=LONG), canvas).layout
    boxes = rects(layout, {"stage"})
    assert len(boxes) == n
    assert_no_overlap(layout, {"stage"})
    assert_text_inside(layout, {"stage"})
    assert all(0 <= r.x and r.x + r.w <= layout.width for r in boxes)
