"""The decode grammar: the canonical scene DSL over the tokenizer's pieces, as a lark LALR grammar.

engine/dsl/scene.lark reads any bracketed token and checks names and values afterwards
(engine/dsl/validate.py), so a text it accepts can still be unrenderable (`[layout:foo]`). A
constrained decoder needs the stricter language: exactly what validation accepts, in canonical
form. This module writes that language down from the same tables (engine/dsl/vocab.py):

    [scene] NL, an optional plan line (DSL v3), the 15 top-level attributes in canonical order, each one of its values, then
    components in any number and order; inside a component its topology handles, attributes and
    content refs, each at most once and in canonical order, then, in a container, its components
    (containers at most vocab.MAX_DEPTH deep, page chrome never inside one); every tag followed
    by one NL. Ref paths are component.index.field (field of that component), nodes.ID.FIELD or
    edges.ID.

Its terminals are tokenizer tokens, not characters: a reserved tag (`[layout:poster_stack]`,
`[/section_card]`, the opener `[title_ref:`) is one terminal; after an opener the payload is fed
piece by piece (`section_card` `.` `1` `2` `.` `title` `]`), so the grammar names the piece
terminals (DOT, DIGIT, PIECE_TITLE, ...) and identifier classes (TOPIC_HEAD, TOPIC_TAIL, IDP).
A token may belong to several classes (`title` is a field piece and an identifier word); which
one applies is whichever the parser accepts in that state (engine/probe/constrain.py).

Every text this grammar accepts is canonical, loads without an error diagnostic except a
from_ref/to_ref naming a node that is never declared, and a duplicate node_id (context the
grammar cannot see; constrain.py guards both), and compiles.

    >>> "start: SCENE_OPEN NL" in grammar_text()
    True
"""
from __future__ import annotations

import functools
import re

from engine.dsl import vocab
from engine.paths import cache_dir

NL = "\n"
DOT, CLOSE = ".", "]"
PATH_ROOTS = ("nodes", "edges")
_TOPIC_HEAD = re.compile(r"[a-z][a-z0-9_]*\Z")
_TOPIC_TAIL = re.compile(r"[a-z0-9_]+\Z")
_ID_PIECE = re.compile(r"[A-Za-z0-9_\-]+\Z")
_DIGITS = re.compile(r"[0-9]+\Z")


def _upper(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9]", "_", name).upper()


def tag_terminal(tag: str) -> str:
    """The terminal name of a reserved tag or opener.

    >>> tag_terminal("[accent:amber]"), tag_terminal("[/stage_card]"), tag_terminal("[title_ref:")
    ('ACCENT__AMBER', 'CLOSE_STAGE_CARD', 'TITLE_REF_OPENER')
    """
    if tag == "[scene]":
        return "SCENE_OPEN"
    if tag == "[/scene]":
        return "SCENE_CLOSE"
    if tag.endswith(":"):
        return _upper(tag[1:-1]) + "_OPENER"
    inner = tag[1:-1]
    if inner.startswith("/"):
        return "CLOSE_" + _upper(inner[1:])
    if ":" in inner:
        key, value = inner.split(":", 1)
        return f"{_upper(key)}__{_upper(value)}"
    return "OPEN_" + _upper(inner)


def piece_terminal(piece: str) -> str:
    return "PIECE_" + _upper(piece)


def all_fields() -> list[str]:
    fields = {f for spec in vocab.COMPONENTS.values() for f in spec.fields}
    fields.update(f"column_{i}" for i in range(1, vocab.MAX_COLUMNS + 1))
    return sorted(fields)


def component_fields(name: str) -> list[str]:
    """A component's content fields in canonical order (columns first for tables)."""
    spec = vocab.COMPONENTS[name]
    return sorted((f for f in all_fields() if spec.field_order(f) is not None), key=spec.field_order)


def terminals_of(token: str) -> tuple[str, ...]:
    """Every grammar terminal a tokenizer token can stand for, most specific first; () when the
    token never appears in a canonical scene (specials, prompt markers, `[`, spaces, ...)."""
    if token.startswith("[") and len(token) > 1:
        return (tag_terminal(token),)
    if token == NL:
        return ("NL",)
    if token == DOT:
        return ("DOT",)
    if token == CLOSE:
        return ("RBRACKET",)
    out = []
    if token in PATH_ROOTS or token in vocab.COMPONENTS or token in all_fields():
        out.append(piece_terminal(token))
    if _DIGITS.match(token):
        out.append("DIGIT")
    if _TOPIC_HEAD.match(token):
        out.append("TOPIC_HEAD")
    elif _TOPIC_TAIL.match(token):
        out.append("TOPIC_TAIL")
    if _ID_PIECE.match(token):
        out.append("IDP")
    return tuple(out)


def _alternatives(terms) -> str:
    return "(" + " | ".join(terms) + ")"


