"""comparison_span_chart: one wide chart carries the argument (the performance-balance,
scale-economics, cpu-gpu-analysis and comparison-diagram assets).

Top to bottom: the header; the key (legend rows and badges) in one band; the bar chart with its
span brackets, full width; every card gathered into one grid of `columns` side by side; any other
section; the conclusion strip last. With `hero:split` on a wide canvas the cards stand in a column
beside the chart instead, so the chart and its reading share one row.
"""
from __future__ import annotations

from engine.compiler.geometry import Layout
from engine.compiler.page import GATHERED, Page, Section, sections
from engine.compiler.resolve import Bound
from engine.compiler.sections import RENDERERS
from engine.compiler.sections.cards import grid
from engine.compiler.style import Style

# Where each section kind goes, top to bottom; kinds not named keep their written order between
# the cards and the conclusion.
_RANK = {"legend": 0, "badges": 0, "bars": 1, "cards": 2, "strip": 4}
SIDE_SHARE = 0.32  # of the content width, for the card column beside the chart (hero:split)


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
    """hero:split: the chart on the left, the cards stacked in a column on its right."""
    style = page.style
    side = w * SIDE_SHARE
    chart_w = w - side - style.gap
    chart_h = RENDERERS["bars"](page, chart[1], x, page.y, chart_w)
    cards_h = grid(page.out, cards[1], x + chart_w + style.gap, page.y, side, style, columns=1)
    page.y += max(chart_h, cards_h) + style.gap


def arrange(bound: list[Bound], style: Style) -> Layout:
    page = Page(style, bound)
    page.header()
    x, w = style.inset, style.content_width
    groups = _ordered(bound)
    keys = [g for g in groups if _RANK.get(g[0]) == 0]
    rest = [g for g in groups if _RANK.get(g[0]) != 0]
    if keys:
        _key_band(page, keys, x, w)
    kinds = [kind for kind, _ in rest]
    if style.hero == "split" and style.canvas == "wide" and "bars" in kinds and "cards" in kinds:
        chart, cards = rest[kinds.index("bars")], rest[kinds.index("cards")]
        _chart_beside_cards(page, chart, cards, x, w)
        rest = [g for g in rest if g is not chart and g is not cards]
    for kind, items in rest:
        page.y += RENDERERS[kind](page, items, x, page.y, w) + style.gap
    return page.finish()
