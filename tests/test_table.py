"""The table section and the table_matrix family: column count, sizing, wrapping, states, notes,
placeholders, and the family's arrangement (table first, full width)."""
from __future__ import annotations

import itertools

import pytest

from engine.compiler import compile_scene
from engine.compiler.geometry import Layout, Rect, Text
from engine.compiler.sections.table import EMPTY
from engine.compiler.text import text_width
from engine.compiler.themes import palettes
from engine.dsl import load
from tests.layout_checks import assert_no_overlap, assert_text_inside, box_of, text_box

ROW_ROLES = {"table-row", "table-header"}
HEAD = """[scene]
[canvas:wide]
[layout:table_matrix]
[theme:{theme}]
[tone:{tone}]
[frame:panel]
[density:balanced]
[inset:md]
[gap:md]
[hero:left]
[columns:2]
[emphasis:top]
[rail:accent]
[background:none]
[connector:line]
[topic:table_test]
"""


def _component(name: str, index: int, fields: list[str], attrs: dict[str, str]) -> str:
    cells = [f"@{name}.{index}.{f}" for f in fields] + [f"{k}={v}" for k, v in attrs.items()]
    return f"[{name}:{'|'.join(cells)}]" if cells else f"[{name}]\n[/{name}]"


def compile_table(header: list[str] | None, rows: list[list[str]], *, states: list[str] | None = None,
                  notes: dict[int, str] | None = None, drop: set[str] = frozenset(),
                  theme: str = "signal_glow", tone: str = "purple", frame: str = "panel",
                  rail: str = "accent", header_attrs: dict[str, str] | None = None) -> Layout:
    """Compile a table_matrix scene with these cells; `drop` lists content paths left out of
    content.json (their refs stay in the scene)."""
    notes = notes or {}
    content: dict = {"header_band": [{"headline": "Table"}]}
    head = HEAD.format(theme=theme, tone=tone).replace("[frame:panel]", f"[frame:{frame}]")
    parts = [head.replace("[rail:accent]", f"[rail:{rail}]"), "[header_band:@header_band.0.headline]"]
    if header is not None:
        fields = [f"column_{k + 1}" for k in range(len(header))]
        content["table_header"] = [dict(zip(fields, header))]
        parts.append(_component("table_header", 0, fields, header_attrs or {}))
    content["table_row"] = []
    for i, row in enumerate(rows):
        fields = [f"column_{k + 1}" for k in range(len(row))]
        record = dict(zip(fields, row))
        if i in notes:
            record["note"] = notes[i]
            fields.append("note")
        content["table_row"].append(record)
        attrs = {"state": states[i]} if states else {}
        parts.append(_component("table_row", i, fields, attrs))
    parts.append("[/scene]")
    for path in drop:
        kind, index, field = path.split(".")
        del content[kind][int(index)][field]
    doc = load("\n".join(parts))
    assert not doc.diagnostics, [d.format() for d in doc.diagnostics]
    return compile_scene(doc.scene, content).layout


def rows_of(layout: Layout) -> list[Rect]:
    return [s for s in layout.shapes if isinstance(s, Rect) and s.role == "table-row"]


def texts_in(layout: Layout, r: Rect, role: str = "table-cell") -> list[Text]:
    return [t for t in layout.shapes if isinstance(t, Text) and t.role == role
            and r.x <= t.x <= r.x + r.w and r.y <= t.y <= r.y + r.h]


def assert_texts_apart(texts: list[Text]) -> None:
    """No two text lines share any pixel: columns never collide."""
    boxes = [text_box(t) for t in texts]
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            assert not (a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]), (a, b)


def test_column_count_is_the_max_across_header_and_rows():
    layout = compile_table(["A", "B"], [["a", "b", "c", "d", "e"], ["x"]])
    short_row = rows_of(layout)[1]
    cells = texts_in(layout, short_row)
    # the one-cell row is padded out to the five columns of the widest row with faint dashes
    assert [t.text for t in cells] == ["x"] + [EMPTY.text] * 4
    assert len({round(t.x) for t in texts_in(layout, rows_of(layout)[0])}) == 5


