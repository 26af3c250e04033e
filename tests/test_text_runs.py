"""Text runs (DSL v2 text_line and kv_row) and the header's accent and rule: code keeps its columns
and is cut, never wrapped, with a text-overflow diagnostic; mono is measured with the bundled
monospace face; every line stays in its column and off its neighbours, in every family."""
from __future__ import annotations

import json

import pytest
from fontTools.ttLib import TTFont

from engine.compiler import compile_scene
from engine.compiler.draw import OVERFLOW
from engine.compiler.geometry import Rect, Text
from engine.compiler.sections import sections
from engine.compiler.resolve import bind
from engine.compiler.sections import RENDERERS
from engine.compiler.text import ELLIPSIS, SAFETY, text_width
from engine.diagnostics import DiagnosticError, Severity
from engine.dsl import load, vocab
from engine.paths import FONTS
from engine.compiler.style import FONT
from tests.layout_checks import assert_text_inside, text_box, visibly_different
from tests.scenes import scene_text

HEAD = {"header_band": [{"kicker": "K", "headline": "Headline", "subtitle": "Sub"}]}


def lines(*specs: tuple[str, str], layout: str = "poster_stack", extra: str = ""):
    """(scene, content) for text_lines given as (text, attribute cells), in order."""
    body = "".join(f"[text_line:@text_line.{i}.text{'|' + cells if cells else ''}]\n"
                   for i, (_, cells) in enumerate(specs))
    doc = load(scene_text(extra + body, layout=layout))
    assert not doc.errors, [d.format() for d in doc.errors]
    return doc.scene, {**HEAD, "text_line": [{"text": t} for t, _ in specs]}


def texts(compiled, role: str | None = None) -> list[Text]:
    return [s for s in compiled.layout.shapes if isinstance(s, Text) and (role is None or s.role == role)]


def mono_advance() -> float:
    font = TTFont(FONTS / "DejaVuSansMono.ttf")
    return font["hmtx"]["m"][0] / font["head"].unitsPerEm


def test_a_line_of_n_characters_is_n_monospace_advances_wide():
    adv = mono_advance()
    for s in ("i" * 10, "W" * 10, "a b  c" * 3):
        assert text_width(s, 20, mono=True) == pytest.approx(len(s) * adv * 20 * SAFETY)
    assert text_width("i" * 10, 20) < text_width("i" * 10, 20, mono=True)   # the sans face differs


def test_code_keeps_runs_of_spaces_and_its_columns_line_up():
    scene, content = lines(("stage        ms    ok", "style=code"), ("bind         41    fail", "style=code"))
    compiled = compile_scene(scene, content, strict=True)
    runs = texts(compiled, "code")
    assert [t.text for t in runs] == ["stage", "ms", "ok", "bind", "41", "fail"]
    assert all(t.font == "mono" for t in runs)
    x = {t.text: t.x for t in runs}
    assert x["stage"] == x["bind"] and x["ms"] == x["41"] and x["ok"] == x["fail"]
    # the second column starts 13 advances in: the spaces were kept, not collapsed
    assert x["ms"] - x["stage"] == pytest.approx(text_width(" " * 13, runs[0].size, mono=True))
    assert '<text x="{}" y="{}" font-size="16" font-family="DejaVu Sans Mono, monospace"'.format(
        *(f"{v:g}" for v in (round(x["ms"], 2), round(runs[1].y, 2)))) in compiled.svg


def _style(text: str, style: str, **cells):
    cells = "|".join([f"style={style}", *(f"{k}={v}" for k, v in cells.items())])
    return lines((text, cells))


