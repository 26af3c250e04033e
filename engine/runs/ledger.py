"""The run ledger: one SQLite file per workspace (WORKSPACE/ledger.sqlite) that every run writes to.

    with Ledger.open() as ledger:                          # the workspace's (engine/paths.py)
        run = ledger.create_run(spec, hashes)              # spec01-r3, status preflight
        ledger.set_status(run, "training")
        ledger.record_metrics(run, run_dir.metrics)        # a RunDir (engine/rundir.py)
        ledger.record_probe(run, run_dir.probes("unconstrained").result)
        ledger.decide(run, "promote", "no family regression, +12 % exact on hidden")
        ledger.record_of(run)                              # the run with its scoreboard, as a dict

What it holds and why (seed: "Promotion Rules", "Freeze the raw winner"): specs, runs (spec, rung,
primary axis, held constant, hypothesis, baseline, config hashes, status), a summary of each run's
metrics.jsonl, every probe's scoreboard as rows (surface, split/layout, metric, value), decisions,
lessons, canaries, and one frozen champion per spec whose probe results can no longer be replaced.

Crash safety: WAL journal, and every write is one `BEGIN IMMEDIATE ... COMMIT` transaction, so a
process killed at any instant leaves the file as it was before or after that write, never between
(tests/test_runs_ledger.py kills a writer with SIGKILL and reopens). A run killed mid-way keeps its
last status (`training`, ...) — `ck runs show` says so — and nothing half-recorded.
"""
from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Self

from engine.fileio import InputError
from engine.paths import Workspace
from engine.runs import metrics as run_metrics
from engine.runs import schema
from engine.runs.promotion import (
    Comparison,
    compare_boards,
    compare_shared,
    require_promotable,
)

SURFACES = ("raw", "repaired")
# How long a writer waits for another process's transaction before giving up (ms).
BUSY_TIMEOUT_MS = 10_000


def now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


