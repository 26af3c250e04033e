"""The flow section: stage_card boxes as a pipeline lane, numbered and joined in written order.

Stages run left to right. When they do not fit one row at a readable width (MIN_BOX each) the
first row takes as many as fit and the lane snakes into a second row that runs back right to
left, starting under the first row's last stage, so the turn stays one short connector. The turn
runs round the end of the first row, in room kept beside it (TURN_ROOM), so the rows sit close; a
turn that carries a label goes straight down between the rows instead, its words beside it
reaching into that room. The free columns beside a short second row are offered to the family
(`room`, `render(beside=...)`), and a family with height to spare may `grow` the stage bodies.
A stage the scene marks `role:result` is the lane's outcome: its body is tinted by its accent
(RESULT_TINT), so it reads apart from the steps that lead to it; `valign` sets a stage's caption
at the top, middle or bottom of its body. flow_arrow components add words and edges:

- without refs, a flow_arrow labels the connector between the stages written before and after it;
- with from_ref/to_ref naming two stage node_ids, it joins those stages: a step to the next stage
  labels that connector; any other edge (a back-edge such as "retry", a skip-edge) is routed
  around the boxes through a band above, between or below the rows, each edge in its own lane so
  that no two runs of line share a track.

A stage's own choices (DSL v2): [number:none] leaves the number badge out of its head (named
steps), [number:ordinal] sets its number large over its title; [width:narrow] draws it half as
wide (a terminal step), the others sharing the room; [print:fine] sets its caption in small print;
[head:slim] sets its head as a slim strip round the title, the body taking the room. A flow_arrow
between two stages may say [length:long]: that connector is a long arrow (LONG_GAP), the boxes
narrowing to make the room.

Connectors follow the scene's connector style (line, arrow, bracket, curve); bracket and curve
offset the two ends of a connector so the elbow or the bend shows.
"""
from __future__ import annotations

import itertools
import math
from collections.abc import Callable
from dataclasses import dataclass

from engine.compiler.draw import (
    anchor_of,
    box,
    connector,
    fill_of,
    on_fill,
    one_line,
    text_block,
)
from engine.compiler.geometry import ANCHOR, Circle, Line, Rect, Shape, Text
from engine.compiler.resolve import Bound, Slot
from engine.compiler.style import Style
from engine.compiler.text import text_width, wrap
from engine.compiler.themes import ink_on
from engine.diagnostics import Diagnostic

MIN_BOX = 170.0      # narrowest readable stage; below it the lane wraps into a second row
MAX_BOX = 400.0      # wider boxes only stretch captions into long thin lines
BASE_GAP = 56.0      # room for a connector with its arrowhead
MAX_GAP = 110.0      # widest gap a connector label may ask for
STRETCH_GAP = 150.0  # when boxes hit MAX_BOX, connectors lengthen up to this, then the row centres
TURN_GAP = 64.0      # vertical room for the connector that turns down into the second row
TURN_ROOM = 0.6      # room beside the first row's end, in column pitches, for a turn round it
EDGE_CLEAR = 14.0    # from a box edge to the first routing lane
LANE_GAP = 10.0      # between routing lanes
PILL_MAX = 240.0     # widest label pill on a routed edge (longer labels get an ellipsis)
STAGE_ASPECT = 1.1   # height / width a stage box grows to when its family has height to spare
OFFSET = 12.0        # how far bracket and curve connectors shift their ends
RESULT_TINT = 0.24   # how strongly a lane's result (role:result) is tinted by its accent
NARROW = 0.5         # a [width:narrow] stage's width, in stage widths (a short terminal step)
ORDINAL = 1.3        # a [number:ordinal] stage's number ("01") over its title, in title sizes
ORDINAL_GAP = 0.5    # under an open ordinal head (no rule to clear), title to caption, in paddings
LONG_GAP = 120.0     # a [length:long] connector's gap: the long arrows of the IR sheets (7-9 % of the page)
SLIM = 0.5           # a [head:slim] stage's head padding, in the head's own: a strip hugging its title
CIRCLE_MIN = 0.55    # a [shape:circle] stage's least disc, in its width
CIRCLE_TEXT = 0.76   # the width of a disc's title column, in the disc's width (inside the rim)


@dataclass
class _Route:
    """An explicit edge routed around the boxes: its band ("above", "between" or "below" the
    rows), then, once placed, its end x's, its label pill and its lane within the band."""

    src: int
    dst: int
    label: Slot | None
    band: str
    ends: tuple[float, float] = (0.0, 0.0)
    text: str = ""
    cut: Diagnostic | None = None
    pill_w: float = 0.0
    mid: float = 0.0
    lane: int = 0


def _joined(slots: list[Slot]) -> Slot:
    """Several labels on one connector, one per line."""
    return Slot("\n".join(s.text for s in slots), any(s.missing for s in slots), slots[0].origin)


def _ids(stages: list[Bound]) -> dict[str, int]:
    ids: dict[str, int] = {}
    for i, s in enumerate(stages):
        nid = s.comp.topo_id("node_id")
        if nid is not None:
            ids.setdefault(nid, i)  # the first stage with an id keeps it
    return ids


def _gap(a: Bound, ids: dict[str, int], stages: list[Bound]) -> tuple[int | None, int | None, int]:
    """A flow_arrow's (source, target) stage indices (None where a ref names no stage) and the gap
    it stands in: its refs' when they name two stages, else its written place between stages."""
    src, dst = ids.get(a.comp.topo_id("from_ref")), ids.get(a.comp.topo_id("to_ref"))
    gap = src if src is not None and dst is not None else sum(s.order < a.order for s in stages) - 1
    return src, dst, min(max(gap, 0), max(len(stages) - 2, 0))


