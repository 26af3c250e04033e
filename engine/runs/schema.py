"""The ledger's tables, as a list of migrations: migration i brings a file from version i to i + 1.

The file's version is SQLite's `PRAGMA user_version` (0 for a new file). Opening a ledger applies
every migration it lacks, each in its own transaction together with the version bump, so a process
killed during a migration leaves the file at the previous version, whole. A file newer than this
code is refused rather than guessed at. Never edit a shipped migration: append a new one.

    v1  specs, runs, metrics (a pointer to metrics.jsonl plus its summary), probes and their
        scoreboard rows, decisions, one champion per spec
    v2  the canary of each run, the lessons a decision records, the report a run wrote
    v3  the pilot of a rung: what it had to move, before and after, and whether the rung went on
    v4  scoreboard rows of a layout within a split (scope split_layout, key "hidden/memory_map")
"""
from __future__ import annotations

# Statuses a run moves through (engine/pipeline.py); `recorded` is a run registered from a
# folder that `ck train` wrote (`ck runs record`).
STATUSES = ("preflight", "canary", "training", "probing", "reporting", "finished",
            "blocked", "failed", "stopped", "recorded")
ACTIONS = ("promote", "reject", "repair", "branch")

_STATUS_CHECK = ", ".join(f"'{s}'" for s in STATUSES)
_ACTION_CHECK = ", ".join(f"'{a}'" for a in ACTIONS)

V1 = f"""
CREATE TABLE specs (
    id           INTEGER PRIMARY KEY,
    name         TEXT NOT NULL,
    version      INTEGER NOT NULL,
    sha256       TEXT NOT NULL UNIQUE,      -- of the spec file's text: a changed text is a new row
    path         TEXT NOT NULL,
    text         TEXT NOT NULL,
    hypothesis   TEXT NOT NULL,
    primary_axis TEXT NOT NULL,
    held_constant TEXT NOT NULL,            -- JSON list of strings
    baseline     TEXT NOT NULL,
    recorded     TEXT NOT NULL
);
CREATE INDEX specs_by_name ON specs(name);

CREATE TABLE runs (
    id           TEXT PRIMARY KEY,          -- <spec>-<rung>, e.g. spec01-r1
    spec_id      INTEGER NOT NULL REFERENCES specs(id),
    spec         TEXT NOT NULL,             -- the spec's name, for one champion per spec
    rung         TEXT NOT NULL,             -- r1, r2, ... inside the spec (seed: "Spec Versus Run")
    primary_axis TEXT NOT NULL,
    held_constant TEXT NOT NULL,            -- JSON list of strings
    hypothesis   TEXT NOT NULL,
    baseline     TEXT,                      -- the run compared against (the champion when it started)
    hashes       TEXT NOT NULL,             -- JSON: spec, dataset, tokenizer, grammar, train config
    run_dir      TEXT NOT NULL,
    status       TEXT NOT NULL CHECK (status IN ({_STATUS_CHECK})),
    detail       TEXT NOT NULL DEFAULT '',  -- why it is blocked, failed or stopped
    created      TEXT NOT NULL,
    updated      TEXT NOT NULL,
    UNIQUE (spec, rung)
);

CREATE TABLE metrics (
    run_id       TEXT PRIMARY KEY REFERENCES runs(id),
    path         TEXT NOT NULL,             -- RUN/metrics.jsonl: every event; this row summarizes it
    step         INTEGER NOT NULL,
    total_steps  INTEGER NOT NULL,
    tokens       INTEGER NOT NULL,
    loss         REAL,                      -- the last step's
    min_loss     REAL,
    grad_norm    REAL,                      -- the last step's, before clipping
    tokens_per_s REAL,                      -- median over the steps
    elapsed      REAL NOT NULL,
    summary      TEXT NOT NULL,             -- JSON: model, params, stages, device, end event
    updated      TEXT NOT NULL
);

CREATE TABLE probes (
    id           INTEGER PRIMARY KEY,
    run_id       TEXT NOT NULL REFERENCES runs(id),
    name         TEXT NOT NULL,             -- the frozen probe list: name, version, sha256
    version      INTEGER NOT NULL,
    sha256       TEXT NOT NULL,
    count        INTEGER NOT NULL,
    constrained  INTEGER NOT NULL CHECK (constrained IN (0, 1)),
    checkpoint   TEXT NOT NULL,
    step         INTEGER NOT NULL,
    decode_budget INTEGER NOT NULL,
    seconds      REAL NOT NULL,
    path         TEXT NOT NULL,             -- probe.json, which holds the cases
    recorded     TEXT NOT NULL,
    UNIQUE (run_id, name, version, constrained)
);

CREATE TABLE probe_results (
    probe_id     INTEGER NOT NULL REFERENCES probes(id) ON DELETE CASCADE,
    surface      TEXT NOT NULL CHECK (surface IN ('raw', 'repaired')),
    scope        TEXT NOT NULL CHECK (scope IN ('overall', 'split', 'layout', 'failure_class')),
    key          TEXT NOT NULL,             -- '' overall; else the split, layout or class
    metric       TEXT NOT NULL,             -- SPEC.md section 7's names; 'cases' for counts
    value        REAL NOT NULL,
    PRIMARY KEY (probe_id, surface, scope, key, metric)
);

CREATE TABLE decisions (
    id           INTEGER PRIMARY KEY,
    run_id       TEXT NOT NULL REFERENCES runs(id),
    action       TEXT NOT NULL CHECK (action IN ({_ACTION_CHECK})),
    why          TEXT NOT NULL CHECK (length(trim(why)) > 0),
    next_run     TEXT NOT NULL DEFAULT '',
    evidence     TEXT NOT NULL DEFAULT '{{}}', -- JSON: the comparison with the champion
    decided      TEXT NOT NULL
);

CREATE TABLE champions (
    spec         TEXT PRIMARY KEY,          -- one frozen champion per spec name
    run_id       TEXT NOT NULL REFERENCES runs(id),
    decision_id  INTEGER NOT NULL REFERENCES decisions(id),
    since        TEXT NOT NULL
);
"""

