"""Registering a run folder that `ck train` (and `ck probe`) wrote outside `ck run`.

    ck runs record RUN_DIR [--rung r0]

The folder's frozen spec.toml names the spec; its metrics.jsonl and probes/<mode>/probe.json are
recorded as they are. A folder already in the ledger has its metrics and probes refreshed, so a
run probed by hand after `ck run` can be brought up to date. The run's status is `recorded`
(it did not pass through `ck run`'s preflight and canary here); code hashes are not claimed for it.
"""
from __future__ import annotations

from pathlib import Path

from engine.fileio import InputError, read_json
from engine.rundir import RunDir
from engine.runs.ledger import Ledger


def _hashes(run: RunDir, spec) -> dict:
    from engine.runs.hashes import config_hash
    from engine.runs.metrics import read_events, summary

    hashes = {"spec": spec.sha256}
    if run.tokenizer.exists():
        hashes["tokenizer"] = read_json(run.tokenizer).get("hash", "")
    if run.dataset.exists():
        hashes["dataset"] = read_json(run.dataset).get("train_sha256", "")
    train = summary(read_events(run.metrics))["train"]
    if train:
        hashes["train"] = config_hash(train)
    return hashes


def record_folder(ledger: Ledger, folder: Path, rung: str | None = None) -> str:
    from engine.data.spec import load_spec
    from engine.probe.result import MODES, probe_path

    run = RunDir(folder)
    found = ledger.find(str(folder))
    if found is None:
        if not run.spec.exists():
            raise InputError(f"{folder}: no {run.spec.name}: not a run folder (`ck train` writes one)")
        spec = load_spec(run.spec)
        run_id = ledger.create_run(spec, _hashes(run, spec), rung=rung, run_dir=folder, status="recorded")
    else:
        run_id = found["id"]
    if run.metrics.exists():
        ledger.record_metrics(run_id, run.metrics)
    for constrained, _ in enumerate(MODES):
        path = probe_path(folder, bool(constrained))
        if path.exists():
            ledger.record_probe(run_id, path)
    return run_id
