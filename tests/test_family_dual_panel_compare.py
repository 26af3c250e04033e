"""dual_panel_compare (issue 14): panels side by side with a disc on the gutter, what else the
scene holds above and below, the page filled; the attributes the family brought (panel head:bar,
arrange:spread, fill:inset, text_line bullet:dot, the disc) each change the raster; no overlap,
no spill; the family's requirements; its `ck gold add` starter."""
from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pytest
from layout_checks import (
    EPS,
    assert_no_overlap,
    assert_text_inside,
    box_of,
    compile_resolved,
    text_box,
)
from layout_checks import visibly_different as _visibly_different
from scenes import scene_text
from test_containers import content_for

from engine.assets.family import FamilyGuess
from engine.assets.geometry import Canvas
from engine.assets.profile import AssetProfile, TextElement
from engine.compiler import compile_scene
from engine.compiler.geometry import Circle, Rect, Text
from engine.compiler.style import CANVAS
from engine.dsl import load, vocab
from engine.dsl.model import walk
from engine.gold.starters import dual_panel_compare as starter

FAMILY = "dual_panel_compare"
LIBRARY = Path(__file__).resolve().parents[2] / "shared" / "assets"


def _scene(body: str, top: str = ""):
    doc = load(scene_text(top + body, FAMILY))
    assert not doc.errors, [d.format() for d in doc.errors]
    return doc.scene


_content = content_for   # short distinct text for every ref (tests/test_containers.py)




class Lines:
    """Numbers text_lines in document order, so that every ref is distinct."""

    def __init__(self):
        self.n = 0

    def __call__(self, attrs: str = "") -> str:
        self.n += 1
        return f"[text_line:@text_line.{self.n - 1}.text{attrs}]\n"


def _side(node: str, title: int, line: Lines, attrs: str = "", lines: int = 3, chips: int = 0) -> str:
    chip = "".join(f"[panel]\n[fill:tint]\n{line('|align=center')}[/panel]\n" for _ in range(chips))
    row = f"[group]\n[arrange:row]\n{chip}[/group]\n" if chips else ""
    return (f"[panel]\n[node_id:{node}]\n{attrs}[title_ref:panel.{title}.title]\n" + line("|style=muted") + row
            + "".join(line("|bullet=dot") for _ in range(lines)) + "[/panel]\n")


def _two_sides(attrs: str = "", disc: str = "[disc:@disc.0.text]\n", **kw) -> str:
    line = Lines()
    left = _side("left", 0, line, attrs, **kw)
    chips = kw.get("chips", 0)
    return left + disc + _side("right", 1 + chips, line, attrs, **kw)


def _boxes(layout) -> dict[str, tuple[float, float, float, float]]:
    out: dict = {}
    for s in layout.shapes:
        if isinstance(s, Rect) and s.node and s.node not in out:
            out[s.node] = box_of(s)
    return out


def _discs(layout) -> list[Circle]:
    return [s for s in layout.shapes if isinstance(s, Circle) and s.role == "disc"]


# --- the arrangement ---------------------------------------------------------------------------

# strip (3:1, 500 px) is lower than a header over two sides of three chips: the page grows there,
# as every family's does, so "filled, not grown" is asked of the other canvases
@pytest.mark.parametrize("canvas", sorted(c for c in CANVAS if c != "strip"))
def test_sides_share_one_band_equally_tall_and_fill_the_canvas_with_the_disc_on_the_gutter(canvas):
    scene = _scene(_two_sides(chips=3), f"[canvas:{canvas}]\n")
    compiled = compile_resolved(scene, _content(scene))
    layout = compiled.layout
    left, right = _boxes(layout)["left"], _boxes(layout)["right"]
    assert left[1] == right[1] and left[3] == right[3]            # one band, one height
    assert left[2] - left[0] == pytest.approx(right[2] - right[0])  # equal columns
    assert left[2] < right[0]
    assert layout.height == pytest.approx(CANVAS[canvas][1])        # filled, not grown
    foot = next(s for s in layout.shapes if isinstance(s, Text) and s.role == "topic")
    assert left[3] < text_box(foot)[1]
    (disc,) = _discs(layout)
    assert disc.cx == pytest.approx((left[2] + right[0]) / 2)
    assert disc.cy == pytest.approx((left[1] + left[3]) / 2)
    for t in (s for s in layout.shapes if isinstance(s, Text) and s.role != "disc"):
        l, top, r, bottom = text_box(t)
        clear = r < disc.cx - disc.r or l > disc.cx + disc.r or bottom < disc.cy - disc.r or top > disc.cy + disc.r
        assert clear, f"{t.text!r} under the disc"
    assert_text_inside(layout, {"panel", "panel-bar"})


