"""The tree section: decision_node and decision_edge components drawn as a tidy tree.

The graph comes from the topology refs (SPEC.md §2, seed "Topology Refs vs Content Refs"):
edges are read in written order; an edge naming an unknown node, a second parent for a node, or
an edge that would close a cycle is ignored, so any input gives a forest. A node with no parent is
a root; roots stand side by side in written order.

Placement is Reingold–Tilford style: each subtree is pushed right just far enough to clear its
left neighbours at every shared depth (unit spacing between node centres), its parent is centred
over its first and last child, and the left-packed and right-packed positions are averaged so a
small subtree between two big ones sits evenly between them. Units become pixels once the widest
span is known: node width follows from the available width, and text wraps to it.

Render in a family: `render(page, items, x, y, w) -> height`.
"""
from __future__ import annotations

from dataclasses import dataclass

from engine.compiler.draw import anchor_of, box, connector, cut_warning, fill_of, overflow, text_block
from engine.compiler.geometry import Circle, Rect, Shape, Text
from engine.compiler.resolve import Bound, Slot
from engine.compiler.style import Style
from engine.compiler.text import text_width, wrap
from engine.compiler.themes import ink_on, mix

FOREST_SEP = 1.25     # roots stand a little further apart than siblings, so trees read as separate
MAX_NODE_W = 440.0    # a lone chain of nodes should not stretch across a wide canvas
FULL_NODE_W = 250.0   # below this width node text steps down in size, to a floor
ROOT_TAG = "START"    # chrome, like a card's check mark: marks the entry point of the tree
SIBLING_GAP = 0.17   # the least gap between sibling nodes, in node widths (the asset: 80 / 460)
BAND_MAX = 0.8       # a gap between levels grows to at most this much of the mean level height
BAND_FLOOR = 56.0    # the least natural gap between levels: an edge with its arrowhead
BAND_MIN = 36.0      # what a gap may close to when the canvas is short of height
OUTCOME_ACCENT = "green"  # outcomes read as success, as a success card does
NARROW = 0.8  # a [width:narrow] node's width, in the tree's node widths (centred on its place)
END_CLEAR = 10.0      # [at:end]: from an edge label's pill to the child's top, room for the arrowhead
PILL_LINES = 2        # an edge label longer than this is cut: the pill sits on a short stretch of edge


@dataclass
class Tree:
    """A forest over the decision nodes (indices into `nodes`, which keeps written order)."""

    nodes: list[Bound]
    children: list[list[int]]
    parent: list[int | None]
    label: dict[int, Bound]   # child index -> the edge that attached it (holds its branch label)
    roots: list[int]
    unused: list[Bound]       # edges that join no tree (an unknown end, a second parent, a cycle)


def build(items: list[Bound]) -> Tree:
    """The forest the edges describe; what cannot be part of a tree is dropped, deterministically."""
    nodes = [b for b in items if b.name == "decision_node"]
    ids: dict[str, int] = {}
    for i, b in enumerate(nodes):
        node_id = b.comp.topo_id("node_id")
        if node_id is not None and node_id not in ids:  # a duplicate id stays an unlinked node
            ids[node_id] = i
    children: list[list[int]] = [[] for _ in nodes]
    parent: list[int | None] = [None] * len(nodes)
    label: dict[int, Bound] = {}
    unused: list[Bound] = []
    for e in (b for b in items if b.name == "decision_edge"):
        a, c = ids.get(e.comp.topo_id("from_ref") or ""), ids.get(e.comp.topo_id("to_ref") or "")
        if a is None or c is None or parent[c] is not None or _is_ancestor(c, a, parent):
            unused.append(e)
            continue
        parent[c] = a
        children[a].append(c)
        label[c] = e
    roots = [i for i, p in enumerate(parent) if p is None]
    return Tree(nodes, children, parent, label, roots, unused)


