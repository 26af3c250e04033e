"""Fixtures for the studio's tests: an isolated settings/recovery folder for every test, the
questions the studio asks, and a main window on a copy of two golden entries."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

pytest.importorskip("qtpy")

from studio_helpers import GOLDEN, open_window  # noqa: E402


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "engine_heavy: seconds of engine work behind the studio (training, the gate, parity, "
        "subprocess starts); the other-binding pass (test_studio_bindings.py) leaves these out")


@pytest.fixture(autouse=True)
def studio_config(tmp_path, monkeypatch) -> Path:
    """QSettings and the recovery folder of this test only: nobody's own settings are touched."""
    folder = tmp_path / "studio-config"
    monkeypatch.setenv("CK_STUDIO_CONFIG", str(folder))
    return folder


@pytest.fixture
def asked(monkeypatch) -> list:
    """Every QMessageBox.question asked, answered Discard (or No for the recovery offer)."""
    from qtpy.QtWidgets import QMessageBox

    questions: list = []

    def answer(parent, title, text, buttons=None, *rest):
        questions.append((title, text))
        return QMessageBox.StandardButton.Discard if "Unsaved" in title else QMessageBox.StandardButton.No
    monkeypatch.setattr(QMessageBox, "question", answer)
    return questions


@pytest.fixture
def workspace(tmp_path) -> Path:
    folder = tmp_path / "workspace"
    for case in ("poster_stack", "dashboard_cards"):
        shutil.copytree(GOLDEN / case, folder / case, ignore=shutil.ignore_patterns("expected.*", "layout.json"))
    return folder


@pytest.fixture
def window(qtbot, workspace, asked):
    w = open_window(qtbot, workspace)
    w.asked = asked
    yield w
    w.close()
    qtbot.wait(50)




@pytest.fixture
def gold_workspace(tmp_path) -> Path:
    """A workspace of two gold entries whose references are their own compiled scenes (so each
    scores about 1.0): poster_stack and table_matrix."""
    from tests.gold_entries import own_entry

    folder = tmp_path / "gold"
    for case in ("poster_stack", "table_matrix"):
        own_entry(folder, case)
    return folder
