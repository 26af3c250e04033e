"""Cards (section_card, callout_card, thesis_box) and the grid that places them in columns.

A card is a stack of text blocks (title, value, caption; or title, text) inside a framed box. Rules
that hold in every family:

- A variant carries a default accent (warning: amber, success: green); an explicit `accent`
  attribute wins over it, so a red warning or a blue success card can be written.
- A value is the card's number: it is drawn large, and shrinks to fit its card (never below the
  title size) rather than wrapping mid-number. A hero card's value is the poster's statement:
  larger still, centred across the card, with its caption centred under it. When the hero's
  title fits in the margin beside the centred value, the title is a corner label: the value's
  band starts level with the title's line and the value, taking the line the title gave up, is
  set larger (see `_corner_title`).
- Reading order: title, value, caption; a metric leads with its value; a verdict (warning,
  success) gives its reasons first and ends on its value, the card's bottom line (the
  memory-reality poster's cost cards); a stat (a key-figure tile) labels its figure first, a
  dot in its accent before a quiet muted title, then the figure large in the accent.
- A warning or success card marks its state with a corner disc, unless the scene's rail is
  accent: the card's rail, already in the state's colour, says it.
- A section_card's `align` (left, center) overrides both: a left statement keeps its value
  and caption flush left under its title, as a poster's lead panel does.
- A card taller than its content because its row is taller keeps its content at the top, so
  titles across a row line up; height a layout adds to a row to fill the page is split above and below
  the row's content, so a grown card does not end in an empty well.
- In a grid of two or more columns a hero card takes a whole row (a featured tile); other cards
  fill rows of `columns`, a short last row keeping the grid's column widths.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass

from engine.compiler.draw import anchor_of, box, fill_of, ground, inner, on_fill, one_line, text_block
from engine.compiler.geometry import Circle, Rect, Shape, Text, shift
from engine.compiler.resolve import Bound, Slot
from engine.compiler.style import Style
from engine.compiler.text import text_width, wrap
from engine.compiler.themes import ink_on, mix
from engine.dsl.frozen import replaced


@dataclass(frozen=True)
class Variant:
    accent: str | None   # default accent (the component's own `accent` wins)
    value_scale: float   # value size relative to the style's value size
    dashed: bool         # dashed outline (a note)
    mark: str            # corner mark glyph
    tinted: bool         # fill tinted by the accent, outline in the accent
    statement: bool      # the value centred across the card (hero)
    verdict: bool = False  # reasons first, the value last as the card's bottom line


VARIANTS = {
    "default": Variant(None, 1.0, False, "", False, False),
    "hero": Variant(None, 1.9, False, "", False, True),
    "metric": Variant(None, 1.5, False, "", False, False),
    "stat": Variant(None, 1.6, False, "", False, False),
    "note": Variant(None, 0.8, True, "", False, False),
    "warning": Variant("amber", 1.0, False, "!", True, False, True),
    "success": Variant("green", 1.0, False, "\u2713", True, False, True),
}
BLOCK_GAP = 6.0   # px between a card's text blocks
STAT_LABEL = 0.8  # a stat card's label, in title sizes (a quiet line over its figure)
CORNER_VALUE_SCALE = 2.1  # a statement value beside a corner title, in value sizes
CORNER_OVERLAP = 0.8  # the share of the corner title's line above the value's band
CORNER_GAP = 24.0  # px between a corner title and the value beside it


def variant_of(b: Bound) -> Variant:
    return VARIANTS[b.comp.attr("variant", "default") if b.name == "section_card" else "default"]


def fit_size(slot: Slot | None, width: float, size: float, floor: float, bold: bool = True) -> float:
    """The largest size <= `size` (and >= `floor`) at which every line of `slot` fits `width`.

    >>> fit_size(Slot("80 GB"), 1000, 40, 20)
    40
    """
    if slot is None or not slot.text:
        return size
    widest = max(text_width(line, 1.0, bold) for line in slot.text.split("\n"))
    if widest * size <= width:
        return size
    return max(floor, round(width / widest, 1)) if widest else size


Block = tuple[list[Shape], float]  # shapes drawn from y=0, and their height


def _blocks(b: Bound, tw: float, style: Style, v: Variant, accent: str) -> list[Block]:
    """The card's text blocks, each drawn at x from the card's text column and y=0."""
    p = style.palette
    # a card's own [align:…] wins over the variant's (a statement centres) and the scene's emphasis
    align = b.comp.attr("align") if b.name == "section_card" else None
    centre = v.statement if align is None else align == "center"
    anchor = anchor_of(style) if align is None else ("middle" if centre else "start")
    blocks: list[Block] = []
    display = replaced(style, leading=min(style.leading, 1.2))  # values are set solid

    def add(slot, size, fill, *, bold=False, lines=3, role="", centred=False):
        shapes: list[Shape] = []
        h = text_block(shapes, 0, 0, tw, slot, size, fill, display if role == "value" else style,
                       bold=bold, anchor="middle" if centred else anchor, max_lines=lines, role=role)
        if h:
            blocks.append((shapes, h))

    tag = b.text("tag")  # read when the vocabulary gives cards a `tag` field
    if tag and tag.text:
        blocks.append(tag_pill(tag, accent, style))
    accent_title = v.tinted or v.statement or b.name == "callout_card"
    title_fill = accent if accent_title else p.text
    if b.name == "section_card":
        value_slot = b.text("value")
        value_size = fit_size(value_slot, tw, style.size("value") * v.value_scale, style.size("title"))
        corner = v.statement and centre and _corner_title(b, tw, style)
        if corner:  # the value takes the line the title gave up
            value_size = fit_size(value_slot, tw, style.size("value") * CORNER_VALUE_SCALE, value_size)
        plain = b.comp.attr("variant", "default") == "default"
        value = functools.partial(add, value_slot, value_size, p.text if plain or v.statement else accent,
                                  bold=True, lines=6, centred=centre,
                                  role="value" if value_size > style.size("title") else "title")
        title = functools.partial(add, b.text("title"), style.size("title"), title_fill, bold=True,
                                  role="title")
        if b.comp.attr("variant") == "stat":
            title = functools.partial(blocks.append, _stat_label(b.text("title"), tw, style, accent, anchor))
        caption = functools.partial(add, b.text("caption"), style.size("body"), p.text_muted, lines=6,
                                    role="caption",
                                    # a caption centres under a centred value (a hero without a
                                    # value reads as a plain card)
                                    centred=centre and bool(value_slot and value_slot.text))
        variant = b.comp.attr("variant")
        order = ((value, title, caption) if variant == "metric"
                 else (title, caption, value) if v.verdict else (title, value, caption))
        first = len(blocks)  # the title's block, when a corner title leads (after any tag)
        for part in order:
            part()
        if corner:  # the title's line overlaps the value's band (see _corner_title)
            shapes, h = blocks[first]
            blocks[first] = (shapes, round(h * CORNER_OVERLAP - BLOCK_GAP, 1))
    else:
        add(b.text("title"), style.size("title"), title_fill, bold=True, role="title")
        size = style.size("subtitle") if b.name == "thesis_box" else style.size("body")
        add(b.text("text"), size, p.text if b.name == "thesis_box" else p.text_muted, lines=8,
            role="paragraph")
    return blocks


def _stat_label(slot: Slot | None, tw: float, style: Style, accent: str, anchor: str) -> Block:
    """A stat card's label: a dot in the accent, then the title muted at STAT_LABEL title sizes
    (two lines at most), the pair centred as one group under a centred anchor."""
    size = round(style.size("title") * STAT_LABEL, 1)
    lh = style.line_height(size)
    r = round(size * 0.45, 1)
    lead = 2 * r + 8
    shapes: list[Shape] = []
    if slot is None or not slot.text:
        return shapes, 0.0
    room = tw - lead
    left = 0.0
    if anchor == "middle":
        left = max(0.0, (room - max(text_width(line, size, True) for line in wrap(slot.text, room, size, True, 2))) / 2)
    h = text_block(shapes, left + lead, 0, room - left, slot, size, style.palette.text_muted, style, bold=True,
                   max_lines=2, role="title")
    shapes.append(Circle(left + r, lh / 2, r, accent, role="stat-dot"))
    return shapes, h


def _corner_title(b: Bound, tw: float, style: Style) -> bool:
    """Whether a statement card sets its title as a corner label: a one-line title that fits in
    the margin its centred value leaves (the value measured at CORNER_VALUE_SCALE). The value's
    band then starts CORNER_OVERLAP of the way down the title's line, as a poster sets a kicker
    beside its headline figure, and the value takes the line the title gave up."""
    title, value = b.text("title"), b.text("value")
    if not (title and title.text and value and value.text) or "\n" in title.text + value.text:
        return False
    size = fit_size(value, tw, style.size("value") * CORNER_VALUE_SCALE, style.size("title"))
    margin = (tw - text_width(value.text, size, True)) / 2
    return text_width(title.text, style.size("title"), True) + CORNER_GAP <= margin


def tag_pill(slot: Slot, accent: str, style: Style) -> Block:
    """A card's tag (a step or category label) as a small solid pastel pill."""
    size = style.size("small")
    hgt = round(size * 1.9, 1)
    label, cut = one_line(slot, 400, size, True)
    pw = max(text_width(label, size, True) + 2 * hgt, hgt * 4)
    fill = style.palette.accents["red"] if slot.missing else mix(accent, "#ffffff", 0.45)
    shapes: list[Shape] = [
        Rect(0, 0, pw, hgt, fill, rx=hgt / 2, role="tag"),
        Text(pw / 2, hgt / 2 + size * 0.36, label, size, ink_on(fill), True, "middle",
             placeholder=slot.missing, role="tag", cut=cut),
    ]
    return shapes, hgt + 4


