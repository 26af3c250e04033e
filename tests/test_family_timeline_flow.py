"""timeline_flow and its components (milestone, phase), compiled: every attribute changes the
raster, cards and bands neither overlap nor spill, the choices stay the scene's (issue 14), the
family's requirements are diagnosed."""
from __future__ import annotations

from itertools import pairwise
from pathlib import Path

import pytest
from layout_checks import EPS, assert_no_overlap, assert_text_inside, box_of, compile_resolved, rects
from layout_checks import visibly_different as _visibly_different
from scenes import scene_text
from test_containers import content_for

from engine.assets import AssetError, load_svg, profile_document
from engine.assets.family import FamilyGuess
from engine.assets.geometry import Canvas
from engine.assets.profile import AssetProfile, TextElement
from engine.compiler import compile_scene
from engine.compiler.geometry import Circle, Line, Rect, Text
from engine.compiler.themes import palettes
from engine.dsl import load, vocab
from engine.gold.starters.timeline_flow import build

LIBRARY = Path(__file__).resolve().parents[2] / "shared" / "assets"
CARDS = {"milestone", "phase", "callout_card", "section_card", "panel", "conclusion"}




def _scene(body: str, layout: str = "timeline_flow", top: str = ""):
    doc = load(scene_text(top + body, layout))
    assert not doc.errors, [d.format() for d in doc.errors]
    return doc.scene


def _milestone(i: int, extra: str = "") -> str:
    return f"[milestone:@milestone.{i}.date|@milestone.{i}.title|@milestone.{i}.body|node_id=m{i}{extra}]\n"


def _timeline(n: int = 4, extras: dict[int, str] | None = None) -> str:
    return "".join(_milestone(i, (extras or {}).get(i, "")) for i in range(n))


def _compiled(body: str, layout: str = "timeline_flow", top: str = "", content: dict | None = None):
    scene = _scene(body, layout, top)
    return compile_resolved(scene, content if content is not None else content_for(scene))


def _milestone_boxes(layout) -> dict[str, tuple]:
    return {r.node: box_of(r) for r in rects(layout, {"milestone"})}


def _axis_y(layout) -> float:
    return next(s.points[0][1] for s in layout.shapes if isinstance(s, Line) and s.role == "axis")


# ---- every attribute changes the raster ----------------------------------------------------

@pytest.mark.parametrize("key", ["side", "state", "accent", "outline", "fill"])
def test_every_milestone_attribute_changes_the_raster(key):
    values = vocab.COMPONENTS["milestone"].attrs[key]
    compiled = {v: compile_scene(s := _scene(_timeline(3, {1: f"|{key}={v}"})), content_for(s)) for v in values}
    for a, b in pairwise(values):
        assert _visibly_different(compiled[a].svg, compiled[b].svg), f"milestone {key}:{a} looks like {key}:{b}"
    default = vocab.COMPONENTS["milestone"].defaults.get(key)
    if default:  # omitting an attribute draws its default
        omitted = compile_scene(s := _scene(_timeline(3)), content_for(s))
        assert compiled[default].layout.to_json() == omitted.layout.to_json()


@pytest.mark.parametrize("key", ["side", "accent"])
def test_every_phase_attribute_changes_the_raster(key):
    values = vocab.COMPONENTS["phase"].attrs[key]
    renders = {}
    for v in values:
        scene = _scene(_timeline(4) + f"[phase:@phase.0.label|@phase.0.caption|from_ref=m0|to_ref=m2|{key}={v}]\n")
        renders[v] = compile_scene(scene, content_for(scene)).svg
    for a, b in pairwise(values):
        assert _visibly_different(renders[a], renders[b]), f"phase {key}:{a} looks like {key}:{b}"


def test_a_phase_and_its_span_change_the_raster():
    plain = compile_scene(s := _scene(_timeline(4)), content_for(s)).svg
    spans = [compile_scene(s := _scene(_timeline(4) + f"[phase:@phase.0.label|from_ref=m0|to_ref={end}]\n"),
                           content_for(s)).svg for end in ("m1", "m3")]
    assert _visibly_different(plain, spans[0]) and _visibly_different(spans[0], spans[1])


def test_an_arrow_connector_ends_the_axis_in_a_head():
    line = compile_scene(s := _scene(_timeline(3), top=""), content_for(s))
    arrow = compile_scene(s := load(scene_text(_timeline(3), "timeline_flow").replace(
        "[layout:timeline_flow]", "[layout:timeline_flow]\n[connector:arrow]")).scene, content_for(s))
    heads = [s for s in arrow.layout.shapes if isinstance(s, Line) and s.role == "axis" and s.arrow]
    assert len(heads) == 1 and not any(isinstance(s, Line) and s.arrow for s in line.layout.shapes)
    assert _visibly_different(line.svg, arrow.svg)


