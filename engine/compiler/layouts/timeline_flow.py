"""timeline_flow: a header, then the time axis with its milestones across the page, then every
other section below it in written order, cards gathered into one grid of `columns` tiles (the
v6.6 evolution timeline: dated milestone cards above and below the axis, an interpretation strip
under it).

The timeline is the argument, so it comes first whatever the written order. It fills the canvas:
height the sections below it leave spare goes to the timeline (sections.timeline: its cards,
then its stems, then air around it). Where a milestone stands, what state it is in and which
stretch a phase spans are said in the scene (sections/timeline.py); nothing here guesses them.
"""
from __future__ import annotations

from engine.compiler.geometry import Layout
from engine.compiler.page import Page
from engine.compiler.resolve import Bound
from engine.compiler.sections import GATHERED, RENDERERS, chrome, sections
from engine.compiler.style import Style


def footer_height(bound: list[Bound], style: Style) -> float:
    """What Page.finish puts under the last section: the footer and the bottom margin."""
    notes = [b for b in bound if b.name == "footer_note"]
    return chrome.footer([], notes, 0, style) + style.inset * 0.8


def arrange(bound: list[Bound], style: Style) -> Layout:
    page = Page(style, bound)
    page.header()
    x, w = style.inset, style.content_width
    groups = sections(bound, frozenset(GATHERED | {"cards"}))
    groups.sort(key=lambda s: 0 if s[0] == "timeline" else 1)  # stable: the rest keep written order
    below = sum(style.gap + page.measure(RENDERERS[kind], items, w)
                for kind, items in groups if kind != "timeline")
    for i, (kind, items) in enumerate(groups):
        if i:
            page.y += style.gap
        if kind == "timeline":
            room = style.min_height - footer_height(bound, style) - page.y - below
            page.y += RENDERERS[kind](page, items, x, page.y, w, height=room)
        else:
            page.y += RENDERERS[kind](page, items, x, page.y, w)
    # No gap after the last section: the footer's own margin already sets it off.
    return page.finish()
