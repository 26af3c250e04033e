"""pipeline_lane in DSL v2: a panel under the lane shares the canvas's spare height with it (the
IR pipeline assets: a short row of stages over a tall panel) rather than the stages stretching
alone; stage_card [number:none] leaves the number badge out of a stage's head."""
from __future__ import annotations

import pytest

from engine.compiler.geometry import Line, Text
from engine.dsl import load
from tests.layout_checks import assert_no_overlap, assert_text_inside, compile_resolved, rects, text_box

LANE = " ".join(f"[stage_card:@stage_card.{i}.title|@stage_card.{i}.caption]" for i in range(3))
PANEL = ("[panel] [node_id:p] [title_ref:panel.0.title] "
         + " ".join(f"[text_line:@text_line.{i}.text]" for i in range(3)) + " [/panel]")
CONTENT = {"header_band": [{"headline": "H"}],
           "stage_card": [{"title": f"Stage {i}", "caption": "one line\nanother line"} for i in range(3)],
           "panel": [{"title": "Rules"}],
           "text_line": [{"text": f"Rule {i}: what the lane means"} for i in range(3)]}


def _layout(body: str, canvas: str = "panorama", layout: str = "pipeline_lane"):
    doc = load(f"[scene] [canvas:{canvas}] [layout:{layout}] [density:balanced] "
               f"[header_band:@header_band.0.headline] {body} [/scene]")
    assert not doc.errors, [d.format() for d in doc.errors]
    return compile_resolved(doc.scene, CONTENT).layout


def _panel(layout):
    return next(r for r in rects(layout, {"panel"}) if r.node == "p")


def test_a_panel_under_the_lane_takes_a_share_of_the_spare_height():
    alone = _layout(LANE)
    shared = _layout(f"{LANE} {PANEL}")
    natural = _panel(_layout(f"{LANE} {PANEL}", layout="dashboard_cards"))  # a family that never grows it
    panel = _panel(shared)
    assert panel.h > natural.h + 20
    # part of the spare opens the gap under the lane, so the panel stands apart as a section
    lane_bottom = max(r.y + r.h for r in rects(shared, {"stage"}))
    assert panel.y - lane_bottom > 26 + 20   # the balanced scene's gap is 26 px
    # the lane gives up height to the panel: its stages are shorter than when it fills the page alone
    assert max(r.h for r in rects(shared, {"stage"})) < max(r.h for r in rects(alone, {"stage"})) - 20
    # shared within the canvas, not by growing it
    assert shared.height == pytest.approx(600) and alone.height == pytest.approx(600)


def test_the_grown_panel_and_the_lane_neither_overlap_nor_spill():
    for canvas in ("panorama", "wide", "tall"):
        layout = _layout(f"{LANE} {PANEL}", canvas)
        assert_no_overlap(layout, {"stage", "panel"})
        assert_text_inside(layout, {"stage", "panel"})
        panel = _panel(layout)
        assert panel.y + panel.h <= layout.height
        assert all(r.y + r.h <= panel.y for r in rects(layout, {"stage"}))


LONG_TITLE = "A stage title long enough to wrap onto a second line in its head"


def _lane(number: str, emphasis: str, rail: str = "accent"):
    attr = f"|number={number}" if number else ""
    body = " ".join(f"[stage_card:@stage_card.{i}.title|@stage_card.{i}.caption{attr}]" for i in range(3))
    doc = load(f"[scene] [canvas:panorama] [layout:pipeline_lane] [emphasis:{emphasis}] [rail:{rail}] "
               f"[header_band:@header_band.0.headline] {body} [/scene]")
    assert not doc.errors, [d.format() for d in doc.errors]
    content = {**CONTENT, "stage_card": [{"title": LONG_TITLE if i == 1 else f"Stage {i}",
                                          "caption": "one line\nanother line"} for i in range(3)]}
    return compile_resolved(doc.scene, content)


def _roles(layout) -> set[str]:
    return {s.role for s in layout.shapes if hasattr(s, "role")}


