"""dashboard_cards: a header, a strip of badges, then every card gathered into one grid of
`columns` tiles; other sections follow full width (the operator cheat-sheet and
training-intuition maps)."""
from __future__ import annotations

from engine.compiler.geometry import Layout
from engine.compiler.page import GATHERED, Page, sections
from engine.compiler.resolve import Bound
from engine.compiler.sections import RENDERERS
from engine.compiler.style import Style

_FIRST = ("badges", "legend")


def arrange(bound: list[Bound], style: Style) -> Layout:
    page = Page(style, bound)
    page.header()
    x, w = style.inset, style.content_width
    groups = sections(bound, frozenset(GATHERED | {"cards"}))
    groups.sort(key=lambda s: 0 if s[0] in _FIRST else 1)  # stable: badges lead, order kept
    for kind, items in groups:
        page.y += RENDERERS[kind](page, items, x, page.y, w) + style.gap
    return page.finish()
