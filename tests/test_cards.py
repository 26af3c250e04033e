"""Cards and the two card families: variants, value fitting, the grid (hero rows, short last rows,
rows grown to fill a page), poster panels (a heading sharing its section's panel) and how the
poster and the dashboard fill their canvas."""
from __future__ import annotations

import pytest

from engine.compiler import compile_scene
from engine.compiler.geometry import Layout, Rect, Text
from engine.compiler.resolve import Slot
from engine.compiler.sections.cards import fit_size
from engine.compiler.text import text_width
from engine.dsl import load
from tests.layout_checks import assert_no_overlap, assert_text_inside

HEAD = """[scene]
[canvas:{canvas}]
[layout:{layout}]
[theme:infra_dark]
[tone:blue]
[frame:card]
[density:balanced]
[inset:md]
[gap:md]
[hero:center]
[columns:{columns}]
[emphasis:top]
[rail:accent]
[background:none]
[connector:line]
[topic:cards_test]
[header_band:@header_band.0.headline]
"""
CARD_ROLES = {"section_card", "callout_card", "thesis_box"}


def card(i: int, variant: str = "default", accent: str | None = None, value: str = "80 GB",
         title: str = "Memory", caption: str = "single device") -> tuple[str, dict]:
    attrs = f"|variant={variant}" + (f"|accent={accent}" if accent else "")
    text = f"[section_card:@section_card.{i}.title|@section_card.{i}.value|@section_card.{i}.caption{attrs}]"
    return text, {"title": title, "value": value, "caption": caption}


def compile_cards(parts: list[tuple[str, dict]], *, layout: str = "dashboard_cards", columns: int = 2,
                  canvas: str = "wide", extra: str = "", extra_content: dict | None = None) -> Layout:
    content: dict = {"header_band": [{"headline": "Cards"}], **(extra_content or {})}
    body = []
    for text, record in parts:
        name = text[1:].split(":")[0]
        content.setdefault(name, []).append(record)
        body.append(text)
    doc = load(HEAD.format(layout=layout, columns=columns, canvas=canvas) + "\n".join(body) + "\n"
               + extra + "[/scene]\n")
    assert not doc.errors, [d.format() for d in doc.errors]
    return compile_scene(doc.scene, content, strict=True).layout


def boxes(layout: Layout, roles=CARD_ROLES) -> list[Rect]:
    return [s for s in layout.shapes if isinstance(s, Rect) and s.role in roles]


def texts(layout: Layout, role: str) -> list[Text]:
    return [s for s in layout.shapes if isinstance(s, Text) and s.role == role]


def test_fit_size_shrinks_a_value_to_its_card_but_not_below_the_floor():
    assert fit_size(Slot("80 GB"), 1000, 40, 20) == 40
    wide = Slot("a value too long for this card")
    size = fit_size(wide, 300, 40, 5)
    assert 5 < size < 40 and text_width(wide.text, size, True) <= 300 + 1
    assert fit_size(wide, 300, 40, 30) == 30
    lines = Slot("short\na much longer second line of the list")
    assert fit_size(lines, 300, 40, 10) == fit_size(Slot(lines.text.split("\n")[1]), 300, 40, 10)


def test_a_long_value_shrinks_instead_of_wrapping():
    layout = compile_cards([card(0, value="1,234,567,890,123 tokens per second"), card(1)], columns=2)
    values = [t for t in layout.shapes if isinstance(t, Text) and t.text.startswith("1,234")]
    assert len(values) == 1  # one line, not wrapped
    assert_text_inside(layout, CARD_ROLES)


def test_hero_takes_a_whole_row_and_centres_its_value():
    layout = compile_cards([card(0), card(1, "hero", value="0 × ∞ = 0"), card(2), card(3)], columns=2)
    first, hero, third, fourth = boxes(layout)
    assert hero.w > 2 * first.w and hero.y > first.y  # its own row, across the grid
    assert third.y > hero.y and third.y == fourth.y and third.w == first.w
    statement = next(t for t in layout.shapes if isinstance(t, Text) and t.text == "0 × ∞ = 0")
    assert statement.anchor == "middle" and abs(statement.x - (hero.x + hero.w / 2)) < 20
    assert_no_overlap(layout, CARD_ROLES)
    assert_text_inside(layout, CARD_ROLES)


