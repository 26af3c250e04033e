"""The grammar's own lexer (scene.lark), alone: the tokens of any text with their positions, and
the (start, end, kind) spans an editor highlights. No Qt: the studio's two editor backends style
what this yields.

Kinds are the grammar's names. A token's brackets and name carry its terminal (SCENE_OPEN,
SCENE_CLOSE, BLOCK_OPEN, BLOCK_CLOSE, ATTR, REF, TOPO, COMPACT); the payload after its ':' carries
the named pattern the grammar matches there (_VALUE, _PATH, or one _CELL per '|'-separated cell).
Text the lexer cannot read (a half-typed token, stray words) gets no span: it is skipped the way
the parser's recovery skips it (parse.py), so no text, however broken, raises.

    >>> list(spans("[theme:infra_dark] [lay"))
    [(0, 7, 'ATTR'), (7, 17, '_VALUE'), (17, 18, 'ATTR')]
"""
from __future__ import annotations

from collections.abc import Iterator

from engine.dsl.parse import lex, parser

# What follows the ':' of each key:value terminal, by the grammar's names for it.
PAYLOADS: dict[str, str] = {"ATTR": "_VALUE", "TOPO": "_VALUE", "REF": "_PATH", "COMPACT": "_CELL"}


def kinds() -> tuple[str, ...]:
    """Every kind spans() can yield: the grammar's terminals, then the payload patterns."""
    grammar = parser()
    terminals = [t.name for t in grammar.terminals if t.name not in grammar.ignore_tokens]
    return tuple(dict.fromkeys([*terminals, *PAYLOADS.values()]))


def tokens(text: str) -> Iterator[tuple[int, int, str]]:
    """(start, end, terminal) of each token the grammar reads in `text`, stray text skipped."""
    for tok in lex(text):
        yield tok.start_pos, tok.end_pos, tok.type


def spans(text: str) -> Iterator[tuple[int, int, str]]:
    """(start, end, kind) of each part of each token, in order; see the module's docstring."""
    for start, end, terminal in tokens(text):
        payload = PAYLOADS.get(terminal)
        if payload is None:
            yield start, end, terminal
            continue
        at = text.index(":", start) + 1
        yield start, at, terminal
        for i, cell in enumerate(text[at:end - 1].split("|")):
            if i:
                yield at, at + 1, terminal
                at += 1
            yield at, at + len(cell), payload
            at += len(cell)
        yield end - 1, end, terminal

