"""A script that ends without closing the window must not abort the process ("QThread: Destroyed
while thread is still running", exit 134): the window stops its threads when the application
quits, a worker's thread stops when its owner is deleted, and whatever still runs stops at exit.
Each way out runs in a child process (teardown_child.py), as an abort would end the test run."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from studio_helpers import ROOT

CHILD = Path(__file__).with_name("teardown_child.py")


@pytest.mark.engine_heavy
@pytest.mark.parametrize("how", ["delete", "exit", "quit"])
def test_the_studio_ends_cleanly_without_a_close(how, gold_workspace, tmp_path):
    env = {**os.environ, "PYTHONPATH": str(ROOT), "QT_QPA_PLATFORM": "offscreen", "CK_WORKSPACE": str(tmp_path / "ck")}
    done = subprocess.run([sys.executable, str(CHILD), str(gold_workspace), how], env=env, capture_output=True,
                          text=True, timeout=120, check=False)
    out = done.stdout + done.stderr
    assert done.returncode == 0 and "QThread: Destroyed" not in out, out[-3000:]
    assert "busy: gate True" in out and "script done" in out, out[-3000:]   # it did leave with work running
    if how == "quit":
        assert "shut down on quit: True" in out
