"""DSL v2 containers, per-component outline/fill and links, compiled (issue 14: no overlap, no
spill, every attribute changes the raster)."""
from __future__ import annotations

import time

import pytest
from layout_checks import EPS, assert_text_inside, compile_resolved
from layout_checks import visibly_different as _visibly_different
from scenes import scene_text

from engine.compiler import compile_scene
from engine.compiler.geometry import ANCHOR, Line, Rect, Text
from engine.compiler.links import ends, route
from engine.dsl import load, vocab
from engine.dsl.model import walk


def _scene(body: str, layout: str = "poster_stack"):
    doc = load(scene_text(body, layout))
    assert not doc.errors, [d.format() for d in doc.errors]
    return doc.scene


def content_for(scene) -> dict:
    """Short distinct text for every ref of the scene (paths of the form name.N.field)."""
    content: dict = {}
    for visit in walk(scene):
        for ref in visit.comp.refs:
            name, i, field = ref.path.split(".")
            rows = content.setdefault(name, [])
            rows.extend({} for _ in range(int(i) + 1 - len(rows)))
            rows[int(i)][field] = f"{name} {i} {field}"
    return content


def _card(i: int, extra: str = "") -> str:
    return f"[section_card:@section_card.{i}.title|@section_card.{i}.caption|node_id=c{i}{extra}]\n"


def _panel(children: str, attrs: str = "", node: str = "p") -> str:
    return f"[panel]\n[node_id:{node}]\n{attrs}[title_ref:panel.0.title]\n{children}[/panel]\n"


def _boxes(layout) -> dict[str, tuple[float, float, float, float]]:
    out: dict = {}
    for s in layout.shapes:
        if isinstance(s, Rect) and s.node and s.node not in out:
            out[s.node] = (s.x, s.y, s.x + s.w, s.y + s.h)
    return out


def _inside(inner, outer) -> bool:
    return (inner[0] >= outer[0] - EPS and inner[1] >= outer[1] - EPS
            and inner[2] <= outer[2] + EPS and inner[3] <= outer[3] + EPS)


def _apart(a, b) -> bool:
    return a[2] <= b[0] + EPS or b[2] <= a[0] + EPS or a[3] <= b[1] + EPS or b[3] <= a[1] + EPS


ARRANGEMENTS = ["", "[arrange:stack]\n", "[arrange:row]\n", "[arrange:grid]\n[cols:2]\n",
                "[arrange:grid]\n[cols:3]\n", "[arrange:grid]\n[cols:4]\n"]


@pytest.mark.parametrize("arrange", ARRANGEMENTS, ids=lambda a: a.replace("\n", "") or "default")
@pytest.mark.parametrize("layout", vocab.LAYOUTS)
def test_children_stay_inside_their_panel_and_apart(layout, arrange):
    cards = "".join(_card(i, "|variant=metric" if i % 2 else "") for i in range(5))
    scene = _scene(_panel(cards, arrange), layout)
    compiled = compile_resolved(scene, content_for(scene))
    boxes = _boxes(compiled.layout)
    kids = [boxes[f"c{i}"] for i in range(5)]
    assert all(_inside(k, boxes["p"]) for k in kids)
    assert all(_apart(a, b) for i, a in enumerate(kids) for b in kids[i + 1:])
    assert_text_inside(compiled.layout, {"panel", "section_card"})


def test_a_row_puts_children_side_by_side_equally_tall_and_a_stack_one_under_another():
    def kids(arrange):
        scene = _scene(_panel(_card(0) + _card(1, "|variant=metric") + _card(2), arrange))
        boxes = _boxes(compile_resolved(scene, content_for(scene)).layout)
        return [boxes[f"c{i}"] for i in range(3)]
    row, stack = kids("[arrange:row]\n"), kids("[arrange:stack]\n")
    assert len({b[1] for b in row}) == 1 and len({round(b[3], 2) for b in row}) == 1   # one band, one height
    assert row[0][2] < row[1][0] and row[1][2] < row[2][0]
    assert stack[0][3] < stack[1][1] and stack[1][3] < stack[2][1]


