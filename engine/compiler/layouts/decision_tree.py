"""decision_tree: a header, then the decision tree on a stage panel across the page, then the
supporting sections (cards in `columns` columns, conclusion strip, badges, legend) in written
order below it (the v6.6 failure decision tree).

The tree is the argument here, so it always comes first whatever the written order; the stage
panel (skipped when frame is none) sets it apart from the page as poster_stack never does.
"""
from __future__ import annotations

from engine.compiler.geometry import Layout, Rect
from engine.compiler.page import GATHERED, Page, sections
from engine.compiler.resolve import Bound
from engine.compiler.sections import RENDERERS
from engine.compiler.style import Style


def arrange(bound: list[Bound], style: Style) -> Layout:
    page = Page(style, bound)
    page.header()
    x, w = style.inset, style.content_width
    groups = sections(bound, frozenset(GATHERED | {"cards"}))
    groups.sort(key=lambda s: 0 if s[0] == "tree" else 1)  # stable: the rest keep written order
    for kind, items in groups:
        render = _stage if kind == "tree" else RENDERERS[kind]
        page.y += render(page, items, x, page.y, w) + style.gap
    return page.finish()


def _stage(page: Page, items: list[Bound], x: float, y: float, w: float) -> float:
    """The tree inset on a panel drawn behind it; returns the panel's height."""
    s = page.style
    if s.frame == "none":
        return RENDERERS["tree"](page, items, x, y, w)
    pad = s.pad * 1.25
    behind = len(page.out)
    h = RENDERERS["tree"](page, items, x + pad, y + pad, w - 2 * pad) + 2 * pad
    page.out.insert(behind, Rect(x, y, w, h, s.palette.background_2, s.palette.stroke, 1.5, 18,
                                 opacity=0.85, role="tree-stage"))
    return h