def test_three_sides_stand_in_one_row_and_a_disc_only_where_written():
    line = Lines()
    body = (_side("a", 0, line) + _side("b", 1, line) + "[disc:@disc.0.text]\n" + _side("c", 2, line))
    scene = _scene(body)
    layout = compile_resolved(scene, _content(scene)).layout
    a, b, c = (_boxes(layout)[k] for k in "abc")
    assert a[1] == b[1] == c[1] and a[2] < b[0] and b[2] < c[0]
    (disc,) = _discs(layout)
    assert b[2] < disc.cx < c[0]


def test_other_sections_stand_full_width_above_and_below_in_written_order():
    line = Lines()
    body = ("[thesis_box:@thesis_box.0.title|@thesis_box.0.text|node_id=above]\n"
            + _side("left", 0, line) + _side("right", 1, line)
            + "[conclusion_strip:@conclusion_strip.0.text]\n[callout_card:@callout_card.0.title|node_id=after]\n")
    scene = _scene(body)
    layout = compile_resolved(scene, _content(scene)).layout
    boxes = _boxes(layout)
    strip = next(box_of(s) for s in layout.shapes if isinstance(s, Rect) and s.role == "conclusion")
    assert boxes["above"][3] < boxes["left"][1]
    assert boxes["left"][3] < strip[1] < strip[3] < boxes["after"][1]
    assert boxes["above"][2] - boxes["above"][0] == pytest.approx(boxes["right"][2] - boxes["left"][0])


def test_a_panel_alone_is_full_width_and_a_disc_not_between_sides_is_a_section():
    line = Lines()
    body = ("[disc:@disc.0.text]\n" + _side("alone", 0, line) + "[callout_card:@callout_card.0.title]\n"
            + _side("left", 1, line) + _side("right", 2, line) + "[disc:@disc.1.text]\n")
    scene = _scene(body)
    layout = compile_resolved(scene, _content(scene)).layout
    boxes = _boxes(layout)
    assert boxes["alone"][2] - boxes["alone"][0] == pytest.approx(boxes["right"][2] - boxes["left"][0])
    first, last = sorted(_discs(layout), key=lambda c: c.cy)
    assert first.cy + first.r <= boxes["alone"][1] and last.cy - last.r >= boxes["left"][3]
    assert first.cx == pytest.approx(layout.width / 2)


def test_a_spread_side_spaces_its_lines_to_its_foot_and_a_stack_keeps_them_at_its_top():
    def tops(arrange: str):
        scene = _scene(_two_sides(f"[arrange:{arrange}]\n", disc=""))
        layout = compile_resolved(scene, _content(scene)).layout
        left = _boxes(layout)["left"]
        texts = sorted(text_box(t) for t in layout.shapes if isinstance(t, Text) and t.role == "line"
                       and left[0] < t.x < left[2])
        return left, [t[1] for t in sorted(texts, key=lambda t: t[1])]
    left, spread = tops("spread")
    _, stack = tops("stack")
    gaps = np.diff(spread[1:])                                    # the list items, alike
    assert gaps.max() - gaps.min() < 1.0                          # evenly
    assert spread[-1] > stack[-1] + 50 and left[3] - spread[-1] < 80
    assert spread[0] == pytest.approx(stack[0])                   # both start under the title


# --- attributes change the raster ---------------------------------------------------------------

