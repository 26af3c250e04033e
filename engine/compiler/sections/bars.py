"""The bars section: compare_bar components as a horizontal bar chart in a framed panel, and
span_bracket components bracketing runs of those bars on the chart's right.

Columns, left to right: labels (wrapped, caption under them), the bar track, and a bracket column
that exists only when the scene has a span_bracket. Scale rule, from the content's `magnitude`:

- bars with a magnitude are proportional to it (the largest magnitude fills the track; zero and
  negative magnitudes draw as a stub);
- when no bar has a magnitude, every bar is full length (the chart then compares by label and
  value only);
- a bar without a magnitude among bars that have one is drawn full length with a dashed outline
  and a faded fill, so it reads as "off the scale" rather than as the largest.

Span rule: a span_bracket spans the bars written before it (by `order`) since the previous
span_bracket; bars after the last bracket are unbracketed, and a bracket with no bars before it
becomes a marker with its label. A run whose bracket text is taller than its bars grows its rows.
A dashed rule, a row gap apart, sets each run off from the next, unless its bracket says
[rule:none] (the bars then keep one even pitch across the bracket's end).

Labelled tracks: a chart of a few bars (at most INLINE_MAX_BARS) that no scene gives a caption
and no span_bracket needs no label column, so, as a poster designer draws a headline comparison,
each track spans the whole chart, thick enough to carry its own words: the value inside the bar
at its start (after the bar when the bar is too short for it), the label at the track's far end,
and a bar's note centred under it in the bar's accent, as the comparison's verdict. Which mode a
chart takes is read off the scene (component kinds and which fields it binds), never the words.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from engine.compiler.draw import box, connector, cut_warning, inner, one_line, text_block
from engine.compiler.geometry import Circle, Gradient, Line, Rect, Shape, Text, shift
from engine.compiler.resolve import Bound, Slot
from engine.compiler.style import Style
from engine.compiler.text import text_width, wrap
from engine.compiler.themes import ink_on, mix
from engine.diagnostics import Diagnostic

STUB = 3.0  # px: the shortest bar drawn, so a zero still shows where its bar starts
NOTE_INDENT = 10.0  # px: notes clear the chart's axis line
INLINE_MAX_BARS = 3  # the most bars a chart draws as labelled tracks (see module docstring)
INLINE_BAR = 1.75  # a labelled track's thickness, in value sizes (the memory-poster's 60 px)

Run = tuple[list[Bound], Bound | None]  # the bars of one span, and the bracket that closes it


@dataclass(frozen=True)
class _Columns:
    label_x: float
    label_w: float
    track_x: float
    track_w: float
    bracket_x: float  # start of the bracket column (meaningless when bracket_w is 0)
    bracket_w: float


@dataclass(frozen=True)
class _Metrics:
    """Sizes every row shares, from the style's type scale."""

    label: float
    value: float
    small: float
    span: float  # a bracket's label: the big number of the comparison
    bar_h: float
    row_gap: float
    rx: float
    inline: bool = False  # labelled tracks (see module docstring)
    note_gap: float = 0.0  # between a labelled track and its note (the row gap before spreading)

    @classmethod
    def of(cls, style: Style, inline: bool = False) -> _Metrics:
        value = style.size("body")
        bar_h = round(value * 2.1, 1)
        if inline:  # the value is set large inside a thick bar
            value = round(style.size("value") * 0.7, 1)
            bar_h = round(style.size("value") * INLINE_BAR, 1)
        rx = min(8.0, bar_h / 2) if style.frame == "card" else 2.0  # rounded bars on card frames
        gap = max(12.0, style.gap * 0.7)
        return cls(style.size("body"), value, style.size("small"), style.size("value") * 0.72,
                   bar_h, gap, rx, inline, gap)


def _runs(items: list[Bound]) -> list[Run]:
    """Bars grouped by the bracket that follows them (SPEC.md: a bracket spans what precedes it)."""
    runs: list[Run] = []
    current: list[Bound] = []
    for b in sorted(items, key=lambda b: b.order):
        if b.name == "span_bracket":
            runs.append((current, b))
            current = []
        else:
            current.append(b)
    if current:
        runs.append((current, None))
    return runs


def labelled_tracks(items: list[Bound]) -> bool:
    """Whether the chart draws its bars as labelled tracks: a few bars, none of which the scene
    gives a caption, and no span_bracket (see module docstring)."""
    bars = [b for b in items if b.name == "compare_bar"]
    return (0 < len(bars) <= INLINE_MAX_BARS and len(bars) == len(items)
            and not any(r.field == "caption" for b in bars for r in b.comp.refs))