def test_a_grid_of_groups_gives_each_row_its_own_column_count():
    rows = "".join(f"[group]\n[arrange:row]\n{''.join(_card(i) for i in range(s, s + n))}[/group]\n"
                   for s, n in ((0, 4), (4, 2), (6, 3)))
    scene = _scene(f"[group]\n{rows}[/group]\n", "dashboard_cards")
    boxes = _boxes(compile_resolved(scene, content_for(scene)).layout)
    tops = [round(boxes[f"c{i}"][1], 2) for i in range(9)]
    assert len(set(tops[:4])) == len(set(tops[4:6])) == len(set(tops[6:])) == 1
    assert tops[0] < tops[4] < tops[6]
    widths = [boxes[f"c{i}"][2] - boxes[f"c{i}"][0] for i in (0, 4, 6)]
    assert widths[0] < widths[2] < widths[1]


NESTED3 = ("[panel]\n[node_id:p1]\n[title_ref:panel.0.title]\n"
           "[panel]\n[node_id:p2]\n[fill:tint]\n[title_ref:panel.1.title]\n"
           "[panel]\n[node_id:p3]\n[fill:solid]\n[outline:bold]\n[title_ref:panel.2.title]\n"
           + _card(0) + "[/panel]\n[/panel]\n[/panel]\n")


def test_a_panel_in_a_panel_in_a_panel_renders_each_inside_the_other():
    scene = _scene(NESTED3)
    compiled = compile_resolved(scene, content_for(scene))
    boxes = _boxes(compiled.layout)
    assert _inside(boxes["c0"], boxes["p3"]) and _inside(boxes["p3"], boxes["p2"]) and _inside(boxes["p2"], boxes["p1"])
    assert all(f"panel {i} title" in compiled.svg for i in range(3)) and "section_card 0 title" in compiled.svg


def _variants():
    for name in ("panel", "group"):
        for key, values in vocab.COMPONENTS[name].attrs.items():
            yield name, key, values


SPEAKS = {"cols": "[arrange:grid]\n", "widths": "[arrange:row]\n", "heights": "[arrange:row]\n",
          "valign": "[height:fill]\n"}   # where an attribute speaks


@pytest.mark.parametrize("name,key,values", list(_variants()), ids=[f"{n}.{k}" for n, k, _ in _variants()])
def test_every_container_attribute_changes_the_picture(name, key, values):
    count = 2 if key == "widths" else 5   # two cells ask for less than the row: packed shows
    cards = "".join(_card(i, f"|variant={'metric' if i % 2 else 'default'}") for i in range(count))
    renders = {}
    for value in values:
        other = SPEAKS.get(key, "")
        attrs = f"{other}[{key}:{value}]\n"
        body = (_panel(cards, attrs) if name == "panel" else f"[group]\n{attrs}{cards}[/group]\n")
        if key == "span":   # a share of the row the container stands in, beside another cell
            body = f"[group]\n[arrange:row]\n{body}[group]\n{_card(9)}[/group]\n[/group]\n"
        scene = _scene(body)
        content = content_for(scene)
        content["section_card"][0]["caption"] *= 3   # a cell that asks for more width (widths)
        renders[value] = compile_scene(scene, content).svg
    for a, b in zip(values, values[1:]):
        assert _visibly_different(renders[a], renders[b]), f"[{name}] {key}:{a} looks like {key}:{b}"


# c0 top left, c3 bottom right, two sections apart: a link long enough to show its every look
LINKED = (_panel("[group]\n[arrange:row]\n" + _card(0) + _card(1) + "[/group]\n", node="a")
          + _panel("[group]\n[arrange:row]\n" + _card(2) + _card(3) + "[/group]\n", node="b")
          + "[link:@link.0.label|from_ref=c0|to_ref=c3{attrs}]\n")