def _render(body: str, top: str = "") -> str:
    scene = _scene(body, top)
    return compile_scene(scene, _content(scene)).svg


@pytest.mark.parametrize("key,values,body", [
    ("head", vocab.COMPONENTS["panel"].attrs["head"], lambda v: _two_sides(f"[head:{v}]\n")),
    ("arrange", ("stack", "spread"), lambda v: _two_sides(f"[arrange:{v}]\n")),
    ("fill", ("surface", "inset"), lambda v: _two_sides(f"[fill:{v}]\n")),
    ("bullet", vocab.COMPONENTS["text_line"].attrs["bullet"],
     lambda v: _two_sides().replace("|bullet=dot", f"|bullet={v}")),
    ("disc fill", vocab.COMPONENTS["disc"].attrs["fill"], lambda v: _two_sides(disc=f"[disc:@disc.0.text|fill={v}]\n")),
    ("disc accent", vocab.COMPONENTS["disc"].attrs["accent"],
     lambda v: _two_sides(disc=f"[disc:@disc.0.text|fill=solid|accent={v}]\n")),
    ("disc", ("", "[disc:@disc.0.text]\n"), lambda v: _two_sides(disc=v)),
])
def test_every_attribute_the_family_brought_changes_the_picture(key, values, body):
    renders = {v: _render(body(v)) for v in values}
    for a, b in itertools.pairwise(values):
        assert _visibly_different(renders[a], renders[b]), f"{key}: {a!r} looks like {b!r}"


@pytest.mark.parametrize("layout", vocab.LAYOUTS)
def test_the_new_attributes_draw_in_every_family(layout):
    line = Lines()
    body = (_side("p", 0, line, "[head:bar]\n[arrange:spread]\n[fill:inset]\n", chips=2)
            + "[disc:@disc.0.text|fill=solid]\n")
    doc = load(scene_text(body, layout))
    assert not doc.errors
    compiled = compile_resolved(doc.scene, _content(doc.scene))
    shapes = compiled.layout.shapes
    assert [s for s in shapes if isinstance(s, Rect) and s.role == "panel-bar"]
    assert len([s for s in shapes if isinstance(s, Circle) and s.role == "bullet"]) == 3
    assert _discs(compiled.layout) and ">disc 0" in compiled.svg
    assert_text_inside(compiled.layout, {"panel", "panel-bar"})


# --- no overlap, no spill -----------------------------------------------------------------------

LONG = "a much longer text than any column of a side could ever hold on one line " * 6


@pytest.mark.parametrize("canvas", ["banner", "panorama", "portrait"])
@pytest.mark.parametrize("arrange", ["stack", "spread"])
def test_long_texts_wrap_or_are_cut_inside_their_boxes_and_boxes_stay_on_the_page(canvas, arrange):
    scene = _scene(_two_sides(f"[head:bar]\n[arrange:{arrange}]\n", lines=6, chips=4), f"[canvas:{canvas}]\n")
    content = _content(scene)
    for rows in content.values():
        for row in rows:
            for k in row:
                row[k] = LONG
    compiled = compile_resolved(scene, content)
    layout = compiled.layout
    assert_text_inside(layout, {"panel", "panel-bar"})
    assert_no_overlap(layout, {"panel-bar"})
    for s in layout.shapes:
        if isinstance(s, Rect) and s.role in ("panel", "panel-bar"):
            assert s.x >= -EPS and s.x + s.w <= layout.width + EPS and s.y + s.h <= layout.height + EPS
    bars = [box_of(s) for s in layout.shapes if isinstance(s, Rect) and s.role == "panel-bar"]
    titles = [text_box(t) for t in layout.shapes if isinstance(t, Text) and t.role == "panel-title"]
    assert titles and all(any(b[1] - EPS <= t[1] and t[3] <= b[3] + EPS for b in bars) for t in titles)
    assert any(d.code == "text-overflow" and d.message.startswith("panel.0.title") for d in compiled.diagnostics)


