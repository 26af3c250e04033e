"""The chart section: a `chart` container drawn as a value chart, in any family.

A chart is a framed box (its title in its accent, caption, an optional legend) round a plot:

- orient column: categories side by side along a baseline, each a group of columns, one per
  series, standing against a value axis at the left (tick labels, gridlines across the plot);
- orient bar: categories one under another, their labels in a column at the left, each a group
  of bars, one per series, running against a value axis under the plot.

Every number comes from content: a category's `value_N` is series N's value, the chart's `max`
(when given) the top of the value axis, else the least round number (1, 2, 2.5 or 5 times a
power of ten, in about five steps) that covers the largest value. The axis starts at zero. A
value that is not a non-negative number draws no bar, and is a `bad-number` warning at its ref
(an error under --strict). Values are printed as content holds them (or a category's text_N in
their place), `values:end` above a column (after a bar), `values:inside` within its end and
`values:base` within its base (a bar's start) when it fits there (else as end); the
chart's `unit` titles the value axis (`units:axis`) or follows every printed value
(`units:values`). A printed value wider than its column shrinks to the small size's three
quarters, then is cut with a `text-overflow` warning.

Series N takes its own accent, else the walk of the accents from the chart's accent (else the
tone), so that series differ in a one-tone scene; a category's accent colours all its bars.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

from engine.compiler.draw import box, fill_of, inner, one_line, text_block
from engine.compiler.geometry import Line, Rect, Shape, Text, shift
from engine.compiler.resolve import Bound, Slot
from engine.compiler.sections.chrome import key_row
from engine.compiler.style import Style
from engine.compiler.text import text_width
from engine.compiler.themes import ink_on
from engine.diagnostics import Diagnostic, Severity
from engine.dsl.vocab import ACCENTS, COMPONENTS, MAX_SERIES

BAD_NUMBER = "bad-number"
PLOT_SHARE = 0.36           # a column plot's height, in the plot's width
PLOT_MIN, PLOT_MAX = 180.0, 420.0
STEPS = 5                   # about how many steps the value axis takes
NICE = (1.0, 2.0, 2.5, 5.0, 10.0)
GROUP_SHARE = 0.72          # of a category's slot, what its group of bars takes
BAR_GAP = 3.0               # px between the bars of one group
LABEL_SHARE = 0.3           # the most of the width a bar chart's label column takes
SHRINK = 0.75               # the least a printed value shrinks to, in small sizes
TICK_GAP = 8.0              # px between the axis and its tick labels


def _setting(b: Bound, key: str) -> str:
    return b.comp.attr(key) or COMPONENTS[b.name].defaults[key]


def _fmt(v: float) -> str:
    return str(int(v)) if float(v).is_integer() else f"{v:.6g}"


def scale(top: float) -> tuple[float, float]:
    """(axis max, step) for a largest value `top`: the least nice step covering it in STEPS."""
    if top <= 0:
        return 1.0, 1.0 / STEPS
    mag = 10 ** math.floor(math.log10(top / STEPS))
    step = next(m * mag for m in NICE if m * mag * STEPS >= top * (1 - 1e-9))
    return math.ceil(top / step - 1e-9) * step, step


@dataclass(frozen=True)
class _Bar:
    slot: Slot            # what is printed
    value: float | None   # None: no bar
    accent: str


def _number(slot: Slot | None, dropped: list[Diagnostic]) -> float | None:
    """`slot` read as a number, or None (and a bad-number warning) when it is not one a chart
    can draw; a placeholder is reported by its unresolved ref already."""
    if slot is None or slot.missing:
        return None
    try:
        v = float(slot.text.strip())
    except ValueError:
        v = None
    if v is not None and math.isfinite(v) and v >= 0:
        return v
    why = "is negative: a chart's value axis starts at zero" if v is not None and v < 0 else "is not a number"
    o = slot.origin
    line, col = (o.line, o.col) if o else (1, 1)
    dropped.append(Diagnostic(line, col, BAD_NUMBER, f"{o or 'a value'}: '{slot.text}' {why}; no bar is drawn",
                              Severity.WARNING))
    return None


def _series_accents(chart: Bound, series: list[Bound], n: int, style: Style) -> list[str]:
    own = chart.comp.attr("accent") or (style.tone if style.tone in ACCENTS else ACCENTS[0])
    start = ACCENTS.index(own)
    named = [s.comp.attr("accent") for s in series] + [None] * (n - len(series))
    return [style.palette.accents[a or ACCENTS[(start + j) % len(ACCENTS)]] for j, a in enumerate(named[:n])]


def _bars(chart: Bound, cats: list[Bound], series: list[Bound], style: Style,
          dropped: list[Diagnostic]) -> list[list[_Bar | None]]:
    """Per category, one bar per series (None where the category gives no value)."""
    fields = [f"value_{k}" for k in range(1, MAX_SERIES + 1)]
    n = max([len(series), 1] + [i + 1 for c in cats for i, f in enumerate(fields) if c.text(f)])
    accents = _series_accents(chart, series, n, style)
    unit = chart.text("unit")
    suffix = f" {unit.text}" if unit and unit.text and _setting(chart, "units") == "values" else ""
    rows = []
    for c in cats:
        own = c.comp.attr("accent")
        row: list[_Bar | None] = []
        for j in range(n):
            slot = c.text(fields[j])
            if slot is None:
                row.append(None)
                continue
            value = _number(slot, dropped)
            said = c.text(f"text_{j + 1}")
            printed = said or Slot(slot.text + suffix, slot.missing or value is None, slot.origin)
            row.append(_Bar(printed, value, style.palette.accents[own] if own else accents[j]))
        rows.append(row)
    return rows


def _axis_max(chart: Bound, rows: list[list[_Bar | None]], dropped: list[Diagnostic]) -> tuple[float, float]:
    top = max((b.value for row in rows for b in row if b and b.value is not None), default=0.0)
    said = _number(chart.text("max"), dropped)
    if said is not None and said >= top and said > 0:
        return said, scale(said)[1]
    if said is not None:
        o = chart.text("max").origin
        dropped.append(Diagnostic(o.line if o else 1, o.col if o else 1, BAD_NUMBER,
                                  f"{o or 'max'}: {_fmt(said)} is below the largest value {_fmt(top)} "
                                  "(or zero); the axis takes its own top", Severity.WARNING))
    return scale(top)


def _value_text(out: list[Shape], bar: _Bar, x: float, baseline: float, room: float, style: Style,
                anchor: str, colour: str) -> None:
    """A printed value on one line in `room`, shrunk toward SHRINK small sizes, then cut."""
    size = style.size("small")
    least = round(size * SHRINK, 1)
    while size > least and text_width(bar.slot.text, size, True) > room:
        size = round(max(least, size - 0.5), 1)
    text, cut = one_line(bar.slot, room, size, True)
    fill = style.palette.accents["red"] if bar.slot.missing else colour
    out.append(Text(x, baseline, text, size, fill, True, anchor, placeholder=bar.slot.missing, role="chart-value",
                    cut=cut))


def _legend(out: list[Shape], series: list[Bound], accents: list[str], x: float, y: float, w: float,
            style: Style) -> float:
    size = style.size("small")
    keys = [(s.text("label") or Slot(""), accent) for s, accent in zip(series, accents)]
    return key_row(out, keys, x, y, w, max(size, w - 22), size, style.line_height(size) + 6, (12, 2, 6), style,
                   "chart-key")


def _column_plot(out: list[Shape], chart: Bound, cats: list[Bound], rows, top: float, step: float,
                 x: float, y: float, w: float, style: Style) -> float:
    """Columns against a value axis at the left, the plot's top at `y`; returns its height."""
    p = style.palette
    small = style.size("small")
    lh = style.line_height(small)
    ticks = [k * step for k in range(int(top / step + 1e-9) + 1)]
    ticked = _setting(chart, "axis") == "ticks"
    axis_w = max(text_width(_fmt(t), small) for t in ticks) + TICK_GAP if ticked else 0.0
    unit = chart.text("unit")
    unit_h = lh if ticked and unit and unit.text and _setting(chart, "units") == "axis" else 0.0
    if unit_h:
        text_block(out, x, y, w, unit, small, p.text_muted, style, max_lines=1, role="chart-unit")
    values = _setting(chart, "values")
    pt = y + unit_h + max(lh if values != "none" else 0.0, small * 0.6)
    px, pw = x + axis_w, w - axis_w
    ph = min(PLOT_MAX, max(PLOT_MIN, pw * PLOT_SHARE))
    pb = pt + ph
    for t in ticks:
        ty = pb - t / top * ph
        if _setting(chart, "grid") == "lines" and t > 0:
            out.append(Line(((px, ty), (px + pw, ty)), p.stroke, 1, opacity=0.6, role="chart-grid"))
        if ticked:
            out.append(Text(px - TICK_GAP, ty + small * 0.36, _fmt(t), small, p.text_muted, anchor="end",
                            role="chart-tick"))
    if ticked:
        out.append(Line(((px, pt), (px, pb)), p.text_muted, 1.2, role="chart-axis"))
    slot_w = pw / max(1, len(cats))
    n = len(rows[0]) if rows else 1
    group = slot_w * GROUP_SHARE
    bw = (group - BAR_GAP * (n - 1)) / n
    label_h = 0.0
    for i, (c, row) in enumerate(zip(cats, rows)):
        gx = px + i * slot_w + (slot_w - group) / 2
        for j, bar in enumerate(row):
            if bar is None:
                continue
            bx = gx + j * (bw + BAR_GAP)
            bh = bar.value / top * ph if bar.value is not None else 0.0
            if bar.value is not None:
                out.append(Rect(bx, pb - bh, bw, bh, bar.accent, rx=min(3.0, bw / 4), role="chart-bar"))
            if values == "none":
                continue
            inside = (values in ("inside", "base") and bh >= lh + 6
                      and text_width(bar.slot.text, small, True) <= bw - 6)
            if inside:
                baseline = pb - bh + 4 + small if values == "inside" else pb - 6
                _value_text(out, bar, bx + bw / 2, baseline, bw - 6, style, "middle", ink_on(bar.accent))
            else:
                _value_text(out, bar, bx + bw / 2, pb - bh - 5, bw + BAR_GAP - 2, style, "middle", p.text)
        label_h = max(label_h, text_block(out, px + i * slot_w + 2, pb + 8, slot_w - 4, c.text("label"), small,
                                          p.text, style, bold=True, anchor="middle", max_lines=2,
                                          role="chart-category"))
    out.append(Line(((px, pb), (px + pw, pb)), p.text_muted, 1.2, role="chart-axis"))
    return pb + 8 + label_h - y


