"""memory_map: a memory map; sections stacked full width in written order, and a region_stack
(a column of memory regions) standing beside the sections written after it (the model memory
layout, training arena and quantization block maps).

Rules, as the scene says them:

- The title is set open on the page, as memory maps set it.
- Sections written before the first region_stack run full width, one under another. The
  region_stack's `aside` says where the sections written after it stand: `right` or `left` of
  it in a side column (the stack's frame takes MAP_SHARE of the width its gutter leaves), or
  `none`: under it, full width.
  A stack at the page's left edge hangs its offsets in the page margin, as far as the margin
  allows (MIN_MARGIN kept), and takes the rest of its gutter from its column.
- The page fills its canvas: beside a stack, the stack and the side column end level (the
  shorter grows: the stack's regions by span, the side's panels and cards in proportion to their
  height), and height left above the footer goes to that band; with no stack beside anything, it
  goes to the panels, cards and strips of the page (a strip's cells grow), at most doubling each.
"""
from __future__ import annotations

from engine.compiler.geometry import Layout
from engine.compiler.page import Page
from engine.compiler.resolve import Bound
from engine.compiler.sections import RENDERERS, Section, cards, regions, sections, strip
from engine.compiler.sections.strip import setting
from engine.compiler.style import Style

MAP_SHARE = 0.62  # of the content width (less the offsets' gutter), what a region_stack's frame
                  # beside a side column takes
GROWS = ("container", "cards", "map", "segments")
MAX_GROWTH = 1.0  # a full-width section grows by at most this share of its natural height
MIN_MARGIN = 12.0  # px an offset hanging in the page margin keeps from the page's edge


def _draw(page: Page, sec: Section, x: float, y: float, w: float, extra: float = 0.0) -> float:
    """One section at (x, y), `extra` px taller than its natural height where it can grow."""
    kind, items = sec
    render = RENDERERS[kind]
    if extra <= 0 or kind not in GROWS:
        return render(page, items, x, y, w)
    if kind == "cards":
        rows = cards.row_count(items, page.style.columns)
        return cards.grid(page.out, items, x, y, w, page.style, row_extra=extra / rows)
    natural = render(page.scratch(), items, x, y, w)
    if kind == "map":
        return render(page, items, x, y, w, height=natural + extra)
    if kind == "segments":   # the cells grow; the sizes under them keep their line
        return render(page, items, x, y, w, height=natural + extra - strip.size_line(items, page.style))
    return render(page, items, x, y, w, min_h=natural + extra)


def _column(page: Page, secs: list[Section], x: float, y: float, w: float, extra: float = 0.0,
            cap: float | None = None) -> float:
    """Sections one under another; `extra` px shared by the growable ones in proportion to their
    height (each at most `cap` times its own, when given). Returns the column's height."""
    gap = page.style.gap
    natural = [RENDERERS[k](page.scratch(), items, x, 0.0, w) for k, items in secs]
    growable = sum(h for (k, _), h in zip(secs, natural) if k in GROWS)
    cy = y
    for i, (sec, h) in enumerate(zip(secs, natural)):
        cy += gap if i else 0.0
        share = extra * h / growable if growable and sec[0] in GROWS else 0.0
        cy += _draw(page, sec, x, cy, w, min(share, h * cap) if cap is not None else share)
    return cy - y


def _gutter(b: Bound, style: Style) -> float:
    """The offset gutter of a region_stack's regions."""
    return regions.gutter([c for c in b.children if c.name == "region"], style)


def _height(page: Page, secs: list[Section], w: float) -> float:
    return _column(page.scratch(), secs, 0.0, 0.0, w)


def arrange(bound: list[Bound], style: Style) -> Layout:
    page = Page(style, bound)
    page.header(band=False)
    x, w = style.inset, style.content_width
    groups = sections(bound)
    at = next((i for i, (kind, items) in enumerate(groups) if kind == "map" and setting(items[0], "aside") != "none"),
              None)
    before = groups if at is None else groups[:at]
    spare = style.min_height - page.footer_room() - page.y
    if at is None:
        spare -= _height(page, before, w)
        page.y += _column(page, before, x, page.y, w, max(spare, 0.0), cap=MAX_GROWTH)
        return page.finish()
    if before:
        spare -= _height(page, before, w) + style.gap
        page.y += _column(page, before, x, page.y, w) + style.gap
    stack, side = groups[at], groups[at + 1:]
    left = setting(stack[1][0], "aside") == "left"
    g = _gutter(stack[1][0], style)
    # at the page's left edge, the offsets hang in the page margin
    hang = 0.0 if left and side else min(g, style.inset - style.sheet - MIN_MARGIN)   # on the sheet
    own = g - hang   # what the gutter takes from the content width
    frame_w = (w - own - style.gap) * MAP_SHARE if side else w - own
    mw, sw = frame_w + g, w - own - frame_w - style.gap
    mx, sx = (x + sw + style.gap, x) if left else (x - hang, x + own + frame_w + style.gap)
    map_h = RENDERERS["map"](page.scratch(), stack[1], mx, 0.0, mw)
    side_h = _height(page, side, sw) if side else 0.0
    band = max(map_h, side_h, spare)
    drawn = _draw(page, stack, mx, page.y, mw, band - map_h)
    if side:
        drawn = max(drawn, _column(page, side, sx, page.y, sw, band - side_h))
    page.y += drawn
    return page.finish()
