"""Geometry -> SVG 1.1 text, deterministic to the byte.

All defs (gradients, the arrow marker, the shadow filter) carry an id prefix derived from the
scene and its content, so two compiled scenes placed in one page never share an id by accident.
Every text is escaped and stripped of characters XML 1.0 cannot hold.
"""
from __future__ import annotations

import functools
import re

from engine.compiler.geometry import ANCHOR, Circle, Gradient, Layout, Line, Rect, Text, bends_horizontally
from engine.compiler.text import FONT_FAMILY, MONO_FAMILY

_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_FONT = f"{FONT_FAMILY}, DejaVu Sans, sans-serif"
_MONO = f"{MONO_FAMILY}, monospace"


@functools.lru_cache(maxsize=16384)   # a scene writes the same coordinates and sizes again and again
def _n(v: float) -> str:
    """Numbers as the SVG writes them: at most 2 decimals, no trailing zeros, never '-0'."""
    s = f"{v:.2f}".rstrip("0").rstrip(".")
    return "0" if s in ("-0", "") else s


def escape(s: str) -> str:
    s = _XML_INVALID.sub("", s)
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def _arrow_id(stroke: str) -> str:
    return "arrow-" + re.sub(r"[^A-Za-z0-9]", "", stroke)


class _Writer:
    def __init__(self, prefix: str):
        self.prefix = prefix
        self.out: list[str] = []

    def ref(self, name: str) -> str:
        return f"url(#{self.prefix}-{name})"

    def paint(self, colour: str | None) -> str:
        if colour is None:
            return "none"
        return self.ref(colour[4:]) if colour.startswith("url:") else colour

    def rect(self, r: Rect) -> None:
        if r.role == ANCHOR:
            return
        a = [f'x="{_n(r.x)}" y="{_n(r.y)}" width="{_n(r.w)}" height="{_n(r.h)}"']
        if r.rx:
            a.append(f'rx="{_n(r.rx)}"')
        a.append(f'fill="{self.paint(r.fill)}"')
        if r.stroke:
            a.append(f'stroke="{self.paint(r.stroke)}" stroke-width="{_n(r.stroke_width)}"')
            if r.dash:
                a.append('stroke-dasharray="6 5"')
        if r.opacity != 1:
            a.append(f'opacity="{_n(r.opacity)}"')
        if r.shadow:
            a.append(f'filter="{self.ref("shadow")}"')
        self.out.append(f"<rect {' '.join(a)}/>")

    def circle(self, c: Circle) -> None:
        a = [f'cx="{_n(c.cx)}" cy="{_n(c.cy)}" r="{_n(c.r)}" fill="{self.paint(c.fill)}"']
        if c.stroke:
            a.append(f'stroke="{self.paint(c.stroke)}" stroke-width="{_n(c.stroke_width)}"')
        if c.opacity != 1:
            a.append(f'opacity="{_n(c.opacity)}"')
        self.out.append(f"<circle {' '.join(a)}/>")

    def line(self, ln: Line) -> None:
        pts = ln.points
        if ln.curve and len(pts) == 2:
            (x1, y1), (x2, y2) = pts
            if bends_horizontally(ln.bend, x1, y1, x2, y2):
                mx = (x1 + x2) / 2
                d = f"M{_n(x1)} {_n(y1)} C{_n(mx)} {_n(y1)} {_n(mx)} {_n(y2)} {_n(x2)} {_n(y2)}"
            else:
                my = (y1 + y2) / 2
                d = f"M{_n(x1)} {_n(y1)} C{_n(x1)} {_n(my)} {_n(x2)} {_n(my)} {_n(x2)} {_n(y2)}"
        else:
            d = "M" + " L".join(f"{_n(x)} {_n(y)}" for x, y in pts)
        a = [f'd="{d}" fill="none" stroke="{self.paint(ln.stroke)}" stroke-width="{_n(ln.width)}"',
             'stroke-linecap="round" stroke-linejoin="round"']
        if ln.dash:
            a.append('stroke-dasharray="6 5"')
        if ln.opacity != 1:
            a.append(f'opacity="{_n(ln.opacity)}"')
        if ln.arrow:
            a.append(f'marker-end="{self.ref(_arrow_id(ln.stroke))}"')
        self.out.append(f"<path {' '.join(a)}/>")

    def text(self, t: Text) -> None:
        a = [f'x="{_n(t.x)}" y="{_n(t.y)}" font-size="{_n(t.size)}"']
        if t.font == "mono":
            a.append(f'font-family="{_MONO}"')
        if t.bold:
            a.append('font-weight="bold"')
        if t.anchor != "start":
            a.append(f'text-anchor="{t.anchor}"')
        a.append(f'fill="{self.paint(t.fill)}"')
        if t.opacity != 1:
            a.append(f'opacity="{_n(t.opacity)}"')
        if t.placeholder:
            a.append('font-style="italic" text-decoration="underline"')
        self.out.append(f"<text {' '.join(a)}>{escape(t.text)}</text>")

    def gradient(self, g: Gradient) -> None:
        stops = "".join(
            f'<stop offset="{_n(o)}" stop-color="{c}"' + (f' stop-opacity="{_n(op)}"' if op != 1 else "") + "/>"
            for o, c, op in g.stops)
        gid = f"{self.prefix}-{g.name}"
        if g.radial:
            self.out.append(f'<radialGradient id="{gid}" cx="{_n(g.x1)}" cy="{_n(g.y1)}" '
                            f'r="{_n(g.x2)}">{stops}</radialGradient>')
        else:
            self.out.append(f'<linearGradient id="{gid}" x1="{_n(g.x1)}" y1="{_n(g.y1)}" '
                            f'x2="{_n(g.x2)}" y2="{_n(g.y2)}">{stops}</linearGradient>')