def test_code_is_never_wrapped_but_cut_and_reported_and_strict_refuses_it():
    text = "$ " + "x" * 400
    scene, content = _style(text, "code")
    compiled = compile_scene(scene, content)
    [run] = texts(compiled, "code")   # one run: a single space joins "$" and the rest
    assert run.text.startswith("$ x") and run.text.endswith(ELLIPSIS)
    [warning] = [d for d in compiled.diagnostics if d.code == OVERFLOW]
    kept = len(run.text) - len(ELLIPSIS)
    assert warning.severity is Severity.WARNING
    assert warning.message == f"text_line.0.text: text cut at {kept} of {len(text)} characters"
    assert_text_inside(compiled.layout, {"code-well"})
    with pytest.raises(DiagnosticError) as err:
        compile_scene(scene, content, strict=True)
    assert [(d.code, d.severity) for d in err.value.diagnostics] == [(OVERFLOW, Severity.ERROR)]


def test_mono_wraps_in_the_monospace_face_with_no_warning():
    scene, content = _style("word " * 120, "mono")
    compiled = compile_scene(scene, content, strict=True)
    wrapped = texts(compiled, "line")
    assert len(wrapped) > 2 and all(t.font == "mono" for t in wrapped)
    assert_text_inside(compiled.layout, set())
    width = max(text_box(t)[2] for t in wrapped) - wrapped[0].x
    assert width <= 1200 - 2 * 52 + 0.5


@pytest.mark.parametrize("style,check", [
    ("result", lambda t, p: t.fill == p.accents["red"] and not t.bold),
    ("muted", lambda t, p: t.fill == p.text_muted),
    ("accent", lambda t, p: t.fill == p.accents["red"] and t.bold),
    ("heading", lambda t, p: t.bold and t.size == 21 and t.fill == p.accents["red"]),   # a said accent colours it
    ("body", lambda t, p: t.fill == p.text and not t.bold and t.size == 16 and t.font == "sans"),
])
def test_each_style_sets_its_colour_weight_and_size(style, check):
    from engine.compiler.themes import palettes
    scene, content = _style("a line", style, accent="red")
    [t] = texts(compile_scene(scene, content, strict=True), "line")
    assert check(t, palettes()["infra_dark"])


def test_a_heading_without_an_accent_is_set_in_the_text_colour():
    from engine.compiler.themes import palettes
    [t] = texts(compile_scene(*_style("a heading", "heading"), strict=True), "line")
    assert t.fill == palettes()["infra_dark"].text and t.bold


@pytest.mark.parametrize("style", ["mono", "body"])
def test_a_variation_selector_is_left_out_of_the_drawn_text(style):
    # the monospace face has no glyph for U+FE0F: drawn, it is a box after the warning sign
    scene, content = _style("\u26a0\ufe0f 6th Gen only", style)
    [t] = texts(compile_scene(scene, content, strict=True), "line")
    assert t.text == "\u26a0 6th Gen only"


def test_align_sets_the_anchor_and_code_aligns_by_its_width():
    got = {}
    for align in ("left", "center", "right"):
        for style in ("body", "code"):
            scene, content = _style("abc  def", style, align=align)
            got[style, align] = texts(compile_scene(scene, content, strict=True), "line" if style == "body" else "code")[0]
    assert [got["body", a].anchor for a in ("left", "center", "right")] == ["start", "middle", "end"]
    left, centre, right = (got["code", a].x for a in ("left", "center", "right"))
    assert left < centre < right and centre - left == pytest.approx(right - centre)


def test_consecutive_lines_form_one_block_and_a_card_splits_them():
    doc = load(scene_text("[text_line]\n[/text_line]\n[kv_row]\n[/kv_row]\n[section_card]\n[/section_card]\n"
                          "[text_line]\n[/text_line]\n"))
    bound, _ = bind(doc.scene, {})
    assert [(kind, len(items)) for kind, items in sections(bound)] == [("lines", 2), ("cards", 1), ("lines", 1)]
    assert "lines" in RENDERERS   # what a container's renderer calls for its lines


