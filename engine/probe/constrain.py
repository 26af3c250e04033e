"""Grammar-constrained decoding: at each step only the tokens the decode grammar allows next.

The decode grammar (engine/probe/grammar.py) is fed token by token to lark's interactive LALR
parser. Its parser configurations are few (repetition is left-recursive, so the stack stays
shallow), so `TokenAutomaton` turns them into a table as it meets them, the way the fast
constrained decoders precompute per-state masks:

    state id  <- the parser's state stack (the exact key: what lark accepts next depends on it)
    bias[s]   =  0 for each token allowed in state s, -inf for the others  (V floats, once per state)
    step(s, t) = the state after token t (a dict per state), None if t is not allowed; UNSEEN
                 in the table until first taken

so a decode pass masks its logits with one gather of the rows' biases and one in-place add (a
third of the cost of a boolean fill, and exact: x + 0 is x), and walks each row's state, drafted
tokens included, through plain dict lookups (no tensor op per token: those cost more than the
masks); lark runs only the first time a (state, token) pair is taken. The table is shared by
every decode in the process for the same tokenizer (`automaton_for`).

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
        self._next: list[dict[int, int]] = []   # per state: allowed token -> next state (or UNSEEN)
        self.bias = torch.zeros((0, self.vocab_size))
        self._lock = threading.Lock()  # the studio may probe from a worker while another runs
        self.start = self._state(decode_parser().parse_interactive(""))
        self.scene_close = tokenizer.vocab.index("[/scene]")
        self.close_bracket = tokenizer.vocab.index("]")
        self.openers = {key: tokenizer.vocab.index(f"[{key}:") for key in ("node_id", "from_ref", "to_ref")}

    @property
    def states(self) -> int:
        return len(self._parsers)

    @property
    def masks(self) -> torch.Tensor:
        """(states, V) bools: the tokens each state allows (checks and tests; decoding adds `bias`)."""
        return self.bias[:self.states] == 0

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
        if sid >= self.bias.shape[0]:  # grow by doubling so adding a state stays cheap
            grow = max(64, self.bias.shape[0])
            self.bias = torch.cat([self.bias, torch.full((grow, self.vocab_size), float("-inf"))])
        for tids in by_term.values():
            self.bias[sid, tids] = 0.0
        self._next.append(dict.fromkeys((t for tids in by_term.values() for t in tids), UNSEEN))
        return sid

    def _step(self, sid: int, tid: int) -> int:
        term = next(t for t, tids in self._choices[sid].items() if tid in tids)
        child = self._parsers[sid].copy()
        child.feed_token(Token(term, self.tokenizer.vocab[tid]))
        nxt = self._state(child)
        self._next[sid].update(dict.fromkeys(self._choices[sid][term], nxt))
        return nxt

    def step(self, sid: int, tid: int) -> int | None:
        """The state after token `tid` in state `sid`; None when the grammar does not allow it."""
        nxt = self._next[sid].get(tid)
        if nxt == UNSEEN:
            # the table outlives any one decode: kept as normal tensors, never inference tensors
            with self._lock, torch.inference_mode(False):
                nxt = self._step(sid, tid)
        return nxt

    def advance(self, states: list[int], tokens: list[int]) -> list[int]:
        """Next state of each row; a token a row's state does not allow is a bug of the caller."""
        out = []
        for sid, tid in zip(states, tokens):
            nxt = self.step(sid, tid)
            if nxt is None:
                raise ValueError(f"token {self.tokenizer.vocab[tid]!r} is not allowed in this state")
            out.append(nxt)
        return out

    def accepts_text(self, ids: list[int]) -> bool:
        """Whether a token sequence is a whole scene of the decode grammar (tests, checks)."""
        state: int | None = self.start
        for tid in ids:
            state = self.step(state, tid)
            if state is None:
                return False
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
    """Per-row node ids, so a constrained scene never names a node it lacks or declares one twice.

    A row's state is (the opener it is inside, the id read so far, the ids declared, the ids
    referenced); `refusals` plays a row's drafted tokens through it without keeping them, so each
    drafted position is masked as a one-token pass there would mask it."""

    def __init__(self, automaton: TokenAutomaton, rows: int, topics: list[tuple[int, ...] | None] | None = None):
        self.a = automaton
        self._kind_of = {tid: key for key, tid in automaton.openers.items()}
        # per row, the pieces its [topic: tag must spell (its prompt's topic), or None: free
        self.topics = topics or [None] * rows
        self.topic_opener = automaton.tokenizer.vocab.index("[topic:")
        empty: frozenset[str] = frozenset()
        # per row: inside [node_id: / [from_ref: / [to_ref: / a pinned [topic: (or None), its id so
        # far (in a pinned topic: how many pieces are written), declared, referenced
        self.rows: list[tuple[str | None, str | int, frozenset[str], frozenset[str]]] = [(None, "", empty, empty)] * rows

    def _after(self, row: int, state, tid: int):
        kind, buffer, declared, referenced = state
        if kind is None:
            if tid in self._kind_of:
                return self._kind_of[tid], "", declared, referenced
            if tid == self.topic_opener and self.topics[row] is not None:
                return "topic", 0, declared, referenced
            return state
        if kind == "topic":
            return (None, "", declared, referenced) if tid == self.a.close_bracket else ("topic", buffer + 1, declared, referenced)
        if tid == self.a.close_bracket:
            if kind == "node_id":
                return None, "", declared | {buffer}, referenced
            return None, "", declared, referenced | {buffer}
        return kind, buffer + self.a.tokenizer.vocab[tid], declared, referenced

    def _refused(self, row: int, state) -> list[int] | int:
        kind, buffer, declared, referenced = state
        if kind == "topic":   # the prompt's next piece, then the tag's close: the one token to take
            want = self.topics[row]
            return want[buffer] if buffer < len(want) else self.a.close_bracket
        out = []
        if kind == "node_id" and buffer in declared:
            out.append(self.a.close_bracket)      # a node_id already declared
        if not referenced <= declared:
            out.append(self.a.scene_close)        # a reference to a node not declared yet
        return out

    def refusals(self, row: int, tokens: list[int]) -> list[list[int] | int]:
        """What the row may not take next now, then after each of `tokens` in turn (one entry more
        than tokens): a list of refused token ids, or one id, the only token it may take there
        (a pinned topic's next piece; where the grammar refuses it, the grammar decides). The
        row's state is left as it is."""
        state = self.rows[row]
        out = [self._refused(row, state)]
        for tid in tokens:
            state = self._after(row, state, tid)
            out.append(self._refused(row, state))
        return out

    def update(self, rows: list[int], tokens: list[int]) -> None:
        for row, tid in zip(rows, tokens):
            self.rows[row] = self._after(row, self.rows[row], tid)


def prompt_topic(tokenizer, prompt: list[int]) -> tuple[int, ...] | None:
    """The pieces of a `[task:svg]` prompt's topic (prompt: token ids), which its scene's topic
    tag repeats (SPEC.md section 4); None for a prompt of another task or without a topic."""
    vocab = tokenizer.vocab
    opener, close = vocab.index("[topic:"), vocab.index("]")
    if vocab.index(TASK_SVG) not in prompt or opener not in prompt:
        return None
    start = prompt.index(opener) + 1
    return tuple(prompt[start:prompt.index(close, start)]) if close in prompt[start:] else None
