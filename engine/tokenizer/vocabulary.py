"""Which strings become tokens: the reserved structure of the DSL, path pieces, words, characters.

The rule is the seed's "reserve structure, not payload" ("Why Explicit Tokens Instead Of Generic
BPE Right Now?"): every structural tag a model must emit whole (`[scene]`, `[/section_card]`,
`[layout:poster_stack]`, `[accent:amber]`, the opener `[title_ref:`) is one reserved token, while
the payload after an opener (ref paths, node ids, topics) is spelled from small reusable pieces:
component and field names, `.`, single digits, words learned from a corpus, and characters. The
seed's documented failure, whole component rows harvested as one token, cannot happen here because
nothing is harvested from the corpus but underscore-separated words.

    >>> "[layout:poster_stack]" in reserved_tokens()
    True
    >>> learn_words(["[scene]\\n[topic:kv_cache]\\n[/scene]\\n"])
    {'kv': 1, 'cache': 1}
"""
from __future__ import annotations

import re
import string
from collections import Counter
from collections.abc import Iterable

from engine.dsl import vocab
from engine.tokenizer.prompts import ADD_KEY, OUT, SOURCE_GOLD, TASK_REPAIR, TASK_SVG

SPECIALS: tuple[str, ...] = ("<|pad|>", "<|bos|>", "<|eos|>", "<|unk|>")

# Keys whose value is an open identifier: only the opener is reserved, the value is payload.
# topic is the scene's; goal and audience are the intent-bridge prompt's (SPEC.md section 4); add is
# the explicit prompt's request for one more component (its value a component name: a path piece).
OPEN_KEYS: tuple[str, ...] = ("topic", "goal", "audience", ADD_KEY)
# The prompts' task markers, end marker and source tag.
PROMPT_TOKENS: tuple[str, ...] = (TASK_SVG, TASK_REPAIR, OUT, SOURCE_GOLD)
# Decision-tree content lives under nodes.ID.FIELD and edges.ID rather than NAME.INDEX.FIELD.
PATH_ROOTS: tuple[str, ...] = ("nodes", "edges")

# Every character a canonical scene or prompt can hold, so no ASCII identifier is ever unknown.
BASE_CHARS: tuple[str, ...] = tuple(sorted(set(string.printable) - set("\x0b\x0c")))

# One lexeme of text: a whole bracket tag (no whitespace or nested bracket inside), a word run,
# or any single character. Every position of any text matches one of them, so the lexemes of a
# text concatenate back to it exactly.
LEXEME = re.compile(r"\[[^\[\]\s]*\]|[A-Za-z0-9_]+|.", re.DOTALL)
RUN = re.compile(r"[A-Za-z0-9_]+|.", re.DOTALL)
WORD_SPLIT = re.compile(r"(_)")


def _fields() -> list[str]:
    fields = {f for spec in vocab.COMPONENTS.values() for f in spec.fields}
    fields.update(f"column_{i}" for i in range(1, vocab.MAX_COLUMNS + 1))
    return sorted(fields)


def reserved_tokens() -> list[str]:
    """The DSL's structure as whole tokens, in a fixed order (ids stay stable across corpora)."""
    closed: set[str] = set()
    for key, values in vocab.TOP_LEVEL_VALUES.items():
        closed.update(f"[{key}:{v}]" for v in values)
    closed.update(f"[{vocab.PLAN_KEY}:{v}]" for v in vocab.PLAN_VALUES)
    for spec in vocab.COMPONENTS.values():
        for key, values in spec.attrs.items():
            closed.update(f"[{key}:{v}]" for v in values)
    names = sorted(vocab.COMPONENTS)
    blocks = [t for n in names for t in (f"[{n}]", f"[/{n}]")]
    openers = ([f"[{f}_ref:" for f in _fields()] + [f"[{k}:" for k in vocab.TOPOLOGY_KEYS]
               + [f"[{k}:" for k in OPEN_KEYS])
    return ["[scene]", "[/scene]", *PROMPT_TOKENS, *sorted(closed), *blocks, *openers]


