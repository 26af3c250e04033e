"""pipeline_lane with a panel under the lane: the canvas's spare height is shared between the
lane's bodies and the panel (the IR pipeline assets: a short row of stages over a tall panel),
rather than stretching the stages alone."""
from __future__ import annotations

import pytest

from engine.dsl import load
from tests.layout_checks import assert_no_overlap, assert_text_inside, compile_resolved, rects

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
