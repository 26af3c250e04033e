"""Section renderers: each draws one kind of section into a column and returns its height.

Signature: render(page, items, x, y, w) -> height. Families look them up here by section kind
(SECTION_OF), so a component renders the same way in every family that shows it, and inside a
container (sections/container.py) as on the page.
"""
from __future__ import annotations

from engine.compiler.geometry import ANCHOR, Rect
from engine.compiler.resolve import Bound
from engine.compiler.sections import (bars, cards, chart, chrome, container, flow, regions, strip, table,
                                      text_runs, timeline, tree)

# Which section a component belongs to. Sections in GATHERED take every component of their kind
# wherever it was written (one table, one tree, one chart per scene, or per container); cards
# and lines group by runs.
SECTION_OF = {
    "section_card": "cards", "callout_card": "cards", "thesis_box": "cards",
    "compare_bar": "bars", "span_bracket": "bars",
    "table_header": "table", "table_row": "table",
    "stage_card": "flow", "flow_arrow": "flow",
    "decision_node": "tree", "decision_edge": "tree",
    "badge_pill": "badges", "legend_row": "legend",
    "conclusion_strip": "strip", "header_band": "heading", "footer_note": "footer",
    "text_line": "lines", "kv_row": "lines",
    "panel": "container", "group": "container", "disc": "disc",
    "milestone": "timeline", "phase": "timeline",
    "region_stack": "map", "region": "regions", "segment": "segments",
    "chart": "chart", "series": "chart", "category": "chart",   # a chart draws its own parts
}
GATHERED = {"bars", "table", "flow", "tree", "badges", "legend", "timeline"}
# Sections that take a run of consecutive components of their kind (a card grid, a block of lines).
RUNS = {"cards", "lines", "regions", "segments"}

Section = tuple[str, list[Bound]]


def in_title(b: Bound) -> bool:
    """A key the page's title block holds (legend_row place:title), drawn by Page.header."""
    return b.name == "legend_row" and b.comp.attr("place") == "title"


def sections(bound: list[Bound], gather: frozenset[str] = frozenset(GATHERED)) -> list[Section]:
    """Components (less the page header, the keys it holds and footer notes) grouped into
    sections, in order. A container's children have no header: a title key there stands in place."""
    out: list[Section] = []
    first: dict[str, list[Bound]] = {}
    titled = any(b.name == "header_band" for b in bound)
    header_seen = False
    for b in bound:
        kind = SECTION_OF[b.name]
        if kind == "footer" or (kind == "heading" and not header_seen) or (titled and in_title(b)):
            header_seen = header_seen or kind == "heading"
            continue
        if kind in gather:
            if kind in first:
                first[kind].append(b)
            else:
                first[kind] = [b]
                out.append((kind, first[kind]))
        elif kind in RUNS and out and out[-1][0] == kind:
            out[-1][1].append(b)
        else:
            out.append((kind, [b]))
    return out


def _cards(page, items, x, y, w):
    return cards.grid(page.out, items, x, y, w, page.style)


def _badges(page, items, x, y, w):
    return chrome.badges(page.out, items, x, y, w, page.style)


def _legend(page, items, x, y, w):
    return chrome.legend(page.out, items, x, y, w, page.style)


def _strip(page, items, x, y, w):
    return chrome.strip(page.out, page.gradients, items[0], x, y, w, page.style)


def _disc(page, items, x, y, w):
    return chrome.disc(page.out, items[0], x, y, w, page.style)


def _heading(page, items, x, y, w):
    return chrome.heading(page.out, items[0], x, y, w, page.style)


def _anchored(render):
    """`render`, recording where a section of one component with a node_id stands when the
    renderer drew no box for it (a group, a line of text): an anchor box a link can reach."""
    def draw(page, items, x, y, w, **options):
        mark = len(page.out)
        h = render(page, items, x, y, w, **options)
        node = items[0].comp.topo_id("node_id") if len(items) == 1 else None
        if node and not any(isinstance(s, Rect) and s.node == node for s in page.out[mark:]):
            page.out.append(Rect(x, y, w, h, "none", role=ANCHOR, node=node))
        return h
    return draw


RENDERERS = {kind: _anchored(render) for kind, render in {
    "cards": _cards, "badges": _badges, "legend": _legend, "strip": _strip, "heading": _heading, "disc": _disc,
    "bars": bars.render, "table": table.render, "flow": flow.render, "tree": tree.render,
    "lines": text_runs.render, "container": container.render, "timeline": timeline.render,
    "chart": chart.render, "map": regions.stack, "regions": regions.render, "segments": strip.render}.items()}
