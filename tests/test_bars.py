"""The bars section and the comparison_span_chart family: bar lengths from magnitudes, value
placement, 1 to 12 bars without overlap, wrapping, span brackets, placeholders, connector styles,
and the family's arrangement."""
from __future__ import annotations

import itertools

import pytest

from engine.compiler import compile_scene
from engine.compiler.geometry import Circle, Layout, Line, Rect, Text
from engine.compiler.sections.bars import STUB
from engine.dsl import load
from tests.layout_checks import (
    assert_no_overlap,
    assert_text_inside,
    box_of,
    compile_resolved,
    text_box,
)

HEAD = """[scene]
[canvas:{canvas}]
[layout:{layout}]
[theme:infra_dark]
[tone:amber]
[frame:card]
[density:balanced]
[inset:md]
[gap:md]
[hero:{hero}]
[columns:2]
[emphasis:{emphasis}]
[rail:accent]
[background:none]
[connector:{connector}]
[topic:bars_test]
[header_band:@header_band.0.headline]
"""


def bar(i: int, label: str = "Bar", magnitude: float | None = None, value: str = "1 TB/s",
        caption: str = "a caption", note: str | None = None) -> tuple[str, dict]:
    """A compare_bar component (compact form) and its content record."""
    record = {"label": label, "value": value, "caption": caption}
    fields = ["label", "value", "caption"]
    if note is not None:
        record["note"] = note
        fields.append("note")
    if magnitude is not None:
        record["magnitude"] = magnitude
    return f"[compare_bar:{'|'.join(f'@compare_bar.{i}.{f}' for f in fields)}]", record


def bracket(i: int, label: str = "10\u00d7", caption: str = "the gap between them") -> tuple[str, dict]:
    text = f"[span_bracket:@span_bracket.{i}.label|@span_bracket.{i}.caption]"
    return text, {"label": label, "caption": caption}


def compile_chart(parts: list[tuple[str, dict]], *, connector: str = "bracket", layout: str =
                  "comparison_span_chart", hero: str = "left", canvas: str = "wide",
                  extra: str = "", extra_content: dict | None = None, strict: bool = True,
                  emphasis: str = "top") -> Layout:
    """Compile a scene whose body is `parts` (component text, content record) in written order."""
    content: dict = {"header_band": [{"headline": "Bandwidth by tier"}], **(extra_content or {})}
    body = []
    for text, record in parts:
        name = text[1:].split(":")[0]
        content.setdefault(name, []).append(record)
        body.append(text)
    text = HEAD.format(layout=layout, connector=connector, hero=hero, canvas=canvas, emphasis=emphasis)
    doc = load(text + "\n".join(body) + "\n" + extra + "[/scene]\n")
    assert not doc.errors, [d.format() for d in doc.errors]
    return (compile_resolved(doc.scene, content) if strict else compile_scene(doc.scene, content)).layout


def shapes(layout: Layout, kind, role: str) -> list:
    return [s for s in layout.shapes if isinstance(s, kind) and s.role == role]


def assert_texts_apart(layout: Layout) -> None:
    """No two text runs overlap (labels, captions, values, bracket texts)."""
    boxes = [(t.text, text_box(t)) for t in layout.shapes if isinstance(t, Text)]
    for i, (ta, a) in enumerate(boxes):
        for tb, b in boxes[i + 1:]:
            apart = a[2] <= b[0] + 0.5 or b[2] <= a[0] + 0.5 or a[3] <= b[1] + 0.5 or b[3] <= a[1] + 0.5
            assert apart, f"{ta!r} overlaps {tb!r}"


def test_bar_length_follows_magnitude():
    layout = compile_chart([bar(0, magnitude=40), bar(1, magnitude=20), bar(2, magnitude=5)])
    bars = shapes(layout, Rect, "bar")
    track = shapes(layout, Rect, "bar-track")[0]
    assert bars[0].w == pytest.approx(track.w)  # the largest fills the track
    assert bars[0].w == pytest.approx(2 * bars[1].w, abs=1)
    assert bars[1].w == pytest.approx(4 * bars[2].w, abs=1)


def test_without_any_magnitude_every_bar_is_full_length():
    layout = compile_chart([bar(0), bar(1), bar(2)])
    widths = {round(r.w, 2) for r in shapes(layout, Rect, "bar")}
    assert widths == {round(shapes(layout, Rect, "bar-track")[0].w, 2)}
    assert not shapes(layout, Line, "scale")  # no scale to read against


