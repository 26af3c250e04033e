"""A lane of stages on a poster takes spare height as a card row does, up to LANE_ASPECT."""
from __future__ import annotations

from engine.compiler.geometry import Rect
from engine.compiler.layouts.poster_stack import LANE_ASPECT
from engine.dsl import load
from layout_checks import EPS, assert_no_overlap, assert_text_inside, compile_resolved
from scenes import scene_text
from test_containers import content_for

LANE = "".join(f"[stage_card]\n[node_id:s{i}]\n[title_ref:stage_card.{i}.title]\n"
               f"[caption_ref:stage_card.{i}.caption]\n[/stage_card]\n" for i in range(3))


def _stages(canvas: str, caption_words: int = 3):
    doc = load(scene_text(LANE).replace("[layout:poster_stack]\n", f"[canvas:{canvas}]\n[layout:poster_stack]\n"))
    assert not doc.errors, [d.format() for d in doc.errors]
    content = content_for(doc.scene)
    for stage in content["stage_card"]:
        stage["caption"] = " ".join(["memory"] * caption_words)
    compiled = compile_resolved(doc.scene, content)
    assert_no_overlap(compiled.layout, {"stage"})
    assert_text_inside(compiled.layout, {"stage"})
    return [s for s in compiled.layout.shapes if isinstance(s, Rect) and s.role == "stage"], compiled.layout


def test_a_poster_lane_grows_its_stages_to_half_as_tall_as_wide_and_no_further():
    stages, layout = _stages("tall")   # a tall poster has far more height to spare than that
    assert len(stages) == 3 and len({round(s.h, 2) for s in stages}) == 1
    assert abs(stages[0].h - stages[0].w * LANE_ASPECT) < EPS
    assert max(s.y + s.h for s in stages) < layout.height


def test_a_lane_already_taller_than_that_keeps_its_own_height():
    tall, _ = _stages("tall", caption_words=60)   # six lines of caption: taller than half as wide
    square, _ = _stages("square", caption_words=60)
    assert tall[0].h > tall[0].w * LANE_ASPECT + EPS and abs(tall[0].h - square[0].h) < EPS
