"""The chart container (docs/dsl.md "Charts"): series and categories drawn as a value chart with
ticks, gridlines, grouped columns or bars and printed values, every number from content."""
from __future__ import annotations

import itertools

import pytest
from layout_checks import EPS, assert_text_inside, box_of, compile_resolved, text_box
from scenes import scene_text
from test_containers import _visibly_different

from engine.compiler import compile_scene
from engine.compiler.geometry import Line, Rect, Text
from engine.compiler.sections.chart import scale
from engine.diagnostics import DiagnosticError
from engine.dsl import load, vocab

CONTENT = {
    "header_band": [{"kicker": "K", "headline": "Chart", "subtitle": "S"}],
    "chart": [{"title": "Latency by payload", "caption": "Median of ten runs.", "unit": "ms", "max": 80}],
    "series": [{"label": "Cold"}, {"label": "Warm"}],
    "category": [{"label": "Small", "value_1": 12, "value_2": 4},
                 {"label": "Medium", "value_1": 31.5, "value_2": 9},
                 {"label": "Large payload", "value_1": 64, "value_2": "22"}],
}


def chart(attrs: str = "", cats: str = "", extra: str = "") -> str:
    cats = cats or "".join(f"[category:@category.{i}.label|@category.{i}.value_1|@category.{i}.value_2]\n"
                           for i in range(3))
    return ("[chart]\n" + attrs + "[title_ref:chart.0.title]\n[caption_ref:chart.0.caption]\n"
            "[unit_ref:chart.0.unit]\n" + extra + "[series:@series.0.label]\n[series:@series.1.label]\n"
            + cats + "[/chart]\n")


def _compile(body: str, content=CONTENT, layout: str = "poster_stack"):
    doc = load(scene_text(body, layout))
    assert not doc.errors, [d.format() for d in doc.errors]
    return doc, compile_scene(doc.scene, content)


def _shapes(layout, role: str, kind=Rect):
    return [s for s in layout.shapes if isinstance(s, kind) and s.role == role]


def test_nice_scale_covers_the_largest_value_in_about_five_steps():
    assert scale(22) == (25, 5)
    assert scale(410) == (500, 100)
    assert scale(64) == (80, 20)
    assert scale(0.7) == pytest.approx((0.8, 0.2))
    assert scale(0) == (1.0, 0.2)


def test_columns_stand_in_proportion_to_the_content_numbers_and_ticks_reach_the_axis_max():
    _, compiled = _compile(chart())
    bars = _shapes(compiled.layout, "chart-bar")
    assert len(bars) == 6
    values = [12, 4, 31.5, 9, 64, 22]
    for bar, value in zip(bars, values):
        assert bar.h / bars[4].h == pytest.approx(value / 64, rel=1e-6)
    assert bars[0].fill != bars[1].fill, "two series, two colours"
    assert bars[0].fill == bars[2].fill == bars[4].fill
    ticks = [t.text for t in _shapes(compiled.layout, "chart-tick", Text)]
    assert ticks == ["0", "20", "40", "60", "80"]
    printed = [t.text for t in _shapes(compiled.layout, "chart-value", Text)]
    assert printed == ["12", "4", "31.5", "9", "64", "22"]


def test_max_from_content_sets_the_axis_top():
    _, compiled = _compile(chart(extra="[max_ref:chart.0.max]\n"))
    ticks = [t.text for t in _shapes(compiled.layout, "chart-tick", Text)]
    assert ticks[-1] == "80"
    bars = _shapes(compiled.layout, "chart-bar")
    grid = _shapes(compiled.layout, "chart-axis", Line)[0]   # the value axis, plot top to baseline
    assert bars[4].h == pytest.approx((grid.points[1][1] - grid.points[0][1]) * 64 / 80)


@pytest.mark.parametrize("orient", ["column", "bar"])
@pytest.mark.parametrize("values", ["end", "inside", "base"])
def test_no_overlap_and_no_spill(orient, values):
    content = {**CONTENT, "category": [dict(c, label=c["label"] * 3) for c in CONTENT["category"]]}
    doc = load(scene_text(chart(f"[orient:{orient}]\n[values:{values}]\n")))
    compiled = compile_resolved(doc.scene, content)
    layout = compiled.layout
    assert_text_inside(layout, {"chart"})
    frame = box_of(_shapes(layout, "chart")[0])
    texts = [t for t in layout.shapes if isinstance(t, Text) and t.role.startswith("chart")]
    for t in texts:
        l, top, r, bottom = text_box(t)
        assert frame[0] - EPS <= l and r <= frame[2] + EPS and frame[1] - EPS <= top and bottom <= frame[3] + EPS, t
    boxes = [text_box(t) for t in texts] + [box_of(b) for b in _shapes(layout, "chart-bar")]
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            inside = all(b[k] <= a[k] + EPS for k in (0, 1)) and all(b[k] >= a[k] - EPS for k in (2, 3))
            # a value printed inside its own bar is the one overlap meant
            holds = all(a[k] <= b[k] + EPS for k in (0, 1)) and all(a[k] >= b[k] - EPS for k in (2, 3))
            crosses = a[0] < b[2] - EPS and b[0] < a[2] - EPS and a[1] < b[3] - EPS and b[1] < a[3] - EPS
            assert not crosses or inside or holds, (a, b)


CHART_ATTRS = [(key, values) for key, values in vocab.COMPONENTS["chart"].attrs.items()]


