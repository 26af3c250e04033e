"""poster_stack: a tall poster; sections stacked full width in written order, joined by a spine
of connectors down the middle (the memory-reality and activation-memory posters).

Rules, as a poster designer applies them:

- A section heading (a later header_band) and the section written after it share one panel: the
  heading sits inside the panel's top, and a chart or a table (sections that frame themselves
  once) gives its frame up to the panel, so the page reads as a column of panels.
- The poster fills its canvas: spare height goes first to the panels, then to card rows (within
  a tier in proportion to their height, at most doubling each), so sections keep the scene's gap
  (at least 30 px) between them and grow the way a designer pads a panel; a grown block keeps its
  content centred. Only what they cannot take widens the gaps (to at most three times).
- A conclusion strip tucks in at half the gap under the section it concludes.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from engine.compiler.draw import box, connector
from engine.compiler.geometry import Layout, Shape
from engine.compiler.page import Page, sections
from engine.compiler.resolve import Bound
from engine.compiler.sections import RENDERERS, cards, chrome
from engine.compiler.style import Style

# Sections drawn as one framed box: inside a panel, the panel is their frame.
SELF_FRAMED = frozenset({"bars", "table"})
MAX_GROWTH = 1.0     # a block grows by at most this share of its natural height
MIN_SPACING = 30.0   # px between sections: room for the spine to read as a joint


@dataclass
class Block:
    """One stacked block: a section, or a heading with the section it introduces (a panel)."""

    kind: str
    items: list[Bound]
    heading: Bound | None = None
    natural: float = 0.0
    extra: float = 0.0


def _blocks(groups: list[tuple[str, list[Bound]]]) -> list[Block]:
    out: list[Block] = []
    pending: Bound | None = None
    for kind, items in groups:
        if kind == "heading":
            if pending is not None:
                out.append(Block("heading", [pending]))
            pending = items[0]
            continue
        out.append(Block(kind, items, pending))
        pending = None
    if pending is not None:
        out.append(Block("heading", [pending]))
    return out


def _inner_style(style: Style, kind: str) -> Style:
    return dataclasses.replace(style, frame="none", rail="none") if kind in SELF_FRAMED else style


def _panel(page: Page, blk: Block, x: float, y: float, w: float, extra: float) -> float:
    """A heading and its section in one panel at (x, y), `extra` px taller than its content (which
    stays centred); returns its height."""
    style = page.style
    pad = style.pad
    body: list[Shape] = []
    head_h = chrome.heading(body, blk.heading, x + pad, y + pad + extra / 2, w - 2 * pad, style)
    top = y + pad + extra / 2 + head_h + pad * 0.5
    self_framed = blk.kind in SELF_FRAMED
    inner = Page(_inner_style(style, blk.kind), page.bound)
    inner.gradients = page.gradients
    # a self-framed section pads itself inside the panel's width; others get the panel's padding
    ix, iw = (x, w) if self_framed else (x + pad, w - 2 * pad)
    inner_h = _render(inner, Block(blk.kind, blk.items), ix, top, iw, 0.0)
    body.extend(inner.out)
    h = top - y + inner_h + (0 if self_framed else pad) + extra / 2
    frame: list[Shape] = []
    box(frame, x, y, w, h, style, style.accent(None, blk.heading.order), rail=False)
    page.out.extend(frame + body)
    return h


def _render(page: Page, blk: Block, x: float, y: float, w: float, extra: float) -> float:
    if blk.heading is not None:
        return _panel(page, blk, x, y, w, extra)
    if blk.kind == "cards":
        rows = cards.row_count(blk.items, page.style.columns)
        return cards.grid(page.out, blk.items, x, y, w, page.style, row_extra=extra / rows)
    return RENDERERS[blk.kind](page, blk.items, x, y, w)


def _footer_room(page: Page) -> float:
    """What Page.finish needs below the last section for the footer, read off Page.finish itself
    (a probe page whose content already runs past the canvas's minimum height)."""
    probe = page.scratch()
    probe.y = page.style.min_height
    return probe.finish().height - probe.y


def _spacings(blocks: list[Block], spacing: float) -> list[float]:
    """Space above each block: the first sits one spacing under the header; a conclusion strip
    tucks in at half spacing under the section it concludes."""
    return [spacing * (0.5 if i and blk.kind == "strip" else 1.0) for i, blk in enumerate(blocks)]


def arrange(bound: list[Bound], style: Style) -> Layout:
    page = Page(style, bound)
    page.header()
    x, w = style.inset, style.content_width
    blocks = _blocks(sections(bound))
    for blk in blocks:
        blk.natural = _render(page.scratch(), blk, 0.0, 0.0, w, 0.0)
    spacing = max(style.gap, MIN_SPACING)
    spaces = _spacings(blocks, spacing)
    top = page.header_bottom
    spare = (style.min_height - _footer_room(page) - top - sum(b.natural for b in blocks)
             - sum(spaces))
    # panels take the spare height first (a chart or table reads better with air), then card rows
    for tier in ([b for b in blocks if b.heading is not None], [b for b in blocks if b.kind == "cards"]):
        total = sum(b.natural for b in tier)
        if spare <= 0 or not total:
            continue
        for blk in tier:
            blk.extra = min(spare * blk.natural / total, blk.natural * MAX_GROWTH)
        spare -= sum(b.extra for b in tier)
    if len(blocks) > 1 and spare > 0:
        widen = min(spare / (len(blocks) - 1), spacing * 2)
        spaces = [sp + (widen if i else 0.0) for i, sp in enumerate(spaces)]
    spine = style.palette.stroke if style.rail == "muted" else style.accent(None, 0)
    page.y = top
    for i, (blk, space) in enumerate(zip(blocks, spaces)):
        if i:
            connector(page.out, (x + w / 2, page.y + 4), (x + w / 2, page.y + space - 4), style, spine,
                      role="spine")
        page.y += space
        page.y += _render(page, blk, x, page.y, w, blk.extra)
    return page.finish()