@pytest.mark.parametrize("key", ["style", "route", "accent"])
def test_every_link_attribute_changes_the_picture(key):
    values = vocab.COMPONENTS["link"].attrs[key]
    renders = {}
    for value in values:
        scene = _scene(LINKED.format(attrs=f"|{key}={value}"))
        renders[value] = compile_scene(scene, content_for(scene)).svg
    for a, b in zip(values, values[1:]):
        assert _visibly_different(renders[a], renders[b]), f"link {key}:{a} looks like {key}:{b}"


def _on_edge(p, box) -> bool:
    x, y = p
    inside = box[0] - EPS <= x <= box[2] + EPS and box[1] - EPS <= y <= box[3] + EPS
    return inside and min(abs(x - box[0]), abs(x - box[2]), abs(y - box[1]), abs(y - box[3])) <= EPS


@pytest.mark.parametrize("route_", ["straight", "elbow"])
@pytest.mark.parametrize("layout", vocab.LAYOUTS)
def test_links_start_and_end_on_their_boxes_edges_in_every_family(layout, route_):
    pairs = [("c0", "c3"), ("c1", "c2"), ("c0", "c1"), ("c2", "c0")]
    links = "".join(f"[link:from_ref={a}|to_ref={b}|route={route_}]\n" for a, b in pairs)
    body = "[group]\n[arrange:grid]\n[cols:2]\n" + "".join(_card(i) for i in range(4)) + "[/group]\n" + links
    scene = _scene(body, layout)
    compiled = compile_resolved(scene, content_for(scene))
    boxes = _boxes(compiled.layout)
    drawn = [s for s in compiled.layout.shapes if isinstance(s, Line) and s.role == "link"]
    assert len(drawn) == len(pairs)
    for line, (a, b) in zip(drawn, pairs):
        assert _on_edge(line.points[0], boxes[a]) and _on_edge(line.points[-1], boxes[b]), (a, b, line.points)


def test_link_ends_face_each_other():
    assert ends((0, 0, 10, 10), (0, 30, 10, 40)) == ((5.0, 10), (5.0, 30), False)   # plumb, through the shared band
    assert ends((20, 0, 30, 10), (0, 0, 10, 10)) == ((20, 5.0), (10, 5.0), True)    # leftwards, level
    a, b = (0, 0, 10, 10), (30, 40, 40, 50)   # apart both ways, more down than across
    assert route(a, b, "straight") == ((5.0, 10), (35.0, 40))
    assert route(a, b, "elbow") == ((5.0, 10), (5.0, 25.0), (35.0, 25.0), (35.0, 40))


def test_a_group_and_a_panel_are_link_ends_and_a_link_to_an_undrawn_end_is_said():
    body = ("[group]\n[node_id:g]\n" + _card(0) + "[/group]\n" + _panel(_card(1)) +
            "[link:from_ref=g|to_ref=p]\n[text_line:@text_line.0.text|node_id=t]\n[link:from_ref=p|to_ref=t]\n")
    scene = _scene(body)
    compiled = compile_scene(scene, content_for(scene))
    boxes = _boxes(compiled.layout)
    assert [s.role for s in compiled.layout.shapes if isinstance(s, Rect) and s.node == "g"] == [ANCHOR]
    drawn_rects = [r for r in compiled.layout.shapes if isinstance(r, Rect) and r.role != ANCHOR]
    assert compiled.svg.count("<rect") == len(drawn_rects) + 1   # anchors are not drawn (+1: the page)
    assert len([s for s in compiled.layout.shapes if isinstance(s, Line) and s.role == "link"]) == 2
    assert _inside(boxes["c0"], boxes["g"])
    assert not [d for d in compiled.diagnostics if d.code == "not-drawn"]   # a line of text is a link end too


