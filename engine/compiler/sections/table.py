"""The table section: table_header and table_row components drawn as one framed table.

Columns are sized from their content: each column gets room for its longest word (never less
than a small minimum, never more than an equal share); when every cell fits on one line the slack
follows the line widths, and when not, the width is shared by the square root of the line widths,
a short column keeping its whole line (see `_grow`). Cells wrap inside their column and a row is
as tall as its tallest cell, so one long cell grows only its own row. Text columns align left and
quantity columns right, so their digits line up.

Ledger: an open table (`frame:none`, which is also how a table sits in a poster's panel: its rows
are bands with no box of their own) whose every line fits with LEDGER_GUTTER paddings either side
of it reads as a ledger, as the memory-reality poster draws its fit table: each column is as wide
as its widest line plus that gutter, packed from the left at an even rhythm, the last column (the
verdict a comparison ends on) takes the rest, and every cell is centred in its column.

Rows: a table_header draws a bold header row wherever it is written (a second header starts a
new group): on card frames a card of its own; otherwise a band tinted by the tone with an accent
rule under it where the scene's rail is accent, and a neutral band one step lighter than the
surface where the rail is muted or none. Body rows alternate two subtle fills, and `state` tints
a row (highlight: the row's accent, else the tone; success/warning/danger: green/amber/red) with
a coloured marker on its left edge; in an open table, whose rows are bands without a frame, the
state outlines the row's band in its colour instead. A highlight, or an explicit `accent`, also
colours the row's label (column 1) and, on a normal row, the marker. A row's `note` is a muted
line under its cells spanning the whole row, not a column: a note on one row then never narrows
every other row's cells.

A header's choices (wave 7) hold for the rows under it, up to the next header: `pitch` the rows'
padding (sm a compact table, lg an airy one), rows then kept at that pitch where an omitted pitch
lets them stretch into the page's spare height, `align` every cell's alignment (left, or center: the
library's centred comparison tables) in place of text-left, quantities-right, `rows` the body rows'
fills (plain: all on the surface, no zebra; tint: each a faint wash of its accent).
"""
from __future__ import annotations

import dataclasses
import functools
import math
import re
from dataclasses import dataclass

from engine.compiler.draw import box, fill_of, inner, on_fill, one_line, text_block
from engine.compiler.geometry import Line, Rect, Shape, Text
from engine.compiler.resolve import Bound, Slot
from engine.compiler.style import Style
from engine.compiler.text import text_width, wrap
from engine.compiler.themes import ink_on, mix
from engine.diagnostics import Diagnostic
from engine.dsl.vocab import MAX_COLUMNS

STATE_ACCENT = {"success": "green", "warning": "amber", "danger": "red"}
# How strongly a state tints its row; highlight is clearly stronger so that it stays distinct from
# a success/warning/danger row even when the tone is the same hue.
STATE_TINT = {"highlight": 0.30, "success": 0.16, "warning": 0.16, "danger": 0.16}
MAX_CELL_LINES = 6
MAX_NOTE_LINES = 3
MIN_TEXT_W = 40.0  # the narrowest text column, px, when the table is wide enough for it
MARKER_W = 4.0
LEDGER_GUTTER = 2.0  # an open ledger's space each side of a column's widest line, in paddings
EMPTY = Slot("\u2014")  # a cell the row does not fill shows a faint dash, not a hole
NOTE_MARK = "\u21b3 "
TAG_PAD = 11.0  # px each side of a tag pill's label
TAG_GAP = 8.0
TAG_LIGHTEN = 0.45  # px between a tag pill and the label under it
_COLUMN = re.compile(r"column_(\d+)\Z")
# Cells that read as quantities ("16.0 GiB", "~4x", "-3%") right-align so their digits line up.
_NUMERIC = re.compile(r"[~\u2248<>\u2264\u2265\u00b1+\-\u2212$\u20ac\u00a3]?\s?\.?\d")


PITCH = {"sm": 0.25, "md": 0.5, "lg": 0.9}   # a row's padding above and below its cells, in paddings
ROW_TINT = 0.10   # rows:tint, each body row's wash of its accent


@dataclass(frozen=True)
class RowSet:
    """The choices a header makes for the rows under it (its own row included)."""

    pitch: float = PITCH["md"]
    align: str = "auto"
    rows: str = "striped"
    stretch: bool = True   # the rows take a share of the height the table is given