@pytest.mark.parametrize("emphasis, rail", [("top", "accent"), ("center", "accent"), ("left", "accent"),
                                            ("top", "none")])
def test_number_none_leaves_the_badge_out_and_keeps_text_inside(emphasis, rail):
    numbered, plain = _lane("", emphasis, rail), _lane("none", emphasis, rail)
    assert _lane("badge", emphasis, rail).layout == numbered.layout   # badge: what an omitted number draws
    assert plain.layout != numbered.layout
    assert _roles(numbered.layout) >= {"stage-badge", "stage-number"}
    assert not _roles(plain.layout) & {"stage-badge", "stage-number"}
    assert_no_overlap(plain.layout, {"stage"})
    assert_text_inside(plain.layout, {"stage"})


def test_an_unnumbered_centred_head_centres_its_title_on_the_box():
    layout = _lane("none", "center").layout
    title = next(t for t in layout.shapes if isinstance(t, Text) and t.role == "stage-title" and t.text == "Stage 0")
    box = next(r for r in rects(layout, {"stage"}) if r.x <= title.x <= r.x + r.w)
    left, _, right, _ = text_box(title)
    assert abs((left + right) / 2 - (box.x + box.w / 2)) < 1


def _widths(body: str, n: int = 4, canvas: str = "panorama"):
    doc = load(f"[scene] [canvas:{canvas}] [layout:pipeline_lane] [density:balanced] "
               f"[header_band:@header_band.0.headline] {body} [/scene]")
    assert not doc.errors, [d.format() for d in doc.errors]
    content = {**CONTENT, "stage_card": [{"title": LONG_TITLE if i == 1 else f"Stage {i}",
                                          "caption": "Args\nOffsets and more words than fit one line"}
                                         for i in range(n)]}
    return compile_resolved(doc.scene, content).layout


def _stages(n: int, narrow: set[int]) -> str:
    return " ".join(f"[stage_card:@stage_card.{i}.title|@stage_card.{i}.caption"
                    f"{'|width=narrow' if i in narrow else ''}]" for i in range(n))


def test_a_narrow_stage_is_half_as_wide_and_the_others_widen():
    plain = sorted(rects(_widths(_stages(4, set())), {"stage"}), key=lambda r: r.x)
    narrow = sorted(rects(_widths(_stages(4, {3})), {"stage"}), key=lambda r: r.x)
    assert rects(_widths(_stages(4, set()).replace("caption]", "caption|width=normal]")), {"stage"}) \
        == rects(_widths(_stages(4, set())), {"stage"})   # normal is what an omitted width draws
    assert narrow[3].w == pytest.approx(narrow[0].w / 2)
    assert narrow[0].w > plain[0].w + 20
    assert narrow[3].x + narrow[3].w == pytest.approx(plain[3].x + plain[3].w)   # the row keeps its span


@pytest.mark.parametrize("n, narrow", [(4, {3}), (3, {0, 2}), (7, {2}), (7, {6}), (8, {1, 6})])
@pytest.mark.parametrize("canvas", ["panorama", "wide"])
def test_narrow_stages_neither_overlap_nor_spill(n, narrow, canvas):
    layout = _widths(_stages(n, narrow), n, canvas)
    boxes = rects(layout, {"stage"})
    assert len(boxes) == n
    assert_no_overlap(layout, {"stage"})
    assert_text_inside(layout, {"stage"})
    assert all(0 <= r.x and r.x + r.w <= layout.width for r in boxes)


def test_the_turn_into_a_narrow_stage_ends_at_its_edge():
    layout = _widths(_stages(7, {6}), 7, "wide")
    last = max(rects(layout, {"stage"}), key=lambda r: r.y)   # the stage alone in the second row
    turn = next(s for s in layout.shapes if isinstance(s, Line) and s.role == "connector"
                and s.points[0][1] < last.y < s.points[-1][1])
    end_x, end_y = turn.points[-1]
    assert end_x == pytest.approx(last.x + last.w + 3)
    assert last.y < end_y < last.y + last.h