def _columns(x: float, w: float, style: Style, brackets: bool, inline: bool = False) -> _Columns:
    ix, iw = inner(x, w, style)
    if inline:  # no label column: the track spans the chart
        return _Columns(ix, 0.0, ix, iw, ix + iw, 0.0)
    gutter = max(16.0, style.gap * 0.8)
    label_w = min(300.0, max(150.0, iw * 0.24))
    bracket_w = min(280.0, max(170.0, iw * 0.2)) if brackets else 0.0
    track_x = ix + label_w + gutter
    track_w = iw - label_w - gutter - (bracket_w + gutter if brackets else 0.0)
    return _Columns(ix, label_w, track_x, track_w, track_x + track_w + gutter, bracket_w)


def _lengths(bars: list[Bound], track_w: float) -> dict[int, float | None]:
    """Bar length per compare_bar order; None marks a bar off the scale (see module docstring)."""
    top = max((b.magnitude for b in bars if b.magnitude is not None), default=None)
    out: dict[int, float | None] = {}
    for b in bars:
        if top is None:
            out[b.order] = track_w
        elif b.magnitude is None:
            out[b.order] = None
        else:
            share = max(0.0, b.magnitude) / top if top > 0 else 0.0
            out[b.order] = max(STUB, share * track_w)
    return out


def _value(out: list[Shape], b: Bound, bar_end: float, cols: _Columns, m: _Metrics, style: Style,
           accent: str, length: float) -> None:
    """The value at the bar's end: outside when it fits, else inside the bar, ellipsized if need be."""
    slot = b.text("value")
    if slot is None or not slot.text:
        return
    outside = cols.track_x + cols.track_w - bar_end - 10
    inside = length - 20
    place_outside = text_width(slot.text, m.value, True) <= outside or outside >= inside
    room = outside if place_outside else inside
    text, cut = one_line(slot, max(room, m.value), m.value, True)
    baseline = m.bar_h / 2 + m.value * 0.36
    if slot.missing:
        colour = style.palette.accents["red"]
    else:
        colour = style.palette.text if place_outside else ink_on(accent)
    x, anchor = (bar_end + 10, "start") if place_outside else (bar_end - 10, "end")
    out.append(Text(x, baseline, text, m.value, colour, True, anchor, placeholder=slot.missing,
                    role="value", cut=cut))


def _colour(b: Bound, style: Style) -> str:
    """A bar's colour: its accent, or with [fill:ink] the page's ink, flat (a whole the other bars
    are shares of, as a budget's window)."""
    return style.palette.text if b.comp.attr("fill") == "ink" else style.accent(b.comp.attr("accent"), b.order)


def _row(out: list[Shape], gradients: list[Gradient], b: Bound, cols: _Columns, m: _Metrics,
         style: Style, length: float | None, scaled: bool) -> float:
    """One bar row with its top at y=0; returns the row's height."""
    if m.inline:
        return _track_row(out, gradients, b, cols, m, style, length)
    p = style.palette
    accent = _colour(b, style)
    lh = style.line_height(m.label)
    # The label's first line sits level with the bar; captions and notes hang below.
    label_top = max(0.0, (m.bar_h - lh) / 2)
    left = label_top + text_block(out, cols.label_x, label_top, cols.label_w, b.text("label"), m.label,
                                  p.text, style, bold=True, max_lines=3, role="bar-label")
    caption = b.text("caption")
    if caption and caption.text:
        left += 4 + text_block(out, cols.label_x, left + 4, cols.label_w, caption, m.small,
                               p.text_muted, style, max_lines=3, role="bar-caption")
    out.append(Rect(cols.track_x, 0, cols.track_w, m.bar_h, style.tint(accent, 0.08), p.stroke, 1,
                    m.rx, role="bar-track"))
    if scaled:  # quarter ticks inside the track, so lengths can be read off against each other
        for k in range(1, 4):
            tx = cols.track_x + cols.track_w * k / 4
            out.append(Line(((tx, 3), (tx, m.bar_h - 3)), p.stroke, 1, role="scale"))
    name = f"bar{b.index}"
    off_scale = length is None
    start = accent if b.comp.attr("fill") == "ink" else mix(accent, p.surface, 0.45)
    gradients.append(Gradient(name, 0, 0, 1, 0, ((0, start, 1), (1, accent, 1))))
    bar_w = cols.track_w if off_scale else length
    out.append(Rect(cols.track_x, 0, bar_w, m.bar_h, f"url:{name}", accent if off_scale else None,
                    1.5 if off_scale else 0, m.rx, opacity=0.55 if off_scale else 1, dash=off_scale,
                    role="bar"))
    _value(out, b, cols.track_x + bar_w, cols, m, style, accent, bar_w)
    right = m.bar_h
    note = b.text("note")
    if note and note.text:
        right += 6 + text_block(out, cols.track_x + NOTE_INDENT, right + 6, cols.track_w - NOTE_INDENT,
                                note, m.small, p.text_muted, style, max_lines=2, role="bar-note")
    return max(left, right)


