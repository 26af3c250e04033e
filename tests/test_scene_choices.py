"""Placement and tone choices a person makes when mapping (issue 14, "choices in the scene"): the
header's weight (header_band scale), a footer note's alignment, a section card's alignment, a
decision node's accent/outline/fill, and a tree staged by the container the scene puts it in.
Each changes the raster, and nothing it moves overlaps or spills."""
from __future__ import annotations

import pytest

from engine.compiler import compile_scene
from engine.compiler.geometry import Rect, Text
from engine.compiler.sections.chrome import HEADER_SCALE
from engine.compiler.style import INSET
from engine.compiler.themes import palettes
from engine.dsl import load, vocab
from layout_checks import EPS, assert_no_overlap, assert_text_inside, box_of, text_box
from scenes import scene_text
from test_containers import _visibly_different, content_for

LONG_SUB = ("A subtitle long enough to wrap: it says what the page shows, for whom, and why the "
            "numbers on it are the ones that matter when the budget is set")


def _compile(text: str, content: dict | None = None):
    doc = load(text)
    assert not doc.errors, [d.format() for d in doc.errors]
    return compile_scene(doc.scene, content if content is not None else content_for(doc.scene), strict=True)


def _texts(layout, role: str) -> list[Text]:
    return [s for s in layout.shapes if isinstance(s, Text) and s.role == role]


def _rect(layout, role: str) -> Rect:
    return next(s for s in layout.shapes if isinstance(s, Rect) and s.role == role)


# ---- header_band scale -------------------------------------------------------------------------

def _header(scale: str, hero: str = "center"):
    cells = "" if scale == "md" else f"|scale={scale}"
    text = scene_text(header=False, body=f"[header_band:@header_band.0.kicker|@header_band.0.headline|"
                                         f"@header_band.0.subtitle{cells}]\n")
    text = text.replace("[layout:", f"[hero:{hero}]\n[layout:")
    return _compile(text, {"header_band": [{"kicker": "KICKER", "headline": "A short title",
                                            "subtitle": LONG_SUB}]})


@pytest.mark.parametrize("hero", ["left", "center", "split"])
def test_header_scale_sets_the_headline_size_and_the_band_and_keeps_the_title_inside_it(hero):
    scales = sorted(vocab.COMPONENTS["header_band"].attrs["scale"], key=lambda s: HEADER_SCALE[s][0])
    compiled = {s: _header(s, hero) for s in scales}
    sizes = [_texts(c.layout, "headline")[0].size for c in compiled.values()]
    bands = [_rect(c.layout, "header").h for c in compiled.values()]
    assert sizes == sorted(sizes) and len(set(sizes)) == len(scales)
    assert bands == sorted(bands) and len(set(bands)) == len(scales)
    quiet, plain = (_texts(compiled[s].layout, "subtitle")[0].size for s in ("sm", "md"))
    assert quiet < plain   # a quiet title's subtitle is smaller with it
    for a, b in zip(list(compiled.values()), list(compiled.values())[1:]):
        assert _visibly_different(a.svg, b.svg)
    for c in compiled.values():
        band = _rect(c.layout, "header")
        head = [text_box(t) for t in c.layout.shapes if isinstance(t, Text)
                and t.role in ("kicker", "headline", "subtitle")]
        assert all(t[1] >= -EPS and t[3] <= band.h + EPS for t in head)   # the title stays in its band
        assert all(0 <= t[0] and t[2] <= c.layout.width for t in head)
        kicker, headline = (text_box(_texts(c.layout, r)[0]) for r in ("kicker", "headline"))
        assert kicker[3] <= headline[1] + EPS


def test_a_centred_display_title_sets_its_subtitle_to_the_headline_measure():
    md, xl = _header("md"), _header("xl")
    def widest(layout, role):
        boxes = [text_box(t) for t in _texts(layout, role)]
        return max(r - l for l, _, r, _ in boxes)
    assert len(_texts(xl.layout, "subtitle")) > len(_texts(md.layout, "subtitle"))
    half_column = (xl.layout.width - 2 * INSET["md"]) / 2
    assert widest(xl.layout, "subtitle") <= max(widest(xl.layout, "headline"), half_column) + EPS
    assert widest(md.layout, "subtitle") > half_column   # the same subtitle, a page-wide line


# ---- footer_note align ---------------------------------------------------------------------------

@pytest.mark.parametrize("hero", ["left", "center"])
def test_a_footer_note_aligns_as_it_says_and_stays_clear_of_the_topic_tag(hero):
    def footer(cells: str):
        text = scene_text(f"[footer_note:@footer_note.0.text{cells}]\n").replace("[layout:", f"[hero:{hero}]\n[layout:")
        return _compile(text)
    plain, left, centre = footer(""), footer("|align=left"), footer("|align=center")
    note = {k: _texts(c.layout, "footer")[0] for k, c in (("plain", plain), ("left", left), ("center", centre))}
    assert note["left"].anchor == "start" and note["center"].anchor == "middle"
    assert note["plain"].anchor == ("middle" if hero == "center" else "start")   # omitted: the header's
    assert _visibly_different(left.svg, centre.svg)
    for c in (left, centre):
        tag = text_box(_texts(c.layout, "topic")[0])
        for t in _texts(c.layout, "footer"):
            box = text_box(t)
            assert box[2] < tag[0] and box[0] >= 0