@pytest.mark.parametrize("layout", vocab.LAYOUTS)
def test_every_family_places_containers_in_written_order(layout):
    body = _panel(_card(0), node="a") + _card(1) + _panel(_card(2), node="b")
    scene = _scene(body, layout)
    boxes = _boxes(compile_resolved(scene, content_for(scene)).layout)
    assert boxes["a"][3] < boxes["b"][1]   # a above b, as the family places any two sections


@pytest.mark.parametrize("name", ["section_card", "callout_card", "thesis_box", "stage_card", "panel"])
@pytest.mark.parametrize("key", ["outline", "fill"])
def test_outline_and_fill_change_each_boxed_component(name, key):
    fields = {"section_card": "title|caption", "callout_card": "title|text", "thesis_box": "title|text",
              "stage_card": "title|caption", "panel": "title|caption"}[name]
    renders = {}
    for value in vocab.COMPONENTS[name].attrs[key]:
        cells = "|".join(f"@{name}.0.{f}" for f in fields.split("|"))
        scene = _scene(f"[{name}:{cells}|{key}={value}]\n")
        renders[value] = compile_scene(scene, content_for(scene)).svg
    values = list(renders)
    for a, b in zip(values, values[1:]):
        assert _visibly_different(renders[a], renders[b]), f"{name} {key}:{a} looks like {key}:{b}"


def deep_scene() -> str:
    """3 deep, 62 components: two panels (grids) of two groups (rows) of two panels, each holding
    six cards (a metric among them) in a grid."""
    n = iter(range(100))

    def cards() -> str:
        return "".join(_card(i, "|variant=metric" if i % 4 == 0 else "") for i in (next(n) for _ in range(6)))

    def inner() -> str:
        return "[panel]\n[arrange:grid]\n[cols:3]\n[title_ref:panel.0.title]\n" + cards() + "[/panel]\n"

    def group() -> str:
        return "[group]\n[arrange:row]\n" + inner() + inner() + "[/group]\n"

    return "".join("[panel]\n[arrange:grid]\n[cols:1]\n[title_ref:panel.0.title]\n" + group() + group()
                   + "[/panel]\n" for _ in range(2))


def test_deep_nesting_stays_fast():
    scene = _scene(deep_scene())
    assert sum(1 for _ in walk(scene)) >= 60
    content = content_for(scene)
    compile_scene(scene, content)   # warm: fonts and themes load once
    start = time.perf_counter()
    compiled = compile_resolved(scene, content)
    took = time.perf_counter() - start
    boxes = _boxes(compiled.layout)
    assert len(boxes) == 48
    assert took < 2.0, f"{took:.2f} s"


def test_a_centred_panel_head_stands_on_the_panel_centre_inside_it():
    """align:center sets the tag, title and caption on the panel's centre line (the side panels of
    a memory sheet), with the children under them as before; left keeps them at the padding."""
    def head(align):
        body = ("[panel]\n[node_id:p]\n" + align + "[title_ref:panel.0.title]\n[caption_ref:panel.0.caption]\n"
                "[tag_ref:panel.0.tag]\n" + _card(0) + "[/panel]\n")
        scene = _scene(body)
        compiled = compile_resolved(scene, content_for(scene))
        box = _boxes(compiled.layout)["p"]
        roles = {s.role: s for s in compiled.layout.shapes if isinstance(s, Text) and s.role}
        assert_text_inside(compiled.layout, {"panel", "section_card"})
        return box, roles, _boxes(compiled.layout)["c0"]
    box, roles, card = head("[align:center]\n")
    centre = (box[0] + box[2]) / 2
    assert roles["panel-title"].anchor == roles["panel-caption"].anchor == "middle"
    assert abs(roles["panel-title"].x - centre) < EPS and abs(roles["panel-caption"].x - centre) < EPS
    assert abs(roles["tag"].x - centre) < EPS   # the pill's label, centred on its pill
    _, left, left_card = head("")
    assert left["panel-title"].anchor == "start" and left["panel-title"].x < centre
    assert card == left_card   # the head moved across, the children stayed where they were