def _track_row(out: list[Shape], gradients: list[Gradient], b: Bound, cols: _Columns, m: _Metrics,
               style: Style, length: float | None) -> float:
    """One labelled track with its top at y=0 (see module docstring); returns the row's height."""
    p = style.palette
    accent = _colour(b, style)
    off_scale = length is None
    bar_w = cols.track_w if off_scale else length
    out.append(Rect(cols.track_x, 0, cols.track_w, m.bar_h, mix(p.surface, p.text, 0.08), None, 0,
                    m.rx, role="bar-track"))
    name = f"bar{b.index}"
    end = accent if b.comp.attr("fill") == "ink" else mix(accent, p.surface, 0.15)
    gradients.append(Gradient(name, 0, 0, 1, 1, ((0, accent, 1), (1, end, 1))))
    out.append(Rect(cols.track_x, 0, bar_w, m.bar_h, f"url:{name}", accent if off_scale else None,
                    1.5 if off_scale else 0, m.rx, opacity=0.55 if off_scale else 1, dash=off_scale,
                    role="bar"))
    baseline = m.bar_h / 2 + m.value * 0.36
    right = cols.track_x + cols.track_w - 16  # the label's end
    value_end = cols.track_x
    slot = b.text("value")
    if slot is not None and slot.text:
        inside = text_width(slot.text, m.value, True) <= bar_w - 24
        vx = cols.track_x + 12 if inside else cols.track_x + bar_w + 12
        room = max(m.value, right - vx - 24)
        text, cut = one_line(slot, room, m.value, True)
        colour = (p.accents["red"] if slot.missing else ink_on(accent) if inside else p.text)
        out.append(Text(vx, baseline, text, m.value, colour, True, "start", placeholder=slot.missing,
                        role="value", cut=cut))
        value_end = vx + text_width(text, m.value, True)
    label = b.text("label")
    if label is not None and label.text:
        room = max(m.label, right - value_end - 24)
        text, cut = one_line(label, room, m.label)
        on_bar = cols.track_x + bar_w > right - text_width(text, m.label) / 2
        colour = (p.accents["red"] if label.missing else ink_on(accent) if on_bar else p.text_muted)
        out.append(Text(right, m.bar_h / 2 + m.label * 0.36, text, m.label, colour, False, "end",
                        placeholder=label.missing, role="bar-label", cut=cut))
    h = m.bar_h
    note = b.text("note")
    if note and note.text:
        size = round(m.label * 1.2, 1)
        h += m.note_gap + text_block(out, cols.track_x, h + m.note_gap, cols.track_w, note, size, accent,
                                    style, bold=True, anchor="middle", max_lines=2, role="bar-note")
    return h


def _bracket_text(out: list[Shape], b: Bound, x: float, w: float, m: _Metrics, style: Style,
                  accent: str) -> float:
    """A bracket's label (large, accent) and caption (muted), top at y=0; returns the height."""
    h = text_block(out, x, 0, w, b.text("label"), m.span, accent, style,
                   bold=True, max_lines=2, role="span-label")
    caption = b.text("caption")
    if caption and caption.text:
        h += 4 + text_block(out, x, h + 4, w, caption, m.small, style.palette.text_muted,
                            style, max_lines=6, role="span-caption")
    return h


