"""The Tokenizer: text <-> ids over an explicit vocabulary, and its versioned JSON file.

Encoding is one compiled regex that cuts text into lexemes (a whole `[...]` tag, a word run, or
one character) and dictionary lookups: a lexeme that is a reserved token is one id; otherwise a
reserved opener such as `[title_ref:` is one id and the payload after it is spelled from path
pieces, words and characters. Decoding joins the token strings, so encode/decode round-trips every
byte of any text whose characters the vocabulary holds (all of printable ASCII, always).

    >>> tok = Tokenizer.from_corpus(["[topic:kv_cache]"])
    >>> tok.tokens("[section_card]\\n[title_ref:section_card.12.title]\\n")
    ['[section_card]', '\\n', '[title_ref:', 'section_card', '.', '1', '2', '.', 'title', ']', '\\n']
    >>> tok.decode(tok.encode("[topic:kv_cache]"))
    '[topic:kv_cache]'
"""
from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path

from engine.dsl import DSL_VERSION
from engine.fileio import InputError, read_text, write_atomic
from engine.tokenizer.vocabulary import (
    LEXEME,
    RUN,
    SPECIALS,
    WORD_SPLIT,
    build_vocabulary,
)

FORMAT = "ck-tokenizer"
# Bump when the encoding rules in this module change: a file of another version is refused, since
# the same vocabulary would cut text differently.
VERSION = 1
# Lexeme -> ids memo. Canonical scenes repeat the same tags heavily; the cap keeps a long run over
# many distinct topics from growing it without bound.
MEMO_CAP = 200_000