def _is_ancestor(a: int, b: int, parent: list[int | None]) -> bool:
    """Whether `a` is `b` or above it (an edge b -> a would then close a cycle)."""
    n: int | None = b
    while n is not None:
        if n == a:
            return True
        n = parent[n]
    return False


def variant_of(tree: Tree, i: int) -> str:
    """The node's written variant, else what its place in the tree says it is."""
    written = tree.nodes[i].comp.attr("variant")
    if written:
        return written
    if tree.parent[i] is None:
        return "root"
    return "branch" if tree.children[i] else "leaf"


# --- placement in units (1 unit = distance between sibling centres) -------------------------

Contour = list[tuple[float, float]]  # per depth below a subtree's root: leftmost, rightmost centre


def _pack(contours: list[Contour], sep: float) -> list[float]:
    """Left-packed offsets: each subtree clears everything left of it by `sep` at shared depths."""
    offsets: list[float] = []
    right: list[float] = []
    for c in contours:
        off = max((right[d] - c[d][0] + sep for d in range(min(len(right), len(c)))), default=0.0)
        offsets.append(off)
        for d, (_, hi) in enumerate(c):
            if d < len(right):
                right[d] = max(right[d], off + hi)
            else:
                right.append(off + hi)
    return offsets


def _spread(contours: list[Contour], sep: float) -> list[float]:
    """Offsets halfway between left- and right-packing: both satisfy every spacing constraint,
    so their mean does too, and subtrees in the middle no longer crowd to the left."""
    left = _pack(contours, sep)
    mirrored = [[(-hi, -lo) for lo, hi in c] for c in reversed(contours)]
    right = [left[-1] - o for o in reversed(_pack(mirrored, sep))]
    return [(a + b) / 2 for a, b in zip(left, right)]


def place(tree: Tree) -> tuple[list[float], list[int]]:
    """Each node's centre in units (leftmost at 0) and its depth. Iterative, so a long chain
    of nodes cannot exhaust Python's recursion limit."""
    order: list[int] = []
    stack = list(reversed(tree.roots))
    while stack:  # pre-order: parents before children
        n = stack.pop()
        order.append(n)
        stack.extend(reversed(tree.children[n]))
    rel = [0.0] * len(tree.nodes)
    contour: list[Contour] = [[(0.0, 0.0)] for _ in tree.nodes]
    for n in reversed(order):  # children before parents
        kids = tree.children[n]
        if not kids:
            continue
        offs = _spread([contour[k] for k in kids], 1.0)
        mid = (offs[0] + offs[-1]) / 2
        merged: Contour = [(0.0, 0.0)]
        for k, o in zip(kids, offs):
            rel[k] = o - mid
            for d, (lo, hi) in enumerate(contour[k], start=1):
                lo, hi = lo + rel[k], hi + rel[k]
                if d < len(merged):
                    merged[d] = (min(merged[d][0], lo), max(merged[d][1], hi))
                else:
                    merged.append((lo, hi))
        contour[n] = merged
    for r, o in zip(tree.roots, _spread([contour[r] for r in tree.roots], FOREST_SEP)):
        rel[r] = o
    xs, depth = [0.0] * len(tree.nodes), [0] * len(tree.nodes)
    for n in order:
        p = tree.parent[n]
        xs[n] = rel[n] + (xs[p] if p is not None else 0.0)
        depth[n] = depth[p] + 1 if p is not None else 0
    low = min(xs)
    return [v - low for v in xs], depth


# --- pixels ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class Metrics:
    node_w: float
    step: float       # pixels per unit
    title: float      # font sizes
    body: float
    label: float
    pill_w: float     # widest an edge label pill may be without touching a neighbour's


