"""Canvases: every one is its page shape when the content fits, in every family, and grows
taller (never wider) when it does not."""
from __future__ import annotations

import pytest

from engine.compiler import compile_scene
from engine.compiler.style import CANVAS
from engine.dsl import load, vocab
from tests.scenes import scene_text

CARD = "[section_card:@section_card.{i}.title|@section_card.{i}.caption]\n"
HEAD = {"header_band": [{"kicker": "K", "headline": "A headline", "subtitle": "A subtitle"}]}


def page(canvas: str, layout: str, cards: int) -> tuple[float, float]:
    text = scene_text("".join(CARD.format(i=i) for i in range(cards)), layout=layout)
    scene = load(text.replace("[scene]\n", f"[scene]\n[canvas:{canvas}]\n")).scene
    content = {**HEAD, "section_card": [{"title": f"Card {i}", "caption": "A caption of a few words."}
                                        for i in range(cards)]}
    layout_ = compile_scene(scene, content).layout
    return layout_.width, layout_.height


def test_every_canvas_value_has_a_page_shape():
    assert set(vocab.TOP_LEVEL_VALUES["canvas"]) == set(CANVAS)
    shapes = [h / w for w, h in CANVAS.values()]
    assert len(set(round(s, 3) for s in shapes)) == len(shapes)   # no two canvases the same shape


@pytest.mark.parametrize("canvas", vocab.TOP_LEVEL_VALUES["canvas"])
@pytest.mark.parametrize("layout", ["poster_stack", "dashboard_cards"])
def test_a_page_that_fits_is_its_canvas_and_one_that_does_not_grows_taller(canvas, layout):
    assert page(canvas, layout, 1) == CANVAS[canvas]
    width, height = page(canvas, layout, 90)
    assert width == CANVAS[canvas][0] and height > CANVAS[canvas][1]
