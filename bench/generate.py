"""`ck generate` speed: one prompt, warm (model loaded, in-process) and cold (a fresh `ck generate`
process: start, imports, checkpoint load, decode), against transformers' `generate` on the same
weights in the same run.

    python bench/generate.py [--run RUN [--workspace WS] [--spec SPEC]] [--layout L --topic T]
                             [--constrained] [--content content.json] [--rounds 5] [--budget N]

RUN is what `ck generate` takes (a run folder, a run id of WS's ledger, `champion`); without one, an
l3_d192 one step from its seeded init is saved as a run here (it rarely stops early, so it decodes its
whole budget: the worst case). --content makes the cold command compile the scene to SVG and PNG too.
All three decode on one torch thread, as `ck generate` does. Cold is reported as wall and as CPU time
(user + system of the child): on a shared machine the wall grows with the load, the CPU time does not.
Targets (issue 20): warm under 1 s, cold under 3 s on the l3_d192 model.
"""
from __future__ import annotations

import argparse
import os
import resource
import statistics
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


def _cold(argv: list[str], workspace: str | None, rounds: int) -> tuple[float, float]:
    """Median wall and median CPU seconds (user + system) of `argv` as a new process."""
    env = dict(os.environ, **({"CK_WORKSPACE": workspace} if workspace else {}))
    walls, cpus = [], []
    for _ in range(rounds):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t = time.perf_counter()
        done = subprocess.run(argv, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
        walls.append(time.perf_counter() - t)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
        if done.returncode not in (0, 1):   # 1: the model wrote no scene, still a whole generate
            raise SystemExit(f"cold run failed ({done.returncode}): {done.stderr[-600:]}")
    return statistics.median(walls), statistics.median(cpus)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--run", help="RUN as ck generate takes it (default: a random l3_d192)")
    p.add_argument("--workspace", help="the workspace of RUN's ledger (default: $CK_WORKSPACE, else out/)")
    p.add_argument("--spec", help="with --run champion: that spec's champion")
    p.add_argument("--layout", default="pipeline_lane")
    p.add_argument("--topic", default="kv_cache")
    p.add_argument("--constrained", action="store_true", help="grammar-masked decoding (and --repair)")
    p.add_argument("--content", type=Path, help="content.json: the cold command also writes SVG and PNG")
    p.add_argument("--rounds", type=int, default=5)
    p.add_argument("--budget", type=int, help="most new tokens (default: the context's room)")
    args = p.parse_args()
    torch.set_num_threads(1)
    with tempfile.TemporaryDirectory() as tmp:
        run = args.run or str(_random_run(Path(tmp)))
        run_dir, checkpoint = resolve_run(run, args.workspace, args.spec)
        trained = load_trained(run_dir, checkpoint)
        prompt = explicit(trained.tokenizer, layout=args.layout, topic=args.topic)
        options = {"budget": args.budget, "constrained": args.constrained, "repair": args.constrained}
        ours = generate(trained, prompt, **options)[0]
        warm = median_s(lambda: generate(trained, prompt, **options), args.rounds, warmup=True)
        warm_cpu = median_s(lambda: generate(trained, prompt, **options), args.rounds, clock=time.process_time)
        hf = llama_like(trained.model).eval()
        ids = [trained.tokenizer.bos_id, *trained.tokenizer.encode(prompt)]
        with torch.no_grad():
            theirs = lambda: hf_generate(hf, trained.tokenizer, [ids], ours.tokens)
            reference = median_s(theirs, args.rounds, warmup=True)
            reference_cpu = median_s(theirs, args.rounds, clock=time.process_time)
        argv = [sys.executable, "-m", "engine.cli", "generate", str(checkpoint or run_dir), "--layout", args.layout,
                "--topic", args.topic, *(["--budget", str(args.budget)] if args.budget else []),
                *(["--constrained", "--repair"] if args.constrained else []),
                *(["--content", str(args.content.resolve()), "-o", f"{tmp}/cold.svg", "--png", f"{tmp}/cold.png"]
                  if args.content else [])]
        cold, cold_cpu = _cold(argv, args.workspace, args.rounds)
    name = f"{run} ({run_dir.name}) step {trained.step}" if args.run else "l3_d192 one step from its seed-0 init"
    load = os.getloadavg()
    print(f"model: {name}; prompt {prompt}; {ours.tokens} tokens, stop {ours.stop}"
          f"{', constrained + repair' if args.constrained else ''}")
    print(f"warm  ck generate (in-process)    {warm:6.3f} s wall, {warm_cpu:.3f} s CPU  "
          f"({ours.tokens / warm:,.0f} tokens/s)  target < 1 s")
    print(f"      transformers generate       {reference:6.3f} s wall, {reference_cpu:.3f} s CPU  "
          f"({ours.tokens / reference:,.0f} tokens/s)  ours {reference / warm:.2f}x ({reference_cpu / warm_cpu:.2f}x CPU)")
    print(f"cold  ck generate (new process)   {cold:6.3f} s wall, {cold_cpu:.3f} s CPU  target < 3 s  "
          f"(medians of {args.rounds}{'; compiled to SVG and PNG' if args.content else ''})")
    print(f"load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} on {os.cpu_count()} CPUs")


if __name__ == "__main__":
    main()
