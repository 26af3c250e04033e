"""Seconds for the whole CK <-> PyTorch parity regimen (issue 5), median of a few runs.

    python bench/parity.py [--config small] [--repeat 5] [--dtype float32|float64|both]

Every run is the regimen `ck parity --config small` runs (stages A1, A4, B, C, E1, F1 in each
dtype), after one warm-up run that is not counted. Reference, measured inside the same runs:
the torch side alone, the seconds spent in engine.model.Transformer's own steps (forward,
backward, optimizer step) that the regimen compares against. Printed: medians of the whole
regimen, the CK (numpy) side and the torch side, and the ratios whole / torch (what the regimen
costs over running the same torch steps) and CK / torch (the numpy engine against torch on the
same steps).

Threads: both numpy's OpenBLAS and torch's pool default to every core. At these sizes a pool buys
little, and on a machine other processes load it stalls (spinning threads wait for descheduled
ones): `OMP_NUM_THREADS=1 python bench/parity.py` caps both; the header prints what was used.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import torch

from engine.ck.regimen import DTYPES, Settings, run_regimen
from engine.events import finish
from engine.model import SIZES


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--config", default="small", choices=list(SIZES))
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--dtype", choices=("float32", "float64", "both"), default="both")
    args = ap.parse_args()
    settings = Settings()
    cfg = SIZES[args.config].with_vocab(settings.vocab)
    dtypes = DTYPES if args.dtype == "both" else (args.dtype,)
    finish(run_regimen(cfg, args.config, settings, dtypes))  # warm-up: imports, allocator, BLAS threads
    runs = []
    for _ in range(args.repeat):
        result = finish(run_regimen(cfg, args.config, settings, dtypes)).value
        if not result["passed"]:
            print(f"regimen FAILED: {result['first_divergence']}", file=sys.stderr)
            return 1
        runs.append(result["seconds"])
    med = {k: statistics.median(r[k] for r in runs) for k in ("total", "ck", "torch")}
    print(f"parity regimen, config {args.config} (vocab {settings.vocab}, batch {settings.batch} x "
          f"{settings.seq} tokens), dtypes {', '.join(dtypes)}; median of {args.repeat} runs; "
          f"torch threads {torch.get_num_threads()}, OMP_NUM_THREADS={os.environ.get('OMP_NUM_THREADS', 'unset')}, "
          f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    each = ", ".join(f"{r['total']:.2f}" for r in runs)
    print(f"  whole regimen      {med['total']:8.3f} s   (runs: {each})")
    print(f"  CK side (numpy)    {med['ck']:8.3f} s")
    print(f"  torch side (ref.)  {med['torch']:8.3f} s")
    print(f"  ratio whole / torch  {med['total'] / med['torch']:.2f}x")
    print(f"  ratio CK / torch     {med['ck'] / med['torch']:.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