NESTED4 = ("[panel]\n[node_id:p1]\n[title_ref:panel.0.title]\n[group]\n[node_id:g]\n[arrange:row]\n"
           "[panel]\n[node_id:p2]\n[title_ref:panel.1.title]\n"
           "[panel]\n[node_id:p3]\n[fill:faint]\n[title_ref:panel.2.title]\n" + _card(0) + "[/panel]\n[/panel]\n"
           + _card(1) + "[/group]\n[/panel]\n")


# wave 7: a fifth level, a stack inside the innermost box, its two lines one under the other
NESTED5 = NESTED4.replace(_card(0), "[group]\n[node_id:g5]\n" + _card(0) + _card(2) + "[/group]\n")


@pytest.mark.parametrize("layout", vocab.LAYOUTS)
def test_four_containers_deep_nest_each_inside_the_other_in_every_family(layout):
    scene = _scene(NESTED4, layout)
    assert max(v.depth for v in walk(scene)) == 5   # the card in the fourth
    compiled = compile_resolved(scene, content_for(scene))
    boxes = _boxes(compiled.layout)
    assert _inside(boxes["c0"], boxes["p3"]) and _inside(boxes["p3"], boxes["p2"])
    assert _inside(boxes["p2"], boxes["g"]) and _inside(boxes["g"], boxes["p1"])
    assert _apart(boxes["p2"], boxes["c1"])
    assert_text_inside(compiled.layout, {"panel", "section_card"})


@pytest.mark.parametrize("layout", vocab.LAYOUTS)
def test_five_containers_deep_nest_each_inside_the_other_in_every_family(layout):
    scene = _scene(NESTED5, layout)
    assert max(v.depth for v in walk(scene)) == 6 == vocab.MAX_DEPTH + 1   # the cards in the fifth
    compiled = compile_resolved(scene, content_for(scene))
    boxes = _boxes(compiled.layout)
    assert _inside(boxes["c0"], boxes["g5"]) and _inside(boxes["c2"], boxes["g5"]) and _inside(boxes["g5"], boxes["p3"])
    assert boxes["c0"][3] <= boxes["c2"][1]   # stacked, the first above the second
    assert_text_inside(compiled.layout, {"panel", "section_card"})


def test_widths_packed_sets_each_cell_at_its_own_width_from_the_left_a_gap_apart():
    cells = "".join(_card(i) for i in range(3))
    boxes = {}
    for widths in ("content", "packed"):
        scene = _scene(_panel("[group]\n[arrange:row]\n[widths:" + widths + "]\n[gap:sm]\n" + cells + "[/group]\n"))
        boxes[widths] = _boxes(compile_resolved(scene, content_for(scene)).layout)
    packed, content = boxes["packed"], boxes["content"]
    lefts = [packed[f"c{i}"][0] for i in range(3)]
    rights = [packed[f"c{i}"][2] for i in range(3)]
    assert lefts[0] == pytest.approx(content["c0"][0])                      # from the row's left edge
    assert [lefts[i + 1] - rights[i] for i in range(2)] == pytest.approx([14, 14])   # gap:sm apart
    assert rights[2] < content["c2"][2] - 100                                # the row's right stays free
    widths = [r - l for l, r in zip(lefts, rights)]
    assert all(w < content["c0"][2] - content["c0"][0] for w in widths)     # each its own width


def test_widths_packed_shares_the_row_as_content_does_when_the_cells_ask_for_more():
    cells = "".join(_card(i) for i in range(4))
    made = {}
    for widths in ("content", "packed"):
        scene = _scene(_panel("[group]\n[arrange:row]\n[widths:" + widths + "]\n" + cells + "[/group]\n"))
        content = content_for(scene)
        for row in content["section_card"]:
            row["caption"] *= 6
        made[widths] = compile_scene(scene, content).layout.to_json()
    assert made["content"] == made["packed"]