def to_svg(layout: Layout, prefix: str, title: str = "", arrow_colour: str = "#888888",
           shadow_colour: str = "#000000", shadow_opacity: float = 0.3) -> str:
    w = _Writer(prefix)
    shapes = layout.shapes
    w.out.append(f'<svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="{_n(layout.width)}" '
                 f'height="{_n(layout.height)}" viewBox="0 0 {_n(layout.width)} {_n(layout.height)}" '
                 f'font-family="{_FONT}">')
    if title:
        w.out.append(f"<title>{escape(title)}</title>")
    w.out.append("<defs>")
    for g in layout.gradients:
        w.gradient(g)
    # One arrowhead per stroke colour, so every head matches its line.
    heads = sorted({s.stroke for s in shapes if isinstance(s, Line) and s.arrow})
    for colour in heads:
        fill = arrow_colour if colour.startswith("url:") else colour
        w.out.append(f'<marker id="{prefix}-{_arrow_id(colour)}" viewBox="0 0 10 10" refX="8" refY="5" '
                     f'markerWidth="7" markerHeight="7" orient="auto"><path d="M0 0 L10 5 L0 10 z" '
                     f'fill="{fill}"/></marker>')
    if any(isinstance(s, Rect) and s.shadow for s in shapes):
        w.out.append(f'<filter id="{prefix}-shadow" x="-10%" y="-10%" width="120%" height="140%">'
                     f'<feDropShadow dx="0" dy="6" stdDeviation="8" flood-color="{shadow_colour}" '
                     f'flood-opacity="{_n(shadow_opacity)}"/></filter>')
    w.out.append("</defs>")
    w.out.append(f'<rect width="{_n(layout.width)}" height="{_n(layout.height)}" fill="{w.paint(layout.background)}"/>')
    draw = {Rect: w.rect, Circle: w.circle, Line: w.line, Text: w.text}
    for s in shapes:
        draw[type(s)](s)
    w.out.append("</svg>")
    return "\n".join(w.out) + "\n"
