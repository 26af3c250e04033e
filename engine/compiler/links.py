"""Links (DSL v2): connectors between any two components with a node_id, in any family.

A link is drawn on a layer above the sections once every box is placed: the boxes are read off
the placed geometry (each box records its component's node_id, geometry.Rect.node), so a link
meets its boxes where they were finally drawn, whatever a family moved after drawing them.

A link leaves one box from the edge that faces the other box and enters the other at its facing
edge: side by side (more apart across than down), from a side to a side; otherwise from a bottom
to a top or back. Where the two boxes share a band of height (or width) the link runs level (or
plumb) through the middle of that band; otherwise it joins the facing edges' midpoints, straight
or as an elbow (out, across at half way, in). Its label sits in a pill at the link's middle.
"""
from __future__ import annotations

import math
from itertools import pairwise

from engine.compiler.draw import one_line
from engine.compiler.geometry import Layout, Line, Rect, Text
from engine.compiler.resolve import Bound
from engine.compiler.style import Style
from engine.compiler.text import text_width
from engine.diagnostics import Diagnostic, Severity
from engine.dsl.vocab import COMPONENTS

Box = tuple[float, float, float, float]   # left, top, right, bottom
Point = tuple[float, float]
LABEL_MAX = 260.0   # px: the widest a link's label pill runs


def _facing(lo_a: float, hi_a: float, lo_b: float, hi_b: float) -> tuple[float, float]:
    """Where a link crosses a shared band of two spans: the middle of their overlap, or each
    span's own middle when they do not overlap."""
    lo, hi = max(lo_a, lo_b), min(hi_a, hi_b)
    if lo <= hi:
        return (lo + hi) / 2, (lo + hi) / 2
    return (lo_a + hi_a) / 2, (lo_b + hi_b) / 2


def ends(a: Box, b: Box) -> tuple[Point, Point, bool]:
    """Where a link from box `a` to box `b` leaves and enters, and whether it runs across (side
    to side) rather than down.

    >>> ends((0, 0, 10, 10), (20, 0, 30, 10))
    ((10, 5.0), (20, 5.0), True)
    """
    across = max(b[0] - a[2], a[0] - b[2])   # the gap between them across (negative: they overlap)
    down = max(b[1] - a[3], a[1] - b[3])
    if across >= down:
        ya, yb = _facing(a[1], a[3], b[1], b[3])
        xa, xb = (a[2], b[0]) if a[0] + a[2] <= b[0] + b[2] else (a[0], b[2])
        return (xa, ya), (xb, yb), True
    xa, xb = _facing(a[0], a[2], b[0], b[2])
    ya, yb = (a[3], b[1]) if a[1] + a[3] <= b[1] + b[3] else (a[1], b[3])
    return (xa, ya), (xb, yb), False


def route(a: Box, b: Box, how: str) -> tuple[Point, ...]:
    """The link's points: straight from edge to edge, or an elbow (out, across half way, in)."""
    p, q, across = ends(a, b)
    if how == "straight" or p[0] == q[0] or p[1] == q[1]:
        return p, q
    if across:
        mx = (p[0] + q[0]) / 2
        return p, (mx, p[1]), (mx, q[1]), q
    my = (p[1] + q[1]) / 2
    return p, (p[0], my), (q[0], my), q


def middle(points: tuple[Point, ...]) -> Point:
    """The point half way along a polyline."""
    lengths = [math.hypot(x2 - x1, y2 - y1) for (x1, y1), (x2, y2) in pairwise(points)]
    left = sum(lengths) / 2
    for ((x1, y1), (x2, y2)), n in zip(pairwise(points), lengths):
        if left <= n and n:
            t = left / n
            return x1 + (x2 - x1) * t, y1 + (y2 - y1) * t
        left -= n
    return points[-1]


def _label(layout: Layout, b: Bound, at: Point, colour: str, style: Style) -> None:
    slot = b.text("label")
    if slot is None or not slot.text:
        return
    size = style.size("small")
    h = round(size * 1.9, 1)
    text, cut = one_line(slot, LABEL_MAX - h, size, True)
    w = text_width(text, size, True) + h
    p = style.palette
    layout.shapes.append(Rect(at[0] - w / 2, at[1] - h / 2, w, h, p.surface, colour, 1.5, h / 2, role="link-label"))
    layout.shapes.append(Text(at[0], at[1] + size * 0.36, text, size, p.accents["red"] if slot.missing else colour,
                              True, "middle", placeholder=slot.missing, role="link-label", cut=cut))


def connect(layout: Layout, links: list[Bound], named: set[str], style: Style,
            diagnostics: list[Diagnostic]) -> None:
    """Draw every link over the placed layout. A link is left out when an end has no placed box:
    silently when the id names no component (validation already said so), with a warning when
    it names one that was not drawn."""
    boxes: dict[str, Box] = {}
    for s in layout.shapes:
        if isinstance(s, Rect) and s.node is not None and s.node not in boxes:
            boxes[s.node] = (s.x, s.y, s.x + s.w, s.y + s.h)
    defaults = COMPONENTS["link"].defaults
    for b in links:
        c = b.comp
        ids = [c.topo_id("from_ref"), c.topo_id("to_ref")]
        if any(i not in boxes for i in ids):
            unplaced = [i for i in ids if i in named and i not in boxes]
            if unplaced and all(i in named for i in ids):
                diagnostics.append(Diagnostic(c.line, c.col, "not-drawn",
                                              f"link.{b.index}: {' and '.join(map(repr, unplaced))} "
                                              f"{'is' if len(unplaced) == 1 else 'are'} not drawn, so neither is the link",
                                              Severity.WARNING))
            continue
        kind = c.attr("style") or defaults["style"]
        colour = style.accent(c.attr("accent"), b.order)
        points = route(boxes[ids[0]], boxes[ids[1]], c.attr("route") or defaults["route"])
        layout.shapes.append(Line(points, colour, 2.2, arrow=kind == "arrow", dash=kind == "dashed", role="link"))
        _label(layout, b, middle(points), colour, style)