def _bracket(out: list[Shape], top: float, bottom: float, x: float, style: Style, accent: str) -> float:
    """The bracket glyph between `top` and `bottom` in the scene's connector style; returns the x
    its leader starts from."""
    mid = (top + bottom) / 2
    kind = style.connector
    if kind == "arrow":  # a dimension line: arrows out from the middle, ticks at both ends
        for end in (top, bottom):
            out.append(Line(((x + 8, mid), (x + 8, end)), accent, 2, arrow=True, role="span"))
            out.append(Line(((x, end), (x + 16, end)), accent, 2, role="span"))
        return x + 8
    if kind == "curve":  # a brace: two S-curves meeting at the middle
        for end in (top, bottom):
            out.append(Line(((x, end), (x + 14, mid)), accent, 2.4, curve=True, role="span"))
        return x + 14
    if kind == "line":  # a rule with end caps
        out.append(Line(((x + 8, top), (x + 8, bottom)), accent, 3, role="span"))
        for end in (top, bottom):
            out.append(Circle(x + 8, end, 4, accent, role="span"))
        return x + 8
    out.append(Line(((x, top), (x + 12, top), (x + 12, bottom), (x, bottom)), accent, 2.4, role="span"))
    return x + 12


def _run(out: list[Shape], gradients: list[Gradient], run: Run, y: float, cols: _Columns,
         m: _Metrics, style: Style, lengths: dict[int, float | None], scaled: bool) -> float:
    """One bracketed run of rows at top `y`; returns its height."""
    bars, bracket = run
    rows: list[tuple[list[Shape], float]] = []
    for b in bars:
        shapes: list[Shape] = []
        rows.append((shapes, _row(shapes, gradients, b, cols, m, style, lengths[b.order], scaled)))
    label: list[Shape] = []
    accent = style.accent(bracket.comp.attr("accent"), bracket.order) if bracket else ""
    text_x = cols.bracket_x + 34
    text_h = _bracket_text(label, bracket, text_x, cols.bracket_x + cols.bracket_w - text_x,
                           m, style, accent) if bracket else 0.0
    rows_h = sum(h for _, h in rows) + m.row_gap * max(0, len(rows) - 1)
    # Rows share any extra height the bracket's text needs, so the text stays beside its bars.
    extra = max(0.0, text_h - rows_h) / len(rows) if rows else 0.0
    cy, bar_top, bar_bottom = y, None, y
    for shapes, h in rows:
        top = cy + extra / 2
        out.extend(shift(s, 0, top) for s in shapes)
        bar_top = top if bar_top is None else bar_top
        bar_bottom = top + m.bar_h
        cy += h + extra + m.row_gap
    height = max(rows_h + extra * len(rows), text_h)
    if bracket is None:
        return height
    if rows:
        mid = (bar_top + bar_bottom) / 2
        lead = _bracket(out, bar_top, bar_bottom, cols.bracket_x, style, accent)
    else:
        mid = y + height / 2
        out.append(Circle(cols.bracket_x + 8, mid, 5, accent, role="span"))
        lead = cols.bracket_x + 13
    # The label's first line faces the bracket's middle, so the leader runs level unless the text
    # had to be kept inside its run.
    first_line = style.line_height(m.span) / 2
    text_top = min(max(y, mid - first_line), y + height - text_h)
    connector(out, (lead, mid), (text_x - 6, text_top + first_line), style, accent, width=1.6,
              role="span-leader")
    out.extend(shift(s, 0, text_top) for s in label)
    return height


SPREAD_MAX = 1.5  # a spread gap grows by at most this share of the row gap


def render(page, items: list[Bound], x: float, y: float, w: float, height: float | None = None) -> float:
    """Draw the chart panel at (x, y), `w` wide; returns its height.

    `height`, when given and taller than the chart needs, is the height to fill: the spare is
    spread evenly above the first row, between the rows and under the last (each space growing
    by at most SPREAD_MAX row gaps), so a chart that a poster panel grows keeps its bars evenly
    spaced rather than floating in a band of air; what is left stays under the chart."""
    if height is not None:
        natural = _chart(page.scratch(), items, x, y, w, 0.0)
        per_px = _chart(page.scratch(), items, x, y, w, 1.0) - natural  # spaces that spread
        if height > natural and per_px > 0:
            spread = min((height - natural) / per_px, _Metrics.of(page.style).row_gap * SPREAD_MAX)
            if _chart(page.scratch(), items, x, y, w, spread) <= height + 0.01:
                return _chart(page, items, x, y, w, spread)
    return _chart(page, items, x, y, w, 0.0)


