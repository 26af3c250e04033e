"""`density:fit`: the page keeps its canvas's shape instead of growing taller.

A page whose content runs past the canvas's height is laid out again on the canvas scaled up by a
zoom: wider, so its text wraps into fewer lines, with type, padding and gaps kept in the page's own
units. Drawn at the canvas's size, everything reads smaller by that zoom: the dense sheets of the
library, set small rather than grown. The least zoom whose page is no taller than the zoomed
canvas is found by bisection (a page's height falls as it widens); past MAX_ZOOM the page grows,
as it would without fit, and so does a page whose content grows as fast as it widens (boxes kept
square).
"""
from __future__ import annotations

import dataclasses

from engine.compiler import grow
from engine.compiler.geometry import Layout
from engine.compiler.resolve import Bound
from engine.compiler.style import Style, sheet_margin

MAX_ZOOM = 2.5   # type at 2/5 of its size still reads on the canvas; smaller does not
SLACK = 0.5   # px: a page as tall as its canvas, give or take the float sums that placed it
PRECISION = 0.02   # the zoom found is at most 2 % more than the least that fits


def zoomed(style: Style, zoom: float) -> Style:
    """The style on a canvas `zoom` times the size (a sheet's margin stays its share of the width)."""
    width = style.width * zoom
    inset = style.inset - style.sheet + sheet_margin(width, style.background)
    return dataclasses.replace(style, width=width, min_height=style.min_height * zoom, inset=inset)


def arrange(layout: grow.Arrange, bound: list[Bound], style: Style) -> tuple[Layout, Style]:
    """The family's layout of `bound` and the style it was drawn in (zoomed under density:fit)."""
    placed = grow.arrange(layout, bound, style)
    if not style.fit or placed.height <= style.min_height + SLACK:
        return placed, style

    def fits(zoom: float) -> tuple[Layout, Style] | None:
        s = zoomed(style, zoom)
        page = grow.arrange(layout, bound, s)
        return (page, s) if page.height <= s.min_height + SLACK else None

    # a page as tall as its content fits at zoom height / canvas height unless its content grows as
    # the page widens, so the search starts there
    hi = min(placed.height / style.min_height, MAX_ZOOM)
    best = fits(hi)
    if best is None and hi < MAX_ZOOM:
        hi, best = MAX_ZOOM, fits(MAX_ZOOM)
    if best is None:   # content that grows as fast as the page widens: grown, as without fit
        return placed, style
    lo = 1.0
    while hi / lo > 1 + PRECISION:
        mid = (lo + hi) / 2
        if tried := fits(mid):
            hi, best = mid, tried
        else:
            lo = mid
    return best
