"""No silent overflow: every text the compiler cuts to fit its box is a `text-overflow` warning
that names the component, its index and the field, at the ref's place in the scene; strict
compiling makes it an error; `ck compile` prints it; a scene that fits has none."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from engine.cli import main
from engine.compiler import compile_scene
from engine.compiler.draw import OVERFLOW
from engine.compiler.geometry import Text
from engine.compiler.text import ELLIPSIS
from engine.diagnostics import DiagnosticError, Severity
from engine.dsl.model import walk
from engine.dsl import load
from tests.scenes import scene_text

ROOT = Path(__file__).resolve().parents[1]
WORDS = "a sentence that goes on and on about the budget " * 40
WORD = "x" * 400  # one word no line holds


NODE_IDS = {"stage_card": "s", "decision_node": "n"}  # edges name their ends by these


def block(name: str, index: int, **fields: str) -> str:
    """A component in block form binding `fields` (field -> text) to `name.index.field`."""
    node = f"[node_id:{NODE_IDS[name]}{index}]\n" if name in NODE_IDS else ""
    refs = "".join(f"[{f}_ref:{name}.{index}.{f}]\n" for f in fields)
    return f"[{name}]\n{node}{refs}[/{name}]\n"


def case(layout: str, parts: list[tuple[str, int, dict]], extra: str = ""):
    """(scene text, content) for components given as (name, index, {field: text}), in order."""
    content: dict = {"header_band": [{"kicker": "K", "headline": "Headline", "subtitle": "Sub"}]}
    body = ""
    for name, index, fields in parts:
        body += block(name, index, **fields)
        record = content.setdefault(name, [])
        record.extend({} for _ in range(index + 1 - len(record)))
        record[index].update(fields)
    return scene_text(body + extra, layout=layout), content


def stage(i: int, caption: str = "short") -> tuple[str, int, dict]:
    return ("stage_card", i, {"title": f"Stage {i}", "caption": caption})


# what is cut -> (layout, components): one case per place that cuts a text
CASES = {
    "section_card.0.caption": ("dashboard_cards", [("section_card", 0, {"title": "T", "caption": WORDS})]),
    "section_card.0.tag": ("dashboard_cards", [("section_card", 0, {"title": "T", "tag": WORD})]),
    "callout_card.0.text": ("poster_stack", [("callout_card", 0, {"title": "T", "text": WORDS * 2})]),
    "header_band.1.headline": ("poster_stack", [("section_card", 0, {"title": "T"}),
                                                ("header_band", 1, {"headline": WORDS})]),
    "badge_pill.0.text": ("poster_stack", [("badge_pill", 0, {"text": WORD})]),
    "legend_row.0.label": ("table_matrix", [("table_row", 0, {"column_1": "a", "column_2": "b"}),
                                            ("legend_row", 0, {"label": WORD})]),
    "footer_note.0.text": ("poster_stack", [("footer_note", 0, {"text": WORDS})]),
    "conclusion_strip.0.text": ("poster_stack", [("conclusion_strip", 0, {"text": WORDS})]),
    "stage_card.1.caption": ("pipeline_lane", [stage(0), stage(1, WORDS), stage(2)]),
    "decision_node.0.body": ("decision_tree", [("decision_node", 0, {"title": "T", "body": WORDS})]),
    "table_row.0.column_2": ("table_matrix", [("table_row", 0, {"column_1": "a", "column_2": WORDS})]),
    "table_row.0.tag": ("table_matrix", [("table_row", 0, {"column_1": "a", "column_2": "b", "tag": WORD})]),
    "table_row.0.note": ("table_matrix", [("table_row", 0, {"column_1": "a", "note": WORDS})]),
    "compare_bar.0.label": ("comparison_span_chart", [("compare_bar", 0, {"label": WORDS, "caption": "c"}),
                                                      ("compare_bar", 1, {"label": "b", "caption": "c"})]),
    "compare_bar.0.value": ("comparison_span_chart", [("compare_bar", 0, {"label": "a", "value": WORD,
                                                                          "caption": "c"}),
                                                      ("compare_bar", 1, {"label": "b", "caption": "c"})]),
    # labelled tracks (bars without captions): value and label share the track's one line
    "compare_bar.1.value": ("comparison_span_chart", [("compare_bar", 0, {"label": "a", "value": "1"}),
                                                      ("compare_bar", 1, {"label": "b", "value": WORD})]),
    "compare_bar.1.label": ("comparison_span_chart", [("compare_bar", 0, {"label": "a", "value": "1"}),
                                                      ("compare_bar", 1, {"label": WORD, "value": "2"})]),
    "span_bracket.0.caption": ("comparison_span_chart", [("compare_bar", 0, {"label": "a", "caption": "c"}),
                                                         ("compare_bar", 1, {"label": "b", "caption": "c"}),
                                                         ("span_bracket", 0, {"label": "s", "caption": WORDS})]),
}
EDGES = {
    # a routed edge's label sits on one line in a pill
    "flow_arrow.0.label": ("pipeline_lane", [stage(0), stage(1), stage(2)],
                           ("[flow_arrow]\n[from_ref:s2]\n[to_ref:s0]\n[label_ref:flow_arrow.0.label]\n"
                            "[/flow_arrow]\n"), {"flow_arrow": [{"label": WORD}]}),
    # a branch label has two lines in its pill
    "decision_edge.0.branch_label": ("decision_tree", [("decision_node", 0, {"title": "Root"}),
                                                       ("decision_node", 1, {"title": "Leaf"})],
                                     ("[decision_edge]\n[from_ref:n0]\n[to_ref:n1]\n"
                                      "[branch_label_ref:decision_edge.0.branch_label]\n[/decision_edge]\n"),
                                     {"decision_edge": [{"branch_label": WORDS}]}),
}


def build(where: str):
    if where in CASES:
        layout, parts = CASES[where]
        text, content = case(layout, parts)
    else:
        layout, parts, extra, more = EDGES[where]
        text, content = case(layout, parts, extra)
        content.update(more)
    doc = load(text)
    assert not doc.errors, [d.format() for d in doc.errors]
    return doc.scene, content


def ref_place(scene, where: str) -> tuple[int, int]:
    return next((r.line, r.col) for c in scene.components for r in c.refs if r.path == where)


@pytest.mark.parametrize("where", [*CASES, *EDGES])
def test_a_cut_text_is_a_warning_naming_its_component_and_field(where):
    scene, content = build(where)
    compiled = compile_scene(scene, content)
    cuts = [d for d in compiled.diagnostics if d.code == OVERFLOW]
    assert [d.message.split(":")[0] for d in cuts] == [where]
    d = cuts[0]
    assert d.severity is Severity.WARNING
    assert (d.line, d.col) == ref_place(scene, where)
    assert " text cut to " in d.message or " text cut at " in d.message
    assert compiled.diagnostics == tuple(cuts)  # nothing else is wrong with the scene
    # what was cut is what was drawn: the cut line ends in the ellipsis
    assert any(isinstance(s, Text) and s.cut == d and s.text.endswith(ELLIPSIS) for s in compiled.layout.shapes)


def test_strict_makes_a_cut_an_error():
    scene, content = build("section_card.0.caption")
    with pytest.raises(DiagnosticError) as e:
        compile_scene(scene, content, strict=True)
    [d] = e.value.diagnostics
    assert d.severity is Severity.ERROR and d.code == OVERFLOW
    assert d.message.startswith("section_card.0.caption: text cut to 6 of ")


def test_a_one_line_cut_counts_characters():
    scene, content = build("badge_pill.0.text")
    [d] = compile_scene(scene, content).diagnostics
    kept = int(d.message.split("cut at ")[1].split()[0])
    assert 0 < kept < 400 and d.message.endswith(f"of {len(WORD)} characters")


def test_a_scene_that_fits_has_no_warning():
    scene, content = build("section_card.0.caption")
    content["section_card"][0]["caption"] = "fits on a line"
    assert compile_scene(scene, content, strict=True).diagnostics == ()


def _inflate(node, grow):
    if isinstance(node, dict):
        return {k: _inflate(v, grow) for k, v in node.items()}
    if isinstance(node, list):
        return [_inflate(v, grow) for v in node]
    return grow(node) if isinstance(node, str) else node


ENTRIES = sorted(p.parent for p in [*(ROOT / "tests" / "golden").glob("*/scene.dsl"), *(ROOT / "gold").glob("*/scene.dsl")])


@pytest.mark.parametrize("grow", [lambda s: " ".join([s] * 8), lambda s: s.replace(" ", "") * 6],
                         ids=["many-words", "long-words"])
@pytest.mark.parametrize("entry", ENTRIES, ids=lambda p: p.name)
def test_every_ellipsis_drawn_is_reported(entry, grow):
    """Whatever place cuts a text (now or added later), the line it cut carries the warning."""
    scene = load((entry / "scene.dsl").read_text()).scene
    content = _inflate(json.loads((entry / "content.json").read_text()), grow)
    compiled = compile_scene(scene, content)
    texts = [s for s in compiled.layout.shapes if isinstance(s, Text)]
    assert [t.text for t in texts if t.text.endswith(ELLIPSIS) and t.cut is None] == []
    reported = [d for d in compiled.diagnostics if d.code == OVERFLOW]
    assert set(reported) == {t.cut for t in texts if t.cut} | set(compiled.layout.dropped)
    places = {(r.line, r.col) for v in walk(scene) for r in v.comp.refs}   # nested components too
    assert all((d.line, d.col) in places for d in reported)


def _stacked(tiny: dict) -> tuple:
    """A column chart (emphasis:center) of one run: a tall bar, then a bar of magnitude 1 in 200
    whose segment is as short as a segment gets, with the fields `tiny`."""
    text, content = case("comparison_span_chart", [("compare_bar", 0, {"label": "big", "value": "199"}),
                                                   ("compare_bar", 1, tiny),
                                                   ("span_bracket", 0, {"label": "s"})])
    content["compare_bar"][0]["magnitude"] = 199
    content["compare_bar"][1]["magnitude"] = 1
    return load(text.replace("[layout:comparison_span_chart]\n", "[layout:comparison_span_chart]\n[emphasis:center]\n")).scene, content


def test_a_stacked_bar_segment_reports_each_text_it_leaves_out():
    fields = {"label": "small", "value": "1", "caption": "a caption", "note": "a note"}
    scene, content = _stacked(fields)
    compiled = compile_scene(scene, content)
    cuts = [d for d in compiled.diagnostics if d.code == OVERFLOW]
    assert sorted(d.message for d in cuts) == sorted(
        f"compare_bar.1.{f}: text left out: its segment is too short to hold it" for f in fields)
    assert all((d.line, d.col) == ref_place(scene, d.message.split(":")[0]) for d in cuts)
    drawn = {t.text for t in compiled.layout.shapes if isinstance(t, Text)}
    assert not drawn & set(fields.values()) - {"1"}  # none of them is on the page
    with pytest.raises(DiagnosticError) as e:
        compile_scene(scene, content, strict=True)
    assert {d.severity for d in e.value.diagnostics} == {Severity.ERROR}
    # a segment with room for everything reports nothing
    content["compare_bar"][1]["magnitude"] = 150
    assert compile_scene(scene, content, strict=True).diagnostics == ()


def test_a_branch_label_on_an_edge_that_joins_no_tree_is_reported():
    edges = "".join(f"[decision_edge]\n[from_ref:{a}]\n[to_ref:n1]\n"
                    f"[branch_label_ref:decision_edge.{i}.branch_label]\n[/decision_edge]\n"
                    for i, a in enumerate(("n0", "n2")))
    text, content = case("decision_tree", [("decision_node", 0, {"title": "Root"}),
                                           ("decision_node", 1, {"title": "Leaf"}),
                                           ("decision_node", 2, {"title": "Other"})], edges)
    content["decision_edge"] = [{"branch_label": "yes"}, {"branch_label": "second parent"}]
    scene = load(text).scene
    [d] = [d for d in compile_scene(scene, content).diagnostics if d.code == OVERFLOW]
    assert d.message.startswith("decision_edge.1.branch_label: text left out: its edge joins no tree")
    assert (d.line, d.col) == ref_place(scene, "decision_edge.1.branch_label")


def test_ck_compile_prints_the_warning_at_the_ref_and_strict_exits_1(tmp_path, capsys):
    scene, content = build("section_card.0.caption")
    text, _ = case(*CASES["section_card.0.caption"])
    (tmp_path / "scene.dsl").write_text(text)
    (tmp_path / "content.json").write_text(json.dumps(content))
    line, col = ref_place(scene, "section_card.0.caption")
    assert main(["compile", str(tmp_path / "scene.dsl"), "-o", str(tmp_path / "out.svg")]) == 0
    err = capsys.readouterr().err
    assert f"scene.dsl:{line}:{col}: warning[text-overflow]: section_card.0.caption: text cut to 6 of" in err
    assert main(["compile", "--strict", str(tmp_path / "scene.dsl"), "-o", str(tmp_path / "strict.svg")]) == 1
    err = capsys.readouterr().err
    assert f"scene.dsl:{line}:{col}: error[text-overflow]: section_card.0.caption" in err
    assert not (tmp_path / "strict.svg").exists()
