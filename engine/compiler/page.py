"""The page every family builds on: background, header band, sections stacked down, footer.

A family decides which sections exist (engine.compiler.sections.sections groups components into
them) and where they go; `Page` keeps the running y, the shapes and the gradients, and closes the
canvas (height grows with content, never below the canvas's minimum).
"""
from __future__ import annotations

from collections.abc import Callable

from engine.compiler.geometry import Gradient, Layout, Shape, shift
from engine.compiler.resolve import Bound
from engine.compiler.sections import chrome, in_title
from engine.compiler.style import Style
from engine.diagnostics import Diagnostic

Renderer = Callable[["Page", list[Bound], float, float, float], float]


class Page:
    def __init__(self, style: Style, bound: list[Bound]):
        self.style = style
        self.bound = bound
        self.out: list[Shape] = []
        self.gradients: list[Gradient] = []
        self.y = 0.0
        self.header_bottom = 0.0
        self.dropped: list[Diagnostic] = []  # texts left out for want of room (Layout.dropped)
        # measured heights, shared by this page's scratch and restyled pages (sections/container.py)
        self.measured: dict[tuple, tuple[float, object]] = {}

    def restyled(self, style: Style) -> "Page":
        """This page, drawing into the same shapes, in another style (text inside a strong fill)."""
        if style is self.style:
            return self
        page = Page(style, self.bound)
        page.out, page.gradients, page.dropped, page.y = self.out, self.gradients, self.dropped, self.y
        page.measured = self.measured
        return page

    def scratch(self) -> "Page":
        """A page that draws nowhere, for measuring."""
        page = Page(self.style, self.bound)
        page.measured = self.measured
        return page

    def footer_room(self) -> float:
        """What finish needs below the last section for the footer, read off finish itself (a probe
        page whose content already runs past the canvas's minimum height): the room a family that
        fills its canvas leaves for it."""
        probe = self.scratch()
        probe.y = self.style.min_height
        return probe.finish().height - probe.y

    def measure(self, render: Renderer, items: list[Bound], w: float) -> float:
        return render(self.scratch(), items, 0.0, 0.0, w)

    def header(self, band: bool = True) -> None:
        """The page header; `band` is the family's default, which [band:solid|open] overrides."""
        h = next((b for b in self.bound if b.name == "header_band"), None)
        said = h.comp.attr("band") if h is not None else None
        if said:
            band = said == "solid"
        keys = [b for b in self.bound if in_title(b)] if h is not None else []
        self.header_bottom = chrome.header(self.out, self.gradients, h, self.style, band=band,
                                           boxed=said == "box", bare=said == "bare", keys=keys)
        self.y = self.header_bottom + self.style.gap * 1.4

    def finish(self) -> Layout:
        s = self.style
        notes = [b for b in self.bound if b.name == "footer_note"]
        foot: list[Shape] = []
        foot_h = chrome.footer(foot, notes, 0, s)
        height = max(s.min_height, self.y + foot_h + s.inset * 0.8)
        foot_top = height - s.inset * 0.6 - foot_h
        self.out.extend(shift(x, 0, foot_top) for x in foot)
        back: list[Shape] = []
        chrome.background(back, self.gradients, s.width, height, s)
        return Layout(s.width, height, "url:bg", back + self.out, self.gradients, self.dropped)