def test_twenty_rows_of_eight_long_columns_neither_overlap_nor_spill():
    long = "Supercalifragilisticexpialidocious-quantization-kernels"
    header = [f"Column heading number {k}" for k in range(8)]
    rows = [[f"{long} r{i}c{k} with several more words to wrap" for k in range(8)] for i in range(20)]
    layout = compile_table(header, rows, states=["normal", "highlight", "success", "warning", "danger"] * 4,
                           notes={3: long * 3})
    assert len(rows_of(layout)) == 20
    assert_no_overlap(layout, ROW_ROLES)
    assert_text_inside(layout, ROW_ROLES | {"table"})
    assert_texts_apart([t for t in layout.shapes if isinstance(t, Text) and t.role.startswith("table")])
    table = next(s for s in layout.shapes if isinstance(s, Rect) and s.role == "table")
    for r in rows_of(layout):
        assert box_of(table)[0] <= r.x and r.x + r.w <= box_of(table)[2]
        assert table.y <= r.y and r.y + r.h <= table.y + table.h


def test_a_long_cell_wraps_and_grows_only_its_row():
    rows = [["4K", "0.5 GiB", "fits"], ["8K", "1.0 GiB", "fits"], ["32K", "4.0 GiB", "fits"]]
    before = [r.h for r in rows_of(compile_table(["Ctx", "KV", "Fit"], rows))]
    rows[1][2] = "fits on one card at batch one, but batch eight needs a card with more memory " * 4
    layout = compile_table(["Ctx", "KV", "Fit"], rows)
    after = [r.h for r in rows_of(layout)]
    assert after[0] == before[0] and after[2] == before[2]
    assert after[1] > before[1] * 1.5
    assert len(texts_in(layout, rows_of(layout)[1])) > 4  # the long cell became several lines


def _rgb_distance(a: str, b: str) -> int:
    return sum(abs(int(a[i:i + 2], 16) - int(b[i:i + 2], 16)) for i in (1, 3, 5))


@pytest.mark.parametrize("theme", ["signal_glow", "infra_dark", "paper_editorial"])
@pytest.mark.parametrize("tone", ["purple", "red", "green", "amber", "mixed"])
def test_each_state_gives_a_distinct_row_fill(theme, tone):
    states = ["normal", "highlight", "success", "warning", "danger"]
    layout = compile_table(["Case"], [[s] for s in states], states=states, theme=theme, tone=tone)
    fills = dict(zip(states, (r.fill for r in rows_of(layout))))
    for i, a in enumerate(states):  # distinct to the eye, not only in hex: even a same-hue tone
        for b in states[i + 1:]:
            assert _rgb_distance(fills[a], fills[b]) >= 15, (a, b, fills)
    markers = [s for s in layout.shapes if isinstance(s, Rect) and s.role == "table-marker"]
    assert len(markers) == 4  # every state but normal marks its left edge
    label = next(t for t in layout.shapes if isinstance(t, Text) and t.text == "highlight")
    assert label.fill == markers[0].fill  # a highlighted row's label takes its accent


def test_normal_rows_alternate_two_fills():
    layout = compile_table(None, [["a"], ["b"], ["c"]])
    fills = [r.fill for r in rows_of(layout)]
    assert fills[0] == fills[2] != fills[1]


def test_missing_refs_show_visible_placeholders_inside_their_row():
    layout = compile_table(["A", "B"], [["a", "b"], ["c", "d"]], notes={1: "n"},
                           drop={"table_row.0.column_2", "table_row.1.note"})
    placeholders = [t for t in layout.shapes if isinstance(t, Text) and t.placeholder]
    assert {p.role for p in placeholders} == {"table-cell", "table-note"}
    assert any("table_row.0.column_2" in p.text for p in placeholders)
    assert_text_inside(layout, ROW_ROLES)


def test_one_row_without_a_header():
    layout = compile_table(None, [["only cell"]])
    assert len(rows_of(layout)) == 1
    assert not [s for s in layout.shapes if isinstance(s, Rect) and s.role == "table-header"]
    assert [t.text for t in texts_in(layout, rows_of(layout)[0])] == ["only cell"]


def test_note_sits_under_the_cells_spanning_the_row():
    layout = compile_table(["A", "B", "C"], [["a", "b", "c"]], notes={0: "why this row matters"})
    row = rows_of(layout)[0]
    note = texts_in(layout, row, "table-note")
    cells = texts_in(layout, row)
    assert len(note) == 1 and note[0].y > max(t.y for t in cells)
    assert note[0].x == min(t.x for t in cells)