class Ledger:
    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            # isolation_level=None: no implicit transactions; transaction() says where each begins
            self.db = sqlite3.connect(self.path, isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000)
            self.db.row_factory = sqlite3.Row
            self.db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            mode = self.db.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        except sqlite3.DatabaseError as e:
            raise InputError(f"{self.path}: not a run ledger: {e}") from None
        if mode.lower() != "wal":
            raise InputError(f"{self.path}: cannot switch the ledger to WAL (journal mode {mode})")
        self.db.execute("PRAGMA foreign_keys = ON")
        self.db.execute("PRAGMA synchronous = NORMAL")   # WAL + NORMAL: consistent after any crash
        self.migrate()

    @classmethod
    def open(cls, workspace: str | Path | None = None) -> Ledger:
        return cls(Workspace(workspace).ledger)

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @property
    def workspace(self) -> Path:
        return self.path.parent

    # ---- transactions and migrations ---------------------------------------------------------
    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One write: BEGIN IMMEDIATE takes the write lock first, so reads inside it are current."""
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield self.db
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    @property
    def version(self) -> int:
        return self.db.execute("PRAGMA user_version").fetchone()[0]

    def migrate(self) -> None:
        current = self.version
        if current > schema.VERSION:
            raise InputError(f"{self.path}: ledger schema v{current} is newer than this ck (v{schema.VERSION}); "
                             "update ck before opening it")
        for target, script in enumerate(schema.MIGRATIONS[current:], current + 1):
            # executescript commits any open transaction first, so the whole step is one script
            try:
                self.db.executescript(f"BEGIN IMMEDIATE;\n{script}\nPRAGMA user_version = {target};\nCOMMIT;")
            except sqlite3.Error as e:
                if self.db.in_transaction:
                    self.db.execute("ROLLBACK")
                raise InputError(f"{self.path}: migrating the ledger to v{target} failed: {e}") from None

    # ---- specs and runs ----------------------------------------------------------------------
    def record_spec(self, spec) -> int:
        """The spec's row (engine.data.spec.Spec), added the first time this exact text is seen."""
        with self.transaction():
            return self._spec_id(spec)

    def _spec_id(self, spec) -> int:
        row = self.db.execute("SELECT id FROM specs WHERE sha256 = ?", (spec.sha256,)).fetchone()
        if row:
            return row["id"]
        text = Path(spec.path).read_text(encoding="utf-8")
        return self.db.execute(
            "INSERT INTO specs (name, version, sha256, path, text, hypothesis, primary_axis, held_constant,"
            " baseline, recorded) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (spec.name, spec.version, spec.sha256, str(spec.path), text, spec.hypothesis.strip(),
             spec.primary_axis, json.dumps(list(spec.held_constant)), spec.baseline, now())).lastrowid

    def create_run(self, spec, hashes: dict, *, rung: str | None = None, run_dir: str | Path | None = None,
                   status: str = "preflight") -> str:
        """A new run of the spec: the next rung (r1, r2, ...) unless one is given; the spec's
        champion, if any, is its baseline. Returns the run id, `<spec>-<rung>`."""
        with self.transaction():
            spec_id = self._spec_id(spec)
            if rung is None:
                taken = [r["rung"] for r in self.db.execute("SELECT rung FROM runs WHERE spec = ?", (spec.name,))]
                numbers = [int(r[1:]) for r in taken if r[:1] == "r" and r[1:].isdigit()]
                rung = f"r{max(numbers, default=0) + 1}"
            run_id = f"{spec.name}-{rung}"
            if self.db.execute("SELECT 1 FROM runs WHERE id = ?", (run_id,)).fetchone():
                raise InputError(f"{self.path}: run {run_id} exists already; pick another rung")
            champion = self.db.execute("SELECT run_id FROM champions WHERE spec = ?", (spec.name,)).fetchone()
            folder = (Path(run_dir) if run_dir else Workspace(self.workspace).run(run_id).folder).resolve()
            stamp = now()
            self.db.execute(
                "INSERT INTO runs (id, spec_id, spec, rung, primary_axis, held_constant, hypothesis, baseline,"
                " hashes, run_dir, status, created, updated) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (run_id, spec_id, spec.name, rung, spec.primary_axis, json.dumps(list(spec.held_constant)),
                 spec.hypothesis.strip(), champion["run_id"] if champion else None, json.dumps(hashes, sort_keys=True),
                 str(folder), _status(status), stamp, stamp))
            return run_id

    def set_status(self, run_id: str, status: str, detail: str = "", **fields) -> None:
        """Move a run to `status`; `hashes` may be updated in the same write."""
        sets, values = ["status = ?", "detail = ?", "updated = ?"], [_status(status), detail, now()]
        if "hashes" in fields:
            sets.append("hashes = ?")
            values.append(json.dumps(fields.pop("hashes"), sort_keys=True))
        if fields:
            raise TypeError(f"set_status: unknown fields {sorted(fields)}")
        with self.transaction():
            self._run_row(run_id)
            self.db.execute(f"UPDATE runs SET {', '.join(sets)} WHERE id = ?", (*values, run_id))

    def _run_row(self, run_id: str) -> sqlite3.Row:
        row = self.db.execute("SELECT * FROM runs WHERE id = ?", (run_id,)).fetchone()
        if row is None:
            known = [r["id"] for r in self.db.execute("SELECT id FROM runs ORDER BY created DESC LIMIT 5")]
            hint = f" (recent: {', '.join(known)})" if known else " (the ledger has no runs yet)"
            raise InputError(f"{self.path}: no run {run_id}{hint}")
        return row

    def find(self, run: str) -> dict | None:
        """The run whose id or folder is `run`, as {"id", "run_dir"}; None when there is none."""
        row = self.db.execute("SELECT id, run_dir FROM runs WHERE id = ? OR run_dir = ? ORDER BY id LIMIT 1",
                              (run, str(Path(run).resolve()))).fetchone()
        return dict(row) if row else None

    def set_report(self, run_id: str, path: str | Path) -> None:
        with self.transaction():
            self._run_row(run_id)
            self.db.execute("UPDATE runs SET report = ?, updated = ? WHERE id = ?", (str(path), now(), run_id))

    def runs(self) -> list[dict]:
        """Every run, newest first, with its latest decision and whether it is its spec's champion."""
        rows = self.db.execute(
            "SELECT r.*, c.spec IS NOT NULL AS champion,"
            " (SELECT action FROM decisions d WHERE d.run_id = r.id ORDER BY d.id DESC LIMIT 1) AS decision,"
            " m.step, m.total_steps, m.loss FROM runs r"
            " LEFT JOIN champions c ON c.run_id = r.id LEFT JOIN metrics m ON m.run_id = r.id"
            " ORDER BY r.created DESC, r.id DESC").fetchall()
        return [_run_dict(r) | {"champion": bool(r["champion"]), "decision": r["decision"],
                                "step": r["step"], "total_steps": r["total_steps"], "loss": r["loss"]}
                for r in rows]

    # ---- metrics, canary, probes ---------------------------------------------------------------
    def record_metrics(self, run_id: str, path: str | Path) -> dict:
        """Summarize RUN/metrics.jsonl into the run's metrics row (replacing the previous summary)."""
        s = run_metrics.summary(run_metrics.read_events(path))
        extra = {k: s[k] for k in ("model", "params", "train", "stages", "device", "precision", "world",
                                   "preflight", "end")}
        with self.transaction():
            self._run_row(run_id)
            self.db.execute(
                "INSERT OR REPLACE INTO metrics (run_id, path, step, total_steps, tokens, loss, min_loss,"
                " grad_norm, tokens_per_s, elapsed, summary, updated) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (run_id, str(path), s["step"], s["total_steps"], s["tokens"], s["loss"], s["min_loss"],
                 s["grad_norm"], s["tokens_per_s"], s["elapsed"], json.dumps(extra, sort_keys=True), now()))
        return s

    def record_canary(self, run_id: str, passed: bool, cases: list[dict]) -> None:
        with self.transaction():
            self._run_row(run_id)
            self.db.execute("INSERT OR REPLACE INTO canaries (run_id, passed, cases, checked) VALUES (?, ?, ?, ?)",
                            (run_id, int(passed), json.dumps(cases, sort_keys=True), now()))

    def record_probe(self, run_id: str, path: str | Path) -> int:
        """Record a probe.json's scoreboard as rows; re-probing the same list replaces the old rows,
        except on a champion, whose results on the list it was promoted on are frozen."""
        from engine.probe.result import load_probe

        result = load_probe(path)
        ref = result.probe
        with self.transaction():
            run = self._run_row(run_id)
            old = self.db.execute("SELECT id FROM probes WHERE run_id = ? AND name = ? AND version = ? AND constrained = ?",
                                  (run_id, ref.name, ref.version, int(result.constrained))).fetchone()
            if old is not None:
                if self._frozen(run, ref.name, ref.version):
                    raise InputError(f"{run_id} is the champion of {run['spec']}: its results on probe {ref.name} "
                                     f"v{ref.version} are frozen; probe it on a new probe version instead")
                self.db.execute("DELETE FROM probe_results WHERE probe_id = ?", (old["id"],))
                self.db.execute("DELETE FROM probes WHERE id = ?", (old["id"],))
            probe_id = self.db.execute(
                "INSERT INTO probes (run_id, name, version, sha256, count, constrained, checkpoint, step,"
                " decode_budget, seconds, path, recorded) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (run_id, ref.name, ref.version, ref.sha256, ref.count, int(result.constrained), result.checkpoint,
                 result.step, result.decode_budget, result.seconds, str(path), now())).lastrowid
            rows = [(probe_id, surface, *cell)
                    for surface in SURFACES for cell in _board_rows(getattr(result.scoreboard, surface))]
            self.db.executemany("INSERT INTO probe_results (probe_id, surface, scope, key, metric, value)"
                                " VALUES (?, ?, ?, ?, ?, ?)", rows)
        return probe_id

    def _frozen(self, run: sqlite3.Row, name: str, version: int) -> bool:
        champion = self.db.execute("SELECT d.evidence FROM champions c JOIN decisions d ON d.id = c.decision_id"
                                   " WHERE c.spec = ? AND c.run_id = ?", (run["spec"], run["id"])).fetchone()
        if champion is None:
            return False
        probe = json.loads(champion["evidence"]).get("probe") or {}
        return (probe.get("name"), probe.get("version")) == (name, version)

    def probes(self, run_id: str) -> list[dict]:
        """The run's recorded probes, newest first, each with its boards."""
        rows = self.db.execute("SELECT * FROM probes WHERE run_id = ? ORDER BY recorded DESC, id DESC",
                               (run_id,)).fetchall()
        return [dict(r) | {"constrained": bool(r["constrained"]), "mode": _mode(r["constrained"]),
                           "boards": self._boards(r["id"])} for r in rows]

    def _boards(self, probe_id: int) -> dict:
        boards = {s: {"overall": {}, "by_split": {}, "by_layout": {}, "by_split_layout": {},
                      "counts": {"cases": 0, "by_split": {}, "by_layout": {}, "failure_classes": {}}}
                  for s in SURFACES}
        for r in self.db.execute("SELECT * FROM probe_results WHERE probe_id = ? ORDER BY rowid", (probe_id,)):
            board, scope, key, metric, value = boards[r["surface"]], r["scope"], r["key"], r["metric"], r["value"]
            if metric == "cases":
                counts = board["counts"]
                if scope == "overall":
                    counts["cases"] = int(value)
                else:
                    counts[_COUNT_KEYS[scope]][key] = int(value)
            elif scope == "overall":
                board["overall"][metric] = value
            elif scope == "split_layout":
                split, layout = key.split("/", 1)
                board["by_split_layout"].setdefault(split, {}).setdefault(layout, {})[metric] = value
            else:
                board[_BOARD_KEYS[scope]].setdefault(key, {})[metric] = value
        return boards

    def scoreboard(self, run_id: str) -> dict:
        """{mode: {"probe": {name, version, sha256, count}, "raw": BOARD, "repaired": BOARD}} from
        the newest probe of each mode (unconstrained, constrained)."""
        out: dict = {}
        for p in self.probes(run_id):
            out.setdefault(p["mode"], {"probe": {k: p[k] for k in ("name", "version", "sha256", "count")},
                                       "checkpoint": p["checkpoint"], "step": p["step"], "path": p["path"],
                                       **p["boards"]})
        return {m: out[m] for m in ("unconstrained", "constrained") if m in out}

    # ---- comparisons and decisions -----------------------------------------------------------
    def compare(self, run_a: str, run_b: str) -> Comparison:
        """A against B on the newest probe list both were scored on (refused across versions of
        one list); runs of two specs, on the cases their lists share (promotion.compare_shared)."""
        a, b = self._run_row(run_a), self._run_row(run_b)
        pa, pb = self.probes(run_a), self.probes(run_b)
        if a["spec"] != b["spec"] and pa and pb and not {(p["name"], p["version"]) for p in pa} & \
                {(p["name"], p["version"]) for p in pb}:
            return compare_shared(run_a, pa, run_b, pb)
        return compare_boards(run_a, pa, run_b, pb)

    def record_pilot(self, run_id: str, target: str, cases: int, steps: int, before: float, after: float,
                     passed: bool, reason: str) -> None:
        with self.transaction():
            self._run_row(run_id)
            self.db.execute("INSERT OR REPLACE INTO pilots (run_id, target, cases, steps, before, after, passed, reason,"
                            " decided) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                            (run_id, target, cases, steps, before, after, int(passed), reason, now()))

    def pilot(self, run_id: str) -> dict | None:
        row = self.db.execute("SELECT * FROM pilots WHERE run_id = ?", (run_id,)).fetchone()
        return None if row is None else dict(row) | {"passed": bool(row["passed"])}

    def champions(self) -> list[dict]:
        """Every spec's champion, the most recently crowned first: spec, run_id, run_dir, since."""
        rows = self.db.execute("SELECT c.spec, c.run_id, r.run_dir, c.since FROM champions c JOIN runs r ON r.id = c.run_id"
                               " ORDER BY c.since DESC, c.spec").fetchall()
        return [dict(r) for r in rows]

    def champion(self, spec: str) -> str | None:
        row = self.db.execute("SELECT run_id FROM champions WHERE spec = ?", (spec,)).fetchone()
        return row["run_id"] if row else None

    def decide(self, run_id: str, action: str, why: str, next_run: str = "", lessons: tuple[str, ...] = ()) -> dict:
        """Record a decision. `promote` must pass the promotion rules against the spec's champion
        (engine/runs/promotion.py) and then makes the run the champion, frozen; the check and the
        change are one transaction, so two promotions cannot both pass against the old champion."""
        if action not in schema.ACTIONS:
            raise InputError(f"decision '{action}' is not one of {', '.join(schema.ACTIONS)}")
        if not why.strip():
            raise InputError("a decision needs a reason: --why '...'")
        with self.transaction():
            run = self._run_row(run_id)
            evidence: dict = {}
            if action == "promote":
                champion = self.db.execute("SELECT run_id FROM champions WHERE spec = ?", (run["spec"],)).fetchone()
                evidence = require_promotable(run_id, run["status"], self.probes(run_id),
                                              champion["run_id"] if champion else None,
                                              self.probes(champion["run_id"]) if champion else [])
            stamp = now()
            decision_id = self.db.execute(
                "INSERT INTO decisions (run_id, action, why, next_run, evidence, decided) VALUES (?, ?, ?, ?, ?, ?)",
                (run_id, action, why.strip(), next_run.strip(), json.dumps(evidence, sort_keys=True), stamp)).lastrowid
            self.db.executemany("INSERT INTO lessons (run_id, decision_id, text, written) VALUES (?, ?, ?, ?)",
                                [(run_id, decision_id, t.strip(), stamp) for t in lessons if t.strip()])
            if action == "promote":
                self.db.execute("INSERT OR REPLACE INTO champions (spec, run_id, decision_id, since) VALUES (?, ?, ?, ?)",
                                (run["spec"], run_id, decision_id, stamp))
        return {"id": decision_id, "run": run_id, "action": action, "why": why.strip(), "next_run": next_run.strip(),
                "evidence": evidence, "decided": stamp}

    # ---- the whole record --------------------------------------------------------------------
    def record_of(self, run_id: str) -> dict:
        """The run as one JSON-ready dict: spec, run, metrics summary, canary, scoreboard per mode
        (raw and repaired, overall/by_split/by_layout), decisions, lessons, champion."""
        run = self._run_row(run_id)
        spec = self.db.execute("SELECT name, version, sha256, path, hypothesis, primary_axis, held_constant, baseline"
                               " FROM specs WHERE id = ?", (run["spec_id"],)).fetchone()
        m = self.db.execute("SELECT * FROM metrics WHERE run_id = ?", (run_id,)).fetchone()
        canary = self.db.execute("SELECT * FROM canaries WHERE run_id = ?", (run_id,)).fetchone()
        decisions = [dict(d) | {"evidence": json.loads(d["evidence"])} for d in self.db.execute(
            "SELECT id, action, why, next_run, evidence, decided FROM decisions WHERE run_id = ? ORDER BY id", (run_id,))]
        lessons = [dict(r) for r in self.db.execute(
            "SELECT text, decision_id, written FROM lessons WHERE run_id = ? ORDER BY id", (run_id,))]
        return {
            "run": _run_dict(run),
            "spec": dict(spec) | {"held_constant": json.loads(spec["held_constant"])},
            "champion": self.champion(run["spec"]),
            "metrics": None if m is None else {k: m[k] for k in m.keys() if k not in ("run_id", "summary")}  # noqa: SIM118 - sqlite3.Row iterates values
            | json.loads(m["summary"]),
            "canary": None if canary is None else {"passed": bool(canary["passed"]), "checked": canary["checked"],
                                                   "cases": json.loads(canary["cases"])},
            "scoreboard": self.scoreboard(run_id),
            "decisions": decisions,
            "lessons": lessons,
        }


_BOARD_KEYS = {"split": "by_split", "layout": "by_layout"}
_COUNT_KEYS = {"split": "by_split", "layout": "by_layout", "failure_class": "failure_classes"}


def _board_rows(board) -> list[tuple[str, str, str, float]]:
    """(scope, key, metric, value) rows of one probe Board; counts become metric 'cases'."""
    rows = [("overall", "", m, float(v)) for m, v in board.overall.items()]
    for scope, table in (("split", board.by_split), ("layout", board.by_layout)):
        rows += [(scope, key, m, float(v)) for key, metrics in table.items() for m, v in metrics.items()]
    rows += [("split_layout", f"{split}/{layout}", m, float(v)) for split, table in board.by_split_layout.items()
             for layout, metrics in table.items() for m, v in metrics.items()]
    counts = board.counts or {}
    if "cases" in counts:
        rows.append(("overall", "", "cases", float(counts["cases"])))
    for scope, name in (("split", "by_split"), ("layout", "by_layout"), ("failure_class", "failure_classes")):
        rows += [(scope, key, "cases", float(n)) for key, n in (counts.get(name) or {}).items()]
    return rows


def _mode(constrained) -> str:
    return "constrained" if constrained else "unconstrained"


def _status(status: str) -> str:
    if status not in schema.STATUSES:
        raise ValueError(f"run status '{status}' is not one of {', '.join(schema.STATUSES)}")
    return status


def _run_dict(row: sqlite3.Row) -> dict:
    out = {k: row[k] for k in ("id", "spec", "rung", "primary_axis", "hypothesis", "baseline", "run_dir",
                               "status", "detail", "created", "updated")}
    out["held_constant"] = json.loads(row["held_constant"])
    out["hashes"] = json.loads(row["hashes"])
    out["report"] = row["report"]
    return out
