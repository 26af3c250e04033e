"""Choices a person makes when mapping a budget poster (the own_poster_budget entry, said in
general words): a key-figure card (section_card [variant:stat]), a bracket whose run flows on into
the next at one pitch (span_bracket [rule:none]), and the page's ink as a bar's or a conclusion
strip's fill ([fill:ink]). Each changes the raster; nothing it moves overlaps or spills."""
from __future__ import annotations

import itertools

import pytest

from engine.compiler import compile_scene
from engine.compiler.geometry import Circle, Line, Text
from engine.compiler.themes import palettes
from engine.dsl import load
from layout_checks import assert_no_overlap, assert_text_inside, rects, text_box
from scenes import scene_text
from test_containers import _visibly_different, content_for


def _compile(body: str, layout: str = "poster_stack", theme: str = "paper_editorial"):
    doc = load(scene_text(body, layout).replace("[scene]\n", f"[scene]\n[theme:{theme}]\n", 1))
    assert not doc.errors, [d.format() for d in doc.errors]
    content = content_for(doc.scene)
    for i, row in enumerate(content.get("compare_bar", [])):
        row["magnitude"] = 10 * (1 + i)
    for i, row in enumerate(content.get("section_card", [])):
        row["value"] = f"{i}42"    # a figure, not a sentence
    return compile_scene(doc.scene, content, strict=True)


def _texts(layout, role: str) -> list[Text]:
    return [s for s in layout.shapes if isinstance(s, Text) and s.role == role]


# ---- section_card [variant:stat] ---------------------------------------------------------------

def _cards(variant: str, n: int = 3, align: str = "") -> str:
    extra = f"|align={align}" if align else ""
    return "[group] [arrange:row] " + " ".join(
        f"[section_card:@section_card.{i}.title|@section_card.{i}.value|@section_card.{i}.caption"
        f"|variant={variant}|accent=blue{extra}]" for i in range(n)) + " [/group]"


@pytest.mark.parametrize("layout", ["poster_stack", "dashboard_cards"])
@pytest.mark.parametrize("align", ["", "center"])
def test_a_stat_card_labels_its_figure_with_a_dot_then_sets_it_large_in_the_accent(layout, align):
    metric, stat = _compile(_cards("metric", align=align), layout), _compile(_cards("stat", align=align), layout)
    assert _visibly_different(metric.svg, stat.svg)
    p = palettes()["paper_editorial"]
    dots = [s for s in stat.layout.shapes if isinstance(s, Circle) and s.role == "stat-dot"]
    titles, values = _texts(stat.layout, "title"), _texts(stat.layout, "value")
    assert len(dots) == len(titles) == len(values) == 3
    for dot, title, value in zip(dots, titles, values):
        assert title.fill == p.text_muted and value.fill == dot.fill == p.accents["blue"]
        assert dot.cx + dot.r < text_box(title)[0]               # the dot before its label
        assert text_box(title)[3] <= text_box(value)[1] + 0.5     # the label over the figure
        assert value.size > 2 * title.size
    assert_no_overlap(stat.layout, {"section_card"})
    assert_text_inside(stat.layout, {"section_card"})


# ---- span_bracket [rule:none] ------------------------------------------------------------------

def _chart(rule: str = "") -> str:
    bars = [f"[compare_bar:@compare_bar.{i}.label|@compare_bar.{i}.value|@compare_bar.{i}.caption]"
            for i in range(4)]
    cell = f"|rule={rule}" if rule else ""
    return " ".join(bars[:3]) + f" [span_bracket:@span_bracket.0.label{cell}] " + bars[3]


def test_a_bracket_without_a_rule_keeps_the_bars_at_one_pitch():
    ruled, flowing = _compile(_chart()), _compile(_chart("none"))
    assert _visibly_different(ruled.svg, flowing.svg)
    assert _compile(_chart("dashed")).layout.shapes == ruled.layout.shapes   # dashed: the default
    assert [s for s in ruled.layout.shapes if getattr(s, "role", "") == "run-rule"]
    assert not [s for s in flowing.layout.shapes if getattr(s, "role", "") == "run-rule"]
    tops = sorted(r.y for r in rects(flowing.layout, {"bar-track"}))
    pitches = [b - a for a, b in itertools.pairwise(tops)]
    assert max(pitches) - min(pitches) < 0.5
    ruled_tops = sorted(r.y for r in rects(ruled.layout, {"bar-track"}))
    assert ruled_tops[3] - ruled_tops[2] > pitches[0] + 5      # the rule opened a gap there
    for compiled in (ruled, flowing):
        assert_no_overlap(compiled.layout, {"bar-track"})
        assert_text_inside(compiled.layout, {"chart"})


# ---- [fill:ink] on compare_bar and conclusion_strip ---------------------------------------------

@pytest.mark.parametrize("theme", ["paper_editorial", "signal_glow"])
def test_an_ink_bar_and_an_ink_strip_take_the_pages_ink_and_reverse_their_words(theme):
    body = ("[compare_bar:@compare_bar.0.label|@compare_bar.0.value] "
            "[compare_bar:@compare_bar.1.label|@compare_bar.1.value{}] [conclusion_strip:@conclusion_strip.0.text{}]")
    plain, ink = _compile(body.format("", ""), theme=theme), _compile(body.format("|fill=ink", "|fill=ink"), theme=theme)
    assert _visibly_different(plain.svg, ink.svg)
    assert _compile(body.format("|fill=gradient", "|fill=gradient"), theme=theme).layout.shapes == plain.layout.shapes
    p = palettes()[theme]
    grads = {g.name: g for g in ink.layout.gradients}
    bar = next(r for r in rects(ink.layout, {"bar"}) if r.fill == "url:bar1")
    strip = rects(ink.layout, {"conclusion"})[0]
    for rect in (bar, strip):
        stops = grads[rect.fill.removeprefix("url:")].stops
        assert {stop[1] for stop in stops} == {p.text}          # flat, in the ink
    words = _texts(ink.layout, "conclusion")[0]
    assert words.fill != p.text                                 # set in what reads on the ink
    assert rects(plain.layout, {"conclusion"})[0].h == strip.h
    assert_text_inside(ink.layout, {"chart", "conclusion"})
    assert not [s for s in ink.layout.shapes if isinstance(s, Line) and s.role == "run-rule"]