def _track(rows, top: float, room: float, values: str, style: Style) -> float:
    """A bar chart's track length: `room`, less what the values printed after their bars need
    (at most a quarter of it), a value that fits within its bar needing none."""
    small = style.size("small")
    track = room
    for bar in (b for row in rows for b in row if b and values != "none"):
        tw = text_width(bar.slot.text, small, True)
        share = (bar.value or 0.0) / top
        if values in ("inside", "base") and tw <= share * room - 12:
            continue
        track = min(track, (room - 6 - tw) / share if share else room - 6 - tw)
    return max(track, room * 0.75)


def _bar_plot(out: list[Shape], chart: Bound, cats: list[Bound], rows, top: float, step: float,
              x: float, y: float, w: float, style: Style) -> float:
    """Bars from a label column at the left, against a value axis under the plot; returns its height."""
    p = style.palette
    small = style.size("small")
    lh = style.line_height(small)
    label = style.size("label")
    ticks = [k * step for k in range(int(top / step + 1e-9) + 1)]
    ticked = _setting(chart, "axis") == "ticks"
    values = _setting(chart, "values")
    widest = max((text_width(c.text("label").text, label, True) for c in cats if c.text("label")), default=0.0)
    lw = min(w * LABEL_SHARE, widest + 14)
    tick_half = text_width(_fmt(top), small) / 2 if ticked else 0.0
    px = x + lw
    pw = _track(rows, top, w - lw - tick_half, values, style)
    n = len(rows[0]) if rows else 1
    bt = lh + 6
    group = n * bt + (n - 1) * BAR_GAP
    gap = max(10.0, style.gap * 0.6)
    cy = y
    body: list[Shape] = []
    for c, row in zip(cats, rows):
        lh_label = text_block([], x, 0, lw - 10, c.text("label"), label, p.text, style, bold=True, max_lines=2)
        gh = max(group, lh_label)
        text_block(body, x, cy + (gh - lh_label) / 2, lw - 10, c.text("label"), label, p.text, style, bold=True,
                   max_lines=2, role="chart-category")
        by = cy + (gh - group) / 2
        for j, bar in enumerate(row):
            ty = by + j * (bt + BAR_GAP)
            if bar is None:
                continue
            length = bar.value / top * pw if bar.value is not None else 0.0
            if bar.value is not None:
                body.append(Rect(px, ty, length, bt, bar.accent, rx=min(3.0, bt / 4), role="chart-bar"))
            if values == "none":
                continue
            baseline = ty + bt / 2 + small * 0.36
            inside = values in ("inside", "base") and text_width(bar.slot.text, small, True) <= length - 12
            if inside:
                at, anchor = (px + length - 6, "end") if values == "inside" else (px + 6, "start")
                _value_text(body, bar, at, baseline, length - 12, style, anchor, ink_on(bar.accent))
            else:
                _value_text(body, bar, px + length + 6, baseline, max(small, x + w - px - length - 6), style,
                            "start", p.text)
        cy += gh + gap
    pb = cy - gap
    for t in ticks:
        tx = px + t / top * pw
        if _setting(chart, "grid") == "lines" and t > 0:
            out.append(Line(((tx, y - 4), (tx, pb + 4)), p.stroke, 1, opacity=0.6, role="chart-grid"))
        if ticked:
            out.append(Text(tx, pb + 8 + small, _fmt(t), small, p.text_muted, anchor="middle", role="chart-tick"))
    out.extend(body)
    out.append(Line(((px, y - 4), (px, pb + 4)), p.text_muted, 1.2, role="chart-axis"))
    h = pb - y + (8 + lh if ticked else 4)
    unit = chart.text("unit")
    if ticked and unit and unit.text and _setting(chart, "units") == "axis":
        h += text_block(out, px, y + h, pw, unit, small, p.text_muted, style, anchor="end", max_lines=1,
                        role="chart-unit")
    return h


