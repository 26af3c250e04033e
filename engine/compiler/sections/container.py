"""Containers (DSL v2): a `panel` (a framed box with an optional tag, title and caption) and a
`group` (no box, no text) lay their children out inside them.

A container's children are grouped into cells the way the page groups its sections (a table's
rows make one table, stages one lane, badges one row of pills), and each cell is drawn by the
same section renderer as on the page, so a card inside a panel is the card of the page. Cells
are arranged by the container's `arrange`:

- stack: one under another, the scene's gap apart (a run of cards is split into cards, so that
  a stack never turns into the page's card grid);
- row: side by side in equal columns, one per cell;
- grid: `cols` cells to a row, a short last row keeping the grid's column widths;
- spread: a stack spread over the height the container is stretched to (a side of a comparison,
  a row's cell): its gaps grow equally to fill it, each line of text a cell of its own (a code
  well's lines stay together), the scene's gap the least of them.

A panel's `head:bar` sets its title centred in a bar of its accent across the panel's top (the
bar then is the panel's accent mark, with no rail strip); its tag and caption stay under the bar.

A row is as tall as its tallest cell; cards and containers in it stretch to that height
(content kept at the top, so titles across a row line up), other sections keep their own.
Containers nest (vocab.MAX_DEPTH); only a row or grid measures its cells before drawing them.
"""
from __future__ import annotations

from engine.compiler import sections as registry  # read at call time: this module is part of it
from engine.compiler.draw import RADIUS, box, fill_of, inner, on_solid, text_block
from engine.compiler.geometry import Rect, Shape, shift
from engine.compiler.resolve import Bound
from engine.compiler.sections import cards, text_runs
from engine.dsl.vocab import COMPONENTS

CAPTION_LINES = 4
TITLE_LINES = 2
BAR_PAD = 0.9   # a head bar's padding above and below its title, in card paddings


def _setting(b: Bound, key: str) -> str:
    """The component's attribute, else the compiler's default for it (vocab ComponentSpec.defaults)."""
    return b.comp.attr(key) or COMPONENTS[b.name].defaults[key]


def _cells(b: Bound, arrange: str) -> list[tuple[str, list[Bound]]]:
    """The children grouped as the page groups sections; runs split into single cells (cards
    always, other runs when side by side, lines when spread, a code well's lines kept together)."""
    out = []
    for kind, items in registry.sections(list(b.children)):
        if kind == "lines" and arrange == "spread":
            for well, run in text_runs.segments(items):
                out.extend([(kind, run)] if well else [(kind, [item]) for item in run])
        elif kind in registry.GATHERED or (arrange in ("stack", "spread") and kind != "cards"):
            out.append((kind, items))
        else:
            out.extend((kind, [item]) for item in items)
    return out


def _cell(page, kind: str, items: list[Bound], x: float, y: float, w: float, h: float = 0.0) -> float:
    """One cell at (x, y), `w` wide; a card or a container at least `h` tall."""
    if kind == "cards":
        return cards.card(page.out, items[0], x, y, w, page.style, h)
    if kind == "container":
        return registry.RENDERERS[kind](page, items, x, y, w, min_h=h)
    return registry.RENDERERS[kind](page, items, x, y, w)


def arrange(page, b: Bound, x: float, y: float, w: float, height: float = 0.0) -> float:
    """`b`'s children laid out in the box (x, y, w); returns the height they take. `height` is
    what a spread fills: its cells' gaps grow to share what they leave of it."""
    how = _setting(b, "arrange")
    cells = _cells(b, how)
    if not cells:
        return 0.0
    n = {"stack": 1, "spread": 1, "row": len(cells), "grid": int(_setting(b, "cols"))}[how]
    gap = page.style.gap
    if how == "spread" and len(cells) > 1:
        natural = sum(_cell(page.scratch(), kind, items, 0.0, 0.0, w) for kind, items in cells)
        gap = max(gap, (height - natural) / (len(cells) - 1))
    cw = (w - gap * (n - 1)) / n
    cy = y
    for start in range(0, len(cells), n):
        row = cells[start:start + n]
        row_h = max(_cell(page.scratch(), kind, items, 0.0, 0.0, cw) for kind, items in row) if len(row) > 1 else 0.0
        drawn = [_cell(page, kind, items, x + i * (cw + gap), cy, cw, row_h) for i, (kind, items) in enumerate(row)]
        cy += max(drawn) + gap
    return cy - gap - y


