"""Wave 3 vocabulary beyond the chart (docs/dsl.md): a panel's title centred or standing above
its box, children placed in the height a container is given (valign), terminal lines off a well
and coloured by the accent said on them."""
from __future__ import annotations

import itertools

import pytest
from layout_checks import assert_text_inside, compile_resolved, text_box
from scenes import scene_text
from test_containers import _visibly_different, content_for

from engine.compiler.geometry import Rect, Text
from engine.dsl import load

CARDS = "".join(f"[section_card:@section_card.{i}.title|@section_card.{i}.caption]\n" for i in range(3))
CODE = ("[text_line:@text_line.0.text|style=code{a}]\n[text_line:@text_line.1.text|style=code{b}]\n")


def _compile(body: str, layout: str = "dashboard_cards"):
    doc = load(scene_text(body, layout))
    assert not doc.errors, [d.format() for d in doc.errors]
    return compile_resolved(doc.scene, content_for(doc.scene))


def _panel(attrs: str, children: str = CARDS, i: int = 0) -> str:
    return f"[panel]\n{attrs}[title_ref:panel.{i}.title]\n[caption_ref:panel.{i}.caption]\n{children}[/panel]\n"


def _titles(layout):
    return [t for t in layout.shapes if isinstance(t, Text) and t.role == "panel-title"]


def _frame(layout):
    return next(s for s in layout.shapes if isinstance(s, Rect) and s.role == "panel")


def test_head_above_stands_the_title_over_the_box_and_align_center_centres_it():
    above = _compile(_panel("[head:above]\n")).layout
    title, frame = _titles(above)[0], _frame(above)
    assert text_box(title)[3] <= frame.y, "the label stands above the box"
    assert title.x == pytest.approx(frame.x)
    centred = _compile(_panel("[align:center]\n")).layout
    title, frame = _titles(centred)[0], _frame(centred)
    assert title.anchor == "middle" and title.x == pytest.approx(frame.x + frame.w / 2, abs=8)
    caption = next(t for t in centred.shapes if isinstance(t, Text) and t.role == "panel-caption")
    assert caption.anchor == "middle"
    for layout in (above, centred):
        assert_text_inside(layout, {"card"})


ROW = ("[group]\n[arrange:row]\n" + _panel("", CARDS, 0)
       + _panel("{attrs}", "[text_line:@text_line.0.text]\n", 1) + "[/group]\n")


def test_valign_places_the_children_in_the_height_a_row_gives_the_container():
    tops = {}
    for value in ("top", "middle", "bottom"):
        layout = _compile(ROW.format(attrs=f"[valign:{value}]\n")).layout
        line = next(t for t in layout.shapes if isinstance(t, Text) and t.role == "line")
        frame = [s for s in layout.shapes if isinstance(s, Rect) and s.role == "panel"][1]
        tops[value] = line.y
        assert frame.y < line.y < frame.y + frame.h
        assert_text_inside(layout, {"panel", "card"})
    assert tops["top"] < tops["middle"] < tops["bottom"]
    free = tops["bottom"] - tops["top"]
    assert tops["middle"] - tops["top"] == pytest.approx(free / 2, abs=0.5)


def test_well_none_keeps_code_lines_off_a_well_and_an_accent_colours_them():
    welled = _compile(CODE.format(a="", b="")).layout
    bare = _compile(CODE.format(a="|well=none", b="|well=none")).layout
    assert any(isinstance(s, Rect) and s.role == "code-well" for s in welled.shapes)
    assert not any(isinstance(s, Rect) and s.role == "code-well" for s in bare.shapes)
    coloured = _compile(CODE.format(a="|well=none|accent=green", b="|well=none|accent=red")).layout
    fills = [t.fill for t in coloured.shapes if isinstance(t, Text) and t.role == "code"]
    plain = next(t.fill for t in bare.shapes if isinstance(t, Text) and t.role == "code")
    assert len(set(fills)) == 2 and fills[0] != plain


@pytest.mark.parametrize("key,values,body", [
    ("well", ("auto", "none"), lambda v: CODE.format(a=f"|well={v}", b=f"|well={v}")),
    ("code accent", ("green", "red"), lambda v: CODE.format(a=f"|accent={v}", b="")),
    ("head", ("plain", "above"), lambda v: _panel(f"[head:{v}]\n")),
])
def test_each_changes_the_picture(key, values, body):
    renders = [_compile(body(v)).svg for v in values]
    for a, b in itertools.pairwise(renders):
        assert _visibly_different(a, b), key


STEPS = "".join(f"[stage_card:@stage_card.{i}.title|@stage_card.{i}.caption{{attrs}}]\n" for i in range(4))


def test_circle_steps_hold_their_title_inside_the_rim_and_connectors_meet_the_rim():
    from engine.compiler.geometry import Circle, Line

    layout = _compile(STEPS.format(attrs="|shape=circle"), "pipeline_lane").layout
    discs = [s for s in layout.shapes if isinstance(s, Circle) and s.role == "stage-disc"]
    assert len(discs) == 4 and len({round(d.r, 3) for d in discs}) == 1
    for t in (s for s in layout.shapes if isinstance(s, Text) and s.role in ("stage-title", "stage-number")):
        disc = min(discs, key=lambda d: abs(d.cx - t.x))
        left, top, right, bottom = text_box(t)
        for px, py in ((left, top), (right, top), (left, bottom), (right, bottom)):
            assert (px - disc.cx) ** 2 + (py - disc.cy) ** 2 <= disc.r ** 2, f"{t.text!r} crosses the rim"
    captions = [s for s in layout.shapes if isinstance(s, Text) and s.role == "caption"]
    assert all(c.y > discs[0].cy + discs[0].r for c in captions)
    joins = [s for s in layout.shapes if isinstance(s, Line) and s.role == "connector"]
    assert len(joins) == 3
    for line, (a, b) in zip(joins, itertools.pairwise(discs)):
        (x1, y1), (x2, _) = line.points[0], line.points[-1]
        assert y1 == pytest.approx(a.cy) and x1 == pytest.approx(a.cx + a.r + 3)
        assert x2 == pytest.approx(b.cx - b.r - 3)


def test_circle_shape_changes_the_picture():
    box, circle = (_compile(STEPS.format(attrs=f"|shape={v}"), "pipeline_lane").svg for v in ("box", "circle"))
    assert _visibly_different(box, circle)


def test_a_lane_in_a_group_keeps_its_height_where_the_page_lane_grows():
    heights = []
    for body in (STEPS.format(attrs=""), "[group]\n" + STEPS.format(attrs="") + "[/group]\n"):
        layout = _compile(body, "pipeline_lane").layout
        heights.append({round(s.h, 3) for s in layout.shapes if isinstance(s, Rect) and s.role == "stage"})
    assert len(heights[0]) == len(heights[1]) == 1
    assert heights[1].pop() < heights[0].pop()
