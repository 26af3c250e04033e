"""Coverage and budget reports: the tokenizer gates of the preflight (SPEC.md section 6).

Coverage counts `<|unk|>` tokens per source; the gold pack must have none. Budget measures
prompt + output tokens per sample against a context length, counted as engine/tokenizer/fit.py
counts a row. The rules are the seed's: "Context Budget Is A Gate" (p95 of prompt + output picks
ctx 512, 768 or 1024) and the preflight's "Token budget" row (the longest gold output fits within
80 % of the context).

    report = coverage(tok, {"gold": gold_samples(pack)})
    report.passed, report.sources[0].unknown
    b = budget(tok, gold_samples(pack), ctx=512)
    b.gold.p95, b.longest_output, b.passed, b.recommended_ctx
"""
from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field

from engine.tokenizer.fit import output_fits, output_limit, output_tokens, row_tokens
from engine.tokenizer.sources import Sample
from engine.tokenizer.tokenizer import Tokenizer

FIRST_OFFENDERS = 5


@dataclass(frozen=True)
class SourceCoverage:
    source: str
    samples: int
    tokens: int
    unknown: int
    offenders: tuple[tuple[str, str], ...] = ()     # (sample name, lexeme) of the first misses

    @property
    def passed(self) -> bool:
        """No unknowns, over at least one sample: an empty source proves nothing."""
        return self.samples > 0 and self.unknown == 0


@dataclass(frozen=True)
class CoverageReport:
    tokenizer_hash: str
    sources: tuple[SourceCoverage, ...]

    @property
    def passed(self) -> bool:
        return all(s.passed for s in self.sources)


def coverage(tok: Tokenizer, sources: dict[str, Iterable[Sample]]) -> CoverageReport:
    """Unknown-token counts over prompts and targets of each named source."""
    out = []
    for name, samples in sources.items():
        count = tokens = unknown = 0
        offenders: list[tuple[str, str]] = []
        for sample in samples:
            count += 1
            for text in (sample.prompt, sample.target):
                ids = tok.encode(text)
                tokens += len(ids)
                misses = ids.count(tok.unk_id)
                unknown += misses
                if misses and len(offenders) < FIRST_OFFENDERS:
                    offenders.extend((sample.name, lx) for lx in tok.unknown_pieces(text))
        out.append(SourceCoverage(name, count, tokens, unknown, tuple(offenders[:FIRST_OFFENDERS])))
    return CoverageReport(tok.hash, tuple(out))


def percentile(values: list[int], q: float) -> int:
    """Nearest-rank percentile: a value that occurs, so "p95 = 412" names a real sample."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q / 100 * len(ordered)) - 1)]


def recommend_ctx(p95: int) -> int | None:
    """The seed's rule from p95(prompt + output). It leaves 600-768 open; 768 would leave an
    output of that size above the 80 % rule (614 tokens), so that band goes to 1024. None means
    even 1024 is too small: the seed's answer is a DSL compression pass, not a longer context."""
    if p95 < 400:
        return 512
    if p95 <= 600:
        return 768
    if p95 <= 1024:
        return 1024
    return None


@dataclass(frozen=True)
class Lengths:
    """prompt + output token counts over one source: output is the target plus <|eos|>, and the
    total is what the row takes of ctx (fit.row_tokens; <|bos|> rides in the window's extra token)."""

    source: str
    samples: int
    p50: int
    p95: int
    max: int
    longest_output: int
    longest_name: str


def lengths(tok: Tokenizer, source: str, samples: Iterable[Sample]) -> Lengths | None:
    totals, longest, longest_name = [], -1, ""
    for sample in samples:
        target = tok.count(sample.target)
        output = output_tokens(target)
        totals.append(row_tokens(tok.count(sample.prompt), target))
        if output > longest:
            longest, longest_name = output, sample.name
    if not totals:
        return None
    return Lengths(source, len(totals), percentile(totals, 50), percentile(totals, 95), max(totals),
                   longest, longest_name)


@dataclass(frozen=True)
class BudgetReport:
    ctx: int
    tokenizer_hash: str
    gold: Lengths | None
    others: tuple[Lengths, ...] = field(default_factory=tuple)

    @property
    def limit(self) -> float:
        return output_limit(self.ctx)

    @property
    def longest_output(self) -> int:
        return self.gold.longest_output if self.gold else 0

    @property
    def passed(self) -> bool:
        """The gate: the gold pack is measured and its longest output fits in 80 % of ctx."""
        return self.gold is not None and output_fits(self.longest_output, self.ctx)

    @property
    def recommended_ctx(self) -> int | None:
        return recommend_ctx(self.gold.p95) if self.gold else None


def budget(tok: Tokenizer, gold: Iterable[Sample], ctx: int,
           others: dict[str, Iterable[Sample]] | None = None) -> BudgetReport:
    if ctx <= 0:
        raise ValueError(f"ctx must be positive, got {ctx}")
    measured = tuple(m for name, samples in (others or {}).items()
                     if (m := lengths(tok, name, samples)) is not None)
    return BudgetReport(ctx, tok.hash, lengths(tok, "gold", gold), measured)
