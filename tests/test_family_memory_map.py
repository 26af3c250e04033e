"""memory_map: region_stack, region and segment, compiled (issue 14: every attribute changes the
raster, nothing overlaps, nothing spills, the family's requirements are diagnosed)."""
from __future__ import annotations

import itertools

import pytest
from layout_checks import (
    EPS,
    assert_no_overlap,
    assert_text_inside,
    compile_resolved,
    text_box,
)
from layout_checks import visibly_different as _visibly_different
from scenes import scene_text
from test_containers import content_for

from engine.compiler import compile_scene
from engine.compiler.geometry import Rect, Text
from engine.dsl import load, vocab

NEW = ("region_stack", "region", "segment")


def _scene(body: str, layout: str = "memory_map"):
    doc = load(scene_text(body, layout))
    assert not doc.errors, [d.format() for d in doc.errors]
    return doc.scene




def _seg(i: int, extra: str = "") -> str:
    return f"[segment:@segment.{i}.label|@segment.{i}.caption|@segment.{i}.size|node_id=s{i}{extra}]\n"


def _region(i: int, attrs: str = "", chips: str = "") -> str:
    return (f"[region]\n[node_id:r{i}]\n{attrs}[label_ref:region.{i}.label]\n[caption_ref:region.{i}.caption]\n"
            f"[offset_ref:region.{i}.offset]\n{chips}[/region]\n")


def _stack(regions: str, attrs: str = "") -> str:
    return f"[region_stack]\n[node_id:m]\n{attrs}[title_ref:region_stack.0.title]\n{regions}[/region_stack]\n"


SIDE = "[panel]\n[node_id:side]\n[title_ref:panel.0.title]\n[text_line:@text_line.0.text]\n[/panel]\n"
MAP = _stack(_region(0) + _region(1, "", _seg(0) + _seg(1) + _seg(2)) + _region(2, "[variant:elided]\n")
             + _region(3, "[align:center]\n", _seg(3) + _seg(4))) + SIDE


def _boxes(layout) -> dict[str, tuple[float, float, float, float]]:
    out: dict = {}
    for s in layout.shapes:
        if isinstance(s, Rect) and s.node and s.node not in out:
            out[s.node] = (s.x, s.y, s.x + s.w, s.y + s.h)
    return out


def _compiled(body: str, layout: str = "memory_map"):
    scene = _scene(body, layout)
    return compile_resolved(scene, content_for(scene))


@pytest.mark.parametrize("layout", vocab.LAYOUTS)
def test_regions_and_cells_stay_apart_and_their_text_inside(layout):
    compiled = _compiled(MAP + _seg(5) + _seg(6, "|span=3") + _seg(7, "|variant=elided"), layout)
    shapes = compiled.layout
    assert_no_overlap(shapes, {"region"})
    assert_no_overlap(shapes, {"segment"})
    assert_text_inside(shapes, {"region", "segment", "region_stack", "panel"})
    boxes = _boxes(shapes)
    for r in ("r0", "r1", "r3"):
        assert boxes["m"][0] - EPS <= boxes[r][0] and boxes[r][2] <= boxes["m"][2] + EPS
    for s in ("s0", "s1", "s2"):   # chips stand inside the band that holds them
        assert boxes["r1"][0] <= boxes[s][0] and boxes[s][2] <= boxes["r1"][2] + EPS
        assert boxes["r1"][1] <= boxes[s][1] and boxes[s][3] <= boxes["r1"][3] + EPS
    assert all(0 <= b[0] and b[2] <= shapes.width + EPS and b[3] <= shapes.height + EPS for b in boxes.values())


def test_offsets_stand_left_of_the_frame_level_with_their_bands():
    layout = _compiled(MAP).layout
    boxes = _boxes(layout)
    offsets = [s for s in layout.shapes if isinstance(s, Text) and s.role == "offset"]
    assert [t.text for t in offsets] == [f"region {i} offset" for i in range(4)]
    for t in offsets:
        left, _, right, _ = text_box(t)
        assert left >= 0 and right <= boxes["m"][0] - 4   # in the gutter, outside the stack's frame
    for t, r in zip(offsets, ("r0", "r1", None, "r3")):   # the elided r2 has no box
        if r:
            assert boxes[r][1] - EPS <= text_box(t)[1] <= boxes[r][1] + 30
    assert offsets[0].y < offsets[1].y < offsets[2].y < offsets[3].y


def test_aside_puts_the_side_column_right_left_or_under():
    def where(aside: str):
        boxes = _boxes(_compiled(_stack(_region(0) + _region(1), f"[aside:{aside}]\n") + SIDE).layout)
        return boxes["m"], boxes["side"]
    (m, s), (ml, sl), (mn, sn) = where("right"), where("left"), where("none")
    assert m[2] <= s[0] and m[1] == s[1]             # beside, on the right, tops level
    assert sl[2] <= ml[0] and ml[1] == sl[1]
    assert mn[3] <= sn[1] and sn[2] - sn[0] > s[2] - s[0]   # under it, full width
    assert m[3] == s[3]   # the two columns end level


