"""Text runs: text_line and kv_row, a block of lines set one under the other.

Consecutive text_lines and kv_rows form one block (page.sections groups them as it groups cards),
drawn at page level in any family and inside containers alike. Rules:

- A line's style picks its face, size and colour (LINE_STYLES); `accent` colours result and
  accent lines, the page tone's walk when omitted.
- code is a terminal line: monospace, whitespace kept, never wrapped. Each run of text between
  two or more spaces is placed at its own column (its x is the width of the characters before it),
  so aligned columns stay aligned whatever a renderer does with spaces. A line too wide for the
  column is cut with "…" and reported as a text-overflow warning.
- A run of terminal lines (code, mono, muted, result) holding a code line is set on a well, an
  inset terminal panel padded on every side; a heading, body line or list item before it stands
  above it. well:none keeps a line off any well (a coloured command set on the page), and an
  accent said on a code or mono line colours it.
- bullet:dot sets a line as a list item: a dot in the line's accent, the text indented after it,
  the item set apart from the lines around it by three quarters of a line (BULLET_LEADING).
- pitch sets the room a line or row takes in its run (sm tight, lg apart; the container's gap
  parts sections, not the lines of a run), the text centred in it.
- print:fine sets a line or row a size down (body lines in the small size, a heading in the
  label size): notes and small print inside a box.
- kv_row: the label left, the value right-aligned on the same line, each on one line (cut and
  reported when it does not fit); mono sets the value in the monospace face, code both sides,
  keeping their whitespace.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from engine.compiler.draw import cut_warning, one_line, text_block, well_fill
from engine.compiler.geometry import Circle, Rect, Shape, Text
from engine.compiler.resolve import Bound, Slot
from engine.compiler.style import Style
from engine.compiler.text import ELLIPSIS, text_width

TAB = 4                 # columns a tab stands for in a code line
VALUE_SHARE = 0.6       # the most of a kv row's width its value takes
KV_GAP = 16.0           # px kept between a kv row's label and value
WELL_PAD = 0.6          # a code well's padding, in the style's card paddings
BULLET_R = 0.25         # a bullet dot's radius, in the line's font size
BULLET_INDENT = 1.25    # a bulleted line's text starts this many font sizes in
BULLET_LEADING = 1.75   # a list item's height, in its lines' height: items read apart
# pitch (wave 7): the room a line or row takes in its run, in its line height (md as before): sm
# sets a run tight, lg apart (the library's lists at 1.8 times their type size)
PITCH = {"sm": 0.85, "md": 1.0, "lg": 1.3}
_RUN = re.compile(r"\S+(?: \S+)*")   # text between runs of two or more spaces


@dataclass(frozen=True)
class LineStyle:
    size: str            # Style.size role
    colour: str          # text | muted | accent
    bold: bool = False
    mono: bool = False
    code: bool = False   # whitespace kept, never wrapped


LINE_STYLES = {
    "body": LineStyle("body", "text"),
    "code": LineStyle("body", "text", mono=True, code=True),
    "mono": LineStyle("body", "text", mono=True),
    "result": LineStyle("body", "accent"),
    "muted": LineStyle("body", "muted"),
    "accent": LineStyle("body", "accent", bold=True),
    "heading": LineStyle("title", "text", bold=True),
}
TERMINAL = {"code", "mono", "muted", "result"}   # styles a terminal's lines take
ANCHOR = {"left": "start", "center": "middle", "right": "end"}


def _colour(kind: str, b: Bound, style: Style) -> str:
    p = style.palette
    return {"text": p.text, "muted": p.text_muted}.get(kind) or style.accent(b.comp.attr("accent"), b.order)


def _style_of(b: Bound) -> str:
    return b.comp.attr("style", "body")


FINE = {"body": "small", "title": "label"}   # print:fine, a size role down


def _size(role: str, b: Bound, style: Style) -> float:
    """The line's font size: its style's role, a size down under print:fine, up under print:large."""
    said = b.comp.attr("print")
    if said == "large":
        return style.larger(role)
    return style.size(FINE[role] if said == "fine" else role)


def code_cut(line: str, w: float, size: float, bold: bool = False) -> str:
    """`line` with as many characters kept as fit `w` with a trailing ellipsis (whitespace kept)."""
    keep = len(line)
    while keep and text_width(line[:keep] + ELLIPSIS, size, bold, True) > w:
        keep -= 1
    return line[:keep] + ELLIPSIS


def code_runs(out: list[Shape], x: float, baseline: float, w: float, slot: Slot, size: float,
              fill: str, *, bold: bool = False, anchor: str = "start", role: str = "code") -> float:
    """One code line at `baseline` in a column `w` wide, its runs at their columns (the last run
    carrying the warning when the line was cut); returns the width it took."""
    line = slot.text.replace("\n", " ").expandtabs(TAB).rstrip()
    cut = None
    if text_width(line, size, bold, True) > w:
        kept = code_cut(line, w, size, bold)
        note = f"cut at {len(kept) - len(ELLIPSIS)} of {len(line)} characters"
        cut = None if slot.missing else cut_warning(slot, note)
        line = kept
    width = text_width(line, size, bold, True)
    left = {"start": x, "middle": x + (w - width) / 2, "end": x + w - width}[anchor]
    runs = list(_RUN.finditer(line))
    for i, m in enumerate(runs):
        out.append(Text(left + text_width(line[:m.start()], size, bold, True), baseline, m.group(), size, fill,
                        bold, placeholder=slot.missing, role=role, font="mono",
                        cut=cut if i == len(runs) - 1 else None))
    return width


def _line(out: list[Shape], b: Bound, x: float, y: float, w: float, style: Style) -> float:
    """One text_line at top `y`; returns its height."""
    ls = LINE_STYLES[_style_of(b)]
    slot = b.text("text") or Slot("")
    size = _size(ls.size, b, style)
    fill = _colour(ls.colour, b, style)
    if (ls.mono or _style_of(b) == "heading") and b.comp.attr("accent"):
        # a coloured terminal line or section heading: an accent said colours it
        fill = style.accent(b.comp.attr("accent"), b.order)
    anchor = ANCHOR[b.comp.attr("align", "left")]
    lh = style.line_height(size)
    air = _air(b, lh)
    y += air
    if b.comp.attr("bullet", "none") == "dot":
        # a list item: set apart by air above and below, the dot on its first line's x-height,
        # the text (every line of it) in the indent after the dot
        item = lh * (BULLET_LEADING - 1) / 2
        air, y = air + item, y + item
        out.append(Circle(x + size * BULLET_R, y + (lh - size) / 2 + size * 0.5, size * BULLET_R,
                          style.accent(b.comp.attr("accent"), b.order), role="bullet"))
        x, w = x + size * BULLET_INDENT, w - size * BULLET_INDENT
    if ls.code:
        fill = style.palette.accents["red"] if slot.missing else fill
        code_runs(out, x, y + (lh - size) / 2 + size * 0.8, w, slot, size, fill, bold=ls.bold,
                  anchor=anchor)
        return lh + 2 * air
    return (text_block(out, x, y, w, slot, size, fill, style, bold=ls.bold, anchor=anchor,
                       role="line", mono=ls.mono) or lh) + 2 * air


def _air(b: Bound, lh: float) -> float:
    """The room above (and below) a line of height `lh` that its pitch adds (negative: tighter)."""
    return lh * (PITCH[b.comp.attr("pitch", "md")] - 1) / 2


def _kv(out: list[Shape], b: Bound, x: float, y: float, w: float, style: Style) -> float:
    """One kv_row at top `y`: the label left, the value right; returns its height."""
    p = style.palette
    kind = _style_of(b)
    size = _size("body", b, style)
    lh = style.line_height(size)
    air = _air(b, lh)
    baseline = y + air + (lh - size) / 2 + size * 0.8
    red = p.accents["red"]
    value = b.text("value") or Slot("")
    label = b.text("label") or Slot("")
    value_fill = style.accent(b.comp.attr("accent"), b.order) if b.comp.attr("accent") else p.text
    value_fill = red if value.missing else value_fill
    mono = kind in ("mono", "code")
    if kind == "code":
        vw = code_runs(out, x + w * (1 - VALUE_SHARE), baseline, w * VALUE_SHARE, value, size, value_fill,
                       anchor="end", role="kv-value")
        code_runs(out, x, baseline, max(w - vw - KV_GAP, size), label, size,
                  red if label.missing else p.text_muted, role="kv-label")
        return lh + 2 * air
    text, cut = one_line(value, w * VALUE_SHARE, size, True, mono)
    vw = text_width(text, size, True, mono) if text else 0.0
    if text:
        out.append(Text(x + w, baseline, text, size, value_fill, True, "end", placeholder=value.missing,
                        role="kv-value", font="mono" if mono else "sans", cut=cut))
    if label.text:
        text, cut = one_line(label, max(w - vw - KV_GAP, size), size)
        out.append(Text(x, baseline, text, size, red if label.missing else p.text_muted,
                        placeholder=label.missing, role="kv-label", cut=cut))
    return lh + 2 * air


def segments(items: list[Bound]) -> list[tuple[bool, list[Bound]]]:
    """The block cut into runs set on a well or not: a well holds a run of terminal lines (code,
    mono, muted, result; a list item is none) with a code line among them."""
    runs: list[tuple[bool, list[Bound]]] = []
    for b in items:
        terminal = (b.name == "text_line" and _style_of(b) in TERMINAL
                    and b.comp.attr("bullet", "none") == "none" and b.comp.attr("well", "auto") == "auto")
        if runs and runs[-1][0] == terminal:
            runs[-1][1].append(b)
        else:
            runs.append((terminal, [b]))
    return [(terminal and any(LINE_STYLES[_style_of(b)].code for b in run), run) for terminal, run in runs]


def render(page, items: list[Bound], x: float, y: float, w: float) -> float:
    """A block of text_lines and kv_rows at (x, y) in a column `w` wide; returns its height."""
    style = page.style
    p = style.palette
    pad = style.pad * WELL_PAD
    cy = y
    runs = segments(items)
    for i, (well, run) in enumerate(runs):
        if i and (well or runs[i - 1][0]):
            cy += pad / 2   # a well stands clear of the lines around it
        inset = pad if well else 0.0
        body: list[Shape] = []
        top = cy
        cy += inset
        for b in run:
            draw = _line if b.name == "text_line" else _kv
            cy += draw(body, b, x + inset, cy, w - 2 * inset, style)
        cy += inset
        if well:
            page.out.append(Rect(x, top, w, cy - top, well_fill(style), p.stroke, 1, 8,
                                 role="code-well"))
        page.out.extend(body)
    return cy - y