def row_sets(items: list[Bound]) -> list[RowSet]:
    """Each item's row set: the choices of the header written last before it (the defaults before
    any header)."""
    out, rowset = [], RowSet()
    for b in items:
        if b.name == "table_header":
            c = b.comp
            pitch = c.attr("pitch")
            rowset = RowSet(PITCH[pitch or "md"], c.attr("align", "auto"), c.attr("rows", "striped"), pitch is None)
        out.append(rowset)
    return out


@dataclass(frozen=True)
class Columns:
    """Column geometry: left edges and widths of each cell, and which columns right-align."""

    xs: tuple[float, ...]
    ws: tuple[float, ...]
    numeric: tuple[bool, ...]
    pad: float  # horizontal padding inside each cell
    tag_w: float = 0.0  # the width every tag pill in column 1 shares (0: no row has a tag)
    centred: bool = False  # a ledger: every cell centred in its column


def column_count(items: list[Bound]) -> int:
    """The widest component decides: the highest column_N any header or row refers to (at least 1)."""
    n = 1
    for b in items:
        for ref in b.comp.refs:
            m = _COLUMN.match(ref.field)
            if m:
                n = max(n, int(m.group(1)))
    return min(n, MAX_COLUMNS)


def render(page, items: list[Bound], x: float, y: float, w: float, height: float | None = None,
           header_share: float | None = None) -> float:
    """Draw the table at (x, y), `w` wide; returns its height.

    `height`, when given and taller than the table needs, is the height to fill: the spare goes
    into the body rows (see `_stretch`), so a table that is the page's argument fills its page;
    `header_share` is the share of a body row's gain a header row takes (HEADER_STRETCH unless
    the family says otherwise, e.g. HEADER_STRETCH_OPEN under an open title).
    Frames: `card` draws every row as its own rounded card with a gap between (the rows read as
    records); `panel` and `none` draw one framed box of contiguous striped rows."""
    style = page.style
    n = column_count(items)
    cards = style.frame == "card"
    tx, tw = (x, w) if cards else inner(x, w, style)
    edge = 0.0 if cards else style.pad * 0.8
    top = y + edge + (5 if style.emphasis == "top" and style.rail != "none" and not cards else 0)
    cols = _columns(items, n, tx + (cols_inset(style) if cards else 0),
                    tw - (2 * cols_inset(style) if cards else 0), style)
    gap = row_gap(style)
    heads = row_sets(items)
    naturals = [_header_height(b, cols, style, g) if b.name == "table_header"
                else _body_height(b, cols, tw, style, g) for b, g in zip(items, heads)]
    natural = top - y + sum(naturals) + gap * max(0, len(items) - 1) + edge
    extras = _stretch(items, naturals, (height or 0.0) - natural,
                      HEADER_STRETCH if header_share is None else header_share, heads)
    body: list[Shape] = []
    cy, stripe = top, 0
    for i, (b, h, g) in enumerate(zip(items, naturals, heads)):
        if i:
            cy += gap
        if b.name == "table_header":
            _header_row(body, b, cols, tx, cy, tw, style, h + extras[i], g)
            stripe = 0
        else:
            if not cards and i and items[i - 1].name == "table_row":
                body.append(Line(((tx, cy), (tx + tw, cy)), style.palette.stroke, 1, opacity=0.8,
                                 role="table-rule"))
            _body_row(body, b, cols, tx, cy, tw, style, stripe, h + extras[i], g)
            stripe += 1
        cy += h + extras[i]
    h = cy - y + edge
    if not cards:
        box(page.out, x, y, w, h, style, style.accent(None, 0), role="table")
    page.out.extend(body)
    return h


def row_gap(style: Style) -> float:
    """Space between rows: card rows stand apart, panel rows touch."""
    return round(style.gap * 0.45, 1) if style.frame == "card" else 0.0


def cols_inset(style: Style) -> float:
    """Card rows carry their own frame; cells keep clear of its rounded edge."""
    return round(style.pad * 0.6, 1)


HEADER_STRETCH = 0.25  # a header row takes this share of what each body row gains
# Under a title set open on the page (no header band) the table's header row is the first band
# across the page: it stands nearly as tall as a record (the edge-case matrix's 70 px header row
# over 104 px rows), so it takes a body row's whole share.
HEADER_STRETCH_OPEN = 1.0
STRETCH_MAX = 1.5  # a stretched row grows by at most this share of its natural height