def metrics(span: float, w: float, style: Style) -> Metrics:
    """Node width from the available width and the widest span: span*step + node_w == w."""
    gap = min(style.gap, w / (span + 1) * 0.12)  # wide levels narrow the gaps too, never below 0
    # ... but siblings stand at least SIBLING_GAP of a node apart, so each box reads on its own
    node_w = min(MAX_NODE_W, (w - span * gap) / (span + 1), w / (span + 1 + span * SIBLING_GAP))
    gap = max(gap, (w - (span + 1) * node_w) / span if span else 0.0) if node_w < MAX_NODE_W else gap
    step = node_w + gap
    if span and node_w == MAX_NODE_W:  # room to spare: spread the tree rather than huddle it
        step = min((w - node_w) / span, node_w * 1.5)
    shrink = max(0.72, min(1.0, node_w / FULL_NODE_W))
    label = round(style.size("small") * max(shrink, 0.85), 1)
    # Sibling edges meet the band at least step/2 apart (edges of a tidy tree never cross).
    pill_w = max(label * 2, min(node_w, step / 2 - 10))
    return Metrics(node_w, step, round(style.size("title") * shrink, 1),
                   round(style.size("body") * 0.95 * shrink, 1), label, pill_w)


def _colours(variant: str, accent: str, style: Style) -> tuple[str | None, str | None, str, str]:
    """(fill, stroke, rail colour, title colour) of a node by variant."""
    p = style.palette
    return {
        "root": (p.surface_2, accent, accent, p.text),
        "branch": (None, None, accent, mix(p.text, accent, 0.45)),
        "leaf": (mix(p.surface, p.background, 0.45), None, p.stroke, p.text),
        "outcome": (style.tint(accent, 0.16), accent, accent, accent),
    }[variant]


def node(out: list[Shape], b: Bound, variant: str, x: float, y: float, w: float, m: Metrics,
         style: Style, min_h: float = 0.0) -> float:
    """Draw one decision node at (x, y), `w` wide and at least `min_h` tall; returns its height."""
    p = style.palette
    own = b.comp.attr("accent")
    accent = style.accent(own or (OUTCOME_ACCENT if variant == "outcome" else None), b.order)
    fill, stroke, rail, title_fill = _colours(variant, accent, style)
    if own:  # a node's own accent (v2) marks it: its title and rail take it, whatever its variant
        title_fill, rail = accent, accent
    fill = fill_of(style, accent, b.comp.attr("fill"), fill)
    pad = min(style.pad, max(8.0, w * 0.09))  # the scene's padding, less in narrow nodes
    left = pad + (8 if style.emphasis == "left" and style.rail != "none" else 0)  # clear a left rail
    tx, tw = x + left, w - left - pad
    anchor = anchor_of(style)
    body: list[Shape] = []
    first = y + pad * 0.8 + (4 if style.emphasis == "top" and style.rail != "none" else 0)
    cy = first + (_tag(body, tx, first, tw, anchor, accent, m.label) if variant == "root" else 0.0)
    mark = variant == "outcome" and tw > 3 * m.title
    room = m.title * 1.6 if mark else 0.0  # keep the title clear of the check mark
    title_x, title_w = (tx + room, tw - 2 * room) if anchor == "middle" else (tx, tw - room)
    size = round(m.title * 1.12, 1) if variant == "root" else m.title  # the question the tree answers
    cy += text_block(body, title_x, cy, title_w, b.text("title"), size, title_fill, style, bold=True,
                     anchor=anchor, max_lines=3, role="node-title") + 4
    cy += text_block(body, tx, cy, tw, b.text("body"), m.body, p.text_muted, style, anchor=anchor,
                     max_lines=6, role="node-body")
    h = max(cy - y + pad * 0.8, min_h)
    outline = b.comp.attr("outline")
    if outline and outline != "none":  # an outline of its own is drawn in the node's accent
        stroke = accent
    box(out, x, y, w, h, style, rail, fill=fill, stroke=stroke, role="decision_node",
        outline=outline, node=b.comp.topo_id("node_id"))
    if mark:
        r = m.title * 0.62
        mx, my = x + w - pad - r, first + r
        out.append(Circle(mx, my, r, accent, role="mark"))
        out.append(Text(mx, my + r * 0.42, "\u2713", round(r * 1.15, 1), p.surface, True, "middle",
                        role="mark"))
    out.extend(body)
    return h


