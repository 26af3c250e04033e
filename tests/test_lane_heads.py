"""Choices a person makes when mapping a release lane (the own_pipeline_release entry, said in
general words): a stage's number as a large ordinal over its title (stage_card [number:ordinal]),
its caption in small print (stage_card [print:fine]),
a panel drawn as a band across the page (panel [bleed:full]) and a raised box fill (fill:raised,
the palette's second surface). Each changes the raster; nothing it moves overlaps or spills."""
from __future__ import annotations

import pytest

from engine.compiler import compile_scene
from engine.compiler.geometry import Line, Text
from engine.compiler.themes import palettes
from engine.dsl import load
from layout_checks import assert_no_overlap, assert_text_inside, rects, text_box
from test_containers import _visibly_different, content_for

LONG = "A stage title long enough to wrap onto a second line"


def _compile(body: str, top: str = ""):
    doc = load(f"[scene] [canvas:panorama] [layout:pipeline_lane] [theme:signal_glow] {top} "
               f"[header_band:@header_band.0.headline] {body} [/scene]")
    assert not doc.errors, [d.format() for d in doc.errors]
    content = content_for(doc.scene)
    for row in content.get("stage_card", [])[1:2]:
        row["title"] = LONG
    return compile_scene(doc.scene, content, strict=True)


def _stages(attrs: str = "", n: int = 4) -> str:
    return " ".join(f"[stage_card:@stage_card.{i}.title|@stage_card.{i}.caption{attrs}|node_id=s{i}]"
                    for i in range(n))


def _texts(layout, role: str) -> list[Text]:
    return [s for s in layout.shapes if isinstance(s, Text) and s.role == role]


# ---- stage_card [number:ordinal] ---------------------------------------------------------------

@pytest.mark.parametrize("top", ["[emphasis:top] [rail:none]", "[emphasis:top] [rail:accent]",
                                 "[emphasis:center] [rail:muted]", "[emphasis:left] [rail:accent]",
                                 "[emphasis:center] [rail:none]"])
def test_an_ordinal_stands_over_the_title_and_stays_inside_its_stage(top):
    badge, ordinal = _compile(_stages(), top), _compile(_stages("|number=ordinal"), top)
    assert _visibly_different(badge.svg, ordinal.svg)
    numbers = _texts(ordinal.layout, "stage-number")
    assert [t.text for t in numbers] == ["01", "02", "03", "04"]
    assert not [s for s in ordinal.layout.shapes if getattr(s, "role", "") == "stage-badge"]
    for number in numbers:
        title = min((t for t in _texts(ordinal.layout, "stage-title")
                     if abs(text_box(t)[0] - text_box(number)[0]) < 1 or t.anchor == "middle"),
                    key=lambda t: abs(t.x - number.x) + abs(t.y - number.y))
        assert text_box(number)[3] <= text_box(title)[1] + 0.5   # the ordinal stands over its title
        assert number.size > title.size
    assert_no_overlap(ordinal.layout, {"stage"})
    assert_text_inside(ordinal.layout, {"stage"})


def test_an_ordinal_head_on_a_plain_page_has_no_rule_and_an_ink_title():
    compiled = _compile(_stages("|number=ordinal"), "[emphasis:top] [rail:none]")
    p = palettes()["signal_glow"]
    assert not [s for s in compiled.layout.shapes if getattr(s, "role", "") == "stage-rule"]
    assert {t.fill for t in _texts(compiled.layout, "stage-title")} == {p.text}
    assert {t.fill for t in _texts(compiled.layout, "stage-number")} == {p.accents["blue"]}   # the tone


def test_an_ordinal_on_a_solid_head_strip_reads_in_its_ink():
    compiled = _compile(_stages("|number=ordinal|accent=amber"), "[emphasis:top] [rail:accent]")
    titles = {t.fill for t in _texts(compiled.layout, "stage-title")}
    assert {t.fill for t in _texts(compiled.layout, "stage-number")} == titles


# ---- panel [bleed:full] -----------------------------------------------------------------------

def _lane_in_panel(bleed: str = "", outline: str = "none"):
    attrs = f"[outline:{outline}] [fill:surface] {bleed}"
    return _compile(f"[panel] [node_id:p] {attrs} {_stages()} [/panel] [badge_pill:@badge_pill.0.text]")


