"""Text -> typed scene model, with every syntax problem reported (never a traceback).

The grammar (scene.lark) is strict; when the LALR parser meets something it does not expect,
`_Recovery` names the problem as a Diagnostic and repairs the token stream (closing an open
block, inserting a missing `[scene]`, skipping stray text) so that parsing goes on and later
problems are reported too.

Blocks nest (DSL v2), so a close tag is matched by name: `[/panel]` met inside an unclosed
`[section_card]` of that panel closes the card first (validation names it as never closed), the
way a reader pairs them, rather than pairing `[/panel]` with the card. `parse_entries` feeds the
parser token by token to do that, lexing with the grammar's own lexer.
"""
from __future__ import annotations

import functools
import re
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from lark import Lark, Token, Transformer, v_args
from lark.exceptions import UnexpectedCharacters, UnexpectedInput, UnexpectedToken
from lark.lexer import BasicLexer, LexerThread

from engine.diagnostics import Diagnostic
from engine.dsl import vocab
from engine.dsl.model import Attr, Component, Ref, Topo

MAX_DIAGNOSTICS = 100
# A scene is a few kB (the largest gold scene is 2.5 kB; a 1024-token model output is about 5 kB).
# Longer text is refused before parsing, so no input, however hostile, costs more than a moment.
MAX_SCENE_CHARS = 64 * 1024
GRAMMAR = Path(__file__).with_name("scene.lark")
_VERSION_LINE = re.compile(r"// version: (\d+)\n")


def grammar_version(grammar: str) -> int:
    """The DSL version the grammar names on its first line (`// version: N`)."""
    m = _VERSION_LINE.match(grammar)
    if m is None:
        raise ValueError("the scene grammar must start with a '// version: N' line")
    return int(m.group(1))


DSL_VERSION = grammar_version(GRAMMAR.read_text())


@dataclass(frozen=True, slots=True)
class Compact:
    """A compact-form component, kept as written until validation expands it."""

    name: str
    cells: tuple[str, ...]
    line: int
    col: int


@dataclass(frozen=True, slots=True)
class Block:
    """A block-form component with its closing tag, so validation can check the names match, and
    the blocks and compacts written inside it, in order (validation decides which may stay)."""

    component: Component
    close_name: str  # "" when the parser had to close it
    close_line: int
    close_col: int
    children: tuple[Block | Compact, ...] = ()


@dataclass
class Parsed:
    """What the parser read: top-level entries in written order, plus syntax diagnostics."""

    entries: list[Attr | Block | Compact] | None
    diagnostics: list[Diagnostic] = field(default_factory=list)


def _inner(token: Token) -> str:
    return token.value[1:-1]


@v_args(inline=True)
class _ToModel(Transformer):
    """Parse tree -> model objects. Stateless, so one instance serves every parse."""

    def attr(self, tok: Token) -> Attr:
        key, value = _inner(tok).split(":", 1)
        return Attr(key, value, tok.line, tok.column)

    def ref(self, tok: Token) -> Ref:
        key, path = _inner(tok).split(":", 1)
        return Ref(key[: -len("_ref")], path, tok.line, tok.column)

    def topo(self, tok: Token) -> Topo:
        key, ident = _inner(tok).split(":", 1)
        return Topo(key, ident, tok.line, tok.column)

    def compact(self, tok: Token) -> Compact:
        name, cells = _inner(tok).split(":", 1)
        return Compact(name, tuple(cells.split("|")), tok.line, tok.column)

    def block(self, open_tok: Token, *rest) -> Block:
        *items, close_tok = rest
        comp = Component(
            name=_inner(open_tok),
            attrs=tuple(i for i in items if isinstance(i, Attr)),
            topo=tuple(i for i in items if isinstance(i, Topo)),
            refs=tuple(i for i in items if isinstance(i, Ref)),
            line=open_tok.line,
            col=open_tok.column,
        )
        children = tuple(i for i in items if isinstance(i, Block | Compact))
        return Block(comp, _inner(close_tok)[1:], close_tok.line, close_tok.column, children)

    def scene(self, _open: Token, *rest):
        return list(rest[:-1])

    def start(self, entries):
        return entries


@functools.cache
def parser() -> Lark:
    # Built once, lazily: the studio and the CLI pay for it only when they first parse.
    return Lark(
        GRAMMAR.read_text(),
        parser="lalr",
        lexer="basic",  # terminal priorities alone pick the token; `[/scene]` is never a block close
        transformer=_ToModel(),
        propagate_positions=False,
        maybe_placeholders=False,
    )


@functools.cache
def _lexer() -> BasicLexer:
    # The parser's own terminals, in one lexer kept for every call: the parser's Lark.lex() would
    # build a new lexer each time (5x slower per line), and the studio lexes on every keystroke.
    return BasicLexer(parser().lexer_conf)


