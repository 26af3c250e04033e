"""comparison_span_chart: one wide chart carries the argument (the performance-balance,
scale-economics, cpu-gpu-analysis and comparison-diagram assets).

Top to bottom: the header; the key (legend rows and badges) in one band; the bar chart with its
span brackets, full width; every card gathered into one grid of `columns` side by side; any other
section; the conclusion strip last. Cards marked `place:beside` stand in a column beside the
chart instead (the bars, else the first `chart`), so the chart and its reading share one row.

With `emphasis:center` the bars stand up as columns on a shared floor (sections.bars, column
presentation) and the chart fills the canvas height the other sections leave: the cards marked
`place:beside` read it and sit in the free centre between the columns, the other cards close the
page below in one panel as wide as the floor (both panels set as a quiet reading, see
`reading`); legend rows marked `role:phase`, one per column, title the columns in order (when
their count is not the columns', they stay in the key band with the other rows). Other sections
keep their places below the chart.
"""
from __future__ import annotations

from engine.compiler.draw import text_block
from engine.compiler.geometry import Layout, Line, Rect, shift
from engine.compiler.page import Page
from engine.compiler.resolve import Bound
from engine.compiler.sections import (
    GATHERED,
    RENDERERS,
    SECTION_OF,
    Section,
    bars,
    chrome,
    sections,
)
from engine.compiler.sections.cards import grid
from engine.compiler.style import Style
from engine.compiler.themes import mix

# Where each section kind goes, top to bottom; kinds not named keep their written order between
# the cards and the conclusion.
_RANK = {"legend": 0, "badges": 0, "bars": 1, "chart": 1, "cards": 2, "strip": 4}
SIDE_SHARE = 0.32  # of the content width, for the card column beside the chart (place:beside)
READING_PAD = 1.2  # the reading panel's padding, in the density's card padding
READING_TEXT = "small"  # the type role of the reading's text
READING_SHARE = 0.5  # the reading panel is at least this share of the column track's height


def _ordered(bound: list[Bound]) -> list[Section]:
    groups = sections(bound, frozenset(GATHERED | {"cards"}))
    return sorted(groups, key=lambda s: _RANK.get(s[0], 3))  # stable: written order within a rank


def _key_band(page: Page, keys: list[Section], x: float, w: float) -> None:
    """Legend and badges side by side in one band above the chart."""
    share = w / len(keys)
    gap = page.style.gap
    tallest = 0.0
    for i, (kind, items) in enumerate(keys):
        tallest = max(tallest, RENDERERS[kind](page, items, x + i * share, page.y, share - gap))
    page.y += tallest + page.style.gap


def _chart_beside_cards(page: Page, chart: Section, cards: Section, x: float, w: float) -> None:
    """The chart on the left, the cards placed beside it stacked in a column on its right."""
    style = page.style
    side = w * SIDE_SHARE
    chart_w = w - side - style.gap
    chart_h = RENDERERS[chart[0]](page, chart[1], x, page.y, chart_w)
    cards_h = grid(page.out, cards[1], x + chart_w + style.gap, page.y, side, style, columns=1)
    page.y += max(chart_h, cards_h) + style.gap


def footer_height(bound: list[Bound], style: Style) -> float:
    """What Page.finish puts under the last section: the footer and the bottom margin."""
    notes = [b for b in bound if b.name == "footer_note"]
    return chrome.footer([], notes, 0, style) + style.inset * 0.8


def _render_below(page: Page, kind: str, items: list[Bound], x: float, w: float) -> float:
    """A section under the column chart; cards there are one closing reading panel as wide as
    the chart's floor, in the same voice as the reading between the columns."""
    if kind != "cards":
        return RENDERERS[kind](page, items, x, page.y, w)
    inset = bars.column_edge(w) - bars.FLOOR_OVERHANG
    return reading(page, items, x + inset, page.y, w - 2 * inset)


def _column_chart(page: Page, bound: list[Bound], x: float, w: float) -> None:
    """emphasis:center: the column chart filling the page, its reading in the centre."""
    style = page.style
    chart = [b for b in bound if b.name in ("compare_bar", "span_bracket")]
    centre = [b for b in bound if SECTION_OF[b.name] == "cards" and b.comp.attr("place") == "beside"]
    runs, _ = bars.column_runs(chart)
    legend = next((items for kind, items in _ordered(bound) if kind == "legend"), [])
    titles = [row for row in legend if row.comp.attr("role") == "phase"]
    titles = titles if len(titles) == max(1, len(runs)) else []
    gone = centre + titles
    groups = [(kind, [b for b in items if all(b is not g for g in gone)]) for kind, items in _ordered(bound)]
    groups = [(kind, items) for kind, items in groups if items and kind != "bars"]
    keys = [g for g in groups if _RANK.get(g[0]) == 0]
    rest = [g for g in groups if _RANK.get(g[0]) != 0]
    if keys:
        _key_band(page, keys, x, w)
    below = sum(style.gap + _render_below(page.scratch(), kind, items, x, w) for kind, items in rest)
    room = style.min_height - footer_height(bound, style) - page.y - below
    drawn = bars.columns(page.scratch(), chart, x, 0, w, room, titles, bool(centre))
    need = 0.0
    if centre:
        need = reading(page, centre, 0, 0, drawn.centre_w, out=[]) + drawn.centre_top
    result = bars.columns(page, chart, x, page.y, w, max(room, need + style.gap), titles, bool(centre))
    if centre:
        reading(page, centre, result.centre_x, result.centre_top, result.centre_w,
                (result.height - (result.centre_top - page.y)) * READING_SHARE)
    page.y += result.height
    for kind, items in rest:
        page.y += style.gap
        page.y += _render_below(page, kind, items, x, w)
    # No gap after the last section: the footer's own margin already sets it off.