@pytest.mark.parametrize("head", ["plain", "above"])
def test_a_panel_title_in_fine_print_and_text_ink(head):
    from engine.compiler.style import FONT
    from engine.compiler.themes import palettes
    titles = {}
    for attrs in ("", "[print:fine]\n", "[print:large]\n", "[ink:text]\n"):
        scene = _scene(_panel(_card(0), f"[head:{head}]\n{attrs}"))
        layout = compile_resolved(scene, content_for(scene)).layout
        titles[attrs] = next(s for s in layout.shapes if isinstance(s, Text) and s.role == "panel-title")
    plain, fine, ink = titles[""], titles["[print:fine]\n"], titles["[ink:text]\n"]
    assert (plain.size, fine.size) == (FONT["title"], FONT["label"])   # poster_stack: balanced, scale 1
    assert titles["[print:large]\n"].size == pytest.approx(FONT["title"] * 1.25, abs=0.06)
    text_colour = palettes()[vocab.BASE_DEFAULTS["theme"]].text
    assert ink.fill == text_colour != plain.fill and ink.size == plain.size


@pytest.mark.parametrize("fill", ["solid", "ink"])
def test_the_children_of_a_strong_fill_are_set_in_ink_that_reads_on_it(fill):
    from engine.compiler.themes import luminance, palettes
    body = _panel("[text_line:@text_line.0.text|style=code|well=none]\n[text_line:@text_line.1.text]\n"
                  + _card(0), f"[fill:{fill}]\n")
    text = scene_text(body).replace("[scene]\n", "[scene]\n[theme:paper_editorial]\n")
    scene = load(text).scene
    layout = compile_resolved(scene, content_for(scene)).layout
    panel = next(s for s in layout.shapes if isinstance(s, Rect) and s.role == "panel")
    if fill == "ink":
        assert panel.fill == palettes()["paper_editorial"].text   # the page's ink: a dark block
    lines = [s for s in layout.shapes if isinstance(s, Text) and s.text.startswith("text_line")]
    assert len(lines) == 2
    for t in lines:
        assert abs(luminance(t.fill) - luminance(panel.fill)) > 0.4, (t.text, t.fill, panel.fill)


@pytest.mark.parametrize("theme", ["paper_white", "infra_dark"])
@pytest.mark.parametrize("fill", ["solid", "ink"])
def test_a_raised_box_inside_a_strong_fill_is_a_step_off_it_and_its_text_reads(theme, fill):
    from engine.compiler.themes import luminance
    chip = "[panel]\n[fill:raised]\n[title_ref:panel.1.title]\n[text_line:@text_line.0.text]\n[/panel]\n"
    body = f"[panel]\n[fill:{fill}]\n[title_ref:panel.0.title]\n{chip}[/panel]\n"
    scene = load(scene_text(body).replace("[scene]\n", f"[scene]\n[theme:{theme}]\n")).scene
    layout = compile_resolved(scene, content_for(scene)).layout
    outer, inner_ = [s for s in layout.shapes if isinstance(s, Rect) and s.role == "panel"][:2]
    assert 0.02 < abs(luminance(inner_.fill) - luminance(outer.fill)) < 0.2   # a step, not a light slab
    line = next(s for s in layout.shapes if isinstance(s, Text) and s.text.startswith("text_line"))
    assert abs(luminance(line.fill) - luminance(inner_.fill)) > 0.4, (line.fill, inner_.fill)


@pytest.mark.parametrize("fill, opacity", [("ink", 1.0), ("solid", 1.0), ("tint", 0.6), ("raised", 0.6)])
def test_open_frames_wash_out_light_fills_but_draw_strong_ones_at_full_strength(fill, opacity):
    body = f"[panel]\n[fill:{fill}]\n[title_ref:panel.0.title]\n[text_line:@text_line.0.text]\n[/panel]\n"
    scene = load(scene_text(body).replace("[scene]\n", "[scene]\n[frame:none][theme:paper_white]\n")).scene
    layout = compile_resolved(scene, content_for(scene)).layout
    box = next(s for s in layout.shapes if isinstance(s, Rect) and s.role == "panel" and s.fill != "none")
    assert box.opacity == opacity


