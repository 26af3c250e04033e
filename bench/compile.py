"""Compile speed: parse + canonicalize + compile per fixture, and a dataset-sized batch.

    python bench/compile.py [--repeat N] [--scenes N] [--jobs J (default: the cores this process may use)]
    python bench/compile.py --against /work/main [--rounds R]
    python bench/compile.py --from gold [MAPS ...] [--against DIR]   (other scenes as the fixtures)

The table: per fixture (tests/golden and two kitchen sinks), the median of lark's LALR parser
alone on the same text (the parse the DSL paid before clean texts were read without it), warm
(text-measure caches kept) and cold (emptied before each run, as a dataset scene with new content
would find them). The batch: `--scenes` scenes (the fixtures in turn, each cold) timed end to end in
one run, on one process and then with `--jobs` worker processes sharing them (pool start
included), as `ck data qc` shares a dataset's targets among the cores (engine/data/qc.py), scaled
to 10,000. Target (issue 19): 10,000 dataset scenes in under 10 s here.

`--dataset DIR` times a built dataset's own targets instead (DIR: a `ck data build` output, e.g. a
run's preflight/data): `ck data qc`'s target check (parse, canonical form, compile with the gold
entry's content) on one process and on `--jobs`, scaled to 10,000 distinct targets.

`--against DIR` times another checkout's engine (e.g. main) on this checkout's fixtures: R rounds,
each one child process per engine in turn, so background load hits both alike; it prints each
side's medians and the ratio, which is the figure to read on a loaded machine.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# The engine timed: this checkout's, or another's for `--against` (its children pass --engine).
ENGINE = Path(sys.argv[sys.argv.index("--engine") + 1]).resolve() if "--engine" in sys.argv else ROOT
sys.path[:0] = [str(ENGINE), str(ROOT / "bench"), str(ROOT / "tests")]

from timing import median_ms

from engine.compiler import compile_scene
from engine.compiler.text import _em_width, wrap
from engine.dsl import load
from engine.dsl.parse import parser as lark_parser

SCENES_PER_DATASET = 10_000


def cold(text: str, content) -> None:
    """One scene through parse, canonicalize and compile, with empty text-measure caches."""
    wrap.cache_clear()
    _em_width.cache_clear()
    compile_scene(load(text).scene, content)


def fixtures(folders: list[Path] | None = None) -> list[tuple[str, str, dict]]:
    """The goldens and two kitchen sinks; with `folders`, the scenes in them instead (a folder
    holding scene.dsl and content.json, or a folder of such: the gold pack, a round's hand-maps,
    whose dense posters and nested rows the goldens are too small for)."""
    out = []
    if folders:
        for folder in folders:
            for d in [folder] if (folder / "scene.dsl").exists() else sorted(folder.iterdir()):
                if (d / "scene.dsl").exists():
                    out.append((d.name, (d / "scene.dsl").read_text(), json.loads((d / "content.json").read_text())))
        return out
    for d in sorted((ROOT / "tests" / "golden").iterdir()):
        if (d / "scene.dsl").exists():
            out.append((d.name, (d / "scene.dsl").read_text(), json.loads((d / "content.json").read_text())))
    from scenes import kitchen_sink

    for layout in ("poster_stack", "decision_tree"):
        text, content = kitchen_sink(layout)
        out.append((f"kitchen_sink_{layout}", text, content))
    return out


def _share(cases: list[tuple[str, str, dict]], n: int, jobs: int, at: int) -> None:
    for i in range(at, n, jobs):
        _, text, content = cases[i % len(cases)]
        cold(text, content)


def batch_s(cases: list[tuple[str, str, dict]], n: int, jobs: int) -> float:
    """Wall seconds for n cold scenes (the cases in turn), over `jobs` forked processes."""
    start = time.perf_counter()
    if jobs == 1:
        _share(cases, n, 1, 0)
    else:
        import multiprocessing

        with multiprocessing.get_context("fork").Pool(jobs) as pool:
            pool.starmap(_share, [(cases, n, jobs, at) for at in range(jobs)])
    return time.perf_counter() - start


def table(cases, repeat: int) -> float:
    """Print the per-fixture table; the median cold ms over the fixtures."""
    parser = lark_parser()
    print(f"{'fixture':34} {'comps':>5} {'lines':>5} {'lark ms':>8} {'warm ms':>8} {'cold ms':>8} {'scenes/s':>9}")
    totals = []
    for name, text, content in cases:
        lark_ms = median_ms(lambda t=text: parser.parse(t), repeat)
        warm_ms = median_ms(lambda t=text, c=content: compile_scene(load(t).scene, c), repeat)
        cold_ms = median_ms(lambda t=text, c=content: cold(t, c), repeat)
        totals.append(cold_ms)
        print(f"{name:34} {len(load(text).scene.components):5d} {text.count(chr(10)):5d} {lark_ms:8.3f} "
              f"{warm_ms:8.3f} {cold_ms:8.3f} {1000 / cold_ms:9.0f}")
    return statistics.median(totals)


def measure(cases, repeat: int, scenes: int, jobs: int) -> dict:
    """The two figures `--against` compares, without the table."""
    per = [median_ms(lambda t=text, c=content: cold(t, c), repeat) for _, text, content in cases]
    return {"median_cold_ms": statistics.median(per), "batch_s": batch_s(cases, scenes, jobs)}


def against(other: Path, args) -> None:
    sides = {"this": ROOT, "reference": other.resolve()}
    got: dict[str, list[dict]] = {k: [] for k in sides}
    for _ in range(args.rounds):
        for key, engine in sides.items():
            out = subprocess.run([sys.executable, __file__, "--engine", str(engine), "--child",
                                  "--repeat", str(args.repeat), "--scenes", str(args.scenes),
                                  "--jobs", str(args.jobs)] + (["--from", *map(str, args.folders)] if args.folders else []),
                                 check=True, capture_output=True, text=True)
            got[key].append(json.loads(out.stdout))
    print(f"{args.rounds} rounds, each side a fresh process in turn; {args.scenes} cold scenes per batch, "
          f"{args.jobs} job(s)")
    med = {k: {f: statistics.median(r[f] for r in rs) for f in rs[0]} for k, rs in got.items()}
    for key, engine in sides.items():
        m = med[key]
        print(f"{key:10} {engine!s:28} median cold {m['median_cold_ms']:7.3f} ms/scene   batch "
              f"{m['batch_s']:6.2f} s  ->  10,000 scenes in {m['batch_s'] * SCENES_PER_DATASET / args.scenes:5.1f} s")
    for f, what in (("median_cold_ms", "median cold per fixture"), ("batch_s", "batch wall")):
        print(f"speed-up, {what}: {med['reference'][f] / med['this'][f]:.2f}x (reference / this)")


def dataset(folder: Path, jobs: int) -> None:
    from engine.data import qc
    from engine.data.rows import read_rows

    rows = read_rows(folder)
    contents = qc.gold_contents(qc.read_manifest(folder), None)
    keys = list(dict.fromkeys((r.target, r.provenance.get("gold", "")) for r in rows))
    print(f"{folder}: {len(rows)} rows, {len(keys)} distinct targets")
    for n in dict.fromkeys((1, jobs)):
        start = time.perf_counter()
        qc.all_problems(keys, contents, n)
        wall = time.perf_counter() - start
        print(f"target check on {n} process(es): {wall:.2f} s, {wall / len(keys) * 1000:.3f} ms per target  ->  "
              f"10,000 targets in {wall * SCENES_PER_DATASET / len(keys):.1f} s")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=200, help="runs per fixture and figure (median)")
    ap.add_argument("--scenes", type=int, default=2000, help="scenes in the batch")
    ap.add_argument("--jobs", type=int, default=len(os.sched_getaffinity(0)), help="processes sharing the batch")
    ap.add_argument("--dataset", type=Path, help="a built dataset folder to time the target check on")
    ap.add_argument("--against", type=Path, help="another checkout to time against (e.g. /work/main)")
    ap.add_argument("--rounds", type=int, default=5, help="rounds of --against")
    ap.add_argument("--from", dest="folders", type=Path, nargs="+",
                    help="time these scene folders (or folders of them, e.g. gold) instead of the goldens")
    ap.add_argument("--engine", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.dataset:
        dataset(args.dataset, args.jobs)
        return
    cases = fixtures(args.folders)
    if args.child:
        print(json.dumps(measure(cases, args.repeat, args.scenes, args.jobs)))
        return
    if args.against:
        against(args.against, args)
        return
    med = table(cases, args.repeat)
    print(f"median cold over fixtures: {med:.3f} ms  ->  10,000 scenes in {med * 10:.1f} s by that median")
    for jobs in dict.fromkeys((1, args.jobs)):
        wall = batch_s(cases, args.scenes, jobs)
        print(f"batch: {args.scenes} cold scenes in {wall:.2f} s on {jobs} process(es)  ->  10,000 scenes in "
              f"{wall * SCENES_PER_DATASET / args.scenes:.1f} s")


if __name__ == "__main__":
    main()
