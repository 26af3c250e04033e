"""`ck runs`: read or decide on the workspace's runs (`ck run`, which makes them, is engine/pipeline.py).

    ck runs list [--json]
    ck runs show RUN [--json]            the record with its scoreboard (SPEC.md section 7 names)
    ck runs compare A B [--json]         A against B on the newest probe list both have
    ck runs decide RUN promote|reject|repair|branch --why TEXT [--next TEXT] [--lesson TEXT ...]
    ck runs record RUN_DIR [--rung rN]   register (or refresh) a folder `ck train` / `ck probe` wrote

Every command takes --workspace DIR (default: $CK_WORKSPACE, else out/ in the repository), whose
ledger.sqlite holds the runs. Exit codes: 0 done, 1 a promotion refused, 2 bad input.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

from engine.fileio import InputError
from engine.paths import Workspace
from engine.runs.ledger import Ledger

HEADLINE = ("exact_rate", "renderable_rate", "materialized_exact_rate")


def _pct(v) -> str:
    return "    –" if v is None else f"{100 * v:5.1f}"


def _workspace(args) -> Workspace:
    return Workspace(args.workspace or None)


def _open(args) -> Ledger:
    path = _workspace(args).ledger
    if not path.exists():
        raise InputError(f"{path}: no ledger in this workspace yet (`ck run SPEC.toml` starts one; "
                         "--workspace DIR picks another)")
    return Ledger(path)


def cmd_list(args) -> int:
    with _open(args) as ledger:
        runs = ledger.runs()
    if args.json:
        print(json.dumps(runs, indent=1))
        return 0
    if not runs:
        print("no runs yet")
        return 0
    print(f"{'run':<18} {'status':<10} {'step':>11} {'loss':>8}  {'decision':<9} created")
    for r in runs:
        step = f"{r['step']}/{r['total_steps']}" if r["step"] is not None else "–"
        loss = f"{r['loss']:.4f}" if r["loss"] is not None else "–"
        mark = " *champion" if r["champion"] else ""
        print(f"{r['id']:<18} {r['status']:<10} {step:>11} {loss:>8}  {r['decision'] or '–':<9} {r['created']}{mark}")
    return 0


def _print_record(rec: dict) -> None:
    run, spec, m = rec["run"], rec["spec"], rec["metrics"]
    print(f"{run['id']}  spec {spec['name']} v{spec['version']} ({spec['sha256'][:12]}), rung {run['rung']}, "
          f"status {run['status']}" + (f": {run['detail']}" if run["detail"] else ""))
    if run["status"] in ("preflight", "canary", "training", "probing", "reporting"):
        print(f"  not finished: still running, or its process ended during {run['status']} "
              f"(`ck run SPEC --resume {run['id']}` continues it)")
    print(f"  folder     {run['run_dir']}")
    print(f"  axis       {run['primary_axis']}")
    print(f"  baseline   {run['baseline'] or 'none'}" + (f"; champion {rec['champion']}" if rec["champion"] else ""))
    if m:
        print(f"  training   step {m['step']}/{m['total_steps']}, loss {m['loss']:.4f} (min {m['min_loss']:.4f}), "
              f"{m['tokens']:,} tokens, {m['elapsed']:.0f} s" if m["loss"] is not None else
              f"  training   step {m['step']}/{m['total_steps']}")
    if rec["canary"]:
        print(f"  canary     {'passed' if rec['canary']['passed'] else 'FAILED'}")
    for mode, board in rec["scoreboard"].items():
        p = board["probe"]
        print(f"  probe {mode}: {p['name']} v{p['version']} ({p['count']} cases)")
        print(f"    {'(raw / repaired, %)':<32}" + "".join(f"{m.removesuffix('_rate'):>22}" for m in HEADLINE))
        rows = [("overall", board["raw"]["overall"], board["repaired"]["overall"])]
        rows += [(f"split {k}", v, board["repaired"]["by_split"].get(k, {})) for k, v in board["raw"]["by_split"].items()]
        rows += [(f"layout {k}", v, board["repaired"]["by_layout"].get(k, {})) for k, v in board["raw"]["by_layout"].items()]
        rows += [(f"hidden {k}", v, board["repaired"].get("by_split_layout", {}).get("hidden", {}).get(k, {}))
                 for k, v in board["raw"].get("by_split_layout", {}).get("hidden", {}).items()]
        for label, raw, rep in rows:
            print(f"    {label:<32}" + "".join(f"{_pct(raw.get(m)):>14} /{_pct(rep.get(m)):>6}" for m in HEADLINE))
    for d in rec["decisions"]:
        print(f"  decision   {d['decided']} {d['action']}: {d['why']}" + (f" -> next: {d['next_run']}" if d["next_run"] else ""))
    for lesson in rec["lessons"]:
        print(f"  lesson     {lesson['text']}")
    if run["report"]:
        print(f"  report     {run['report']}")


def cmd_show(args) -> int:
    with _open(args) as ledger:
        rec = ledger.record_of(args.run_id)
    if args.json:
        print(json.dumps(rec, indent=1))
    else:
        _print_record(rec)
    return 0


def cmd_compare(args) -> int:
    with _open(args) as ledger:
        comparison = ledger.compare(args.a, args.b)
    if args.json:
        print(json.dumps(comparison.to_json(), indent=1))
        return 0
    p = comparison.probe
    lost = comparison.regressions()
    if p.get("shared_cases"):
        print(f"{comparison.a} against {comparison.b} on the {p['shared_cases']} cases their probe lists share "
              f"({p['name']}): runs of two specs")
    else:
        print(f"{comparison.a} against {comparison.b} on probe {p['name']} v{p['version']} ({p['sha256'][:12]})")
    print(f"  {'':<56}{comparison.a:>12}{comparison.b:>12}{'delta':>8}")
    hidden = 0
    for d in comparison.rows:
        changed = d.delta is None or abs(d.delta) > 1e-9
        if d.scope != "overall" and (d.metric not in HEADLINE or not changed):
            hidden += d.metric in HEADLINE
            continue
        delta = "" if d.delta is None else f"{100 * d.delta:+.1f}"
        mark = "  <- regression" if d in lost else ""
        print(f"  {d.label():<56}{_pct(d.a):>12}{_pct(d.b):>12}{delta:>8}{mark}")
    print(f"({hidden} unchanged split and layout rows not shown; --json has every row)")
    print(f"{len(lost)} family or hidden-split regression(s) of {comparison.a} against {comparison.b}")
    return 0


def cmd_decide(args) -> int:
    from engine.runs.promotion import PromotionRefused

    with _open(args) as ledger:
        try:
            decision = ledger.decide(args.run_id, args.action, args.why, args.next or "", tuple(args.lesson or ()))
        except PromotionRefused as e:
            print(f"ck: {e}", file=sys.stderr)
            return 1
    line = f"{decision['run']}: {decision['action']} recorded ({decision['decided']})"
    if decision["action"] == "promote":
        line += f"; champion of its spec now, frozen ({decision['evidence']['rule']})"
    print(line)
    return 0


def cmd_record(args) -> int:
    from engine.runs.record import record_folder

    with Ledger.open(_workspace(args).root) as ledger:
        run_id = record_folder(ledger, Path(args.run_dir), rung=args.rung)
    print(run_id)
    return 0


def add_arguments(g) -> None:
    def workspace(p) -> None:
        p.add_argument("--workspace", help="folder holding ledger.sqlite and runs/ "
                                           "(default: $CK_WORKSPACE, else out/ in the repository)")

    gsub = g.add_subparsers(dest="runs_command", required=True, metavar="RUNS_COMMAND")
    ls = gsub.add_parser("list", help="every run, newest first")
    workspace(ls)
    ls.add_argument("--json", action="store_true")
    ls.set_defaults(run=cmd_list)
    sh = gsub.add_parser("show", help="one run's record and scoreboard")
    sh.add_argument("run_id", metavar="RUN")
    workspace(sh)
    sh.add_argument("--json", action="store_true", help="the whole record as JSON")
    sh.set_defaults(run=cmd_show)
    cp = gsub.add_parser("compare", help="A against B on the same probe version (refused across versions)")
    cp.add_argument("a")
    cp.add_argument("b")
    workspace(cp)
    cp.add_argument("--json", action="store_true")
    cp.set_defaults(run=cmd_compare)
    de = gsub.add_parser("decide", help="record promote, reject, repair or branch (promote checks the rules)")
    de.add_argument("run_id", metavar="RUN")
    de.add_argument("action", choices=("promote", "reject", "repair", "branch"))
    de.add_argument("--why", required=True, help="the reason, in a sentence")
    de.add_argument("--next", help="the next run's shape and its intended axis change")
    de.add_argument("--lesson", action="append", help="a lesson for the report (repeatable)")
    workspace(de)
    de.set_defaults(run=cmd_decide)
    rc = gsub.add_parser("record", help="register or refresh a run folder: metrics and probe results")
    rc.add_argument("run_dir")
    rc.add_argument("--rung", help="rung for a folder not yet in the ledger (default: the next)")
    workspace(rc)
    rc.set_defaults(run=cmd_record)
