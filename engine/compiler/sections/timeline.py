"""Timelines: milestones on a horizontal time axis, and phases along it (the timeline_flow family,
and a timeline section in any family or container).

Every milestone of the section takes an equal slot of the axis, in written order, and stands at
its slot's centre: a dot on the axis, a stem to its card, the card (date, title, body) on the
`side` the scene gives it (above by default). What the scene says, the compiler draws:

- `state`: done is a filled dot; current a larger dot in a halo, its card outlined bold in its
  accent; planned a hollow dot, its card's outline dashed and the axis leading to it dashed (what
  has not happened yet is drawn open). A card's own `outline` / `fill` win over its state.
- `accent` colours the dot, the stem's end and the date; omitted, the tone walks.
- A `phase` spans the slots of the milestones its `from_ref` and `to_ref` name (either order):
  the axis under it takes its accent, and its label and caption sit in a band on its `side`
  (below by default), past the cards of that side. Phases of one side that share slots stack in
  rows. A phase whose ends are not milestones of its own timeline is not drawn.

Geometry is the compiler's: cards are their slot less the gap wide, all of one height (the
tallest card's content; text at the top), stems `STEM` long. Height to fill (`height`) goes to
the cards first (up to doubling them), then to the stems (up to tripling), and what is left
centres the timeline in its room.
"""
from __future__ import annotations

from dataclasses import dataclass

from engine.compiler.draw import anchor_of, box, fill_of, inner, on_fill, text_block
from engine.compiler.geometry import Circle, Line, Rect, Shape, shift
from engine.compiler.resolve import Bound
from engine.compiler.style import Style
from engine.compiler.themes import mix
from engine.dsl.vocab import COMPONENTS

DOT_R = 10.0        # a milestone's dot
CURRENT_R = 13.0    # the current milestone's dot, in a halo twice as wide
AXIS_W = 5.0
PHASE_AXIS_W = 8.0  # the axis under a phase, in the phase's accent
TIP, TIP_W = 12.0, 3.0  # the arrow connector's head at the axis's end: its run and its line width
STEM_W = 2.5
STEM = 48.0         # px between a card and the axis
STEM_GROWTH = 2.0   # a stem grows by at most this many times its length
CARD_GROWTH = 1.0   # a card grows by at most this share of its natural height
BLOCK_GAP = 6.0     # px between a card's date, title and body
DATE_LINES, TITLE_LINES, BODY_LINES = 2, 2, 8
PHASE_PAD = 10.0    # px inside a phase band, above and below its text
CAPTION_LINES = 2


def _setting(b: Bound, key: str) -> str:
    return b.comp.attr(key) or COMPONENTS[b.name].defaults[key]


@dataclass(frozen=True)
class Stop:
    """Where one milestone stands on the axis: its dot's x and its card's column (its slot)."""

    b: Bound
    cx: float
    left: float
    width: float


def _stops(milestones: list[Bound], x: float, w: float, gap: float) -> list[Stop]:
    n = len(milestones)
    step = w / n
    cw = max(step - gap, step * 0.8)
    return [Stop(b, x + step * (i + 0.5), x + step * (i + 0.5) - cw / 2, cw) for i, b in enumerate(milestones)]


def _card_text(b: Bound, tw: float, style: Style) -> tuple[list[Shape], float]:
    """The card's date (in its accent), title and body drawn from (0, 0) in a column `tw` wide, in
    the card's text `style` (_card_style); and their height."""
    p = style.palette
    accent = style.accent(b.comp.attr("accent"), b.order)
    anchor = anchor_of(style)
    shapes: list[Shape] = []
    cy = 0.0
    for field, size, fill, bold, mono, lines in (
            ("date", style.size("label"), accent, True, True, DATE_LINES),
            ("title", style.size("title"), p.text, True, False, TITLE_LINES),
            ("body", style.size("body"), p.text_muted, False, False, BODY_LINES)):
        slot = b.text(field)
        if slot is None or not slot.text:
            continue
        cy += BLOCK_GAP if cy else 0.0
        cy += text_block(shapes, 0, cy, tw, slot, size, fill, style, bold=bold, mono=mono, anchor=anchor,
                         max_lines=lines, role=f"milestone-{field}")
    return shapes, cy


def _top_pad(style: Style) -> float:
    return style.pad + (4 if style.emphasis == "top" and style.rail != "none" else 0)


def _card_style(b: Bound, style: Style) -> Style:
    """The style the card's text is set in: ink that reads on a strong fill."""
    accent = style.accent(b.comp.attr("accent"), b.order)
    return on_fill(style, accent, b.comp.attr("fill"))