def _plan(stages: list[Bound], arrows: list[Bound]):
    """Sort flow_arrows into connector labels (by gap), routed edges and labels with no gap."""
    ids = _ids(stages)
    n = len(stages)
    gaps: dict[int, list[Slot]] = {}
    edges: list[tuple[int, int, Slot | None]] = []
    loose: list[Slot] = []
    for a in arrows:
        label = a.text("label")
        src, dst, gap = _gap(a, ids, stages)
        if src is not None and dst is not None and dst != src + 1:
            edges.append((src, dst, label))
            continue
        if label is None:
            continue
        if n < 2:
            loose.append(label)
            continue
        # refs that do not name stages fall back to written order, so the words still show
        gaps.setdefault(gap, []).append(label)
    return {g: _joined(v) for g, v in sorted(gaps.items())}, edges, loose


def _long(stages: list[Bound], arrows: list[Bound]) -> set[int]:
    """The gaps whose connector the scene says is long ([length:long] on a flow_arrow there)."""
    ids = _ids(stages)
    out = set()
    for a in arrows:
        src, dst, gap = _gap(a, ids, stages)
        if a.comp.attr("length") == "long" and len(stages) > 1 and (src is None or dst is None or dst == src + 1):
            out.add(gap)
    return out


def _label_want(slot: Slot, style: Style) -> float:
    """The gap that shows a connector label on one line, within BASE_GAP..MAX_GAP."""
    size = style.size("small")
    widest = max(text_width(line, size, True) for line in slot.text.split("\n"))
    return min(MAX_GAP, max(BASE_GAP, widest + 16))


# ---- stage boxes -------------------------------------------------------------------------------

def _lead(d: float) -> float:
    """Room the number badge (diameter `d`, 0 when the stage has none) takes before the title."""
    return d + 10 if d else 0.0


def _columns(x: float, w: float, d: float, style: Style) -> tuple[float, float, float, float, float]:
    """(title x, title width, caption x, caption width, left band width) inside a stage box: the
    title beside the badge (top), beside the band (left) or under the badge (center)."""
    pad = style.pad
    band = d + pad * 0.6 if style.emphasis == "left" else 0.0
    if style.emphasis == "top":
        tx, right = x + pad * 0.6 + _lead(d), pad * 0.6
    else:
        tx, right = x + band + pad * (0.6 if band else 1.0), pad
    bx = x + band + pad * (0.6 if band else 0.75)
    return tx, x + w - right - tx, bx, x + w - pad * 0.75 - bx, band


def _decorate(out: list[Shape], x: float, y: float, w: float, h: float, head_h: float, band: float,
              accent: str, style: Style, ordinal: bool = False) -> tuple[str, str, str]:
    """The head's colouring (strip, band or rule, by emphasis and rail); returns the title, badge
    and number colours that read on it. An ordinal head with no strip or band draws no rule: its
    number in the accent marks it, the title in ink under it."""
    p = style.palette
    strong = style.rail == "accent"
    fill = accent if strong else style.tint(accent, 0.24)
    rx = {"card": 14.0, "panel": 3.0}.get(style.frame, 0.0)  # the frame's corner, matched
    if style.emphasis in ("top", "center") and style.rail != "none":
        out.append(Rect(x, y, w, head_h, fill, rx=rx, role="stage-head"))
        if rx:  # square off the strip's lower corners
            out.append(Rect(x, y + head_h - rx, w, rx, fill, role="stage-head"))
        return (ink_on(accent), p.surface, accent) if strong else (p.text, accent, ink_on(accent))
    if style.emphasis == "left" and style.rail != "none":
        out.append(Rect(x, y, band, h, fill, rx=rx, role="stage-head"))
        if rx:  # square off the band's right corners
            out.append(Rect(x + band - rx, y, rx, h, fill, role="stage-head"))
        return (p.text, p.surface, accent) if strong else (p.text, accent, ink_on(accent))
    if ordinal:
        return p.text, accent, accent
    out.append(Line(((x + style.pad, y + head_h), (x + w - style.pad, y + head_h)), p.stroke, 1,
                    role="stage-rule"))
    return (accent if style.rail == "none" else p.text), accent, ink_on(accent)


