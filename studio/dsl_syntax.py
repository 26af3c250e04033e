"""What the DSL editor knows about the text, without Qt: style runs for highlighting, fold blocks,
and completions of tokens and values. Both editor backends (QPlainTextEdit and QScintilla) draw
from these functions, so they highlight, fold and complete alike. The tokens are the grammar's
own, read by its lexer (engine/dsl/lex.py), and the vocabulary is engine/dsl/vocab.py's data:
never a pattern or a list of their own here.

    >>> style_runs("[theme:infra_dark]")
    [(0, 7, 'key'), (7, 10, 'value'), (17, 1, 'key')]
    >>> fold_ranges("[scene]\\n[header_band]\\n[band:open]\\n[/header_band]\\n[/scene]")
    [(1, 5), (2, 4)]
"""
from __future__ import annotations

import dataclasses
import functools
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass

from engine.diagnostics import Diagnostic
from engine.dsl.lex import spans, tokens
from engine.dsl.vocab import COMPONENTS, TOP_LEVEL_KEYS, TOP_LEVEL_VALUES, TOPOLOGY_KEYS

# Style name -> (colour, bold). Index order is the QScintilla style number.
STYLES: dict[str, tuple[str, bool]] = {
    "default": ("#d4d4d4", False),
    "key": ("#9cdcfe", False),          # [key: ]
    "value": ("#ce9178", False),        # :value]
    "block": ("#c586c0", True),         # [component] [/component]
    "ref": ("#4ec9b0", False),          # [field_ref: ]
    "topology": ("#dcdcaa", True),      # [node_id: [from_ref: [to_ref: ]
    "scene": ("#569cd6", True),         # [scene] [/scene]
    "cell": ("#4ec9b0", False),         # [name:@compact.ref.cell|key=value]
}
STYLE_INDEX = {name: i for i, name in enumerate(STYLES)}
# Each kind of the grammar's spans (engine/dsl/lex.py kinds()) -> its style.
KIND_STYLES: dict[str, str] = {
    "SCENE_OPEN": "scene", "SCENE_CLOSE": "scene", "BLOCK_OPEN": "block", "BLOCK_CLOSE": "block",
    "ATTR": "key", "COMPACT": "key", "REF": "ref", "TOPO": "topology",
    "_VALUE": "value", "_PATH": "value", "_CELL": "cell",
}
OPENS, CLOSES = ("SCENE_OPEN", "BLOCK_OPEN"), ("SCENE_CLOSE", "BLOCK_CLOSE")


def style_runs(line: str) -> list[tuple[int, int, str]]:
    """(start, length, style) runs of one line, in order; text that is no token is left out."""
    return [(start, end - start, KIND_STYLES[kind]) for start, end, kind in spans(line)]


def fold_depths(lines: list[str]) -> list[tuple[int, bool]]:
    """For each line, (depth of block nesting at its start, whether it opens a block that a later
    line closes): the fold levels QScintilla wants, and what the plain editor's margin draws."""
    tags = _line_tags(lines)
    opens = {start for start, _ in _blocks(tags)}
    out: list[tuple[int, bool]] = []
    depth = 0
    for i, line_tags in enumerate(tags):
        out.append((depth, i in opens))
        for closing, _ in line_tags:
            depth = max(0, depth - 1) if closing else depth + 1
    return out


def fold_ranges(text: str) -> list[tuple[int, int]]:
    """1-based (first, last) lines of every block that spans lines, outermost first."""
    return sorted((s + 1, e + 1) for s, e in _blocks(_line_tags(text.split("\n"))))


def _blocks(tags: list[list[tuple[bool, str]]]) -> list[tuple[int, int]]:
    """0-based (open line, close line) of each [name] ... [/name] pair on different lines, from
    each line's tags."""
    stack: list[tuple[str, int]] = []
    found = []
    for i, line_tags in enumerate(tags):
        for closing, name in line_tags:
            if not closing:
                stack.append((name, i))
                continue
            # pop to the matching open: an unclosed inner block does not break the outer fold
            for j in range(len(stack) - 1, -1, -1):
                if stack[j][0] == name:
                    if i > stack[j][1]:
                        found.append((stack[j][1], i))
                    del stack[j:]
                    break
    return found


def _tags(text: str) -> Iterator[tuple[int, bool, str]]:
    """(offset, closing, name) of each [name] and [/name], [scene] and [/scene] included."""
    for start, end, kind in tokens(text):
        if kind in OPENS or kind in CLOSES:
            yield start, kind in CLOSES, text[start + 1:end - 1].lstrip("/")


def _line_tags(lines: list[str]) -> list[list[tuple[bool, str]]]:
    """(closing, name) of each line's tags. A tag never spans lines, so each line is lexed alone
    and remembered: a keystroke changes one line, and lexing the whole text again on every key
    took 10 ms of a 150-line scene's 13 ms keystroke."""
    return [list(_line_tags_of(line)) for line in lines]


@functools.lru_cache(maxsize=4096)
def _line_tags_of(line: str) -> tuple[tuple[bool, str], ...]:
    return tuple((closing, name) for _, closing, name in _tags(line))


