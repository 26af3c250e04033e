"""Compiler behaviour: determinism, escaping, ids, placeholders, and that every attribute shows."""
from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
import xml.dom.minidom
from pathlib import Path

import cairosvg
import numpy as np
import pytest
from PIL import Image

from engine.compiler import compile_scene
from engine.diagnostics import DiagnosticError
from engine.dsl import canonicalize, load, vocab
from engine.dsl.model import Attr, Scene
from engine.paths import RESOURCES
from hypothesis import given, settings

from scenes import kitchen_sink, scene_text, scenes

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = ROOT / "tests" / "golden"


def _scene(text: str) -> Scene:
    doc = load(text)
    assert not doc.errors, [d.format() for d in doc.errors]
    return doc.scene


def _with(scene: Scene, key: str, value: str) -> Scene:
    return Scene(tuple(Attr(a.key, value if a.key == key else a.value) for a in scene.attrs), scene.components)


def _pixels(svg: str) -> np.ndarray:
    png = cairosvg.svg2png(bytestring=svg.encode(), output_width=400, background_color="white")
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB"), dtype=np.int16)


def _visibly_different(a: str, b: str) -> bool:
    pa, pb = _pixels(a), _pixels(b)
    if pa.shape != pb.shape:
        return True
    return int((np.abs(pa - pb).sum(axis=2) > 24).sum()) >= 20  # at least 20 pixels changed


@pytest.mark.parametrize("layout", vocab.LAYOUTS)
def test_compile_is_deterministic_and_valid_xml(layout):
    text, content = kitchen_sink(layout)
    scene = _scene(text)
    first = compile_scene(scene, content, strict=True).svg
    assert compile_scene(_scene(text), dict(reversed(list(content.items()))), strict=True).svg == first
    dom = xml.dom.minidom.parseString(first)
    root = dom.documentElement
    assert root.tagName == "svg" and root.getAttribute("version") == "1.1"


@pytest.mark.parametrize("key", [k for k in vocab.TOP_LEVEL_KEYS])
def test_every_top_level_value_changes_the_picture(key):
    """Each value of each attribute renders visibly differently from the family default."""
    for layout in vocab.LAYOUTS:
        text, content = kitchen_sink(layout)
        base = _scene(text)
        base_svg = compile_scene(base, content).svg
        values = vocab.TOP_LEVEL_VALUES.get(key, ("another_topic",))
        for value in values:
            if value == base.attr(key):
                continue
            if key == "density" and {value, base.attr(key)} == {"fit", "compact"}:
                continue   # one spacing: fit differs only on a page that overflows (tests/test_fit.py)
            svg = compile_scene(_with(base, key, value), content).svg
            assert _visibly_different(base_svg, svg), f"{layout}: [{key}:{value}] looks like [{key}:{base.attr(key)}]"


def test_a_theme_added_to_themes_toml_alone_is_valid_in_the_dsl_and_drawn_by_the_compiler(tmp_path):
    """Themes are declared once: a new table in themes.toml is a DSL value, a palette the compiler
    draws, and a reserved token, with no other file touched (run in a fresh interpreter whose
    resources folder holds the extended file)."""
    themes = (RESOURCES / "themes.toml").read_text()
    infra = themes[themes.index("[infra_dark]"):themes.index("[paper_editorial]")]
    (tmp_path / "themes.toml").write_text(themes + "\n" + infra.replace("infra_dark", "deep_sea")
                                          .replace('background = "#0f1724"', 'background = "#012345"'))
    script = f"""
import json
from pathlib import Path
import engine.paths
engine.paths.RESOURCES = Path({str(tmp_path)!r})
from engine.compiler import compile_scene
from engine.dsl import load
from engine.dsl.vocab import TOP_LEVEL_VALUES
from engine.tokenizer.vocabulary import reserved_tokens
golden = Path({str(GOLDEN / "poster_stack")!r})
doc = load((golden / "scene.dsl").read_text().replace("[theme:infra_dark]", "[theme:deep_sea]"))
svg = compile_scene(doc.scene, json.loads((golden / "content.json").read_text()), strict=True).svg
print(json.dumps({{"themes": TOP_LEVEL_VALUES["theme"], "errors": [d.format() for d in doc.errors],
                   "theme": doc.scene.attr("theme"), "drawn": "#012345" in svg,
                   "reserved": "[theme:deep_sea]" in reserved_tokens()}}))
"""
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True,
                          env={**os.environ, "PYTHONPATH": str(ROOT)}, cwd=ROOT)
    assert json.loads(done.stdout) == {"themes": [*vocab.THEMES, "deep_sea"],
                                       "errors": [], "theme": "deep_sea", "drawn": True, "reserved": True}


