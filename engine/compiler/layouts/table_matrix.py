"""table_matrix: a header, then the table as the page's main section, full width; every other
section follows below it in written order, cards gathered into one grid of `columns` tiles (the
edge-case matrix, bf16-format and quantization-overview references).

Unlike poster_stack there is no spine: the table is the argument, and what follows annotates it.
The table fills the canvas: height the sections below it leave spare goes into its body rows
(sections.table `_stretch`), as the references space their rows out to the page's foot. Under a
title set open on the page (`band:open`, or frame none) the header row stretches as a record does
(the edge-case matrix's header row is two thirds a record's height); under a banded title it
stays slim, the band already heading the page.
"""
from __future__ import annotations

from engine.compiler.geometry import Layout
from engine.compiler.page import Page
from engine.compiler.resolve import Bound
from engine.compiler.sections import GATHERED, RENDERERS, chrome, sections, table
from engine.compiler.style import Style


def footer_height(bound: list[Bound], style: Style) -> float:
    """What Page.finish puts under the last section: the footer and the bottom margin."""
    notes = [b for b in bound if b.name == "footer_note"]
    return chrome.footer([], notes, 0, style) + style.inset * 0.8


def open_title(bound: list[Bound], style: Style) -> bool:
    """Whether the title sits open on the page, with no band (`band:open`, or frame none)."""
    h = next((b for b in bound if b.name == "header_band"), None)
    return style.frame == "none" or (h is not None and h.comp.attr("band") in ("open", "bare"))


def arrange(bound: list[Bound], style: Style) -> Layout:
    page = Page(style, bound)
    page.header()
    # under an open title the table's header row is the first band on the page: it stretches
    # like a record rather than staying a slim label row
    share = table.HEADER_STRETCH_OPEN if open_title(bound, style) else table.HEADER_STRETCH
    x, w = style.inset, style.content_width
    groups = sections(bound, frozenset(GATHERED | {"cards"}))
    groups.sort(key=lambda s: 0 if s[0] == "table" else 1)  # stable: the table leads, order kept
    below = sum(style.gap + page.measure(RENDERERS[kind], items, w)
                for kind, items in groups if kind != "table")
    for i, (kind, items) in enumerate(groups):
        if i:
            page.y += style.gap
        if kind == "table":
            room = style.min_height - footer_height(bound, style) - page.y - below
            page.y += table.render(page, items, x, page.y, w, height=room, header_share=share)
        else:
            page.y += RENDERERS[kind](page, items, x, page.y, w)
    # No gap after the last section: the footer's own margin already sets it off.
    return page.finish()
