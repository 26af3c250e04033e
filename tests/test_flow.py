"""The flow section and the pipeline_lane family: stage order, wrapping into two rows, connector
labels, routed edges, and no overlap or spilling text from 2 to 8 stages."""
from __future__ import annotations

import pytest

from engine.compiler import compile_scene
from engine.compiler.geometry import Layout, Line, Rect, Text
from engine.dsl import load
from tests.layout_checks import (
    assert_no_overlap,
    assert_text_inside,
    compile_resolved,
    rects,
    text_box,
)

LONG = ("Reads every tensor of the checkpoint, checks dtype and shape against the plan, "
        "then packs them into one aligned blob with offsets recorded per layer")
ATTRS = {"canvas": "wide", "connector": "arrow", "emphasis": "top", "rail": "accent", "frame": "card",
         "theme": "infra_dark", "density": "balanced"}


def scene(n: int, arrows: tuple[tuple, ...] = (), caption: str = "short caption", **attrs):
    """A pipeline_lane scene with n stages s0..s{n-1} and flow_arrows given as
    (after_stage, label, from_id, to_id): written after stage `after_stage`, refs optional."""
    a = {**ATTRS, **attrs}
    lines = ["[scene]", *(f"[{k}:{v}]" for k, v in a.items()), "[layout:pipeline_lane]",
             "[header_band]", "[headline_ref:header_band.0.headline]", "[/header_band]"]
    content = {"header_band": [{"headline": "Pipeline"}], "nodes": {},
               "flow_arrow": [{"label": label} for _, label, _, _ in arrows]}
    for i in range(n):
        lines += ["[stage_card]", f"[node_id:s{i}]", f"[title_ref:nodes.s{i}.title]",
                  f"[caption_ref:nodes.s{i}.caption]", "[/stage_card]"]
        content["nodes"][f"s{i}"] = {"title": f"Stage title {i}", "caption": caption}
        for k, (after, _label, src, dst) in enumerate(arrows):
            if after == i:
                refs = [f"[from_ref:{src}]", f"[to_ref:{dst}]"] if src else []
                lines += ["[flow_arrow]", *refs, f"[label_ref:flow_arrow.{k}.label]", "[/flow_arrow]"]
    lines.append("[/scene]")
    doc = load("\n".join(lines))
    assert not doc.errors, [d.format() for d in doc.errors]
    return compile_resolved(doc.scene, content)


def stages(layout: Layout) -> list[Rect]:
    return rects(layout, {"stage"})


def texts(layout: Layout, role: str) -> list[Text]:
    return [s for s in layout.shapes if isinstance(s, Text) and s.role == role]


def lines(layout: Layout, roles: set[str]) -> list[Line]:
    return [s for s in layout.shapes if isinstance(s, Line) and s.role in roles]


def stage_of(layout: Layout, number: int) -> Rect:
    """The box whose badge shows `number`."""
    badge = next(t for t in texts(layout, "stage-number") if t.text == str(number))
    return next(r for r in stages(layout) if r.x <= badge.x <= r.x + r.w and r.y <= badge.y <= r.y + r.h)


def crosses(p, q, r: Rect) -> bool:
    """Whether segment p-q (axis-parallel, as routed edges are) passes through r's interior."""
    (x1, y1), (x2, y2) = p, q
    lo_x, hi_x, lo_y, hi_y = min(x1, x2), max(x1, x2), min(y1, y2), max(y1, y2)
    return lo_x < r.x + r.w - 1 and hi_x > r.x + 1 and lo_y < r.y + r.h - 1 and hi_y > r.y + 1


def test_stages_run_left_to_right_in_written_order():
    layout = scene(5).layout
    xs = [stage_of(layout, k).x for k in range(1, 6)]
    assert xs == sorted(xs) and len(set(xs)) == 5
    assert len({stage_of(layout, k).y for k in range(1, 6)}) == 1
    titles = sorted(texts(layout, "stage-title"), key=lambda t: t.x)
    assert [t.text for t in titles] == [f"Stage title {i}" for i in range(5)]


