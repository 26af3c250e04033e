"""`ck generate` speed: one prompt, warm (model loaded, in-process) and cold (a fresh `ck generate`
process: start, imports, checkpoint load, decode), against transformers' `generate` on the same
weights in the same run.

    python bench/generate.py [--run RUN] [--rounds 5] [--budget N]

RUN is what `ck generate` takes (a run folder, a run id, `champion`); without one, an l3_d192 one step
from its seeded init is saved as a run here (it rarely stops early, so it decodes its whole budget: the worst
case). Targets (issue 20): warm under 1 s, cold under 3 s on the l3_d192 model.
"""
from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import torch
from decode import hf_generate
from timing import median_s
from train import llama_like

from engine.inference.generate import explicit, generate, resolve_run
from engine.probe.weights import load_trained

PROMPT = {"layout": "pipeline_lane", "topic": "kv_cache"}


def _random_run(folder: Path) -> Path:
    """A run folder holding an l3_d192 one step from its seeded init, as `ck train` writes it."""
    sys.path.insert(0, str(ROOT / "tests"))
    from test_train import _rows   # the tests' small row set: enough for one step

    from engine.tokenizer import default_tokenizer
    from engine.train import Stage, TrainConfig, Trainer

    tok = default_tokenizer()
    tok.save(folder / "tokenizer.json")
    cfg = TrainConfig(size="l3_d192", ctx=768, seed=0, batch=8, micro_batch=8, warmup_steps=1, checkpoint_every=1,
                      stages=(Stage("pretrain", ("direct",), "steps", 1),))
    for _ in Trainer(cfg, _rows(), tok, folder, max_steps=1).run():
        pass
    return folder


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--run", help="RUN as ck generate takes it (default: a random l3_d192)")
    p.add_argument("--rounds", type=int, default=5)
    p.add_argument("--budget", type=int, help="most new tokens (default: the context's room)")
    args = p.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        run = args.run or str(_random_run(Path(tmp)))
        run_dir, checkpoint = resolve_run(run)
        trained = load_trained(run_dir, checkpoint)
        prompt = explicit(trained.tokenizer, **PROMPT)
        ours = generate(trained, prompt, budget=args.budget)[0]
        warm = median_s(lambda: generate(trained, prompt, budget=args.budget), args.rounds, warmup=True)
        hf = llama_like(trained.model).eval()
        ids = [trained.tokenizer.bos_id, *trained.tokenizer.encode(prompt)]
        with torch.no_grad():
            reference = median_s(lambda: hf_generate(hf, trained.tokenizer, [ids], ours.tokens), args.rounds, warmup=True)
        argv = [sys.executable, "-m", "engine.cli", "generate", str(run_dir), "--layout", PROMPT["layout"],
                "--topic", PROMPT["topic"], *(["--budget", str(args.budget)] if args.budget else [])]
        colds = []
        for _ in range(args.rounds):
            t = time.perf_counter()
            subprocess.run(argv, cwd=ROOT, capture_output=True, check=False)
            colds.append(time.perf_counter() - t)
        cold = sorted(colds)[len(colds) // 2]
    name = f"{run} step {trained.step}" if args.run else "l3_d192 one step from its seed-0 init"
    print(f"model: {name}; prompt {prompt}; {ours.tokens} tokens, stop {ours.stop}")
    print(f"warm  ck generate (in-process)    {warm:6.3f} s  ({ours.tokens / warm:,.0f} tokens/s)  target < 1 s")
    print(f"      transformers generate       {reference:6.3f} s  ({ours.tokens / reference:,.0f} tokens/s)  "
          f"ours {reference / warm:.2f}x")
    print(f"cold  ck generate (new process)   {cold:6.3f} s  target < 3 s  (median of {args.rounds})")


if __name__ == "__main__":
    main()