def _card_height(s: Stop, style: Style) -> float:
    _, tw = inner(s.left, s.width, style)
    _, h = _card_text(s.b, tw, _card_style(s.b, style))
    return _top_pad(style) + h + style.pad


def _card(out: list[Shape], s: Stop, y: float, h: float, style: Style) -> None:
    b = s.b
    accent = style.accent(b.comp.attr("accent"), b.order)
    state = _setting(b, "state")
    outline = b.comp.attr("outline") or ("bold" if state == "current" else None)
    box(out, s.left, y, s.width, h, style, accent, fill=fill_of(style, accent, b.comp.attr("fill")),
        dash=state == "planned", role="milestone", outline=outline, node=b.comp.topo_id("node_id"))
    tx, tw = inner(s.left, s.width, style)
    shapes, _ = _card_text(b, tw, _card_style(b, style))
    out.extend(shift(t, tx, y + _top_pad(style)) for t in shapes)


def _dot(out: list[Shape], s: Stop, cy: float, style: Style) -> None:
    accent = style.accent(s.b.comp.attr("accent"), s.b.order)
    state = _setting(s.b, "state")
    if state == "current":
        out.append(Circle(s.cx, cy, CURRENT_R * 2, accent, opacity=0.25, role="milestone-halo"))
        out.append(Circle(s.cx, cy, CURRENT_R, accent, role="milestone-dot"))
    elif state == "planned":
        out.append(Circle(s.cx, cy, DOT_R, style.palette.background, accent, 3.0, role="milestone-dot"))
    else:
        out.append(Circle(s.cx, cy, DOT_R, accent, role="milestone-dot"))


Run = tuple[float, float, bool]   # an axis run: from x, to x, dashed


def _runs(stops: list[Stop], x0: float, x1: float) -> list[Run]:
    """The axis from x0 to x1 in runs: a run leading to a planned milestone is dashed (as is the
    run past a planned last one)."""
    xs = [x0] + [s.cx for s in stops] + [x1]
    dashed = [_setting(s.b, "state") == "planned" for s in stops]
    dashed.append(dashed[-1])
    runs: list[Run] = []
    for a, b, d in zip(xs, xs[1:], dashed):
        if runs and runs[-1][2] == d:
            runs[-1] = (runs[-1][0], b, d)
        else:
            runs.append((a, b, d))
    return runs


def _axis(out: list[Shape], runs: list[Run], lo: float, hi: float, cy: float, colour: str, width: float,
          role: str) -> None:
    """The runs clipped to [lo, hi]."""
    for a, b, d in runs:
        a, b = max(a, lo), min(b, hi)
        if b > a:
            out.append(Line(((a, cy), (b, cy)), colour, width, dash=d, role=role))


@dataclass(frozen=True)
class Span:
    b: Bound
    left: float
    right: float
    first: int
    last: int


def _spans(phases: list[Bound], stops: list[Stop], step: float) -> list[Span]:
    """The phases whose ends are milestones of this timeline, across their cards and a quarter of
    the space beside them (so that two phases in a row stay apart, inside the slots)."""
    at = {s.b.comp.topo_id("node_id"): i for i, s in enumerate(stops) if s.b.comp.topo_id("node_id")}
    out = []
    for b in phases:
        ends = [at.get(b.comp.topo_id(k)) for k in ("from_ref", "to_ref")]
        if None in ends:
            continue
        i, j = min(ends), max(ends)
        ext = (step - stops[i].width) / 4
        out.append(Span(b, stops[i].left - ext, stops[j].left + stops[j].width + ext, i, j))
    return out


def _rows(spans: list[Span]) -> list[list[Span]]:
    """Spans packed into rows in written order, each in the first row where it shares no slot."""
    rows: list[list[Span]] = []
    for sp in spans:
        row = next((r for r in rows if all(sp.first > o.last or sp.last < o.first for o in r)), None)
        if row is None:
            rows.append([sp])
        else:
            row.append(sp)
    return rows


def _phase_text(sp: Span, style: Style) -> tuple[list[Shape], float]:
    accent = style.accent(sp.b.comp.attr("accent"), sp.b.order)
    tw = sp.right - sp.left - 2 * style.pad
    shapes: list[Shape] = []
    h = text_block(shapes, 0, 0, tw, sp.b.text("label"), style.size("label"), accent, style, bold=True,
                   anchor="middle", max_lines=1, role="phase-label")
    caption = sp.b.text("caption")
    if caption and caption.text:
        h += (BLOCK_GAP / 2 if h else 0.0)
        h += text_block(shapes, 0, h, tw, caption, style.size("small"), style.palette.text_muted, style,
                        anchor="middle", max_lines=CAPTION_LINES, role="phase-caption")
    return shapes, h


