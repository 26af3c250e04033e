"""The studio writes where the commands write: started from any folder (its .desktop file, say),
its preflight verdicts, runs, parity results and ledger are the workspace's (engine/paths.py)."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from qtpy.QtCore import Qt
from studio_helpers import open_window

from engine.paths import Workspace


@pytest.mark.engine_heavy
def test_the_studio_started_elsewhere_preflights_and_trains_in_the_one_workspace(workspace, qtbot, asked, tmp_path,
                                                                                 monkeypatch):
    monkeypatch.setenv("CK_WORKSPACE", str(tmp_path / "runs-workspace"))
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    w = open_window(qtbot, workspace)
    ws, panel = Workspace(), w.training
    spawned = []   # the preflight's arguments; the six gates themselves are test_preflight.py's
    monkeypatch.setattr(panel.preflight_job, "start", lambda *args: spawned.append(args))
    assert w.runs.workspace == w.probe.workspace == ws.root and Path(w.parity.out) == ws.parity
    assert panel.run_dir == ws.run(panel.run_name.text()).folder

    qtbot.mouseClick(panel.preflight_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(spawned), timeout=5000)
    spec, out = spawned[0]
    assert Path(out) == ws.preflight(spec).folder
    # the training it starts reads the verdict there: a planted failing one blocks the run
    verdict = ws.preflight(spec).verdict
    verdict.parent.mkdir(parents=True)
    verdict.write_text(json.dumps({"passed": False, "gates": [
        {"name": "token budget", "status": "fail", "detail": "planted", "passed": False}]}))
    qtbot.mouseClick(panel.start_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "token budget (fail): planted" in panel.status.text(), timeout=60000)
    assert list(elsewhere.iterdir()) == []
    w.close()
