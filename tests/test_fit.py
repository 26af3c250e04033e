"""density:fit: a page keeps its canvas's shape, laid out wider with its type kept, rather than
growing taller; a page that fits already is drawn as compact draws it."""
from __future__ import annotations

import pytest

from engine.compiler import compile_scene, fit, grow
from engine.compiler.fit import MAX_ZOOM, PRECISION
from engine.compiler.geometry import Text
from engine.compiler.layouts import LAYOUTS
from engine.compiler.pipeline import tree_of
from engine.compiler.resolve import bind
from engine.compiler.style import CANVAS, style_of
from engine.dsl import load
from tests.scenes import scene_text

CARD = "[section_card:@section_card.{i}.title|@section_card.{i}.caption]\n"
HEAD = {"header_band": [{"kicker": "K", "headline": "A headline", "subtitle": "A subtitle"}]}
CAPTION = "A caption long enough to wrap over several lines in a narrow card, as notes on dense sheets do."


def compiled(density: str, cards: int, canvas: str = "wide", layout: str = "dashboard_cards"):
    text = scene_text("".join(CARD.format(i=i) for i in range(cards)), layout=layout)
    scene = load(text.replace("[scene]\n", f"[scene]\n[canvas:{canvas}][density:{density}]\n")).scene
    content = {**HEAD, "section_card": [{"title": f"Card {i}", "caption": CAPTION} for i in range(cards)]}
    return compile_scene(scene, content)


def body_size(c) -> float:
    return max(t.size for t in c.layout.shapes if isinstance(t, Text) and t.role == "caption")


@pytest.mark.parametrize("canvas", ["wide", "sheet", "standard", "tall"])
@pytest.mark.parametrize("layout, cards", [("dashboard_cards", 40), ("poster_stack", 14)])
def test_an_overflowing_page_keeps_its_canvas_shape_and_its_type(canvas, layout, cards):
    grown, fitted = compiled("compact", cards, canvas, layout), compiled("fit", cards, canvas, layout)
    w, h = CANVAS[canvas]
    assert grown.layout.width == w and grown.layout.height > h * 1.05      # compact grows taller...
    assert fitted.layout.height / fitted.layout.width == pytest.approx(h / w, rel=0.005)   # ...fit keeps the shape
    assert 1 < fitted.layout.width / w <= MAX_ZOOM
    assert body_size(fitted) == body_size(grown)


def test_the_zoom_is_the_least_that_fits_within_its_precision():
    fitted = compiled("fit", 40).layout
    zoom = fitted.width / CANVAS["wide"][0]
    # the same page on a canvas two precision steps smaller overflows
    scene = load(scene_text("".join(CARD.format(i=i) for i in range(40)), layout="dashboard_cards")
                 .replace("[scene]\n", "[scene]\n[density:fit]\n")).scene
    content = {**HEAD, "section_card": [{"title": f"Card {i}", "caption": CAPTION} for i in range(40)]}
    tree, _ = tree_of(bind(scene, content)[0])
    smaller = fit.zoomed(style_of(scene), zoom / (1 + PRECISION) ** 2)
    assert grow.arrange(LAYOUTS["dashboard_cards"], tree, smaller).height > smaller.min_height


def test_a_page_that_fits_is_drawn_as_compact_draws_it():
    assert compiled("fit", 2).layout.to_json() == compiled("compact", 2).layout.to_json()


def test_content_past_the_largest_zoom_grows_as_without_fit():
    # a column of short lines does not wrap less on a wider page: no zoom up to MAX_ZOOM holds it
    rows = "".join(f"[text_line:@text_line.{i}.text]\n" for i in range(150))
    content = {**HEAD, "text_line": [{"text": f"line {i}"} for i in range(150)]}
    pages = {}
    for density in ("compact", "fit"):
        text = scene_text(rows).replace("[scene]\n", f"[scene]\n[canvas:wide][density:{density}]\n")
        pages[density] = compile_scene(load(text).scene, content).layout
    assert pages["compact"].height > CANVAS["wide"][1] * MAX_ZOOM
    assert pages["fit"].to_json() == pages["compact"].to_json()
