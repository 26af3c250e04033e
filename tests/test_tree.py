"""The decision tree section and family: tidy placement, no overlap, robust topology."""
from __future__ import annotations

import itertools

import pytest
from layout_checks import assert_no_overlap, assert_text_inside, box_of

from engine.compiler import compile_scene
from engine.compiler.geometry import Line, Rect, Text
from engine.compiler.resolve import bind
from engine.compiler.sections import tree
from engine.dsl.model import Attr, Component, Ref, Scene, Topo
from engine.dsl.vocab import TOP_LEVEL_KEYS, family_defaults

ROLES = {"decision_node", "edge_label"}


def _scene(nodes: list[str], edges: list[tuple[str, str]], **attrs: str) -> tuple[Scene, dict]:
    """A decision_tree scene: one node per id (title and body from content), one labelled edge per
    pair, written in the order given."""
    values = {**family_defaults("decision_tree"), **attrs}
    comps = [Component("header_band", refs=(Ref("headline", "header_band.0.headline"),))]
    comps += [Component("decision_node", topo=(Topo("node_id", n),),
                        refs=(Ref("title", f"nodes.{n}.title"), Ref("body", f"nodes.{n}.body")))
              for n in nodes]
    comps += [Component("decision_edge", topo=(Topo("from_ref", a), Topo("to_ref", b)),
                        refs=(Ref("branch_label", f"edges.{a}_{b}"),)) for a, b in edges]
    content = {
        "header_band": [{"headline": "Which way?"}],
        "nodes": {n: {"title": f"Check {n} first", "body": f"What {n} means and the command to run for it."}
                  for n in nodes},
        "edges": {f"{a}_{b}": f"if {b}" for a, b in edges},
    }
    return Scene(tuple(Attr(k, values[k]) for k in TOP_LEVEL_KEYS), tuple(comps)), content


def _layout(nodes, edges, **attrs):
    scene, content = _scene(nodes, edges, **attrs)
    return compile_scene(scene, content).layout


def _boxes(layout) -> list[tuple[float, float, float, float]]:
    """Node rectangles, in written order of the nodes."""
    return [box_of(s) for s in layout.shapes if isinstance(s, Rect) and s.role == "decision_node"]


def _pills(layout) -> list[Rect]:
    return [s for s in layout.shapes if isinstance(s, Rect) and s.role == "edge_label"]


def _centre(b) -> float:
    return (b[0] + b[2]) / 2


DEPTH_4 = (["a", "b", "c", "d", "e", "f", "g", "h"],
           [("a", "b"), ("a", "c"), ("b", "d"), ("d", "e"), ("e", "f"), ("c", "g"), ("c", "h")])
TWELVE = ([f"n{i}" for i in range(12)],
          [("n0", "n1"), ("n0", "n2"), ("n0", "n3"), ("n1", "n4"), ("n1", "n5"), ("n2", "n6"),
           ("n3", "n7"), ("n3", "n8"), ("n3", "n9"), ("n6", "n10"), ("n10", "n11")])
FAN_OUT = ([f"n{i}" for i in range(12)], [("n0", f"n{i}") for i in range(1, 12)])


def test_parent_is_centred_over_its_children():
    nodes, edges = TWELVE
    boxes = _boxes(_layout(nodes, edges))
    index = {n: i for i, n in enumerate(nodes)}
    kids: dict[str, list[str]] = {}
    for a, b in edges:
        kids.setdefault(a, []).append(b)
    for parent, children in kids.items():
        first, last = boxes[index[children[0]]], boxes[index[children[-1]]]
        assert _centre(boxes[index[parent]]) == pytest.approx((_centre(first) + _centre(last)) / 2, abs=0.01)


@pytest.mark.parametrize("shape", [DEPTH_4, TWELVE, FAN_OUT], ids=["depth4", "twelve", "fan_out"])
@pytest.mark.parametrize("attrs", [
    {},
    {"canvas": "tall", "density": "airy", "inset": "lg"},
    {"canvas": "square", "emphasis": "center", "connector": "bracket", "gap": "lg"},
    {"emphasis": "left", "density": "compact", "theme": "paper_editorial", "frame": "panel"},
])
def test_no_overlap_and_no_spilling_text(shape, attrs):
    nodes, edges = shape
    layout = _layout(nodes, edges, **attrs)
    assert len(_boxes(layout)) == len(nodes)
    assert len(_pills(layout)) == len(edges)
    assert_no_overlap(layout, ROLES)
    assert_text_inside(layout, ROLES)
    for r in layout.shapes:
        if isinstance(r, Rect) and r.role in ROLES | {"tree-stage"}:
            assert 0 <= r.x and r.x + r.w <= layout.width and r.y + r.h <= layout.height