@pytest.mark.parametrize("layout", vocab.LAYOUTS)
def test_lines_and_kv_rows_draw_in_every_family_without_overlap_or_spill(layout):
    from tests.scenes import kitchen_sink
    text, content = kitchen_sink(layout)
    body = ("[text_line:@text_line.1.text|style=heading]\n[text_line:@text_line.2.text|style=code]\n"
            "[text_line:@text_line.3.text|style=muted]\n[kv_row:@kv_row.1.label|@kv_row.1.value|style=mono]\n"
            "[kv_row:@kv_row.2.label|@kv_row.2.value|style=code]\n")
    text = text.replace("[/scene]", body + "[/scene]")
    content = {**content, "text_line": content["text_line"] + [{"text": "Heading"}, {"text": "$ make   -j8"},
                                                                {"text": "# a comment"}],
               "kv_row": content["kv_row"] + [{"label": "grid", "value": "(1, 2)"}, {"label": "x  y", "value": "1   2"}]}
    compiled = compile_scene(load(text).scene, content, strict=True)
    shown = {t.text for t in texts(compiled)}
    assert {"a result line", "Heading", "$ make", "-j8", "# a comment", "grid", "(1, 2)", "x", "y"} <= shown
    runs = [t for t in texts(compiled) if t.role in {"line", "code", "kv-label", "kv-value"}]
    for i, a in enumerate(runs):
        for b in runs[i + 1:]:
            la, ta, ra, ba = text_box(a)
            lb, tb, rb, bb = text_box(b)
            assert not (la < rb - 0.5 and lb < ra - 0.5 and ta < bb - 0.5 and tb < ba - 0.5), (a.text, b.text)
    assert_text_inside(compiled.layout, {"code-well"})


def test_a_kv_row_sets_its_label_left_and_its_value_right_and_cuts_both_to_share_the_line():
    doc = load(scene_text("[kv_row:@kv_row.0.label|@kv_row.0.value|style=mono]\n"
                          "[kv_row:@kv_row.1.label|@kv_row.1.value]\n"))
    content = {**HEAD, "kv_row": [{"label": "grid", "value": "(128, 8, 1)"},
                                  {"label": "label " * 60, "value": "value " * 60}]}
    compiled = compile_scene(doc.scene, content)
    label, value = texts(compiled, "kv-label"), texts(compiled, "kv-value")
    assert value[0].font == "mono" and label[0].font == "sans" and value[0].anchor == "end"
    assert label[0].x == 52 and value[0].x == 1200 - 52 and label[0].y == value[0].y
    assert text_box(label[1])[2] + 16 <= text_box(value[1])[0] + 0.5      # no overlap when cut
    assert sorted(d.message.split(":")[0] for d in compiled.diagnostics if d.code == OVERFLOW) == \
        ["kv_row.1.label", "kv_row.1.value"]


def test_kv_row_code_keeps_whitespace_on_both_sides():
    doc = load(scene_text("[kv_row:@kv_row.0.label|@kv_row.0.value|style=code]\n"))
    compiled = compile_scene(doc.scene, {**HEAD, "kv_row": [{"label": "  --arch", "value": "sm_90   -O3"}]},
                             strict=True)
    label, value = texts(compiled, "kv-label"), texts(compiled, "kv-value")
    assert [t.text for t in label] == ["--arch"] and [t.text for t in value] == ["sm_90", "-O3"]
    size = label[0].size
    assert label[0].x == pytest.approx(52 + text_width("  ", size, mono=True))
    assert value[1].x - value[0].x == pytest.approx(text_width("sm_90   ", size, mono=True))
    assert text_box(value[1])[2] == pytest.approx(1200 - 52)


def test_layout_json_names_the_font_only_for_mono():
    scene, content = lines(("plain", ""), ("mono", "style=mono"))
    shapes = json.loads(compile_scene(scene, content, strict=True).layout.to_json())["shapes"]
    fonts = {s["text"]: s.get("font") for s in shapes if s["kind"] == "text"}
    assert fonts["plain"] is None and fonts["mono"] == "mono"