def path_pieces() -> list[str]:
    """Whole segments of a ref path: `section_card` `.` `0` `.` `title` are five tokens."""
    return sorted(set(vocab.COMPONENTS) | set(_fields()) | set(PATH_ROOTS))


def grammar_words() -> list[str]:
    """Underscore-separated words of the grammar's own names, reusable inside topics and ids."""
    names = set(vocab.COMPONENTS) | set(_fields()) | set(vocab.TOP_LEVEL_KEYS)
    names.add(vocab.BASE_DEFAULTS["topic"])
    for values in vocab.TOP_LEVEL_VALUES.values():
        names.update(values)
    for spec in vocab.COMPONENTS.values():
        for values in spec.attrs.values():
            names.update(values)
    return sorted({w for n in names for w in n.split("_") if _is_word(w)})


def _is_word(part: str) -> bool:
    # Digits stay single-digit tokens so that indexes compose (12 is `1` `2`), and one letter is
    # already a character token.
    return len(part) >= 2 and part.isalnum() and part.isascii() and not part.isdigit()


def payload_of(lexeme: str, reserved: set[str]) -> str:
    """The part of a lexeme that is payload: the text after a reserved opener, or all of it."""
    if lexeme in reserved:
        return ""
    if lexeme.startswith("[") and lexeme.endswith("]") and len(lexeme) >= 2:
        colon = lexeme.find(":")
        if colon >= 0 and lexeme[:colon + 1] in reserved:
            return lexeme[colon + 1:-1]
        return lexeme[1:-1]
    return lexeme


def learn_words(corpus: Iterable[str], known: Iterable[str] = ()) -> dict[str, int]:
    """Counts of the underscore-separated words in the payloads of a corpus, first seen first.

    Words already in `known` (grammar words, path pieces) are not counted again.
    """
    reserved = set(reserved_tokens())
    skip = set(known) | set(path_pieces())
    counts: Counter[str] = Counter()
    for text in corpus:
        for lexeme in LEXEME.findall(text):
            for run in RUN.findall(payload_of(lexeme, reserved)):
                if run in skip:
                    continue
                counts.update(w for w in run.split("_") if _is_word(w) and w not in skip)
    return dict(counts)


def corpus_chars(corpus: Iterable[str]) -> set[str]:
    return {ch for text in corpus for ch in text} - set(BASE_CHARS)


def build_vocabulary(corpus: Iterable[str], min_count: int = 1) -> list[str]:
    """Specials, reserved structure, path pieces, grammar words, characters, then learned words.

    The grammar-derived prefix does not depend on the corpus, so two tokenizers of the same engine
    version agree on every structural id; only the learned tail differs.
    """
    texts = list(corpus)
    out: list[str] = [*SPECIALS, *reserved_tokens()]
    seen = set(out)

    def extend(items: Iterable[str]) -> None:
        for item in items:
            if item not in seen:
                seen.add(item)
                out.append(item)

    extend(path_pieces())
    extend(grammar_words())
    extend(BASE_CHARS)
    extend(sorted(corpus_chars(texts)))
    learned = learn_words(texts, known=seen)
    extend(sorted(w for w, n in learned.items() if n >= min_count))
    return out


def composition(tokens: Iterable[str]) -> dict[str, int]:
    """How many tokens of each kind a vocabulary holds, for reports and the build summary."""
    kinds = {"special": set(SPECIALS), "reserved structure": set(reserved_tokens()),
             "path pieces": set(path_pieces()), "grammar words": set(grammar_words())}
    counts = dict.fromkeys([*kinds, "characters", "learned words"], 0)
    for token in tokens:
        kind = next((k for k, members in kinds.items() if token in members), None)
        counts[kind or ("characters" if len(token) == 1 else "learned words")] += 1
    return counts
