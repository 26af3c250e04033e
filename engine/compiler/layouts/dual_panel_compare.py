"""dual_panel_compare: two (or three) panels side by side, compared (the scratch-vs-persistent,
logic-vs-memory and comparison-diagram references).

The title is set open on the page (centred: the family's hero), as the references set it. Panels
written one after another at the top level are the sides of a comparison: they stand in one row
of equal columns, twice the scene's gap apart, and a `disc` written between two of them stands
on the gutter between them, centred on the row (the gutter widens when the disc would otherwise
reach a panel's text). Every other section, a panel written alone among them, and a disc not
between two sides, stands full width above or below in written order (a thesis above, a
conclusion strip below). The page fills its canvas: the height the other sections leave goes to
the rows of sides, whose panels all stretch to it, their content at the top (or spread over it:
the panel's arrange:spread, sections/container.py).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from engine.compiler.geometry import Layout
from engine.compiler.page import Page
from engine.compiler.resolve import Bound
from engine.compiler.sections import RENDERERS, Section, chrome, sections
from engine.compiler.style import Style

GUTTER = 2.0  # the space between two sides, in the scene's gap


@dataclass
class Row:
    """A run of sides: panels written one after another, and the discs written between them
    (discs[i] stands between sides i and i + 1)."""

    sides: list[Bound]
    discs: dict[int, Bound] = field(default_factory=dict)


Block = Row | Section


def _blocks(groups: list[Section]) -> list[Block]:
    """The sections with every run of top-level panels (discs between them) made one row."""
    out: list[Block] = []
    pending: Bound | None = None   # a disc after a side, waiting for the next side
    for kind, items in groups:
        b = items[0]
        row = out[-1] if out and isinstance(out[-1], Row) else None
        if b.name == "panel" and row is not None:
            if pending is not None:
                row.discs[len(row.sides) - 1], pending = pending, None
            row.sides.append(b)
        elif b.name == "disc" and row is not None and pending is None:
            pending = b
        else:
            if pending is not None:
                out.append(("disc", [pending]))
                pending = None
            out.append(Row([b]) if b.name == "panel" else (kind, items))
    if pending is not None:
        out.append(("disc", [pending]))
    return out


def _gutter(row: Row, style: Style) -> float:
    """The space between two sides: GUTTER gaps, or wider when a disc would reach into a side
    past its padding."""
    widest = max((2 * chrome.disc_radius(d, style) - style.pad for d in row.discs.values()), default=0.0)
    return max(GUTTER * style.gap, widest)


def _row(page: Page, row: Row, x: float, y: float, w: float, min_h: float = 0.0) -> float:
    """The sides at (x, y) in equal columns, all as tall as the tallest (and at least `min_h`),
    each disc on the middle of its gutter; returns the row's height."""
    style = page.style
    gutter = _gutter(row, style)
    n = len(row.sides)
    cw = (w - gutter * (n - 1)) / n
    render = RENDERERS["container"]
    h = max([min_h] + [render(page.scratch(), [b], 0.0, 0.0, cw) for b in row.sides])
    for i, b in enumerate(row.sides):
        render(page, [b], x + i * (cw + gutter), y, cw, min_h=h)
    for i, d in row.discs.items():
        chrome.disc_at(page.out, d, x + (i + 1) * cw + (i + 0.5) * gutter, y + h / 2, style, cw)
    return h


def _draw(page: Page, blk: Block, x: float, y: float, w: float, min_h: float = 0.0) -> float:
    if isinstance(blk, Row):
        return _row(page, blk, x, y, w, min_h)
    kind, items = blk
    return RENDERERS[kind](page, items, x, y, w)


def arrange(bound: list[Bound], style: Style) -> Layout:
    page = Page(style, bound)
    page.header(band=False)
    x, w = style.inset, style.content_width
    blocks = _blocks(sections(bound))
    natural = [_draw(page.scratch(), blk, x, 0.0, w) for blk in blocks]
    rows = sum(isinstance(blk, Row) for blk in blocks)
    spare = (style.min_height - page.footer_room() - page.y - sum(natural)
             - style.gap * max(len(blocks) - 1, 0))
    for i, (blk, h) in enumerate(zip(blocks, natural)):
        page.y += style.gap if i else 0.0
        grow = max(spare, 0.0) / rows if isinstance(blk, Row) else 0.0
        page.y += _draw(page, blk, x, page.y, w, h + grow)
    # No gap after the last section: the footer's own margin already sets it off.
    return page.finish()