# Attributes that act on a figure the poster kitchen sink does not draw: a lane that turns into a
# short second row, a column chart, bodies with height to spare; tested where they act.
ELSEWHERE = {
    "role": "tests/test_flow.py (phase, result, stamp), tests/test_bars.py (column titles)",
    "place": "tests/test_flow.py (beside a lane's short row), tests/test_bars.py (beside the chart)",
    "valign": "tests/test_choices.py (a caption in a stage body with room to spare)",
    "span_bracket.rule": "tests/test_chart_marks.py (a run after the bracket's)",
    # the lane's heads share the tallest one's height, and the kitchen sink's one flow_arrow is a
    # back-edge, which has no gap to lengthen
    "head": "tests/test_lane_head_length.py (every stage of a lane slim)",
    "length": "tests/test_lane_head_length.py (a flow_arrow between two stages)",
    "well": "tests/test_wave3_vocab.py (a run of code lines)",
    # the kitchen sink's two rows both carry a state, whose tint a row keeps whatever `rows` says
    "table_header.rows": "tests/test_wave7_vocab.py (a table of four plain rows)",
}


def _component_variants():
    for name, spec in vocab.COMPONENTS.items():
        if spec.container or name == "link" or name in vocab.HELD_BY:
            continue   # containers and links: tests/test_containers.py; a chart's parts: tests/test_chart.py
        for key, values in spec.attrs.items():
            if key not in ELSEWHERE and f"{name}.{key}" not in ELSEWHERE:
                yield name, key, values


@pytest.mark.parametrize("name,key,values", list(_component_variants()),
                         ids=[f"{n}.{k}" for n, k, _ in _component_variants()])
def test_every_component_attribute_changes_the_picture(name, key, values):
    text, content = kitchen_sink("poster_stack")
    base = _scene(text)
    target = next(i for i, c in enumerate(base.components) if c.name == name)
    renders = {}
    for value in values:
        comps = list(base.components)
        c = comps[target]
        attrs = tuple(a for a in c.attrs if a.key != key) + (Attr(key, value),)
        comps[target] = type(c)(c.name, attrs, c.topo, c.refs)
        renders[value] = compile_scene(Scene(base.attrs, tuple(comps)), content).svg
    values = list(values)
    for a, b in zip(values, values[1:]):
        assert _visibly_different(renders[a], renders[b]), f"[{name}] {key}:{a} looks like {key}:{b}"


HOSTILE = ["<script>alert(1)</script>", "]]>", '"/><image href="x" onerror="alert(1)"/>',
           "&amp; &lt; &#x3c;", "\x00\x07 control \x1b chars"]


@pytest.mark.parametrize("value", HOSTILE)
def test_content_is_text_never_markup(value):
    text, content = kitchen_sink("poster_stack")
    content["section_card"][0]["title"] = value
    content["header_band"][0]["headline"] = value
    svg = compile_scene(_scene(text), content).svg
    dom = xml.dom.minidom.parseString(svg)
    assert not dom.getElementsByTagName("script") and not dom.getElementsByTagName("image")
    texts = ["".join(n.data for n in t.childNodes) for t in dom.getElementsByTagName("text")]
    visible = re.sub("[\x00-\x08\x0b\x0c\x0e-\x1f]", "", value)
    assert any(visible.split()[0] in t for t in texts)


def test_unresolved_refs_are_diagnosed_and_shown():
    text, content = kitchen_sink("poster_stack")
    del content["section_card"][1]
    content["badge_pill"][0]["text"] = ["not", "text"]
    compiled = compile_scene(_scene(text), content)
    codes = [d.code for d in compiled.diagnostics]
    assert codes.count("unresolved-ref") == 4  # three fields of the missing card, one bad type
    assert "\u2039section_card.1.title\u203a" in compiled.svg
    with pytest.raises(DiagnosticError):
        compile_scene(_scene(text), content, strict=True)