def test_hero_without_a_value_reads_as_a_plain_wide_card():
    layout = compile_cards([card(0, "hero", value=""), card(1), card(2)], columns=2)
    caption = texts(layout, "caption")[0]
    assert caption.anchor == "start"


def test_a_short_last_row_keeps_the_grid_columns():
    layout = compile_cards([card(i) for i in range(3)], columns=2)
    a, b, c = boxes(layout)
    assert c.w == a.w == b.w and c.x == a.x and c.y > a.y


def test_explicit_accent_beats_the_variant_colour():
    from engine.compiler.themes import palettes

    red = palettes()["infra_dark"].accents["red"]
    amber = palettes()["infra_dark"].accents["amber"]
    plain = boxes(compile_cards([card(0, "warning")], columns=1))[0]
    coloured = boxes(compile_cards([card(0, "warning", accent="red")], columns=1))[0]
    assert plain.stroke == amber and coloured.stroke == red


def test_dashboard_rows_grow_to_fill_the_canvas_and_centre_their_content():
    layout = compile_cards([card(0), card(1)], columns=2, canvas="landscape")
    assert layout.height == 1000  # filled, never grown past the canvas
    a = boxes(layout)[0]
    footer_top = min(t.y - t.size for t in layout.shapes if isinstance(t, Text) and t.role == "topic")
    assert a.y + a.h > footer_top - 120  # the grid runs down to the footer
    title = next(t for t in texts(layout, "title") if a.x <= t.x <= a.x + a.w)
    assert title.y - a.y > a.h / 4  # content sits in the middle of a grown card, not at its top


def test_dashboard_sets_its_title_open_and_the_poster_in_a_band():
    dash = compile_cards([card(0)], columns=1)
    poster = compile_cards([card(0)], layout="poster_stack", columns=1, canvas="tall")
    assert not boxes(dash, {"header"})
    band = boxes(poster, {"header"})[0]
    headline = texts(poster, "headline")[0]
    assert band.y == 0 and band.w == poster.width and headline.y < band.h


POSTER_BODY = (
    "[header_band:@header_band.1.headline|@header_band.1.subtitle|band=solid]\n"
    "[compare_bar:@compare_bar.0.label|@compare_bar.0.value]\n"
    "[compare_bar:@compare_bar.1.label|@compare_bar.1.value]\n"
)
POSTER_CONTENT = {
    "header_band": [{"headline": "Poster"}, {"headline": "Memory capacity", "subtitle": "per device"}],
    "compare_bar": [{"label": "GPU", "value": "80 GB", "magnitude": 80},
                    {"label": "CPU", "value": "2,000 GB", "magnitude": 2000}],
}


def test_poster_heading_shares_a_panel_with_its_section():
    layout = compile_cards([card(0, "hero")], layout="poster_stack", columns=1, canvas="tall",
                           extra=POSTER_BODY, extra_content=POSTER_CONTENT)
    panels = boxes(layout, {"card"})
    assert len(panels) == 1
    panel = panels[0]
    heading = texts(layout, "heading")[0]
    bars = [s for s in layout.shapes if isinstance(s, Rect) and s.role == "bar"]
    assert panel.y < heading.y < min(b.y for b in bars) < max(b.y + b.h for b in bars) < panel.y + panel.h
    assert not boxes(layout, {"chart"})  # the chart gave its frame up to the panel
    assert_text_inside(layout, {"card"})
    # unsaid, the heading stands on the page over the chart, which keeps its own frame
    plain = compile_cards([card(0, "hero")], layout="poster_stack", columns=1, canvas="tall",
                          extra=POSTER_BODY.replace("|band=solid", ""), extra_content=POSTER_CONTENT)
    assert not boxes(plain, {"card"}) and len(boxes(plain, {"chart"})) == 1
    assert texts(plain, "heading")[0].y < boxes(plain, {"chart"})[0].y