def test_quantity_columns_right_align():
    layout = compile_table(["Ctx", "KV cache"], [["4K", "0.5 GiB"], ["128K", "16.0 GiB"]])
    anchors = {t.text: t.anchor for t in layout.shapes if isinstance(t, Text)}
    assert anchors["16.0 GiB"] == "end" and anchors["KV cache"] == "end"
    assert anchors["128K"] == "start"  # the first column is the row's label, never a quantity


def _single(theme: str, tone: str, row: str, content: dict, density: str = "balanced") -> Layout:
    text = HEAD.format(theme=theme, tone=tone).replace("[density:balanced]", f"[density:{density}]")
    return compile_scene(load(text + row + "\n[/scene]").scene, content).layout


def test_accent_colours_the_row_label_and_marks_a_normal_row():
    content = {"table_row": [{"column_1": "label"}]}
    plain = _single("infra_dark", "purple", "[table_row:@table_row.0.column_1]", content)
    accented = _single("infra_dark", "purple", "[table_row:@table_row.0.column_1|accent=green]", content)
    green = palettes()["infra_dark"].accents["green"]
    label = next(t for t in accented.shapes if isinstance(t, Text) and t.text == "label")
    assert label.fill == green
    assert [s.fill for s in accented.shapes if isinstance(s, Rect) and s.role == "table-marker"] == [green]
    assert not [s for s in plain.shapes if isinstance(s, Rect) and s.role == "table-marker"]


def test_density_changes_row_height():
    content = {"table_row": [{"column_1": "a"}]}
    heights = [rows_of(_single("signal_glow", "blue", "[table_row:@table_row.0.column_1]", content, d))[0].h
               for d in ("compact", "balanced", "airy")]
    assert heights[0] < heights[1] < heights[2]


def test_the_table_leads_full_width_and_cards_follow():
    card = "[callout_card:@callout_card.0.title|@callout_card.0.text]"
    doc = load("\n".join([HEAD.format(theme="paper_editorial", tone="blue"), card,
                          "[table_row:@table_row.0.column_1]", card.replace(".0.", ".1."), "[/scene]"]))
    content = {"table_row": [{"column_1": "a"}],
               "callout_card": [{"title": "t", "text": "x"}, {"title": "u", "text": "y"}]}
    layout = compile_scene(doc.scene, content).layout
    table = next(s for s in layout.shapes if isinstance(s, Rect) and s.role == "table")
    cards = [s for s in layout.shapes if isinstance(s, Rect) and s.role == "callout_card"]
    assert table.w == layout.width - 2 * table.x
    assert len(cards) == 2 and all(c.y >= table.y + table.h for c in cards)
    assert cards[0].y == cards[1].y  # columns:2 puts both cards side by side


def test_a_narrow_table_keeps_eight_columns_inside_their_rows():
    """Other families may place the table in a narrow column; cells shrink, text still fits."""
    from engine.compiler.page import Page
    from engine.compiler.resolve import bind
    from engine.compiler.sections import table
    from engine.compiler.style import style_of

    row = "[table_row:" + "|".join(f"@table_row.0.column_{k}" for k in range(1, 9)) + "]"
    doc = load(HEAD.format(theme="infra_dark", tone="blue") + row + "\n[/scene]")
    content = {"table_row": [{f"column_{k}": f"cell{k} value" for k in range(1, 9)}]}
    bound, _ = bind(doc.scene, content)
    page = Page(style_of(doc.scene), bound)
    h = table.render(page, bound, 10, 10, 220)
    layout = Layout(240, h + 20, "#000000", page.out)
    assert len(texts_in(layout, rows_of(layout)[0])) > 8  # every cell shown, wrapped or broken
    assert_text_inside(layout, ROW_ROLES)
    assert_texts_apart(texts_in(layout, rows_of(layout)[0]))


# --- filling the page, card rows, tags --------------------------------------------------------------