def _stretch(items: list[Bound], naturals: list[float], spare: float,
             header_share: float = HEADER_STRETCH, heads: list[RowSet] | None = None) -> list[float]:
    """Extra height per row: the spare shared by the rows, a header taking `header_share` of a
    body row's share, each capped at STRETCH_MAX of its own height so that a short table on a tall page does
    not balloon (what is left stays below the table); rows under a header that said its pitch
    keep it.
    >>> _stretch([], [], 10.0)
    []
    """
    heads = heads or [RowSet()] * len(items)
    weights = [(header_share if b.name == "table_header" else 1.0) * g.stretch for b, g in zip(items, heads)]
    if spare <= 0 or not any(w and b.name == "table_row" for b, w in zip(items, weights)):
        return [0.0] * len(items)
    share = spare / sum(weights)
    # rounded down, so that the rows never push the page past the canvas they fill
    return [math.floor(min(share * wt, h * STRETCH_MAX) * 10) / 10 for wt, h in zip(weights, naturals)]


# --- column widths -------------------------------------------------------------------------------

def _font(b: Bound, k: int, style: Style) -> tuple[float, bool]:
    """(size, bold) of cell k (0-based): headers and row labels are bold; a tagged row's label is
    not, its tag pill already marks the row."""
    if b.name == "table_header":
        return style.size("label"), True
    return style.size("body"), k == 0 and not b.text("tag")


def _cell_pad(style: Style, w: float, n: int) -> float:
    """Padding each side of a cell: from the density, but never more than a quarter of a column,
    so that a narrow table still leaves its text most of the room."""
    return min(max(10.0, round(style.pad * 0.6, 1)), w / n / 4)


@functools.lru_cache(maxsize=4096)
def _extent(text: str, size: float, bold: bool) -> tuple[float, float]:
    """(widest line, widest word) of `text` unwrapped; cached, since every keystroke re-measures."""
    return (max(text_width(p, size, bold) for p in text.split("\n")),
            max((text_width(t, size, bold) for t in text.split()), default=0.0))


def _columns(items: list[Bound], n: int, x: float, w: float, style: Style) -> Columns:
    pad = _cell_pad(style, w, n)
    room = w - 2 * pad * n
    share = room / n
    natural, word = [0.0] * n, [0.0] * n
    for b in items:
        for k in range(n):
            slot = b.text(f"column_{k + 1}")
            if not slot or not slot.text:
                continue
            line, longest = _extent(slot.text, *_font(b, k, style))
            natural[k] = max(natural[k], line)
            word[k] = max(word[k], longest)
    tag_w = _tag_width(items, style)
    word[0] = max(word[0], tag_w)  # column 1 holds the tag pills whole
    natural[0] = max(natural[0], tag_w)
    floor = min(MIN_TEXT_W, share)
    mins = [min(max(wd, floor), share) for wd in word]
    # an open table (frame none: its rows are bands on the page or in a poster's panel) reads as a
    # ledger when its lines fit with room to spare
    ledger = (_ledger(natural, room, max(0.0, LEDGER_GUTTER * style.pad - pad))
              if style.frame == "none" else None)
    widths = ledger or _grow(mins, natural, room, word)
    xs, cx = [], x
    for cw in widths:
        xs.append(cx)
        cx += cw + 2 * pad
    return Columns(tuple(xs), tuple(cw + 2 * pad for cw in widths), _numeric(items, n), pad, tag_w,
                   ledger is not None)


def _ledger(natural: list[float], room: float, gutter: float) -> list[float] | None:
    """Text widths of a ledger's columns (see module docstring): each column its widest line plus
    `gutter` px a side, packed from the left, the last column taking what is left; None when the
    lines do not fit so (the table then sizes its columns as any other).
    >>> _ledger([60.0, 80.0, 40.0], 500.0, 20.0)
    [100.0, 120.0, 280.0]
    >>> _ledger([60.0, 80.0, 400.0], 500.0, 20.0) is None
    True
    """
    if len(natural) < 2:
        return None
    widths = [nat + 2 * gutter for nat in natural[:-1]]
    last = room - sum(widths)
    if last < natural[-1] + 2 * gutter:
        return None
    return [round(x, 1) for x in widths + [last]]


