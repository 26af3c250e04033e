"""`height:fill` containers (DSL v2): the height the canvas has to spare, shared among them.

A family places sections down the page and the canvas grows with them, never below its minimum
height; what the content leaves free above the footer is the spare. The family's own code is not
asked for it: the page is arranged with every fill container given a probe height G and then 2G
(both past the canvas's minimum, so the page is as tall as its content). The difference says how
many fill containers stand one under another (k; side-by-side ones share a row and count once),
and the page's natural height follows; each then takes spare / k. Scenes without a fill
container are arranged once, as before.
"""
from __future__ import annotations

import dataclasses
from collections.abc import Callable

from engine.compiler.geometry import Layout
from engine.compiler.resolve import Bound
from engine.compiler.style import Style

Arrange = Callable[[list[Bound], Style], Layout]


def _fills(bound: list[Bound]) -> bool:
    return any(b.comp.attr("height") == "fill" or _fills(list(b.children)) for b in bound)


def arrange(layout: Arrange, bound: list[Bound], style: Style) -> Layout:
    """The family's layout of `bound`, its fill containers grown into the canvas's spare height."""
    if not _fills(bound):
        return layout(bound, style)
    probe = style.min_height
    once = layout(bound, dataclasses.replace(style, grow=probe)).height
    twice = layout(bound, dataclasses.replace(style, grow=2 * probe)).height
    stacked = (twice - once) / probe
    spare = style.min_height - (once - stacked * probe)
    grow = spare / stacked if stacked > 0.5 and spare > 1 else 0.0
    return layout(bound, dataclasses.replace(style, grow=grow))
