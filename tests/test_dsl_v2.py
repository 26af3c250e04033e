"""Scene DSL v2, the language (docs/dsl.md "Version 2"): nested containers, the new components and
attributes, their diagnostics, the version in every hash, and `ck fmt --upgrade`."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from scenes import HEADER, nested_scenes, scene_text

from engine.cli import main
from engine.compiler.pipeline import compile_scene
from engine.compiler.resolve import bind
from engine.dsl import (
    DSL_VERSION,
    canonicalize,
    format_text,
    load,
    parse,
    serialize,
    vocab,
    walk,
)
from engine.dsl.lex import spans
from engine.dsl.model import Scene
from engine.dsl.parse import GRAMMAR, grammar_version, parser
from engine.compiler.upgrade import upgrade
from engine.dsl.upgrade import STEPS

ROOT = Path(__file__).resolve().parents[1]
PACK_SCENES = sorted([*(ROOT / "gold").glob("*/scene.dsl"), *(ROOT / "tests" / "golden").glob("*/scene.dsl")])

BODY = (
    "[panel]\n[arrange:grid]\n[cols:2]\n[outline:bold]\n[title_ref:panel.0.title]\n"
    "[section_card]\n[node_id:a]\n[fill:tint]\n[title_ref:section_card.0.title]\n[/section_card]\n"
    "[group]\n[arrange:row]\n"
    "[text_line]\n[style:code]\n[text_ref:text_line.0.text]\n[/text_line]\n"
    "[kv_row]\n[node_id:b]\n[style:mono]\n[label_ref:kv_row.0.label]\n[value_ref:kv_row.0.value]\n[/kv_row]\n"
    "[/group]\n[/panel]\n"
    "[section_card]\n[title_ref:section_card.1.title]\n[/section_card]\n"
    "[link]\n[from_ref:a]\n[to_ref:b]\n[style:dashed]\n[label_ref:link.0.label]\n[/link]\n")
NESTED = scene_text(BODY)


def _codes(text: str) -> list[tuple[int, int, str]]:
    return [(d.line, d.col, d.code) for d in load(text).diagnostics if d.code != "missing-component"]


def _names(comps) -> list:
    return [(c.name, _names(c.children)) if c.children else c.name for c in comps]


# ---- the grammar and its version ------------------------------------------------------------------

def test_the_version_is_the_grammars_first_line():
    assert GRAMMAR.read_text().startswith(f"// version: {DSL_VERSION}\n") and DSL_VERSION == 3
    assert grammar_version("// version: 7\nstart: x\n") == 7
    with pytest.raises(ValueError, match="version: N"):
        grammar_version("start: x\n")


def test_the_grammar_stays_lalr_and_nests_blocks():
    assert parser().options.parser == "lalr"    # lark refuses a grammar with conflicts here
    doc = load(NESTED)
    assert doc.diagnostics == ()
    assert _names(doc.scene.components) == [
        "header_band", ("panel", ["section_card", ("group", ["text_line", "kv_row"])]), "section_card", "link"]


def test_a_nested_scene_is_canonical_one_token_per_line_unindented():
    canonical = format_text(NESTED)
    assert BODY in canonical and format_text(canonical) == canonical
    assert all(re.fullmatch(r"\[[^\[\]\s]+\]", line) for line in canonical.splitlines())


def test_items_come_before_children_and_children_keep_their_order():
    text = scene_text("[panel]\n[badge_pill]\n[/badge_pill]\n[title_ref:panel.0.title]\n[text_line]\n[/text_line]\n"
                      "[accent:red]\n[node_id:p]\n[/panel]\n")
    out = serialize(load(text).scene)
    block = out[out.index("[panel]"):out.index("[/panel]")].split("\n")
    assert block == ["[panel]", "[node_id:p]", "[accent:red]", "[title_ref:panel.0.title]",
                     "[badge_pill]", "[/badge_pill]", "[text_line]", "[/text_line]", ""]


def test_containers_and_defaults_are_consistent_data():
    assert vocab.CONTAINERS[:2] == ("panel", "group") and vocab.MAX_DEPTH == 5
    for name, spec in vocab.COMPONENTS.items():
        assert all(spec.attrs[k] and v in spec.attrs[k] for k, v in spec.defaults.items()), name
        assert not (spec.container and spec.top_level_only), name
    assert [n for n, s in vocab.COMPONENTS.items() if s.top_level_only] == ["header_band", "footer_note"]


def test_compact_form_inside_a_container():
    text = scene_text("[panel]\n[kv_row:@kv_row.0.label|@kv_row.0.value|style=code|node_id=k]\n[/panel]\n")
    doc = load(text)
    assert not doc.diagnostics
    row = doc.scene.components[1].children[0]
    assert (row.name, row.attr("style"), row.topo_id("node_id"), row.ref("value").path) == \
        ("kv_row", "code", "k", "kv_row.0.value")


@settings(max_examples=150, deadline=None)
@given(nested_scenes())
def test_nested_scenes_round_trip_canonical_text_canonical(scene: Scene):
    canonical, _ = canonicalize(scene)
    text = serialize(canonical)
    again, diagnostics = parse(text)
    assert [d for d in diagnostics if d.code not in ("missing-component", "unknown-node", "missing-node-id",
                                                     "duplicate-node-id", "missing-layout")] == []
    assert again == canonical
    assert serialize(canonicalize(again)[0]) == text


@pytest.mark.parametrize("path", PACK_SCENES, ids=[f"{p.parent.parent.name}/{p.parent.name}" for p in PACK_SCENES])
def test_gold_and_golden_scenes_are_upgraded_and_upgrading_is_idempotent(path):
    text = path.read_text()
    assert format_text(text) == text
    once = serialize(upgrade(load(text).scene))
    assert once == text
    assert serialize(upgrade(load(once).scene)) == once


def test_every_version_has_its_upgrade_step():
    assert sorted(STEPS) == list(range(1, DSL_VERSION))


def test_fmt_upgrade_checks_and_writes(tmp_path, capsys):
    scene = tmp_path / "scene.dsl"
    scene.write_text(NESTED.replace("\n", " "))
    assert main(["fmt", "--upgrade", "--check", str(scene)]) == 1
    assert f"not upgraded to DSL v{DSL_VERSION}" in capsys.readouterr().err
    assert main(["fmt", "--upgrade", "--write", str(scene)]) == 0
    assert scene.read_text() == format_text(NESTED)
    assert main(["fmt", "--upgrade", "--check", str(scene)]) == 0


# ---- diagnostics ----------------------------------------------------------------------------------

def _deep(levels: int, leaf: str = "[text_line]\n[/text_line]\n") -> str:
    names = ["panel", "group"] * levels
    return "".join(f"[{n}]\n" for n in names[:levels]) + leaf + "".join(f"[/{n}]\n" for n in reversed(names[:levels]))


V2_ERRORS = [
    # a leaf holds no components: the child is named and dropped
    (scene_text("[section_card]\n[text_line]\n[/text_line]\n[/section_card]\n"), [(9, 1, "not-a-container")]),
    (scene_text("[kv_row]\n[badge_pill:@badge_pill.0.text]\n[/kv_row]\n"), [(9, 1, "not-a-container")]),
    # one container too deep
    (scene_text(_deep(vocab.MAX_DEPTH + 1)), [(7 + vocab.MAX_DEPTH + 1, 1, "too-deep")]),
    # page chrome inside a container
    (scene_text("[panel]\n[footer_note]\n[/footer_note]\n[/panel]\n"), [(9, 1, "top-level-only")]),
    (scene_text("[group]\n" + HEADER + "[/group]\n", header=False), [(4, 1, "top-level-only")]),
    # a link end that names no node_id anywhere in the scene
    (scene_text("[panel]\n[node_id:cache]\n[/panel]\n[link]\n[from_ref:cache]\n[to_ref:cahce]\n[/link]\n"),
     [(13, 1, "unknown-node")]),
    # an unclosed nested block is closed by its container's close, and named
    (scene_text("[panel]\n[section_card]\n[title_ref:section_card.0.title]\n[/panel]\n"),
     [(9, 1, "unclosed-block")]),
    # a close naming no open block closes the innermost, as in v1 (a misspelt close); the
    # container's own close then closes nothing
    (scene_text("[panel]\n[/section_card]\n[/panel]\n"), [(9, 1, "mismatched-block"), (10, 1, "unopened-block")]),
    (scene_text("[panel]\n[/panel]\n[/panel]\n"), [(10, 1, "unopened-block")]),
    # a container never closed
    (scene_text("[panel]\n[text_line]\n[/text_line]\n")[:-len("[/scene]\n")], [(8, 1, "unclosed-block"),
                                                                              (11, 1, "missing-scene-end")]),
]


@pytest.mark.parametrize("text,expected", V2_ERRORS, ids=[f"{e[1][0][2]}-{i}" for i, e in enumerate(V2_ERRORS)])
def test_v2_diagnostics_name_the_place_and_problem(text, expected):
    assert _codes(text) == expected, [d.format() for d in load(text).diagnostics]


def test_v2_messages_say_what_to_do():
    def message(text: str, code: str) -> str:
        return next(d.message for d in load(text).diagnostics if d.code == code)

    assert "did you mean 'cache'" in message(V2_ERRORS[5][0], "unknown-node")
    assert "[panel], [group], [region_stack], [region] and [chart] do; [text_line] is dropped" in message(V2_ERRORS[0][0], "not-a-container")
    assert f"at most {vocab.MAX_DEPTH} deep" in message(V2_ERRORS[2][0], "too-deep")
    assert "belongs to the page, not inside [panel] (line 8)" in message(V2_ERRORS[3][0], "top-level-only")


def test_the_depth_limit_keeps_max_depth_containers_and_drops_the_next():
    ok = load(scene_text(_deep(vocab.MAX_DEPTH)))
    assert not ok.diagnostics
    assert max(v.depth for v in walk(ok.scene)) == vocab.MAX_DEPTH + 1     # the leaf inside
    deep = load(scene_text(_deep(vocab.MAX_DEPTH + 1)))
    assert max(v.depth for v in walk(deep.scene)) == vocab.MAX_DEPTH       # dropped with what it held
    assert [v.comp.name for v in walk(deep.scene)][-1] in vocab.CONTAINERS


def test_what_is_invalid_is_dropped_and_the_rest_kept():
    doc = load(scene_text("[panel]\n[header_band]\n[/header_band]\n[section_card]\n[text_line]\n[/text_line]\n"
                          "[/section_card]\n[text_line]\n[/text_line]\n[/panel]\n"))
    assert _names(doc.scene.components) == ["header_band", ("panel", ["section_card", "text_line"])]
    assert format_text(serialize(doc.scene)) == serialize(doc.scene)


def test_a_leaf_left_open_ends_where_the_next_component_begins():
    # as in v1: the card written after an unclosed card is its sibling, not its child
    doc = load(scene_text("[section_card]\n[title_ref:section_card.0.title]\n"
                          "[section_card]\n[title_ref:section_card.1.title]\n[/section_card]\n"))
    assert _names(doc.scene.components) == ["header_band", "section_card", "section_card"]
    assert [d.code for d in doc.diagnostics] == ["unclosed-block"]


def test_a_close_pairs_with_the_block_it_names():
    # [/panel] closes the unclosed card inside it, then the panel; the card after is the panel's sibling
    doc = load(scene_text("[panel]\n[section_card]\n[/panel]\n[section_card]\n[/section_card]\n"))
    assert _names(doc.scene.components) == ["header_band", ("panel", ["section_card"]), "section_card"]


# ---- content binding, compiler stand-in -------------------------------------------------------------

CONTENT = {"header_band": [{"headline": "H"}], "panel": [{"title": "Panel"}],
           "section_card": [{"title": "inside"}, {"title": "after"}], "text_line": [{"text": "$ make   -j8"}],
           "kv_row": [{"label": "k", "value": "v"}], "link": [{"label": "feeds"}]}


def test_walk_counts_paths_depth_first_and_binding_follows_it():
    visits = list(walk(load(NESTED).scene))
    assert [(v.comp.name, v.index, v.depth, v.path) for v in visits] == [
        ("header_band", 0, 1, (0,)), ("panel", 0, 1, (1,)), ("section_card", 0, 2, (1, 0)),
        ("group", 0, 2, (1, 1)), ("text_line", 0, 3, (1, 1, 0)), ("kv_row", 0, 3, (1, 1, 1)),
        ("section_card", 1, 1, (2,)), ("link", 0, 1, (3,))]
    assert [v.order for v in visits] == list(range(len(visits)))
    assert visits[4].parent.name == "group"
    bound, diagnostics = bind(load(NESTED).scene, CONTENT)
    assert [d.code for d in diagnostics] == ["unresolved-ref", "unresolved-ref"]   # kicker, subtitle
    texts = {(b.name, b.index): {f: s.text for f, s in b.slots.items()} for b in bound}
    assert texts[("section_card", 0)] == {"title": "inside"} and texts[("section_card", 1)] == {"title": "after"}
    assert texts[("text_line", 0)] == {"text": "$ make   -j8"} and texts[("kv_row", 0)]["value"] == "v"
    assert [b.depth for b in bound] == [v.depth for v in visits]


def test_the_compiler_draws_every_nested_component():
    compiled = compile_scene(load(NESTED).scene, CONTENT)
    assert not [d for d in compiled.diagnostics if d.code == "not-drawn"]
    for text in ("after", "inside", "Panel", "make"):
        assert text in compiled.svg


def test_portrait_canvas_and_neutral_dark_theme_compile():
    doc = load(NESTED.replace("[layout:", "[canvas:portrait]\n[theme:neutral_dark]\n[layout:"))
    assert not doc.errors
    svg = compile_scene(doc.scene, CONTENT).svg
    assert 'width="1000"' in svg and "#1a1a1a" in svg


# ---- lexer and tokenizer ----------------------------------------------------------------------------

def test_lexer_spans_cover_every_token_of_a_nested_scene():
    covered = [False] * len(NESTED)
    for s, e, _ in spans(NESTED):
        covered[s:e] = [True] * (e - s)
    assert all(covered[i] for i, c in enumerate(NESTED) if not c.isspace())


def test_the_tokenizer_reserves_the_v2_structure_and_round_trips_a_nested_scene():
    from engine.tokenizer import build_tokenizer
    from engine.tokenizer.vocabulary import reserved_tokens

    reserved = set(reserved_tokens())
    assert {"[panel]", "[/panel]", "[group]", "[/group]", "[text_line]", "[/kv_row]", "[link]", "[cols:4]",
            "[style:code]", "[outline:bold]", "[fill:tint]", "[rule:gradient]", "[route:elbow]",
            "[canvas:portrait]", "[theme:neutral_dark]", "[label_ref:"} <= reserved
    tok = build_tokenizer([])
    ids = tok.encode(NESTED)
    assert tok.decode(ids) == NESTED and not tok.unknown_pieces(NESTED)
    structural = [t for t in tok.tokens(NESTED) if t.startswith("[") and t not in ("[",)]
    assert all(t in reserved for t in structural)


def test_the_dsl_version_is_in_the_tokenizer_hash_and_file(tmp_path, monkeypatch):
    from engine.fileio import InputError
    from engine.tokenizer import Tokenizer, build_tokenizer
    from engine.tokenizer import tokenizer as module

    tok = build_tokenizer([])
    path = tmp_path / "tok.json"
    tok.save(path)
    assert json.loads(path.read_text())["dsl_version"] == DSL_VERSION
    monkeypatch.setattr(module, "DSL_VERSION", DSL_VERSION + 1)
    assert Tokenizer(tok.vocab).hash != tok.hash        # same vocabulary, another DSL: another tokenizer
    with pytest.raises(InputError, match=f"scene DSL v{DSL_VERSION}, this engine writes DSL v{DSL_VERSION + 1}"):
        Tokenizer.load(path)
    monkeypatch.undo()
    doc = json.loads(path.read_text())
    del doc["dsl_version"]                               # a file from before the DSL had versions
    path.write_text(json.dumps(doc))
    with pytest.raises(InputError, match="a tokenizer of scene DSL v1"):
        Tokenizer.load(path)


def test_the_dsl_version_is_in_the_run_hashes_and_the_dataset_manifest(tmp_path):
    from engine.data.build import dataset_meta
    from engine.data.rows import MANIFEST, read_manifest, write_dataset
    from engine.data.spec import load_spec
    from engine.fileio import InputError
    from engine.runs.hashes import code_hashes

    hashes = code_hashes()
    assert hashes["dsl_version"] == str(DSL_VERSION) and len(hashes["grammar"]) == 64
    meta = dataset_meta(load_spec(ROOT / "specs" / "spec01.toml"), [])
    assert meta["dsl_version"] == DSL_VERSION
    write_dataset([], tmp_path, meta)
    assert read_manifest(tmp_path)["dsl_version"] == DSL_VERSION
    manifest = json.loads((tmp_path / MANIFEST).read_text())
    del manifest["dsl_version"]                          # built before the DSL had versions
    (tmp_path / MANIFEST).write_text(json.dumps(manifest))
    with pytest.raises(InputError, match=f"a dataset of scene DSL v1, this engine reads DSL v{DSL_VERSION}"):
        read_manifest(tmp_path)


def test_the_run_report_shows_the_dsl_version_beside_the_grammar(tmp_path):
    from engine.report.context import fingerprint

    assert fingerprint(tmp_path, {"dsl_version": "2", "grammar": "ab" * 32})["dsl"] == "v2 " + "ab" * 6
    assert fingerprint(tmp_path, {"grammar": "ab" * 32})["dsl"] == "ab" * 6     # a v1 run recorded none


# ---- constrained decoding speaks v2 -------------------------------------------------------------------

def test_the_decode_grammar_accepts_nesting_and_refuses_what_validation_drops():
    from engine.probe.constrain import automaton_for
    from engine.tokenizer import build_tokenizer

    tok = build_tokenizer([NESTED])
    automaton = automaton_for(tok)
    canonical = format_text(NESTED)
    assert automaton.accepts_text(tok.encode(canonical.rstrip("\n")))
    deep = format_text(scene_text(_deep(vocab.MAX_DEPTH)))
    assert automaton.accepts_text(tok.encode(deep.rstrip("\n")))
    too_deep = deep.replace("[text_line]\n[/text_line]\n", "[panel]\n[/panel]\n")
    chrome_inside = canonical.replace("[/panel]\n", "[footer_note]\n[/footer_note]\n[/panel]\n")
    leaf_holding = canonical.replace("[/kv_row]\n", "[text_line]\n[/text_line]\n[/kv_row]\n")
    for bad in (too_deep, chrome_inside, leaf_holding):
        assert load(bad).errors
        assert not automaton.accepts_text(tok.encode(bad.rstrip("\n")))