def _tagged(frame: str = "card", tags: bool = True, rows: int = 4, canvas: str = "landscape") -> Layout:
    """A table_matrix scene built as a model (tags are a proposed field the parser does not yet
    take), compiled with its content."""
    import dataclasses

    from engine.dsl.model import Ref

    head = HEAD.format(theme="infra_dark", tone="amber").replace("[frame:panel]", f"[frame:{frame}]")
    head = head.replace("[canvas:wide]", f"[canvas:{canvas}]")
    body = ["[header_band:@header_band.0.headline]",
            "[table_header:@table_header.0.column_1|@table_header.0.column_2]"]
    body += [f"[table_row:@table_row.{i}.column_1|@table_row.{i}.column_2|accent="
             f"{('amber', 'blue', 'green')[i % 3]}]" for i in range(rows)]
    scene = load(head + "\n".join(body) + "\n[/scene]").scene
    if tags:
        comps = [dataclasses.replace(c, refs=(Ref("tag", c.refs[0].path.replace("column_1", "tag")),) + c.refs)
                 if c.name == "table_row" else c for c in scene.components]
        scene = dataclasses.replace(scene, components=tuple(comps))
    content = {"header_band": [{"headline": "Edge cases"}],
               "table_header": [{"column_1": "Case", "column_2": "Why it matters"}],
               "table_row": [{"tag": ("RUNTIME", "NET", "KERNEL")[i % 3], "column_1": f"case {i}",
                              "column_2": "a reason"} for i in range(rows)]}
    return compile_scene(scene, content).layout


def test_the_table_fills_the_canvas_with_its_rows():
    layout = _tagged()
    rows = rows_of(layout)
    assert layout.height == 1000  # filled, not grown
    assert rows[-1].y + rows[-1].h > layout.height * 0.85
    assert len({round(r.h, 1) for r in rows}) == 1  # rows share the spare alike


def test_a_short_table_on_a_tall_page_stops_growing_its_rows():
    from engine.compiler.sections.table import STRETCH_MAX

    short = rows_of(_tagged(rows=1, canvas="tall"))[0]
    natural = rows_of(compile_table(["Case", "Why"], [["case 0", "a reason"]]))[0]  # wide: little spare
    assert short.h <= natural.h * (1 + STRETCH_MAX) + 30  # capped (tags add a pill's height)


def test_card_frame_draws_each_row_as_its_own_card():
    layout = _tagged()
    rows = rows_of(layout)
    assert not [s for s in layout.shapes if isinstance(s, Rect) and s.role == "table"]
    assert all(r.rx > 0 and r.stroke for r in rows)
    gaps = [b.y - (a.y + a.h) for a, b in itertools.pairwise(rows)]
    assert min(gaps) > 4
    assert_no_overlap(layout, ROW_ROLES)
    assert_text_inside(layout, ROW_ROLES)


def test_a_tag_is_a_pill_above_the_row_label_in_the_row_accent():
    layout = _tagged()
    pills = [s for s in layout.shapes if isinstance(s, Rect) and s.role == "table-tag"]
    labels = [t for t in layout.shapes if isinstance(t, Text) and t.role == "table-tag"]
    assert [t.text for t in labels] == ["RUNTIME", "NET", "KERNEL", "RUNTIME"]
    assert len({p.w for p in pills}) == 1  # the column's tags share one width and line up
    assert pills[0].fill != pills[1].fill  # amber vs blue accents
    for pill, row in zip(pills, rows_of(layout)):
        label = next(t for t in texts_in(layout, row) if t.text.startswith("case"))
        assert pill.y + pill.h < label.y - label.size * 0.8 and abs(pill.x - label.x) < 1
        assert not label.bold  # the tag marks the row; the label is set like its cells
    assert_texts_apart([t for t in layout.shapes if isinstance(t, Text) and t.role.startswith("table")])


def test_without_tags_labels_stay_bold_and_accented():
    layout = _tagged(tags=False)
    assert not [s for s in layout.shapes if isinstance(s, Rect) and s.role == "table-tag"]
    label = next(t for t in layout.shapes if isinstance(t, Text) and t.text == "case 0")
    assert label.bold and label.fill == palettes()["infra_dark"].accents["amber"]


def test_wrapping_columns_share_the_width_by_the_square_root_of_their_lines():
    from engine.compiler.sections.table import _grow

    widths = _grow([40, 40, 40, 40], [250, 600, 460, 140], 1300)
    assert sum(widths) == pytest.approx(1300, abs=0.5)
    assert widths[0] > 250 and widths[3] > 140  # short columns keep more than their bare line
    assert widths[1] > widths[2] > widths[0] > widths[3]


# --- open tables: ledgers, neutral headers, outlined states -----------------------------------------

