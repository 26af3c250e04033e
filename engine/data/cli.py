"""`ck data build|qc|audit`: the dataset stage of the `ck` command (wired in by engine/cli.py).

    ck data build specs/spec01.toml -o out/data/spec01
    ck data qc out/data/spec01 [--spec specs/spec01.toml] [--budget 2000000]
    ck data audit specs/spec01.toml [out/data/spec01]

Exit codes: 0 passed, 1 a check failed, 2 bad input (raised as InputError, reported by `ck`).
"""
from __future__ import annotations

import time
from pathlib import Path

from engine.argtypes import positive_int


def cmd_build(args) -> int:
    from engine.data.build import build_to
    from engine.data.spec import load_spec

    start = time.perf_counter()
    rows, manifest = build_to(load_spec(args.spec), args.output)
    elapsed = time.perf_counter() - start
    for split, n in sorted(manifest["counts"]["split"].items()):
        buckets = " ".join(f"{b}={k}" for b, k in sorted(manifest["counts"]["bucket"][split].items()))
        print(f"{split:<7}{n:>6}  {buckets}")
    print(f"{len(rows)} rows in {args.output} ({elapsed:.1f} s); next: ck data qc {args.output} --spec {args.spec}")
    return 0


def cmd_qc(args) -> int:
    from engine.data.qc import run_qc, summary
    from engine.data.spec import load_spec

    report = run_qc(args.dir, load_spec(args.spec) if args.spec else None, args.budget)
    print(summary(report))
    print(f"report: {Path(args.dir) / 'qc.json'}")
    return 0 if report["passed"] else 1


def cmd_audit(args) -> int:
    from engine.data.audit import audit, summary
    from engine.data.build import build_dataset
    from engine.data.rows import read_manifest, read_rows
    from engine.data.spec import load_spec

    spec = load_spec(args.spec)
    if args.dir:
        read_manifest(args.dir)     # refuses a folder that is not a dataset
        rows = read_rows(args.dir)
    else:
        rows = build_dataset(spec)
    report = audit(spec, rows)
    print(summary(report))
    return 0 if report["passed"] else 1


def add_arguments(d) -> None:
    dsub = d.add_subparsers(dest="data_command", required=True, metavar="DATA_COMMAND")

    b = dsub.add_parser("build", help="build train/dev/test/hidden JSONL and a manifest from SPEC.toml")
    b.add_argument("spec", help="the spec (e.g. specs/spec01.toml)")
    b.add_argument("-o", "--output", required=True, help="dataset folder")
    b.set_defaults(run=cmd_build)

    q = dsub.add_parser("qc", help="check a dataset and profile it; exit 1 on a failed check")
    q.add_argument("dir", help="dataset folder (from ck data build)")
    q.add_argument("--spec", help="check against this spec instead of the manifest's copy")
    q.add_argument("--budget", type=positive_int, help="training token budget, for effective epochs")
    q.set_defaults(run=cmd_qc)

    a = dsub.add_parser("audit", help="does every predicted failure class have teaching rows?")
    a.add_argument("spec")
    a.add_argument("dir", nargs="?", help="dataset folder (default: build the spec in memory)")
    a.set_defaults(run=cmd_audit)
