"""The parity dock runs `ck parity`'s regimen in a child process and fills a per-tensor table as
each stage finishes, writing what the preflight gate reads. A planted kernel bug shows red where
tensors exceed their tolerance, and only there. (tests/test_ck.py covers the regimen itself.)"""
from __future__ import annotations

import json

import pytest
from qtpy.QtCore import Qt

from engine.ck import kernels as K
from engine.ck import regimen as R
from engine.events import finish
from engine.model import SIZES
from engine.preflight import PARITY_FILE

RMSNORM_BACKWARD = K.rmsnorm_backward


def wrong_rmsnorm_backward(dout, cache):
    """The weight's gradient taken against x instead of the normalized x (tests/test_ck.py's bug)."""
    xhat, rstd, _ = cache
    dx, _ = RMSNORM_BACKWARD(dout, cache)
    return dx, (dout * xhat / rstd).reshape(-1, xhat.shape[-1]).sum(axis=0)


@pytest.mark.engine_heavy
def test_running_the_regimen_fills_the_table_and_writes_the_gate_input(window, qtbot, tmp_path):
    panel = window.parity
    window.use_perspective("Train")
    window.parity_dock.raise_()  # first seen: the sizes are listed
    qtbot.waitUntil(lambda: panel.config.count() > 0 and panel.run_button.isEnabled(), timeout=120000)
    panel.out = str(tmp_path / "parity")
    panel.config.setCurrentText("tiny")
    panel.dtype.setCurrentText("float32")
    qtbot.mouseClick(panel.run_button, Qt.MouseButton.LeftButton)
    assert not panel.run_button.isEnabled()
    qtbot.waitUntil(lambda: panel.run_button.isEnabled(), timeout=180000)
    headers = [panel.table.horizontalHeaderItem(c).text() for c in range(panel.table.columnCount())]
    assert headers == [f"{s} float32" for s in ("A1", "A4", "B", "C", "E1", "F1")]
    rows = panel.rows()
    assert rows[:2] == ["tolerance logits", "tolerance loss"] and rows[-1] == "result"
    assert rows.index("logits") < rows.index("loss") < rows.index("grad:norm.weight")  # the order of a step
    assert panel.cell("tolerance loss", 0).text() == "2e-05" and float(panel.cell("loss", 0).text()) <= 2e-5
    assert panel.failed_cells() == [] and "PASSED" in panel.status.text()
    written = json.loads((tmp_path / "parity" / PARITY_FILE).read_text())
    assert written["passed"] and written["config"] == "tiny"


@pytest.mark.engine_heavy
def test_a_planted_bug_shows_red_where_it_diverges(window, monkeypatch):
    """The regimen runs here with the bug planted (a child process would import the right kernel);
    its events reach the panel through its job's signals."""
    monkeypatch.setattr(K, "rmsnorm_backward", wrong_rmsnorm_backward)
    panel = window.parity
    result = finish(R.run_regimen(SIZES["tiny"].with_vocab(64), "tiny", R.Settings(), ("float32",)),
                    panel.job.progressed.emit)
    panel.job.finished.emit(result)
    failed = panel.failed_cells()
    assert ("grad:norm.weight", "A1 float32") in failed and ("result", "A1 float32") in failed
    assert ("loss", "B float32") not in failed                    # the forward pass is right
    assert ("result", "E1 float32") not in failed                 # CK against itself still agrees
    assert not any(row.startswith("tolerance") for row, _ in failed)
    assert panel.cell("grad:norm.weight", 0).background().color().name() == "#c53030"
    assert "FAILED" in panel.status.text() and "first divergence: grad:" in panel.divergence.text()