def _stage(out: list[Shape], b: Bound, num: int, x: float, y: float, w: float, style: Style,
           head_min: float = 0.0, body_min: float = 0.0) -> tuple[float, float]:
    """One numbered stage box; returns its natural (head, body) heights.

    The head (number badge and bold title) takes the scene's emphasis: a strip across the top with
    the two at its left (top) or centred as one group over centred captions (center), a band down
    the left (left); rail says how strongly it is coloured, and with rail none there is no strip:
    a rule under the head, a centre head's badge standing over its title. An ordinal head
    ([number:ordinal]) sets the number large over the title; with no strip it starts a side margin
    under the box's top and, with no rule to clear, the caption follows ORDINAL_GAP under the title.
    Drawn at least `head_min` / `body_min` tall so every box in the lane lines up; a `role:result`
    stage (the lane's outcome) has its body tinted by its accent, and `valign` places the caption
    in the body's free height.
    """
    if b.comp.attr("shape") == "circle":
        return _round(out, b, num, x, y, w, style, head_min, body_min)
    pad = style.pad
    accent = style.accent(b.comp.attr("accent"), b.order)
    own = fill_of(style, accent, b.comp.attr("fill"))
    style = on_fill(style, accent, b.comp.attr("fill"))  # text set in ink that reads on a strong fill
    number = b.comp.attr("number", "badge")
    d = round(26 * style.scale, 1) if number == "badge" else 0.0  # badge diameter
    hp = pad * (SLIM if b.comp.attr("head") == "slim" else 1.0)  # the head's padding
    lead = _lead(d)
    ts = round(style.size("title") * 0.86, 1)
    cs = style.size("small" if b.comp.attr("print") == "fine" else "body")  # [print:fine]: small print
    os = round(ts * ORDINAL, 1)
    ol = style.line_height(os) if number == "ordinal" else 0.0  # the ordinal's line over the title
    tx, tw, bx, bw, band = _columns(x, w, d, style)
    anchor = "start" if band else anchor_of(style)
    title, caption = b.text("title"), b.text("caption")
    th = len(wrap(title.text, tw, ts, True, 3)) * style.line_height(ts) + ol if title and title.text else ol
    ch = len(wrap(caption.text, bw, cs, False, 6)) * style.line_height(cs) if caption and caption.text else 0.0
    open_head = bool(ol) and style.emphasis == "top" and style.rail == "none"
    if open_head:  # no strip: the ordinal a side margin under the box's top, the head ending at its title
        head = pad * 0.75 + th
        title_top, badge = y + pad * 0.75, (0.0, 0.0)
    elif style.emphasis == "top":  # badge and title centred in the strip
        head = max(d, th) + hp
        mid = y + max(head, head_min) / 2
        title_top, badge = mid - th / 2, (x + pad * 0.6 + d / 2, mid)
    elif style.emphasis == "center" and style.rail != "none":  # badge and title, one centred group
        lines = wrap(title.text, w - 2 * pad - lead, ts, True, 3) if title and title.text else ()
        th = len(lines) * style.line_height(ts) + ol
        tw = max((text_width(t, ts, True) for t in lines), default=text_width(f"{num:02d}", os, True) if ol else 0.0)
        group = lead + tw
        head = max(d, th) + hp
        mid = y + max(head, head_min) / 2
        left = x + (w - group) / 2
        title_top, badge, tx = mid - th / 2, (left + d / 2, mid), left + lead
        anchor = "start"
    elif style.emphasis == "left":
        head = max(d, th) + hp * 0.9
        title_top, badge = y + pad * 0.6, (x + band / 2, y + pad * 0.6 + d / 2)
    else:
        head = hp + lead + th
        title_top, badge = y + hp * 0.7 + lead, (x + w / 2, y + hp * 0.7 + d / 2)
    lead_in = pad * (ORDINAL_GAP if open_head else 0.6)  # from the head to the caption
    body = lead_in + pad * 0.8 + ch
    head_h, body_h = max(head, head_min), max(body, body_min)

    result = b.comp.attr("role") == "result"
    box(out, x, y, w, head_h + body_h, style, accent, stroke=accent if style.rail == "accent" else None,
        fill=own or (style.tint(accent, RESULT_TINT) if result else None), rail=False, role="stage",
        outline=b.comp.attr("outline"), node=b.comp.topo_id("node_id"))
    title_fill, badge_fill, number_fill = _decorate(out, x, y, w, head_h + body_h, head_h, band, accent, style,
                                                    ordinal=bool(ol))
    if title_fill == own:   # a title in the colour of its own box (an accent title on a solid one) reads in ink
        title_fill = ink_on(own)
    if d:  # [number:none] leaves the badge out: the title stands alone in the head
        out.append(Circle(badge[0], badge[1], d / 2, badge_fill, role="stage-badge"))
        ns = round(d * 0.52, 1)
        out.append(Text(badge[0], badge[1] + ns * 0.36, str(num), ns, number_fill, True, "middle",
                        role="stage-number"))
    if ol:  # [number:ordinal]: the stage's number large over its title, in the accent (in ink on a solid strip)
        solid_head = style.rail == "accent" and style.emphasis in ("top", "center")
        out.append(Text({"start": tx, "middle": tx + (tw + 1) / 2}[anchor],
                        title_top + (ol - os) / 2 + os * 0.8, f"{num:02d}", os,
                        title_fill if solid_head else accent, True, anchor, role="stage-number"))
    text_block(out, tx, title_top + ol, tw + 1, title, ts, title_fill, style, bold=True, anchor=anchor,
               max_lines=3, role="stage-title")
    free = body_h - body  # the body's height beyond what its caption needs
    drop = {"top": 0.0, "middle": free / 2, "bottom": free}[b.comp.attr("valign", "top")]
    text_block(out, bx, y + head_h + lead_in + drop, bw, caption, cs, style.palette.text_muted, style,
               anchor=anchor_of(style) if not band else "start", max_lines=6, role="caption")
    return head, body