def render(page, items: list[Bound], x: float, y: float, w: float) -> float:
    """The chart `items[0]` in the column (x, w) from top `y`; returns its height."""
    chart = items[0]
    if chart.name != "chart":   # a chart's part outside a chart (validation drops it) has no axis
        return 0.0
    style = page.style
    p = style.palette
    series = [c for c in chart.children if c.name == "series"]
    cats = [c for c in chart.children if c.name == "category"]
    rows = _bars(chart, cats, series, style, page.dropped)
    top, step = _axis_max(chart, rows, page.dropped)
    accent = style.accent(chart.comp.attr("accent"), chart.order)
    ix, iw = inner(x, w, style)
    body: list[Shape] = []
    cy = style.pad
    cy += text_block(body, ix, cy, iw, chart.text("title"), style.size("title"), accent, style, bold=True,
                     max_lines=2, role="chart-title")
    caption = chart.text("caption")
    if caption and caption.text:
        cy += 4 + text_block(body, ix, cy + 4, iw, caption, style.size("small"), p.text_muted, style,
                             max_lines=3, role="chart-caption")
    keyed = _setting(chart, "legend") != "none" and any(s.text("label") for s in series)
    accents = _series_accents(chart, series, len(series), style)
    if cy > style.pad:
        cy += style.gap * 0.6
    if keyed and _setting(chart, "legend") == "top":
        cy += _legend(body, series, accents, ix, cy, iw, style) + style.gap * 0.4
    plot = _column_plot if _setting(chart, "orient") == "column" else _bar_plot
    cy += plot(body, chart, cats, rows, top, step, ix, cy + 4, iw, style) + 4
    if keyed and _setting(chart, "legend") == "bottom":
        cy += style.gap * 0.5 + _legend(body, series, accents, ix, cy + style.gap * 0.5, iw, style)
    h = cy + style.pad
    outline = _setting(chart, "outline")
    box(page.out, x, y, w, h, style, accent, fill=fill_of(style, accent, _setting(chart, "fill")),
        outline=outline, rail=outline != "none", role="chart", node=chart.comp.topo_id("node_id"))
    page.out.extend(shift(s, 0, y) for s in body)
    return h