def lex(text: str, on_stray: Callable[[int, int, str], None] | None = None) -> Iterator[Token]:
    """The grammar's tokens of `text`, in order. Stray text (no token starts there) is skipped a
    run at a time (`stray_end`), after `on_stray(line, col, run)` is told of it."""
    thread = LexerThread.from_text(_lexer(), text)
    while True:
        try:
            yield from thread.lex(None)
            return
        except UnexpectedCharacters as e:
            # the lexer state survives its error: step over the stray run and lex on from there
            run = text[e.pos_in_stream:stray_end(text, e.pos_in_stream)]
            if on_stray is not None:
                on_stray(e.line, e.column, run)
            thread.state.line_ctr.feed(run)


class _TooMany(Exception):
    pass


class _Recovery:
    """Called with each token the parser refuses (and each stray run the lexer skips): report the
    problem, mend the token stream, keep parsing."""

    def __init__(self, text: str):
        self.text = text
        self.diagnostics: list[Diagnostic] = []
        self.problems = 0   # reported here, or mended silently and named by validation
        self.after_end_reported = False

    def report(self, line: int, col: int, code: str, message: str) -> None:
        self.diagnostics.append(Diagnostic(line, col, code, message))
        self.count_problem(line, col)

    def count_problem(self, line: int, col: int) -> None:
        """Stop once the text has too many problems to be worth reading on (each costs a mend)."""
        self.problems += 1
        if self.problems >= MAX_DIAGNOSTICS:
            self.diagnostics.append(
                Diagnostic(line, col, "too-many-problems", f"stopped after {MAX_DIAGNOSTICS} problems")
            )
            raise _TooMany

    def stray_text(self, line: int, col: int, snippet: str) -> None:
        shown = snippet if len(snippet) <= 40 else snippet[:37] + "..."
        if snippet.startswith("["):
            msg = (f"malformed token {shown!r}: tokens look like [name], [/name], [key:value] "
                   "or [field_ref:path]")
        else:
            msg = f"stray text {shown!r} outside any [token]"
        self.report(line, col, "stray-text", msg)

    def __call__(self, e: UnexpectedToken) -> bool:
        # accepts() simulates each terminal; the raw parse-table lookaheads over-approximate.
        ip, tok = e.interactive_parser, e.token
        if self.after_end_reported and tok.type != "$END":
            return True   # already said once: everything after [/scene] is ignored
        expected = ip.accepts()
        line, col = _position(tok, self.text)
        kind = tok.type
        if kind == "$END":
            return self._finish(ip, tok, line, col)
        if "SCENE_OPEN" in expected:
            self.report(line, col, "missing-scene-start", "the scene must start with [scene]")
            ip.feed_token(_synthetic("SCENE_OPEN", tok))
            return self._refeed(ip, tok)
        if "BLOCK_CLOSE" in expected and kind == "SCENE_CLOSE":
            # The open block is closed where the scene ends; validation names it.
            self.count_problem(line, col)
            ip.feed_token(_synthetic("BLOCK_CLOSE", tok))
            return self._refeed(ip, tok)
        if expected <= {"$END"}:
            if not self.after_end_reported:
                self.after_end_reported = True
                self.report(line, col, "text-after-scene", f"{tok.value!r} after [/scene] is ignored")
            return True
        if kind == "BLOCK_CLOSE":
            self.report(line, col, "unopened-block", f"{tok.value} closes no open block")
        elif kind in ("REF", "TOPO"):
            self.report(line, col, "ref-outside-component",
                        f"{tok.value} must stand inside a component block")
        elif kind == "SCENE_OPEN":
            self.report(line, col, "nested-scene", "[scene] inside a scene; only one scene per file")
        elif kind == "SCENE_CLOSE":
            self.report(line, col, "unexpected-token", "[/scene] closes no open scene")
        else:
            self.report(line, col, "unexpected-token", f"{tok.value!r} is not expected here")
        return True

    def _finish(self, ip, tok: Token, line: int, col: int) -> bool:
        """At the end of input, open and close whatever is missing so the parser can accept."""
        while "$END" not in (choices := ip.accepts()):
            if "SCENE_OPEN" in choices:
                self.report(line, col, "missing-scene-start", "the scene must start with [scene]")
                ip.feed_token(_synthetic("SCENE_OPEN", tok))
            elif "BLOCK_CLOSE" in choices:
                ip.feed_token(_synthetic("BLOCK_CLOSE", tok))
            else:
                self.report(line, col, "missing-scene-end",
                            "the scene is not closed: add [/scene] at the end")
                ip.feed_token(_synthetic("SCENE_CLOSE", tok))
        return True

    def _refeed(self, ip, tok: Token) -> bool:
        """Feed the token that triggered the error again, now that the stream is mended."""
        if tok.type == "$END":
            return True  # the parser resumes and meets the end again
        try:
            ip.feed_token(tok)
        except UnexpectedToken as again:
            # Raised by the parser state itself, so lark leaves interactive_parser unset; the
            # refused token left the parser in a state it goes on from, so the same one carries on.
            again.interactive_parser = ip
            return self(again)
        return True


