"""The tokenizer (SPEC.md section 6): explicit reserved structure, payload from small pieces.

    from engine.tokenizer import default_tokenizer
    tok = default_tokenizer()
    ids = tok.encode(scene_text)          # tok.decode(ids) == scene_text, byte for byte
    ck tokenizer build -o tok.json        # engine/tokenizer/cli.py: build, coverage, budget
"""
from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from pathlib import Path

from engine.tokenizer.tokenizer import VERSION, Tokenizer

__all__ = ["VERSION", "Tokenizer", "build_tokenizer", "default_corpus", "default_tokenizer", "tokenizer_for"]


def build_tokenizer(corpus: Iterable[str], min_count: int = 1) -> Tokenizer:
    """The grammar's reserved structure plus the words and characters of `corpus`."""
    return Tokenizer.from_corpus(corpus, min_count)


def default_corpus(pack: str | Path | None = None) -> list[str]:
    """The gold pack's canonical scenes and their explicit-layout prompts."""
    from engine.gold.pack import default_pack
    from engine.tokenizer.sources import gold_samples

    return [t for s in gold_samples(pack or default_pack()) for t in (s.prompt, s.target)]


@cache
def default_tokenizer() -> Tokenizer:
    """Built once per process from the grammar vocabulary and the default gold pack."""
    return build_tokenizer(default_corpus())


@cache
def tokenizer_for(topics: tuple[str, ...] = ()) -> Tokenizer:
    """The default tokenizer, and with `topics` one that has also learned their words, as it learns
    the gold pack's own topics' words: `kv_cache_budget` is `kv` `_` `cache` `_` `budget`, not
    fifteen characters. The gold corpus comes first, so every structural id is the default's."""
    if not topics:
        return default_tokenizer()
    return build_tokenizer([*default_corpus(), *(f"[topic:{t}]" for t in topics)])
