"""The grammar's lexer alone (engine/dsl/lex.py): the spans an editor highlights, for valid text
and for any text at all (a half-typed token, stray words, binary junk) without an exception."""
from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_fuzz_dsl import token_soups

from engine.dsl.lex import kinds, spans, tokens
from engine.dsl.parse import parser

ROOT = Path(__file__).resolve().parents[1]
GOLD = sorted((ROOT / "gold").glob("*/scene.dsl"))


@pytest.mark.parametrize("text, expected", [
    ("[scene]", [("[scene]", "SCENE_OPEN")]),
    ("[/scene]", [("[/scene]", "SCENE_CLOSE")]),
    ("[theme:infra_dark]", [("[theme:", "ATTR"), ("infra_dark", "_VALUE"), ("]", "ATTR")]),
    ("[header_band] [/header_band]", [("[header_band]", "BLOCK_OPEN"), ("[/header_band]", "BLOCK_CLOSE")]),
    ("[title_ref:nodes.a.title]", [("[title_ref:", "REF"), ("nodes.a.title", "_PATH"), ("]", "REF")]),
    ("[from_ref:parse]", [("[from_ref:", "TOPO"), ("parse", "_VALUE"), ("]", "TOPO")]),
    ("[stage_card:@a.0.title|accent=blue]", [("[stage_card:", "COMPACT"), ("@a.0.title", "_CELL"),
                                              ("|", "COMPACT"), ("accent=blue", "_CELL"), ("]", "COMPACT")]),
    # a half-typed token, stray words and a malformed token get no span; what follows does
    ("[scene]\n[theme:inf", [("[scene]", "SCENE_OPEN")]),
    ("oops [tone:a b] [tone:red]", [("[tone:", "ATTR"), ("red", "_VALUE"), ("]", "ATTR")]),
    ("", []),
])
def test_spans_name_the_grammar_terminal_and_its_payload(text, expected):
    assert [(text[s:e], kind) for s, e, kind in spans(text)] == expected


def test_the_kinds_are_the_parser_terminals_and_payload_patterns():
    terminals = {t.name for t in parser().terminals} - set(parser().ignore_tokens)
    assert set(kinds()) == terminals | {"_VALUE", "_PATH", "_CELL"}


@pytest.mark.parametrize("path", GOLD, ids=[p.parent.name for p in GOLD])
def test_every_character_of_a_gold_scene_is_in_a_span(path):
    text = path.read_text()
    covered = [False] * len(text)
    for s, e, _ in spans(text):
        covered[s:e] = [True] * (e - s)
    assert all(covered[i] for i, c in enumerate(text) if not c.isspace())


@settings(max_examples=150, deadline=None)
@given(st.one_of(token_soups(), st.text(max_size=200),
                 st.binary(max_size=200).map(lambda b: b.decode("utf-8", "replace"))))
def test_any_text_lexes_into_ordered_spans_without_an_exception(text):
    at, known = 0, set(kinds())
    for s, e, kind in spans(text):
        assert at <= s < e <= len(text) and kind in known
        at = e
    assert all(text[s] == "[" and text[e - 1] == "]" for s, e, _ in tokens(text))