def _synthetic(kind: str, at: Token) -> Token:
    return Token.new_borrow_pos(kind, "", at) if at.line is not None else Token(kind, "", 0, 1, 1)


def _position(tok: Token, text: str) -> tuple[int, int]:
    if tok.line is not None and tok.type != "$END":
        return tok.line, tok.column
    lines = text.split("\n")
    return len(lines), len(lines[-1]) + 1


def stray_end(text: str, start: int) -> int:
    """Where a run of stray text ends: after a malformed [..] token, or at white space or '['."""
    n = len(text)
    if text.startswith("[", start):
        end = start + 1
        while end < n and text[end] not in "[]\n":
            end += 1
        return end + 1 if end < n and text[end] == "]" else end
    end = start + 1
    while end < n and not text[end].isspace() and text[end] != "[":
        end += 1
    return end


class _Driver:
    """Feeds the parser token by token, keeping the names of the open blocks so that a close tag
    pairs with the block it names (closing the unclosed blocks inside it first)."""

    def __init__(self, text: str, recovery: _Recovery):
        self.recovery = recovery
        self.ip = parser().parse_interactive(text)
        self.open: list[str] = []            # names of the open blocks, innermost last
        self.open_count: Counter[str] = Counter()
        self.ended = False                   # after [/scene], tokens are only reported as extra

    def run(self, tokens: Iterator[Token]) -> list:
        """Feed every token, then the end of input; the entries the scene holds."""
        feed = self.ip.parser_state.feed_token
        last = None
        for last in tokens:
            if last.type in _STRUCTURE and not self.ended:
                self.structure(last)
            try:
                feed(last)
            except UnexpectedToken as e:
                self.recover(e)
        eof = Token.new_borrow_pos("$END", "", last) if last is not None else Token("$END", "", 0, 1, 1)
        try:
            return feed(eof, True)
        except UnexpectedToken as e:
            self.recover(e)
        return feed(eof, True)   # mended at the end: it accepts, or UnexpectedToken says why not

    def recover(self, e: UnexpectedToken) -> None:
        e.interactive_parser = self.ip
        self.recovery(e)

    def structure(self, tok: Token) -> None:
        """Keep `open` in step with the parser, before `tok` is fed."""
        kind = tok.type
        if kind == "BLOCK_OPEN":
            if len(self.open) > vocab.MAX_DEPTH:
                # deeper than any scene may nest: validation reports it; counting it here bounds
                # the nesting a hostile text can make the parser carry
                self.recovery.count_problem(tok.line, tok.column)
            name = tok.value[1:-1]
            self.open.append(name)
            self.open_count[name] += 1
        elif kind == "BLOCK_CLOSE":
            if not self.open:
                return     # the parser reports it
            name = tok.value[2:-1]
            if self.open[-1] != name and self.open_count[name]:
                while self.open[-1] != name:
                    self.recovery.count_problem(tok.line, tok.column)
                    self._pop()
                    try:
                        self.ip.feed_token(_synthetic("BLOCK_CLOSE", tok))
                    except UnexpectedToken as e:
                        self.recover(e)
            self._pop()
        else:
            self.ended = True   # [/scene]: the parser closes whatever is still open (_Recovery)

    def _pop(self) -> None:
        self.open_count[self.open.pop()] -= 1


_STRUCTURE = frozenset({"BLOCK_OPEN", "BLOCK_CLOSE", "SCENE_CLOSE"})


def parse_entries(text: str) -> Parsed:
    """Run the grammar over `text`; entries are None only when nothing could be recovered."""
    if len(text) > MAX_SCENE_CHARS:
        return Parsed(None, [Diagnostic(1, 1, "too-large",
                                        f"the scene text has {len(text):,} characters, over the limit of "
                                        f"{MAX_SCENE_CHARS:,}; a scene is a few thousand")])
    recovery = _Recovery(text)
    try:
        entries = _Driver(text, recovery).run(lex(text, recovery.stray_text))
    except _TooMany:
        return Parsed(None, recovery.diagnostics)
    except UnexpectedInput as e:  # recovery gave up: report where, keep no scene
        line, col = getattr(e, "line", 1) or 1, getattr(e, "column", 1) or 1
        recovery.diagnostics.append(Diagnostic(line, col, "syntax", "cannot parse the scene here"))
        return Parsed(None, recovery.diagnostics)
    return Parsed(entries, recovery.diagnostics)