@pytest.mark.parametrize("n", range(2, 9))
@pytest.mark.parametrize("canvas", ["wide", "tall"])
def test_long_captions_neither_overlap_nor_spill(n, canvas):
    arrows = ((0, "a label on the first connector", None, None), (n - 1, "back to the start", f"s{n - 1}", "s0"))
    layout = scene(n, arrows, caption=LONG, canvas=canvas).layout
    assert len(stages(layout)) == n
    assert_no_overlap(layout, {"stage", "edge-label"})
    assert_text_inside(layout, {"stage", "edge-label"})
    boxes = stages(layout)
    for t in texts(layout, "connector-label"):  # labels sit in the gaps, clear of every box
        l, top, r, bottom = text_box(t)
        assert not any(l < b.x + b.w and r > b.x and top < b.y + b.h and bottom > b.y for b in boxes), t.text
    for s in layout.shapes:  # and everything stays on the canvas
        if isinstance(s, Rect):
            assert s.x >= 0 and s.y >= 0 and s.x + s.w <= layout.width + 0.5 and s.y + s.h <= layout.height + 0.5


def test_all_boxes_are_equally_tall():
    layout = scene(4, caption=LONG).layout
    assert len({round(r.h, 2) for r in stages(layout)}) == 1


@pytest.mark.parametrize("n", [7, 8])
def test_many_stages_wrap_into_a_second_row_at_a_readable_width(n):
    layout = scene(n, caption=LONG).layout
    rows = sorted({r.y for r in stages(layout)})
    assert len(rows) == 2
    assert min(r.w for r in stages(layout)) >= 170
    # the first row holds as many stages as fit; the second runs back, its first stage under the
    # last of the first row
    first_row = sum(r.y == rows[0] for r in stages(layout))
    assert first_row == 6 and n - first_row < first_row
    assert stage_of(layout, first_row + 1).x == stage_of(layout, first_row).x
    assert stage_of(layout, first_row + 1).y > stage_of(layout, first_row).y
    # an unlabelled turn runs round the row's end: out of the upper box's right side, into the
    # lower box's right side, in room kept beside the row
    upper, lower = stage_of(layout, first_row), stage_of(layout, first_row + 1)
    turns = [ln for ln in lines(layout, {"connector"}) if ln.points[0][1] != ln.points[-1][1]]
    assert len(turns) == 1
    (x0, y0), (x1, y1) = turns[0].points[0], turns[0].points[-1]
    right = upper.x + upper.w
    assert right <= x0 < right + 10 and right <= x1 < right + 10
    assert upper.y < y0 < upper.y + upper.h and lower.y < y1 < lower.y + lower.h
    assert max(p[0] for p in turns[0].points) <= layout.width - 28


def test_a_labelled_turn_goes_straight_down_between_the_rows():
    layout = scene(8, ((5, "hand-off", None, None),), caption=LONG).layout
    upper, lower = stage_of(layout, 6), stage_of(layout, 7)
    turns = [ln for ln in lines(layout, {"connector"}) if ln.points[0][0] == ln.points[-1][0]]
    assert len(turns) == 1
    (x0, y0), (_, y1) = turns[0].points[0], turns[0].points[-1]
    assert upper.x < x0 < upper.x + upper.w and upper.y + upper.h <= y0 < y1 <= lower.y
    label = next(t for t in texts(layout, "connector-label") if t.text == "hand-off")
    assert upper.y + upper.h < label.y < lower.y


def _six(cards: str) -> Layout:
    doc = load("[scene] [canvas:panorama] [layout:pipeline_lane] [density:compact] "
               "[header_band:@header_band.0.headline] "
               + " ".join(f"[stage_card:@stage_card.{i}.title|@stage_card.{i}.caption]" for i in range(6))
               + f" {cards} [/scene]")
    content = {"header_band": [{"headline": "H"}],
               "stage_card": [{"title": f"S{i}", "caption": "short"} for i in range(6)],
               "section_card": [{"title": "Card A"}, {"title": "Card B"}]}
    return compile_scene(doc.scene, content, strict=True).layout


