"""Scene attributes -> the numbers and colours layouts place things with.

Each top-level attribute maps to data here (sizes, spacings, palette); layout code reads a
`Style` and never branches on a theme name.
"""
from __future__ import annotations

from dataclasses import dataclass

from engine.compiler.themes import Palette, mix, palettes
from engine.dsl.frozen import quick_init
from engine.dsl.model import Scene
from engine.dsl.vocab import ACCENTS

# width, minimum height: aspect presets matching the asset library's formats (the canvas grows
# taller when content needs it). Widths differ too, so a canvas shows even when content sets the
# height.
CANVAS = {
    "wide": (1600, 900),        # 16:9 — timelines, overviews, intuition maps
    "tall": (1200, 1420),       # portrait posters
    "square": (1300, 1300),
    "landscape": (1500, 1000),  # 3:2 — matrices, trees, cheat sheets
    "standard": (1240, 930),    # 4:3 — format and memory maps
    "banner": (1500, 800),      # 15:8 — comparisons
    "panorama": (1400, 600),    # 7:3 — pipelines
    "portrait": (1000, 2000),   # 1:2 — long vertical explainers
    "strip": (1500, 500),       # 3:1 — one-row diagrams (three stages, a kernel's steps)
    "sheet": (1650, 1010),      # 1.63:1 — the wide explainer sheets a little taller than 16:9
    "half": (1700, 850),        # 2:1 — two-part explainers
    "poster": (1100, 1650),     # 2:3 — layer dataflows, weight layouts
}
INSET = {"sm": 28, "md": 52, "lg": 84}
# background:sheet: the page is a rounded sheet this share of the width in from the canvas's edges
# (the v7 training sheets: 30-44 px on 1400-1600 px pages), the inset counted from its edge
SHEET_MARGIN = 0.025
GAP = {"sm": 14, "md": 26, "lg": 44}
CELL_GAP = {**GAP, "xl": 110}  # a container's own gap (DSL v2): xl leaves room for a link's arrow
# density: (card padding, font scale, line height factor); fit spaces as compact does and keeps the
# canvas's shape (engine.compiler.fit)
DENSITY = {"compact": (16, 0.92, 1.24), "balanced": (24, 1.0, 1.34), "airy": (34, 1.1, 1.5),
           "fit": (16, 0.92, 1.24)}
LARGE = 1.25   # a size up from a role: a later header's headline, print:large
FONT = {"kicker": 15, "headline": 44, "subtitle": 20, "title": 21, "value": 34, "body": 16,
        "small": 13, "label": 15}


def sheet_margin(width: float, background: str) -> float:
    """How far in from the canvas's edges the page's sheet stands (0: no sheet)."""
    return round(width * SHEET_MARGIN) if background == "sheet" else 0   # an int: the geometry unchanged without one


@quick_init   # a family restyles per card and section: dozens of Styles per scene
@dataclass(frozen=True, slots=True)
class Style:
    palette: Palette
    tone: str
    canvas: str
    width: float
    min_height: float
    inset: float
    gap: float
    pad: float
    scale: float
    leading: float
    frame: str
    hero: str
    columns: int
    emphasis: str
    rail: str
    background: str
    connector: str
    topic: str
    layout: str
    fit: bool = False   # density:fit: the page is laid out wider until it keeps the canvas's shape
    # set by engine.compiler.grow, never by a scene attribute directly: the height each outermost
    # `height:fill` container adds to its own
    grow: float = 0.0

    def size(self, role: str) -> float:
        return round(FONT[role] * self.scale, 1)

    def larger(self, role: str) -> float:
        """A size up from `role` (print:large)."""
        return round(self.size(role) * LARGE, 1)

    def line_height(self, size: float) -> float:
        return round(size * self.leading, 1)

    def accent(self, name: str | None, index: int = 0) -> str:
        """Accent colour: a component's own, else the tone; `mixed` walks the accents in order."""
        if name is None:
            name = ACCENTS[index % len(ACCENTS)] if self.tone == "mixed" else self.tone
        return self.palette.accents[name]

    def tint(self, colour: str, amount: float = 0.16) -> str:
        """A surface lightly coloured by `colour` (table highlights, badges)."""
        return mix(self.palette.surface, colour, amount)

    @property
    def content_width(self) -> float:
        return self.width - 2 * self.inset

    @property
    def sheet(self) -> float:
        return sheet_margin(self.width, self.background)


def style_of(scene: Scene) -> Style:
    a = {x.key: x.value for x in scene.attrs}
    width, min_h = CANVAS[a["canvas"]]
    pad, scale, leading = DENSITY[a["density"]]
    return Style(
        palette=palettes()[a["theme"]], tone=a["tone"], canvas=a["canvas"], width=width,
        min_height=min_h, inset=INSET[a["inset"]] + sheet_margin(width, a["background"]), gap=GAP[a["gap"]],
        pad=pad, scale=scale,
        leading=leading, frame=a["frame"], hero=a["hero"], columns=int(a["columns"]),
        emphasis=a["emphasis"], rail=a["rail"], background=a["background"],
        connector=a["connector"], topic=a["topic"], layout=a["layout"], fit=a["density"] == "fit",
    )
