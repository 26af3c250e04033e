"""Scene DSL: parsing, diagnostics with positions, canonical form, round trips."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.dsl import canonicalize, load, parse, serialize
from engine.dsl.model import Scene
from scenes import HEADER, scene_text, scenes

SPEC_EXAMPLE = """[scene]
[canvas:tall]
[layout:poster_stack]
[theme:infra_dark]
[tone:green]
[frame:card]
[density:compact]
[inset:md]
[gap:sm]
[hero:center]
[columns:1]
[emphasis:top]
[rail:accent]
[background:rings]
[connector:line]
[topic:memory_reality]
[header_band]
[kicker_ref:header_band.0.kicker]
[headline_ref:header_band.0.headline]
[subtitle_ref:header_band.0.subtitle]
[/header_band]
[section_card]
[variant:hero]
[accent:amber]
[title_ref:section_card.0.title]
[value_ref:section_card.0.value]
[caption_ref:section_card.0.caption]
[/section_card]
[/scene]
"""


def test_spec_example_is_canonical_and_clean():
    doc = load(SPEC_EXAMPLE)
    assert doc.diagnostics == ()
    assert serialize(doc.scene) == SPEC_EXAMPLE


def test_compact_form_canonicalizes_to_the_block_form():
    compact = SPEC_EXAMPLE.replace(SPEC_EXAMPLE[SPEC_EXAMPLE.index("[section_card]"):SPEC_EXAMPLE.index("[/scene]")],
        "[section_card:@section_card.0.title|@section_card.0.value|@section_card.0.caption|variant=hero|accent=amber]\n")
    assert "[section_card:" in compact
    doc = load(compact)
    assert doc.diagnostics == ()
    assert serialize(doc.scene) == SPEC_EXAMPLE


def test_compact_topology_and_named_fields():
    text = scene_text("[decision_node:@nodes.start.title|node_id=start|variant=root]\n"
                      "[table_row:@table_row.0.column_1|@table_row.0.note|@table_row.0.column_2]\n",
                      layout="decision_tree")
    doc = load(text)
    node, row = doc.scene.components[1:]
    assert node.topo_id("node_id") == "start" and node.attr("variant") == "root"
    assert node.ref("title").path == "nodes.start.title"
    # a path that ends in a field binds to that field; the rest fill positions in order
    assert [r.field for r in row.refs] == ["column_1", "column_2", "note"]


def test_missing_attributes_get_family_defaults():
    doc = load("[scene]\n[layout:pipeline_lane]\n" + HEADER + "[/scene]")
    scene = doc.scene
    assert len(scene.attrs) == 15
    assert scene.attr("connector") == "arrow"
    assert scene.attr("theme") == "infra_dark"


def test_top_level_attributes_are_reordered():
    doc = load("[scene]\n[topic:t]\n[theme:signal_glow]\n[layout:poster_stack]\n" + HEADER + "[/scene]")
    keys = [a.key for a in doc.scene.attrs]
    assert keys[:4] == ["canvas", "layout", "theme", "tone"] and keys[-1] == "topic"
    assert doc.scene.attr("theme") == "signal_glow"


def test_items_are_reordered_attributes_before_refs():
    text = scene_text("[section_card]\n[caption_ref:section_card.0.caption]\n[accent:red]\n"
                      "[title_ref:section_card.0.title]\n[variant:note]\n[/section_card]\n")
    out = serialize(load(text).scene)
    block = out[out.index("[section_card]"):]
    assert block.split("\n")[:5] == ["[section_card]", "[variant:note]", "[accent:red]",
                                     "[title_ref:section_card.0.title]", "[caption_ref:section_card.0.caption]"]


# d2-style table: input fragment, then the (line, col, code) each problem must be reported at.
ERRORS = [
    ("[scene]\n[layout:poster_stack]\n[thme:infra_dark]\n[/scene]", [(3, 1, "unknown-key")]),
    ("[scene]\n[layout:poster_stack]\n[theme:infra_drak]\n[/scene]", [(3, 1, "unknown-value")]),
    ("[scene]\n[layout:poster_stack]\n[sektion_card]\n[/sektion_card]\n[/scene]", [(3, 1, "unknown-component")]),
    ("[scene]\n[layout:poster_stack]\n[section_card]\n[title_ref:section_card.0.title]\n[/scene]",
     [(3, 1, "unclosed-block")]),
    ("[scene]\n[layout:poster_stack]\n[section_card]\n[/callout_card]\n[/scene]", [(4, 1, "mismatched-block")]),
    ("[scene]\n[layout:poster_stack]\n[theme:infra_dark]\n[theme:paper_editorial]\n[/scene]",
     [(4, 1, "duplicate-attribute")]),
    ("[scene]\n[layout:poster_stack]\n", [(3, 1, "missing-scene-end")]),
    ("[scene]\n[layout:poster_stack]\n[section_card]\n[title_ref:section_card.x.title]\n[/section_card]\n[/scene]",
     [(4, 1, "bad-ref-path")]),
    ("[scene]\n[layout:poster_stack]\n[section_card]\n[title_ref:sektion_card.0.title]\n[/section_card]\n[/scene]",
     [(4, 1, "bad-ref-path")]),
    ("[scene]\n[layout:poster_stack]\nhello\n[/scene]", [(3, 1, "stray-text")]),
    ("[scene]\n[layout:poster_stack]\n[/scene]\n[gap:sm]", [(4, 1, "text-after-scene")]),
    ("[layout:poster_stack]\n[/scene]", [(1, 1, "missing-scene-start")]),
    ("[scene]\n[layout:poster_stack]\n[section_card]\n[colour:red]\n[/section_card]\n[/scene]",
     [(4, 1, "unknown-attribute")]),
    ("[scene]\n[layout:poster_stack]\n[section_card]\n[headline_ref:section_card.0.title]\n[/section_card]\n[/scene]",
     [(4, 1, "unknown-field")]),
    ("[scene]\n[layout:poster_stack]\n[title_ref:section_card.0.title]\n[/scene]", [(3, 1, "ref-outside-component")]),
    ("[scene]\n[layout:poster_stack]\n[/section_card]\n[/scene]", [(3, 1, "unopened-block")]),
    ("[scene]\n[layout:decision_tree]\n[decision_edge]\n[from_ref:a]\n[to_ref:b]\n[/decision_edge]\n[/scene]",
     [(4, 1, "unknown-node"), (5, 1, "unknown-node")]),
    ("[scene]\n[layout:poster_stack]\n[topic:Bad-Topic]\n[/scene]", [(3, 1, "bad-topic")]),
    ("[scene]\n[layout:poster_stack]\n[theme infra_dark]\n[/scene]", [(3, 1, "stray-text")]),
]


@pytest.mark.parametrize("text,expected", ERRORS, ids=[e[1][0][2] for e in ERRORS])
def test_diagnostics_name_the_place_and_problem(text, expected):
    doc = load(text)
    found = [(d.line, d.col, d.code) for d in doc.diagnostics if d.code != "missing-component"]
    assert found == expected, [d.format() for d in doc.diagnostics]


def test_unknown_value_suggests_the_closest():
    doc = load("[scene]\n[layout:poster_stak]\n[/scene]")
    msg = next(d.message for d in doc.diagnostics if d.code == "unknown-value")
    assert "did you mean 'poster_stack'" in msg


def test_many_problems_are_all_reported():
    text = "[scene]\n[thme:x]\n[layout:nope]\n[section_card]\n[colour:red]\n[/callout_card]\njunk\n"
    codes = {d.code for d in load(text).diagnostics}
    assert {"unknown-key", "unknown-value", "unknown-attribute", "mismatched-block", "stray-text",
            "missing-scene-end"} <= codes


def test_recovered_scene_keeps_the_valid_parts():
    doc = load("[scene]\n[layout:table_matrix]\n[theme:bogus]\n" + HEADER + "[table_row]\n[state:warning]\n")
    assert doc.scene.attr("layout") == "table_matrix"
    assert doc.scene.attr("theme") == "infra_dark"  # bogus dropped, default used
    assert [c.name for c in doc.scene.components] == ["header_band", "table_row"]
    assert doc.scene.components[1].attr("state") == "warning"


@pytest.mark.parametrize("junk", ["", "   ", "\x00\xff\xfe", "[" * 500, "]" * 50, "[scene]" * 40,
                                  "[/scene]" * 5, "[a:b|c=d|@e]", "\u202e\u0000[scene]\ud800"])
def test_junk_never_raises(junk):
    doc = load(junk)
    assert doc.diagnostics  # something is always said about junk


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=300))
def test_binary_input_never_raises(data):
    load(data.decode("latin-1"))


@settings(max_examples=200, deadline=None)
@given(scenes())
def test_canonical_round_trip(scene: Scene):
    canonical, _ = canonicalize(scene)
    text = serialize(canonical)
    again, diagnostics = parse(text)
    assert [d for d in diagnostics if d.code not in ("missing-component", "unknown-node", "missing-node-id",
                                                     "duplicate-node-id")] == []
    assert serialize(canonicalize(again)[0]) == text


@settings(max_examples=100, deadline=None)
@given(scenes())
def test_canonicalize_is_idempotent_and_order_free_for_top_attrs(scene: Scene):
    once, _ = canonicalize(scene)
    twice, _ = canonicalize(once)
    assert serialize(once) == serialize(twice)
    reversed_top = Scene(tuple(reversed(scene.attrs)), scene.components)
    assert serialize(canonicalize(reversed_top)[0]) == serialize(once)
