"""Wave 7 (docs/dsl.md): a table header's pitch, align and rows; the deep and shade fills; a bare and an
xs title; keys in the title block; a line's pitch in its run."""
from __future__ import annotations

import itertools

import pytest

from engine.compiler import compile_scene
from engine.compiler.geometry import Layout, Rect, Text
from engine.compiler.themes import luminance, palettes
from engine.dsl import load, vocab
from tests.layout_checks import assert_text_inside, text_box
from tests.test_table import HEAD, ROW_ROLES, compile_table, rows_of, texts_in

CELLS = (["Format", "Bits", "Use"], [["fp32", "32", "master weights"], ["bf16", "16", "activations"],
                                     ["int8", "8", "weights at rest"], ["q4_k", "4.5", "inference"]])


def _table(**header_attrs: str) -> Layout:
    return compile_table(*CELLS, header_attrs=header_attrs)


def _extent(layout: Layout) -> float:
    rows = [r for r in layout.shapes if isinstance(r, Rect) and r.role in ROW_ROLES]
    return max(r.y + r.h for r in rows) - min(r.y for r in rows)


@pytest.mark.parametrize("key", ["align", "pitch", "rows"])
def test_every_header_choice_changes_the_picture(key):
    drawn = {value: _table(**{key: value}).to_json() for value in vocab.COMPONENTS["table_header"].attrs[key]}
    assert len(set(drawn.values())) == len(drawn), key
    default = vocab.COMPONENTS["table_header"].defaults.get(key)
    if default:
        assert drawn[default] == _table().to_json()   # the default draws what an omitted key draws


def test_a_said_pitch_sets_the_rows_apart_and_keeps_them_so_on_a_taller_page():
    heights = {p: _extent(_table(pitch=p)) for p in ("sm", "md", "lg")}
    assert heights["sm"] < heights["md"] < heights["lg"]
    for p in ("sm", "lg"):
        assert_text_inside(_table(pitch=p), ROW_ROLES)
    assert _extent(_table()) > heights["lg"]   # omitted, the rows stretch into the spare height


def test_align_sets_every_cell_and_head_alike():
    for align, anchor in (("center", "middle"), ("left", "start")):
        layout = _table(align=align)
        texts = [t for t in layout.shapes if isinstance(t, Text) and t.role in ("table-cell", "table-head")]
        assert {t.anchor for t in texts} == {anchor}, align
    auto = {t.text: t.anchor for t in _table().shapes if isinstance(t, Text)}
    assert auto["32"] == "end" and auto["fp32"] == "start"   # auto: quantities right, text left


def test_rows_plain_drops_the_zebra_and_tint_washes_each_row_in_the_tone():
    striped = [r.fill for r in rows_of(_table())]
    assert striped[0] != striped[1]
    plain = [r.fill for r in rows_of(_table(rows="plain"))]
    assert len(set(plain)) == 1 and plain[0] == palettes()["signal_glow"].surface
    tinted = [r.fill for r in rows_of(_table(rows="tint"))]
    assert len(set(tinted)) == 1 and tinted[0] not in (plain[0], striped[1])


def test_a_headers_choices_hold_until_the_next_header():
    rows = "".join(f"[table_row:@table_row.{i}.column_1|@table_row.{i}.column_2]\n" for i in range(4))
    text = (HEAD.format(theme="paper_white", tone="blue") + "[table_header:@table_header.0.column_1|"
            "@table_header.0.column_2|pitch=lg|rows=plain]\n" + rows[:rows.index("[table_row:@table_row.2")]
            + "[table_header:@table_header.1.column_1|@table_header.1.column_2|pitch=sm]\n"
            + rows[rows.index("[table_row:@table_row.2"):] + "[/scene]")
    content = {"table_header": [{"column_1": "A", "column_2": "B"}] * 2,
               "table_row": [{"column_1": f"r{i}", "column_2": "v"} for i in range(4)]}
    layout = compile_scene(load(text).scene, content).layout
    first, second, third, fourth = rows_of(layout)
    assert first.h > third.h and second.h == first.h and fourth.h == third.h
    assert first.fill == second.fill and third.fill != fourth.fill   # plain, then striped again
    assert [t.text for t in texts_in(layout, third)] == ["r2", "v"]


def _box(theme: str, fill: str) -> tuple[str, list[str]]:
    """The fill of a thesis box and the colours of its words."""
    text = (HEAD.format(theme=theme, tone="blue").replace("table_matrix", "poster_stack")
            + f"[thesis_box:@thesis_box.0.title|@thesis_box.0.text|fill={fill}]\n[/scene]")
    content = {"thesis_box": [{"title": "Why it holds", "text": "Weights stay in int8 between steps."}]}
    layout = compile_scene(load(text).scene, content).layout
    box = next(s for s in layout.shapes if isinstance(s, Rect) and s.role == "thesis_box")
    inks = [t.fill for t in layout.shapes if isinstance(t, Text) and box.y <= t.y <= box.y + box.h]
    return box.fill, inks


