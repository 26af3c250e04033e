"""The geometry stage: placed boxes, lines, circles and text runs, with no SVG syntax in them.

Layouts produce a `Layout`; svg.py writes it out; golden tests keep it as JSON so a change shows
where things moved. Colours are theme-resolved hex strings, or "url:NAME" for a gradient.
"""
from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass, field

from engine.diagnostics import Diagnostic
from engine.dsl.frozen import quick_init, replaced

# Marks a field that rides along for reporting and is no part of the placed geometry (nor its JSON).
REPORT_ONLY = {"report_only": True}
# Marks a field written to JSON only when it differs from its default: a field added later leaves
# the JSON of every shape that does not use it as it was.
OMIT_DEFAULT = {"omit_default": True}
ANCHOR = "anchor"   # the role of a box that records where a component stands and is not drawn


@quick_init
@dataclass(frozen=True, slots=True)
class Rect:
    x: float
    y: float
    w: float
    h: float
    fill: str
    stroke: str | None = None
    stroke_width: float = 0.0
    rx: float = 0.0
    opacity: float = 1.0
    shadow: bool = False
    dash: bool = False
    role: str = ""
    # the node_id of the component this box is (what a link joins); role ANCHOR marks a box
    # that only records where a component without a frame of its own stands, and is not drawn
    node: str | None = field(default=None, compare=False, metadata=REPORT_ONLY)


@quick_init
@dataclass(frozen=True, slots=True)
class Circle:
    cx: float
    cy: float
    r: float
    fill: str = "none"
    stroke: str | None = None
    stroke_width: float = 0.0
    opacity: float = 1.0
    role: str = ""


@quick_init
@dataclass(frozen=True, slots=True)
class Line:
    """A polyline through `points`; `curve` smooths a two-point line into an S-curve that leaves and
    enters along `bend` (vertical, horizontal, or auto: along the line's longer extent)."""

    points: tuple[tuple[float, float], ...]
    stroke: str
    width: float = 2.0
    arrow: bool = False
    curve: bool = False
    bend: str = "auto"
    dash: bool = False
    opacity: float = 1.0
    role: str = ""


@quick_init
@dataclass(frozen=True, slots=True)
class Text:
    """One line of text; `y` is the baseline. `cut` says how its content was cut to end here, so
    that what was cut is known from what was placed (a measuring pass draws into lists that are
    thrown away)."""

    x: float
    y: float
    text: str
    size: float
    fill: str
    bold: bool = False
    anchor: str = "start"  # start | middle | end
    opacity: float = 1.0
    placeholder: bool = False
    role: str = ""
    font: str = field(default="sans", metadata=OMIT_DEFAULT)  # sans | mono
    cut: Diagnostic | None = field(default=None, compare=False, metadata=REPORT_ONLY)


@quick_init
@dataclass(frozen=True, slots=True)
class Gradient:
    name: str
    x1: float
    y1: float
    x2: float
    y2: float
    stops: tuple[tuple[float, str, float], ...]  # (offset 0..1, colour, opacity)
    radial: bool = False


Shape = Rect | Circle | Line | Text


def bends_horizontally(bend: str, x1: float, y1: float, x2: float, y2: float) -> bool:
    """Whether a bent connector from (x1, y1) to (x2, y2) leaves and enters horizontally."""
    return abs(x2 - x1) >= abs(y2 - y1) if bend == "auto" else bend == "horizontal"


def shift(shape: Shape, dx: float, dy: float) -> Shape:
    """The same shape moved by (dx, dy) (layouts move hundreds per scene: `replaced`, not
    dataclasses.replace)."""
    if isinstance(shape, Rect | Text):
        return replaced(shape, x=shape.x + dx, y=shape.y + dy)
    if isinstance(shape, Circle):
        return replaced(shape, cx=shape.cx + dx, cy=shape.cy + dy)
    return replaced(shape, points=tuple((x + dx, y + dy) for x, y in shape.points))


@dataclass
class Layout:
    width: float
    height: float
    background: str
    shapes: list[Shape] = field(default_factory=list)
    gradients: list[Gradient] = field(default_factory=list)
    # texts a section left out for want of room: no shape carries them, so they are reported here
    dropped: list[Diagnostic] = field(default_factory=list)

    def to_json(self) -> str:
        """Stable JSON of the placed geometry (numbers rounded as the SVG writes them)."""
        def enc(obj):
            if isinstance(obj, float):
                return round(obj, 2)
            if dataclasses.is_dataclass(obj):
                return {"kind": type(obj).__name__.lower(),
                        **{f.name: enc(getattr(obj, f.name)) for f in dataclasses.fields(obj)
                           if not f.metadata.get("report_only")
                           and not (f.metadata.get("omit_default") and getattr(obj, f.name) == f.default)}}
            if isinstance(obj, list | tuple):
                return [enc(v) for v in obj]
            return obj
        body = {"width": enc(self.width), "height": enc(self.height), "background": self.background,
                "gradients": enc(self.gradients), "shapes": enc(self.shapes)}
        return json.dumps(body, indent=1, ensure_ascii=False) + "\n"