class Tokenizer:
    """A fixed vocabulary; ids are list positions, the four specials first (pad 0, bos 1, eos 2,
    unk 3). `hash` is the sha256 of the canonical JSON of format, version, the DSL version its
    reserved structure was taken from, and vocabulary: a tokenizer of another DSL version is
    another tokenizer, even where the two vocabularies happen to agree."""

    def __init__(self, vocab: Sequence[str]):
        vocab = list(vocab)
        if any(not isinstance(t, str) or not t for t in vocab):
            raise InputError("tokenizer vocabulary entries must be non-empty strings")
        if len(set(vocab)) != len(vocab):
            dupes = sorted(t for t, n in Counter(vocab).items() if n > 1)[:5]
            raise InputError(f"tokenizer vocabulary has duplicate tokens: {dupes}")
        missing = [s for s in SPECIALS if s not in vocab]
        if missing:
            raise InputError(f"tokenizer vocabulary lacks the special tokens {missing}")
        self.vocab: list[str] = vocab
        self._ids: dict[str, int] = {t: i for i, t in enumerate(vocab)}
        self.pad_id, self.bos_id, self.eos_id, self.unk_id = (self._ids[s] for s in SPECIALS)
        self._close = self._ids.get("]", self.unk_id)
        self._open = self._ids.get("[", self.unk_id)
        self._memo: dict[str, tuple[int, ...]] = {}
        self.version = VERSION
        self.dsl_version = DSL_VERSION
        self.hash = hashlib.sha256(self._canonical_json().encode("utf-8")).hexdigest()

    @classmethod
    def from_corpus(cls, corpus: Iterable[str], min_count: int = 1) -> Tokenizer:
        return cls(build_vocabulary(corpus, min_count))

    def __len__(self) -> int:
        return len(self.vocab)

    def __repr__(self) -> str:
        return f"Tokenizer({len(self.vocab)} tokens, v{self.version}, {self.hash[:12]})"

    # ---- encoding ---------------------------------------------------------------------------

    def encode(self, text: str) -> list[int]:
        memo = self._memo
        out: list[int] = []
        for lexeme in LEXEME.findall(text):
            ids = memo.get(lexeme)
            if ids is None:
                ids = self._lexeme_ids(lexeme)
                if len(memo) < MEMO_CAP:
                    memo[lexeme] = ids
            out += ids
        return out

    def encode_uncached(self, text: str) -> list[int]:
        """encode without the lexeme memo: the rate bench/tokenizer.py reports as the floor."""
        out: list[int] = []
        for lexeme in LEXEME.findall(text):
            out += self._lexeme_ids(lexeme)
        return out

    def count(self, text: str) -> int:
        return len(self.encode(text))

    def tokens(self, text: str) -> list[str]:
        vocab = self.vocab
        return [vocab[i] for i in self.encode(text)]

    def unknown_pieces(self, text: str) -> list[str]:
        """The lexemes of a text that hold an unknown character, in order, e.g. `[topic:café]`."""
        unk = self.unk_id
        return [lx for lx in LEXEME.findall(text) if unk in self._lexeme_ids(lx)]

    def _lexeme_ids(self, lexeme: str) -> tuple[int, ...]:
        tid = self._ids.get(lexeme)
        if tid is not None:
            return (tid,)
        if lexeme[0] == "[" and lexeme[-1] == "]" and len(lexeme) >= 2:
            colon = lexeme.find(":")
            if colon >= 0:
                opener = self._ids.get(lexeme[:colon + 1])
                if opener is not None:
                    return (opener, *self._payload_ids(lexeme[colon + 1:-1]), self._close)
            return (self._open, *self._payload_ids(lexeme[1:-1]), self._close)
        return self._payload_ids(lexeme)

    def _payload_ids(self, payload: str) -> tuple[int, ...]:
        """Whole piece if the vocabulary has it, else underscore-separated words, else characters."""
        ids, unk = self._ids, self.unk_id
        out: list[int] = []
        for run in RUN.findall(payload):
            tid = ids.get(run)
            if tid is not None:
                out.append(tid)
                continue
            for part in WORD_SPLIT.split(run):
                tid = ids.get(part)
                if tid is not None:
                    out.append(tid)
                else:
                    out.extend(ids.get(ch, unk) for ch in part)
        return tuple(out)

    # ---- decoding ---------------------------------------------------------------------------

    def decode(self, ids: Iterable[int], skip_special: bool = False) -> str:
        """Join the token strings. Specials decode to their names (`<|eos|>`), so a leaked special
        stays visible; skip_special drops pad, bos and eos (an unknown stays `<|unk|>`)."""
        vocab, n = self.vocab, len(self.vocab)
        ids = [int(i) for i in ids]
        bad = [i for i in ids if not 0 <= i < n]
        if bad:
            raise ValueError(f"token ids {bad[:5]} are outside the vocabulary (0..{n - 1})")
        if skip_special:
            drop = {self.pad_id, self.bos_id, self.eos_id}
            ids = [i for i in ids if i not in drop]
        return "".join([vocab[i] for i in ids])

    # ---- the file ---------------------------------------------------------------------------

    def _canonical_json(self) -> str:
        body = {"format": FORMAT, "version": VERSION, "dsl_version": DSL_VERSION, "vocab": self.vocab}
        return json.dumps(body, ensure_ascii=True, sort_keys=True, separators=(",", ":"))

    def save(self, path: str | Path) -> None:
        """One JSON file: format, version, dsl_version, hash (sha256 of the canonical JSON without
        it), vocab."""
        doc = {"format": FORMAT, "version": VERSION, "dsl_version": DSL_VERSION, "hash": self.hash,
               "vocab": self.vocab}
        write_atomic(path, json.dumps(doc, ensure_ascii=True, indent=1) + "\n")

    @classmethod
    def load(cls, path: str | Path) -> Tokenizer:
        text = read_text(path)
        try:
            doc = json.loads(text)
        except json.JSONDecodeError as e:
            raise InputError(f"{path}:{e.lineno}:{e.colno}: invalid JSON: {e.msg}") from None
        if not isinstance(doc, dict) or doc.get("format") != FORMAT:
            raise InputError(f"{path}: not a tokenizer file (expected \"format\": \"{FORMAT}\")")
        if doc.get("version") != VERSION:
            raise InputError(f"{path}: tokenizer version {doc.get('version')!r}, this engine reads "
                             f"version {VERSION}; rebuild it with `ck tokenizer build`")
        # files written before the DSL had a version were built on v1
        if (dsl := doc.get("dsl_version", 1)) != DSL_VERSION:
            raise InputError(f"{path}: a tokenizer of scene DSL v{dsl}, this engine writes DSL "
                             f"v{DSL_VERSION}; rebuild it with `ck tokenizer build`")
        vocab = doc.get("vocab")
        if not isinstance(vocab, list):
            raise InputError(f"{path}: \"vocab\" must be a list of token strings")
        tok = cls(vocab)
        if doc.get("hash") != tok.hash:
            raise InputError(f"{path}: hash mismatch: the file says {str(doc.get('hash'))[:16]}..., "
                             f"its vocabulary hashes to {tok.hash[:16]}...; the file was edited or "
                             f"damaged, rebuild it with `ck tokenizer build`")
        return tok
