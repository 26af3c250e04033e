"""`ck probe` and `ck probes`: probe a run's checkpoint; freeze and check probe lists.

    ck probe RUN [--checkpoint C] [--constrained] [--probes FILE] [--budget N] [--batch N] [--threads N]
                 [-o FILE]
    ck probes freeze specs/spec01.toml [--data DIR] [-o resources/probes/spec01.json]
    ck probes show [FILE | SPEC_NAME]

`ck probe` writes RUN/probes/<unconstrained|constrained>/probe.json and its failure gallery and
prints the scoreboard, raw and repaired side by side. Exit codes: 0 done, 2 bad input (InputError,
reported by `ck`).
"""
from __future__ import annotations

import sys
from pathlib import Path

from engine.argtypes import positive_int

HEADLINE = ("exact_rate", "renderable_rate", "materialized_exact_rate")


def _progress(event) -> None:
    stage, done, total = event.data["stage"], event.done, event.total
    end = "\n" if done == total or not sys.stderr.isatty() else ""
    if stage == "decode" or done == total:
        print(f"\r{stage:<7}{done:>5}/{total}", end=end, file=sys.stderr, flush=True)


def summary(result) -> str:
    """The scoreboard as text: raw and repaired per metric, per split and per layout."""
    raw, fixed = result.scoreboard.raw, result.scoreboard.repaired
    rate = result.generated_tokens / result.seconds if result.seconds else 0.0
    p = result.probe
    head = (f"probe {p.name} v{p.version} ({p.count} cases, {p.sha256[:12]}) on {result.run} step {result.step}, "
            f"{result.mode}: decoded {result.generated_tokens:,} tokens in {result.seconds:.1f} s "
            f"({rate:,.0f} tokens/s)")
    lines = [head]
    if result.trained_on:
        lines.append(f"note: {len(result.trained_on)} of the list's held-out cases are train rows of this run, "
                     f"scored as train: {', '.join(result.trained_on)}")
    lines += ["", f"{'metric':<28}{'raw':>9}{'repaired':>10}"]
    for metric, value in raw.overall.items():
        lines.append(f"{metric:<28}{value:>9.3f}{fixed.overall.get(metric, 0.0):>10.3f}")
    for title, raw_part, fixed_part in (("split", raw.by_split, fixed.by_split),
                                        ("layout", raw.by_layout, fixed.by_layout)):
        lines += ["", f"{title:<24}" + "".join(f"{m.removesuffix('_rate'):>22}" for m in HEADLINE),
                  f"{'':<24}" + f"{'raw / repaired':>22}" * len(HEADLINE)]
        for key, rates in raw_part.items():
            cells = "".join(f"{rates[m]:>14.3f} / {fixed_part[key][m]:.3f}" for m in HEADLINE)
            lines.append(f"{key:<24}{cells}")
    for kind, board in (("raw", raw), ("repaired", fixed)):
        classes = ", ".join(f"{k} {n}" for k, n in sorted(board.counts["failure_classes"].items(),
                                                          key=lambda kv: -kv[1])) or "none"
        lines.append(f"\nfailure classes ({kind}): {classes}")
    return "\n".join(lines)


def cmd_probe(args) -> int:
    from engine.events import finish
    from engine.probe.result import probe_path
    from engine.probe.runner import run_probe
    from engine.rundir import ProbeDir

    result = finish(run_probe(args.run_dir, args.checkpoint, args.constrained, probes=args.probes,
                              budget=args.budget, batch_size=args.batch, threads=args.threads or None,
                              out=args.output), _progress).value
    print(summary(result))
    out = Path(args.output) if args.output else probe_path(args.run_dir, args.constrained)
    print(f"\nwrote {out} (gallery of {len(result.failures('raw'))} raw failures in {ProbeDir(out.parent).gallery})")
    return 0


def cmd_freeze(args) -> int:
    from engine.probe.probe_list import freeze

    plist, status = freeze(args.spec, args.output, args.data)
    print(f"{plist.name} v{plist.version}: {status}, {len(plist.items)} cases, sha256 {plist.sha256}")
    return 0


def cmd_show(args) -> int:
    from collections import Counter

    from engine.probe.probe_list import default_list_path, load_probe_list

    target = args.list or "spec01"
    path = Path(target) if target.endswith(".json") else default_list_path(target)
    plist = load_probe_list(path)
    print(f"{path}: {plist.name} v{plist.version}, {len(plist.items)} cases, sha256 {plist.sha256} (verified)")
    cells = Counter((i.split, i.layout) for i in plist.items)
    for split in dict.fromkeys(i.split for i in plist.items):
        print(f"  {split:<7}" + "  ".join(f"{lay} {n}" for (s, lay), n in sorted(cells.items()) if s == split))
    return 0


def add_probe_arguments(p) -> None:
    p.add_argument("run_dir", metavar="RUN", help="run directory (from ck train)")
    p.add_argument("--checkpoint", help="checkpoint sidecar (default: the run's newest)")
    p.add_argument("--constrained", action="store_true", help="grammar-constrained decoding")
    p.add_argument("--probes", help="probe list file (default: resources/probes/<the run's spec>.json)")
    p.add_argument("--budget", type=positive_int, help="cap on generated tokens (default: ctx minus the prompt)")
    p.add_argument("--batch", type=positive_int, default=64, help="prompts decoded together (default 64)")
    p.add_argument("--threads", type=positive_int, default=1,
                   help="torch threads while decoding (default 1, steadiest on a shared CPU; 0: torch's)")
    p.add_argument("-o", "--output", help="probe.json path (default: RUN/probes/<mode>/probe.json)")
    p.set_defaults(run=cmd_probe)


def add_probes_arguments(q) -> None:
    qsub = q.add_subparsers(dest="probes_command", required=True, metavar="PROBES_COMMAND")
    f = qsub.add_parser("freeze", help="build a spec's probe list; a changed list gets a new version")
    f.add_argument("spec", help="the spec (e.g. specs/spec01.toml)")
    f.add_argument("--data", help="the spec's dataset folder (default: build it in memory)")
    f.add_argument("-o", "--output", help="list file (default: resources/probes/<spec>.json)")
    f.set_defaults(run=cmd_freeze)
    s = qsub.add_parser("show", help="verify a list's hash and print its cells")
    s.add_argument("list", nargs="?", help="a list file or a spec name (default spec01)")
    s.set_defaults(run=cmd_show)