def test_a_bar_without_magnitude_among_scaled_bars_is_marked_off_scale():
    layout = compile_chart([bar(0, magnitude=10), bar(1), bar(2, magnitude=0)])
    scaled, off, zero = shapes(layout, Rect, "bar")
    assert not scaled.dash and off.dash and off.w == pytest.approx(scaled.w)
    assert zero.w == STUB


def test_value_sits_outside_a_short_bar_and_inside_a_full_one():
    layout = compile_chart([bar(0, magnitude=100, value="100 GB/s"), bar(1, magnitude=10, value="10 GB/s")])
    full, short = shapes(layout, Rect, "bar")
    inside, outside = shapes(layout, Text, "value")
    l, _, r, _ = text_box(inside)
    assert full.x < l and r < full.x + full.w
    assert text_box(outside)[0] > short.x + short.w


def test_value_too_long_for_either_side_is_ellipsized_within_the_track():
    layout = compile_chart([bar(0, magnitude=1, value="x" * 200), bar(1, magnitude=2)])
    value = shapes(layout, Text, "value")[0]
    track = shapes(layout, Rect, "bar-track")[0]
    assert value.text.endswith("\u2026")
    assert text_box(value)[2] <= track.x + track.w


@pytest.mark.parametrize("n", [1, 12])
@pytest.mark.parametrize("with_brackets", [False, True])
def test_one_to_twelve_bars_do_not_overlap_or_spill(n, with_brackets):
    parts = []
    for i in range(n):
        parts.append(bar(i, label=f"Memory tier number {i} with a longer name", magnitude=i + 1,
                         value=f"{(i + 1) * 100} GB/s", note="measured at peak" if i % 3 == 0 else None))
        if with_brackets and i % 4 == 3:
            parts.append(bracket(i // 4, caption="a span caption that is long enough to wrap twice or more"))
    layout = compile_chart(parts)
    assert len(shapes(layout, Rect, "bar")) == n
    assert_no_overlap(layout, {"bar-track"})
    assert_no_overlap(layout, {"chart", "card", "section_card"})
    assert_text_inside(layout, {"chart", "bar-track"})
    assert_texts_apart(layout)
    chart = shapes(layout, Rect, "chart")[0]
    for s in layout.shapes:
        if isinstance(s, Rect) and s.role in ("bar", "bar-track"):
            assert box_of(s)[2] <= chart.x + chart.w and box_of(s)[3] <= chart.y + chart.h


def test_long_labels_wrap_and_stay_in_their_column():
    long = "A very long label for a memory tier that cannot fit on one line " + "Supercalifragilistic" * 3
    layout = compile_chart([bar(0, label=long, magnitude=2), bar(1, label="Short", magnitude=1)])
    labels = shapes(layout, Text, "bar-label")
    track = shapes(layout, Rect, "bar-track")[0]
    assert len(labels) == 4  # three lines of the long label (ellipsized), one of the short
    assert labels[2].text.endswith("\u2026")
    assert all(text_box(t)[2] < track.x for t in labels)
    assert_text_inside(layout, {"chart"})
    assert_texts_apart(layout)


def test_span_bracket_spans_exactly_the_bars_before_it():
    layout = compile_chart([bar(0, magnitude=3), bracket(0), bar(1, magnitude=2), bar(2, magnitude=1),
                            bracket(1), bar(3, magnitude=1)])
    b0, b1, b2, b3 = shapes(layout, Rect, "bar")
    spans = shapes(layout, Line, "span")
    first = [y for _, y in spans[0].points]
    second = [y for _, y in spans[1].points]
    assert (min(first), max(first)) == pytest.approx((b0.y, b0.y + b0.h))
    assert (min(second), max(second)) == pytest.approx((b1.y, b2.y + b2.h))
    assert b3.y > max(second)  # the bar after the last bracket is not bracketed


def test_bracket_column_is_reserved_only_when_brackets_exist():
    plain = shapes(compile_chart([bar(0, magnitude=2), bar(1, magnitude=1)]), Rect, "bar-track")[0]
    bracketed = shapes(compile_chart([bar(0, magnitude=2), bar(1, magnitude=1), bracket(0)]), Rect,
                       "bar-track")[0]
    assert bracketed.w < plain.w - 150


def test_tall_bracket_text_grows_its_run_instead_of_spilling():
    caption = "a caption long enough to need many lines in the narrow bracket column " * 2
    layout = compile_chart([bar(0, magnitude=1), bracket(0, caption=caption), bar(1, magnitude=1),
                            bracket(1, caption=caption)])
    assert_texts_apart(layout)
    assert_text_inside(layout, {"chart"})
    # Shapes are drawn run by run: each run's bracket text stays on its side of the rule between.
    rule = shapes(layout, Line, "run-rule")[0]
    split = layout.shapes.index(rule)
    rule_y = rule.points[0][1]
    for i, s in enumerate(layout.shapes):
        if isinstance(s, Text) and s.role in ("span-label", "span-caption"):
            top, bottom = text_box(s)[1], text_box(s)[3]
            assert bottom < rule_y if i < split else top > rule_y, s.text


def test_missing_content_shows_placeholders_not_a_crash():
    unresolved = ("[compare_bar:@compare_bar.9.label|@compare_bar.9.value]", {})
    empty = ("[compare_bar]\n[/compare_bar]", {})
    layout = compile_chart([bar(0, magnitude=1), unresolved, empty, bracket(0)], strict=False)
    placeholders = [t for t in layout.shapes if isinstance(t, Text) and t.placeholder]
    assert {t.role for t in placeholders} == {"bar-label", "value"}
    assert any("compare_bar.9.label" in t.text for t in placeholders)
    assert len(shapes(layout, Rect, "bar")) == 3


def test_bracket_with_no_bars_before_it_is_a_marker():
    layout = compile_chart([bracket(0, label="lead"), bar(0, magnitude=1), bar(1, magnitude=2)])
    assert not shapes(layout, Line, "span")
    assert len(shapes(layout, Circle, "span")) == 1
    assert [t.text for t in shapes(layout, Text, "span-label")] == ["lead"]
    assert_texts_apart(layout)


def test_connector_style_changes_the_bracket():
    parts = [bar(0, magnitude=2), bar(1, magnitude=1), bracket(0)]
    drawn = {}
    for style in ("line", "arrow", "bracket", "curve"):
        layout = compile_chart(parts, connector=style)
        drawn[style] = [s for s in layout.shapes if s.role in ("span", "span-leader")]
    assert len({repr(v) for v in drawn.values()}) == 4
    assert any(s.arrow for s in drawn["arrow"] if isinstance(s, Line))
    assert any(s.curve for s in drawn["curve"] if isinstance(s, Line))


def test_bar_gradients_have_unique_names():
    layout = compile_chart([bar(i, magnitude=i + 1) for i in range(5)])
    names = [g.name for g in layout.gradients]
    assert len(names) == len(set(names))
    assert {r.fill for r in shapes(layout, Rect, "bar")} == {f"url:bar{i}" for i in range(5)}


CARDS = [("[section_card:@section_card.0.title|@section_card.0.caption]", {"title": "One", "caption": "x"}),
         ("[section_card:@section_card.1.title|@section_card.1.caption]", {"title": "Two", "caption": "y"}),
         ("[conclusion_strip:@conclusion_strip.0.text]", {"text": "Therefore."}),
         ("[legend_row:@legend_row.0.label|tone=green]", {"label": "legend"})]


def test_family_puts_key_then_chart_then_cards_side_by_side_then_conclusion():
    # Written with the cards first and the legend last: the family orders the argument.
    layout = compile_chart(CARDS[:3] + [bar(0, magnitude=2), bar(1, magnitude=1)] + CARDS[3:])
    legend = shapes(layout, Rect, "legend")[0]
    chart = shapes(layout, Rect, "chart")[0]
    one, two = shapes(layout, Rect, "section_card")
    strip = shapes(layout, Rect, "conclusion")[0]
    assert legend.y < chart.y < chart.y + chart.h < one.y
    assert one.y == two.y and one.x + one.w < two.x  # columns:2 side by side
    assert strip.y > one.y + one.h
    assert chart.w == pytest.approx(layout.width - 2 * chart.x)  # the chart is the page's full width
    assert not [s for s in layout.shapes if s.role == "spine"]  # unlike poster_stack


def test_cards_placed_beside_stand_in_a_column_beside_the_chart():
    beside = [(text.replace("caption]", "caption|place=beside]"), record) for text, record in CARDS[:2]]
    for canvas in ("wide", "tall"):
        layout = compile_chart(beside + [bar(0, magnitude=2), bar(1, magnitude=1)], canvas=canvas)
        chart = shapes(layout, Rect, "chart")[0]
        one, two = shapes(layout, Rect, "section_card")
        assert one.x > chart.x + chart.w and one.y == chart.y
        assert two.y > one.y + one.h  # stacked in one column
        assert_no_overlap(layout, {"chart", "section_card"})
    # unsaid (hero:split only aligns the header), the cards stand under the chart
    split = compile_chart(CARDS[:2] + [bar(0, magnitude=2), bar(1, magnitude=1)], hero="split")
    assert shapes(split, Rect, "section_card")[0].y > shapes(split, Rect, "chart")[0].y


# --- column presentation (emphasis:center) --------------------------------------------------------

def legend(i: int, label: str, tone: str, role: str = "phase") -> tuple[str, dict]:
    said = f"|role={role}" if role else ""
    return f"[legend_row:@legend_row.{i}.label|tone={tone}{said}]", {"label": label}


def card(i: int, title: str = "Reading", text: str = "what the columns say", place: str = "") -> tuple[str, dict]:
    said = f"|place={place}" if place else ""
    return f"[callout_card:@callout_card.{i}.title|@callout_card.{i}.text{said}]", {"title": title, "text": text}


def floor_bar(i: int) -> tuple[str, dict]:
    text = f"[compare_bar:@compare_bar.{i}.label|@compare_bar.{i}.value|@compare_bar.{i}.caption]"
    return text, {"label": "ETHERNET", "value": "12.5 GB/s", "caption": "same floor for all"}


def two_systems(role: str = "phase", place: str = "beside", **kw) -> Layout:
    """The performance-balance shape: two bracketed runs, a reading between (the cards placed
    beside), a floor, a closing card; the legend rows title the columns (role:phase)."""
    parts = [legend(0, "GPU", "red", role), legend(1, "CPU", "green", role),
             bar(0, magnitude=4.3, note="20x drop"), bar(1, magnitude=8.1), bracket(0, "5,360x"),
             card(0, place=place), card(1, place=place),
             bar(2, magnitude=2), bar(3, magnitude=5.2), bracket(1, "144x"),
             floor_bar(4), card(2, "Closing", "the conclusion")]
    return compile_chart(parts, emphasis="center", canvas=kw.pop("canvas", "banner"), **kw)


def test_emphasis_center_stands_runs_up_as_columns_on_one_floor():
    layout = two_systems()
    gpu_top, gpu_hbm, cpu_top, cpu_ddr = shapes(layout, Rect, "bar")
    floor = shapes(layout, Rect, "floor")[0]
    # each run is one column: its bars stack top-down in written order, the last on the floor
    assert gpu_top.x == gpu_hbm.x and gpu_top.y + gpu_top.h == pytest.approx(gpu_hbm.y)
    assert cpu_top.x == cpu_ddr.x and cpu_top.y + cpu_top.h == pytest.approx(cpu_ddr.y)
    for r in (gpu_hbm, cpu_ddr):
        assert r.y + r.h == pytest.approx(floor.y)
    # heights follow magnitude on one scale shared by both columns
    assert gpu_hbm.h / gpu_top.h == pytest.approx(8.1 / 4.3, rel=0.01)
    assert cpu_ddr.h / gpu_hbm.h == pytest.approx(5.2 / 8.1, rel=0.01)
    # the first run stands on the left, the second on the right, the floor spans both
    assert gpu_top.x + gpu_top.w < layout.width / 2 < cpu_top.x
    assert floor.x < gpu_top.x and floor.x + floor.w > cpu_top.x + cpu_top.w
    label = shapes(layout, Text, "floor-label")[0]
    assert label.text == "ETHERNET \u2014 12.5 GB/s \u2014 same floor for all"


def test_column_brackets_face_the_centre_and_span_their_run():
    layout = two_systems()
    gpu_top, gpu_hbm, cpu_top, cpu_ddr = shapes(layout, Rect, "bar")
    rules = [s for s in shapes(layout, Line, "span") if s.points[0][0] == s.points[1][0]]
    left, right = sorted(rules, key=lambda s: s.points[0][0])
    assert left.points[0][0] > gpu_top.x + gpu_top.w and right.points[0][0] < cpu_top.x
    assert [y for _, y in left.points] == pytest.approx([gpu_top.y, gpu_hbm.y + gpu_hbm.h])
    assert [y for _, y in right.points] == pytest.approx([cpu_top.y, cpu_ddr.y + cpu_ddr.h])
    labels = {t.text: t for t in shapes(layout, Text, "span-label")}
    assert left.points[0][0] < labels["5,360x"].x < layout.width / 2 < labels["144x"].x < right.points[0][0]


def test_cards_placed_beside_read_it_in_the_centre_and_the_others_close_below():
    layout = two_systems()
    gpu_top, _, cpu_top, _ = shapes(layout, Rect, "bar")
    floor = shapes(layout, Rect, "floor")[0]
    centre, closing = shapes(layout, Rect, "reading")
    assert gpu_top.x + gpu_top.w < centre.x and centre.x + centre.w < cpu_top.x
    assert centre.y + centre.h < floor.y
    assert closing.y > floor.y + floor.h and closing.w > layout.width * 0.8
    titles = [t.text for t in shapes(layout, Text, "title")]
    assert titles == ["Reading", "Reading", "Closing"]
    assert not shapes(layout, Rect, "callout_card")  # no card frames: the reading is one panel
    assert_texts_apart(layout)
    # unsaid, every card closes the page below and the columns spread over the whole width
    plain = two_systems(place="")
    [closing] = shapes(plain, Rect, "reading")
    assert closing.y > shapes(plain, Rect, "floor")[0].y
    assert [t.text for t in shapes(plain, Text, "title")] == ["Reading", "Reading", "Closing"]


def test_phase_legend_rows_title_the_columns_when_there_is_one_per_column():
    layout = two_systems()
    gpu_top, _, cpu_top, _ = shapes(layout, Rect, "bar")
    gpu, cpu = shapes(layout, Text, "legend")
    assert gpu.x == pytest.approx(gpu_top.x + gpu_top.w / 2) and cpu.x == pytest.approx(cpu_top.x + cpu_top.w / 2)
    assert not shapes(layout, Rect, "legend")  # no key swatches: the titles are the key
    # unsaid, the rows are a key in the band above the chart, swatches and all
    plain = two_systems(role="")
    assert len(shapes(plain, Rect, "legend")) == 2
    assert all(t.y < shapes(plain, Rect, "bar")[0].y for t in shapes(plain, Text, "legend"))


def test_the_column_chart_fills_the_canvas_without_growing_it():
    for canvas in ("banner", "wide", "tall"):
        layout = two_systems(canvas=canvas)
        closing = shapes(layout, Rect, "reading")[-1]
        assert layout.height == {"banner": 800, "wide": 900, "tall": 1420}[canvas]
        assert closing.y + closing.h > layout.height * 0.8  # the closing card sits at the foot


def test_without_brackets_every_bar_is_its_own_column():
    layout = compile_chart([bar(i, magnitude=i + 1) for i in range(4)], emphasis="center")
    cols = shapes(layout, Rect, "bar")
    assert len({c.x for c in cols}) == 4
    assert len({round(c.y + c.h, 2) for c in cols}) == 1  # one baseline
    assert cols[3].h == pytest.approx(4 * cols[0].h, rel=0.01)
    assert not shapes(layout, Rect, "floor")


@pytest.mark.parametrize("n", [1, 12])
def test_one_to_twelve_columns_stay_apart_and_on_the_page(n):
    parts = []
    for i in range(n):
        parts.append(bar(i, label=f"Tier {i} with a long name", magnitude=(i % 3) + 0.01, note="drop"))
        if i % 2 == 1:
            parts.append(bracket(i // 2, caption="a span caption long enough to wrap"))
    parts.append(card(0))
    layout = compile_chart(parts, emphasis="center")
    cols = shapes(layout, Rect, "bar")
    assert len(cols) == n
    assert_no_overlap(layout, {"bar", "reading"})
    for r in cols:
        assert 0 <= r.x and r.x + r.w <= layout.width and r.h > 0
    assert_text_inside(layout, {"bar"})


def test_a_tiny_magnitude_still_gets_room_for_its_label():
    layout = compile_chart([bar(0, magnitude=1000), bar(1, magnitude=1), bracket(0)], emphasis="center")
    big, tiny = shapes(layout, Rect, "bar")
    assert tiny.h >= 20 and big.h > 10 * tiny.h
    assert_text_inside(layout, {"bar"})


# --- labelled tracks (a few bars without captions) --------------------------------------------------

def track(i: int, label: str = "GPU VRAM (single device)", value: str = "80 GB",
          magnitude: float | None = None, note: str | None = None) -> tuple[str, dict]:
    """A compare_bar the scene gives no caption: label, value and an optional note."""
    record: dict = {"label": label, "value": value}
    fields = ["label", "value"] + (["note"] if note is not None else [])
    if note is not None:
        record["note"] = note
    if magnitude is not None:
        record["magnitude"] = magnitude
    text = f"[compare_bar:{'|'.join(f'@compare_bar.{i}.{f}' for f in fields)}]"
    return text, record


def test_a_few_uncaptioned_bars_are_labelled_tracks_across_the_chart():
    from engine.compiler.sections.bars import INLINE_BAR

    layout = compile_chart([track(0, magnitude=80), track(1, "CPU RAM", "2,000 GB", 2000,
                                                           note="25x more capacity")])
    chart = shapes(layout, Rect, "chart")[0]
    tracks = shapes(layout, Rect, "bar-track")
    short, full = shapes(layout, Rect, "bar")
    assert all(t.x == pytest.approx(chart.x + 24, abs=10) for t in tracks)  # no label column
    assert all(t.x + t.w == pytest.approx(chart.x + chart.w - 24, abs=1) for t in tracks)
    assert all(t.h == pytest.approx(34 * INLINE_BAR, abs=0.1) for t in tracks)  # thick bars
    labels = shapes(layout, Text, "bar-label")
    for label, t in zip(labels, tracks):  # each label at its track's far end, inside the track
        assert label.anchor == "end" and t.y < label.y < t.y + t.h and label.x < t.x + t.w
    outside, inside = shapes(layout, Text, "value")
    assert text_box(outside)[0] > short.x + short.w  # too short a bar: the value follows it
    assert full.x < text_box(inside)[0] and text_box(inside)[2] < full.x + full.w
    note = shapes(layout, Text, "bar-note")[0]
    assert note.anchor == "middle" and note.x == pytest.approx(full.x + full.w / 2, abs=1)
    assert note.y > full.y + full.h
    assert not shapes(layout, Line, "scale")  # no axis or ticks: the labels sit in the tracks
    assert_texts_apart(layout)


@pytest.mark.parametrize("parts", [
    [bar(0, magnitude=2), bar(1, magnitude=1)],  # captions need the label column
    [track(i, magnitude=i + 1) for i in range(4)],  # too many bars
    [track(0, magnitude=2), track(1, magnitude=1), bracket(0)],  # a bracket needs its column
], ids=["captions", "four-bars", "bracket"])
def test_captions_brackets_or_many_bars_keep_the_label_column(parts):
    layout = compile_chart(parts)
    label = shapes(layout, Text, "bar-label")[0]
    track_ = shapes(layout, Rect, "bar-track")[0]
    assert label.anchor == "start" and label.x < track_.x


def _poster_panel(parts: list[tuple[str, dict]]) -> Layout:
    """A poster whose only section is a heading panel holding `parts`."""
    heading = ("[header_band:@header_band.1.headline|band=solid]", {"headline": "Memory capacity"})
    return compile_chart([heading] + parts, layout="poster_stack", canvas="tall")


def test_a_poster_panel_spreads_a_grown_chart_and_keeps_its_heading_on_top():
    layout = _poster_panel([bar(0, magnitude=2), bar(1, magnitude=1), bar(2, magnitude=1)])
    panel = max((r for r in layout.shapes if isinstance(r, Rect) and r.role == "card"), key=lambda r: r.h)
    heading = next(t for t in layout.shapes if isinstance(t, Text) and t.role == "heading")
    assert heading.y - panel.y < 60  # at the panel's top, not floating in its middle
    bars_ = shapes(layout, Rect, "bar")
    gaps = [b.y - (a.y + a.h) for a, b in itertools.pairwise(bars_)]
    natural = compile_chart([bar(0, magnitude=2), bar(1, magnitude=1), bar(2, magnitude=1)])
    tight = shapes(natural, Rect, "bar")
    assert min(gaps) > tight[1].y - (tight[0].y + tight[0].h)  # spread, not bunched at the top
    assert layout.height == 1420  # filled, never grown


def test_a_poster_panel_of_labelled_tracks_keeps_its_natural_height():
    parts = [track(0, magnitude=80), track(1, "CPU RAM", "2,000 GB", 2000)]
    layout = _poster_panel(parts)
    tracks = shapes(layout, Rect, "bar-track")
    natural = shapes(compile_chart(parts), Rect, "bar-track")
    assert tracks[1].y - tracks[0].y == pytest.approx(natural[1].y - natural[0].y)