@pytest.mark.parametrize("theme", sorted(palettes()))
def test_a_deep_box_is_darker_than_its_accent_and_its_words_read_on_it(theme):
    fill, inks = _box(theme, "deep")
    p = palettes()[theme]
    assert luminance(fill) < luminance(p.accents["blue"]) - 0.1
    assert inks and all(abs(luminance(ink) - luminance(fill)) > 0.35 for ink in inks)


@pytest.mark.parametrize("theme", sorted(palettes()))
def test_a_shade_box_keeps_the_pages_brightness_in_the_accents_hue(theme):
    fill, inks = _box(theme, "shade")
    faint, _ = _box(theme, "faint")
    p = palettes()[theme]
    assert abs(luminance(fill) - luminance(p.background)) < 0.1        # about the page's brightness
    assert fill != p.background and fill != faint
    if p.dark:   # faint is washed into the lighter surface: shade stays darker, nearer the page
        assert luminance(fill) < luminance(faint)
    assert inks and all(abs(luminance(ink) - luminance(fill)) > 0.35 for ink in inks)

def _titled(band: str | None = None, scale: str | None = None, layout: str = "poster_stack") -> Layout:
    attrs = "".join(f"|{k}={v}" for k, v in (("band", band), ("scale", scale)) if v)
    text = (HEAD.format(theme="navy_sheet", tone="blue").replace("table_matrix", layout)
            + f"[header_band:@header_band.0.headline|@header_band.0.subtitle{attrs}]\n"
            + "[thesis_box:@thesis_box.0.title|@thesis_box.0.text]\n[/scene]")
    content = {"header_band": [{"headline": "Q4_K block structure", "subtitle": "256 weights in 144 bytes"}],
               "thesis_box": [{"title": "Super-block", "text": "Eight sub-blocks share one scale."}]}
    return compile_scene(load(text).scene, content).layout


def _first(layout: Layout, role: str) -> Rect | Text | None:
    return next((s for s in layout.shapes if s.role == role), None)


def test_a_bare_title_keeps_the_bands_spacing_without_its_fill_or_rule():
    solid, bare, open_ = _titled("solid"), _titled("bare"), _titled("open")
    assert _first(solid, "header") and _first(solid, "header-rule")
    assert _first(bare, "header") is None and _first(bare, "header-rule") is None
    assert _first(bare, "thesis_box").y == _first(solid, "thesis_box").y     # the content where a band leaves it
    assert _first(open_, "thesis_box").y < _first(bare, "thesis_box").y      # open sets it closer
    assert _first(bare, "headline").y == _first(solid, "headline").y


def test_an_xs_title_is_smaller_and_tighter_than_sm():
    sm, xs = _titled(scale="sm"), _titled(scale="xs")
    assert _first(xs, "headline").size < _first(sm, "headline").size
    assert _first(xs, "headline").y < _first(sm, "headline").y                # a tighter top margin
    assert _first(xs, "thesis_box").y < _first(sm, "thesis_box").y


KEYS = {"header_band": [{"headline": "Forward and backward, one step at a time", "subtitle": "Where each gradient comes from"}],
        "legend_row": [{"label": "forward pass"}, {"label": "backward pass"}, {"label": "memory kept"}],
        "thesis_box": [{"title": "Activations", "text": "Kept from the forward pass for the backward one."}]}


def _keyed(hero: str = "left", nested: bool = False) -> Layout:
    keys = ("[legend_row:@legend_row.0.label|tone=amber|place=title]\n"
            "[legend_row:@legend_row.1.label|tone=green|place=title]\n")
    if nested:
        keys = f"[panel]\n{keys}[/panel]\n"
    text = (HEAD.format(theme="navy_sheet", tone="blue").replace("table_matrix", "poster_stack")
            .replace("[hero:left]", f"[hero:{hero}]")
            + "[header_band:@header_band.0.headline|@header_band.0.subtitle]\n" + keys
            + "[thesis_box:@thesis_box.0.title|@thesis_box.0.text]\n[legend_row:@legend_row.2.label|tone=red]\n[/scene]")
    doc = load(text)
    assert not doc.diagnostics, [d.format() for d in doc.diagnostics]
    content = dict(KEYS, panel=[{"title": "Keys"}])
    return compile_scene(doc.scene, content).layout


