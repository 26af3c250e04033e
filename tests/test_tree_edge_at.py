"""decision_edge [at:end] sets the branch label on the drop into the child, just over its
arrowhead (where hand-drawn trees put it), not half-way along the edge; decision_node
[width:narrow] draws a box narrower on its place, so siblings stand further apart. Each changes the
raster; no pill overlaps a node or another pill, no text leaves its box."""
from __future__ import annotations

import pytest

from engine.compiler.geometry import Rect
from engine.dsl import load
from layout_checks import _overlap, assert_no_overlap, assert_text_inside, box_of, compile_resolved, rects
from test_containers import _visibly_different

NODES = ["root", "a", "b", "c", "d", "e"]
EDGES = [("root", "a"), ("root", "b"), ("root", "c"), ("b", "d"), ("b", "e")]
CONTENT = {"header_band": [{"headline": "H"}],
           "nodes": {n: {"title": f"Node {n}", "body": "a line of body text"} for n in NODES},
           "edges": {f"{p}_{c}": f"if {c}" for p, c in EDGES}}


def _compiled(at: str, connector: str = "arrow", canvas: str = "landscape", narrow: frozenset = frozenset()):
    nodes = " ".join(f"[decision_node] [node_id:{n}] {'[width:narrow] ' if n in narrow else ''}"
                     f"[title_ref:nodes.{n}.title] [body_ref:nodes.{n}.body] [/decision_node]" for n in NODES)
    attr = f"[at:{at}] " if at else ""
    edges = " ".join(f"[decision_edge] [from_ref:{p}] [to_ref:{c}] {attr}[branch_label_ref:edges.{p}_{c}] "
                     "[/decision_edge]" for p, c in EDGES)
    doc = load(f"[scene] [canvas:{canvas}] [layout:decision_tree] [connector:{connector}] "
               f"[header_band:@header_band.0.headline] {nodes} {edges} [/scene]")
    assert not doc.errors, [d.format() for d in doc.errors]
    return compile_resolved(doc.scene, CONTENT)


def _pills(layout) -> list[Rect]:
    return [s for s in layout.shapes if isinstance(s, Rect) and s.role == "edge_label"]


@pytest.mark.parametrize("connector", ["arrow", "bracket", "line", "curve"])
@pytest.mark.parametrize("canvas", ["landscape", "tall"])
def test_an_end_label_stands_over_its_child_and_overlaps_nothing(connector, canvas):
    middle, end = _compiled("", connector, canvas), _compiled("end", connector, canvas)
    assert _compiled("middle", connector, canvas).layout == middle.layout   # middle: the omitted value
    assert _visibly_different(middle.svg, end.svg)
    nodes = rects(end.layout, {"decision_node"})
    pills = _pills(end.layout)
    assert len(pills) == len(EDGES)
    for pill in pills:
        cx = pill.x + pill.w / 2
        child = min((n for n in nodes if n.y > pill.y), key=lambda n: (n.y, abs(n.x + n.w / 2 - cx)))
        assert cx == pytest.approx(child.x + child.w / 2)           # on the drop into the child
        assert 0 < child.y - (pill.y + pill.h) < 20                  # just over it, the arrowhead between
    for a in pills:
        assert not any(_overlap(box_of(a), box_of(n)) for n in nodes)
        assert not any(_overlap(box_of(a), box_of(b)) for b in pills if b is not a)


@pytest.mark.parametrize("narrow", [frozenset(NODES), frozenset({"b"}), frozenset({"root", "d"})])
@pytest.mark.parametrize("canvas", ["landscape", "tall"])
def test_a_narrow_node_is_narrower_on_its_own_place(narrow, canvas):
    plain, thin = _compiled("end", canvas=canvas), _compiled("end", canvas=canvas, narrow=narrow)
    assert _visibly_different(plain.svg, thin.svg)
    before = sorted(rects(plain.layout, {"decision_node"}), key=lambda r: (r.y, r.x))
    after = sorted(rects(thin.layout, {"decision_node"}), key=lambda r: (r.y, r.x))
    by_title = {t.text.split()[-1]: t for t in thin.layout.shapes if getattr(t, "role", "") == "node-title"}
    for a, b in zip(before, after):
        assert b.x + b.w / 2 == pytest.approx(a.x + a.w / 2)    # the tree keeps its places
        name = next(n for n, t in by_title.items() if b.x <= t.x <= b.x + b.w and b.y <= t.y <= b.y + b.h)
        assert b.w == pytest.approx(a.w * (0.8 if name in narrow else 1.0))
    assert_no_overlap(thin.layout, {"decision_node"})
    assert_text_inside(thin.layout, {"decision_node"})