LEDGER = (["Context", "KV cache", "Total need", "Verdict"],
          [["8K", "2.6 GB", "143 GB", "fits"], ["128K", "41 GB", "181 GB", "fits"],
           ["1M", "320 GB", "460 GB", "6 GPUs"]])


def test_an_open_table_of_short_lines_is_a_centred_ledger():
    from engine.compiler.sections.table import LEDGER_GUTTER

    layout = compile_table(*LEDGER, frame="none")
    heads = sorted((t for t in layout.shapes if isinstance(t, Text) and t.role == "table-head"),
                   key=lambda t: t.x)
    cells = [t for t in layout.shapes if isinstance(t, Text) and t.role == "table-cell"]
    assert {t.anchor for t in heads + cells} == {"middle"}
    # packed at an even rhythm: each column its widest line plus the gutter a side, centres
    # stepping by half of two neighbours' widths; the last column takes the rest of the row
    row = rows_of(layout)[0]
    pad = 24  # balanced density
    widths = [max(text_width(t.text, t.size, t.bold) for t in layout.shapes if isinstance(t, Text)
                  and t.role in ("table-head", "table-cell") and abs(t.x - h.x) < 1) for h in heads]
    gutter = LEDGER_GUTTER * pad
    assert heads[0].x == pytest.approx(row.x + widths[0] / 2 + gutter, abs=1)
    for a, b, wa, wb in zip(heads, heads[1:-1], widths, widths[1:]):
        assert b.x - a.x == pytest.approx((wa + wb) / 2 + 2 * gutter, abs=1)
    last = 2 * (row.x + row.w - heads[-1].x)  # the last column takes the rest: the widest
    assert last > max(wd + 2 * gutter for wd in widths[:-1])
    assert_text_inside(layout, ROW_ROLES)


def test_an_open_table_with_long_lines_sizes_its_columns_as_any_table():
    prose = "a sentence long enough that the row cannot hold it on one line beside the others " * 2
    layout = compile_table(["Case", "Size", "Why"], [["a", "16.0 GiB", prose], ["b", "2 GiB", "short"]],
                           frame="none")
    anchors = {t.text: t.anchor for t in layout.shapes if isinstance(t, Text)}
    assert anchors["a"] == "start" and anchors["16.0 GiB"] == "end"
    assert_text_inside(layout, ROW_ROLES)


def test_panel_and_card_tables_are_never_ledgers():
    for frame in ("panel", "card"):
        layout = compile_table(*LEDGER, frame=frame)
        assert {t.anchor for t in layout.shapes if isinstance(t, Text) and t.text == "8K"} == {"start"}


@pytest.mark.parametrize("frame", ["panel", "none"])
def test_the_header_takes_the_tone_only_with_an_accent_rail(frame):
    def header(rail):
        layout = compile_table(*LEDGER, frame=frame, rail=rail, theme="infra_dark", tone="green")
        band = next(s for s in layout.shapes if isinstance(s, Rect) and s.role == "table-header")
        rule = [s for s in layout.shapes if isinstance(s, Rect) and s.role == "table-header-rule"]
        return band, rule

    p = palettes()["infra_dark"]
    tinted, rule = header("accent")
    assert rule and rule[0].fill == p.accents["green"]
    for rail in ("muted", "none"):
        neutral, rule = header(rail)
        assert not rule and neutral.fill != tinted.fill
        r, g, b = (int(neutral.fill[i:i + 2], 16) for i in (1, 3, 5))
        assert max(r, g, b) - min(r, g, b) <= 40  # a lift of the surface, not the tone's green


def test_an_open_tables_state_row_is_outlined_in_its_colour():
    states = ["normal", "normal", "danger"]
    red = palettes()["signal_glow"].accents["red"]
    open_ = compile_table(*LEDGER, states=states, frame="none")
    last = rows_of(open_)[-1]
    assert last.stroke == red and last.stroke_width >= 2 and last.rx > 0
    assert not rows_of(open_)[0].stroke
    assert not [s for s in open_.shapes if isinstance(s, Rect) and s.role == "table-marker"]
    panel = compile_table(*LEDGER, states=states)  # a panel table keeps the marker on the left edge
    markers = [s for s in panel.shapes if isinstance(s, Rect) and s.role == "table-marker"]
    assert len(markers) == 1 and markers[0].fill == red and not rows_of(panel)[-1].stroke


