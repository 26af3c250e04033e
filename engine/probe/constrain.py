"""Grammar-constrained decoding: at each step only the tokens the decode grammar allows next.

The decode grammar (engine/probe/grammar.py) is fed token by token to lark's interactive LALR
parser. Its parser configurations are few (repetition is left-recursive, so the stack stays
shallow), so `TokenAutomaton` turns them into a table as it meets them, the way the fast
constrained decoders precompute per-state masks:

    state id  <- the parser's state stack (the exact key: what lark accepts next depends on it)
    masks[s]  =  tokens allowed in state s                     (V bools, computed once per state)
    nexts[s,t] = the state after token t, -1 if not allowed, UNSEEN until first taken

so a decode step is one gather of B masks and one gather of B next states; lark runs only the
first time a (state, token) pair is taken. The table is shared by every decode in the process for
the same tokenizer (`automaton_for`).

Two rules are context the grammar cannot carry (validate.py's node_graph): a node_id must be new,
and every from_ref/to_ref must name a node_id of the scene. `TopologyGuard` tracks, per row, the ids
declared and referenced: `]` cannot close a node_id already declared, and `[/scene]` waits until
every referenced id is declared (forward references are allowed, as flows write them). Given the
rows' prompt topics (`prompt_topic`), it also pins the scene's `[topic:` tag to spell its prompt's
topic, piece by piece: a topic the model never saw whole is otherwise often misspelt.
"""
from __future__ import annotations

import threading

import torch
from lark import Token

from engine.probe.grammar import decode_parser, terminals_of
from engine.tokenizer.prompts import TASK_SVG

UNSEEN = -2


class TokenAutomaton:
    """The decode grammar over one tokenizer's vocabulary, as a lazily filled state table."""

    def __init__(self, tokenizer):
        self.tokenizer = tokenizer
        self.vocab_size = len(tokenizer.vocab)
        self._terms = [terminals_of(t) for t in tokenizer.vocab]
        by_terminal: dict[str, list[int]] = {}
        for tid, terms in enumerate(self._terms):
            for term in terms:
                by_terminal.setdefault(term, []).append(tid)
        self._by_terminal = by_terminal
        self._ids: dict[tuple, int] = {}
        self._parsers: list = []
        self._choices: list[dict[str, list[int]]] = []   # per state: terminal -> the tokens fed as it
        self.masks = torch.zeros((0, self.vocab_size), dtype=torch.bool)
        self.nexts = torch.zeros((0, self.vocab_size), dtype=torch.int64)
        self._lock = threading.Lock()  # the studio may probe from a worker while another runs
        self.start = self._state(decode_parser().parse_interactive(""))
        self.scene_close = tokenizer.vocab.index("[/scene]")
        self.close_bracket = tokenizer.vocab.index("]")
        self.openers = {key: tokenizer.vocab.index(f"[{key}:") for key in ("node_id", "from_ref", "to_ref")}

    @property
    def states(self) -> int:
        return len(self._parsers)

    def _state(self, parser) -> int:
        key = tuple(parser.parser_state.state_stack)
        found = self._ids.get(key)
        if found is not None:
            return found
        sid = len(self._parsers)
        self._ids[key] = sid
        self._parsers.append(parser)
        accepted = parser.accepts()
        # each allowed token stands for the first of its terminals this state accepts; tokens of
        # one terminal share their next state, so one lark step serves them all
        by_term: dict[str, list[int]] = {}
        for term in accepted:
            for tid in self._by_terminal.get(term, ()):
                if next(t for t in self._terms[tid] if t in accepted) == term:
                    by_term.setdefault(term, []).append(tid)
        self._choices.append(by_term)
        if sid >= self.masks.shape[0]:  # grow by doubling so adding a state stays cheap
            grow = max(64, self.masks.shape[0])
            self.masks = torch.cat([self.masks, torch.zeros((grow, self.vocab_size), dtype=torch.bool)])
            self.nexts = torch.cat([self.nexts, torch.full((grow, self.vocab_size), -1, dtype=torch.int64)])
        for tids in by_term.values():
            self.masks[sid, tids] = True
            self.nexts[sid, tids] = UNSEEN
        return sid

    def _step(self, sid: int, tid: int) -> int:
        term = next(t for t, tids in self._choices[sid].items() if tid in tids)
        child = self._parsers[sid].copy()
        child.feed_token(Token(term, self.tokenizer.vocab[tid]))
        nxt = self._state(child)
        self.nexts[sid, self._choices[sid][term]] = nxt
        return nxt

    def advance(self, states: torch.Tensor, tokens: torch.Tensor) -> torch.Tensor:
        """Next state of each row; a token a row's state does not allow is a bug of the caller."""
        nxt = self.nexts[states, tokens]
        unseen = (nxt == UNSEEN).nonzero().flatten().tolist()
        if unseen:
            # the table outlives any one decode: kept as normal tensors, never inference tensors
            with self._lock, torch.inference_mode(False):
                found = [self._step(int(states[row]), int(tokens[row])) for row in unseen]
            nxt[unseen] = torch.tensor(found)
        if bool((nxt < 0).any()):
            bad = int((nxt < 0).nonzero()[0])
            raise ValueError(f"token {self.tokenizer.vocab[int(tokens[bad])]!r} is not allowed in this state")
        return nxt

    def accepts_text(self, ids: list[int]) -> bool:
        """Whether a token sequence is a whole scene of the decode grammar (tests, checks)."""
        state = torch.tensor([self.start])
        for tid in ids:
            if not bool(self.masks[state[0], tid]):
                return False
            state = self.advance(state, torch.tensor([tid]))
        return bool(ids) and ids[-1] == self.scene_close