@pytest.mark.parametrize("hero", ["left", "center", "split"])
def test_title_keys_stand_in_the_title_blocks_corner_clear_of_the_title(hero):
    layout = _keyed(hero)
    labels = {t.text: t for t in layout.shapes if isinstance(t, Text) and t.role == "legend"}
    box = _first(layout, "thesis_box")
    swatches = [r for r in layout.shapes if isinstance(r, Rect) and r.role == "legend"]
    assert {"forward pass", "backward pass", "memory kept"} <= set(labels)
    for key in ("forward pass", "backward pass"):
        assert labels[key].y < box.y                                  # in the title block
    assert labels["memory kept"].y > box.y + box.h                    # a key not placed there stays below
    right = max(text_box(labels["backward pass"])[2], *(r.x + r.w for r in swatches[:2]))
    assert abs(right - (box.x + box.w)) < 2                           # flush with the column's right edge
    keys_left = min(r.x for r in swatches[:2])
    for t in (t for t in layout.shapes if isinstance(t, Text) and t.role in ("headline", "subtitle")):
        assert text_box(t)[2] <= keys_left - 10, t.text              # the title keeps clear of them
    if hero == "center":
        head = _first(layout, "headline")
        assert abs(head.x - (box.x + box.w / 2)) < 1                  # still centred on the column


def test_a_title_key_inside_a_container_stands_in_place():
    layout = _keyed(nested=True)
    panel = _first(layout, "panel")
    labels = [t for t in layout.shapes if isinstance(t, Text) and t.role == "legend" and t.text != "memory kept"]
    assert len(labels) == 2 and all(panel.y < t.y < panel.y + panel.h for t in labels)


def _run(pitch: str | None, kind: str = "text_line") -> Layout:
    said = f"|pitch={pitch}" if pitch else ""
    fields = "@text_line.{i}.text" if kind == "text_line" else "@kv_row.{i}.label|@kv_row.{i}.value"
    lines = "".join(f"[{kind}:{fields.format(i=i)}{said}]\n" for i in range(4))
    text = (HEAD.format(theme="paper_white", tone="blue").replace("table_matrix", "poster_stack")
            + "[header_band:@header_band.0.headline]\n[panel]\n[node_id:p]\n" + lines + "[/panel]\n[/scene]")
    content = {"header_band": [{"headline": "Lines"}],
               "text_line": [{"text": f"line {i} of the run"} for i in range(4)],
               "kv_row": [{"label": f"key {i}", "value": f"{i} GiB"} for i in range(4)]}
    doc = load(text)
    assert not doc.diagnostics, [d.format() for d in doc.diagnostics]
    return compile_scene(doc.scene, content).layout


@pytest.mark.parametrize("kind,role", [("text_line", "line"), ("kv_row", "kv-label")])
def test_a_lines_pitch_sets_the_run_tight_or_apart(kind, role):
    steps = {}
    for pitch in (None, "sm", "md", "lg"):
        layout = _run(pitch, kind)
        ys = [t.y for t in layout.shapes if isinstance(t, Text) and t.role == role]
        assert len(ys) == 4
        steps[pitch] = [b - a for a, b in itertools.pairwise(ys)]
        assert_text_inside(layout, {"panel"})
    assert steps[None] == steps["md"]
    assert max(steps["sm"]) < min(steps["md"]) and max(steps["md"]) < min(steps["lg"])


def test_an_empty_fill_group_takes_a_posters_spare_height_and_the_sections_keep_theirs():
    def boxes(spacer: str) -> list[Rect]:
        text = (HEAD.format(theme="navy_sheet", tone="blue").replace("table_matrix", "poster_stack")
                .replace("[canvas:wide]", "[canvas:portrait]").replace("[columns:2]", "[columns:1]")
                + "[header_band:@header_band.0.headline]\n[thesis_box:@thesis_box.0.title|@thesis_box.0.text]\n"
                + "[callout_card:@callout_card.0.title|@callout_card.0.text]\n" + spacer + "[/scene]")
        content = {"header_band": [{"headline": "T"}], "thesis_box": [{"title": "a", "text": "b"}],
                   "callout_card": [{"title": "c", "text": "d"}]}
        layout = compile_scene(load(text).scene, content).layout
        return [s for s in layout.shapes if isinstance(s, Rect) and s.role in ("thesis_box", "callout_card")]
    stretched, spaced = boxes(""), boxes("[group:height=fill]\n")
    assert all(b.h < a.h for a, b in zip(stretched, spaced))       # the sections at their own heights
    assert spaced[1].y + spaced[1].h < stretched[1].y + stretched[1].h - 200   # the room left below them