def _chart(page, items: list[Bound], x: float, y: float, w: float, spread: float) -> float:
    """The chart with `spread` px added above, between and under its rows."""
    style = page.style
    runs = _runs(items)
    inline = labelled_tracks(items)
    cols = _columns(x, w, style, any(bracket for _, bracket in runs), inline)
    m = _Metrics.of(style, inline)
    m = dataclasses.replace(m, row_gap=m.row_gap + spread)
    bars = [b for bars, _ in runs for b in bars]
    lengths = _lengths(bars, cols.track_w)
    scaled = any(b.magnitude is not None for b in bars)
    body: list[Shape] = []
    top = y + style.pad + (6 if style.emphasis == "top" and style.rail != "none" else 0) + spread
    cy = top
    for i, run in enumerate(runs):
        # a faint rule where one bracketed run ends and the next begins, unless its bracket says
        # [rule:none]: then the next run follows at the rows' own pitch
        if i and runs[i - 1][1].comp.attr("rule") != "none":
            rule_y = cy + m.row_gap * 0.5
            body.append(Line(((cols.label_x, rule_y), (cols.track_x + cols.track_w, rule_y)),
                             style.palette.stroke, 1, dash=True, role="run-rule"))
            cy += m.row_gap
        cy += _run(body, page.gradients, run, cy, cols, m, style, lengths, scaled) + m.row_gap
    cy -= m.row_gap if runs else 0
    height = max(cy - y + style.pad + spread, 2 * style.pad + m.bar_h)
    frame: list[Shape] = []
    box(frame, x, y, w, height, style, style.accent(None, 0), role="chart")
    if scaled and not inline:  # the axis every scaled bar starts from
        frame.append(Line(((cols.track_x, top - 6), (cols.track_x, cy + 6)), style.palette.text_faint,
                          1.5, role="scale"))
    page.out.extend(frame)
    page.out.extend(body)
    return height


# --- column presentation ----------------------------------------------------------------------
#
# comparison_span_chart with `emphasis:center` stands the bars up as columns on a shared floor
# (the performance-balance reference): each bracketed run is one column whose bars stack top-down
# in written order, heights from `magnitude`; runs are split into a left and a right group with
# the page's centre left free for the cards that read the chart, and each run's bracket faces
# that centre. Bars written after the last bracket belong to no run: they are the floor every
# column stands on, drawn as one band across the chart. Without any bracket, every bar is its own
# column and there is no floor.

@dataclass(frozen=True)
class ColumnChart:
    """What the family needs after the chart is drawn: its height and the free centre slot."""

    height: float
    centre_x: float
    centre_w: float
    centre_top: float


TITLE_GAP = 1.6  # gaps between the column titles and the tallest column, clear of the columns
COLUMN_SHARE = 0.16  # a column's width, of the chart's
LANE_SHARE = 0.1  # the lane beside a column for its bracket and label, of the chart's width
CENTRE_SHARE = 0.3  # the least a centre slot takes of the chart's width
EDGE_SHARE = 0.055  # the space between the chart's sides and its outer columns, of its width
FLOOR_OVERHANG = 10.0  # px the floor reaches past the outer columns


def column_edge(w: float) -> float:
    """Space between the chart's sides and its outer columns."""
    return w * EDGE_SHARE


def column_runs(items: list[Bound]) -> tuple[list[Run], list[Bound]]:
    """(runs that become columns, bars that make the floor), per the rule above."""
    runs = _runs(items)
    if not any(bracket for _, bracket in runs):
        return [([b], None) for bars, _ in runs for b in bars], []
    floor = runs[-1][0] if runs[-1][1] is None else []
    return [r for r in runs if r[1] is not None and r[0]], floor


def _segment_heights(runs: list[Run], track_h: float, min_h: float) -> dict[int, float]:
    """Height per bar order: proportional to magnitude (a bar without one takes the mean of those
    that have one), the tallest run filling the track; a segment is never below `min_h`, and the
    scale shrinks so that the floored segments still leave every run inside the track.
    >>> from engine.dsl.model import Component
    >>> bars = [Bound(Component("compare_bar"), i, i, {}, m) for i, m in enumerate((3.0, 1.0))]
    >>> _segment_heights([(bars, None)], 100.0, 10.0)
    {0: 75.0, 1: 25.0}
    """
    known = [b.magnitude for bars, _ in runs for b in bars if b.magnitude is not None]
    fallback = sum(known) / len(known) if known else 1.0
    mags = {b.order: max(0.0, fallback if b.magnitude is None else b.magnitude)
            for bars, _ in runs for b in bars}
    top = max((sum(mags[b.order] for b in bars) for bars, _ in runs), default=0.0)
    unit = track_h / top if top > 0 else 0.0
    for _ in range(8):  # floored segments take room from the scaled ones: rescale until all fit
        worst = 0.0
        for bars, _ in runs:
            fixed = sum(min_h for b in bars if mags[b.order] * unit < min_h)
            scaled = sum(mags[b.order] for b in bars if mags[b.order] * unit >= min_h)
            if scaled and fixed + scaled * unit > track_h + 0.01:
                worst = max(worst, (fixed + scaled * unit - track_h) / (scaled * unit))
        if not worst:
            break
        unit *= max(0.0, 1 - worst)
    return {k: round(max(min_h, v * unit), 2) for k, v in mags.items()}


