"""`ck parity`: the CK <-> PyTorch training parity regimen (wired in by engine/cli.py).

    ck parity --config tiny [--dtype float32|float64|both] [-o DIR]   # default: WORKSPACE/parity
    ck parity --config l3_d192 --vocab tokenizer --seq 64

Prints the per-tensor table and writes OUT/training_parity_regimen_latest.json (the preflight
gate's input) with the table beside it as .txt. Exit codes: 0 every stage passed, 1 a stage
failed (the first diverging tensor is named), 2 bad input.
"""
from __future__ import annotations

import sys

from engine.argtypes import positive_int
from engine.fileio import InputError
from engine.paths import Workspace


def _vocab(text: str) -> int:
    if text == "tokenizer":
        from engine.tokenizer import default_tokenizer

        return len(default_tokenizer())
    return int(text)


def cmd_parity(args) -> int:
    from engine.ck.regimen import DTYPES, Settings, run_regimen, table, write_result
    from engine.events import finish
    from engine.model import SIZES

    if args.config not in SIZES:
        raise InputError(f"--config {args.config}: unknown size; one of {', '.join(SIZES)}")
    try:
        vocab = _vocab(args.vocab)
    except ValueError:
        raise InputError(f"--vocab {args.vocab}: give a number or 'tokenizer'") from None
    cfg = SIZES[args.config].with_vocab(vocab)
    seq = args.seq or min(32, cfg.ctx)
    if not 1 <= seq <= cfg.ctx or args.batch < 8:
        raise InputError(f"need 1 <= --seq <= ctx ({cfg.ctx}) and --batch >= 8")
    settings = Settings(vocab=vocab, batch=args.batch, seq=seq, seed=args.seed, device=args.device)
    dtypes = DTYPES if args.dtype == "both" else (args.dtype,)

    def on_stage(progress) -> None:
        st = progress.data["stage"]
        print(f"{st['name']:<3} {st['dtype']:<8} {'pass' if st['passed'] else 'FAIL'}  {st['title']}",
              file=sys.stderr, flush=True)

    result = finish(run_regimen(cfg, args.config, settings, dtypes), on_stage).value
    json_path, text_path = write_result(result, args.output or Workspace().parity)
    sys.stdout.write(table(result))
    print(f"wrote {json_path} and {text_path}")
    return 0 if result["passed"] else 1


def add_arguments(p) -> None:
    p.add_argument("--config", required=True, help="a size of engine.model.SIZES (tiny, small, l3_d192, l4_d192, l6_d384)")
    p.add_argument("--dtype", choices=("float32", "float64", "both"), default="both")
    p.add_argument("-o", "--output", help="output folder (default: the workspace's parity/, where preflight looks)")
    p.add_argument("--vocab", default="64", help="vocabulary size, or 'tokenizer' for the default tokenizer's")
    p.add_argument("--batch", type=positive_int, default=8, help="rows per batch (at least 8)")
    p.add_argument("--seq", type=positive_int, help="positions per row (default: 32, at most the config's ctx)")
    p.add_argument("--seed", type=int, default=0, help="initial weights and batches")
    p.add_argument("--device", default="cpu", help="the torch side's device (cpu, cuda)")
    p.set_defaults(run=cmd_parity)
