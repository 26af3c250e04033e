"""dashboard_cards: a header, a strip of badges, then every card gathered into one grid of
`columns` tiles; other sections follow full width (the operator cheat-sheet and
training-intuition maps).

The title is set open on the page, in its top margin, with no band: a dashboard's tiles carry
its structure. The page fills its canvas: height the sections leave free above the footer
is shared equally among the grid's rows.
A hero card is a featured tile across a whole row (see cards.grid).
"""
from __future__ import annotations

from engine.compiler.geometry import Layout
from engine.compiler.page import Page
from engine.compiler.resolve import Bound
from engine.compiler.sections import GATHERED, RENDERERS, cards, sections
from engine.compiler.style import Style

_FIRST = ("badges", "legend")


def arrange(bound: list[Bound], style: Style) -> Layout:
    page = Page(style, bound)
    page.header(band=False)
    x, w = style.inset, style.content_width
    groups = sections(bound, frozenset(GATHERED | {"cards"}))
    groups.sort(key=lambda s: 0 if s[0] in _FIRST else 1)  # stable: badges lead, order kept
    used = sum(RENDERERS[kind](page.scratch(), items, x, 0.0, w) + style.gap for kind, items in groups)
    spare = style.min_height - page.footer_room() - page.y - used + style.gap
    for i, (kind, items) in enumerate(groups):
        page.y += style.gap if i else 0.0
        if kind == "cards" and spare > 0:
            rows = cards.row_count(items, style.columns)
            h = cards.grid(page.out, items, x, page.y, w, style, row_extra=spare / rows)
        else:
            h = RENDERERS[kind](page, items, x, page.y, w)
        page.y += h
    return page.finish()
