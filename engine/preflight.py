"""The pre-training checklist (seed: "Pre-Training Checklist"): six gates a run must pass.

    ck preflight specs/spec01.toml [--data DIR] [--parity FILE] [-o DIR]   # default: WORKSPACE/preflight/spec01

1. compiler parity     the gold gate passes on the spec's gold pack
2. token budget        the longest gold output of the spec's families fits 80 % of its context
3. tokenizer coverage  no <|unk|> on the gold pack, nor on the dataset
4. parity regimen      training_parity_regimen_latest.json says the CK <-> PyTorch regimen passed
                       ("not run" until the training engine has written it: that blocks)
5. dataset QC          every row parses and compiles, no duplicates or contradictions, holdouts
                       disjoint, bucket ratios as declared
6. failure frontier    every failure class the spec predicts has teaching rows (blueprint audit)

Writes preflight.json beside the gate outputs (engine/rundir.PreflightDir); a run is blocked unless
every gate passes. `run_preflight` yields a Progress per gate as it is decided, then the Preflight as
its Result (engine/events.py).
"""
from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path

from engine.events import Event, Progress, Result, finish, producer
from engine.fileio import InputError, read_json, write_atomic
from engine.paths import Workspace
from engine.rundir import PreflightDir

PARITY_FILE = "training_parity_regimen_latest.json"
JOB = "preflight"


def default_parity() -> Path:
    """Where `ck parity` writes by default, and so where the parity-regimen gate looks."""
    return Workspace().parity / PARITY_FILE


@dataclass
class Gate:
    name: str
    status: str            # pass | fail | not run
    detail: str
    evidence: dict = field(default_factory=dict)

    @property
    def passed(self) -> bool:
        return self.status == "pass"

    def to_dict(self) -> dict:
        return asdict(self) | {"passed": self.passed}


@dataclass
class Preflight:
    spec: str
    gates: list[Gate]

    @property
    def passed(self) -> bool:
        return all(g.passed for g in self.gates)

    @property
    def blocking(self) -> list[Gate]:
        return [g for g in self.gates if not g.passed]

    def to_json(self) -> str:
        return json.dumps({"spec": self.spec, "passed": self.passed,
                           "gates": [g.to_dict() for g in self.gates]}, indent=2) + "\n"


def _status(ok: bool) -> str:
    return "pass" if ok else "fail"


def compiler_parity(spec, gallery: Path, library: Path) -> Gate:
    from engine.gold.gate import run_gate
    from engine.gold.pack import load_pack

    entries = load_pack(spec.gold_pack)
    report = finish(run_gate(entries, library, gallery)).value
    skipped = [e.name for e in report.entries if e.status == "skipped"]
    failing = [f"{e.name} {e.status} ({e.score:.3f} < {e.threshold:.2f})" if e.status == "fail"
               else f"{e.name}: {e.reason}" for e in report.entries if e.status in ("fail", "error")]
    detail = (f"gold_asset_parity_score {report.overall:.3f} over {len(report.scored)} entries"
              + (f"; failing: {', '.join(failing)}" if failing else "")
              + (f"; skipped (no library): {', '.join(skipped)}" if skipped else ""))
    return Gate("compiler parity", _status(report.passed), detail,
                {"gold_asset_parity_score": round(report.overall, 4), "failing": failing, "skipped": skipped})


def token_budget(spec, tokenizer) -> Gate:
    from engine.gold.pack import load_pack
    from engine.tokenizer.reports import budget
    from engine.tokenizer.sources import gold_samples

    mine = {e.name for e in load_pack(spec.gold_pack) if e.family in spec.families
            and (not spec.entries or e.name in spec.entries)}   # the entries its rows are built from
    report = budget(tokenizer, [s for s in gold_samples(spec.gold_pack) if s.name in mine], spec.ctx)
    gold = report.gold
    if gold is None:
        return Gate("token budget", "fail", "the gold pack has no scenes to measure")
    detail = (f"longest gold output {gold.longest_output} tokens ({gold.longest_name}) against "
              f"{report.limit:.0f} = 80 % of ctx {spec.ctx}; p95 prompt+output {gold.p95}; "
              f"recommended ctx {report.recommended_ctx}")
    return Gate("token budget", _status(report.passed), detail,
                {"ctx": spec.ctx, "limit": report.limit, "longest_output": gold.longest_output,
                 "p50": gold.p50, "p95": gold.p95, "max": gold.max, "recommended_ctx": report.recommended_ctx})


