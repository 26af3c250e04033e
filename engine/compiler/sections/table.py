"""The table section: table_header and table_row components drawn as one framed table.

Columns are sized from their content, the way browsers lay out an auto table: each column first
gets room for its longest word (never less than a small minimum, never more than an equal share),
then the rest of the width goes first to columns whose one-line text is still wider than that
(see `_grow`). Cells wrap inside their column and a row is as tall as its tallest cell, so one
long cell grows only its own row.

Rows: a table_header draws a bold header row on a tinted fill wherever it is written (a second
header starts a new group); body rows alternate two subtle fills, and `state` tints a row
(highlight: the row's accent, else the tone; success/warning/danger: green/amber/red) with a
coloured marker on its left edge. A highlight, or an explicit `accent`, also colours the row's
label (column 1) and, on a normal row, the marker. A row's `note` is a muted line under its cells
spanning the whole row, not a column: a note on one row then never narrows every other row's
cells.
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from engine.compiler.draw import box, inner, text_block
from engine.compiler.geometry import Line, Rect, Shape
from engine.compiler.resolve import Bound, Slot
from engine.compiler.style import Style
from engine.compiler.text import text_width, wrap
from engine.compiler.themes import mix
from engine.dsl.vocab import MAX_COLUMNS

STATE_ACCENT = {"success": "green", "warning": "amber", "danger": "red"}
# How strongly a state tints its row; highlight is clearly stronger so that it stays distinct from
# a success/warning/danger row even when the tone is the same hue.
STATE_TINT = {"highlight": 0.30, "success": 0.16, "warning": 0.16, "danger": 0.16}
MAX_CELL_LINES = 6
MAX_NOTE_LINES = 3
MIN_TEXT_W = 40.0  # the narrowest text column, px, when the table is wide enough for it
MARKER_W = 4.0
EMPTY = Slot("\u2014")  # a cell the row does not fill shows a faint dash, not a hole
NOTE_MARK = "\u21b3 "
_COLUMN = re.compile(r"column_(\d+)\Z")
# Cells that read as quantities ("16.0 GiB", "~4x", "-3%") right-align so their digits line up.
_NUMERIC = re.compile(r"[~\u2248<>\u2264\u2265\u00b1+\-\u2212$\u20ac\u00a3]?\s?\.?\d")


@dataclass(frozen=True)
class Columns:
    """Column geometry: left edges and widths of each cell, and which columns right-align."""

    xs: tuple[float, ...]
    ws: tuple[float, ...]
    numeric: tuple[bool, ...]
    pad: float  # horizontal padding inside each cell


def column_count(items: list[Bound]) -> int:
    """The widest component decides: the highest column_N any header or row refers to (at least 1)."""
    n = 1
    for b in items:
        for ref in b.comp.refs:
            m = _COLUMN.match(ref.field)
            if m:
                n = max(n, int(m.group(1)))
    return min(n, MAX_COLUMNS)


def render(page, items: list[Bound], x: float, y: float, w: float) -> float:
    """Draw the table in a framed box at (x, y), `w` wide; returns its height."""
    style = page.style
    n = column_count(items)
    tx, tw = inner(x, w, style)
    top = y + style.pad * 0.8 + (5 if style.emphasis == "top" and style.rail != "none" else 0)
    cols = _columns(items, n, tx, tw, style)
    body: list[Shape] = []
    cy, stripe = top, 0
    for i, b in enumerate(items):
        if b.name == "table_header":
            cy += _header_row(body, b, cols, tx, cy, tw, style)
            stripe = 0
            continue
        if i and items[i - 1].name == "table_row":
            body.append(Line(((tx, cy), (tx + tw, cy)), style.palette.stroke, 1, opacity=0.8,
                             role="table-rule"))
        cy += _body_row(body, b, cols, tx, cy, tw, style, stripe)
        stripe += 1
    h = cy - y + style.pad * 0.8
    box(page.out, x, y, w, h, style, style.accent(None, 0), role="table")
    page.out.extend(body)
    return h


# --- column widths -------------------------------------------------------------------------------

def _font(b: Bound, k: int, style: Style) -> tuple[float, bool]:
    """(size, bold) of cell k (0-based): headers and row labels are bold."""
    if b.name == "table_header":
        return style.size("label"), True
    return style.size("body"), k == 0


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
    floor = min(MIN_TEXT_W, share)
    mins = [min(max(wd, floor), share) for wd in word]
    widths = _grow(mins, natural, room)
    xs, cx = [], x
    for cw in widths:
        xs.append(cx)
        cx += cw + 2 * pad
    return Columns(tuple(xs), tuple(cw + 2 * pad for cw in widths), _numeric(items, n), pad)


def _grow(mins: list[float], natural: list[float], room: float) -> list[float]:
    """Widen `mins` to fill `room`.

    When every column's natural (one-line) width fits, the slack is shared in proportion to those
    widths. When it does not, the widths are water-filled: narrow columns get their whole line and
    the wide ones share what is left equally, so a short label column never wraps because a long
    prose column is hungry.
    >>> _grow([50, 50], [79, 299], 758)
    [159.0, 599.0]
    >>> _grow([50, 50], [80, 300], 230)
    [80, 150.0]
    """
    target = [max(m, nat) for m, nat in zip(mins, natural)]
    if sum(target) <= room:
        weight = [t + 1.0 for t in target]  # +1 keeps an all-empty table from dividing by zero
        return [t + (room - sum(target)) * wt / sum(weight) for t, wt in zip(target, weight)]

    def filled(level: float) -> float:
        return sum(min(max(level, m), t) for m, t in zip(mins, target))

    points = sorted(set(mins + target))
    level, used = points[0], filled(points[0])
    for point in points[1:]:
        if used >= room:
            break
        at = filled(point)
        if at >= room:
            level += (room - used) * (point - level) / (at - used)
            break
        level, used = point, at
    return [min(max(level, m), t) for m, t in zip(mins, target)]


def _numeric(items: list[Bound], n: int) -> tuple[bool, ...]:
    """Columns after the first whose every filled body cell reads as a quantity."""
    flags = []
    for k in range(n):
        texts = [s.text for b in items if b.name == "table_row"
                 for s in (b.text(f"column_{k + 1}"),) if s and s.text and not s.missing]
        flags.append(k > 0 and bool(texts) and all(_NUMERIC.match(t) and len(t) <= 24 for t in texts))
    return tuple(flags)


# --- rows ----------------------------------------------------------------------------------------

def _cells_height(b: Bound, cols: Columns, style: Style) -> float:
    """Height of the row's tallest cell."""
    lines = 1
    for k, cw in enumerate(cols.ws):
        slot = b.text(f"column_{k + 1}")
        if slot and slot.text:
            size, bold = _font(b, k, style)
            lines = max(lines, len(wrap(slot.text, cw - 2 * cols.pad, size, bold, MAX_CELL_LINES)))
    return lines * style.line_height(_font(b, 0, style)[0])