def _head(b: Bound, tw: float, style, accent: str, title: bool = True) -> tuple[list[Shape], float]:
    """The panel's tag pill, title (unless its bar holds it) and caption, drawn from y=0 in a
    column `tw` wide."""
    shapes: list[Shape] = []
    cy = 0.0
    tag = b.text("tag")
    if tag and tag.text:
        pill, h = cards.tag_pill(tag, accent, style)
        shapes.extend(pill)
        cy += h
    head = text_block(shapes, 0, cy, tw, b.text("title"), style.size("title"), accent, style, bold=True,
                      max_lines=TITLE_LINES, role="panel-title") if title else 0.0
    cy += head
    caption = b.text("caption")
    if caption and caption.text:
        cy += (cards.BLOCK_GAP if head else 0.0) + text_block(
            shapes, 0, cy + (cards.BLOCK_GAP if head else 0.0), tw, caption, style.size("body"),
            style.palette.text_muted, style, max_lines=CAPTION_LINES, role="panel-caption")
    return shapes, cy


def _bar(b: Bound, x: float, y: float, w: float, style, accent: str) -> tuple[list[Shape], float]:
    """head:bar: the title centred in a bar of the accent across the panel's top (its corners
    the frame's), at least one title line tall; returns the shapes and the bar's height."""
    tx, tw = inner(x, w, style)
    pad = style.pad * BAR_PAD
    size = style.size("title")
    title: list[Shape] = []
    th = text_block(title, tx, y + pad, tw, b.text("title"), size, on_solid(style, accent).palette.text,
                    style, bold=True, anchor="middle", max_lines=TITLE_LINES, role="panel-title")
    h = max(th, style.line_height(size)) + 2 * pad
    return [Rect(x, y, w, h, accent, rx=RADIUS[style.frame], role="panel-bar"), *title], h


def _panel(page, b: Bound, x: float, y: float, w: float, min_h: float) -> float:
    """A framed box: its head at the top (its title in a bar with head:bar), its children under
    it inside the padding."""
    style = page.style
    accent = style.accent(b.comp.attr("accent"), b.order)
    fill = _setting(b, "fill")
    text_style = on_solid(style, accent) if fill == "solid" else style
    tx, tw = inner(x, w, style)
    barred = _setting(b, "head") == "bar"
    bar, bar_h = _bar(b, x, y, w, style, accent) if barred else ([], 0.0)
    head, head_h = _head(b, tw, text_style, text_style.accent(b.comp.attr("accent"), b.order), title=not barred)
    top = y + bar_h + style.pad + (4 if style.emphasis == "top" and style.rail != "none" and not barred else 0)
    body_top = top + head_h + (style.pad * 0.6 if head_h and b.children else 0.0)
    mark = len(page.out)
    body_h = arrange(page, b, tx, body_top, tw, min_h - (body_top - y) - style.pad)
    h = max(body_top + body_h - y + style.pad, min_h)
    frame: list[Shape] = []
    # the bar is the panel's accent mark: no rail strip beside it
    box(frame, x, y, w, h, style, accent, fill=fill_of(style, accent, fill), rail=not barred, role="panel",
        outline=_setting(b, "outline"), node=b.comp.topo_id("node_id"))
    page.out[mark:mark] = frame + bar + [shift(s, tx, top) for s in head]
    return h


def render(page, items: list[Bound], x: float, y: float, w: float, min_h: float = 0.0) -> float:
    """One container (items holds it alone) at (x, y), `w` wide and at least `min_h` tall."""
    b = items[0]
    if b.name == "panel":
        return _panel(page, b, x, y, w, min_h)
    return max(arrange(page, b, x, y, w, min_h), min_h)