def tokenizer_coverage(spec, tokenizer, data: Path | None) -> Gate:
    from engine.tokenizer.reports import coverage
    from engine.tokenizer.sources import dataset_samples, gold_samples

    sources = {"gold": gold_samples(spec.gold_pack)}
    if data is not None:
        sources["dataset"] = list(dataset_samples(data))
    report = coverage(tokenizer, sources)
    parts = [f"{s.source}: {s.unknown} unknown in {s.tokens} tokens" for s in report.sources]
    return Gate("tokenizer coverage", _status(report.passed), "; ".join(parts),
                {"tokenizer_hash": report.tokenizer_hash,
                 "sources": {s.source: {"unknown": s.unknown, "offenders": list(s.offenders)}
                             for s in report.sources}})


def parity_regimen(path: Path) -> Gate:
    if not path.exists():
        return Gate("parity regimen", "not run",
                    f"no {path.name} at {path}: run `ck parity --config NAME` (the training engine) first")
    try:
        result = read_json(path)
    except InputError as e:
        return Gate("parity regimen", "fail", str(e))
    passed = isinstance(result, dict) and result.get("passed") is True
    stages = result.get("stages", []) if isinstance(result, dict) else []
    failed = [s.get("name", "?") for s in stages if isinstance(s, dict) and not s.get("passed")]
    detail = "every stage passed" if passed else f"failed stages: {', '.join(failed) or 'unknown'}"
    return Gate("parity regimen", _status(passed), f"{path}: {detail}", {"file": str(path), "failed": failed})


def dataset_qc(spec, data: Path) -> Gate:
    from engine.data.qc import run_qc

    report = run_qc(data, spec)
    failed = [c["name"] for c in report["checks"] if not c["passed"]]
    detail = f"{data}: " + ("every check passed" if not failed else f"failed: {', '.join(failed)}")
    return Gate("dataset QC", _status(report["passed"]), detail,
                {"failed": failed, "rows": report["profile"].get("rows")})


def failure_frontier(spec, rows) -> Gate:
    from engine.data.audit import audit

    report = audit(spec, rows)
    problems = [f"{c['class']}: {c['problem']}" for c in report["classes"] if c["problem"]]
    taught = {c["class"]: c["rows"] for c in report["classes"]}
    detail = (f"{len(taught)} predicted failure classes all taught" if not problems
              else "; ".join(problems))
    return Gate("failure-frontier forecast", _status(report["passed"]), detail, {"taught": taught})


@producer(JOB)
def run_preflight(spec_path: Path, out: Path, data: Path | None = None, parity: Path | None = None,
                  library: Path | None = None) -> Iterator[Event]:
    """Run the six gates into OUT, each a Progress carrying the gate; builds the spec's dataset into
    OUT/data when no DIR is given, and reads the parity regimen's result from the workspace unless
    told another file. The Result's value is the Preflight."""
    from engine.assets import default_library
    from engine.data.build import build_to
    from engine.data.rows import read_rows
    from engine.data.spec import load_spec, spec_tokenizer

    spec = load_spec(spec_path)
    tokenizer = spec_tokenizer(spec)
    folder = PreflightDir(out)
    if data is None:
        data = folder.data
        rows, _ = build_to(spec, data)
    else:
        rows = read_rows(data)
    gates = []
    makers = (lambda: compiler_parity(spec, folder.gold.folder, library or default_library()),
              lambda: token_budget(spec, tokenizer),
              lambda: tokenizer_coverage(spec, tokenizer, data),
              lambda: parity_regimen(parity or default_parity()),
              lambda: dataset_qc(spec, data),
              lambda: failure_frontier(spec, rows))
    for make in makers:
        gate = make()
        gates.append(gate)
        yield Progress(JOB, len(gates), len(makers), f"{gate.name}: {gate.status}", {"gate": gate.to_dict()})
    result = Preflight(spec.name, gates)
    write_atomic(folder.verdict, result.to_json())
    verdict = "ready to train" if result.passed else "BLOCKED by " + ", ".join(g.name for g in result.blocking)
    yield Result(JOB, f"preflight {result.spec}: {verdict}", result)


def require(preflight_json: Path) -> None:
    """What a training run calls first: raises InputError naming the gates that block it."""
    if not preflight_json.exists():
        raise InputError(f"{preflight_json}: no preflight result; run `ck preflight SPEC.toml` first")
    result = read_json(preflight_json)
    blocking = [g for g in result.get("gates", []) if not g.get("passed")]
    if blocking or not result.get("passed"):
        reasons = "; ".join(f"{g['name']} ({g['status']}): {g['detail']}" for g in blocking)
        raise InputError(f"training blocked by preflight: {reasons or 'not passed'}")