# ---- the scene's choices, drawn as said ------------------------------------------------------

def test_cards_stand_on_the_side_the_scene_gives_them_in_written_order():
    sides = ["above", "below", "below", "above", "below"]
    compiled = _compiled(_timeline(5, {i: f"|side={s}" for i, s in enumerate(sides)}))
    boxes = _milestone_boxes(compiled.layout)
    axis = _axis_y(compiled.layout)
    for i, side in enumerate(sides):
        top, bottom = boxes[f"m{i}"][1], boxes[f"m{i}"][3]
        assert (bottom < axis) if side == "above" else (top > axis), (i, side)
    lefts = [boxes[f"m{i}"][0] for i in range(5)]
    assert lefts == sorted(lefts)  # written order is time order, left to right
    dots = [s for s in compiled.layout.shapes if isinstance(s, Circle) and s.role == "milestone-dot"]
    for i, dot in enumerate(dots):
        box = boxes[f"m{i}"]
        assert abs(dot.cy - axis) < EPS and abs(dot.cx - (box[0] + box[2]) / 2) < EPS


def test_omitted_sides_all_stand_above_the_compiler_never_alternates():
    compiled = _compiled(_timeline(4))
    axis = _axis_y(compiled.layout)
    assert all(b[3] < axis for b in _milestone_boxes(compiled.layout).values())


def test_states_draw_as_said():
    compiled = _compiled(_timeline(3, {1: "|state=current", 2: "|state=planned"}))
    shapes = compiled.layout.shapes
    cards = {r.node: r for r in rects(compiled.layout, {"milestone"})}
    assert cards["m2"].dash and not cards["m0"].dash and cards["m1"].stroke_width > cards["m0"].stroke_width
    assert len([s for s in shapes if isinstance(s, Circle) and s.role == "milestone-halo"]) == 1
    dashed = [s for s in shapes if isinstance(s, Line) and s.role == "axis" and s.dash]
    assert len(dashed) == 1 and dashed[0].points[0][0] < cards["m2"].x + cards["m2"].w / 2 < dashed[0].points[-1][0]


def test_a_phase_spans_its_milestones_either_way_round():
    for a, b in (("m1", "m2"), ("m2", "m1")):
        compiled = _compiled(_timeline(4) + f"[phase:@phase.0.label|from_ref={a}|to_ref={b}]\n")
        band = rects(compiled.layout, {"phase"})[0]
        boxes = _milestone_boxes(compiled.layout)
        assert band.x <= boxes["m1"][0] and band.x + band.w >= boxes["m2"][2]
        assert band.x > boxes["m0"][2] - EPS and band.x + band.w < boxes["m3"][0] + EPS


# ---- no overlap, no spill ----------------------------------------------------------------------

LONG = "a long sentence of many words " * 8
SCENES = {
    "alternating": _timeline(6, {i: "|side=below" for i in range(1, 6, 2)}),
    "one side": _timeline(3, {i: "|side=below" for i in range(3)}),
    "many": _timeline(12, {i: "|side=below" for i in range(0, 12, 3)}),
    "phases stacked": _timeline(5) + "".join(
        f"[phase:@phase.{i}.label|@phase.{i}.caption|from_ref={a}|to_ref={b}|side={s}]\n"
        for i, (a, b, s) in enumerate([("m0", "m2", "below"), ("m1", "m3", "below"), ("m3", "m4", "below"),
                                       ("m0", "m4", "above")])),
    "with sections": _timeline(3) + "[callout_card:@callout_card.0.title|@callout_card.0.text]\n"
                     "[conclusion_strip:@conclusion_strip.0.text]\n",
}


@pytest.mark.parametrize("density", ["compact", "balanced", "airy"])
@pytest.mark.parametrize("case", SCENES)
def test_cards_and_bands_neither_overlap_nor_spill(case, density):
    top = f"[density:{density}]\n"
    scene = load(scene_text(SCENES[case], "timeline_flow").replace("[layout:timeline_flow]",
                                                                   f"[layout:timeline_flow]\n{top}")).scene
    content = content_for(scene)
    for row in content.get("milestone", []):
        row["body"] = LONG
    compiled = compile_resolved(scene, content)
    layout = compiled.layout
    for role in ("milestone", "phase"):
        assert_no_overlap(layout, {role})
    assert_no_overlap(layout, CARDS - {"phase"})
    assert_text_inside(layout, CARDS)
    for r in rects(layout, CARDS):
        assert r.x >= -EPS and r.x + r.w <= layout.width + EPS and r.y + r.h <= layout.height + EPS