@pytest.mark.parametrize("shape", [DEPTH_4, TWELVE], ids=["depth4", "twelve"])
def test_children_sit_below_parents_and_labels_between_them(shape):
    nodes, edges = shape
    layout = _layout(nodes, edges)
    boxes, pills = _boxes(layout), _pills(layout)
    index = {n: i for i, n in enumerate(nodes)}
    by_child = sorted(edges, key=lambda e: index[e[1]])  # pills are drawn in the children's order
    for (a, b), pill in zip(by_child, pills):
        parent, child = boxes[index[a]], boxes[index[b]]
        assert child[1] > parent[3]
        lo, hi = sorted((_centre(parent), _centre(child)))
        assert lo - 0.01 <= pill.x + pill.w / 2 <= hi + 0.01
        assert parent[3] < pill.y and pill.y + pill.h < child[1]


def test_nodes_in_one_level_are_equally_tall():
    scene, content = _scene(["r", "x", "y"], [("r", "x"), ("r", "y")])
    content["nodes"]["y"]["body"] = "A much longer body that wraps onto several lines. " * 4
    boxes = _boxes(compile_scene(scene, content).layout)
    assert boxes[1][3] - boxes[1][1] == pytest.approx(boxes[2][3] - boxes[2][1])
    assert boxes[1][1] == pytest.approx(boxes[2][1])


def test_cycles_self_loops_and_unknown_refs_do_not_crash():
    nodes = ["a", "b", "c"]
    edges = [("a", "b"), ("b", "c"), ("c", "a"), ("a", "a"), ("a", "ghost"), ("ghost", "b"), ("c", "b")]
    scene, content = _scene(nodes, edges)
    bound, _ = bind(scene, content)
    t = tree.build([b for b in bound if b.name.startswith("decision")])
    assert t.roots == [0]
    assert t.parent == [None, 0, 1]  # c -> a closes a cycle, c -> b is a second parent: dropped
    layout = compile_scene(scene, content).layout
    assert len(_boxes(layout)) == 3 and len(_pills(layout)) == 2
    assert_no_overlap(layout, ROLES)


def test_a_pure_cycle_still_gets_a_root():
    scene, content = _scene(["a", "b"], [("b", "a"), ("a", "b")])
    bound, _ = bind(scene, content)
    t = tree.build(bound)
    assert t.roots == [1] and t.parent == [1, None]


def test_sibling_order_follows_the_written_edges():
    forward = _boxes(_layout(["r", "x", "y"], [("r", "x"), ("r", "y")]))
    backward = _boxes(_layout(["r", "x", "y"], [("r", "y"), ("r", "x")]))
    assert _centre(forward[1]) < _centre(forward[2])
    assert _centre(backward[1]) > _centre(backward[2])


def test_compilation_is_deterministic():
    scene, content = _scene(*TWELVE)
    assert compile_scene(scene, content).svg == compile_scene(scene, dict(reversed(content.items()))).svg


def test_a_forest_places_every_root_side_by_side():
    layout = _layout(["r1", "a", "r2", "b", "c"], [("r1", "a"), ("r2", "b"), ("r2", "c")])
    boxes = _boxes(layout)
    assert boxes[0][1] == pytest.approx(boxes[2][1])  # both roots on the top level
    assert boxes[0][2] < boxes[2][0]
    assert_no_overlap(layout, ROLES)


def test_small_subtree_between_big_ones_sits_evenly():
    """Contour packing alone would crowd the middle leaf against its left neighbour."""
    nodes = ["r", "a", "m", "b", "a1", "a2", "a3", "b1", "b2", "b3"]
    edges = [("r", "a"), ("r", "m"), ("r", "b"), ("a", "a1"), ("a", "a2"), ("a", "a3"),
             ("b", "b1"), ("b", "b2"), ("b", "b3")]
    boxes = _boxes(_layout(nodes, edges))
    a, m, b = (_centre(boxes[i]) for i in (1, 2, 3))
    assert m - a == pytest.approx(b - m, abs=0.01)


def test_a_long_chain_does_not_exhaust_recursion():
    nodes = [f"n{i}" for i in range(1200)]
    scene, content = _scene(nodes, list(itertools.pairwise(nodes)))
    bound, _ = bind(scene, content)
    units, depth = tree.place(tree.build(bound))
    assert depth[-1] == 1199 and max(units) == 0