@pytest.mark.parametrize("theme", ["paper_white", "infra_dark"])
def test_accent_lines_in_an_ink_box_keep_their_hues_and_read(theme):
    from engine.compiler.themes import luminance
    lines = "".join(f"[text_line:@text_line.{i}.text|style=accent|accent={a}]\n"
                    for i, a in enumerate(("green", "amber", "blue")))
    body = f"[panel]\n[fill:ink]\n[title_ref:panel.0.title]\n{lines}[/panel]\n"
    scene = load(scene_text(body).replace("[scene]\n", f"[scene]\n[theme:{theme}]\n")).scene
    layout = compile_resolved(scene, content_for(scene)).layout
    box = next(s for s in layout.shapes if isinstance(s, Rect) and s.role == "panel")
    drawn = [s.fill for s in layout.shapes if isinstance(s, Text) and s.text.startswith("text_line")]
    assert len(set(drawn)) == 3                                    # three hues, not one ink
    assert all(abs(luminance(c) - luminance(box.fill)) > 0.3 for c in drawn), (drawn, box.fill)


def test_a_stage_title_never_takes_the_colour_of_its_own_solid_box():
    text = scene_text("[stage_card:@stage_card.0.title|@stage_card.0.caption|fill=solid|number=none]\n"
                      "[stage_card:@stage_card.1.title|@stage_card.1.caption]\n", layout="pipeline_lane")
    scene = load(text.replace("[scene]\n", "[scene]\n[rail:none]\n")).scene
    layout = compile_resolved(scene, content_for(scene)).layout
    box = next(s for s in layout.shapes if isinstance(s, Rect) and s.role == "stage")
    title = next(s for s in layout.shapes if isinstance(s, Text) and s.role == "stage-title")
    assert title.fill != box.fill


@pytest.mark.parametrize("widths", ["content", "packed"])
def test_a_container_asks_for_its_own_cells_side_by_side_and_its_padding(widths):
    inner = ("[panel]\n[arrange:row]\n[title_ref:panel.1.title]\n"
             "[panel]\n[print:fine]\n[title_ref:panel.2.title]\n[/panel]\n"
             "[panel]\n[print:fine]\n[title_ref:panel.3.title]\n[/panel]\n[/panel]\n")
    body = f"[group]\n[arrange:row]\n[widths:{widths}]\n{inner}" + _card(0) + "[/group]\n"
    scene = _scene(_panel(body))
    content = content_for(scene)
    content["panel"][2]["title"] = "decoder_layer_plan"
    content["panel"][3]["title"] = "Add"
    compiled = compile_scene(scene, content)
    titles = [s.text for s in compiled.layout.shapes if isinstance(s, Text) and s.role == "panel-title"]
    assert "decoder_layer_plan" in titles and "Add" in titles     # each on one line, whole
    assert not [d for d in compiled.diagnostics if d.code == "text-overflow"]


def test_span_gives_a_container_its_share_of_an_equal_row():
    cells = "".join(f"[group]\n[node_id:g{i}]\n[span:{span}]\n{_card(i)}[/group]\n"
                    for i, span in enumerate((1, 3, 2)))
    scene = _scene(_panel(f"[group]\n[arrange:row]\n[gap:sm]\n{cells}[/group]\n"))
    boxes = _boxes(compile_resolved(scene, content_for(scene)).layout)
    widths = [boxes[f"c{i}"][2] - boxes[f"c{i}"][0] for i in range(3)]
    assert widths[1] == pytest.approx(3 * widths[0]) and widths[2] == pytest.approx(2 * widths[0])
    lefts = [boxes[f"c{i}"][0] for i in range(3)]
    assert lefts[1] - (lefts[0] + widths[0]) == pytest.approx(14)   # gap:sm between them


