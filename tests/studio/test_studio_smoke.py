"""`CK_STUDIO_SMOKE=1 ck-studio` (the README's command, as tools/fresh_check.sh runs it) renders
the bundled gold pack offscreen and exits 0; a workspace with a broken entry exits 1."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest
from studio_helpers import GOLDEN, ROOT


def smoke(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "studio.app", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=120, check=False,
                          env=os.environ | {"QT_QPA_PLATFORM": "offscreen"} | (env or {}))


@pytest.mark.engine_heavy
def test_the_env_var_smoke_run_renders_the_bundled_gold_pack():
    from engine.workspace import default_gold_pack, entries

    done = smoke(env={"CK_STUDIO_SMOKE": "1"})
    assert done.returncode == 0, done.stdout + done.stderr
    names = [e.name for e in entries(default_gold_pack())]
    assert [line.split()[1] for line in done.stdout.splitlines() if line.startswith("smoke: ")] == names
    assert all(line.endswith(" ok") for line in done.stdout.splitlines() if line.startswith("smoke: "))
    assert "smoke passed" in done.stdout


@pytest.mark.engine_heavy
def test_a_broken_entry_fails_the_smoke_run(tmp_path):
    shutil.copytree(GOLDEN / "poster_stack", tmp_path / "good")
    shutil.copytree(GOLDEN / "poster_stack", tmp_path / "broken")
    (tmp_path / "broken" / "scene.dsl").write_text("[scene]\n[layout:no_such_family]\n[/scene]\n")
    done = smoke("--smoke", str(tmp_path))
    assert done.returncode == 1
    assert "smoke: broken" in done.stdout and "FAIL" in done.stdout and "smoke: good" in done.stdout