def test_variants_are_inferred_and_drawn_differently():
    scene, content = _scene(["r", "x", "y"], [("r", "x"), ("x", "y")])
    layout = compile_scene(scene, content).layout
    fills = [s.fill for s in layout.shapes if isinstance(s, Rect) and s.role == "decision_node"]
    assert len(set(fills)) == 3  # root, branch and leaf all look different
    assert any(isinstance(s, Text) and s.role == "node-tag" for s in layout.shapes)


def test_family_differs_from_poster_stack():
    scene, content = _scene(*DEPTH_4)
    poster = Scene(tuple(Attr(a.key, "poster_stack" if a.key == "layout" else a.value) for a in scene.attrs),
                   scene.components)
    tree_layout, poster_layout = compile_scene(scene, content).layout, compile_scene(poster, content).layout
    assert any(getattr(s, "role", "") == "tree-stage" for s in tree_layout.shapes)
    assert not any(getattr(s, "role", "") == "tree-stage" for s in poster_layout.shapes)


@pytest.mark.parametrize("connector", ["bracket", "curve"])
def test_bent_edges_leave_and_enter_nodes_vertically(connector):
    """A wide edge must not run along a box border: its ends are vertical whatever its aspect."""
    import re

    from engine.compiler.svg import to_svg

    layout = _layout(*FAN_OUT, connector=connector)
    edges = [s for s in layout.shapes if isinstance(s, Line) and s.role == "tree-edge"]
    assert len(edges) == len(FAN_OUT[1])
    for e in edges:
        if connector == "bracket":
            (x0, _), (x1, _) = e.points[:2]
            (xa, _), (xb, _) = e.points[-2:]
            assert x1 == x0 and xb == xa
        else:
            one = type(layout)(layout.width, layout.height, "#000000", [e])
            d = re.search(r' d="M([\d.]+) [\d.]+ C([\d.]+) [\d.]+ ([\d.]+) [\d.]+ ([\d.]+)', to_svg(one, "t")).groups()
            start, c1, c2, end = map(float, d)
            assert c1 == start and c2 == end  # control points straight above/below the ends


def test_the_tree_fills_its_canvas_and_its_boxes_share_one_width():
    """A small tree on a big canvas opens its level gaps and grows its boxes to the canvas's height
    (rather than leaving the bottom empty); every box is as wide as every other."""
    layout = _layout(["r", "x", "y"], [("r", "x"), ("r", "y")], canvas="tall")
    assert layout.height == 1420
    stage = next(s for s in layout.shapes if isinstance(s, Rect) and s.role == "tree-stage")
    assert stage.y + stage.h > layout.height - 120
    boxes = _boxes(layout)
    assert len({round(b[2] - b[0], 2) for b in boxes}) == 1
    natural = compile_scene(*_scene(["x"], [])).layout
    assert boxes[1][3] - boxes[1][1] > max(b[3] - b[1] for b in _boxes(natural))


def test_a_tree_a_little_too_tall_closes_its_gaps_before_the_canvas_grows():
    nodes, edges = DEPTH_4
    tight = _layout(nodes, edges, canvas="standard", density="compact", gap="md")
    assert tight.height == 930
    tops = sorted({round(b[1], 1) for b in _boxes(tight)})
    bottoms = sorted({round(b[3], 1) for b in _boxes(tight)})
    gaps = [t - b for b, t in zip(bottoms, tops[1:])]
    assert tree.BAND_MIN <= min(gaps) and max(gaps) < 26 * 2.4  # below the natural gap (md: 62.4)
    assert_no_overlap(tight, ROLES)
    for pill in _pills(tight):  # the labels keep room between their levels
        assert any(b < pill.y and pill.y + pill.h < t for b, t in zip(bottoms, tops[1:]))


def test_sections_after_the_tree_share_its_stage_panel():
    scene, content = _scene(*DEPTH_4)
    comps = scene.components + (Component("callout_card", refs=(Ref("text", "callout_card.0.text"),)),)
    content["callout_card"] = [{"text": "One failing gate at a time."}]
    layout = compile_scene(Scene(scene.attrs, comps), content).layout
    stage = next(s for s in layout.shapes if isinstance(s, Rect) and s.role == "tree-stage")
    card = next(s for s in layout.shapes if isinstance(s, Rect) and s.role == "callout_card")
    assert stage.x < card.x and card.x + card.w < stage.x + stage.w
    assert stage.y < card.y and card.y + card.h < stage.y + stage.h
    assert all(b[3] < card.y for b in _boxes(layout))