def test_a_cut_body_is_reported_at_its_ref():
    scene = _scene(_timeline(2))
    content = content_for(scene)
    content["milestone"][1]["body"] = LONG * 3
    compiled = compile_scene(scene, content)
    cuts = [d for d in compiled.diagnostics if d.code == "text-overflow"]
    assert cuts and "milestone.1.body" in cuts[0].message


@pytest.mark.parametrize("layout", vocab.LAYOUTS)
def test_a_timeline_inside_a_panel_stays_inside_it_in_every_family(layout):
    body = ("[panel]\n[node_id:p]\n[title_ref:panel.0.title]\n" + _timeline(3, {1: "|side=below"})
            + "[phase:@phase.0.label|from_ref=m0|to_ref=m2]\n[phase:@phase.1.label|from_ref=m1|to_ref=m1|side=above]\n"
            + "[/panel]\n")
    compiled = _compiled(body, layout)
    panel = next(r for r in rects(compiled.layout, {"panel"}) if r.node == "p")
    bands = [box_of(r) for r in rects(compiled.layout, {"phase"})]
    assert len(bands) == 2
    for box in [*_milestone_boxes(compiled.layout).values(), *bands]:
        assert panel.x - EPS <= box[0] and box[2] <= panel.x + panel.w + EPS
        assert panel.y - EPS <= box[1] and box[3] <= panel.y + panel.h + EPS
    assert_text_inside(compiled.layout, {"milestone", "phase"})


def test_the_timeline_leads_the_page_and_fills_it():
    body = "[callout_card:@callout_card.0.title|@callout_card.0.text]\n" + _timeline(3)
    compiled = _compiled(body)
    layout = compiled.layout
    card = rects(layout, {"callout_card"})[0]
    assert max(b[3] for b in _milestone_boxes(layout).values()) < card.y   # the argument first
    topic = next(s for s in layout.shapes if isinstance(s, Text) and s.role == "topic")
    assert layout.height == 900 and topic.y - (card.y + card.h) < 80      # no empty well at the foot


# ---- requirements -----------------------------------------------------------------------------

def test_a_timeline_of_one_milestone_is_a_missing_component_warning():
    doc = load(scene_text(_timeline(1), "timeline_flow"))
    missing = [d for d in doc.diagnostics if d.code == "missing-component"]
    assert len(missing) == 1 and "milestone" in missing[0].message
    assert not [d for d in load(scene_text(_timeline(2), "timeline_flow")).diagnostics
                if d.code == "missing-component"]


def test_a_phase_must_span_milestones():
    doc = load(scene_text(_timeline(2) + "[section_card:@section_card.0.title|node_id=c]\n"
                          "[phase:@phase.0.label|from_ref=m0|to_ref=c]\n[phase:@phase.1.label|from_ref=m0|to_ref=m9]\n",
                          "timeline_flow"))
    messages = [d.message for d in doc.diagnostics if d.code == "unknown-node"]
    assert len(messages) == 2
    assert "names a [section_card], not a [milestone]" in messages[0]
    assert "names no milestone" in messages[1]


# ---- the starter (`ck gold add` for an asset profiled as a timeline) -----------------------------

def _asset(texts: list[tuple], name: str = "asset") -> AssetProfile:
    """A profile of (text, x, y, size, role) lines on a 1600 x 900 page."""
    elements = [TextElement(text, x, y, size, 700 if role == "title" else 400, "#ffffff", "start", role, role)
                for text, x, y, size, role in texts]
    return AssetProfile(name, Canvas(1600, 900, "viewBox"), FamilyGuess("timeline_flow", 1.0, "dashboard_cards", 0.5, {}),
                        elements, [], {}, 0, 0, 0, 0, {}, {})


def _card_lines(x: float, top: float, n: int) -> list[tuple]:
    return [(f"2026-0{n}-01", x, top, 14, "value"), (f"Step {n} title", x, top + 30, 20, "title"),
            (f"first body line {n}", x, top + 58, 15, "caption"), (f"second body line {n}", x, top + 82, 15, "caption")]