def test_a_table_in_a_poster_panel_is_an_open_ledger_that_takes_the_panels_height():
    head = HEAD.format(theme="infra_dark", tone="green").replace("[layout:table_matrix]", "[layout:poster_stack]")
    head = head.replace("[canvas:wide]", "[canvas:tall]").replace("[frame:panel]", "[frame:card]")
    header, rows = LEDGER
    parts = [head, "[header_band:@header_band.0.headline]", "[header_band:@header_band.1.headline|band=solid]",
             _component("table_header", 0, [f"column_{k + 1}" for k in range(4)], {})]
    parts += [_component("table_row", i, [f"column_{k + 1}" for k in range(4)], {}) for i in range(3)]
    content = {"header_band": [{"headline": "Poster"}, {"headline": "Does it fit?"}],
               "table_header": [{f"column_{k + 1}": c for k, c in enumerate(header)}],
               "table_row": [{f"column_{k + 1}": c for k, c in enumerate(r)} for r in rows]}
    layout = compile_scene(load("\n".join(parts + ["[/scene]"])).scene, content).layout
    assert layout.height == 1420
    panel = next(s for s in layout.shapes if isinstance(s, Rect) and s.role == "card")
    heading = next(t for t in layout.shapes if isinstance(t, Text) and t.role == "heading")
    assert heading.y - panel.y < 60  # the heading stays at the panel's top
    body = rows_of(layout)
    assert body[-1].y + body[-1].h > panel.y + panel.h * 0.8  # the rows took the panel's height
    assert {t.anchor for t in layout.shapes if isinstance(t, Text) and t.role == "table-cell"} == {"middle"}


def test_under_an_open_title_the_header_row_stretches_like_a_record():
    rows = [[f"Case {i}", "Why it matters", "make check", "Owner"] for i in range(5)]
    header = ["Case", "Why", "Check", "Owner"]

    def ratio(layout: Layout) -> float:
        head = next(s for s in layout.shapes if isinstance(s, Rect) and s.role == "table-header")
        return head.h / rows_of(layout)[0].h

    banded = compile_table(header, rows, frame="card")
    content: dict = {"header_band": [{"headline": "Table"}],
                     "table_header": [dict(zip([f"column_{k + 1}" for k in range(4)], header))],
                     "table_row": [dict(zip([f"column_{k + 1}" for k in range(4)], r)) for r in rows]}
    head = HEAD.format(theme="infra_dark", tone="amber").replace("[frame:panel]", "[frame:card]")
    parts = [head, "[header_band:@header_band.0.headline|band=open]",
             _component("table_header", 0, [f"column_{k + 1}" for k in range(4)], {}),
             *(_component("table_row", i, [f"column_{k + 1}" for k in range(4)], {}) for i in range(5)),
             "[/scene]"]
    doc = load("\n".join(parts))
    assert not doc.diagnostics, [d.format() for d in doc.diagnostics]
    opened = compile_scene(doc.scene, content).layout
    assert opened.height == banded.height  # both fill the canvas, neither grows it
    assert ratio(opened) > ratio(banded) + 0.2


@pytest.mark.parametrize("theme", ["paper_white", "infra_dark"])
@pytest.mark.parametrize("frame", ["panel", "card"])
def test_a_header_row_takes_its_own_fill_and_its_words_read_on_it(theme, frame):
    from engine.compiler.themes import luminance
    cells = (["Step", "Action"], [["1", "load"], ["2", "store"]])
    ink = compile_table(*cells, theme=theme, frame=frame, header_attrs={"fill": "ink"})
    band = next(r for r in ink.shapes if isinstance(r, Rect) and r.role == "table-header")
    assert band.fill == palettes()[theme].text   # the page's ink: a dark strip on a light page
    for t in (t for t in ink.shapes if isinstance(t, Text) and t.role == "table-head"):
        assert abs(luminance(t.fill) - luminance(band.fill)) > 0.4
    open_ = compile_table(*cells, theme=theme, frame=frame, header_attrs={"fill": "none"})
    assert not any(isinstance(r, Rect) and r.role == "table-header" for r in open_.shapes)
    rule = next(r for r in open_.shapes if isinstance(r, Rect) and r.role == "table-header-rule")
    assert rule.h == 1 and rule.fill == palettes()[theme].stroke   # its words over a hairline
    said = compile_table(*cells, theme=theme, frame=frame)
    assert len({x.to_json() for x in (ink, open_, said)}) == 3