def test_header_accent_colours_the_headline_and_rule_draws_a_fading_rule_under_the_title():
    def header(cells: str):
        doc = load(scene_text(header=False, body=f"[header_band:@header_band.0.kicker|@header_band.0.headline|"
                                                 f"@header_band.0.subtitle{cells}]\n"))
        return compile_scene(doc.scene, HEAD, strict=True).layout
    plain, styled = header(""), header("|accent=amber|rule=gradient")
    from engine.compiler.themes import palettes
    p = palettes()["infra_dark"]
    def headline(lay):
        return next(t for t in lay.shapes if isinstance(t, Text) and t.role == "headline")
    assert headline(plain).fill == p.text and headline(styled).fill == p.accents["amber"]
    assert not [s for s in plain.shapes if isinstance(s, Rect) and s.role == "title-rule"]
    [rule] = [s for s in styled.shapes if isinstance(s, Rect) and s.role == "title-rule"]
    sub = next(t for t in styled.shapes if isinstance(t, Text) and t.role == "subtitle")
    band = next(s for s in styled.shapes if isinstance(s, Rect) and s.role == "header")
    assert sub.y < rule.y and rule.y + rule.h < band.h
    [grad] = [g for g in styled.gradients if g.name == "title-rule"]
    assert [(c, o) for _, c, o in grad.stops] == [(p.accents["amber"], 0), (p.accents["amber"], 1),
                                                  (p.accents["amber"], 0)]   # a centred poster title


def test_portrait_canvas_is_1000_wide_and_at_least_2000_tall():
    doc = load(scene_text("", layout="poster_stack").replace("[layout:", "[canvas:portrait]\n[layout:"))
    layout = compile_scene(doc.scene, HEAD, strict=True).layout
    assert (layout.width, layout.height) == (1000, 2000)


@pytest.mark.parametrize("style", ["body", "mono", "code", "heading"])
def test_print_fine_sets_a_line_a_size_down_and_changes_the_picture(style):
    made = {}
    for print_ in vocab.COMPONENTS["text_line"].attrs["print"]:
        scene, content = lines(("a note set in a box  12 ms", f"style={style}|print={print_}"),
                               ("the line after it", f"print={print_}"))
        made[print_] = compile_scene(scene, content, strict=True)
    regular, fine = (texts(made[p]) for p in ("regular", "fine"))
    down = {"heading": "label"}.get(style, "small")

    def note(found):
        return next(t for t in found if t.text.startswith("a note"))

    def after(found):
        return next(t for t in found if t.text == "the line after it")

    assert note(fine).size == pytest.approx(FONT[down])   # poster_stack's density: balanced, scale 1
    assert note(fine).size < note(regular).size
    assert after(fine).size == pytest.approx(FONT["small"])
    assert after(fine).y < after(regular).y   # the lines close up
    assert visibly_different(made["regular"].svg, made["fine"].svg)
    large = texts(made["large"])   # a size up: 1.25 of its role, as a later header's headline
    assert note(large).size == pytest.approx(note(regular).size * 1.25, abs=0.06)
    assert after(large).y > after(regular).y   # the lines open up
    assert visibly_different(made["regular"].svg, made["large"].svg)


def test_print_fine_on_a_kv_row_sets_label_and_value_a_size_down():
    sizes = {}
    for print_ in ("regular", "fine"):
        doc = load(scene_text(f"[kv_row:@kv_row.0.label|@kv_row.0.value|style=mono|print={print_}]\n"))
        compiled = compile_scene(doc.scene, {**HEAD, "kv_row": [{"label": "grid", "value": "(128, 8, 1)"}]},
                                 strict=True)
        sizes[print_] = {t.role: t.size for t in texts(compiled) if t.role.startswith("kv-")}
    assert sizes["fine"]["kv-label"] == sizes["fine"]["kv-value"] < sizes["regular"]["kv-value"]