@pytest.mark.parametrize("widths", ["content", "packed"])
def test_a_code_line_set_in_columns_is_asked_for_its_whole_length(widths):
    """Round E: a group at its content's width cut code lines whose runs stand at the columns their
    spaces keep; the width asked was the runs' own widths, without the spaces between them."""
    line = "[text_line]\n[style:code]\n[well:none]\n[text_ref:text_line.{i}.text]\n[/text_line]\n"
    scene = _scene(_panel(f"[group]\n[widths:{widths}]\n{line.format(i=0)}{line.format(i=1)}[/group]\n"))
    content = content_for(scene)
    content["text_line"] = [{"text": "d_out     \u2192 splits at Add2 \u2192      d_mlp + d_h1_residual"},
                            {"text": "d_h1      \u2192 splits at Add1 \u2192      d_attn + d_x_residual"}]
    compiled = compile_scene(scene, content)
    assert not [d for d in compiled.diagnostics if d.code == "text-overflow"]
    drawn = " ".join(t.text for t in compiled.layout.shapes if isinstance(t, Text))
    assert "d_mlp + d_h1_residual" in drawn and "d_attn + d_x_residual" in drawn


def test_heights_own_keeps_each_cell_at_its_own_height_centred_on_the_row():
    """Wave 6: a short box beside a tall one keeps its height, centred on the row; equal (the
    default) stretches both to the taller, as before."""
    rows = {}
    for heights in ("equal", "own"):
        scene = _scene(_panel("[group]\n[arrange:row]\n[heights:" + heights + "]\n" + _card(0) + _card(1) + "[/group]\n"))
        content = content_for(scene)
        content["section_card"][1]["caption"] *= 12
        rows[heights] = _boxes(compile_resolved(scene, content).layout)
    eq, own = rows["equal"], rows["own"]
    height = {k: {c: b[3] - b[1] for c, b in v.items()} for k, v in rows.items()}
    assert height["equal"]["c0"] == pytest.approx(height["equal"]["c1"])          # stretched alike
    assert height["own"]["c0"] < height["own"]["c1"] * 0.7                          # its own height
    assert height["own"]["c1"] == pytest.approx(height["equal"]["c1"])
    centre = lambda b: (b[1] + b[3]) / 2                                           # noqa: E731
    assert centre(own["c0"]) == pytest.approx(centre(own["c1"]))                    # centred on the row
    assert own["c1"] == pytest.approx(eq["c1"]) and own["p"] == pytest.approx(eq["p"])


def test_a_standing_title_stands_centred_over_its_box_under_align_center():
    """Round F: head:above with align:center left the label at the box's left edge."""
    def title(align):
        scene = _scene("[panel]\n[node_id:p]\n[head:above]\n" + align + "[title_ref:panel.0.title]\n" + _card(0)
                       + "[/panel]\n")
        compiled = compile_resolved(scene, content_for(scene))
        box = _boxes(compiled.layout)["p"]
        label = next(s for s in compiled.layout.shapes if isinstance(s, Text) and s.role == "panel-title")
        return box, label
    box, centred = title("[align:center]\n")
    assert centred.anchor == "middle" and abs(centred.x - (box[0] + box[2]) / 2) < EPS
    assert centred.y < box[1]                                     # still standing over the box
    left_box, left = title("")
    assert left.anchor == "start" and abs(left.x - box[0]) < EPS and left_box == box


def test_a_card_five_rows_deep_is_drawn_a_few_times_not_once_per_level_above_it(monkeypatch):
    from engine.compiler.sections import cards

    body = _card(0) + _card(1)
    for level in range(5):
        body = f"[group]\n[arrange:row]\n{body}{_card(2 + level)}[/group]\n"
    scene = _scene(body)
    drawn = []
    real = cards.card
    monkeypatch.setattr(cards, "card", lambda out, b, *a, **k: drawn.append(b.comp.topo_id("node_id")) or real(out, b, *a, **k))
    compile_resolved(scene, content_for(scene))
    assert 0 < drawn.count("c0") <= 8   # measured once per width asked, then drawn: 64 times before
