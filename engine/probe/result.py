"""The probe result: what `ck probe` writes as probe.json and what the ledger, report and studio read.

    probe.json = {
      "schema": 1,
      "probe": {"name": "spec01", "version": 1, "sha256": "...", "count": N},   # the frozen list
      "run": "<run dir>", "checkpoint": "<path>", "step": int,
      "constrained": bool, "seconds": float,         # seconds: decoding only (tokens/s)
      "decode_budget": int,                           # the cap on generated tokens (ctx when none)
      "generated_tokens": int,                        # tokens decoded over all cases
      "trained_on": [str],                            # held-out cases that are train rows of this run: scored as train
      "scoreboard": {"raw": BOARD, "repaired": BOARD},
      "cases": [CASE, ...],
      "confusion": {"raw": CONFUSION, "repaired": CONFUSION}   # derived from the cases
    }
    CONFUSION = {key: {split | "all": {expected: {emitted: n}}}} for key in layout, theme, tone
    BOARD  = {"overall": {metric: float}, "by_split": {split: {metric: float}},
              "by_layout": {layout: {metric: float}},
              "counts": {"cases": N, "by_split": {split: n}, "by_layout": {layout: n},
                         "failure_classes": {class: n}},
              "by_split_layout": {split: {layout: {metric: float}}}}   # a family within a split
    CASE   = {"id", "split", "layout", "prompt", "expected", "content": {...},
              "raw": "<decoded text>", "repaired": "<text>",
              "tokens": int, "budget": int,          # generated; at most min(cap, ctx - prompt)
              "raw_result": RESULT, "repaired_result": RESULT,
              "gallery": {"expected": "gallery/ID.expected.svg", "raw": ..., "repaired": ...}}
    RESULT = {"exact": bool, "renderable": bool, "materialized_exact": bool,
              "failure_class": str | null, "evidence": str, "flags": {flag: bool}}

Metric names are SPEC.md section 7's (METRICS below); each rate is the share of cases whose
RESULT says so (`exact`, `renderable`, `materialized_exact`, or flags[name minus "_rate"]).
`overall` also carries `gold_asset_parity_score` when the gold gate's score was available.
Gallery paths are relative to probe.json's folder and present only for failing cases.

Bump SCHEMA when a key is renamed or its meaning changes; adding keys keeps it. Loading a file of
another schema is refused with a message that says which.
"""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

from engine.fileio import InputError, read_json, write_atomic
from engine.rundir import ProbeDir, RunDir

SCHEMA = 1
SPLITS = ("train", "dev", "test", "hidden", "compositional")
# The flags a RESULT carries (six errors, and the family choice); each has a `<flag>_rate` metric.
FLAGS = ("budget_truncation", "missing_scene_start", "missing_scene_end", "duplicate_attr",
         "block_nesting_error", "special_token_leak",
         # not an error: the output names the expected layout family. On the intent surface the
         # model chooses it (family_choice_rate, issue 15's spec05 bar); on the explicit surface
         # the prompt names it, so a miss there is layout drift.
         "family_choice")
# SPEC.md section 7, in its order.
METRICS = ("exact_rate", "renderable_rate", "materialized_exact_rate",
           *(f"{flag}_rate" for flag in FLAGS))
PARITY = "gold_asset_parity_score"
MODES = ("unconstrained", "constrained")


@dataclass(frozen=True)
class ProbeListRef:
    """Which frozen probe list was run: reports refuse to compare across (name, version)."""
    name: str
    version: int
    sha256: str
    count: int


@dataclass(frozen=True)
class CaseResult:
    """One output's score. failure_class is None exactly when the output is a full success
    (exact and materialized exact); evidence says what put it in its class."""
    exact: bool
    renderable: bool
    materialized_exact: bool
    failure_class: str | None
    evidence: str
    flags: dict[str, bool] = field(default_factory=dict)

    def flag(self, name: str) -> bool:
        return bool(self.flags.get(name, False))