@pytest.mark.parametrize("outline", ["none", "thin", "bold"])
def test_a_bleeding_panel_is_a_band_across_the_page_its_children_in_the_column(outline):
    boxed, band = _lane_in_panel(outline=outline), _lane_in_panel("[bleed:full]", outline)
    assert _visibly_different(boxed.svg, band.svg)
    assert _lane_in_panel("[bleed:none]", outline).layout == boxed.layout   # the default
    panel = next(r for r in rects(band.layout, {"panel"}) if r.node == "p")
    assert (panel.x, panel.w, panel.rx) == (0.0, band.layout.width, 0.0)
    stages = rects(band.layout, {"stage"})
    inset = 52   # the md inset: the stages keep the page's column, not the box's padding
    assert min(r.x for r in stages) == pytest.approx(inset, abs=1)
    assert max(r.x + r.w for r in stages) == pytest.approx(band.layout.width - inset, abs=1)
    edges = [s for s in band.layout.shapes if isinstance(s, Line) and s.role == "panel"]
    assert len(edges) == (0 if outline == "none" else 2)
    assert all(r.y >= panel.y and r.y + r.h <= panel.y + panel.h for r in stages)
    pills = rects(band.layout, {"badge"})
    assert pills and all(r.y >= panel.y + panel.h for r in pills)   # the section after the band, under it
    assert_no_overlap(band.layout, {"stage"})
    assert_text_inside(band.layout, {"stage", "panel"})


def test_a_bleeding_panel_in_a_row_stays_a_box():
    body = (f"[group] [arrange:row] [panel] [node_id:p] [bleed:full] [text_line:@text_line.0.text] [/panel] "
            f"[panel] [node_id:q] [text_line:@text_line.1.text] [/panel] [/group] {_stages(n=3)}")
    compiled = _compile(body)
    left, right = (next(r for r in rects(compiled.layout, {"panel"}) if r.node == n) for n in ("p", "q"))
    assert left.x > 0 and left.x + left.w < right.x
    assert_no_overlap(compiled.layout, {"panel"})


# ---- fill:raised -------------------------------------------------------------------------------

def test_a_raised_fill_is_the_palettes_second_surface():
    plain, raised = _compile(_stages()), _compile(_stages("|fill=raised"))
    assert _visibly_different(plain.svg, raised.svg)
    assert {r.fill for r in rects(raised.layout, {"stage"})} == {palettes()["signal_glow"].surface_2}
    assert rects(raised.layout, {"stage"})[0].w == rects(plain.layout, {"stage"})[0].w
    assert_no_overlap(raised.layout, {"stage"})
    assert_text_inside(raised.layout, {"stage"})


# ---- stage_card [print:fine] -------------------------------------------------------------------

@pytest.mark.parametrize("number", ["badge", "ordinal"])
def test_fine_print_sets_the_captions_in_the_small_size_and_keeps_them_inside(number):
    regular, fine = _compile(_stages(f"|number={number}")), _compile(_stages(f"|number={number}|print=fine"))
    assert _visibly_different(regular.svg, fine.svg)
    assert _compile(_stages(f"|number={number}|print=regular")).layout == regular.layout   # the default
    small, body = ({t.size for t in _texts(c.layout, "caption")} for c in (fine, regular))
    assert len(small) == len(body) == 1 and small.pop() < body.pop()
    assert_no_overlap(fine.layout, {"stage"})
    assert_text_inside(fine.layout, {"stage"})


# ---- badge_pill [size:lg] ----------------------------------------------------------------------

def _pills(sizes: list[str]) -> str:
    return " ".join(f"[badge_pill:@badge_pill.{i}.text{'|size=' + s if s else ''}]" for i, s in enumerate(sizes))


@pytest.mark.parametrize("n", [3, 12])   # one row, and rows that wrap
def test_a_large_pill_is_taller_and_wider_and_rows_neither_overlap_nor_spill(n):
    md, lg = _compile(_stages(n=3) + " " + _pills([""] * n)), _compile(_stages(n=3) + " " + _pills(["lg"] * n))
    assert _visibly_different(md.svg, lg.svg)
    assert _compile(_stages(n=3) + " " + _pills(["md"] * n)).layout == md.layout   # md: the default
    small, large = rects(md.layout, {"badge"}), rects(lg.layout, {"badge"})
    assert all(b.h > a.h and b.w >= a.w + 30 for a, b in zip(small, large))
    for layout in (lg.layout, _compile(_stages(n=3) + " " + _pills(["lg", ""] * (n // 2) + [""] * (n % 2))).layout):
        assert_no_overlap(layout, {"badge", "stage"})
        assert_text_inside(layout, {"badge"})
        assert all(0 <= r.x and r.x + r.w <= layout.width for r in rects(layout, {"badge"}))


def test_pills_of_two_sizes_in_a_row_share_its_middle():
    layout = _compile(_stages(n=3) + " " + _pills(["lg", "", "lg"])).layout
    middles = {round(r.y + r.h / 2, 3) for r in rects(layout, {"badge"})}
    assert len(middles) == 1