def test_span_shares_a_stack_by_height_and_a_strip_by_width():
    boxes = _boxes(_compiled(_stack(_region(0) + _region(1, "[span:3]\n")) + _seg(0) + _seg(1, "|span=3")).layout)
    h0, h1 = boxes["r0"][3] - boxes["r0"][1], boxes["r1"][3] - boxes["r1"][1]
    w0, w1 = boxes["s0"][2] - boxes["s0"][0], boxes["s1"][2] - boxes["s1"][0]
    assert h1 > 2 * h0 and w1 == pytest.approx(3 * w0)


def test_an_elided_region_or_cell_draws_no_box_and_an_ellipsis():
    layout = _compiled(_stack(_region(0, "[variant:elided]\n")) + _seg(0, "|variant=elided") + _seg(1)).layout
    drawn = {s.node for s in layout.shapes if isinstance(s, Rect) and s.role in ("region", "segment")}
    assert "r0" not in drawn and "s0" not in drawn and "s1" in drawn
    assert sum(1 for s in layout.shapes if isinstance(s, Text) and s.role == "elision") == 2


def _variants():
    for name in NEW:
        for key, values in vocab.COMPONENTS[name].attrs.items():
            if name == "region" and key == "fill":
                # a region's surface is already the palette's second one (docs/dsl.md, fill:raised),
                # so fill:raised draws it as the default does; the other fills each differ
                values = tuple(v for v in values if v != "raised")
            yield name, key, values


def _with(name: str, key: str, value: str) -> str:
    attr = f"[{key}:{value}]\n"
    if name == "region_stack":
        return _stack(_region(0, "", _seg(0)) + _region(1), attr) + SIDE
    if name == "region":   # two regions, so that span has a share to change
        return _stack(_region(0, attr, _seg(0) + _seg(1)) + _region(1))
    return _stack(_region(0)) + _seg(0, f"|{key}={value}") + _seg(1)


@pytest.mark.parametrize("name,key,values", list(_variants()), ids=[f"{n}.{k}" for n, k, _ in _variants()])
def test_every_attribute_changes_the_picture(name, key, values):
    renders = {}
    for value in values:
        scene = _scene(_with(name, key, value))
        renders[value] = compile_scene(scene, content_for(scene)).svg
    for a, b in itertools.pairwise(values):
        assert _visibly_different(renders[a], renders[b]), f"[{name}] {key}:{a} looks like {key}:{b}"


def test_the_family_needs_a_header_and_two_segments():
    warnings = {d.message for d in load(scene_text(_stack(_region(0)), "memory_map", header=False)).diagnostics
                if d.code == "missing-component"}
    assert warnings == {"memory_map needs at least 1 [header_band] (has 0)",
                        "memory_map needs at least 2 [segment] (has 0)"}
    full = _stack(_region(0, "", _seg(0) + _seg(1)))
    assert not [d for d in load(scene_text(full, "memory_map")).diagnostics if d.code == "missing-component"]


def test_a_label_too_long_for_its_cell_is_cut_and_reported():
    scene = _scene(_stack(_region(0)) + _seg(0) + "".join(_seg(i) for i in range(1, 8)))
    content = content_for(scene)
    content["segment"][0]["label"] = "a_label_far_too_long_for_a_cell_of_an_eighth " * 3
    cut = [d for d in compile_scene(scene, content).diagnostics if d.code == "text-overflow"]
    assert cut and cut[0].message.startswith("segment.0.label: text cut")


# ---- the starter (engine/gold/starters/memory_map.py) ----

def _profile(texts: list[tuple[str, float, float, int, str]]):
    from engine.assets.family import FamilyGuess
    from engine.assets.geometry import Canvas
    from engine.assets.profile import AssetProfile, TextElement
    elements = [TextElement(text, x, y, 14 if weight >= 700 else 12, weight, "#ffffff", "start", role, role)
                for text, x, y, weight, role in texts]
    return AssetProfile("asset", Canvas(800, 600, "viewBox"), FamilyGuess("memory_map", 0.6, "poster_stack", 0.4, {}),
                        elements, [], {}, 0, 0, 0, 0, {}, {})