@dataclass(frozen=True)
class Board:
    """Rates over a set of cases: overall, per split, per layout, and the counts behind them; and
    per layout within each split (the phase-3 question: which family of the hidden split misses)."""
    overall: dict[str, float]
    by_split: dict[str, dict[str, float]]
    by_layout: dict[str, dict[str, float]]
    counts: dict
    by_split_layout: dict[str, dict[str, dict[str, float]]] = field(default_factory=dict)


@dataclass(frozen=True)
class Scoreboard:
    raw: Board
    repaired: Board


@dataclass(frozen=True)
class ProbeCase:
    """A prompt of the frozen list, what the model wrote, its repair, and both scores."""
    id: str
    split: str
    layout: str
    prompt: str
    expected: str
    content: dict
    raw: str
    repaired: str
    raw_result: CaseResult
    repaired_result: CaseResult
    tokens: int = 0
    budget: int = 0
    gallery: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class ProbeResult:
    probe: ProbeListRef
    run: str
    checkpoint: str
    step: int
    constrained: bool
    decode_budget: int
    seconds: float
    scoreboard: Scoreboard
    cases: tuple[ProbeCase, ...]
    generated_tokens: int = 0
    trained_on: tuple[str, ...] = ()   # held-out cases of the list that are train rows of this run: scored as train
    schema: int = SCHEMA

    @property
    def mode(self) -> str:
        return MODES[int(self.constrained)]

    def failures(self, board: str = "raw") -> list[ProbeCase]:
        """Cases whose raw (or repaired) output got a failure class."""
        return [c for c in self.cases if getattr(c, f"{board}_result").failure_class is not None]

    def confusion(self, output: str = "raw") -> dict:
        """Expected x emitted layout, theme and tone per split (engine/probe/confusion.py)."""
        from engine.probe.confusion import confusion

        return confusion(self.cases, output)

    def to_json(self) -> dict:
        out = asdict(self)
        out["cases"] = list(out["cases"])
        out["confusion"] = {kind: self.confusion(kind) for kind in ("raw", "repaired")}   # derived: read back from cases
        return {"schema": out.pop("schema"), **out}

    @classmethod
    def from_json(cls, data: dict) -> ProbeResult:
        schema = data.get("schema")
        if schema != SCHEMA:
            raise InputError(f"probe result schema {schema!r}; this version reads schema {SCHEMA}")
        try:
            return cls(
                probe=ProbeListRef(**data["probe"]),
                run=data["run"], checkpoint=data["checkpoint"], step=int(data["step"]),
                constrained=bool(data["constrained"]), decode_budget=int(data["decode_budget"]),
                seconds=float(data["seconds"]),
                scoreboard=Scoreboard(raw=Board(**data["scoreboard"]["raw"]),
                                      repaired=Board(**data["scoreboard"]["repaired"])),
                cases=tuple(_case(c) for c in data["cases"]),
                generated_tokens=int(data.get("generated_tokens", 0)),
                trained_on=tuple(data.get("trained_on", ())),
            )
        except (KeyError, TypeError, ValueError) as e:
            raise InputError(f"probe result: missing or malformed field: {e}") from None


def _case(data: dict) -> ProbeCase:
    data = dict(data)
    data["raw_result"] = CaseResult(**data["raw_result"])
    data["repaired_result"] = CaseResult(**data["repaired_result"])
    return ProbeCase(**data)


def save_probe(result: ProbeResult, path: str | Path) -> Path:
    path = Path(path)
    write_atomic(path, json.dumps(result.to_json(), indent=1, sort_keys=False) + "\n")
    return path


def load_probe(path: str | Path) -> ProbeResult:
    """probe.json (or a folder holding one) as a ProbeResult; InputError says what is wrong."""
    path = Path(path)
    if path.is_dir():
        path = ProbeDir(path).result
    data = read_json(path)
    if not isinstance(data, dict):
        raise InputError(f"{path}: not a probe result (expected a JSON object)")
    try:
        return ProbeResult.from_json(data)
    except InputError as e:
        raise InputError(f"{path}: {e}") from None


def probe_path(run_dir: str | Path, constrained: bool) -> Path:
    """Where `ck probe` writes a run's result: RUN/probes/<unconstrained|constrained>/probe.json."""
    return RunDir(run_dir).probes(MODES[int(constrained)]).result