def _grow(mins: list[float], natural: list[float], room: float,
          words: list[float] | None = None) -> list[float]:
    """Widen `mins` to fill `room`.

    When every column's natural (one-line) width fits, the slack is shared in proportion to those
    widths. When it does not, the room is shared in proportion to the square root of each
    column's one-line width, as a designer spreads a table's columns: long prose columns get more
    room, a short column is not starved down to its bare line. No column gets less than its
    longest word (`words`, up to half the room; `mins` otherwise), nor less than its whole line
    when that line is no wider than an equal share, so a short label column never wraps because a
    long prose column is hungry, and a long path or command is not broken when the room allows.
    >>> _grow([50, 50], [79, 299], 758)
    [159.0, 599.0]
    >>> _grow([50, 50], [80, 300], 230)
    [80.9, 149.1]
    >>> [round(w) for w in _grow([60, 80, 120, 60], [250, 600, 460, 140], 1300)]
    [282, 427, 376, 215]
    """
    target = [max(m, nat) for m, nat in zip(mins, natural)]
    if sum(target) <= room:
        weight = [t + 1.0 for t in target]  # +1 keeps an all-empty table from dividing by zero
        return [t + (room - sum(target)) * wt / sum(weight) for t, wt in zip(target, weight)]
    share = room / len(mins)
    words = words or mins
    floors = [max(m, min(wd, room / 2), min(t, share)) for m, wd, t in zip(mins, words, target)]
    if sum(floors) >= room:  # not even the floors fit: scale them down, words first
        spare = room - sum(mins)
        extra = [f - m for f, m in zip(floors, mins)]
        return [m + (e * spare / sum(extra) if sum(extra) else 0.0) for m, e in zip(mins, extra)]
    weight = [t ** 0.5 + 1.0 for t in target]
    fixed: set[int] = set()
    while True:  # columns whose share falls under their floor take the floor; the rest re-share
        free = room - sum(floors[i] for i in fixed)
        total = sum(weight[i] for i in range(len(mins)) if i not in fixed)
        widths = [floors[i] if i in fixed else free * weight[i] / total for i in range(len(mins))]
        under = {i for i in range(len(mins)) if i not in fixed and widths[i] < floors[i]}
        if not under:
            return [round(w, 1) for w in widths]
        fixed |= under


def _numeric(items: list[Bound], n: int) -> tuple[bool, ...]:
    """Columns after the first whose every filled body cell reads as a quantity."""
    flags = []
    for k in range(n):
        texts = [s.text for b in items if b.name == "table_row"
                 for s in (b.text(f"column_{k + 1}"),) if s and s.text and not s.missing]
        flags.append(k > 0 and bool(texts) and all(_NUMERIC.match(t) and len(t) <= 24 for t in texts))
    return tuple(flags)


# --- rows ----------------------------------------------------------------------------------------

def _tag_room(b: Bound, cols: Columns, style: Style) -> float:
    """Height a row's tag pill takes above its label (0 without a tag)."""
    tag = _tag_size(b, cols, style)
    return tag[2] + TAG_GAP if tag else 0.0


def _cells_height(b: Bound, cols: Columns, style: Style) -> float:
    """Height of the row's tallest cell (column 1 counts its tag pill)."""
    lh = style.line_height(_font(b, 0, style)[0])
    h = lh
    for k, cw in enumerate(cols.ws):
        slot = b.text(f"column_{k + 1}")
        lines = 0
        if slot and slot.text:
            size, bold = _font(b, k, style)
            lines = len(wrap(slot.text, cw - 2 * cols.pad, size, bold, MAX_CELL_LINES))
        h = max(h, max(lines, 1) * lh + (_tag_room(b, cols, style) if k == 0 else 0.0))
    return h