def _tag(out: list[Shape], x: float, y: float, w: float, anchor: str, accent: str, size: float) -> float:
    """The root's accent-filled tag; returns the height it took (0 when the node is too narrow)."""
    tw = text_width(ROOT_TAG, size, True) + size * 1.4
    if tw > w:
        return 0.0
    h = size + 10
    left = x + (w - tw) / 2 if anchor == "middle" else x
    ink = ink_on(accent)
    out.append(Rect(left, y, tw, h, accent, rx=h / 2, role="node-tag"))
    out.append(Text(left + tw / 2, y + h / 2 + size * 0.36, ROOT_TAG, size, ink, True, "middle",
                    role="node-tag"))
    return h + 8


def _pill_lines(e: Bound, m: Metrics) -> tuple[str, ...]:
    """An edge's label wrapped to fit its pill (PILL_LINES at most); none when it has no label."""
    slot = e.text("branch_label")
    if slot is None or not slot.text:
        return ()
    return wrap(slot.text, _pill_room(m), m.label, True, PILL_LINES)


def _pill_room(m: Metrics) -> float:
    """Width of the text inside an edge's pill."""
    return m.pill_w - m.label * 1.4


def _pill_height(lines: tuple[str, ...], m: Metrics, style: Style) -> float:
    return style.line_height(m.label) * len(lines) + 8 if lines else 0.0


def pill(out: list[Shape], lines: tuple[str, ...], slot: Slot, cx: float, cy: float, colour: str,
         m: Metrics, style: Style) -> None:
    """An edge's branch label (`lines` of `slot`) in a rounded pill centred on (cx, cy)."""
    p = style.palette
    lh = style.line_height(m.label)
    w = max(text_width(s, m.label, True) for s in lines) + m.label * 1.4
    h = _pill_height(lines, m, style)
    out.append(Rect(cx - w / 2, cy - h / 2, w, h, p.surface_2, colour, 1.2, min(h / 2, 12),
                    role="edge_label"))
    ink = p.accents["red"] if slot.missing else p.text
    first = cy - h / 2 + 4 + (lh - m.label) / 2 + m.label * 0.8
    cut = overflow(slot, _pill_room(m), m.label, True, PILL_LINES)
    for i, line in enumerate(lines):
        out.append(Text(cx, first + i * lh, line, m.label, ink, True, "middle", placeholder=slot.missing,
                        role="edge_label", cut=cut if i == len(lines) - 1 else None))


def level_widths(depth: list[int], m: Metrics) -> list[float]:
    """Node width per level: one width for the whole tree, so its boxes read as one grid (the
    asset's eight boxes are all 460 px wide, the lone root and the lone finish included)."""
    return [m.node_w] * (max(depth) + 1)


def _flex(band: list[float], floor: list[float], level_h: list[float], grow: float
          ) -> tuple[list[float], list[float]]:
    """Gaps between levels (and the levels under the root) given `grow` more height, or less.

    Less: the gaps close evenly, never below their `floor`. More: half opens the gaps, each to at
    most BAND_MAX of the mean level height; the rest, and what the gaps cannot take, makes the
    levels taller (a tree fills its canvas with its boxes, as the asset does, rather than air).
    >>> _flex([60.0, 60.0], [40.0, 40.0], [100.0, 100.0], -20.0)
    ([50.0, 50.0], [100.0, 100.0])
    >>> _flex([60.0], [40.0], [100.0, 60.0], 30.0)
    ([64.0], [113.0, 73.0])
    """
    if grow < 0:
        room = sum(b - f for b, f in zip(band, floor))
        keep = max(0.0, 1 + grow / room) if room > 0 else 1.0
        return [f + (b - f) * keep for b, f in zip(band, floor)], level_h
    cap = BAND_MAX * sum(level_h) / len(level_h)
    opened = [max(b, min(b + grow / 2 / len(band), cap)) for b in band]
    rest = grow - sum(o - b for o, b in zip(opened, band))
    return opened, [h + rest / len(level_h) for h in level_h]


