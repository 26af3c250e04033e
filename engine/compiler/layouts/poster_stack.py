"""poster_stack: a tall poster; sections stacked full width in written order, joined by a spine
of connectors down the middle (the memory-reality and activation-memory posters).

Rules, as a poster designer applies them:

- A section heading (a later header_band) marked `band:solid` and the section written after it
  share one panel: the heading sits inside the panel's top, and a chart or a table (sections
  that frame themselves once) gives its frame up to the panel, so the page reads as a column of
  panels. Unsaid, the heading stands on the page above its section.
- The poster fills its canvas: spare height goes first to the panels, then to card rows and
  lanes of stages (within a tier in proportion to their height, at most doubling each; what a
  capped block cannot take goes to the others of its tier), so sections keep the scene's gap (at
  least 30 px) between them and grow the way a designer pads a panel. A lane's stage bodies grow
  until its boxes are LANE_ASPECT as tall as wide: a lane reads across, and the library's one-row
  diagrams draw their stages 0.44-0.54 as tall as wide (ir-timeline-why, ir-producer-consumer). A grown chart or table takes the height into its
  own body (a table's rows stretch, a chart's bars space out) under a heading that stays at the
  panel's top; other grown blocks keep their content centred. A chart of labelled tracks (see
  sections/bars.py) does not grow: its thick bars set its rhythm. Only what no block can take
  widens the gaps (to at most three times).
- A conclusion strip tucks in at half the gap under the section it concludes.
"""
from __future__ import annotations

from dataclasses import dataclass

from engine.compiler.draw import box, connector
from engine.compiler.geometry import Layout, Shape
from engine.compiler.page import Page
from engine.compiler.resolve import Bound
from engine.compiler.sections import RENDERERS, bars, cards, chrome, sections
from engine.compiler.style import Style
from engine.dsl.frozen import replaced

# Sections drawn as one framed box: inside a panel, the panel is their frame.
SELF_FRAMED = frozenset({"bars", "table"})
MAX_GROWTH = 1.0     # a block grows by at most this share of its natural height
MIN_SPACING = 30.0
LANE_ASPECT = 0.5    # height / width a lane's stage boxes grow to (module docstring)


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
            pending = items[0] if items[0].comp.attr("band") == "solid" else None
            if pending is None:
                out.append(Block("heading", items))
            continue
        out.append(Block(kind, items, pending))
        pending = None
    if pending is not None:
        out.append(Block("heading", [pending]))
    return out


def _inner_style(style: Style, kind: str) -> Style:
    return replaced(style, frame="none", rail="none") if kind in SELF_FRAMED else style


def _panel(page: Page, blk: Block, x: float, y: float, w: float, extra: float) -> float:
    """A heading and its section in one panel at (x, y), `extra` px taller than its content;
    returns its height. A self-framed section takes the extra into its own body (a table
    stretches its rows, a chart spaces its bars), the heading staying at the panel's top; other
    content stays centred in the grown panel."""
    style = page.style
    pad = style.pad
    self_framed = blk.kind in SELF_FRAMED
    lead = 0.0 if self_framed else extra / 2
    body: list[Shape] = []
    head_h = chrome.heading(body, blk.heading, x + pad, y + pad + lead, w - 2 * pad, style)
    # a self-framed section pads its own top; others keep half a padding under the heading
    top = y + pad + lead + head_h + (0 if self_framed else pad * 0.5)
    inner = Page(_inner_style(style, blk.kind), page.bound)
    inner.gradients = page.gradients
    if self_framed:  # it pads itself inside the panel's width
        render = RENDERERS[blk.kind]
        natural = render(inner.scratch(), blk.items, x, top, w)
        inner_h = max(render(inner, blk.items, x, top, w, height=natural + extra), natural + extra)
        h = top - y + inner_h
    else:
        inner_h = _render(inner, Block(blk.kind, blk.items), x + pad, top, w - 2 * pad, 0.0)
        h = top - y + inner_h + pad + extra / 2
    body.extend(inner.out)
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
    if blk.kind == "flow" and extra:
        return RENDERERS[blk.kind](page, blk.items, x, y, w, grow=extra, aspect=LANE_ASPECT)
    return RENDERERS[blk.kind](page, blk.items, x, y, w)


def _spacings(blocks: list[Block], spacing: float) -> list[float]:
    """Space above each block: the first sits one spacing under the header; a conclusion strip
    tucks in at half spacing under the section it concludes."""
    return [spacing * (0.5 if i and blk.kind == "strip" else 1.0) for i, blk in enumerate(blocks)]


def _growth(blk: Block) -> float:
    """The most a block may grow, as a share of its natural height: MAX_GROWTH, but nothing for a
    chart of labelled tracks, whose thick bars already set its rhythm (bars.labelled_tracks)."""
    if blk.kind == "bars" and bars.labelled_tracks(blk.items):
        return 0.0
    return MAX_GROWTH


def _share(tier: list[Block], spare: float) -> float:
    """Give `spare` px to the blocks of a tier in proportion to their natural heights, each up to
    its growth cap; what a capped block cannot take goes to the others. Returns what is left.
    >>> a, b = Block("bars", [], natural=100.0), Block("table", [], natural=100.0)
    >>> _share([a, b], 50.0), a.extra, b.extra
    (0.0, 25.0, 25.0)
    """
    open_ = [b for b in tier if b.natural > 0 and _growth(b) > 0]
    while spare > 0.01 and open_:
        total = sum(b.natural for b in open_)
        capped = [b for b in open_ if b.extra + spare * b.natural / total >= b.natural * _growth(b)]
        if not capped:
            for blk in open_:
                blk.extra += spare * blk.natural / total
            return 0.0
        for blk in capped:
            spare -= blk.natural * _growth(blk) - blk.extra
            blk.extra = blk.natural * _growth(blk)
        open_ = [b for b in open_ if all(b is not c for c in capped)]
    return spare


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
    spare = (style.min_height - page.footer_room() - top - sum(b.natural for b in blocks)
             - sum(spaces))
    # panels take the spare height first (a chart or table reads better with air), then card rows
    for tier in ([b for b in blocks if b.heading is not None], [b for b in blocks if b.kind in ("cards", "flow")]):
        spare = _share(tier, spare)
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


def v1_choices(tree: list[Bound], style: Style) -> dict[tuple[int, ...], dict[str, str]]:
    """Where the v1 compiler placed this page by itself, as the choices that say it (DSL v2): a
    section heading and the section written after it in one panel (band:solid)."""
    groups = sections(tree)
    return {items[0].path: {"band": "solid"} for (kind, items), (after, _) in zip(groups, groups[1:])
            if kind == "heading" and after != "heading"}