@dataclass(frozen=True)
class Completion:
    """What may be typed at the cursor: `words` replace the `prefix` just before it."""

    prefix: str
    words: tuple[str, ...]


def content_paths(content_text: str) -> tuple[str, ...]:
    """The leaf paths of a content.json text, as scene refs name them (`nodes.parse.title`,
    `header_band.0.headline`); () when it is not valid JSON."""
    try:
        data = json.loads(content_text)
    except json.JSONDecodeError:
        return ()
    paths: list[str] = []

    def walk(node, path: str) -> None:
        if isinstance(node, dict):
            for k, v in node.items():
                walk(v, f"{path}.{k}" if path else str(k))
        elif isinstance(node, list):
            for i, v in enumerate(node):
                walk(v, f"{path}.{i}" if path else str(i))
        elif path:
            paths.append(path)
    walk(data, "")
    return tuple(paths)


def completions(text: str, pos: int, refs: tuple[str, ...] = ()) -> Completion:
    """Tokens or values that fit at offset `pos` of `text`, given the content paths `refs`. Each
    word is what gets typed: keys end in ':', blocks and values in ']' (unless one follows).

    >>> completions("[scene]\\n[theme:pa", 17).words
    ('paper_editorial]',)
    >>> completions("[scene]\\n[stage_card]\\n[acc", 23).words
    ('accent:',)
    """
    before = text[:pos]
    line = before.rsplit("\n", 1)[-1]
    bracket = line.rfind("[")
    if bracket < 0 or "]" in line[bracket:]:
        return Completion("", ())
    token = line[bracket + 1:]
    enclosing = _enclosing(before[: len(before) - len(line) + bracket])
    if ":" in token:
        key, prefix = token.split(":", 1)
        if "|" in prefix:  # compact cells are content refs, typed freely
            return Completion("", ())
        closed = text[pos:].split("\n", 1)[0].startswith("]")
        values = [v if closed else f"{v}]" for v in _values(key, enclosing, text, refs)]
    else:
        prefix, values = token, _keys(enclosing)
    return Completion(prefix, tuple(v for v in values if v.startswith(prefix) and v != prefix))


def _enclosing(before: str) -> str | None:
    """The innermost block open at the end of `before`: "scene", a component, or None."""
    stack: list[str] = []
    for _, closing, name in _tags(before):
        if not closing:
            stack.append(name)
        elif name in stack:
            del stack[len(stack) - 1 - stack[::-1].index(name):]
    return stack[-1] if stack else None


def _keys(enclosing: str | None) -> list[str]:
    if enclosing is None:
        return ["scene]"]
    if enclosing == "scene":
        return [f"{k}:" for k in TOP_LEVEL_KEYS] + [f"{c}]" for c in COMPONENTS] + ["/scene]"]
    spec = COMPONENTS.get(enclosing)
    if spec is None:
        return [f"/{enclosing}]"]
    fields = [f"{f}_ref:" for f in spec.fields]
    if spec.column_fields:
        fields[:0] = [f"column_{i}_ref:" for i in range(1, 5)]
    return [f"{t}:" for t in spec.topology] + [f"{a}:" for a in spec.attrs] + fields + [f"/{enclosing}]"]


def _values(key: str, enclosing: str | None, text: str, refs: tuple[str, ...]) -> list[str]:
    spec = COMPONENTS.get(enclosing or "")
    if spec is not None and key in spec.attrs:
        return list(spec.attrs[key])
    if enclosing == "scene" and key in TOP_LEVEL_VALUES:
        return list(TOP_LEVEL_VALUES[key])
    if key in ("from_ref", "to_ref"):
        return list(dict.fromkeys(_node_ids(text)))
    if key.endswith("_ref") and key not in TOPOLOGY_KEYS:
        return list(refs)
    return []


def _node_ids(text: str) -> list[str]:
    """The ids that [node_id:ID] tokens give, in order."""
    head = "[node_id:"
    return [text[start + len(head):end - 1] for start, end, kind in tokens(text)
            if kind == "TOPO" and text.startswith(head, start)]


VALUE_CODES = ("unknown-value", "bad-topic", "bad-ref-path")   # the validator's codes that quote a value


def at_value(d: Diagnostic, lines: list[str]) -> Diagnostic:
    """A diagnostic about a value (the validator places it at the `[` of its attribute) moved to
    the value itself, the first quoted word of its message, when that stands on its line after
    a `:` or `=`; any other diagnostic as it is.

    >>> at_value(Diagnostic(1, 1, "unknown-value", "'signal_glw' is not a value of theme"), ["[theme:signal_glw]"]).col
    8
    """
    quoted = re.match(r"\s*'([^']+)'", d.message) or re.search(r"'([^']+)'", d.message)
    if d.code not in VALUE_CODES or quoted is None or not 0 < d.line <= len(lines):
        return d
    line = lines[d.line - 1]
    for sep in (":", "="):
        at = line.find(sep + quoted.group(1), max(0, d.col - 1))
        if at >= 0:
            return dataclasses.replace(d, col=at + 2)
    return d
