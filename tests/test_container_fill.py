"""Container sizing (DSL v2, issue 14 "choices in the scene"): height:fill takes the canvas's spare
height, widths:content sizes a row's columns by what they hold, gap sets a container's own gutter,
head:band sets a panel's title on a band. No overlap, no spill."""
from __future__ import annotations

import pytest

from engine.compiler.geometry import Rect, Text
from engine.compiler.style import CANVAS, CELL_GAP, GAP
from engine.compiler import compile_scene
from engine.dsl import vocab
from layout_checks import EPS, assert_text_inside, compile_resolved
from test_containers import _apart, _boxes, _card, _inside, _scene, content_for


def _compiled(body: str, layout: str = "poster_stack", long: int = 0):
    scene = _scene(body, layout)
    content = content_for(scene)
    if long:
        content["section_card"][0]["caption"] *= long
    return compile_resolved(scene, content)


def _row(attrs: str, n: int = 3, node: str = "g") -> str:
    return f"[group]\n[node_id:{node}]\n[arrange:row]\n{attrs}" + "".join(_card(i) for i in range(n)) + "[/group]\n"


def _content_bottom(layout) -> float:
    return max(s.y + s.h for s in layout.shapes if isinstance(s, Rect) and s.node)


@pytest.mark.parametrize("layout", vocab.LAYOUTS)
def test_a_fill_row_grows_into_the_spare_height_and_its_cards_stretch_with_it(layout):
    plain = _compiled(_row(""), layout).layout
    grown = _compiled(_row("[height:fill]\n"), layout).layout
    assert grown.height == pytest.approx(plain.height)   # the canvas keeps its size: the row takes what was spare
    before, after = _boxes(plain), _boxes(grown)
    assert after["c0"][3] - after["c0"][1] > before["c0"][3] - before["c0"][1] + 100
    assert len({round(after[f"c{i}"][3], 2) for i in range(3)}) == 1   # the row's cards stretch alike
    assert all(_inside(after[f"c{i}"], after["g"]) for i in range(3))
    # the grown row ends where the footer's margin begins: no more, no less than the spare
    assert _content_bottom(grown) == pytest.approx(_content_bottom(plain) + (after["g"][3] - before["g"][3]), abs=1)
    assert_text_inside(grown, {"section_card"})


def test_two_fill_containers_one_under_another_share_the_spare_equally():
    body = _row("[height:fill]\n", 2, "a") + "[group]\n[node_id:b]\n[height:fill]\n" + _card(2) + "[/group]\n"
    plain = _boxes(_compiled(body.replace("[height:fill]\n", "")).layout)
    grown = _boxes(_compiled(body).layout)
    gain_a = (grown["a"][3] - grown["a"][1]) - (plain["a"][3] - plain["a"][1])
    gain_b = (grown["b"][3] - grown["b"][1]) - (plain["b"][3] - plain["b"][1])
    assert gain_a > 100 and gain_a == pytest.approx(gain_b, abs=1)
    assert _apart(grown["a"], grown["b"])


def test_fill_takes_nothing_when_the_content_already_passes_the_canvas():
    many = "[group]\n[height:fill]\n" + "".join(_card(i) for i in range(12)) + "[/group]\n"
    filled, plain = _compiled(many, long=6), _compiled(many.replace("[height:fill]\n", ""), long=6)
    assert filled.layout.height > CANVAS["tall"][1]
    assert filled.layout.to_json() == plain.layout.to_json()


def test_a_fill_panel_centres_its_cards_in_the_height_they_gain():
    body = ("[panel]\n[node_id:p]\n[arrange:row]\n[height:fill]\n[title_ref:panel.0.title]\n"
            + _card(0) + _card(1) + "[/panel]\n")
    layout = _compiled(body).layout
    boxes = _boxes(layout)
    title = next(s for s in layout.shapes if isinstance(s, Text) and s.text == "section_card 0 title")
    top, bottom = boxes["c0"][1], boxes["c0"][3]
    assert bottom - top > 300 and top + 100 < title.y < bottom - 100
    assert _inside(boxes["c0"], boxes["p"]) and _apart(boxes["c0"], boxes["c1"])