def test_chips_in_a_row_stay_apart_inside_their_side():
    scene = _scene(_two_sides(chips=4))
    layout = compile_resolved(scene, _content(scene)).layout
    panels = [s for s in layout.shapes if isinstance(s, Rect) and s.role == "panel"]
    sides = [box_of(p) for p in panels if p.node in ("left", "right")]
    chips = [box_of(p) for p in panels if p.node is None]
    assert len(chips) == 8
    assert all(any(s[0] <= c[0] and c[2] <= s[2] and s[1] <= c[1] and c[3] <= s[3] for s in sides) for c in chips)
    assert_no_overlap(layout, {"panel-bar"})
    for i, a in enumerate(chips):
        for b in chips[i + 1:]:
            assert a[2] <= b[0] + EPS or b[2] <= a[0] + EPS or a[3] <= b[1] + EPS or b[3] <= a[1] + EPS


def test_a_bulleted_line_hangs_its_text_after_the_dot_and_stands_apart():
    scene = _scene(_two_sides(disc=""))
    layout = compile_resolved(scene, _content(scene)).layout
    dots = sorted((s for s in layout.shapes if isinstance(s, Circle) and s.role == "bullet"), key=lambda c: (c.cx, c.cy))
    items = sorted((t for t in layout.shapes if isinstance(t, Text) and t.text.startswith("text_line")
                    and t.text not in ("text_line 0 text", "text_line 4 text")), key=lambda t: (t.x, t.y))
    assert len(dots) == len(items) == 6
    for dot, t in zip(dots, items):
        assert dot.cx + dot.r < text_box(t)[0] and text_box(t)[1] < dot.cy < text_box(t)[3]
    pitch = items[1].y - items[0].y
    muted = next(t for t in layout.shapes if isinstance(t, Text) and t.text == "text_line 0 text")
    assert pitch > items[0].y - muted.y - EPS   # an item's line is taller than a plain line


def test_a_list_item_never_joins_a_code_well():
    body = ("[panel]\n[title_ref:panel.0.title]\n[text_line:@text_line.0.text|style=muted|bullet=dot]\n"
            "[text_line:@text_line.1.text|style=code]\n[/panel]\n")
    layout = compile_resolved(_scene(body), _content(_scene(body))).layout
    (well,) = [box_of(s) for s in layout.shapes if isinstance(s, Rect) and s.role == "code-well"]
    item = next(text_box(t) for t in layout.shapes if isinstance(t, Text) and t.text == "text_line 0 text")
    assert item[3] <= well[1] + EPS


# --- requirements -------------------------------------------------------------------------------

def test_requirements_ask_for_a_header_and_two_panels():
    line = Lines()
    doc = load(scene_text(_side("only", 0, line), FAMILY, header=False))
    found = {d.message for d in doc.diagnostics if d.code == "missing-component"}
    assert found == {"dual_panel_compare needs at least 1 [header_band] (has 0)",
                     "dual_panel_compare needs at least 2 [panel] (has 1)"}
    assert not load(scene_text(_two_sides(), FAMILY)).diagnostics
    compiled = compile_scene(doc.scene, _content(doc.scene))   # still renders
    assert "panel 0 title" in compiled.svg


# --- the starter --------------------------------------------------------------------------------

def _text(text: str, x: float, y: float, role: str, *, size: float = 12, weight: int = 400,
          fill: str = "#dddddd", anchor: str = "start") -> TextElement:
    return TextElement(text, x, y, size, weight, fill, anchor, role, role)


def _profile(texts: list[TextElement], width: float = 980, height: float = 420) -> AssetProfile:
    return AssetProfile("two sides", Canvas(width, height, "viewBox"),
                        FamilyGuess(FAMILY, 0.9, "comparison_span_chart", 0.2, {}), texts, [], {}, 0, 0, 0, 0, {}, {})


