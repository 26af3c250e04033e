"""Fuzz the DSL parser, canonicalizer and compiler: 100,000 inputs, the failures and the slowest.

    python bench/fuzz.py [--inputs 100000] [--workers N] [--seed 1] [--out DIR]   # default: WORKSPACE/fuzz

The inputs are those of tests/test_fuzz_dsl.py (half vocabulary token soups, half byte-mutated gold
scenes), drawn through hypothesis's `fuzz_one_input` from seeded random buffers, so input k of a
seed is the same on every run; the oracle is the same `answer()` (no exception, the canonical text
reads back to itself, well-formed SVG). Work is split over `--workers` processes (default: every
core), each warmed up on the gold scenes first (the grammar and the font tables load once per
process, about 0.15 s, which is not an input's cost). Bound (issue 8): 0 failures and every input
answered within 1 s of wall time. A wall time measured while the machine is busy says as much
about the machine as about the input, so inputs are also ranked by the CPU time their process
spent on them, and the most expensive ones are timed again at the end, alone (median of 5). Each
failure and the slowest inputs are written to OUT as text files to replay with `ck check` /
`ck compile`.

Reference in the same run: the median time of the unmodified gold scenes through the same oracle,
so "slowest / gold median" says how far the worst input is from ordinary work.
Exit 1 when an input fails or one takes 1 s or more.
"""
from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
import traceback
from multiprocessing import Pool
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from hypothesis import HealthCheck, given, settings
from test_fuzz_dsl import GOLD_SCENES, SINK_CONTENT, answer, mutated_gold, token_soups

from bench.timing import median_s
from engine.paths import default_workspace

BOUND_S = 1.0
BUFFER_BYTES = 8192   # hypothesis reads its choices from this; more than any input here needs
FAMILIES = ("token_soup", "mutated_gold")
RETIME = 5            # the slowest inputs timed again, alone, at the end


def _runner(family: str, record):
    """A hypothesis test for one family whose body times `answer` and hands the outcome to `record`."""
    strategy = token_soups().map(lambda t: (t, SINK_CONTENT)) if family == "token_soup" else mutated_gold()

    @settings(deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(strategy)
    def run(case):
        text, content = case
        cpu = time.process_time()
        try:
            wall = answer(text, content)
            record(text, content, wall, time.process_time() - cpu, None)
        except Exception as e:   # noqa: BLE001 -- every exception is a finding, reported not raised
            error = f"{type(e).__name__}: {e}".splitlines()[0][:200] + "\n" + traceback.format_exc()
            record(text, content, None, None, error)

    return run.hypothesis.fuzz_one_input


def warm_up() -> None:
    for _, data, content in GOLD_SCENES:
        answer(data.decode(), content)


def fuzz_chunk(task: tuple[str, int, int, int]) -> dict:
    """Run inputs [start, start + count) of one family; return counts, failures, the slowest."""
    family, seed, start, count = task
    out = {"family": family, "ran": 0, "seconds": [], "cpu": [], "failures": [], "costliest": []}

    def record(text: str, content, wall: float | None, cpu: float | None, error: str | None) -> None:
        out["ran"] += 1
        if error is not None:
            out["failures"].append((family, text, error))
            return
        out["seconds"].append(wall)
        out["cpu"].append(cpu)
        out["costliest"] = sorted([*out["costliest"], (cpu, family, text, content)], key=lambda s: -s[0])[:RETIME]

    fuzz_one = _runner(family, record)
    for k in range(start, start + count):
        fuzz_one(random.Random(f"{seed}:{family}:{k}").randbytes(BUFFER_BYTES))
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--inputs", type=int, default=100_000)
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", type=Path, default=default_workspace() / "fuzz")
    args = ap.parse_args()

    gold_median = median_s(lambda: [answer(d.decode(), c) for _, d, c in GOLD_SCENES], 5, warmup=True) / len(GOLD_SCENES)
    chunk = 500
    tasks = [(family, args.seed, start, min(chunk, args.inputs // 2 - start))
             for family in FAMILIES for start in range(0, args.inputs // 2, chunk)]
    began = time.perf_counter()
    ran, seconds, cpu, failures, costliest = 0, [], [], [], []
    with Pool(args.workers, initializer=warm_up) as pool:
        for i, result in enumerate(pool.imap_unordered(fuzz_chunk, tasks), 1):
            ran += result["ran"]
            seconds += result["seconds"]
            cpu += result["cpu"]
            failures += result["failures"]
            costliest = sorted(costliest + result["costliest"], key=lambda s: -s[0])[:RETIME]
            print(f"\r{ran:,} inputs, {len(failures)} failures, slowest {max(seconds, default=0) * 1000:.0f} ms "
                  f"({i}/{len(tasks)} chunks, {time.perf_counter() - began:.0f} s)", end="", flush=True)
    print()
    wall = time.perf_counter() - began
    alone = [median_s(lambda c=c: answer(c[2], c[3]), 5, warmup=True) for c in costliest]
    worst = max(range(len(costliest)), key=lambda k: alone[k])

    args.out.mkdir(parents=True, exist_ok=True)
    for n, (family, text, error) in enumerate(failures[:50]):
        (args.out / f"failure_{n:03d}_{family}.dsl").write_text(text, encoding="utf-8", errors="surrogatepass")
        (args.out / f"failure_{n:03d}_{family}.txt").write_text(error)
    for n, (_, family, text, _) in enumerate(costliest):
        (args.out / f"slowest_{n}_{family}.dsl").write_text(text, encoding="utf-8", errors="surrogatepass")

    over = sum(t >= BOUND_S for t in seconds) + sum(a >= BOUND_S for a in alone)
    q = statistics.quantiles(seconds, n=100) if len(seconds) > 1 else [0.0] * 99
    print(f"inputs        {ran:,} ({args.workers} workers, seed {args.seed}, {wall:.0f} s)")
    print(f"failures      {len(failures)}" + "".join(f"\n  {f[0]}: {f[2].splitlines()[0]}" for f in failures[:10]))
    print(f"over {BOUND_S:.0f} s      {sum(t >= BOUND_S for t in seconds)} during the run, "
          f"{sum(a >= BOUND_S for a in alone)} of the {len(alone)} costliest timed alone")
    print(f"wall time     median {statistics.median(seconds) * 1000:.1f} ms, p99 {q[98] * 1000:.1f} ms, "
          f"max {max(seconds) * 1000:.1f} ms during the run; CPU time max {max(cpu) * 1000:.1f} ms")
    print(f"costliest {len(costliest)}, alone: " + ", ".join(f"{a * 1000:.1f}" for a in alone) + " ms (CPU during "
          "the run: " + ", ".join(f"{c[0] * 1000:.0f}" for c in costliest) + " ms)")
    print(f"reference     gold scenes, median {gold_median * 1000:.1f} ms each; "
          f"slowest alone / gold = {alone[worst] / gold_median:.1f}x")
    _, family, text, _ = costliest[worst]
    print(f"slowest input {family}, {len(text):,} characters, {alone[worst] * 1000:.0f} ms alone: {text[:160]!r}"
          f"{'...' if len(text) > 160 else ''}  ({args.out / f'slowest_{worst}_{family}.dsl'})")
    return 1 if failures or over else 0


if __name__ == "__main__":
    sys.exit(main())