def render(page, items: list[Bound], x: float, y: float, w: float, *, grow: float = 0.0) -> float:
    """The tree in a column; `grow` is height to add (a family filling its canvas) or, when
    negative, to give back (a family keeping its canvas): see `_flex`."""
    style: Style = page.style
    tree = build(items)
    for e in tree.unused:  # its branch label has no edge to stand on
        slot = e.text("branch_label")
        if slot and slot.text and not slot.missing:
            page.dropped.append(cut_warning(slot, "left out: its edge joins no tree (an unknown end, "
                                                  "a second parent or a cycle)"))
    if not tree.nodes:
        return 0.0
    units, depth = place(tree)
    span = max(units)
    m = metrics(span, w, style)
    left = x + (w - span * m.step - m.node_w) / 2
    cx = [left + m.node_w / 2 + u * m.step for u in units]
    width = level_widths(depth, m)
    variants = [variant_of(tree, i) for i in range(len(tree.nodes))]
    level_h = [0.0] * len(width)
    own = [width[depth[i]] * (NARROW if b.comp.attr("width") == "narrow" else 1.0) for i, b in enumerate(tree.nodes)]
    for i, b in enumerate(tree.nodes):
        d = depth[i]
        level_h[d] = max(level_h[d], node([], b, variants[i], 0, 0, own[i], m, style))
    labels = {c: _pill_lines(e, m) for c, e in tree.label.items()}
    # band[d]: the gap above level d, room for a pill with a stretch of edge and arrow each side
    band = [max(style.gap * 2.4, BAND_FLOOR)] * len(width)
    floor = [BAND_MIN] * len(width)
    for c, lines in labels.items():
        band[depth[c]] = max(band[depth[c]], _pill_height(lines, m, style) + 48)
        floor[depth[c]] = max(floor[depth[c]], _pill_height(lines, m, style) + 24)
    if grow and len(band) > 1:
        band[1:], level_h[1:] = _flex(band[1:], floor[1:], level_h[1:], grow)
    top = [y] * len(width)
    for d in range(1, len(width)):
        top[d] = top[d - 1] + level_h[d - 1] + band[d]
    bottom = [t + h for t, h in zip(top, level_h)]
    arrow_gap = 4 if style.connector == "arrow" else 0  # the marker's tip reaches past the line end
    # the way into an outcome takes the outcome's colour: the success path reads at a glance
    colour = {c: style.accent(OUTCOME_ACCENT) if variants[c] == "outcome" else style.palette.text_muted
              for c in tree.label}
    for c in sorted(tree.label):
        p = tree.parent[c]
        connector(page.out, (cx[p], bottom[depth[p]]), (cx[c], top[depth[c]] - arrow_gap), style, colour[c],
                  role="tree-edge", bend="vertical")
    for i, b in enumerate(tree.nodes):
        d = depth[i]
        node(page.out, b, variants[i], cx[i] - own[i] / 2, top[d], own[i], m, style, level_h[d])
    for c in sorted(labels):
        if labels[c]:
            p = tree.parent[c]
            edge = tree.label[c]
            if edge.comp.attr("at") == "end":  # on the drop into the child, just over its arrowhead
                at = (cx[c], top[depth[c]] - arrow_gap - END_CLEAR - _pill_height(labels[c], m, style) / 2)
            else:
                at = ((cx[p] + cx[c]) / 2, (bottom[depth[p]] + top[depth[c]]) / 2)
            pill(page.out, labels[c], edge.text("branch_label"), *at, colour[c], m, style)
    return bottom[-1] - y