# ---- section_card align --------------------------------------------------------------------------

@pytest.mark.parametrize("variant", ["hero", "default", "metric"])
def test_a_cards_align_overrides_its_variant_and_keeps_its_text_inside(variant):
    def card(cells: str):
        return _compile(scene_text(f"[section_card:@section_card.0.title|@section_card.0.value|"
                                   f"@section_card.0.caption|variant={variant}{cells}]\n"))
    left, centre = card("|align=left"), card("|align=center")
    for role in ("value", "caption"):
        assert {t.anchor for t in _texts(left.layout, role) if t.role == role} <= {"start"}
        assert {t.anchor for t in _texts(centre.layout, role)} <= {"middle"}
    assert _visibly_different(left.svg, centre.svg)
    for c in (left, centre):
        assert_text_inside(c.layout, {"section_card"})


# ---- decision_node accent / outline / fill -------------------------------------------------------

TREE = ("[decision_node]\n[node_id:a]\n[variant:root]\n[title_ref:nodes.a.title]\n[body_ref:nodes.a.body]\n"
        "[/decision_node]\n"
        "[decision_node]\n[node_id:b]\n{attrs}[title_ref:nodes.b.title]\n[body_ref:nodes.b.body]\n[/decision_node]\n"
        "[decision_node]\n[node_id:c]\n[title_ref:nodes.c.title]\n[body_ref:nodes.c.body]\n[/decision_node]\n"
        "[decision_edge]\n[from_ref:a]\n[to_ref:b]\n[/decision_edge]\n"
        "[decision_edge]\n[from_ref:a]\n[to_ref:c]\n[/decision_edge]\n")
NODES = {"nodes": {n: {"title": f"Node {n}", "body": f"What node {n} asks before the next step."}
                   for n in "abc"}}


def _tree(attrs: str = "", wrap: str | None = None, after: str = ""):
    body = TREE.format(attrs=attrs)
    if wrap:
        body = f"[{wrap}]\n{body}[/{wrap}]\n"
    content = {**NODES, "header_band": [{"kicker": "K", "headline": "Tree", "subtitle": "S"}],
               "conclusion_strip": [{"text": "The strip after the tree."}]}
    return _compile(scene_text(body + after, layout="decision_tree"), content)


@pytest.mark.parametrize("key", ["accent", "outline", "fill"])
def test_every_decision_node_attribute_changes_the_picture(key):
    values = vocab.COMPONENTS["decision_node"].attrs[key]
    renders = {v: _tree(f"[variant:leaf]\n[{key}:{v}]\n") for v in values}
    for a, b in zip(values, values[1:]):
        assert _visibly_different(renders[a].svg, renders[b].svg), f"{key}:{a} looks like {key}:{b}"
    for c in renders.values():
        assert_no_overlap(c.layout, {"decision_node"})
        assert_text_inside(c.layout, {"decision_node"})


def test_a_nodes_accent_colours_its_title_and_its_own_outline_is_drawn_in_it():
    red = palettes()["infra_dark"].accents["red"]
    c = _tree("[variant:leaf]\n[accent:red]\n[outline:bold]\n[fill:tint]\n")
    title = next(t for t in _texts(c.layout, "node-title") if t.text == "Node b")
    frame = next(s for s in c.layout.shapes if isinstance(s, Rect) and s.node == "b")
    assert title.fill == red and frame.stroke == red and frame.fill not in (None, "none")


# ---- a tree staged by its container --------------------------------------------------------------

STRIP = "[conclusion_strip:@conclusion_strip.0.text]\n"


@pytest.mark.parametrize("wrap", ["panel", "group"])
def test_a_tree_in_a_container_gets_no_family_stage_and_what_follows_stands_below_it(wrap):
    staged, own = _tree(after=STRIP), _tree(wrap=wrap, after=STRIP)
    assert [s for s in staged.layout.shapes if isinstance(s, Rect) and s.role == "tree-stage"]
    assert not [s for s in own.layout.shapes if isinstance(s, Rect) and s.role == "tree-stage"]
    assert _visibly_different(staged.svg, own.svg)
    nodes = [box_of(s) for s in own.layout.shapes if isinstance(s, Rect) and s.role == "decision_node"]
    strip = box_of(_rect(own.layout, "conclusion"))
    assert strip[1] > max(n[3] for n in nodes)
    if wrap == "panel":
        panel = box_of(_rect(own.layout, "panel"))
        assert all(panel[0] <= n[0] and n[2] <= panel[2] and panel[1] <= n[1] and n[3] <= panel[3] for n in nodes)
        assert strip[1] >= panel[3]   # the strip is on the page, not inside the tree's panel
    assert_no_overlap(own.layout, {"decision_node", "conclusion"})
    assert_text_inside(own.layout, {"decision_node", "conclusion"})