def card(out: list[Shape], b: Bound, x: float, y: float, w: float, style: Style,
         min_h: float = 0.0, lead: float = 0.0) -> float:
    """Draw one card at (x, y), at least `min_h` tall, its content `lead` px below the top
    padding; returns its height."""
    p = style.palette
    v = variant_of(b)
    accent = style.accent(b.comp.attr("accent") or v.accent, b.order)
    tx, tw = inner(x, w, style)
    # the corner mark signals the card's state where nothing else does: an accent rail, already in
    # the state's colour along the card's edge, says it instead
    mark = "" if style.rail == "accent" else v.mark
    if mark:
        tw -= 34 if anchor_of(style) == "start" else 68
        if anchor_of(style) == "middle":
            tx += 34
    c = b.comp
    own = fill_of(style, accent, c.attr("fill"))
    # text on a strong fill is set in ink that reads on it
    under = ground(style, accent, c.attr("fill"))
    blocks = _blocks(b, tw, on_fill(style, accent, c.attr("fill")), v, ink_on(under) if under else accent)
    top_pad = style.pad + (4 if style.emphasis == "top" else 0)
    natural = sum(h for _, h in blocks) + BLOCK_GAP * max(0, len(blocks) - 1)
    h = max(top_pad + natural + style.pad, min_h, 2 * style.pad + 10)
    cy = y + top_pad + lead
    fill = style.tint(accent, 0.14) if v.tinted or b.name == "thesis_box" else None
    box(out, x, y, w, h, style, accent, fill=own or fill, dash=v.dashed,
        stroke=accent if v.tinted else None, rail=not v.statement, role=b.name,
        outline=c.attr("outline"), node=c.topo_id("node_id"))
    if mark:
        mx = x + w - style.pad - 12
        out.append(Circle(mx, y + style.pad + 12, 13, accent, role="mark"))
        out.append(Text(mx, y + style.pad + 17.5, mark, 15, p.surface, True, "middle", role="mark"))
    if b.name == "thesis_box" or (v.statement and style.rail != "none"):
        # a thesis's or a statement's rail runs down its left edge, as on a pull quote
        colour = accent if b.name == "thesis_box" or style.rail == "accent" else p.stroke
        out.append(Rect(x, y, 8, h, colour, rx=3, role="rail"))
    for shapes, bh in blocks:
        out.extend(shift(s, tx, cy) for s in shapes)
        cy += bh + BLOCK_GAP
    return h