def _cells(out: list[Shape], b: Bound, cols: Columns, y: float, h: float, style: Style,
           label: str | None) -> None:
    """Each cell's text, vertically centred in a band `h` tall from `y`."""
    p = style.palette
    header = b.name == "table_header"
    for k, (cx, cw) in enumerate(zip(cols.xs, cols.ws)):
        slot = b.text(f"column_{k + 1}")
        fill = p.text
        if not slot or not slot.text:
            if header:
                continue
            slot, fill = EMPTY, p.text_faint
        elif k == 0 and label:
            fill = label
        size, bold = _font(b, k, style)
        tw = cw - 2 * cols.pad
        th = len(wrap(slot.text, tw, size, bold, MAX_CELL_LINES)) * style.line_height(size)
        text_block(out, cx + cols.pad, y + (h - th) / 2, tw, slot, size, fill, style, bold=bold,
                   anchor="end" if cols.numeric[k] else "start", max_lines=MAX_CELL_LINES,
                   role="table-head" if header else "table-cell")


def _row_pad(style: Style) -> float:
    return round(style.pad * 0.5, 1)


def _header_row(out: list[Shape], b: Bound, cols: Columns, x: float, y: float, w: float,
                style: Style) -> float:
    accent = style.accent(None, 0)
    vpad = _row_pad(style) + 2
    cells_h = _cells_height(b, cols, style)
    h = cells_h + 2 * vpad
    out.append(Rect(x, y, w, h, style.tint(accent, 0.26), rx=4, role="table-header"))
    out.append(Rect(x, y + h - 2, w, 2, accent, role="table-header-rule"))
    _cells(out, b, cols, y + vpad, cells_h, style, None)
    return h


def _row_fill(b: Bound, stripe: int, style: Style) -> str:
    """A body row's fill: its state's tint, else one of two alternating surfaces."""
    state = b.comp.attr("state", "normal")
    if state == "highlight":
        return style.tint(style.accent(b.comp.attr("accent"), b.order), STATE_TINT[state])
    if state in STATE_ACCENT:
        return style.tint(style.palette.accents[STATE_ACCENT[state]], STATE_TINT[state])
    p = style.palette
    return p.surface if stripe % 2 == 0 else mix(p.surface, p.text, 0.045)


def _own_colour(b: Bound, style: Style) -> str | None:
    """The row's own colour for its label: an explicit accent, else the tone on a highlight."""
    if b.comp.attr("accent") or b.comp.attr("state") == "highlight":
        return style.accent(b.comp.attr("accent"), b.order)
    return None


def _marker(b: Bound, style: Style) -> str | None:
    state = b.comp.attr("state", "normal")
    if state in STATE_ACCENT:
        return style.palette.accents[STATE_ACCENT[state]]
    return _own_colour(b, style)


def _body_row(out: list[Shape], b: Bound, cols: Columns, x: float, y: float, w: float,
              style: Style, stripe: int) -> float:
    vpad = _row_pad(style)
    cells_h = _cells_height(b, cols, style)
    note = b.text("note")
    note_slot = Slot(NOTE_MARK + note.text, note.missing) if note and note.text else None
    note_size = style.size("small")
    note_w = w - 2 * cols.pad
    note_h = (len(wrap(note_slot.text, note_w, note_size, False, MAX_NOTE_LINES))
              * style.line_height(note_size) + vpad * 0.5) if note_slot else 0.0
    h = cells_h + note_h + 2 * vpad
    out.append(Rect(x, y, w, h, _row_fill(b, stripe, style), role="table-row"))
    marker = _marker(b, style)
    if marker:
        out.append(Rect(x, y, MARKER_W, h, marker, role="table-marker"))
    _cells(out, b, cols, y + vpad, cells_h, style, _own_colour(b, style))
    if note_slot:
        text_block(out, x + cols.pad, y + vpad + cells_h + vpad * 0.5, note_w, note_slot, note_size,
                   style.palette.text_muted, style, max_lines=MAX_NOTE_LINES, role="table-note")
    return h
