"""table_matrix: a header, then the table as the page's main section, full width; every other
section follows below it in written order, cards gathered into one grid of `columns` tiles (the
edge-case matrix, bf16-format and quantization-overview references).

Unlike poster_stack there is no spine: the table is the argument, and what follows annotates it.
"""
from __future__ import annotations

from engine.compiler.geometry import Layout
from engine.compiler.page import GATHERED, Page, sections
from engine.compiler.resolve import Bound
from engine.compiler.sections import RENDERERS
from engine.compiler.style import Style


def arrange(bound: list[Bound], style: Style) -> Layout:
    page = Page(style, bound)
    page.header()
    x, w = style.inset, style.content_width
    groups = sections(bound, frozenset(GATHERED | {"cards"}))
    groups.sort(key=lambda s: 0 if s[0] == "table" else 1)  # stable: the table leads, order kept
    for kind, items in groups:
        page.y += RENDERERS[kind](page, items, x, page.y, w) + style.gap
    return page.finish()