def test_poster_fills_its_canvas_with_panels_before_gaps():
    bars = [{"label": f"Tier {i}", "value": f"{i} GB", "caption": "a caption under the label",
             "magnitude": i + 1} for i in range(10)]
    body = "[header_band:@header_band.1.headline|@header_band.1.subtitle|band=solid]\n" + "".join(
        f"[compare_bar:@compare_bar.{i}.label|@compare_bar.{i}.value|@compare_bar.{i}.caption]\n"
        for i in range(10))
    content = {**POSTER_CONTENT, "compare_bar": bars}
    plain = compile_cards([card(0, "hero")], layout="poster_stack", columns=1, canvas="tall",
                          extra=body, extra_content=content)
    assert plain.height == 1420
    hero, panel = boxes(plain)[0], boxes(plain, {"card"})[0]
    assert panel.y - (hero.y + hero.h) == pytest.approx(30, abs=0.5)  # the gap stays the scene's
    assert hero.h < 230  # the hero card kept its height: the panel took the spare first
    assert panel.y + panel.h > 1420 - 120  # and runs down to the footer


def test_poster_spreads_over_the_gaps_only_what_blocks_cannot_take():
    layout = compile_cards([card(0)], layout="poster_stack", columns=1, canvas="tall",
                           extra="[conclusion_strip:@conclusion_strip.0.text]\n",
                           extra_content={"conclusion_strip": [{"text": "8× lower cost"}]})
    assert layout.height == 1420
    first = boxes(layout)[0]
    assert first.h <= 2 * 160  # a card at most doubles


def test_poster_with_content_taller_than_the_canvas_grows_it():
    parts = [card(i, caption="word " * 80) for i in range(8)]
    layout = compile_cards(parts, layout="poster_stack", columns=1, canvas="tall")
    assert layout.height > 1420
    assert_no_overlap(layout, CARD_ROLES)
    assert_text_inside(layout, CARD_ROLES)


# --- verdicts, corner titles, state marks ----------------------------------------------------------

def _value_of(layout: Layout, text: str) -> Text:
    return next(t for t in layout.shapes if isinstance(t, Text) and t.text == text)


@pytest.mark.parametrize("variant", ["warning", "success"])
def test_a_verdict_gives_its_reasons_before_its_value(variant):
    layout = compile_cards([card(0, variant, value="$30,000", caption="one server\nstandard Ethernet")],
                           columns=1)
    title, reasons, value = (texts(layout, r) for r in ("title", "caption", "value"))
    assert title[0].y < min(t.y for t in reasons) and max(t.y for t in reasons) < value[0].y
    plain = compile_cards([card(0, value="$30,000", caption="one server")], columns=1)
    assert texts(plain, "value")[0].y < texts(plain, "caption")[0].y  # title, value, caption


def test_a_hero_title_that_fits_beside_the_value_is_a_corner_label():
    from engine.compiler.sections.cards import CORNER_VALUE_SCALE

    short = compile_cards([card(0, "hero", value="0 × ∞ = 0", title="First Principle")], columns=1)
    long_title = "A title far too long to sit in the margin beside the centred statement value"
    long_ = compile_cards([card(0, "hero", value="0 × ∞ = 0", title=long_title)], columns=1)
    corner, beside = _value_of(short, "0 × ∞ = 0"), _value_of(long_, "0 × ∞ = 0")
    assert corner.size == pytest.approx(34 * CORNER_VALUE_SCALE)  # it takes the freed line
    assert beside.size < corner.size
    title = texts(short, "title")[0]
    # the value's cap line comes within the title's own line, not a line and a gap below it
    assert corner.y - corner.size * 0.75 - title.y < title.size * 1.34
    assert boxes(short)[0].h < boxes(long_)[0].h + corner.size - beside.size  # no line spent on it
    assert_text_inside(short, CARD_ROLES)


def test_the_state_mark_is_left_to_an_accent_rail():
    def marks(rail):
        doc_text = HEAD.format(layout="dashboard_cards", columns=1, canvas="wide").replace(
            "[rail:accent]", f"[rail:{rail}]")
        text, record = card(0, "warning")
        doc = load(doc_text + text + "\n[/scene]\n")
        layout = compile_scene(doc.scene, {"header_band": [{"headline": "C"}],
                                           "section_card": [record]}).layout
        return [s for s in layout.shapes if getattr(s, "role", "") == "mark"]

    assert not marks("accent")
    assert marks("muted") and marks("none")