def _segment_text(out: list[Shape], b: Bound, x: float, y: float, w: float, h: float,
                  style: Style, accent: str, dropped: list[Diagnostic]) -> None:
    """Label, value and caption centred in the segment's upper part, the note at its foot; parts
    that do not fit are left out, caption first, then the note, then the value, each reported in
    `dropped`."""
    p = style.palette
    parts = [("label", style.size("label"), accent, True, "bar-label"),
             ("value", style.size("small"), mix(accent, p.text_muted, 0.35), False, "value"),
             ("caption", style.size("small") * 0.9, p.text_muted, False, "bar-caption")]
    note = b.text("note")
    note_h = style.line_height(style.size("small")) if note and note.text else 0.0
    pad = 8.0

    def block(keep):
        return sum(len(wrap(b.text(f).text, w, s, bold, 2)) * style.line_height(s)
                   for f, s, _, bold, _ in keep if b.text(f) and b.text(f).text)

    keep = parts
    while keep and block(keep) + note_h + 2 * pad > h:
        if len(keep) == 2 and note_h:  # the note goes before the value does
            note_h = 0.0
            continue
        keep = keep[:-1]
    if not keep and note_h and note_h + 2 * pad > h:
        note_h = 0.0
    gone = [f for f, *_ in parts[len(keep):]] + (["note"] if note and note.text and not note_h else [])
    for f in gone:  # a placeholder is reported by its unresolved ref already
        slot = b.text(f)
        if slot and slot.text and not slot.missing:
            dropped.append(cut_warning(slot, "left out: its segment is too short to hold it"))
    cy = y + pad + max(0.0, (h - 2 * pad - note_h - block(keep)) * 0.4)
    for f, size, fill, bold, role in keep:
        cy += text_block(out, x, cy, w, b.text(f), size, fill, style, bold=bold, anchor="middle",
                         max_lines=2, role=role)
    if note_h:
        text_block(out, x, y + h - pad - note_h, w, note, style.size("small"), accent, style,
                   bold=True, anchor="middle", max_lines=1, role="bar-note")


def _column_bracket(out: list[Shape], x: float, top: float, bottom: float, style: Style,
                    accent: str) -> None:
    """A run's bracket: a rule down its whole span with ticks at both ends (dashed for the
    bracket connector, solid otherwise)."""
    out.append(Line(((x, top), (x, bottom)), accent, 1.5, dash=style.connector == "bracket",
                    opacity=0.6, role="span"))
    for end in (top, bottom):
        out.append(Line(((x - 6, end), (x + 10, end)), accent, 1.5, role="span"))