def _round(out: list[Shape], b: Bound, num: int, x: float, y: float, w: float, style: Style,
           head_min: float = 0.0, body_min: float = 0.0) -> tuple[float, float]:
    """[shape:circle]: the stage as a disc (its number over its title inside), its caption under
    it; the head is the disc, at least CIRCLE_MIN of the stage's width across, as wide as the
    lane's largest (`head_min`); returns its natural (head, body) heights."""
    pad = style.pad
    accent = style.accent(b.comp.attr("accent"), b.order)
    fill = b.comp.attr("fill")
    text_style = on_fill(style, accent, fill)
    ts, cs = round(style.size("title") * 0.86, 1), style.size("body")
    ns = round(26 * style.scale * 0.6, 1) if b.comp.attr("number", "badge") == "badge" else 0.0
    title, caption = b.text("title"), b.text("caption")
    least = w * CIRCLE_MIN
    lines = wrap(title.text, least * CIRCLE_TEXT, ts, True, 3) if title and title.text else ()
    th = len(lines) * style.line_height(ts) + (style.line_height(ns) if ns else 0.0)
    d = min(w, max(th + 2 * pad, least))
    ch = len(wrap(caption.text, w, cs, False, 6)) * style.line_height(cs) if caption and caption.text else 0.0
    head, body = d, pad * 0.6 + ch
    d = min(w, max(d, head_min))
    inside = least * CIRCLE_TEXT   # the title's column, within the rim of the least disc
    cx, cy = x + w / 2, y + d / 2
    outline = b.comp.attr("outline")
    out.append(Circle(cx, cy, d / 2, fill_of(style, accent, fill) or style.tint(accent, RESULT_TINT),
                      None if outline == "none" else accent, 4.0 if outline == "bold" else 2.0, role="stage-disc"))
    if b.comp.topo_id("node_id"):   # what a link joins: the disc's square
        out.append(Rect(x + (w - d) / 2, y, d, d, "none", role=ANCHOR, node=b.comp.topo_id("node_id")))
    top = cy - th / 2
    if ns:
        out.append(Text(cx, top + (style.line_height(ns) - ns) / 2 + ns * 0.8, str(num), ns, text_style.accent(
            b.comp.attr("accent"), b.order), True, "middle", role="stage-number"))
        top += style.line_height(ns)
    text_block(out, cx - inside / 2, top, inside, title, ts, text_style.palette.text, style, bold=True,
               anchor="middle", max_lines=3, role="stage-title")
    free = max(body, body_min) - body
    drop = {"top": 0.0, "middle": free / 2, "bottom": free}[b.comp.attr("valign", "top")]
    text_block(out, x, y + max(d, head_min) + pad * 0.6 + drop, w, caption, cs, style.palette.text_muted, style,
               anchor="middle", max_lines=6, role="caption")
    return head, body


def _disc(lane: _Lane, stages: list[Bound], k: int) -> float:
    """Half the width of stage k's disc when it is drawn as one ([shape:circle]), else 0."""
    return min(lane.w(k), lane.head_h) / 2 if stages[k].comp.attr("shape") == "circle" else 0.0


def _weights(stages: list[Bound]) -> list[float]:
    """Each stage's width in stage widths: NARROW for [width:narrow], else 1."""
    return [NARROW if b.comp.attr("width") == "narrow" else 1.0 for b in stages]


# ---- the lane ----------------------------------------------------------------------------------

class _Lane:
    """Where every stage sits: `cols` columns with their own gaps, rows snaking back, boxes
    `box_h` tall with heads `head_h` tall. A stage is `box_w` wide times its weight (1, or
    NARROW for a [width:narrow] stage); a column is as wide as its widest stage, a narrower one
    centred in it."""

    def __init__(self, n: int, cols: int, weights: list[float] | None = None):
        self.n, self.cols = n, cols
        self.rows = math.ceil(n / cols)
        self.weights = weights or [1.0] * n
        self.box_w = self.box_h = self.head_h = 0.0
        self.col_x: list[float] = []
        self.tops = [0.0] * self.rows
        self.side_turn = False  # the turn runs round the first row's end, not down between rows
        self.side = 0.0  # room kept beside the first row's end (two-row lanes)

    def row(self, i: int) -> int:
        return i // self.cols

    def col(self, i: int) -> int:
        c = i % self.cols
        return self.cols - 1 - c if self.row(i) % 2 else c  # the second row runs back right to left

    def col_weight(self, c: int) -> float:
        return max(self.weights[i] for i in range(self.n) if self.col(i) == c)

    def col_w(self, c: int) -> float:
        return self.box_w * self.col_weight(c)

    def w(self, i: int) -> float:
        return self.box_w * self.weights[i]

    def x(self, i: int) -> float:
        c = self.col(i)
        return self.col_x[c] + (self.col_w(c) - self.w(i)) / 2

    def y(self, i: int) -> float:
        return self.tops[self.row(i)]

    def centre(self, i: int) -> float:
        return self.x(i) + self.w(i) / 2

    def turn(self, i: int) -> bool:
        """Whether the connector from stage i to i+1 turns down into the next row."""
        return self.row(i + 1) != self.row(i)

    def gap_of(self, i: int) -> int:
        """The column gap that the connector from stage i to i+1 crosses."""
        return min(self.col(i), self.col(i + 1))


def _even_out(gaps: list[float], room: float) -> list[float]:
    """Gaps widened from the narrowest up toward one common width (at most STRETCH_GAP) while
    they fit in `room`, so a sparse lane spaces its stages evenly."""
    lo, hi = 0.0, STRETCH_GAP
    for _ in range(30):  # bisect the common width; 30 halvings is far below a pixel
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if sum(max(g, mid) for g in gaps) <= room else (lo, mid)
    return [max(g, lo) for g in gaps]