def _cells(out: list[Shape], b: Bound, cols: Columns, y: float, h: float, style: Style,
           label: str | None, rowset: RowSet) -> None:
    """Each cell's text, vertically centred in a band `h` tall from `y`; column 1's tag pill
    stands above its text."""
    p = style.palette
    header = b.name == "table_header"
    for k, (cx, cw) in enumerate(zip(cols.xs, cols.ws)):
        slot = b.text(f"column_{k + 1}")
        fill = p.text if header or (k == 0 and not b.text("tag")) else p.text_muted
        if not slot or not slot.text:
            if header:
                continue
            slot, fill = EMPTY, p.text_faint
        elif k == 0 and label:
            fill = label
        size, bold = _font(b, k, style)
        tw = cw - 2 * cols.pad
        th = len(wrap(slot.text, tw, size, bold, MAX_CELL_LINES)) * style.line_height(size)
        top = y + (h - th) / 2
        if k == 0 and not header:
            tag = _tag_size(b, cols, style)
            if tag:
                top = y + (h - th - tag[2] - TAG_GAP) / 2
                _tag(out, b, tag, cx + cols.pad, top, style)
                top += tag[2] + TAG_GAP
        text_block(out, cx + cols.pad, top, tw, slot, size, fill, style, bold=bold,
                   anchor=_anchor(cols, k, rowset.align),
                   max_lines=MAX_CELL_LINES,
                   role="table-head" if header else "table-cell")


def _anchor(cols: Columns, k: int, align: str) -> str:
    """Cell k's text anchor: the header's `align`; auto centres a ledger's cells and sets
    quantities right, text left."""
    if align != "auto":
        return {"left": "start", "center": "middle"}[align]
    return "middle" if cols.centred else "end" if cols.numeric[k] else "start"


def _row_pad(style: Style, rowset: RowSet) -> float:
    return round(style.pad * rowset.pitch, 1)


def _header_height(b: Bound, cols: Columns, style: Style, rowset: RowSet) -> float:
    return _cells_height(b, cols, style) + 2 * (_row_pad(style, rowset) + 2)


def _header_row(out: list[Shape], b: Bound, cols: Columns, x: float, y: float, w: float,
                style: Style, h: float, rowset: RowSet) -> None:
    accent = style.accent(None, 0)
    said = b.comp.attr("fill")
    if said is not None:   # the header's own band, its words set to read on it
        colour = fill_of(style, accent, said)
        if colour == "none":
            out.append(Rect(x, y + h - 1, w, 1, style.palette.stroke, role="table-header-rule"))
        else:
            out.append(Rect(x, y, w, h, colour, rx=4, role="table-header"))
        style = on_fill(style, accent, said)
    elif style.frame == "card":  # a card of its own, one step lighter than the rows it heads
        out.append(Rect(x, y, w, h, style.tint(accent, 0.08), style.palette.stroke, 1.2, 10,
                        role="table-header"))
    elif style.rail == "accent":
        out.append(Rect(x, y, w, h, style.tint(accent, 0.26), rx=4, role="table-header"))
        out.append(Rect(x, y + h - 2, w, 2, accent, role="table-header-rule"))
    else:
        p = style.palette
        out.append(Rect(x, y, w, h, mix(p.surface, p.text, 0.1), rx=4, role="table-header"))
    cells_h = _cells_height(b, cols, style)
    _cells(out, b, cols, y + (h - cells_h) / 2, cells_h, style, None, rowset)


def _row_fill(b: Bound, stripe: int, style: Style, rows: str) -> str:
    """A body row's fill: its state's tint, else by its header's `rows`: one of two alternating
    surfaces (card rows, which stand apart anyway, all take the surface), the surface alone, or a
    faint wash of the row's accent."""
    state = b.comp.attr("state", "normal")
    if state == "highlight":
        return style.tint(style.accent(b.comp.attr("accent"), b.order), STATE_TINT[state])
    if state in STATE_ACCENT:
        return style.tint(style.palette.accents[STATE_ACCENT[state]], STATE_TINT[state])
    if rows == "tint":
        return style.tint(style.accent(b.comp.attr("accent"), b.order), ROW_TINT)
    p = style.palette
    plain = rows == "plain" or stripe % 2 == 0 or style.frame == "card"
    return p.surface if plain else mix(p.surface, p.text, 0.045)


def _own_colour(b: Bound, style: Style) -> str | None:
    """The row's own colour for its label: an explicit accent, else the tone on a highlight.
    A tagged row shows its accent on the tag instead."""
    if b.text("tag") and b.comp.attr("state") != "highlight":
        return None
    if b.comp.attr("accent") or b.comp.attr("state") == "highlight":
        return style.accent(b.comp.attr("accent"), b.order)
    return None


