"""The clean-text reader (parse.read_clean) against lark's recovering parse: whatever it accepts,
it reads exactly as the parser does, positions included (the model's equality ignores them, so
they are compared here field by field); whatever needs a repair it leaves to the parser."""
from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from test_fuzz_dsl import FUZZ, mutated_gold, token_soups

from engine.dsl import load
from engine.dsl.model import Component
from engine.dsl.parse import Block, parse_recovering, read_clean

ROOT = Path(__file__).resolve().parents[1]
SCENES = sorted(p for d in ("gold", "tests/golden", "tests/v1_scenes") for p in (ROOT / d).rglob("*.dsl"))


def spelled(x):
    """Everything an entry holds, positions too, as plain tuples."""
    if isinstance(x, list | tuple):
        return [spelled(i) for i in x]
    if isinstance(x, Block):
        return ("block", spelled(x.component), x.close_name, x.close_line, x.close_col, spelled(x.children))
    if isinstance(x, Component):
        return (x.name, spelled(x.attrs), spelled(x.topo), spelled(x.refs), spelled(x.children), x.line, x.col)
    return (type(x).__name__, *(getattr(x, f) for f in x.__slots__))


def assert_reads_as_the_parser(text: str) -> None:
    clean = read_clean(text)
    if clean is None:
        return
    parsed = parse_recovering(text)
    assert parsed.diagnostics == []
    assert spelled(clean) == spelled(parsed.entries)


def test_every_stored_scene_is_clean_and_read_as_the_parser_reads_it():
    assert len(SCENES) > 40
    for path in SCENES:
        text = path.read_text()
        assert read_clean(text) is not None, path
        assert_reads_as_the_parser(text)


@pytest.mark.parametrize("text", [
    "[layout:table_matrix][scene][/scene]",                 # before [scene]
    "[scene][/scene][a]",                                   # after [/scene]
    "[scene][/scene][scene][/scene]",
    "[scene][panel][/group][/scene]",                       # closed by another name
    "[scene][panel][/scene]",                               # never closed
    "[scene][text_ref:a.b][/scene]",                        # a ref outside any block
    "[scene][node_id:a][/scene]",
    "[scene] stray [/scene]",
    "[scene][layout:x y][/scene]",                          # a malformed token
    "[scene]" + "[panel]" * 40 + "[/panel]" * 40 + "[/scene]",   # deeper than any scene may nest
    "[scene]",
    "",
])
def test_text_that_needs_a_repair_is_left_to_the_parser(text):
    assert read_clean(text) is None
    assert load(text).diagnostics   # and the parser (or validation) says what is wrong


def test_positions_count_lines_and_columns_as_lark_does():
    text = "\n\n  [scene]\r\n\t[layout:table_matrix]  [panel]\n\n   [text_line:@a.b]\n[/panel]\n[/scene]\n"
    assert_reads_as_the_parser(text)
    panel = read_clean(text)[1]
    assert (panel.component.line, panel.component.col, panel.close_line, panel.close_col) == (4, 25, 7, 1)


@FUZZ
@given(token_soups())
def test_token_soups_read_clean_only_as_the_parser_reads_them(text):
    assert_reads_as_the_parser(text)


@FUZZ
@given(mutated_gold())
def test_mutated_gold_reads_clean_only_as_the_parser_reads_it(case):
    assert_reads_as_the_parser(case[0])
