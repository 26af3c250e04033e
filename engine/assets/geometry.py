"""Absolute geometry of an SVG: what is drawn where, with every ancestor transform resolved.

`draw(root)` walks the tree once, in document order, and returns a `Drawing`: the canvas, boxes
(rects), circles, segments (lines, polylines, open paths: the stuff connectors are made of), text
runs (one per <text>, tspans included), shape counts, and colour use. Later stages (roles,
structure, family, profile) read only the Drawing, never the raw tree.

Content of <defs>, <marker>, <pattern> and <symbol> is not drawn in place, so it adds no shapes,
boxes or texts; its colours still count (a marker's arrowhead and a gradient's stops are visible
wherever they are used). <clipPath> and <mask> contribute nothing: they are never painted.
"""
from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass, field
from xml.etree.ElementTree import Element

from engine.assets.colour import normalize_colour
from engine.assets.style import (
    ROOT_STYLE,
    StyleSheet,
    compute,
    font_weight,
    parse_length,
)
from engine.assets.tree import local, text_content

SHAPES = ("rect", "circle", "ellipse", "path", "line", "polyline", "polygon")
_NOT_DRAWN_IN_PLACE = {"defs", "marker", "pattern", "symbol"}
_NEVER_PAINTED = {"clipPath", "mask", "title", "desc", "metadata", "style", "script"}
_NUMBER = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")

Matrix = tuple[float, float, float, float, float, float]   # SVG's (a b c d e f)
IDENTITY: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)


def numbers(text: str | None) -> list[float]:
    return [float(n) for n in _NUMBER.findall(text or "")]


def parse_transform(text: str | None) -> Matrix:
    """An SVG transform list as one matrix.

    >>> parse_transform("translate(50, 150)")
    (1.0, 0.0, 0.0, 1.0, 50.0, 150.0)
    >>> apply(parse_transform("translate(10 0) scale(2)"), 1, 1)
    (12.0, 2.0)
    """
    m = IDENTITY
    for name, args in re.findall(r"(matrix|translate|scale|rotate|skewX|skewY)\s*\(([^)]*)\)", text or ""):
        v = numbers(args)
        if name == "matrix" and len(v) == 6:
            step = tuple(v)
        elif name == "translate" and v:
            step = (1, 0, 0, 1, v[0], v[1] if len(v) > 1 else 0)
        elif name == "scale" and v:
            step = (v[0], 0, 0, v[1] if len(v) > 1 else v[0], 0, 0)
        elif name == "rotate" and v:
            a = math.radians(v[0])
            cos, sin = math.cos(a), math.sin(a)
            step = (cos, sin, -sin, cos, 0, 0)
            if len(v) == 3:   # rotate(a, cx, cy) = translate(cx cy) rotate(a) translate(-cx -cy)
                step = multiply(multiply((1, 0, 0, 1, v[1], v[2]), step), (1, 0, 0, 1, -v[1], -v[2]))
        elif name == "skewX" and v:
            step = (1, 0, math.tan(math.radians(v[0])), 1, 0, 0)
        elif name == "skewY" and v:
            step = (1, math.tan(math.radians(v[0])), 0, 1, 0, 0)
        else:
            continue
        m = multiply(m, step)
    return tuple(float(x) for x in m)


def multiply(m: Matrix, n: Matrix) -> Matrix:
    """The matrix that applies n first, then m."""
    a, b, c, d, e, f = m
    p, q, r, s, t, u = n
    return (a * p + c * q, b * p + d * q, a * r + c * s, b * r + d * s,
            a * t + c * u + e, b * t + d * u + f)


def apply(m: Matrix, x: float, y: float) -> tuple[float, float]:
    a, b, c, d, e, f = m
    return (a * x + c * y + e, b * x + d * y + f)


def path_points(d: str | None) -> tuple[list[tuple[float, float]], bool]:
    """The on-curve points of path data (each command's end point) and whether it closes.

    Control points are left out: connectors and brackets are judged by where they go, not how
    they bend.

    >>> path_points("M 860 170 Q 920 170 920 220 Q 920 270 860 270")
    ([(860.0, 170.0), (920.0, 220.0), (860.0, 270.0)], False)
    """
    arity = {"M": 2, "L": 2, "T": 2, "H": 1, "V": 1, "C": 6, "S": 4, "Q": 4, "A": 7, "Z": 0}
    tokens = re.findall(r"[MLHVCSQTAZmlhvcsqtaz]|" + _NUMBER.pattern, d or "")
    points: list[tuple[float, float]] = []
    x = y = sx = sy = 0.0
    closed = False
    i, command = 0, None
    while i < len(tokens):
        if tokens[i].isalpha():
            command = tokens[i]
            i += 1
            if command in "Zz":
                x, y, closed = sx, sy, True
                points.append((x, y))
                continue
        if command is None or command in "Zz":
            break
        n = arity[command.upper()]
        args = [float(t) for t in tokens[i:i + n]]
        if len(args) < n:
            break
        i += n
        rel = command.islower()
        upper = command.upper()
        if upper == "H":
            x = args[0] + (x if rel else 0)
        elif upper == "V":
            y = args[0] + (y if rel else 0)
        else:
            x, y = args[-2] + (x if rel else 0), args[-1] + (y if rel else 0)
        if upper == "M":
            sx, sy = x, y
            command = "l" if rel else "L"   # extra pairs after M are line-tos
        points.append((x, y))
    return points, closed