def _component_rules(name: str) -> list[str]:
    """`c_NAME: OPEN NL NAME_n CLOSE NL` over a left-recursive chain NAME_k: NAME_k-1 item_k |
    NAME_k-1 (NAME_0 empty): each item optional, at most once, in canonical order. Left recursion
    keeps the parser's stack to the position reached, not the set of items taken, so the
    automaton meets few distinct stacks; lark would expand `item?` into 2^n alternatives.

    A container gets one rule per depth it may stand at, c_NAME_D, whose items are followed by
    the components of depth D + 1 (`inner_D+1`)."""
    spec = vocab.COMPONENTS[name]
    items: list[tuple[str, bool]] = []   # (rule name, required)
    for key in spec.topology:
        items.append((f"topo_{key}", name == "decision_node"))  # validate: a decision_node needs node_id
    for key in spec.attrs:
        items.append((f"a_{name}_{key}", False))
    for field in component_fields(name):
        items.append((f"ref_{field}", False))
    opening, closing = tag_terminal(f"[{name}]"), tag_terminal(f"[/{name}]")
    if spec.holds:   # a container of its own parts only (a chart), which stand nowhere else
        rules = [f"c_{name}_{d}: {opening} NL {name}_{len(items)} held_{name}* {closing} NL"
                 for d in range(1, vocab.MAX_DEPTH + 1)]
        rules.append(f"held_{name}: " + " | ".join(f"c_{n}" for n in spec.holds))
    elif spec.container:
        rules = [f"c_{name}_{d}: {opening} NL {name}_{len(items)} inner_{d + 1}* {closing} NL"
                 for d in range(1, vocab.MAX_DEPTH + 1)]
    else:
        rules = [f"c_{name}: {opening} NL {name}_{len(items)} {closing} NL"]
    rules.append(f"{name}_0: ")
    for k, (item, required) in enumerate(items, 1):
        rules.append(f"{name}_{k}: {name}_{k - 1} {item}" + ("" if required else f" | {name}_{k - 1}"))
    for key, values in spec.attrs.items():
        rules.append(f"a_{name}_{key}: {_alternatives(tag_terminal(f'[{key}:{v}]') for v in values)} NL")
    return rules


@functools.cache
def grammar_text() -> str:
    """The lark grammar (generated once per process from engine/dsl/vocab.py)."""
    leaves = [n for n, s in vocab.COMPONENTS.items() if not s.container and n not in vocab.HELD_BY]
    nested = [n for n in leaves if not vocab.COMPONENTS[n].top_level_only]
    tops = " ".join(f"top_{k}" for k in vocab.TOP_LEVEL_KEYS)
    lines = [f"start: SCENE_OPEN NL top_plan? {tops} body SCENE_CLOSE",
             f"top_plan: {_alternatives(tag_terminal(f'[{vocab.PLAN_KEY}:{v}]') for v in vocab.PLAN_VALUES)} NL",
             "body: component*",
             "component: " + " | ".join([*(f"c_{n}" for n in leaves), *(f"c_{n}_1" for n in vocab.CONTAINERS)])]
    for depth in range(2, vocab.MAX_DEPTH + 2):
        containers = [f"c_{n}_{depth}" for n in vocab.CONTAINERS if depth <= vocab.MAX_DEPTH]
        lines.append(f"inner_{depth}: " + " | ".join([*(f"c_{n}" for n in nested), *containers]))
    for key in vocab.TOP_LEVEL_KEYS:
        if key == "topic":
            lines.append(f"top_topic: {tag_terminal('[topic:')} topic_value RBRACKET NL")
        else:
            values = vocab.TOP_LEVEL_VALUES[key]
            lines.append(f"top_{key}: {_alternatives(tag_terminal(f'[{key}:{v}]') for v in values)} NL")
    lines += ["topic_value: TOPIC_HEAD topic_more*", "topic_more: TOPIC_HEAD | TOPIC_TAIL",
              "ident: IDP+", "index: DIGIT+"]
    for key in vocab.TOPOLOGY_KEYS:
        lines.append(f"topo_{key}: {tag_terminal(f'[{key}:')} ident RBRACKET NL")
    for field in all_fields():
        lines.append(f"ref_{field}: {tag_terminal(f'[{field}_ref:')} path RBRACKET NL")
    with_fields = [n for n in vocab.COMPONENTS if component_fields(n)]   # a group holds no text
    roots = " | ".join(f"{piece_terminal(n)} DOT index DOT f_{n}" for n in with_fields)
    lines.append(f"path: {roots} | PIECE_NODES DOT ident DOT field | PIECE_EDGES DOT ident")
    lines.append(f"field: {' | '.join(piece_terminal(f) for f in all_fields())}")
    for name in vocab.COMPONENTS:
        if name in with_fields:
            lines.append(f"f_{name}: {' | '.join(piece_terminal(f) for f in component_fields(name))}")
        lines.extend(_component_rules(name))
    terminals = sorted({t for line in lines for t in re.findall(r"\b[A-Z][A-Z0-9_]*\b", line)})
    lines.append("%declare " + " ".join(terminals))
    return "\n".join(lines) + "\n"


@functools.cache
def decode_parser():
    """The LALR parser of grammar_text(); tokens are fed by hand, so it has no lexer of its own.

    Only the parser's state matters to the decoder, never a tree: every reduction yields one
    shared empty tree, so a parser copy (lark deep-copies the value stack) stays small."""
    from lark import Lark, Transformer, Tree

    empty = Tree("_", [])

    class _NoTree(Transformer):
        def __default__(self, data, children, meta):
            return empty

    # The built LALR tables are kept in a file that lark checks against a hash of the grammar, the
    # options and its version, so only a new grammar pays the build (0.3-1 s; 0.05 s to load).
    folder = cache_dir()
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        cache: str | bool = str(folder / "decode_grammar.lark")
    except OSError:   # no cache folder (a read-only home): build every time
        cache = False
    return Lark(grammar_text(), parser="lalr", lexer="basic", transformer=_NoTree(), cache=cache)