def reading(page: Page, cards: list[Bound], x: float, y: float, w: float, min_h: float = 0.0,
            out: list | None = None) -> float:
    """The chart's reading in the centre between the columns: one inset panel at least `min_h`
    tall, each card a centred title in its accent over its text, ruled apart, the whole block
    centred in the panel; returns the panel's height.

    The panel is darker than the page and its text quieter than a card's, so that the columns
    stay the loudest thing on the page (the performance-balance reference)."""
    style = page.style
    p = style.palette
    pad = style.pad * READING_PAD
    body: list = []
    cy = 0.0
    for i, b in enumerate(cards):
        if i:
            body.append(Line(((x + pad, cy + pad * 0.5), (x + w - pad, cy + pad * 0.5)), p.stroke, 1,
                             opacity=0.7, role="reading-rule"))
            cy += pad
        accent = style.accent(b.comp.attr("accent"), b.order)
        cy += text_block(body, x + pad, cy, w - 2 * pad, b.text("title"), style.size("label"), accent,
                         style, bold=True, anchor="middle", max_lines=2, role="title")
        for field in ("value", "text", "caption"):
            slot = b.text(field)
            if slot and slot.text:
                cy += 4 + text_block(body, x + pad, cy + 4, w - 2 * pad, slot, style.size(READING_TEXT),
                                     p.text_faint, style, anchor="middle", max_lines=6,
                                     role="paragraph")
    h = max(cy + 2 * pad, min_h)
    out = page.out if out is None else out
    out.append(Rect(x, y, w, h, mix(p.background, p.shadow, 0.15), p.stroke, 1, 8, role="reading"))
    out.extend(shift(s, 0, y + (h - cy) / 2) for s in body)
    return h


def arrange(bound: list[Bound], style: Style) -> Layout:
    page = Page(style, bound)
    page.header()
    if style.emphasis == "center" and any(b.name == "compare_bar" for b in bound):
        _column_chart(page, bound, style.inset, style.content_width)
        return page.finish()
    x, w = style.inset, style.content_width
    groups = _ordered(bound)
    keys = [g for g in groups if _RANK.get(g[0]) == 0]
    rest = [g for g in groups if _RANK.get(g[0]) != 0]
    if keys:
        _key_band(page, keys, x, w)
    kinds = [kind for kind, _ in rest]
    beside = [b for b in bound if SECTION_OF[b.name] == "cards" and b.comp.attr("place") == "beside"]
    figure = next((kind for kind in ("bars", "chart") if kind in kinds), None)   # the bars, else a chart
    if beside and figure:
        chart = rest[kinds.index(figure)]
        _chart_beside_cards(page, chart, ("cards", beside), x, w)
        rest = [(kind, [b for b in items if all(b is not c for c in beside)]) for kind, items in rest
                if items is not chart[1]]
        rest = [(kind, items) for kind, items in rest if items]
    for kind, items in rest:
        page.y += RENDERERS[kind](page, items, x, page.y, w) + style.gap
    return page.finish()


def v1_choices(tree: list[Bound], style: Style) -> dict[tuple[int, ...], dict[str, str]]:
    """Where the v1 compiler placed this page by itself, as the choices that say it (DSL v2): on
    a column chart, the cards written before its last bar or bracket in the centre (place:beside)
    and legend rows as many as its columns over them (role:phase); under hero:split on a wide
    canvas, every card beside the chart (place:beside)."""
    said: dict[tuple[int, ...], dict[str, str]] = {}
    chart = [b for b in tree if b.name in ("compare_bar", "span_bracket")]
    cards = [b for b in tree if SECTION_OF[b.name] == "cards"]
    if style.emphasis == "center" and any(b.name == "compare_bar" for b in tree):
        last = max(b.order for b in chart)
        for b in cards:
            if b.order < last:
                said[b.path] = {"place": "beside"}
        runs, _ = bars.column_runs(chart)
        legend = next((items for kind, items in _ordered(tree) if kind == "legend"), [])
        if len(legend) == max(1, len(runs)):
            for row in legend:
                said[row.path] = {"role": "phase"}
    elif style.hero == "split" and style.canvas == "wide" and chart and cards:
        for b in cards:
            said[b.path] = {"place": "beside"}
    return said
