"""`ck report RUN -o report.html`: the run's HTML report (engine/report/render.py).

RUN is a run id of the workspace's ledger (--workspace DIR, default $CK_WORKSPACE, else out/ in the
repository) or a run folder. Without -o the report is written to RUN/report.html.
"""
from __future__ import annotations


def cmd_report(args) -> int:
    from engine.report.render import report_run

    print(f"report: {report_run(args.run_id, args.output, args.workspace)}")
    return 0


def add_arguments(p) -> None:
    p.add_argument("run_id", metavar="RUN", help="a run id of the ledger, or a run folder")
    p.add_argument("-o", "--output", help="HTML path (default: RUN/report.html)")
    p.add_argument("--workspace",
                   help="folder holding ledger.sqlite (default: $CK_WORKSPACE, else out/ in the repository)")
    p.set_defaults(run=cmd_report)


def cmd_ladder(args) -> int:
    from engine.report.render import write_ladder

    print(f"ladder: {write_ladder(args.output, args.workspace)}")
    return 0


def add_ladder_arguments(p) -> None:
    p.add_argument("-o", "--output", default="ladder.html", help="HTML path (default: ladder.html)")
    p.add_argument("--workspace",
                   help="folder holding ledger.sqlite (default: $CK_WORKSPACE, else out/ in the repository)")
    p.set_defaults(run=cmd_ladder)