def _rows(items: list[Bound], cols: int) -> list[list[Bound]]:
    """Items in rows of `cols`; a hero card (in a grid of two or more columns) takes a row alone."""
    rows: list[list[Bound]] = []
    current: list[Bound] = []
    for b in items:
        if cols > 1 and variant_of(b).statement:
            if current:
                rows.append(current)
                current = []
            rows.append([b])
            continue
        current.append(b)
        if len(current) == cols:
            rows.append(current)
            current = []
    if current:
        rows.append(current)
    return rows


def grid(out: list[Shape], items: list[Bound], x: float, y: float, w: float, style: Style,
         columns: int | None = None, row_extra: float = 0.0) -> float:
    """Cards in rows of `columns` (the scene's by default); each row as tall as its tallest card
    plus `row_extra` (what a layout gives each row to fill its page)."""
    cols = max(1, min(columns or style.columns, len(items)))
    gap = style.gap
    cy = y
    for row in _rows(items, cols):
        # every row is cut into the same columns (a short last row leaves its columns empty); a
        # hero's row is one card across the whole width
        n = 1 if len(row) == 1 and variant_of(row[0]).statement else cols
        cw = (w - gap * (n - 1)) / n
        row_h = max(card([], b, 0, 0, cw, style) for b in row) + row_extra
        for i, b in enumerate(row):
            card(out, b, x + i * (cw + gap), cy, cw, style, row_h, row_extra / 2)
        cy += row_h + gap
    return cy - gap - y


def row_count(items: list[Bound], columns: int) -> int:
    """How many rows `grid` lays `items` out in."""
    return len(_rows(items, max(1, min(columns, len(items)))))