SIDES = [
    _text("Two ways to store a plan", 490, 32, "headline", size=22, weight=700, anchor="middle"),
    _text("Why one of them keeps its addresses", 490, 52, "subtitle", anchor="middle"),
    _text("Left way", 250, 110, "title", weight=700, anchor="middle"),
    _text("• first point on the left", 70, 150, "caption"),
    _text("• second point on the left", 70, 180, "caption"),
    _text("cell one", 90, 230, "label", anchor="middle"), _text("cell two", 180, 230, "label", anchor="middle"),
    _text("closing line of the left side", 70, 330, "caption", fill="#f87171"),
    _text("Right way", 730, 110, "title", weight=700, anchor="middle"),
    _text("a point on the right side", 550, 150, "caption"),
    _text("another point on the right side", 550, 330, "caption", fill="#4ade80"),
    _text("VS", 490, 230, "label", weight=700, anchor="middle"),
    _text("A conclusion that runs right across the whole of the page below both sides", 490, 400,
          "paragraph", anchor="middle"),
]


def test_the_starter_builds_two_sides_with_their_texts_a_disc_and_a_conclusion():
    text, content = starter.build(_profile(SIDES), SIDES)
    doc = load(text)
    assert not doc.diagnostics, [d.format() for d in doc.diagnostics]
    tops = [c for c in doc.scene.components]
    names = [c.name for c in tops]
    assert names == ["header_band", "panel", "disc", "panel", "conclusion_strip"]
    assert [p.attr("head") for p in tops if p.name == "panel"] == ["bar", "bar"]
    assert content["panel"][0]["title"] == "Left way" and content["disc"] == [{"text": "VS"}]
    placed = " ".join(v for rows in content.values() for row in rows for v in row.values())
    assert all(t.text.lstrip("• ") in placed for t in SIDES)
    items = [c for c in walk(doc.scene) if c.comp.attr("bullet") == "dot"]
    assert len(items) == 2   # the glyph became the dot
    compiled = compile_scene(doc.scene, content, strict=True)
    assert len(_discs(compiled.layout)) == 1


@pytest.mark.parametrize("texts", [
    [],
    [_text("only a headline", 490, 32, "headline", size=22)],
    [_text("one text in the middle of the page", 490, 200, "caption", anchor="middle")],
    [_text(f"line {i} on the left", 60, 80 + 20 * i, "caption") for i in range(40)],
    [_text("Left", 160, 100, "title", weight=700), _text("Middle", 490, 100, "title", weight=700),
     _text("Right", 820, 100, "title", weight=700)] + [_text(f"x{i}", 160 + 330 * (i % 3), 140 + 30 * i, "label")
                                                       for i in range(9)],
], ids=["nothing", "headline", "one text", "one long side", "three columns"])
def test_the_starter_never_fails_and_always_gives_the_family_its_two_panels(texts):
    text, content = starter.build(_profile(texts), texts)
    doc = load(text)
    assert not doc.errors, [d.format() for d in doc.errors]
    assert sum(c.name == "panel" for c in doc.scene.components) >= 2
    compile_scene(doc.scene, content, strict=True)


def test_the_starter_reads_three_columns_as_three_sides():
    texts = [_text(f"column {c} line {i}", 60 + 330 * c, 100 + 30 * i, "caption") for c in range(3) for i in range(4)]
    text, _ = starter.build(_profile(texts), texts)
    assert sum(c.name == "panel" for c in load(text).scene.components) == 3


@pytest.mark.skipif(not LIBRARY.is_dir(), reason="the asset library is not beside the project")
def test_the_starter_maps_every_library_asset_profiled_as_the_family():
    from engine.assets import load_svg, profile_document
    from engine.assets.read import AssetError

    mapped = 0
    for path in sorted(LIBRARY.glob("*.svg")):
        try:
            profile = profile_document(load_svg(path))
        except AssetError:
            continue
        if profile.family.guess != FAMILY:
            continue
        text, content = starter.build(profile, list(profile.texts))
        doc = load(text)
        assert not doc.errors, (path.name, [d.format() for d in doc.errors])
        compiled = compile_scene(doc.scene, content, strict=False)
        assert not [d for d in compiled.diagnostics if d.code == "unresolved-ref"], path.name
        mapped += 1
    assert mapped >= 5