def _band_height(rows: list[list[Span]], style: Style) -> float:
    """The height of a side's phase bands: each row as tall as its tallest band, a gap apart."""
    if not rows:
        return 0.0
    heights = [max(_phase_text(sp, style)[1] for sp in row) + 2 * PHASE_PAD for row in rows]
    return sum(heights) + style.gap * (len(rows) - 1)


def _bands(out: list[Shape], rows: list[list[Span]], y: float, style: Style) -> None:
    for row in rows:
        rh = max(_phase_text(sp, style)[1] for sp in row) + 2 * PHASE_PAD
        for sp in row:
            accent = style.accent(sp.b.comp.attr("accent"), sp.b.order)
            out.append(Rect(sp.left, y, sp.right - sp.left, rh, style.tint(accent, 0.22), accent, 1.5, 8,
                            role="phase"))
            shapes, h = _phase_text(sp, style)
            out.extend(shift(t, sp.left + style.pad, y + (rh - h) / 2) for t in shapes)
        y += rh + style.gap


def render(page, items: list[Bound], x: float, y: float, w: float, height: float | None = None) -> float:
    """The timeline at (x, y), `w` wide; returns its height (at least `height` when given)."""
    style = page.style
    milestones = [b for b in items if b.name == "milestone"]
    if not milestones:
        return 0.0
    gap = style.gap
    stops = _stops(milestones, x, w, gap)
    spans = _spans([b for b in items if b.name == "phase"], stops, w / len(milestones))
    phase_rows = {side: _rows([sp for sp in spans if _setting(sp.b, "side") == side]) for side in ("above", "below")}
    bands = {side: _band_height(rows, style) for side, rows in phase_rows.items()}
    sides = {side: [s for s in stops if _setting(s.b, "side") == side] for side in ("above", "below")}
    card_h = max(_card_height(s, style) for s in stops)
    halo = CURRENT_R * 2

    def reach(side: str, card: float, stem: float) -> float:
        """How far the timeline reaches from the axis on one side: stem and cards, else the halo;
        then the phase band."""
        near = stem + card if sides[side] else halo
        return near + (gap + bands[side] if bands[side] else 0.0)

    natural = reach("above", card_h, STEM) + reach("below", card_h, STEM)
    spare = max(0.0, (height or 0.0) - natural)
    carded = sum(1 for side in sides.values() if side) or 1
    grow_card = min(spare / carded, card_h * CARD_GROWTH)
    grow_stem = min((spare - grow_card * carded) / carded, STEM * STEM_GROWTH)
    card_h += grow_card
    stem = STEM + grow_stem
    lead = (spare - (grow_card + grow_stem) * carded) / 2
    top = y + lead
    axis_y = top + reach("above", card_h, stem)

    out: list[Shape] = []
    x0, x1 = stops[0].left, stops[-1].left + stops[-1].width
    arrow = style.connector == "arrow"
    end = x1 - TIP if arrow else x1
    runs = _runs(stops, x0, end)
    base = mix(style.palette.text_faint, style.palette.text_muted, 0.35)
    _axis(out, runs, x0, end, axis_y, base, AXIS_W, "axis")
    tip = base
    for sp in spans:
        accent = style.accent(sp.b.comp.attr("accent"), sp.b.order)
        _axis(out, runs, sp.left, sp.right, axis_y, accent, PHASE_AXIS_W, "phase-axis")
        tip = accent if sp.right >= end else tip
    if arrow:  # time runs on: the axis ends in a head
        out.append(Line(((end - 1, axis_y), (x1, axis_y)), tip, TIP_W, arrow=True, role="axis"))
    stem_colour = style.palette.text_muted
    for s in stops:
        above = _setting(s.b, "side") == "above"
        card_y = axis_y - stem - card_h if above else axis_y + stem
        edge = card_y + card_h if above else card_y
        out.append(Line(((s.cx, edge), (s.cx, axis_y)), stem_colour, STEM_W, opacity=0.8, role="stem"))
        _card(out, s, card_y, card_h, style)
    for s in stops:
        _dot(out, s, axis_y, style)
    if phase_rows["above"]:
        _bands(out, phase_rows["above"], top, style)
    if phase_rows["below"]:
        _bands(out, phase_rows["below"], axis_y + reach("below", card_h, stem) - bands["below"], style)
    page.out.extend(out)
    return natural + spare if height else natural
