"""`ck tokenizer ...`: build a tokenizer file, and the coverage and budget gates.

    ck tokenizer build [--corpus FILES...] [--pack DIR] -o tok.json
    ck tokenizer coverage [--tokenizer tok.json] [--pack DIR] [--dataset DIR_OR_JSONL ...]
    ck tokenizer budget --ctx N [--tokenizer tok.json] [--pack DIR] [--dataset DIR_OR_JSONL ...]

Without --tokenizer, the tokenizer is built from the grammar and the gold pack given by --pack.
coverage exits 1 when any source has an unknown token (or no samples); budget exits 1 when the
longest gold output exceeds 80 % of --ctx.
"""
from __future__ import annotations

import argparse

from engine.argtypes import positive_int
from engine.tokenizer import Tokenizer, build_tokenizer, default_corpus
from engine.tokenizer.fit import OUTPUT_SHARE
from engine.tokenizer.reports import budget, coverage
from engine.tokenizer.sources import corpus_texts, dataset_samples, gold_samples
from engine.tokenizer.vocabulary import composition


def _tokenizer(args) -> Tokenizer:
    if args.tokenizer:
        return Tokenizer.load(args.tokenizer)
    return build_tokenizer(default_corpus(args.pack))


def _datasets(args) -> dict:
    return {str(d): list(dataset_samples(d)) for d in args.dataset}


def cmd_build(args) -> int:
    tok = build_tokenizer([*default_corpus(args.pack), *corpus_texts(args.corpus)], args.min_count)
    tok.save(args.output)
    parts = ", ".join(f"{n} {kind}" for kind, n in composition(tok.vocab).items())
    print(f"{args.output}: {len(tok)} tokens ({parts}); version {tok.version}, sha256 {tok.hash}")
    return 0


def cmd_coverage(args) -> int:
    tok = _tokenizer(args)
    report = coverage(tok, {"gold": gold_samples(args.pack), **_datasets(args)})
    print(f"tokenizer {tok.hash[:12]} ({len(tok)} tokens)")
    for s in report.sources:
        verdict = "ok" if s.passed else ("FAIL: no samples" if not s.samples else "FAIL")
        print(f"  {s.source}: {s.samples} samples, {s.tokens} tokens, {s.unknown} unknown  {verdict}")
        for name, lexeme in s.offenders:
            print(f"    {name}: {lexeme!r}")
    return 0 if report.passed else 1


def cmd_budget(args) -> int:
    tok = _tokenizer(args)
    report = budget(tok, gold_samples(args.pack), args.ctx, _datasets(args))
    print(f"tokenizer {tok.hash[:12]} ({len(tok)} tokens), ctx {report.ctx}; "
          f"prompt + output tokens per sample (prompt + target + eos, as a row takes of ctx)")
    for m in ([report.gold] if report.gold else []) + list(report.others):
        print(f"  {m.source}: {m.samples} samples  p50 {m.p50}  p95 {m.p95}  max {m.max}")
    if report.gold is None:
        print(f"  gold: no entries in {args.pack}  FAIL")
        return 1
    verdict = "ok" if report.passed else "FAIL"
    print(f"longest gold output: {report.longest_output} tokens ({report.gold.longest_name}) vs "
          f"{OUTPUT_SHARE:.0%} of ctx = {report.limit:.0f}  {verdict}")
    rec = report.recommended_ctx
    print("recommended ctx (seed: p95 < 400 -> 512, 400-600 -> 768, above -> 1024): "
          + (str(rec) if rec else "none fits: compress the DSL before training"))
    return 0 if report.passed else 1


def add_arguments(t: argparse.ArgumentParser) -> None:
    """`ck tokenizer`'s subcommands and their arguments."""
    from engine.gold.pack import default_pack

    tsub = t.add_subparsers(dest="tokenizer_command", required=True, metavar="TOKENIZER_COMMAND")

    def common(p, with_tokenizer: bool = True) -> None:
        p.add_argument("--pack", default=str(default_pack()), help="gold pack folder (default: gold/)")
        if with_tokenizer:
            p.add_argument("--tokenizer", help="tokenizer JSON (default: built from the grammar and --pack)")
            p.add_argument("--dataset", nargs="*", default=[], metavar="DIR_OR_JSONL",
                           help="dataset rows with prompt and target (a .jsonl file or a folder of them)")

    b = tsub.add_parser("build", help="build a tokenizer from the grammar, the gold pack and a corpus")
    common(b, with_tokenizer=False)
    b.add_argument("--corpus", nargs="*", default=[], metavar="FILE",
                   help="more texts: scene files, or .jsonl dataset files / folders (prompt and target)")
    b.add_argument("--min-count", type=positive_int, default=1, help="keep learned words seen at least this often")
    b.add_argument("-o", "--output", required=True, help="tokenizer JSON to write")
    b.set_defaults(run=cmd_build)

    c = tsub.add_parser("coverage", help="unknown tokens per source; exit 1 unless all are 0")
    common(c)
    c.set_defaults(run=cmd_coverage)

    g = tsub.add_parser("budget", help="prompt + output token lengths against a context; the 80 %% rule")
    common(g)
    g.add_argument("--ctx", type=_positive, required=True, help="context length in tokens")
    g.set_defaults(run=cmd_budget)


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value <= 0:
        raise argparse.ArgumentTypeError(f"--ctx must be a positive whole number of tokens, got {text!r}")
    return value
