"""decision_tree: a header, then the decision tree on a stage panel across the page, then the
supporting sections (cards in `columns` columns, conclusion strip, badges, legend) in written
order below it (the v6.6 failure decision tree).

The tree is the argument here, so it always comes first whatever the written order. The stage
panel (skipped when frame is none) holds the tree and every section after it, as the asset's
frame holds its tree and its closing rule, and sets them apart from the page as poster_stack
never does. A scene that sets its tree in a `panel` (or `group`) chooses its own stage: the
family then draws none, and the sections after the container stand on the page. The tree flexes
to its canvas: height to spare opens the gaps between its levels and makes its boxes taller, so
it fills the canvas rather than leaving the bottom empty; a canvas a little short closes the
gaps (to a floor) before the canvas grows (tree._flex).
"""
from __future__ import annotations

from engine.compiler.geometry import Layout, Rect
from engine.compiler.page import Page
from engine.compiler.resolve import Bound
from engine.compiler.sections import GATHERED, RENDERERS, chrome, sections, tree
from engine.compiler.style import Style


def _place(bound: list[Bound], style: Style, grow: float) -> Page:
    """Every section placed, the tree's level gaps `grow` taller; the page is not closed yet."""
    s = style
    page = Page(style, bound)
    page.header()
    x, w = s.inset, s.content_width
    groups = sections(bound, frozenset(GATHERED | {"cards"}))
    groups.sort(key=lambda g: 0 if g[0] == "tree" else 1)  # stable: the rest keep written order
    # a tree the scene set in a container is staged by it: the family adds no stage of its own
    staged = s.frame != "none" and any(kind == "tree" for kind, _ in groups)
    pad = s.pad * 1.25 if staged else 0.0
    top, behind = page.y, len(page.out)
    y = top + pad
    for k, (kind, items) in enumerate(groups):
        if k:
            y += s.gap
        if kind == "tree":
            y += tree.render(page, items, x + pad, y, w - 2 * pad, grow=grow)
        else:
            y += RENDERERS[kind](page, items, x + pad, y, w - 2 * pad)
    if pad:
        page.out.insert(behind, Rect(x, top, w, y + pad - top, s.palette.background_2, s.palette.stroke, 1.5, 18,
                                     opacity=0.85, role="tree-stage"))
    page.y = y + pad
    return page


def arrange(bound: list[Bound], style: Style) -> Layout:
    page = _place(bound, style, 0.0)
    notes = [b for b in bound if b.name == "footer_note"]
    spare = style.min_height - (page.y + chrome.footer([], notes, 0, style) + style.inset * 0.8)
    if abs(spare) > 1 and any(b.name == "decision_node" for b in bound):
        page = _place(bound, style, spare)
    return page.finish()
