"""Segments: a strip of cells laid edge to edge, as a byte layout or a row of tensor chips.

A run of consecutive segments is one strip across its column. Rules:

- Each cell's width is its `span` share of the strip (the gaps between cells taken out first), so
  a 128-byte field can be drawn wider than a 2-byte one without being drawn to scale.
- Every cell of a strip is as tall as the tallest: its label (monospace, bold, in its accent,
  shrunk toward the small size when a word of it is wider than the cell) and
  caption (muted, wrapped), centred or set from the left (`align`), in a box whose `fill` is the
  palette's inset surface, raised, unless said (tint, solid, none) and whose `outline` is none unless said.
- A cell's `size` stands under it, centred, as a byte count under a field; a strip reserves that
  line only when some cell has one.
- An elided cell (`variant:elided`) draws no box: an ellipsis stands for the cells left out.
"""
from __future__ import annotations

from engine.compiler.draw import BOLD, IN_ACCENT, fill_of, on_fill, text_block
from engine.compiler.geometry import Rect, Shape, Text, shift
from engine.compiler.resolve import Bound, Slot
from engine.compiler.style import Style
from engine.compiler.text import text_width
from engine.compiler.themes import mix
from engine.dsl.vocab import COMPONENTS

PAD = 0.45          # a cell's padding, in the style's card paddings (at most a tenth of its width
                    # across)
GAP = 0.4           # px between cells, in the style's gaps
CAPTION_LINES = 3
SIZE_GAP = 6.0      # px between a cell and the size under it
ELIDED_SCALE = 1.6  # an elided cell's ellipsis, in label sizes
ELISION = "\u22ef"  # the elided mark: a midline ellipsis, never read as text cut to fit ("…")
RAISE = 0.07        # a cell's surface: the inset surface lifted toward the text colour, so a chip
                    # reads on the band that holds it


def setting(b: Bound, key: str) -> str:
    """The component's attribute, else the compiler's default for it (vocab ComponentSpec.defaults)."""
    return b.comp.attr(key) or COMPONENTS[b.name].defaults[key]


def _content(b: Bound, w: float, style: Style, accent: str) -> tuple[list[Shape], float]:
    """A cell's ellipsis (elided), label and caption drawn from y=0 in a column `w` wide; their height."""
    p = style.palette
    anchor = "middle" if setting(b, "align") == "center" else "start"
    shapes: list[Shape] = []
    h = 0.0
    if setting(b, "variant") == "elided":
        size = style.size("label") * ELIDED_SCALE
        lh = style.line_height(size)
        x = w / 2 if anchor == "middle" else 0.0
        shapes.append(Text(x, (lh - size) / 2 + size * 0.8, ELISION, size, p.text_muted, True, anchor,
                           role="elision"))
        h = lh
    slot = b.text("label")
    label = text_block(shapes, 0, h, w, slot, _fit(slot, w, style), accent, style, bold=True, anchor=anchor,
                       max_lines=2, role="segment-label", mono=True)
    h += label
    caption = b.text("caption")
    if caption and caption.text:
        h += 2.0 if label else 0.0
        h += text_block(shapes, 0, h, w, caption, style.size("small"), p.text_muted, style, anchor=anchor,
                        max_lines=CAPTION_LINES, role="segment-caption")
    return shapes, h


def _fit(slot: Slot | None, w: float, style: Style) -> float:
    """The label's size: the label size, shrunk (to the small size at least) until its longest word
    fits the cell, so a narrow cell (a bit, a short field) keeps its name on one line."""
    size, floor = style.size("label"), style.size("small")
    words = slot.text.split() if slot and slot.text else []
    widest = max((text_width(word, 1.0, True, True) for word in words), default=0.0)
    return size if widest * size <= w else max(floor, round(w / widest, 1))


def _widths(items: list[Bound], w: float, gap: float) -> list[float]:
    spans = [int(setting(b, "span")) for b in items]
    room = w - gap * (len(items) - 1)
    return [room * s / sum(spans) for s in spans]


def render(page, items: list[Bound], x: float, y: float, w: float, height: float = 0.0) -> float:
    """A strip of `items` at (x, y) in a column `w` wide, its cells at least `height` tall
    (sizes under them not counted); returns its height."""
    style = page.style
    pad = style.pad * PAD
    gap = max(6.0, style.gap * GAP)
    widths = _widths(items, w, gap)
    cells = []
    for b, cw in zip(items, widths):
        accent = style.accent(b.comp.attr("accent"), b.order)
        elided = setting(b, "variant") == "elided"
        text_style = style if elided else on_fill(style, accent, setting(b, "fill"))
        across = min(pad, cw * 0.1)
        shapes, h = _content(b, max(cw - 2 * across, 1.0), text_style,
                             text_style.accent(b.comp.attr("accent"), b.order))
        cells.append((b, cw, across, accent, shapes, h))
    box_h = max(max(h for *_, h in cells) + 2 * pad, height)
    small = style.size("small")
    cx = x
    for b, cw, across, accent, shapes, h in cells:
        elided = setting(b, "variant") == "elided"
        if not elided:
            _frame(page.out, b, cx, y, cw, box_h, style, accent)
        top = y + (box_h - h) / 2
        page.out.extend(shift(s, cx + across, top) for s in shapes)
        size = b.text("size")
        if size and size.text:
            text_block(page.out, cx, y + box_h + SIZE_GAP, cw, size, small, style.palette.text_muted, style,
                       anchor="middle", max_lines=1, role="segment-size")
        cx += cw + gap
    return box_h + size_line(items, style)


def size_line(items: list[Bound], style: Style) -> float:
    """The height the sizes under a strip take: none when no cell has one."""
    sizes = any((s := b.text("size")) and s.text for b in items)
    return SIZE_GAP + style.line_height(style.size("small")) if sizes else 0.0


def _frame(out: list[Shape], b: Bound, x: float, y: float, w: float, h: float, style: Style,
           accent: str) -> None:
    """A cell's box: the inset surface unless its fill says otherwise, an outline only when said."""
    p = style.palette
    fill = setting(b, "fill")
    colour = mix(p.surface_2, p.text, RAISE) if fill == "surface" else fill_of(style, accent, fill)
    outline = setting(b, "outline")
    stroke = None if outline == "none" else accent if outline in IN_ACCENT or b.comp.attr("accent") else p.stroke
    width = 1.2 * (BOLD if outline == "bold" else 1.0)
    out.append(Rect(x, y, w, h, colour, stroke, width if stroke else 0.0, 4, role="segment",
                    node=b.comp.topo_id("node_id")))