def test_the_starter_makes_milestones_with_their_texts_on_their_sides():
    texts = [("A timeline headline", 60, 70, 40, "headline"), ("What the timeline shows, in a line", 60, 100, 18, "subtitle")]
    for n, (x, top) in enumerate([(300, 200), (100, 200), (500, 560)], start=1):
        texts += _card_lines(x, top, n)
    texts += [("A closing note under the axis", 60, 820, 15, "paragraph")]
    scene, content = build(_asset(texts))
    doc = load(scene)
    assert not doc.errors and doc.scene.attr("layout") == "timeline_flow"
    assert [m["title"] for m in content["milestone"]] == ["Step 2 title", "Step 1 title", "Step 3 title"]  # by x
    assert content["milestone"][0] == {"date": "2026-02-01", "title": "Step 2 title",
                                       "body": "first body line 2\nsecond body line 2"}
    sides = [c.attr("side") for c in doc.scene.components if c.name == "milestone"]
    assert sides == ["above", "above", "below"]
    assert content["callout_card"] == [{"text": "A closing note under the axis"}]
    assert content["header_band"] == [{"headline": "A timeline headline", "subtitle": "What the timeline shows, in a line"}]
    compiled = compile_scene(doc.scene, content, strict=True)
    assert len(rects(compiled.layout, {"milestone"})) == 3


def test_the_starter_leaves_sides_unsaid_when_the_cards_share_one_band():
    texts = [t for n, x in enumerate((100, 400, 700), start=1) for t in _card_lines(x, 300, n)]
    scene, _ = build(_asset(texts))
    assert "[side:" not in scene


@pytest.mark.parametrize("texts", [[], [("only a headline", 60, 60, 40, "headline")],
                                   [("x", 10, 10, 12, "label")] * 40, [("a footer", 60, 880, 12, "footer")]],
                         ids=["none", "headline", "many identical", "footer"])
def test_the_starter_starts_any_profile(texts):
    scene, content = build(_asset(texts))
    doc = load(scene)
    assert not doc.errors
    compiled = compile_scene(doc.scene, content)
    assert not [d for d in compiled.diagnostics if d.code == "unresolved-ref"]


@pytest.mark.skipif(not LIBRARY.is_dir(), reason="the asset library is not beside this checkout")
def test_the_starter_never_crashes_on_a_library_asset():
    for asset in sorted(LIBRARY.glob("*.svg")):
        try:
            p = profile_document(load_svg(asset))
        except AssetError:
            continue   # refused at intake, before any starter runs
        scene, content = build(p, p.texts)
        doc = load(scene)
        assert not doc.errors, (asset.name, [d.format() for d in doc.errors])
        compile_scene(doc.scene, content)


# ---- what the mapped assets added: the strip canvas and the full title rule ---------------------

def _header_scene(canvas: str, rule: str = "none"):
    """A page of a headline and subtitle (no kicker, as the library's diagrams), amber over a
    green tone."""
    rule_attr = f"|rule={rule}" if rule != "none" else ""
    return load(f"[scene]\n[canvas:{canvas}]\n[tone:green]\n"
                f"[header_band:@header_band.0.headline|@header_band.0.subtitle|accent=amber{rule_attr}]\n"
                "[/scene]\n").scene


def test_the_strip_canvas_sets_its_title_where_the_librarys_3_to_1_diagrams_do():
    scene = _header_scene("strip")
    layout = compile_scene(scene, content_for(scene)).layout
    assert (layout.width, layout.height) == (1500, 500)
    at = {t.role: t.y / layout.width for t in layout.shapes if isinstance(t, Text)}
    assert 0.030 <= at["headline"] <= 0.040 and 0.050 <= at["subtitle"] <= 0.058
    wide = _header_scene("panorama")
    wide_at = {t.role: t.y / 1400 for t in compile_scene(wide, content_for(wide)).layout.shapes if isinstance(t, Text)}
    assert wide_at["subtitle"] > 0.06   # other canvases keep the library's median title block


def test_a_full_rule_runs_across_the_column_from_the_headline_accent_into_the_tone():
    rules, stops = {}, {}
    for rule in ("gradient", "full"):
        scene = _header_scene("wide", rule)
        compiled = compile_scene(scene, content_for(scene))
        rules[rule] = next(r for r in compiled.layout.shapes if isinstance(r, Rect) and r.role == "title-rule")
        stops[rule] = next(g for g in compiled.layout.gradients if g.name == "title-rule").stops
    accents = palettes()["infra_dark"].accents
    assert rules["full"].w == pytest.approx(1600 - 2 * 52) and rules["gradient"].w == pytest.approx(rules["full"].w / 3)
    assert [(s[1], s[2]) for s in stops["full"]] == [(accents["amber"], 1), (accents["green"], 1)]


@pytest.mark.skipif(not LIBRARY.is_dir(), reason="the asset library is not beside this checkout")
def test_the_library_vocabulary_counts_timeline_stops_as_milestones():
    from engine.assets.vocabulary import components_for

    p = profile_document(load_svg(LIBRARY / "ir-v66-evolution-timeline.svg"))
    assert components_for(p)["milestone"] == 5