@pytest.mark.parametrize("key,values", CHART_ATTRS, ids=[k for k, _ in CHART_ATTRS])
def test_every_chart_attribute_changes_the_picture(key, values):
    renders = {}
    for value in values:
        _, compiled = _compile(chart(f"[{key}:{value}]\n"))
        renders[value] = compiled.svg
    for a, b in itertools.pairwise(values):
        assert _visibly_different(renders[a], renders[b]), f"chart {key}:{a} looks like {key}:{b}"


@pytest.mark.parametrize("name", ["series", "category"])
def test_series_and_category_accent_change_the_picture(name):
    renders = {}
    for value in vocab.ACCENTS[:2]:
        cats = "".join(f"[category:@category.{i}.label|@category.{i}.value_1|@category.{i}.value_2"
                       f"{'|accent=' + value if name == 'category' and i == 1 else ''}]\n" for i in range(3))
        body = chart(cats=cats)
        if name == "series":
            body = body.replace("[series:@series.0.label]", f"[series:@series.0.label|accent={value}]")
        renders[value] = _compile(body)[1].svg
    assert _visibly_different(*renders.values())


def test_a_value_that_is_not_a_number_is_a_warning_at_its_ref_and_draws_no_bar():
    content = {**CONTENT, "category": [dict(CONTENT["category"][0], value_2="about four"),
                                       dict(CONTENT["category"][1], value_1=-3), CONTENT["category"][2]]}
    doc, compiled = _compile(chart(), content)
    bad = [d for d in compiled.diagnostics if d.code == "bad-number"]
    assert [d.message.split(":")[0] for d in bad] == ["category.0.value_2", "category.1.value_1"]
    assert "not a number" in bad[0].message and "negative" in bad[1].message
    text = scene_text(chart())
    line = text.splitlines().index("[category:@category.0.label|@category.0.value_1|@category.0.value_2]") + 1
    assert (bad[0].line, bad[0].col) == (line, 1)
    assert len(_shapes(compiled.layout, "chart-bar")) == 4
    with pytest.raises(DiagnosticError):
        compile_scene(doc.scene, content, strict=True)


def test_a_max_below_the_largest_value_is_reported_and_not_used():
    content = {**CONTENT, "chart": [dict(CONTENT["chart"][0], max=50)]}
    _, compiled = _compile(chart(extra="[max_ref:chart.0.max]\n"), content)
    assert [d.code for d in compiled.diagnostics] == ["bad-number"]
    assert [t.text for t in _shapes(compiled.layout, "chart-tick", Text)][-1] == "80"


def test_series_and_categories_stand_only_in_a_chart_and_a_chart_holds_only_them():
    doc = load(scene_text("[category:@category.0.label|@category.0.value_1]\n"
                          "[chart]\n[section_card:@section_card.0.title]\n[/chart]\n"))
    found = [(d.code, d.line) for d in doc.diagnostics]
    assert found == [("misplaced", 8), ("misplaced", 10)]
    assert "only inside [chart]" in doc.diagnostics[0].message
    assert "holds only [series] and [category]" in doc.diagnostics[1].message
    assert [c.name for c in doc.scene.components] == ["header_band", "chart"]


def test_a_chart_meets_the_comparison_familys_need_for_bars():
    doc = load(scene_text(chart(), "comparison_span_chart"))
    assert [d.code for d in doc.diagnostics] == []
    doc = load(scene_text("", "comparison_span_chart"))
    assert [d.code for d in doc.diagnostics] == ["missing-component"]


def test_a_long_printed_value_is_cut_with_a_warning():
    content = {**CONTENT, "category": [dict(c, value_1=str(c["value_1"]) + "0000000000000")
                                       for c in CONTENT["category"]]}
    _, compiled = _compile(chart("[units:values]\n"), content)
    assert any(d.code == "text-overflow" and "category.0.value_1" in d.message for d in compiled.diagnostics)


def test_a_categorys_text_is_printed_in_place_of_its_value_at_the_bars_base():
    content = {**CONTENT, "category": [dict(c, text_1=f"Cold: {c['value_1']} ms") for c in CONTENT["category"]]}
    cats = "".join(f"[category:@category.{i}.label|@category.{i}.value_1|@category.{i}.value_2"
                   f"|text_1_ref=category.{i}.text_1]\n" for i in range(3))
    _, compiled = _compile(chart("[orient:bar]\n[values:base]\n", cats=cats), content)
    printed = _shapes(compiled.layout, "chart-value", Text)
    bars = _shapes(compiled.layout, "chart-bar")
    assert [t.text for t in printed][::2] == ["Cold: 12 ms", "Cold: 31.5 ms", "Cold: 64 ms"]
    wide = printed[4]   # inside the longest bar, from its start
    assert wide.anchor == "start" and wide.x == pytest.approx(bars[4].x + 6)
    assert bars[4].w / bars[0].w == pytest.approx(64 / 12)


def test_cards_placed_beside_stand_right_of_a_chart_in_the_comparison_family():
    card = "[section_card:@section_card.0.title|@section_card.0.caption|place=beside]\n"
    content = {**CONTENT, "section_card": [{"title": "Reading", "caption": "Warm runs stay flat."}]}
    _, compiled = _compile(chart() + card, content, "comparison_span_chart")
    frame = _shapes(compiled.layout, "chart")[0]
    box = next(s for s in compiled.layout.shapes if isinstance(s, Rect) and s.role == "section_card")
    assert box.x >= frame.x + frame.w and box.y == pytest.approx(frame.y)