def _row_capacity(n: int, w: float) -> int:
    """Stages in the first row: as many as fit at MIN_BOX, the rest snaking back in a second row
    that ends under the last column. Never fewer than half, so the lane keeps to two rows; beyond
    that boxes narrow below MIN_BOX."""
    fit = int((w + BASE_GAP) // (MIN_BOX + BASE_GAP))
    return max(1, min(n, max(fit, math.ceil(n / 2))))


def _turn_side(w: float, cols: int) -> float:
    """Room beside the first row for a turn round its end: TURN_ROOM of a column pitch."""
    return TURN_ROOM * (w + BASE_GAP) / (cols + TURN_ROOM)


def columns(n: int, w: float) -> int:
    """Stages in the lane's first row, for `n` stages in a column of width `w`."""
    cols = _row_capacity(n, w)
    if math.ceil(n / cols) == 2:  # a two-row lane keeps room beside its first row's end for the turn
        cols = _row_capacity(n, w - _turn_side(w, cols))
    return cols


def _fit(n: int, x: float, w: float, labels: dict[int, Slot], style: Style,
         weights: list[float] | None = None, long: set[int] = frozenset()) -> _Lane:
    """One row when every box gets MIN_BOX, else two; gaps as wide as their labels ask, boxes
    share the rest by their weights (up to MAX_BOX, beyond which connectors lengthen and the row
    centres)."""
    lane = _Lane(n, columns(n, w), weights)
    if lane.rows == 2:  # a two-row lane keeps room beside its first row's end for the turn
        side = _turn_side(w, lane.cols)
        lane.side, w = side, w - side
        # an unlabelled turn goes round the row's end; a labelled one goes straight down, its
        # words beside it reaching into that room
        lane.side_turn = labels.get(lane.cols - 1) is None
    cols = lane.cols
    gaps = [BASE_GAP] * (cols - 1)
    for i in long:
        if not lane.turn(i):
            gaps[lane.gap_of(i)] = LONG_GAP
    for i, slot in labels.items():
        if not lane.turn(i):
            g = lane.gap_of(i)
            gaps[g] = max(gaps[g], _label_want(slot, style))
    short = cols * MIN_BOX + sum(gaps) - w
    excess = sum(g - BASE_GAP for g in gaps)
    if short > 0 and excess > 0:  # labels ask for more than the row has: they wrap instead
        keep = max(0.0, 1 - short / excess)
        gaps = [BASE_GAP + (g - BASE_GAP) * keep for g in gaps]
    span = sum(lane.col_weight(c) for c in range(cols))  # in box widths
    lane.box_w = min(MAX_BOX, (w - sum(gaps)) / span)
    if cols > 1 and lane.box_w == MAX_BOX:
        gaps = _even_out(gaps, w - span * MAX_BOX)
    cx = x + (w - span * lane.box_w - sum(gaps)) / 2
    for c in range(cols):
        lane.col_x.append(cx)
        cx += lane.col_w(c) + (gaps[c] if c < cols - 1 else 0)
    return lane


def _bands(lane: _Lane, edges) -> list[_Route]:
    """Each edge's band: beside its row on the outside, or between the rows when it crosses."""
    routes = []
    for src, dst, label in edges:
        rs, rd = lane.row(src), lane.row(dst)
        if lane.rows == 1:
            band = "below" if dst <= src else "above"  # back-edges under the lane, skips over it
        elif rs == rd:
            band = "above" if rs == 0 else "below"
        else:
            band = "between"
        routes.append(_Route(src, dst, label, band))
    return routes


def _side(lane: _Lane, route: _Route, stage: int) -> str:
    """Which side of the stage's box ("top" or "bottom") the route leaves or enters by."""
    if route.band == "above":
        return "top"
    if route.band == "below":
        return "bottom"
    return "bottom" if lane.row(stage) == 0 else "top"


def _place_ends(lane: _Lane, routes: list[_Route]) -> None:
    """x of each route's two ends, spread along the box side in an order that keeps lines
    leaving one box from crossing; clear of the turning connector at the centre."""
    sides: dict[tuple[int, str], list[tuple[int, float, int, int]]] = {}
    for r, route in enumerate(routes):
        for end, (me, other) in enumerate(((route.src, route.dst), (route.dst, route.src))):
            # ends heading left sit left of those heading right; farther targets sit outside
            # nearer ones, matching their outer lanes
            heading = (lane.centre(other) > lane.centre(me)) - (lane.centre(other) < lane.centre(me))
            key = (heading, -lane.centre(other), end, r)
            sides.setdefault((me, _side(lane, route, me)), []).append(key)
    turn_sides = {(i, "bottom") for i in range(lane.n - 1) if lane.turn(i)}
    turn_sides |= {(i + 1, "top") for i in range(lane.n - 1) if lane.turn(i)}
    xs = [[0.0, 0.0] for _ in routes]
    for (stage, side), ends in sorted(sides.items()):
        lo, hi = (0.1, 0.42) if (stage, side) in turn_sides else (0.22, 0.78)
        for k, (_, _, end, r) in enumerate(sorted(ends)):
            xs[r][end] = lane.x(stage) + lane.w(stage) * (lo + (hi - lo) * (k + 0.5) / len(ends))
    for route, (a, b) in zip(routes, xs):
        route.ends = (a, b)


def _place_pills(lane: _Lane, routes: list[_Route], x: float, w: float, style: Style) -> None:
    """Each label on one line in a pill at the middle of its edge, kept on the canvas and off
    the turning connector."""
    size = style.size("small")
    turn_x = lane.centre(lane.cols - 1)
    for route in routes:
        if route.label is not None and route.label.text:
            route.text, route.cut = one_line(route.label, PILL_MAX, size, True)
            route.pill_w = text_width(route.text, size, True) + 20
        half = route.pill_w / 2
        hi = turn_x - 10 - half if route.band == "between" else x + w - half
        route.mid = max(x + half, min(hi, sum(route.ends) / 2))


def _place_lanes(routes: list[_Route]) -> dict[str, int]:
    """A lane for each route within its band, shortest spans nearest the boxes so that nested
    edges never cross; returns how many lanes each band needs."""
    count = {"above": 0, "between": 0, "below": 0}
    taken: dict[tuple[str, int], list[tuple[float, float]]] = {}
    order = sorted(routes, key=lambda r: abs(r.ends[1] - r.ends[0]))  # stable: written order on ties
    for route in order:
        half = route.pill_w / 2
        a = min(*route.ends, route.mid - half) - 8
        b = max(*route.ends, route.mid + half) + 8
        k = 0
        while any(not (b < u or a > v) for u, v in taken.get((route.band, k), [])):
            k += 1
        taken.setdefault((route.band, k), []).append((a, b))
        route.lane = k
        count[route.band] = max(count[route.band], k + 1)
    return count


def _band_height(n_lanes: int, pill_h: float) -> float:
    return 0.0 if n_lanes == 0 else 2 * EDGE_CLEAR + pill_h + (n_lanes - 1) * (pill_h + LANE_GAP)


def _rounded(points: list[tuple[float, float]], r: float) -> list[tuple[float, float]]:
    """A polyline with its corners cut, the curve style's routed edges."""
    out = [points[0]]
    for (ax, ay), (bx, by), (cx, cy) in zip(points, points[1:], points[2:]):
        d1, d2 = math.dist((ax, ay), (bx, by)), math.dist((bx, by), (cx, cy))
        k1, k2 = min(r, d1 / 2) / d1, min(r, d2 / 2) / d2
        out += [(bx + (ax - bx) * k1, by + (ay - by) * k1), (bx + (cx - bx) * k2, by + (cy - by) * k2)]
    return out + [points[-1]]


def _arc(cx: float, cy: float, r: float, start: float, end: float, steps: int = 8) -> list[tuple[float, float]]:
    """Points along a circular arc from angle `start` to `end` (degrees, y down)."""
    return [(cx + r * math.cos(math.radians(start + (end - start) * k / steps)),
             cy + r * math.sin(math.radians(start + (end - start) * k / steps))) for k in range(steps + 1)]


def _route_line(out: list[Shape], points: list[tuple[float, float]], colour: str, style: Style) -> None:
    """A routed edge in the connector style: dashed, so it reads as a side path."""
    if style.connector == "none":
        return
    pts = [pt for k, pt in enumerate(points) if k == 0 or pt != points[k - 1]]
    if style.connector == "curve" and len(pts) > 2:
        pts = _rounded(pts, 14)
    out.append(Line(tuple(pts), colour, 2.0, arrow=style.connector == "arrow", dash=True, role="route"))
    if style.connector == "bracket":
        out.append(Circle(pts[-1][0], pts[-1][1], 3.5, colour, role="route"))


def _gap_label(out: list[Shape], slot: Slot, x: float, w: float, bottom: float, room: float,
               style: Style, anchor: str = "middle") -> None:
    """A connector label in a column of width w, its last line ending just above `bottom`."""
    size = style.size("small")
    lh = style.line_height(size)
    lines = max(1, int(room // lh))
    h = len(wrap(slot.text, w, size, True, lines)) * lh
    text_block(out, x, bottom - h, w, slot, size, style.palette.text_muted, style, bold=True,
               anchor=anchor, max_lines=lines, role="connector-label")


Beside = Callable[[object, float, float, float], float]  # (page, x, y, w) -> height drawn


def room(page, items: list[Bound], x: float, w: float) -> tuple[float, float] | None:
    """(x, width) of the free columns beside the lane's short last row, when they are at least
    two stages wide: a family may set its next section there (`render(beside=...)`)."""
    stages = [b for b in items if b.name == "stage_card"]
    if len(stages) < 2:
        return None
    arrows = [b for b in items if b.name == "flow_arrow"]
    labels, _, _ = _plan(stages, arrows)
    lane = _fit(len(stages), x, w, labels, page.style, _weights(stages), _long(stages, arrows))
    return _room(lane)


def _room(lane: _Lane) -> tuple[float, float] | None:
    used = lane.n - lane.cols * (lane.rows - 1)
    free = lane.cols - used
    if lane.rows < 2 or free < 2:
        return None
    # the last row runs back right to left (it is the second): its stages sit right, room left
    lo, hi = (0, free - 1) if (lane.rows - 1) % 2 else (used, lane.cols - 1)
    return lane.col_x[lo], lane.col_x[hi] + lane.col_w(hi) - lane.col_x[lo]


def phases(items: list[Bound], legend: list[Bound], style: Style, w: float) -> list[tuple[Bound, int, int]]:
    """The legend rows that head a phase of the lane drawn `w` wide: (row, first stage, last stage)
    for each row whose tone is the accent of a run of consecutive stages starting in the first
    row, where the heads stand (its first such run), in lane order. A legend set over the stages
    it explains, as the pipeline-overview asset heads its amber and green stages."""
    stages = [b for b in items if b.name == "stage_card"]
    first = columns(len(stages), w)
    colours = [style.accent(b.comp.attr("accent"), b.order) for b in stages]
    runs: list[tuple[int, int]] = []
    for i, c in enumerate(colours):
        if runs and colours[runs[-1][1]] == c:
            runs[-1] = (runs[-1][0], i)
        else:
            runs.append((i, i))
    out, taken = [], set()
    for row in legend:
        tone = row.comp.attr("tone")
        colour = style.accent(tone, row.order) if tone else None
        run = next((r for r in runs if colours[r[0]] == colour and r[0] < first and r not in taken), None)
        if run is not None:
            taken.add(run)
            out.append((row, *run))
    return sorted(out, key=lambda t: t[1])


def render(page, items: list[Bound], x: float, y: float, w: float, *, grow: float = 0.0,
           beside: Beside | None = None, legend: list[Bound] = (), aspect: float = STAGE_ASPECT) -> float:
    """The lane; `grow` is extra height shared by the rows' bodies (a family filling its canvas),
    `beside` draws a section in the free columns beside a short last row, centred on it, and the
    `legend` rows that name runs of stages (`phases`) head those runs."""
    style: Style = page.style
    out: list[Shape] = page.out
    stages = [b for b in items if b.name == "stage_card"]
    arrows = [b for b in items if b.name == "flow_arrow"]
    labels, edges, loose = _plan(stages, arrows)
    n = len(stages)
    height = 0.0
    if n:
        heads = phases(items, list(legend), style, w)
        height = _draw_lane(page, stages, labels, edges, x, y, w, style, grow, beside, heads, aspect,
                            _long(stages, arrows))
    for slot in loose:  # a lone stage has no connector to carry these
        height += text_block(out, x, y + height + 8, w, slot, style.size("small"), style.palette.text_muted,
                             style, anchor="middle", max_lines=2, role="connector-label") + 8
    return height


def _pill_h(style: Style) -> float:
    return style.line_height(style.size("small")) + 8


def _turn_label_w(lane: _Lane, style: Style) -> float:
    """Width beside the turning connector for its label."""
    return lane.box_w / 2 + lane.side - (OFFSET if style.connector in ("bracket", "curve") else 0.0) - 26


def _draw_lane(page, stages, labels, edges, x, y, w, style, grow: float = 0.0,
               beside: Beside | None = None, heads=(), aspect: float = STAGE_ASPECT,
               long: set[int] = frozenset()) -> float:
    """Stages, connectors, labels and routed edges (and a section beside a short last row);
    returns the lane's height."""
    out = page.out
    n = len(stages)
    lane = _fit(n, x, w, labels, style, _weights(stages), long)
    sizes = [_stage([], b, i + 1, 0, 0, lane.w(i), style) for i, b in enumerate(stages)]
    head_h, body_h = max(s[0] for s in sizes), max(s[1] for s in sizes)
    tallest = max(head_h + body_h, lane.box_w * aspect)  # growing stops at this height
    body_h = min(body_h + max(0.0, grow) / lane.rows, tallest - head_h)
    spot = _room(lane) if beside is not None else None
    nested_h = beside(page.scratch(), 0.0, 0.0, spot[1]) if spot else 0.0
    body_h = max(body_h, nested_h - head_h)  # the short row is as tall as what sits beside it
    lane.head_h, lane.box_h = head_h, head_h + body_h
    routes = _bands(lane, edges)
    _place_ends(lane, routes)
    _place_pills(lane, routes, x, w, style)
    count = _place_lanes(routes)

    ph = _pill_h(style)
    turn_room = max(style.gap * 2, EDGE_CLEAR * 2) if lane.side_turn else TURN_GAP
    turn_label = next((labels.get(i) for i in range(n - 1) if lane.turn(i)), None)
    if turn_label is not None:
        lines = len(wrap(turn_label.text, _turn_label_w(lane, style), style.size("small"), True, 3))
        turn_room = max(TURN_GAP, lines * style.line_height(style.size("small")) + 28)
    head_band = _phase_band(heads, style)
    lane.tops[0] = y + head_band + _band_height(count["above"], ph)
    if lane.rows == 2:
        lane.tops[1] = lane.tops[0] + lane.box_h + max(turn_room, _band_height(count["between"], ph))

    for i, b in enumerate(stages):
        _stage(out, b, i + 1, lane.x(i), lane.y(i), lane.w(i), style, head_h, body_h)
    for i in range(n - 1):
        _connect(out, lane, i, stages, labels.get(i), style)
    for route in routes:
        _draw_route(out, lane, route, stages, style)
    if spot:
        beside(page, spot[0], lane.tops[-1] + (lane.box_h - nested_h) / 2, spot[1])
    _draw_phases(out, lane, heads, stages, y, head_band, style)
    return lane.tops[-1] + lane.box_h + _band_height(count["below"], ph) - y


def _phase_band(heads, style: Style) -> float:
    """Height of the phase labels' line over the lane (none without phases)."""
    return style.line_height(style.size("label")) + style.gap * 0.6 if heads else 0.0


def _draw_phases(out: list[Shape], lane: _Lane, heads, stages: list[Bound], y: float, band: float,
                 style: Style) -> None:
    """Each phase's label centred over its run of first-row stages, in the run's accent; a dashed
    rule down the gap between two labelled runs that meet."""
    size = style.size("label")
    lh = style.line_height(size)
    ends: list[tuple[int, int]] = []
    for row, first, last in heads:
        cols = [i for i in range(first, last + 1) if lane.row(i) == 0]  # phases start in the first row
        left = min(lane.x(i) for i in cols)
        right = max(lane.x(i) + lane.w(i) for i in cols)
        colour = style.accent(stages[first].comp.attr("accent"), stages[first].order)
        text_block(out, left, y, right - left, row.text("label"), size, colour, style, bold=True,
                   anchor="middle", max_lines=1, role="phase")
        ends.append((first, last))
    for (_, a), (b, _) in itertools.pairwise(ends):
        if b == a + 1 and lane.row(a) == lane.row(b) == 0:
            mid = (lane.x(a) + lane.w(a) + lane.x(b)) / 2
            out.append(Line(((mid, y + lh * 0.2), (mid, lane.tops[0] + lane.box_h)), style.palette.stroke, 2,
                            dash=True, role="phase-rule"))


def _connect(out: list[Shape], lane: _Lane, i: int, stages: list[Bound], label: Slot | None,
             style: Style) -> None:
    """The connector from stage i to stage i+1, with its label."""
    colour = style.accent(stages[i].comp.attr("accent"), stages[i].order)
    shift = OFFSET if style.connector in ("bracket", "curve") else 0.0
    if lane.turn(i) and lane.side_turn:  # out of the end box's side, round, into the one below
        out_x, in_x = (lane.x(k) + lane.w(k) for k in (i, i + 1))
        edge = max(out_x, in_x)  # round the wider of the two boxes (a narrow stage is narrower)
        ya, yb = (lane.y(k) + (lane.head_h + lane.box_h) / 2 for k in (i, i + 1))
        reach = min(lane.box_w * 0.3, (yb - ya) / 2)  # within the room kept beside the row
        xo = edge + reach
        if style.connector in ("arrow", "curve"):  # a U with round corners
            r = reach - 3
            pts = [(out_x + 3, ya), *_arc(xo - r, ya + r, r, -90, 0), *_arc(xo - r, yb - r, r, 0, 90),
                   (in_x + 3, yb)]
        else:
            pts = [(out_x + 3, ya), (xo, ya), (xo, yb), (in_x + 3, yb)]
        if style.connector == "none":
            return
        out.append(Line(tuple(pts), colour, 2.2, arrow=style.connector == "arrow", role="connector"))
        if style.connector == "bracket":
            out.append(Circle(pts[-1][0], pts[-1][1], 3.5, colour, role="connector"))
        return
    if lane.turn(i):
        cx, top, bottom = lane.centre(i), lane.y(i) + lane.box_h, lane.y(i + 1)
        connector(out, (cx - shift, top + 3), (cx + shift, bottom - 3), style, colour)
        if label is not None:
            _gap_label(out, label, cx + shift + 10, _turn_label_w(lane, style), bottom - 8, bottom - top - 16,
                       style, anchor="start")
        return
    leftward = lane.row(i) % 2 == 1
    discs = (_disc(lane, stages, i), _disc(lane, stages, i + 1))
    a = lane.x(i) + (0 if leftward else lane.w(i))
    b = lane.x(i + 1) + (lane.w(i + 1) if leftward else 0)
    if discs[0]:   # a disc is joined at its rim, through its centre
        a = lane.centre(i) + (-discs[0] if leftward else discs[0])
    if discs[1]:
        b = lane.centre(i + 1) + (discs[1] if leftward else -discs[1])
    step = -3 if leftward else 3
    cy = lane.y(i) + (lane.head_h + lane.box_h) / 2  # the middle of the bodies, under the heads
    if any(discs):
        cy = lane.y(i) + lane.head_h / 2
    sign = -1 if i % 2 else 1  # alternate the bends so the lane reads as a wave, not a staircase
    connector(out, (a + step, cy - sign * shift), (b - step, cy + sign * shift), style, colour)
    if label is not None:
        _gap_label(out, label, min(a, b) + 4, abs(b - a) - 8, cy - shift - 6, cy - lane.y(i) - shift - 14, style)


def _draw_route(out: list[Shape], lane: _Lane, route: _Route, stages: list[Bound], style: Style) -> None:
    """A routed edge: out of its box side, along its lane, into the other box, with its pill."""
    ph = _pill_h(style)
    reach = EDGE_CLEAR + ph / 2 + route.lane * (ph + LANE_GAP)
    if route.band == "above":
        ly = lane.tops[0] - reach
    elif route.band == "below":
        ly = lane.tops[-1] + lane.box_h + reach
    else:
        ly = lane.tops[0] + lane.box_h + reach
    points = []
    for stage, px in zip((route.src, route.dst), route.ends):
        top = _side(lane, route, stage) == "top"
        points.append((px, lane.y(stage) - 3 if top else lane.y(stage) + lane.box_h + 3))
    colour = style.accent(stages[route.src].comp.attr("accent"), stages[route.src].order)
    (xa, ya), (xb, yb) = points
    _route_line(out, [(xa, ya), (xa, ly), (xb, ly), (xb, yb)], colour, style)
    if route.text:
        p = style.palette
        size = style.size("small")
        out.append(Rect(route.mid - route.pill_w / 2, ly - ph / 2, route.pill_w, ph, p.surface_2, colour, 1.4,
                        ph / 2, role="edge-label"))
        out.append(Text(route.mid, ly + size * 0.36, route.text, size,
                        p.accents["red"] if route.label.missing else colour, True, "middle",
                        placeholder=route.label.missing, role="edge-label", cut=route.cut))