def test_cards_placed_beside_sit_beside_the_lanes_short_second_row():
    layout = _six("[section_card:@section_card.0.title|place=beside] [section_card:@section_card.1.title|place=beside]")
    assert layout.height == 600  # the lane fills the canvas, never grows it
    boxes = stages(layout)
    rows = sorted({r.y for r in boxes})
    assert len(rows) == 2
    last = next(r for r in boxes if r.y == rows[1])
    for card in rects(layout, {"section_card"}):
        assert card.x + card.w < last.x and last.y <= card.y and card.y + card.h <= last.y + last.h
    assert_no_overlap(layout, {"stage", "section_card"})
    # unsaid, the cards keep their written place, under the lane
    plain = _six("[section_card:@section_card.0.title] [section_card:@section_card.1.title]")
    bottom = max(r.y + r.h for r in stages(plain))
    assert all(card.y > bottom for card in rects(plain, {"section_card"}))
    assert_no_overlap(plain, {"stage", "section_card"})
    assert_text_inside(plain, {"stage", "section_card"})


def test_place_beside_without_a_short_row_keeps_the_written_place():
    doc = load("[scene] [layout:pipeline_lane] [header_band:@header_band.0.headline] "
               + " ".join(f"[stage_card:@stage_card.{i}.title]" for i in range(3))
               + " [section_card:@section_card.0.title|place=beside] [/scene]")
    content = {"header_band": [{"headline": "H"}], "stage_card": [{"title": f"S{i}"} for i in range(3)],
               "section_card": [{"title": "Card"}]}
    layout = compile_scene(doc.scene, content, strict=True).layout
    card = rects(layout, {"section_card"})[0]
    assert all(r.y + r.h < card.y for r in stages(layout))


@pytest.mark.parametrize("n", [2, 5, 8])
def test_one_connector_between_each_pair_plus_one_per_routed_edge(n):
    assert len(lines(scene(n).layout, {"connector"})) == n - 1
    routed = ((n - 1, "retry", f"s{n - 1}", "s0"),)
    layout = scene(n, routed).layout
    assert len(lines(layout, {"connector"})) == n - 1
    assert len(lines(layout, {"route"})) == 1


def test_a_label_lands_between_the_stages_written_around_it():
    layout = scene(4, ((1, "IR graph", None, None),)).layout
    label = next(t for t in texts(layout, "connector-label") if t.text == "IR graph")
    left, right = stage_of(layout, 2), stage_of(layout, 3)
    assert left.x + left.w < label.x < right.x


def test_a_step_to_the_next_stage_labels_its_connector_instead_of_adding_one():
    layout = scene(4, ((3, "hand-off", "s1", "s2"),)).layout
    assert len(lines(layout, {"connector"})) == 3 and not lines(layout, {"route"})
    label = next(t for t in texts(layout, "connector-label") if t.text == "hand-off")
    assert stage_of(layout, 2).x + stage_of(layout, 2).w < label.x < stage_of(layout, 3).x


@pytest.mark.parametrize("n, src, dst", [(6, 5, 3), (6, 0, 3), (8, 6, 1), (8, 1, 6), (8, 7, 5)])
def test_a_routed_edge_joins_the_named_stages_around_the_boxes(n, src, dst):
    layout = scene(n, ((n - 1, "retry", f"s{src}", f"s{dst}"),)).layout
    (route,) = lines(layout, {"route"})
    a, b = stage_of(layout, src + 1), stage_of(layout, dst + 1)
    (x0, y0), (x1, y1) = route.points[0], route.points[-1]
    assert a.x < x0 < a.x + a.w and min(abs(y0 - a.y), abs(y0 - a.y - a.h)) < 5
    assert b.x < x1 < b.x + b.w and min(abs(y1 - b.y), abs(y1 - b.y - b.h)) < 5
    for p, q in zip(route.points, route.points[1:]):
        assert not any(crosses(p, q, r) for r in stages(layout))
    pill = next(t for t in texts(layout, "edge-label") if t.text == "retry")
    assert min(x0, x1) - 1 <= pill.x <= max(x0, x1) + 1