def test_defs_ids_do_not_collide_across_scenes():
    text, content = kitchen_sink("poster_stack")
    a = compile_scene(_scene(text), content).svg
    content["header_band"][0]["headline"] = "Another headline"
    b = compile_scene(_scene(text), content).svg
    ids_a = set(re.findall(r'id="([^"]+)"', a))
    ids_b = set(re.findall(r'id="([^"]+)"', b))
    assert ids_a and ids_b and not ids_a & ids_b
    for svg, ids in ((a, ids_a), (b, ids_b)):  # every reference points at a def of the same scene
        assert set(re.findall(r"url\(#([^)]+)\)", svg)) <= ids


def test_non_object_content_is_a_diagnostic():
    text, _ = kitchen_sink("poster_stack")
    compiled = compile_scene(_scene(text), ["not", "an", "object"])
    assert compiled.diagnostics[0].code == "bad-content"


def test_long_paragraph_grows_the_card_and_long_words_break():
    base = scene_text("[section_card:@section_card.0.title|@section_card.0.value|@section_card.0.caption]\n")
    short = {"section_card": [{"title": "T", "value": "1", "caption": "short"}]}
    long = {"section_card": [{"title": "T", "value": "1", "caption": "word " * 120 + "x" * 300}]}
    from layout_checks import assert_text_inside, rects

    def card_height(content):
        layout = compile_scene(_scene(base), content).layout
        assert_text_inside(layout, {"section_card"})
        return rects(layout, {"section_card"})[0].h

    assert card_height(long) > card_height(short) + 60


def test_qt_renders_the_compiled_svg(qapp):
    from qtpy.QtGui import QImage, QPainter
    from qtpy.QtSvg import QSvgRenderer

    text, content = kitchen_sink("decision_tree")
    svg = compile_scene(_scene(text), content).svg
    renderer = QSvgRenderer(svg.encode())
    assert renderer.isValid()
    image = QImage(400, 600, QImage.Format.Format_ARGB32)
    image.fill(0xFFFFFFFF)
    painter = QPainter(image)
    renderer.render(painter)
    painter.end()
    colours = {image.pixel(x, y) for x in range(0, 400, 7) for y in range(0, 600, 7)}
    assert len(colours) > 20


CARD_ROLES = {"section_card", "callout_card", "thesis_box"}


@pytest.mark.parametrize("layout", ["poster_stack", "dashboard_cards", "comparison_span_chart"])
@pytest.mark.parametrize("columns", ["1", "2", "4"])
@pytest.mark.parametrize("count", [1, 5, 12])
def test_one_to_twelve_cards_never_overlap_or_spill(layout, columns, count):
    from layout_checks import assert_no_overlap, assert_text_inside, compile_resolved

    kinds = ["section_card", "callout_card", "thesis_box"]
    body, content = "", {"header_band": [{"kicker": "K", "headline": "Cards", "subtitle": "as many as a person writes"}]}
    for i in range(count):
        kind = kinds[i % 3]
        j = len(content.setdefault(kind, []))
        if kind == "section_card":
            content[kind].append({"title": f"Card {i} with a longer title", "value": f"{i * 37} GB",
                                  "caption": "A caption long enough to wrap over two or three lines "
                                             "inside a narrow card " + "word " * (i % 4) * 8})
            body += f"[section_card:@section_card.{j}.title|@section_card.{j}.value|@section_card.{j}.caption]\n"
        else:
            content[kind].append({"title": f"Note {i}", "text": "Supercalifragilistic" * 3 + " and more text " * (i % 5)})
            body += f"[{kind}:@{kind}.{j}.title|@{kind}.{j}.text]\n"
    text = scene_text(body, layout=layout).replace(f"[layout:{layout}]", f"[layout:{layout}]\n[columns:{columns}]")
    layout_ = compile_resolved(_scene(text), content).layout
    assert len([s for s in layout_.shapes if getattr(s, "role", "") in CARD_ROLES and type(s).__name__ == "Rect"]) >= count
    assert_no_overlap(layout_, CARD_ROLES)
    assert_text_inside(layout_, CARD_ROLES)


@settings(max_examples=60, deadline=None)
@given(scenes())
def test_any_valid_scene_compiles_to_well_formed_svg(scene):

    canonical, _ = canonicalize(scene)
    svg = compile_scene(canonical, {}).svg  # no content: every slot is a visible placeholder
    root = xml.dom.minidom.parseString(svg).documentElement
    assert root.tagName == "svg" and float(root.getAttribute("height")) > 0