@dataclass(frozen=True)
class Canvas:
    width: float
    height: float
    source: str   # "viewBox", "width/height" or "estimate"


@dataclass(frozen=True)
class Box:
    """A rect's absolute bounding box."""

    x: float
    y: float
    w: float
    h: float
    rx: float = 0.0
    fill: str | None = None     # #rrggbb, or None for a gradient or no fill

    @property
    def right(self) -> float:
        return self.x + self.w

    @property
    def bottom(self) -> float:
        return self.y + self.h

    @property
    def area(self) -> float:
        return self.w * self.h

    def contains(self, x: float, y: float, pad: float = 0.0) -> bool:
        return self.x - pad <= x <= self.right + pad and self.y - pad <= y <= self.bottom + pad

    def encloses(self, other: Box, pad: float = 1.0) -> bool:
        return (other is not self and self.x - pad <= other.x and self.y - pad <= other.y
                and other.right <= self.right + pad and other.bottom <= self.bottom + pad)


@dataclass(frozen=True)
class Circle:
    cx: float
    cy: float
    r: float


@dataclass(frozen=True)
class Segment:
    """A line, polyline or open path, by its on-curve points."""

    points: tuple[tuple[float, float], ...]
    marked: bool = False    # carries a marker (arrowhead) at its start, middle or end

    @property
    def start(self) -> tuple[float, float]:
        return self.points[0]

    @property
    def end(self) -> tuple[float, float]:
        return self.points[-1]

    @property
    def dx(self) -> float:
        return self.end[0] - self.start[0]

    @property
    def dy(self) -> float:
        return self.end[1] - self.start[1]

    @property
    def length(self) -> float:
        return math.hypot(self.dx, self.dy)


@dataclass
class TextRun:
    """One <text> element as drawn: where its anchor point is and how it is set."""

    index: int
    text: str
    x: float
    y: float
    size: float
    weight: int
    fill: str | None
    anchor: str
    element: Element = field(repr=False, compare=False)
    font: str = ""      # the font-family as set, lower case

    @property
    def width(self) -> float:
        """Estimated advance width: 0.55 em per character is close for the sans fonts used."""
        return 0.55 * self.size * len(self.text)

    @property
    def center(self) -> tuple[float, float]:
        shift = {"middle": 0.0, "end": -0.5}.get(self.anchor, 0.5)
        return (self.x + shift * self.width, self.y - 0.35 * self.size)


@dataclass
class Drawing:
    canvas: Canvas
    boxes: list[Box] = field(default_factory=list)
    circles: list[Circle] = field(default_factory=list)
    segments: list[Segment] = field(default_factory=list)
    texts: list[TextRun] = field(default_factory=list)
    shapes: Counter = field(default_factory=Counter)
    colours: Counter = field(default_factory=Counter)
    gradients: int = 0
    markers: int = 0
    filters: int = 0

    @property
    def connectors(self) -> list[Segment]:
        return [s for s in self.segments if s.marked]


def declared_canvas(root: Element) -> Canvas | None:
    """The canvas the SVG states: its viewBox, else its width and height (absolute units)."""
    box = numbers(root.get("viewBox"))
    if len(box) == 4 and box[2] > 0 and box[3] > 0:
        return Canvas(box[2], box[3], "viewBox")
    if "%" not in (root.get("width") or "") + (root.get("height") or ""):
        w, h = parse_length(root.get("width")), parse_length(root.get("height"))
        if w and h and w > 0 and h > 0:
            return Canvas(w, h, "width/height")
    return None


def draw(root: Element, sheet: StyleSheet | None = None) -> Drawing:
    """Walk an SVG tree into a Drawing. The canvas is estimated when the SVG states none.
    `sheet` is the document's style sheet when the caller has parsed it already."""
    declared = declared_canvas(root)
    out = Drawing(declared or Canvas(0.0, 0.0, "estimate"))
    _Walker(out, sheet or StyleSheet.of(root), root).walk(root, IDENTITY, ROOT_STYLE, True)
    if declared is None:
        out.canvas = _estimate_canvas(out)
    return out