def test_back_and_skip_edges_take_opposite_sides_of_one_row():
    layout = scene(5, ((4, "back", "s3", "s1"), (4, "skip", "s0", "s2"))).layout
    row_top = stages(layout)[0].y
    back, skip = (next(t for t in texts(layout, "edge-label") if t.text == w) for w in ("back", "skip"))
    assert skip.y < row_top < back.y


def test_overlapping_edges_get_separate_lanes():
    layout = scene(6, ((5, "one", "s5", "s1"), (5, "two", "s4", "s0"))).layout
    lanes = {round(t.y) for t in texts(layout, "edge-label")}
    assert len(lanes) == 2
    assert_no_overlap(layout, {"stage", "edge-label"})


@pytest.mark.parametrize("key, values", [("connector", ["line", "arrow", "bracket", "curve"]),
                                         ("emphasis", ["top", "left", "center"]),
                                         ("rail", ["accent", "muted", "none"])])
def test_every_style_value_changes_the_lane(key, values):
    arrows = ((1, "IR graph", None, None), (4, "retry", "s4", "s2"))
    svgs = {scene(5, arrows, **{key: v}).svg for v in values}
    assert len(svgs) == len(values)


@pytest.mark.parametrize("emphasis", ["top", "left", "center"])
@pytest.mark.parametrize("frame", ["card", "panel", "none"])
def test_every_head_style_keeps_text_inside(emphasis, frame):
    layout = scene(6, caption=LONG, emphasis=emphasis, frame=frame, density="airy").layout
    assert_no_overlap(layout, {"stage"})
    assert_text_inside(layout, {"stage"})


def test_the_lane_leads_the_page_whatever_the_written_order():
    doc = load("[scene] [layout:pipeline_lane] [header_band:@header_band.0.headline] "
               "[section_card:@section_card.0.title] [stage_card:@stage_card.0.title] "
               "[stage_card:@stage_card.1.title] [stage_card:@stage_card.2.title] [/scene]")
    content = {"header_band": [{"headline": "H"}], "section_card": [{"title": "Card"}],
               "stage_card": [{"title": "A"}, {"title": "B"}, {"title": "C"}]}
    layout = compile_scene(doc.scene, content, strict=True).layout
    card = rects(layout, {"section_card"})[0]
    assert all(r.y + r.h < card.y for r in stages(layout))


def test_compiles_identically_twice():
    arrows = ((1, "IR graph", None, None), (5, "retry", "s5", "s3"))
    assert scene(6, arrows).svg == scene(6, arrows).svg


def _page(body: str, content: dict, canvas: str = "panorama"):
    doc = load(f"[scene] [canvas:{canvas}] [layout:pipeline_lane] [density:compact] "
               f"[header_band:@header_band.0.headline] {body} [/scene]")
    assert not doc.errors, [d.format() for d in doc.errors]
    return compile_resolved(doc.scene, {"header_band": [{"headline": "H"}], **content}).layout


def _phases(role: str) -> Layout:
    lane = " ".join(f"[stage_card:@stage_card.{i}.title|accent={a}]"
                    for i, a in enumerate(["amber", "amber", "green", "green"]))
    legend = (f"[legend_row:@legend_row.0.label|tone=amber{role}] [legend_row:@legend_row.1.label|tone=green{role}] "
              f"[legend_row:@legend_row.2.label|tone=red{role}]")
    return _page(f"{legend} {lane}", {"stage_card": [{"title": f"S{i}"} for i in range(4)],
                                        "legend_row": [{"label": "BUILD"}, {"label": "RUN"},
                                                       {"label": "Unrelated"}]})


def test_phase_legend_rows_head_the_runs_of_stages_in_their_colour():
    layout = _phases("|role=phase")
    heads = {t.text: t for t in texts(layout, "phase")}
    assert set(heads) == {"BUILD", "RUN"}
    boxes = sorted(stages(layout), key=lambda r: r.x)
    assert boxes[0].x < heads["BUILD"].x < boxes[1].x + boxes[1].w < heads["RUN"].x < boxes[3].x + boxes[3].w
    assert all(t.y < boxes[0].y for t in heads.values())
    assert len(lines(layout, {"phase-rule"})) == 1  # a rule between the two runs that meet
    # the row that names no run stays in the legend
    assert [t.text for t in texts(layout, "legend")] == ["Unrelated"]
    # unsaid, every row is a key: no phase heads, whatever the colours
    plain = _phases("")
    assert not texts(plain, "phase") and [t.text for t in texts(plain, "legend")] == ["BUILD", "RUN", "Unrelated"]


