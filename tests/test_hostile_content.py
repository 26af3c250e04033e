"""content.json that is wrong, huge or strange: `compile_scene` and `ck compile` answer with a
diagnostic or a correct render, never a traceback (issue 8, "Bad input").

Wrong types anywhere (the whole file, a component's list, a record, a field, a bar's magnitude),
missing keys, 1 MB strings, control characters, right-to-left text and markup; the render must be
well-formed SVG in which no content became markup, and the text that can be shown is shown.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import cairosvg
import defusedxml.ElementTree as SafeET
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scenes import kitchen_sink

from engine import cli
from engine.compiler.pipeline import compile_scene
from engine.compiler.resolve import MAX_SLOT_CHARS
from engine.diagnostics import DiagnosticError, Severity
from engine.dsl import load, vocab

SVG_NS = "{http://www.w3.org/2000/svg}"
MEGABYTE = 1024 * 1024
RTL = "\u05e9\u05dc\u05d5\u05dd \u0645\u0631\u062d\u0628\u0627 \u202eevil.exe\u202c \u200f\u0627\u0644\u0639\u0631\u0628\u064a\u0629"
CONTROL = "before\x00\x01\x07\x08\x0b\x0c\x1b[31m\x7f\x85\ufffe\uffff\ud800after"
MARKUP = '<img src=x onerror="fetch(\'//evil.example\')"><script>alert(1)</script>]]>&amp;'
STRANGE = (RTL, CONTROL, MARKUP, "", " ", "\n" * 50, "\t", "\u200b" * 30, "e" + "\u0301" * 40,
           "\U0001f600" * 20, "W" * 5000, "1e400", "NaN")
# What a content problem may be reported as (by the binder, or by the layout cutting a text too
# long for its box); anything else is a new behaviour.
CONTENT_CODES = {"unresolved-ref", "bad-content", "content-too-long", "text-overflow"}


def _scene(layout: str):
    text, content = kitchen_sink(layout)
    return load(text).scene, content


SCENES = {layout: _scene(layout) for layout in vocab.LAYOUTS}


def _texts(svg: str) -> str:
    return " ".join("".join(t.itertext()) for t in SafeET.fromstring(svg).iter(f"{SVG_NS}text"))


def assert_safe_render(svg: str) -> None:
    """Well-formed SVG, and nothing in it that content could have become: no script, no image,
    no foreign markup, no event handler."""
    root = SafeET.fromstring(svg)
    assert root.tag == f"{SVG_NS}svg"
    for elem in root.iter():
        assert elem.tag.rpartition("}")[2] not in ("script", "img", "image", "foreignObject", "iframe")
        assert not any(k.lower().startswith("on") for k in elem.attrib)


# ---- any JSON value anywhere ----------------------------------------------------------------------

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(10**400), 10**400) | st.floats() | st.text(max_size=40)
    | st.sampled_from(STRANGE),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=10)


def _put(content: dict, where: str, value, pick: int) -> object:
    """The kitchen-sink content with `value` placed at one spot chosen by `where` and `pick`."""
    content = json.loads(json.dumps(content))
    lists = sorted(k for k, v in content.items() if isinstance(v, list))
    key = lists[pick % len(lists)]
    record = content[key][pick % len(content[key])]
    if where == "file":
        return value
    if where == "component":
        content[key] = value
    elif where == "record":
        content[key][pick % len(content[key])] = value
    elif where == "field":
        record[sorted(record)[pick % len(record)]] = value
    elif where == "magnitude":
        content["compare_bar"][pick % 2]["magnitude"] = value
    elif where == "nodes":
        content["nodes"] = value if pick % 2 else {"root": value}
    return content


@settings(max_examples=150, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(layout=st.sampled_from(vocab.LAYOUTS), value=json_values, pick=st.integers(0, 50),
       where=st.sampled_from(("file", "component", "record", "field", "magnitude", "nodes")))
def test_any_json_value_anywhere_is_a_diagnostic_or_a_render(layout, value, pick, where):
    scene, content = SCENES[layout]
    compiled = compile_scene(scene, _put(content, where, value, pick))
    assert_safe_render(compiled.svg)
    assert {d.code for d in compiled.diagnostics} <= CONTENT_CODES
    assert all(d.severity is Severity.WARNING for d in compiled.diagnostics if d.code != "bad-content")


# ---- named cases ----------------------------------------------------------------------------------

def test_content_that_is_not_an_object_is_a_diagnostic_and_every_slot_a_placeholder():
    scene, _ = SCENES["poster_stack"]
    for content in ([], "text", 3, None, True):
        compiled = compile_scene(scene, content)
        codes = [d.code for d in compiled.diagnostics]
        assert codes[0] == "bad-content" and set(codes[1:]) == {"unresolved-ref"}, content
        assert "\u2039header_band.0.headline\u203a" in _texts(compiled.svg)   # the visible placeholder
        with pytest.raises(DiagnosticError):
            compile_scene(scene, content, strict=True)


def test_a_field_of_the_wrong_type_is_named_in_its_diagnostic():
    scene, content = SCENES["dashboard_cards"]
    for value in ([1, 2], {"a": 1}, None, True):
        wrong = json.loads(json.dumps(content))
        wrong["section_card"][0]["title"] = value
        compiled = compile_scene(scene, wrong)
        assert [d.message for d in compiled.diagnostics] == [
            "title_ref 'section_card.0.title' is not a string or number"], value
        assert "\u2039section_card.0.title\u203a" in _texts(compiled.svg)


def test_missing_keys_give_one_warning_per_ref_and_placeholders():
    scene, content = SCENES["table_matrix"]
    content = {k: v for k, v in content.items() if k != "table_row"}
    compiled = compile_scene(scene, content)
    missing = [d for d in compiled.diagnostics if d.code == "unresolved-ref"]
    assert len(missing) == sum(len(c.refs) for c in scene.components if c.name == "table_row")
    assert all("is not in content.json" in d.message for d in missing)
    assert "\u2039table_row.0.column_1\u203a" in _texts(compiled.svg)


def test_a_one_megabyte_string_is_cut_with_a_warning_and_still_renders():
    scene, content = SCENES["poster_stack"]
    plain = len(compile_scene(scene, content).svg)
    for value in ("W" * MEGABYTE, "word " * (MEGABYTE // 5), "\u0645" * MEGABYTE):
        huge = json.loads(json.dumps(content))
        huge["section_card"][0]["caption"] = value
        compiled = compile_scene(scene, huge)
        [too_long] = [d for d in compiled.diagnostics if d.code == "content-too-long"]
        assert f"{len(value):,} characters" in too_long.message and too_long.severity is Severity.WARNING
        assert_safe_render(compiled.svg)
        assert len(compiled.svg) < plain + 4 * MAX_SLOT_CHARS    # cut, not a megabyte of SVG


def test_control_characters_are_dropped_and_the_rest_rendered():
    scene, content = SCENES["pipeline_lane"]
    content = json.loads(json.dumps(content))
    content["stage_card"][0]["title"] = CONTROL
    svg = compile_scene(scene, content).svg
    assert_safe_render(svg)
    shown = _texts(svg)
    assert "before" in shown and "after" in shown and "\x00" not in svg and "\x1b" not in svg
    assert cairosvg.svg2png(bytestring=svg.encode("utf-8")).startswith(b"\x89PNG")


@pytest.mark.parametrize("layout", ["table_matrix", "decision_tree"])
def test_right_to_left_text_is_kept_as_written_and_renders(layout):
    scene, content = SCENES[layout]
    content = json.loads(json.dumps(content))
    content["header_band"][0]["headline"] = RTL
    svg = compile_scene(scene, content).svg
    assert_safe_render(svg)
    shown = _texts(svg)
    for word in RTL.split():
        assert word in shown      # bidi controls and all: the renderer orders them, not the compiler
    assert cairosvg.svg2png(bytestring=svg.encode("utf-8")).startswith(b"\x89PNG")


def test_markup_in_content_stays_text():
    scene, content = SCENES["decision_tree"]
    content = json.loads(json.dumps(content))
    content["nodes"]["root"]["title"] = MARKUP
    svg = compile_scene(scene, content).svg
    assert_safe_render(svg)
    assert "<img" not in svg and "<script" not in svg and "&lt;script&gt;" in svg


def test_any_magnitude_draws_a_bar_or_none():
    scene, content = SCENES["comparison_span_chart"]
    for magnitude in (10**400, -(10**400), float("nan"), float("inf"), "12", True, None, 1e-320):
        odd = json.loads(json.dumps(content))
        odd["compare_bar"][0]["magnitude"] = magnitude
        compiled = compile_scene(scene, odd)
        assert compiled.diagnostics == (), magnitude
        assert_safe_render(compiled.svg)


# ---- `ck compile` ---------------------------------------------------------------------------------

def _write_scene(tmp_path: Path, layout: str = "poster_stack") -> Path:
    text, _ = kitchen_sink(layout)
    path = tmp_path / "scene.dsl"
    path.write_text(text)
    return path


@pytest.mark.parametrize("raw, status, said", [
    pytest.param(b'{"header_band": [', 2, r"content.json:1:\d+: invalid JSON", id="syntax"),
    pytest.param(b"[" * 100_000, 2, "nested too deeply", id="deep"),
    pytest.param(b'{"a": ' + b"1" * 5000 + b"}", 2, "4300 digits", id="long-number"),
    pytest.param(b'{"header_band": [{"headline": "\xff\xfe caf\xe9"}]}', 0, "unresolved-ref", id="not-utf8"),
    pytest.param(b"[1, 2, 3]", 0, r"error\[bad-content\]", id="a-list"),
    pytest.param(json.dumps({"footer_note": [{"text": "x" * MEGABYTE}]}).encode(), 0, "content-too-long", id="1MB"),
    pytest.param(json.dumps({"header_band": [{"headline": RTL, "kicker": CONTROL, "subtitle": MARKUP}]}).encode(),
                 0, "unresolved-ref", id="strange"),
])
def test_ck_compile_answers_every_content_file_without_a_traceback(tmp_path, capsys, raw, status, said):
    scene = _write_scene(tmp_path)
    content = tmp_path / "content.json"
    content.write_bytes(raw)
    out = tmp_path / "out.svg"
    assert cli.main(["compile", str(scene), "--content", str(content), "-o", str(out),
                     "--png", str(tmp_path / "out.png")]) == status
    err = capsys.readouterr().err
    assert re.search(said, err), err
    if status == 0:
        assert_safe_render(out.read_text())
        assert (tmp_path / "out.png").read_bytes().startswith(b"\x89PNG")
    else:
        assert not out.exists()


def test_ck_compile_strict_fails_on_missing_content_with_diagnostics(tmp_path, capsys):
    scene = _write_scene(tmp_path)
    (tmp_path / "content.json").write_text("{}")
    assert cli.main(["compile", str(scene), "--strict", "-o", str(tmp_path / "out.svg")]) == 1
    err = capsys.readouterr().err
    assert "content.json:" in err and "unresolved-ref" in err and not (tmp_path / "out.svg").exists()
