"""poster_stack: a tall poster; sections stacked full width in written order, joined by a spine
of connectors down the middle (the memory-reality and activation-memory posters). Spare height
on the canvas goes into the spaces between sections, as a designer would spread them."""
from __future__ import annotations

from engine.compiler.draw import connector
from engine.compiler.geometry import Layout
from engine.compiler.page import Page, sections
from engine.compiler.resolve import Bound
from engine.compiler.style import Style
from engine.compiler.sections import RENDERERS

FOOTER_ROOM = 90  # what the footer band needs below the last section


def arrange(bound: list[Bound], style: Style) -> Layout:
    page = Page(style, bound)
    page.header()
    x, w = style.inset, style.content_width
    groups = sections(bound)
    heights = [page.measure(RENDERERS[kind], items, w) for kind, items in groups]
    spacing = max(style.gap, 34)
    if len(groups) > 1:
        spare = style.min_height - FOOTER_ROOM - page.y - sum(heights) - spacing * (len(groups) - 1)
        spacing += max(0.0, min(spare / (len(groups) - 1), spacing * 2))
    spine = style.palette.stroke if style.rail == "muted" else style.accent(None, 0)
    for i, ((kind, items), h) in enumerate(zip(groups, heights)):
        if i:
            top = page.y + spacing
            connector(page.out, (x + w / 2, page.y + 4), (x + w / 2, top - 4), style, spine, role="spine")
            page.y = top
        RENDERERS[kind](page, items, x, page.y, w)
        page.y += h
    page.y += style.gap
    return page.finish()