def test_stamp_badges_sit_in_the_foot_when_there_is_room():
    lane = " ".join(f"[stage_card:@stage_card.{i}.title]" for i in range(4))
    body = lane + " [badge_pill:@badge_pill.0.text|role=stamp]"
    content = {"stage_card": [{"title": f"S{i}"} for i in range(4)], "badge_pill": [{"text": "Phase 1: Active"}]}
    layout = _page(body, content)
    assert layout.height == 600
    badge = rects(layout, {"badge"})[0]
    topic = texts(layout, "topic")[0]
    assert badge.x + badge.w < text_box(topic)[0]  # left of the topic tag
    assert badge.y < topic.y < badge.y + badge.h  # on its line
    assert all(r.y + r.h < badge.y for r in stages(layout))
    # a footer note as long as the foot leaves no room: the badges keep a row of their own
    note = " [footer_note:@footer_note.0.text]"
    long = _page(body + note, {**content, "footer_note": [{"text": "A long footer note " * 12}]})
    badge = rects(long, {"badge"})[0]
    assert badge.y + badge.h < min(t.y for t in texts(long, "footer")) - 10
    # with the topic tag left out there is nothing to stand beside: the badges keep their row
    untagged = _page(body + " [footer_note:tag=none]", content)
    assert not texts(untagged, "topic")
    assert rects(untagged, {"badge"})[0].y + rects(untagged, {"badge"})[0].h < untagged.height - 40
    # unsaid, a badge written last is a pill in its written place, however much room the foot has
    plain = _page(lane + " [badge_pill:@badge_pill.0.text]", content)
    badge = rects(plain, {"badge"})[0]
    assert badge.y + badge.h < texts(plain, "topic")[0].y - 20 and badge.x == 52


@pytest.mark.parametrize("canvas", ["wide", "panorama"])
def test_the_lane_grows_into_the_canvas_height_but_not_past_its_aspect(canvas):
    body = " ".join(f"[stage_card:@stage_card.{i}.title]" for i in range(3))
    layout = _page(body, {"stage_card": [{"title": f"S{i}"} for i in range(3)]}, canvas)
    boxes = stages(layout)
    assert layout.height == {"wide": 900, "panorama": 600}[canvas]
    assert all(r.h <= r.w * 1.1 + 0.5 for r in boxes)
    assert max(r.h for r in boxes) > 150  # grown well past a title-only box


def test_a_result_stage_is_tinted_by_its_accent():
    doc = load("[scene] [canvas:panorama] [layout:pipeline_lane] [density:compact] [frame:card] "
               "[header_band:@header_band.0.headline] "
               + " ".join(f"[stage_card:@stage_card.{i}.title|@stage_card.{i}.caption]" for i in range(5))
               + " [stage_card:@stage_card.5.title|@stage_card.5.caption|role=result] [/scene]")
    content = {"header_band": [{"headline": "H"}],
               "stage_card": [{"title": f"S{i}", "caption": "short"} for i in range(6)]}
    layout = compile_scene(doc.scene, content, strict=True).layout
    boxes = stages(layout)
    rows = sorted({r.y for r in boxes})
    assert len(rows) == 2 and sum(r.y == rows[1] for r in boxes) == 1
    last = stage_of(layout, 6)
    assert {r.fill for r in boxes if r is not last} == {boxes[0].fill}  # the others: plain surface
    assert last.fill != boxes[0].fill
    # unsaid, a stage alone in the last row is a step like the others
    plain = scene(6, caption="short", canvas="panorama", density="compact").layout
    rows = sorted({r.y for r in stages(plain)})
    assert sum(r.y == rows[1] for r in stages(plain)) == 1 and len({r.fill for r in stages(plain)}) == 1
