"""Registering a run folder that `ck train` (and `ck probe`) wrote outside `ck run`.

    ck runs record out/runs/spec01_cpu15 [--rung r0]

The folder's frozen spec.toml names the spec; its metrics.jsonl and probes/<mode>/probe.json are
recorded as they are. A folder already in the ledger has its metrics and probes refreshed, so a
run probed by hand after `ck run` can be brought up to date. The run's status is `recorded`
(it did not pass through `ck run`'s preflight and canary here); code hashes are not claimed for it.
"""
from __future__ import annotations

from pathlib import Path

from engine.fileio import InputError, read_json
from engine.runs.ledger import Ledger


def _hashes(folder: Path, spec) -> dict:
    from engine.runs.hashes import config_hash
    from engine.runs.metrics import FILE, read_events, summary

    hashes = {"spec": spec.sha256}
    tokenizer = folder / "tokenizer.json"
    if tokenizer.exists():
        hashes["tokenizer"] = read_json(tokenizer).get("hash", "")
    dataset = folder / "dataset.json"
    if dataset.exists():
        hashes["dataset"] = read_json(dataset).get("train_sha256", "")
    train = summary(read_events(folder / FILE))["train"]
    if train:
        hashes["train"] = config_hash(train)
    return hashes


def record_folder(ledger: Ledger, folder: Path, rung: str | None = None) -> str:
    from engine.data.spec import load_spec
    from engine.probe.result import MODES, probe_path
    from engine.runs.metrics import FILE

    found = ledger.find(str(folder))
    if found is None:
        if not (folder / "spec.toml").exists():
            raise InputError(f"{folder}: no spec.toml: not a run folder (`ck train` writes one)")
        spec = load_spec(folder / "spec.toml")
        run_id = ledger.create_run(spec, _hashes(folder, spec), rung=rung, run_dir=folder, status="recorded")
    else:
        run_id = found["id"]
    if (folder / FILE).exists():
        ledger.record_metrics(run_id, folder / FILE)
    for constrained, _ in enumerate(MODES):
        path = probe_path(folder, bool(constrained))
        if path.exists():
            ledger.record_probe(run_id, path)
    return run_id