def columns(page, items: list[Bound], x: float, y: float, w: float, h: float,
            titles: list[Bound] = (), centre: bool = True) -> ColumnChart:
    """Draw the column chart in the box (x, y, w, h), growing taller only when its segments
    cannot fit; `titles` (legend rows, one per column) stand above the columns. With `centre` the
    columns split into a left and a right group around a free centre slot (at least
    CENTRE_SHARE of the width), else they spread evenly across the width. Returns the chart's
    height and its centre slot."""
    style = page.style
    p = style.palette
    runs, floor = column_runs(items)
    k = max(1, len(runs))
    edge = column_edge(w)
    col_w = min(260.0, max(110.0, w * COLUMN_SHARE))
    lane = min(150.0, max(90.0, w * LANE_SHARE))  # beside each column: its bracket and label
    room = w - 2 * edge - (w * CENTRE_SHARE if centre else 0.0)
    if k * (col_w + lane) > room:  # many columns: narrow them and their lanes alike
        shrink = max(0.0, room) / (k * (col_w + lane))
        col_w, lane = col_w * shrink, lane * shrink
    left_n = (k + 1) // 2 if centre else k
    small = style.size("small")
    title_h = style.line_height(style.size("label")) + style.gap * TITLE_GAP if len(titles) == k else 0.0
    floor_h = (style.line_height(small) + 8) * len(floor)
    min_seg = style.line_height(small) + 10
    longest = max((len(bars) for bars, _ in runs), default=1)
    track_top = y + title_h
    track_h = max(4 * style.line_height(small), longest * min_seg, h - title_h - floor_h)
    floor_y = track_top + track_h
    heights = _segment_heights(runs, track_h, min_seg)
    step = col_w + lane
    if not centre and k > 1:  # spread: equal spaces between the columns, lanes on their right
        step = max(step, (w - 2 * edge - col_w - lane) / (k - 1))
    slots = []  # (column x, the side its bracket faces: +1 right, -1 left)
    for i in range(k):
        if i < left_n:
            slots.append((x + edge + i * step, 1))
        else:
            slots.append((x + w - edge - (k - i) * col_w - (k - i - 1) * lane, -1))
    out = page.out
    for i, (bars, bracket) in enumerate(runs):
        cx, side = slots[i]
        top = floor_y - sum(heights[b.order] for b in bars)
        cy = top
        for b in bars:
            sh = heights[b.order]
            accent = style.accent(b.comp.attr("accent"), b.order)
            name = f"col{b.index}"
            page.gradients.append(Gradient(name, 0, 0, 0, 1, ((0, accent, 0.35), (1, accent, 0.12))))
            out.append(Rect(cx, cy, col_w, sh, f"url:{name}", accent, 1.5, 4, role="bar"))
            _segment_text(out, b, cx + 8, cy, col_w - 16, sh, style, accent, page.dropped)
            cy += sh
        if title_h:
            t = titles[i]
            text_block(out, cx, y, col_w, t.text("label"), style.size("label"),
                       style.accent(t.comp.attr("tone"), t.order), style, bold=True,
                       anchor="middle", max_lines=1, role="legend")
        if bracket is None:
            continue
        accent = style.accent(bracket.comp.attr("accent"), bracket.order)
        rule_x = cx + col_w + 10 if side > 0 else cx - 10
        _column_bracket(out, rule_x, top, floor_y, style, accent)
        text_w = max(lane - 24.0, small)
        tx = rule_x + 12 if side > 0 else rule_x - 12 - text_w
        label: list[Shape] = []
        th = _bracket_text_centred(label, bracket, tx, text_w, style, accent)
        ty = max(track_top, min((top + floor_y) / 2 - th / 2, floor_y - th))
        out.extend(shift(s, 0, ty) for s in label)
    fy = floor_y
    fields = ("label", "value", "caption")
    for b in floor:
        fh = style.line_height(small) + 8
        out.append(Rect(x + edge - FLOOR_OVERHANG, fy, w - 2 * (edge - FLOOR_OVERHANG), fh, p.surface,
                        p.stroke, 1, 3, role="floor"))
        slots_ = [s for s in (b.text(f) for f in fields) if s and s.text]
        text = Slot(" \u2014 ".join(s.text for s in slots_), any(s.missing for s in slots_),
                    slots_[0].origin if slots_ else None)
        text_block(out, x + edge, fy + 4, w - 2 * edge, text, small, p.text_muted, style, bold=True,
                   anchor="middle", max_lines=1, role="floor-label")
        fy += fh
    lo = x + edge + left_n * (col_w + lane)
    hi = x + w - edge - (k - left_n) * (col_w + lane) if k > left_n else x + w - edge
    gap = style.gap * 0.5
    return ColumnChart(fy - y, lo + gap, max(0.0, hi - lo - 2 * gap), track_top)


def _bracket_text_centred(out: list[Shape], b: Bound, x: float, w: float, style: Style,
                          accent: str) -> float:
    """A column bracket's label (large) and caption, centred in the bracket's lane."""
    h = text_block(out, x, 0, w, b.text("label"), style.size("value") * 0.72, accent, style,
                   bold=True, anchor="middle", max_lines=2, role="span-label")
    caption = b.text("caption")
    if caption and caption.text:
        h += 2 + text_block(out, x, h + 2, w, caption, style.size("small") * 0.9, style.palette.text_muted,
                            style, anchor="middle", max_lines=4, role="span-caption")
    return h