MAP_TEXTS = [("A memory map", 300, 30, 700, "headline"), ("Every part has an offset", 300, 50, 400, "subtitle"),
             ("0x0000", 5, 100, 400, "label"), ("Header", 60, 100, 700, "title"), ("16 bytes", 60, 115, 400, "caption"),
             ("0x0010", 5, 160, 400, "label"), ("Rows", 60, 160, 700, "title"), ("a", 150, 160, 400, "label"),
             ("b", 200, 160, 400, "label"), ("c", 250, 160, 400, "label"), ("...", 200, 200, 400, "label"),
             ("Tail", 60, 240, 700, "title"), ("Notes", 520, 100, 700, "title"), ("first note", 520, 120, 400, "label"),
             ("second note", 520, 140, 400, "label"), ("Code", 520, 300, 700, "title"), ("x = 1", 520, 320, 400, "label")]


@pytest.mark.parametrize("texts", [[], MAP_TEXTS[:1], MAP_TEXTS, [t for t in MAP_TEXTS if t[1] < 500],
                                   [("...", 10, 10, 400, "label")] * 3, [("Only side", 700, 300, 700, "title")]],
                         ids=["none", "headline", "map and side", "no side", "dots", "side only"])
def test_the_starter_builds_a_scene_that_compiles_from_any_texts(texts):
    from engine.gold.starters.memory_map import build
    p = _profile(texts)
    scene, content = build(p, p.texts)
    doc = load(scene)
    assert not doc.errors, [d.format() for d in doc.errors]
    assert doc.scene.attr("layout") == "memory_map"
    compiled = compile_scene(doc.scene, content)
    assert not [d for d in compiled.diagnostics if d.code == "unresolved-ref"]


def test_the_starter_reads_regions_offsets_chips_and_side_panels():
    from engine.gold.starters.memory_map import build
    p = _profile(MAP_TEXTS)
    scene, content = build(p, p.texts)
    assert [(r.get("label"), r.get("caption", ""), r.get("offset", "")) for r in content["region"]] == [
        ("Header", "16 bytes", "0x0000"), ("Rows", "", "0x0010"), ("Tail", "", "")]
    assert [s["label"] for s in content["segment"]] == ["a", "b", "c"]
    assert "[variant:elided]" in scene.split("label_ref:region.2.label")[0].rsplit("[region]", 1)[1]
    assert [p["title"] for p in content["panel"]] == ["Notes", "Code"]
    assert [t["text"] for t in content["text_line"]] == ["first note", "second note", "x = 1"]


def test_the_starter_leaves_the_theme_to_gold_add():
    from engine.dsl.vocab import family_defaults
    from engine.gold.starters.memory_map import build
    p = _profile(MAP_TEXTS)
    # the family's own theme, as serialized: ck gold add judges the page from the asset's raster
    assert f"[theme:{family_defaults('memory_map')['theme']}]" in build(p, p.texts)[0]


def test_the_starter_reads_no_side_column_where_lines_run_across_the_page():
    from engine.gold.starters.memory_map import build
    wide = [("A line that runs from the left edge far across into the right part of the page", 20, 100 + 30 * i,
             400, "paragraph") for i in range(4)]
    right = [("Right", 600, 100 + 30 * i, 400, "label") for i in range(3)]
    p = _profile([MAP_TEXTS[0], *wide, *right])
    scene, content = build(p, p.texts)
    assert "[region_stack]" not in scene and len(content["text_line"]) == 4   # one line a row


def test_the_starter_gives_a_strip_the_captions_and_sizes_standing_under_its_cells():
    from engine.gold.starters.memory_map import build
    cells = [("d", 100, 100), ("dmin", 200, 100), ("qs", 400, 100)]
    texts = [MAP_TEXTS[0], *[(t, x, y, 700, "label") for t, x, y in cells],
             *[(f"what {t} holds", x + 3, 120, 400, "caption") for t, x, _ in cells],
             *[(f"{i} bytes", x, 140, 400, "caption") for i, (_, x, _) in enumerate(cells)]]
    p = _profile(texts)
    _, content = build(p, p.texts)
    assert content["segment"] == [{"label": t, "caption": f"what {t} holds", "size": f"{i} bytes"}
                                  for i, (t, _, _) in enumerate(cells)]


@pytest.mark.parametrize("density", ["compact", "balanced", "fit"])
def test_the_widest_label_of_a_label_column_stays_on_one_line(density):
    # the column is measured as the widest label plus padding; less the padding, float sums must
    # not leave it a hair narrower than the label (BF16 once broke to "BF1 / 6")
    labels = ["FP32", "BF16", "FP16", "INT8", "INT4"]
    body = _stack("".join(_region(i, "", _seg(i)) for i in range(len(labels))))
    scene = load(scene_text(body, "memory_map").replace("[scene]\n", f"[scene]\n[density:{density}]\n")).scene
    content = content_for(scene)
    for region, label in zip(content["region"], labels):
        region["label"] = label
    drawn = [t.text for t in compile_resolved(scene, content).layout.shapes
             if isinstance(t, Text) and t.role == "region-label"]
    assert drawn == labels
