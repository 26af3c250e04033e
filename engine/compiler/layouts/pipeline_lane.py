"""pipeline_lane: a process read left to right (the pipeline-overview and ir-lowering-pipeline
assets).

Top to bottom: the header; the lane of numbered stages on a full-bleed track, whatever the order
the stages were written in among other components; then every other section in written order,
cards in a grid of `columns` (inputs, outputs, gates), strips, badges and legends.
"""
from __future__ import annotations

from engine.compiler.geometry import Layout, Line, Rect
from engine.compiler.page import Page, sections
from engine.compiler.resolve import Bound
from engine.compiler.sections import RENDERERS
from engine.compiler.style import Style


def _track(page: Page, mark: int, top: float, bottom: float) -> None:
    """The lane's full-bleed band, slipped under the stages already drawn from `mark` on."""
    s = page.style
    p = s.palette
    band = [Rect(0, top, s.width, bottom - top, p.surface_2, opacity=0.55, role="track"),
            Line(((0, top), (s.width, top)), p.stroke, 1, role="track"),
            Line(((0, bottom), (s.width, bottom)), p.stroke, 1, role="track")]
    page.out[mark:mark] = band


def arrange(bound: list[Bound], style: Style) -> Layout:
    page = Page(style, bound)
    page.header()
    x, w = style.inset, style.content_width
    groups = sections(bound)
    groups.sort(key=lambda g: g[0] != "flow")  # stable: the lane leads, the rest keep their order
    for kind, items in groups:
        if kind == "flow":
            mark, margin = len(page.out), page.y - page.header_bottom
            h = RENDERERS[kind](page, items, x, page.y, w)
            _track(page, mark, page.y - margin, page.y + h + margin)
            page.y += h + margin + style.gap
        else:
            page.y += RENDERERS[kind](page, items, x, page.y, w) + style.gap
    return page.finish()