class _Walker:
    def __init__(self, out: Drawing, sheet: StyleSheet, root: Element):
        self.out, self.sheet, self.root = out, sheet, root

    def walk(self, elem: Element, matrix: Matrix, parent: dict[str, str], drawn: bool) -> None:
        tag = local(elem.tag)
        if tag in _NEVER_PAINTED or not tag:
            return
        style = compute(elem, parent, self.sheet)
        if style.get("display", "").strip() == "none":
            return
        m = multiply(matrix, parse_transform(elem.get("transform")))
        if tag == "svg" and elem is not self.root:   # a nested viewport places its content at x, y
            m = multiply(m, (1, 0, 0, 1, parse_length(elem.get("x")) or 0, parse_length(elem.get("y")) or 0))
        drawn = drawn and tag not in _NOT_DRAWN_IN_PLACE
        self._count_defs(tag)
        if tag == "text":
            self._text(elem, m, style, drawn)
            return
        self._paint(tag, style)
        if drawn and tag in SHAPES:
            self.out.shapes[tag] += 1
            self._shape(tag, elem, m, style)
        for child in elem:
            self.walk(child, m, style, drawn)

    def _count_defs(self, tag: str) -> None:
        if tag in ("linearGradient", "radialGradient"):
            self.out.gradients += 1
        elif tag == "marker":
            self.out.markers += 1
        elif tag == "filter":
            self.out.filters += 1

    def _paint(self, tag: str, style: dict[str, str]) -> None:
        """Count the colours this element paints with (fill, stroke, gradient stop)."""
        paints = []
        if tag in SHAPES or tag == "text":
            paints.append(style.get("stroke"))
            if tag != "line":   # a line has no inside to fill
                paints.append(style.get("fill"))
        elif tag == "stop":
            paints.append(style.get("stop-color") or "#000000")
        for value in paints:
            colour = normalize_colour(value)
            if colour:
                self.out.colours[colour] += 1

    def _shape(self, tag: str, elem: Element, m: Matrix, style: dict[str, str]) -> None:
        canvas = self.out.canvas
        if tag == "rect":
            x = parse_length(elem.get("x"), canvas.width) or 0.0
            y = parse_length(elem.get("y"), canvas.height) or 0.0
            w = parse_length(elem.get("width"), canvas.width) or 0.0
            h = parse_length(elem.get("height"), canvas.height) or 0.0
            if w > 0 and h > 0:
                xs, ys = zip(*(apply(m, px, py) for px, py in ((x, y), (x + w, y), (x, y + h), (x + w, y + h))))
                rx = parse_length(elem.get("rx") or elem.get("ry")) or 0.0
                self.out.boxes.append(Box(min(xs), min(ys), max(xs) - min(xs), max(ys) - min(ys), rx,
                                          normalize_colour(style.get("fill"))))
        elif tag in ("circle", "ellipse"):
            cx, cy = apply(m, _length(elem, "cx"), _length(elem, "cy"))
            r = _length(elem, "r") or (_length(elem, "rx") + _length(elem, "ry")) / 2
            scale = math.sqrt(abs(m[0] * m[3] - m[1] * m[2]))
            self.out.circles.append(Circle(cx, cy, r * scale))
        elif tag in ("line", "polyline", "path"):
            if tag == "line":
                points = [(_length(elem, "x1"), _length(elem, "y1")), (_length(elem, "x2"), _length(elem, "y2"))]
                closed = False
            elif tag == "polyline":
                v = numbers(elem.get("points"))
                points, closed = list(zip(v[0::2], v[1::2])), False
            else:
                points, closed = path_points(elem.get("d"))
            if len(points) >= 2 and not closed:
                marked = any(style.get(k, "none").startswith("url(")
                             for k in ("marker-start", "marker-mid", "marker-end"))
                self.out.segments.append(Segment(tuple(apply(m, *p) for p in points), marked))

    def _text(self, elem: Element, m: Matrix, style: dict[str, str], drawn: bool) -> None:
        # The run is set in the style of its first visible characters: those of the <text> itself,
        # or of the first <tspan> that carries text when the <text> only groups tspans.
        run_style, positioned = style, elem
        if not (elem.text or "").strip():
            for child in elem:
                if local(child.tag) == "tspan" and text_content(child):
                    run_style = compute(child, style, self.sheet)
                    positioned = child
                    break
        self._paint("text", run_style)
        text = text_content(elem)
        if not drawn or not text:
            return
        x = (numbers(elem.get("x")) or numbers(positioned.get("x")) or [0.0])[0]
        y = (numbers(elem.get("y")) or numbers(positioned.get("y")) or [0.0])[0]
        ax, ay = apply(m, x, y)
        self.out.texts.append(TextRun(
            index=len(self.out.texts), text=text, x=round(ax, 2), y=round(ay, 2),
            size=float(run_style.get("font-size", ROOT_STYLE["font-size"])),
            weight=font_weight(run_style.get("font-weight")),
            fill=normalize_colour(run_style.get("fill")),
            anchor=run_style.get("text-anchor", "start").strip(),
            element=elem,
            font=run_style.get("font-family", "").lower(),
        ))


def _length(elem: Element, name: str) -> float:
    return parse_length(elem.get(name)) or 0.0


def _estimate_canvas(d: Drawing) -> Canvas:
    """The extent of everything drawn, from the origin: for SVGs that state no size at all."""
    xs = [b.right for b in d.boxes] + [c.cx + c.r for c in d.circles] + [t.x + t.width for t in d.texts]
    xs += [p[0] for s in d.segments for p in s.points]
    ys = [b.bottom for b in d.boxes] + [c.cy + c.r for c in d.circles] + [t.y for t in d.texts]
    ys += [p[1] for s in d.segments for p in s.points]
    return Canvas(round(max(xs, default=0.0), 2), round(max(ys, default=0.0), 2), "estimate")