_AUTOMATA: dict[str, TokenAutomaton] = {}
_AUTOMATA_LOCK = threading.Lock()


def automaton_for(tokenizer) -> TokenAutomaton:
    """One automaton per tokenizer (by hash), kept for the process: its table only grows."""
    with _AUTOMATA_LOCK:
        found = _AUTOMATA.get(tokenizer.hash)
        if found is None:
            with torch.inference_mode(False):   # normal tensors, updated by later decodes
                found = _AUTOMATA[tokenizer.hash] = TokenAutomaton(tokenizer)
        return found


class TopologyGuard:
    """Per-row node ids, so a constrained scene never names a node it lacks or declares one twice."""

    def __init__(self, automaton: TokenAutomaton, rows: int, topics: list[tuple[int, ...] | None] | None = None):
        self.a = automaton
        self._kind_of = {tid: key for key, tid in automaton.openers.items()}
        # per row, the pieces its [topic: tag must spell (its prompt's topic), or None: free
        self.topics = topics or [None] * rows
        self.topic_opener = automaton.tokenizer.vocab.index("[topic:")
        self.open_kind: list[str | None] = [None] * rows   # inside [node_id: / [from_ref: / [to_ref: / [topic:
        self.buffer: list[str] = [""] * rows
        self.spelt = [0] * rows                             # topic pieces written so far
        self.declared: list[set[str]] = [set() for _ in range(rows)]
        self.referenced: list[set[str]] = [set() for _ in range(rows)]

    def restrict(self, allowed: torch.Tensor, rows: list[int]) -> None:
        """Clear, in place, what the rows (indices into `allowed`, global row ids in `rows`) may
        not do: close a duplicate node_id, close the scene with a dangling reference, or spell a
        pinned topic otherwise than its prompt."""
        for i, row in enumerate(rows):
            if self.open_kind[row] == "topic":
                want = self.topics[row]
                nxt = want[self.spelt[row]] if self.spelt[row] < len(want) else self.a.close_bracket
                if allowed[i, nxt]:   # a piece the grammar refuses here is left to the grammar
                    allowed[i] = False
                    allowed[i, nxt] = True
            if self.open_kind[row] == "node_id" and self.buffer[row] in self.declared[row]:
                allowed[i, self.a.close_bracket] = False
            if self.referenced[row] - self.declared[row]:
                allowed[i, self.a.scene_close] = False

    def update(self, rows: list[int], tokens: list[int]) -> None:
        for row, tid in zip(rows, tokens):
            kind = self.open_kind[row]
            if kind is None:
                if tid in self._kind_of:
                    self.open_kind[row], self.buffer[row] = self._kind_of[tid], ""
                elif tid == self.topic_opener and self.topics[row] is not None:
                    self.open_kind[row], self.spelt[row] = "topic", 0
            elif kind == "topic":
                self.spelt[row] += 1
                if tid == self.a.close_bracket:
                    self.open_kind[row] = None
            elif tid == self.a.close_bracket:
                (self.declared if kind == "node_id" else self.referenced)[row].add(self.buffer[row])
                self.open_kind[row] = None
            else:
                self.buffer[row] += self.a.tokenizer.vocab[tid]

    def watching(self, row: int) -> bool:
        """Whether restrict() may clear anything for this row now."""
        return self.open_kind[row] in ("node_id", "topic") or bool(self.referenced[row] - self.declared[row])


def prompt_topic(tokenizer, prompt: list[int]) -> tuple[int, ...] | None:
    """The pieces of a `[task:svg]` prompt's topic (prompt: token ids), which its scene's topic
    tag repeats (SPEC.md section 4); None for a prompt of another task or without a topic."""
    vocab = tokenizer.vocab
    opener, close = vocab.index("[topic:"), vocab.index("]")
    if vocab.index(TASK_SVG) not in prompt or opener not in prompt:
        return None
    start = prompt.index(opener) + 1
    return tuple(prompt[start:prompt.index(close, start)]) if close in prompt[start:] else None