@pytest.mark.parametrize("layout", vocab.LAYOUTS)
def test_widths_content_gives_the_wider_content_the_wider_column_and_keeps_cells_apart(layout):
    equal = _boxes(_compiled(_row("[widths:equal]\n"), layout, long=3).layout)
    compiled = _compiled(_row("[widths:content]\n"), layout, long=3)
    fitted = _boxes(compiled.layout)
    width = {k: v[2] - v[0] for k, v in fitted.items()}
    assert width["c0"] > 1.5 * width["c1"] and width["c1"] == pytest.approx(width["c2"], abs=EPS)
    assert fitted["g"][2] - fitted["g"][0] == pytest.approx(equal["g"][2] - equal["g"][0], abs=EPS)   # same row
    assert fitted["c0"][0] == pytest.approx(fitted["g"][0], abs=EPS) and fitted["c2"][2] == pytest.approx(fitted["g"][2], abs=EPS)
    assert _apart(fitted["c0"], fitted["c1"]) and _apart(fitted["c1"], fitted["c2"])
    assert_text_inside(compiled.layout, {"section_card"})


@pytest.mark.parametrize("value", ["sm", "md", "lg", "xl"])
def test_a_containers_gap_is_its_own_gutter_and_omitted_the_scenes(value):
    boxes = _boxes(_compiled(_row(f"[gap:{value}]\n")).layout)
    assert boxes["c1"][0] - boxes["c0"][2] == pytest.approx(CELL_GAP[value], abs=EPS)
    plain = _boxes(_compiled(_row("")).layout)
    assert plain["c1"][0] - plain["c0"][2] == pytest.approx(GAP["md"], abs=EPS)


@pytest.mark.parametrize("layout", vocab.LAYOUTS)
def test_a_head_band_holds_the_title_across_the_panels_top_above_its_children(layout):
    body = "[panel]\n[node_id:p]\n[accent:green]\n[head:band]\n[title_ref:panel.0.title]\n" + _card(0) + "[/panel]\n"
    compiled = _compiled(body, layout)
    shapes = compiled.layout.shapes
    band = next(s for s in shapes if isinstance(s, Rect) and s.role == "panel-band")
    title = next(s for s in shapes if isinstance(s, Text) and s.text == "panel 0 title")
    boxes = _boxes(compiled.layout)
    assert (band.x, band.y, band.x + band.w) == pytest.approx(boxes["p"][:3])
    assert band.y < title.y < band.y + band.h and title.anchor == "middle"
    assert band.y + band.h < boxes["c0"][1] and _inside(boxes["c0"], boxes["p"])
    assert_text_inside(compiled.layout, {"panel-band", "section_card"})


def test_widths_content_in_a_stack_sets_each_cell_as_wide_as_it_asks_and_centred():
    body = ("[group]\n[node_id:g]\n[widths:content]\n" + _card(0) + "[panel]\n[node_id:p]\n[title_ref:panel.0.title]\n"
            "[/panel]\n[/group]\n")
    compiled = _compiled(body)
    boxes = _boxes(compiled.layout)
    g, c0, p = boxes["g"], boxes["c0"], boxes["p"]
    assert c0[2] - c0[0] < (g[2] - g[0]) / 2 and p[2] - p[0] < c0[2] - c0[0]   # the panel's title is shorter
    for box in (c0, p):
        assert (box[0] - g[0]) == pytest.approx(g[2] - box[2], abs=EPS) and _inside(box, g)
    assert _apart(c0, p)
    assert_text_inside(compiled.layout, {"section_card", "panel"})


def test_a_group_in_a_stretched_row_stands_centred_in_it():
    body = ("[group]\n[arrange:row]\n[height:fill]\n" + _card(0) + "[group]\n[node_id:inner]\n" + _card(1)
            + "[/group]\n[/group]\n")
    boxes = _boxes(_compiled(body).layout)
    tall, small = boxes["c0"], boxes["c1"]
    assert tall[3] - tall[1] > (small[3] - small[1]) + 200   # the card stretched, the group's card did not
    assert (small[1] + small[3]) / 2 == pytest.approx((tall[1] + tall[3]) / 2, abs=1)


def test_a_shrink_wrapped_panel_holds_its_code_line_and_bold_line_uncut():
    body = ("[group]\n[widths:content]\n[panel]\n[node_id:p]\n"
            "[text_line:@text_line.0.text|style=code]\n[text_line:@text_line.1.text|style=accent]\n[/panel]\n[/group]\n")
    scene = _scene(body)
    content = content_for(scene)
    content["text_line"][0]["text"] = "make v6.6-gate --strict --all-models --keep-going"
    content["text_line"][1]["text"] = "Backward: a bold line, shorter"
    compiled = compile_scene(scene, content)
    assert compiled.diagnostics == ()   # the code line is not cut, in its well
    lines = [s for s in compiled.layout.shapes if isinstance(s, Text) and s.role == "line"]
    assert [t.text for t in lines] == ["Backward: a bold line, shorter"]   # one line, not wrapped
    assert _boxes(compiled.layout)["p"][2] - _boxes(compiled.layout)["p"][0] < 700
    assert_text_inside(compiled.layout, {"panel", "code-well"})
