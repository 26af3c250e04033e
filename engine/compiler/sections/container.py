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

A panel's `head:bar` sets its title centred in a bar of its accent across the panel's top (its
title wrapping, the bar padded round it: the tall headers of the library's comparisons), and
`head:band` on a slim band one title line tall (the thin column headers of its kernel sheets);
either is then the panel's accent mark, with no rail strip, and its tag and caption stay under it.

A row is as tall as its tallest cell; cards and containers in it stretch to that height
(content kept at the top, so titles across a row line up), other sections keep their own.
Containers nest (vocab.MAX_DEPTH); only a row or grid measures its cells before drawing them.
"""
from __future__ import annotations

from engine.compiler import (
    sections as registry,  # read at call time: this module is part of it
)
from engine.compiler.draw import (
    BOLD,
    IN_ACCENT,
    RADIUS,
    box,
    fill_of,
    inner,
    inside,
    on_fill,
    on_solid,
    one_line,
    text_block,
)
from engine.compiler.geometry import Line, Rect, Shape, Text, shift
from engine.compiler.resolve import Bound
from engine.compiler.sections import cards, text_runs
from engine.compiler.style import CELL_GAP
from engine.compiler.text import text_width
from engine.compiler.themes import ink_on
from engine.dsl.frozen import replaced
from engine.dsl.vocab import COMPONENTS

CAPTION_LINES = 4
TITLE_LINES = 2
STRETCH = {"cards", "container"}  # the cells a stretched row stretches
UNWRAPPED = 10000.0  # a width no line of text wraps in, to measure what a cell asks for
ROUNDING = 1.0  # px, so that a line measured to fit its column is not wrapped by rounding
BAR_PAD = 0.9   # a head bar's padding above and below its title, in card paddings
BAND_PAD = 0.8  # a head band's margin around its one title line, in card paddings
LABEL_GAP = 0.3  # between a title standing above its panel (head:above) and the box, in card paddings


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


def _cell(page, kind: str, items: list[Bound], x: float, y: float, w: float, h: float = 0.0,
          lead: float = 0.0) -> float:
    """One cell at (x, y), `w` wide; a card or a container at least `h` tall (a card's content,
    a container's children, `lead` lower)."""
    if kind == "cards":
        return cards.card(page.out, items[0], x, y, w, page.style, h, lead)
    if kind == "container":
        return registry.RENDERERS[kind](page, items, x, y, w, min_h=h, lead=lead)
    return registry.RENDERERS[kind](page, items, x, y, w)


def _height(page, kind: str, items: list[Bound], w: float) -> float:
    """A cell's natural height at width `w`, measured once per compile: a row measures its cells
    before drawing them, and its cells measure theirs, so nested rows would measure the innermost
    cells once for every level above them. Keyed by the components and the style (kept alive with
    the entry, so that its id is not reused)."""
    key = (kind, tuple(id(b) for b in items), w, id(page.style))
    if (hit := page.measured.get(key)) is None:
        hit = page.measured[key] = (_cell(page.scratch(), kind, items, 0.0, 0.0, w), (page.style, items))
    return hit[0]


def _lead(page, kind: str, items: list[Bound], w: float, h: float, add: float) -> float:
    """How far down a stretched cell sets its content: a box's content half what its row gained
    (titles across the row stay level), a group (no box) centred whole in the cell's height."""
    if not add:
        return 0.0
    if kind == "container" and items[0].name == "group":
        return (h - _height(page, kind, items, w)) / 2
    return add / 2


def arrange(page, b: Bound, x: float, y: float, w: float, min_h: float = 0.0,
            stretch: bool = False) -> float:
    """`b`'s children laid out in the box (x, y, w); returns the height they take. When `stretch`
    (`b` is a fill container) a `min_h` above their height is shared among the rows, each cell
    stretching to its row (a card's content, a container's children, centred in what it gains)."""
    how = _setting(b, "arrange")
    cells = _cells(b, how)
    if not cells:
        return 0.0
    n = {"stack": 1, "spread": 1, "row": len(cells), "grid": int(_setting(b, "cols"))}[how]
    own = b.comp.attr("gap")
    gap = CELL_GAP[own] if own else page.style.gap
    if how == "spread" and len(cells) > 1 and min_h:   # its gaps grow to share the height it is given
        natural = sum(_height(page, kind, items, w) for kind, items in cells)
        gap = max(gap, (min_h - natural) / (len(cells) - 1))
    rows = [cells[start:start + n] for start in range(0, len(cells), n)]
    spans = _spans(page, rows, n, x, w, gap, how, _setting(b, "widths"))

    def tallest(r: int) -> float:
        return max(_height(page, kind, items, spans[r][i][1]) for i, (kind, items) in enumerate(rows[r]))

    # only rows that hold a card or a container can stretch; lines and pills keep their height
    grows = [any(kind in STRETCH for kind, _ in row) for row in rows]
    extra = 0.0
    if stretch and min_h and any(grows):
        natural = sum(tallest(r) for r in range(len(rows))) + gap * (len(rows) - 1)
        extra = max(0.0, min_h - natural) / sum(grows)
    own_heights = _setting(b, "heights") == "own"
    cy = y
    for r, (row, grown) in enumerate(zip(rows, grows)):
        add = extra if grown else 0.0
        if own_heights and len(row) > 1:   # each cell at its own height, centred on the row
            heights = [_height(page, kind, items, cw) for (kind, items), (_, cw) in zip(row, spans[r])]
            row_h = max(heights) + add
            for (kind, items), (left, cw), h in zip(row, spans[r], heights):
                _cell(page, kind, items, left, cy + (row_h - h) / 2, cw)
            cy += row_h + gap
            continue
        row_h = tallest(r) if len(row) > 1 or add else 0.0
        drawn = [_cell(page, kind, items, left, cy, cw, row_h + add,
                       _lead(page, kind, items, cw, row_h + add, add))
                 for (kind, items), (left, cw) in zip(row, spans[r])]
        cy += max(drawn) + gap
    return cy - gap - y


def _asks(page, kind: str, items: list[Bound]) -> float:
    """The width a cell asks for: its widest line of text unwrapped (the texts on one baseline, a
    kv row's gap between them), plus a card's padding (and a code well's); a container asks for
    what its own cells ask, side by side as it arranges them, and its gaps and padding."""
    if kind == "container":
        return _container_asks(page, items[0])
    probe = page.scratch()
    _cell(probe, kind, items, 0.0, 0.0, UNWRAPPED)
    lines: dict[float, list[tuple[float, float, str]]] = {}   # each baseline's texts: a code line's runs, a kv row's sides
    for t in (s for s in probe.out if isinstance(s, Text)):
        lines.setdefault(t.y, []).append((t.x, text_width(t.text, t.size, t.bold, t.font == "mono"), t.anchor))
    widest = max((_line_asks(runs) for runs in lines.values()), default=0.0)
    well = any(isinstance(s, Rect) and s.role == "code-well" for s in probe.out)
    pad = page.style.pad
    return widest + 2 * pad + (2 * pad * text_runs.WELL_PAD if well else 0.0) + ROUNDING


def _line_asks(runs: list[tuple[float, float, str]]) -> float:
    """The width one baseline's texts ask for: runs set from the left (a code line's, at the
    columns its spaces keep) from the first's left to the last's right; sides set apart (a kv
    row's label and right-aligned value) their widths and the gap between them."""
    if all(anchor == "start" for _, _, anchor in runs):
        return max(x + w for x, w, _ in runs) - min(x for x, _, _ in runs)
    return sum(w for _, w, _ in runs) + text_runs.KV_GAP * (len(runs) - 1)


def _span(cell: tuple[str, list[Bound]]) -> int:
    """A cell's share of an equal row in columns: a container's span, else one."""
    kind, items = cell
    return int(_setting(items[0], "span")) if kind == "container" else 1


def _container_asks(page, b: Bound) -> float:
    """A container's asked width: its cells' asks as its arrangement places them (a row's side by
    side, a grid's widest per column, a stack's widest), its gaps, its title and its padding."""
    style = page.style
    how = _setting(b, "arrange")
    asks = [_asks(page, kind, items) for kind, items in _cells(b, how)]
    own = b.comp.attr("gap")
    gap = CELL_GAP[own] if own else style.gap
    n = {"row": len(asks), "grid": int(_setting(b, "cols"))}.get(how, 1)
    columns = [max(asks[i::n]) for i in range(min(n, len(asks)))]
    if _setting(b, "widths") == "equal":   # equal columns: each as wide as the widest asks
        columns = [max(columns, default=0.0)] * len(columns)
    body = sum(columns) + gap * max(0, len(columns) - 1)
    if b.name == "group":
        return body
    title = b.text("title")
    size = _title_size(b, style)
    head = max((text_width(line, size, True) for line in title.text.split("\n")), default=0.0) if title else 0.0
    _, width = inner(0.0, UNWRAPPED, style)
    return max(body, head) + (UNWRAPPED - width) + ROUNDING


def _spans(page, rows: list, n: int, x: float, w: float, gap: float, how: str,
           widths: str) -> list[list[tuple[float, float]]]:
    """Each cell's (left, width): equal columns; with widths:content, columns in proportion to
    what each column's widest cell asks for, or, in a stack, each cell as wide as it asks (at
    most the column) and centred; with widths:packed, each column as wide as it asks, packed from
    the left a gap apart (in proportion, as content, when they ask for more than the width), in a
    stack each cell as wide as it asks at the left."""
    if widths != "equal" and how == "stack":
        asked = [min(w, _asks(page, *row[0])) for row in rows]
        return [[(x if widths == "packed" else x + (w - cw) / 2, cw)] for cw in asked]
    room = w - gap * (n - 1)
    shares = [max((_span(row[i]) for row in rows if i < len(row)), default=1) for i in range(n)]
    if widths == "equal" and set(shares) != {1}:   # a container's span: its column's share, in columns
        cols = [room * s / sum(shares) for s in shares]
        lefts = [x + sum(cols[:i]) + gap * i for i in range(n)]
    elif widths == "equal":
        cols = [room / n] * n
        lefts = [x + i * (cols[0] + gap) for i in range(n)]
    else:
        asks = [max((_asks(page, *row[i]) for row in rows if i < len(row)), default=0.0) for i in range(n)]
        total = sum(asks)
        packed = widths == "packed" and total <= room
        cols = asks if packed else [room * a / total for a in asks] if total else [room / n] * n
        lefts = [x + sum(cols[:i]) + gap * i for i in range(n)]
    return [list(zip(lefts, cols))[:len(row)] for row in rows]


def _title_size(b: Bound, style) -> float:
    """A plain or standing title's size: the title size; print:fine a label's (a box's small heading),
    print:large a size up (a section's heading)."""
    said = _setting(b, "print")
    if said == "large":
        return style.larger("title")
    return style.size("label" if said == "fine" else "title")


def _title_look(b: Bound, style, accent: str) -> tuple[float, str]:
    """A plain or standing title's size and colour: in the accent; ink:text the page's text colour."""
    return _title_size(b, style), style.palette.text if _setting(b, "ink") == "text" else accent


def _head(b: Bound, tw: float, style, accent: str, title: bool = True) -> tuple[list[Shape], float]:
    """The panel's tag pill, title (unless its bar, or the page above it, holds it) and caption,
    drawn from y=0 in a column `tw` wide, from its left or centred in it (`align`)."""
    shapes: list[Shape] = []
    centred = _setting(b, "align") == "center"
    anchor = "middle" if centred else "start"
    cy = 0.0
    tag = b.text("tag")
    if tag and tag.text:
        pill, h = cards.tag_pill(tag, accent, style)
        if centred:
            pill_w = max(s.w for s in pill if isinstance(s, Rect))
            pill = [shift(s, (tw - pill_w) / 2, 0) for s in pill]
        shapes.extend(pill)
        cy += h
    size, ink = _title_look(b, style, accent)
    title_h = text_block(shapes, 0, cy, tw, b.text("title") if title else None, size, ink,
                         style, bold=True, anchor=anchor, max_lines=TITLE_LINES, role="panel-title")
    cy += title_h
    caption = b.text("caption")
    if caption and caption.text:
        cy += (cards.BLOCK_GAP if title_h else 0.0) + text_block(
            shapes, 0, cy + (cards.BLOCK_GAP if title_h else 0.0), tw, caption, style.size("body"),
            style.palette.text_muted, style, anchor=anchor, max_lines=CAPTION_LINES, role="panel-caption")
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


def _band(b: Bound, x: float, y: float, w: float, style, accent: str) -> tuple[list[Shape], float]:
    """head:band: the title centred on one line on a slim band of the accent across the panel's
    top, the band one title line and BAND_PAD tall; returns the shapes and the band's height."""
    size = style.size("title")
    h = round(style.line_height(size) + style.pad * BAND_PAD, 1)
    shapes: list[Shape] = [Rect(x, y, w, h, accent, rx=14 if style.frame == "card" else 3, role="panel-band")]
    title = b.text("title")
    if title and title.text:
        line, cut = one_line(title, w - 2 * style.pad, size, True)
        shapes.append(Text(x + w / 2, y + h / 2 + size * 0.36, line, size, ink_on(accent), True, "middle",
                           placeholder=title.missing, role="panel-title", cut=cut))
    return shapes, h


def _bleeds(b: Bound, x: float, w: float, style) -> bool:
    """Whether the panel is drawn as a band across the page: [bleed:full] on a panel that stands
    in the page's whole column (in a row or a narrower cell it stays a box, off its neighbours)."""
    return _setting(b, "bleed") == "full" and abs(x - style.inset) < 0.5 and abs(w - style.content_width) < 0.5


def _band_frame(out: list[Shape], b: Bound, y: float, h: float, style, fill: str) -> None:
    """A bleeding panel's frame: its fill from the page's left edge to its right, square, with
    hairlines along its top and bottom unless its outline is none (bold ones in its accent)."""
    out.append(Rect(0.0, y, style.width, h, fill, role="panel", node=b.comp.topo_id("node_id")))
    outline = _setting(b, "outline")
    if outline != "none":
        colour = style.accent(b.comp.attr("accent"), b.order) if outline in IN_ACCENT else style.palette.stroke
        for edge in (y, y + h):
            out.append(Line(((0.0, edge), (style.width, edge)), colour, BOLD if outline == "bold" else 1.0,
                            role="panel"))


def _label(b: Bound, x: float, y: float, w: float, style, accent: str) -> tuple[list[Shape], float]:
    """head:above: the title on the page over the box, a label standing on it, from the box's
    left edge or centred over it (`align`); returns the shapes and the height the box starts
    lower by."""
    shapes: list[Shape] = []
    size, ink = _title_look(b, style, accent)
    anchor = "middle" if _setting(b, "align") == "center" else "start"
    h = text_block(shapes, x, y, w, b.text("title"), size, ink, style, bold=True, anchor=anchor,
                   max_lines=TITLE_LINES, role="panel-title")
    return shapes, h + style.pad * LABEL_GAP if h else 0.0


def _panel(page, b: Bound, x: float, y: float, w: float, min_h: float, stretch: bool, lead: float) -> float:
    """A framed box: its head at the top, its children under it inside the padding."""
    style = page.style
    accent = style.accent(b.comp.attr("accent"), b.order)
    head_kind = _setting(b, "head")
    if head_kind == "above":
        label, drop = _label(b, x, y, w, style, accent)
        page.out.extend(label)
        return drop + _box(page, b, x, y + drop, w, max(0.0, min_h - drop), stretch, lead, head_kind)
    return _box(page, b, x, y, w, min_h, stretch, lead, head_kind)


def _box(page, b: Bound, x: float, y: float, w: float, min_h: float, stretch: bool, lead: float,
         head_kind: str) -> float:
    style = page.style
    accent = style.accent(b.comp.attr("accent"), b.order)
    fill = _setting(b, "fill")
    text_style = on_fill(style, accent, fill)
    bleed = _bleeds(b, x, w, style)
    tx, tw = (x, w) if bleed else inner(x, w, style)
    barred = head_kind in ("band", "bar")   # a band or a bar holds the title and is the panel's accent mark
    bar, bar_h = {"band": _band, "bar": _bar}[head_kind](b, x, y, w, style, accent) if barred else ([], 0.0)
    head, head_h = _head(b, tw, text_style, text_style.accent(b.comp.attr("accent"), b.order),
                         title=not barred and head_kind != "above")
    railed = style.emphasis == "top" and style.rail != "none" and not barred
    top = y + bar_h + style.pad + (4 if railed else 0)
    body_top = top + head_h + (style.pad * 0.6 if head_h and b.children else 0.0) + lead
    mark = len(page.out)
    # children of a strong fill are set in ink that reads on it, as its own head is
    body_h = arrange(page.restyled(inside(style, accent, fill)), b, tx, body_top, tw,
                     max(0.0, min_h - (body_top - y) - style.pad), stretch)
    h = max(body_top + body_h - y + style.pad, min_h)
    frame: list[Shape] = []
    if bleed:
        _band_frame(frame, b, y, h, style, fill_of(style, accent, fill))
    else:
        box(frame, x, y, w, h, style, accent, fill=fill_of(style, accent, fill), rail=not barred, role="panel",
            outline=_setting(b, "outline"), node=b.comp.topo_id("node_id"))
    page.out[mark:mark] = frame + bar + [shift(s, tx, top) for s in head]
    return h


def _draw(page, b: Bound, x: float, y: float, w: float, min_h: float, stretch: bool = False,
          lead: float = 0.0) -> float:
    """The container; a `valign` said places its children, as one block at their own height, in
    the height it is given beyond them (else a stretched row shares it, as `arrange` says)."""
    said = b.comp.attr("valign")
    if said and min_h:
        slack = max(0.0, min_h - _body(page.scratch(), b, 0.0, 0.0, w, 0.0))
        lead = {"top": 0.0, "middle": slack / 2, "bottom": slack}[said]
        stretch = False
    return _body(page, b, x, y, w, min_h, stretch, lead)


def _body(page, b: Bound, x: float, y: float, w: float, min_h: float, stretch: bool = False,
          lead: float = 0.0) -> float:
    if b.name == "panel":
        return _panel(page, b, x, y, w, min_h, stretch, lead)
    return max(arrange(page, b, x, y + lead, w, max(0.0, min_h - lead), stretch) + lead, min_h)


def render(page, items: list[Bound], x: float, y: float, w: float, min_h: float = 0.0,
           lead: float = 0.0) -> float:
    """One container (items holds it alone) at (x, y), `w` wide and at least `min_h` tall (its
    children `lead` lower, in a stretched row); a `height:fill` one `style.grow` taller than its
    content (a fill container inside it takes no more), its rows stretched to that height, or to
    the height of the row it stands in."""
    b = items[0]
    if _setting(b, "height") != "fill":
        return _draw(page, b, x, y, w, min_h, lead=lead)
    style = page.style
    page.style = replaced(style, grow=0.0)
    try:
        natural = _draw(page.scratch(), b, 0.0, 0.0, w, 0.0)
        return _draw(page, b, x, y, w, max(min_h, natural + style.grow), stretch=True)
    finally:
        page.style = style
