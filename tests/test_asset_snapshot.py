"""Snapshot the assets (issue 16): a run records the hash of every reference its spec's gold pack
is built from; the report names one that changed since as a contract change."""
from __future__ import annotations

import shutil
from pathlib import Path

from runs_fixtures import probe_json, run_folder, write_probe

from engine.data.spec import load_spec
from engine.report.render import report_run
from engine.runs.hashes import asset_hashes, changed_assets
from engine.runs.ledger import Ledger

ROOT = Path(__file__).resolve().parents[1]


def test_a_changed_reference_is_a_contract_change_in_the_report(tmp_path):
    library = tmp_path / "library"
    shutil.copytree(ROOT.parent / "shared" / "assets", library)
    spec = load_spec(ROOT / "specs" / "spec01.toml")
    snapshot = asset_hashes(spec, library)
    assert str((library / "pipeline-overview.svg").resolve()) in snapshot
    assert any(p.endswith("own_poster_budget/reference.svg") for p in snapshot)
    assert changed_assets(snapshot) == []
    changed = library / "pipeline-overview.svg"
    changed.write_bytes(changed.read_bytes().replace(b"Pipeline", b"Pipe-line", 1))
    assert changed_assets(snapshot) == [str(changed.resolve())]

    ws = tmp_path / "ws"
    with Ledger.open(ws) as ledger:
        run = run_folder(tmp_path / "run")
        write_probe(run, probe_json(False))
        rid = ledger.create_run(spec, {"spec": spec.sha256, "assets": snapshot}, run_dir=run, status="finished")
        ledger.record_probe(rid, run / "probes" / "unconstrained" / "probe.json")
    html = report_run(rid, tmp_path / "r.html", ws).read_text()
    assert "Contract change: 1 reference asset(s) changed" in html and "pipeline-overview.svg" in html