V2 = """
CREATE TABLE canaries (
    run_id       TEXT PRIMARY KEY REFERENCES runs(id),
    passed       INTEGER NOT NULL CHECK (passed IN (0, 1)),
    cases        TEXT NOT NULL,             -- JSON list: id, split, layout, problems
    checked      TEXT NOT NULL
);

CREATE TABLE lessons (
    id           INTEGER PRIMARY KEY,
    run_id       TEXT NOT NULL REFERENCES runs(id),
    decision_id  INTEGER REFERENCES decisions(id),
    text         TEXT NOT NULL,
    written      TEXT NOT NULL
);

ALTER TABLE runs ADD COLUMN report TEXT;
"""

V3 = """
CREATE TABLE pilots (
    run_id       TEXT PRIMARY KEY REFERENCES runs(id),
    target       TEXT NOT NULL,             -- what must move: layout:L, split:S or class:C
    cases        INTEGER NOT NULL,          -- the frozen subset it was probed on
    steps        INTEGER NOT NULL,          -- the declared fraction of the rung, in steps
    before       REAL NOT NULL,             -- exact on the subset: the champion's, or 0 for a first rung
    after        REAL NOT NULL,             -- the pilot's
    passed       INTEGER NOT NULL CHECK (passed IN (0, 1)),
    reason       TEXT NOT NULL,
    decided      TEXT NOT NULL
);
"""

# SQLite cannot change a CHECK in place: the table is rebuilt with its rows.
V4 = """
CREATE TABLE probe_results_v4 (
    probe_id     INTEGER NOT NULL REFERENCES probes(id) ON DELETE CASCADE,
    surface      TEXT NOT NULL CHECK (surface IN ('raw', 'repaired')),
    scope        TEXT NOT NULL CHECK (scope IN ('overall', 'split', 'layout', 'split_layout', 'failure_class')),
    key          TEXT NOT NULL,             -- '' overall; else the split, layout, split/layout or class
    metric       TEXT NOT NULL,
    value        REAL NOT NULL,
    PRIMARY KEY (probe_id, surface, scope, key, metric)
);
INSERT INTO probe_results_v4 SELECT probe_id, surface, scope, key, metric, value FROM probe_results;
DROP TABLE probe_results;
ALTER TABLE probe_results_v4 RENAME TO probe_results;
"""

MIGRATIONS: tuple[str, ...] = (V1, V2, V3, V4)
VERSION = len(MIGRATIONS)