def _marker(b: Bound, style: Style) -> str | None:
    state = b.comp.attr("state", "normal")
    if state in STATE_ACCENT:
        return style.palette.accents[STATE_ACCENT[state]]
    return _own_colour(b, style)


def _note(b: Bound) -> Slot | None:
    note = b.text("note")
    return dataclasses.replace(note, text=NOTE_MARK + note.text) if note and note.text else None


def _note_height(b: Bound, w: float, cols: Columns, style: Style, rowset: RowSet) -> float:
    note = _note(b)
    if not note:
        return 0.0
    size = style.size("small")
    lines = len(wrap(note.text, w - 2 * cols.pad, size, False, MAX_NOTE_LINES))
    return lines * style.line_height(size) + _row_pad(style, rowset) * 0.5


def _tag_size(b: Bound, cols: Columns, style: Style) -> tuple[str, float, float, Diagnostic | None] | None:
    """A row's tag pill (label, width, height, and the warning if the label was cut), fitted to
    column 1, or None without a tag."""
    slot = b.text("tag")
    if not slot or not slot.text:
        return None
    size = style.size("small")
    room = cols.ws[0] - 2 * cols.pad
    label, cut = one_line(slot, max(room - 2 * TAG_PAD, size), size, True)
    return label, min(room, cols.tag_w), round(size + 11, 1), cut


def _tag_width(items: list[Bound], style: Style) -> float:
    """The pill width the column's tags share, so that they line up: the widest tag's."""
    size = style.size("small")
    return max((text_width(s.text, size, True) + 2 * TAG_PAD for b in items
                for s in (b.text("tag"),) if s and s.text), default=0.0)


def _body_height(b: Bound, cols: Columns, w: float, style: Style, rowset: RowSet) -> float:
    return (_cells_height(b, cols, style) + _note_height(b, w, cols, style, rowset)
            + 2 * _row_pad(style, rowset))


def _tag(out: list[Shape], b: Bound, tag: tuple[str, float, float, Diagnostic | None], x: float,
         y: float, style: Style) -> None:
    label, pw, ph, cut = tag
    slot = b.text("tag")
    accent = style.accent(b.comp.attr("accent"), b.order)
    fill = mix(accent, "#ffffff", TAG_LIGHTEN) if style.palette.dark else accent
    size = style.size("small")
    out.append(Rect(x, y, pw, ph, fill, rx=ph / 2, role="table-tag"))
    ink = style.palette.accents["red"] if slot.missing else ink_on(fill)
    out.append(Text(x + pw / 2, y + ph / 2 + size * 0.36, label, size, ink, True, "middle",
                    placeholder=slot.missing, role="table-tag", cut=cut))


def _body_row(out: list[Shape], b: Bound, cols: Columns, x: float, y: float, w: float,
              style: Style, stripe: int, h: float, rowset: RowSet) -> None:
    """One body row `h` tall at y: cells centred in what the note leaves them."""
    p = style.palette
    vpad = _row_pad(style, rowset)
    note_h = _note_height(b, w, cols, style, rowset)
    fill = _row_fill(b, stripe, style, rowset.rows)
    cells_h = _cells_height(b, cols, style)
    marker = _marker(b, style)
    if style.frame == "card":
        out.append(Rect(x, y, w, h, fill, p.stroke, 1.2, 10, role="table-row"))
    elif style.frame == "none" and b.comp.attr("state", "normal") != "normal":
        # an open table's rows are bands without a frame: a state outlines its band instead
        out.append(Rect(x, y, w, h, fill, marker, 2, 4, role="table-row"))
        marker = None
    else:
        out.append(Rect(x, y, w, h, fill, role="table-row"))
    if marker:
        inset = 6 if style.frame == "card" else 0  # clear of the card's rounded corners
        out.append(Rect(x, y + inset, MARKER_W, h - 2 * inset, marker, role="table-marker"))
    band = h - note_h - 2 * vpad
    top = y + vpad + (band - cells_h) / 2
    _cells(out, b, cols, top, cells_h, style, _own_colour(b, style), rowset)
    note = _note(b)
    if note:
        text_block(out, x + cols.pad, y + h - vpad - note_h + vpad * 0.5, w - 2 * cols.pad, note,
                   style.size("small"), p.text_muted, style, max_lines=MAX_NOTE_LINES, role="table-note")
