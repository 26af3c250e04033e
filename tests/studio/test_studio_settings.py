"""What outlives a session (QSettings in this test's own folder): the dock layout and geometry, the
recent workspaces and files, the editor's font size, and the workspace and entry last open."""
from __future__ import annotations

import shutil
from pathlib import Path

from qtpy.QtCore import Qt
from studio_helpers import open_window


def actions(menu) -> list[str]:
    return [a.text() for a in menu.actions()]


def test_dock_layout_and_geometry_come_back(workspace, qtbot, asked, studio_config):
    w = open_window(qtbot, workspace)
    w.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, w.parity_dock)
    budget = next(d for d in w.bottom_docks if d.objectName() == "Token budget")
    budget.toggleViewAction().trigger()  # View > Token budget: hidden
    w.resize(790, 720)  # within the offscreen screen (800 x 800), which a restore fits into
    size = (w.width(), w.height())
    w.close()
    assert (studio_config / "studio.ini").exists()

    again = open_window(qtbot, workspace)
    assert again.dockWidgetArea(again.parity_dock) == Qt.DockWidgetArea.RightDockWidgetArea
    assert not next(d for d in again.bottom_docks if d.objectName() == "Token budget").isVisible()
    assert (again.width(), again.height()) == size
    again.close()


def test_recent_workspaces_and_files_are_listed_newest_first_and_reopen(workspace, tmp_path, qtbot, asked):
    other = tmp_path / "other"
    shutil.copytree(workspace / "poster_stack", other / "poster_stack")
    w = open_window(qtbot, workspace)
    w.load_workspace(other)
    assert actions(w.recent_workspaces_menu) == [str(other), str(workspace)]
    assert actions(w.recent_files_menu)[:2] == [str(other / "poster_stack" / "scene.dsl"),
                                                str(workspace / "dashboard_cards" / "scene.dsl")]
    w.recent_files_menu.actions()[1].trigger()
    assert w.workspace == workspace and w.entry.name == "dashboard_cards"
    w.close()

    again = open_window(qtbot, workspace)
    assert actions(again.recent_workspaces_menu)[:2] == [str(workspace), str(other)]
    again.close()


def test_without_a_workspace_the_last_one_and_its_entry_reopen(workspace, qtbot, asked):
    from studio.main_window import MainWindow

    w = open_window(qtbot, workspace)
    w.select_entry("poster_stack")
    w.close()
    again = MainWindow()
    qtbot.addWidget(again)
    assert again.workspace == workspace and again.entry.name == "poster_stack"
    again.close()


def test_the_font_size_persists(workspace, qtbot, asked):
    w = open_window(qtbot, workspace)
    before = w.font_size
    larger = next(a for a in w.menuBar().actions() if a.text() == "&View").menu().actions()[0]
    larger.trigger()
    assert w.font_size == before + 1
    w.close()
    again = open_window(qtbot, workspace)
    assert again.font_size == before + 1
    again.close()


def test_the_spec_chosen_in_the_training_panel_sets_the_budget_and_comes_back(workspace, tmp_path, qtbot, asked,
                                                                              monkeypatch):
    """No spec or context is written into the studio: the budget measures against the spec in use,
    the one last chosen (here with ctx 1024), and the next session opens with it."""
    from qtpy.QtWidgets import QFileDialog
    from studio_helpers import ROOT

    spec = tmp_path / "wide.toml"
    spec.write_text((ROOT / "specs" / "spec01.toml").read_text().replace("ctx = 768", "ctx = 1024")
                    .replace('gold_pack = "../gold"', f'gold_pack = "{ROOT / "gold"}"'))
    w = open_window(qtbot, workspace)
    qtbot.waitUntil(lambda: w.budget.meter.ctx == 768, timeout=10000)   # the specs folder's first: spec01
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(spec), "spec (*.toml)"))
    with qtbot.waitSignal(w.budget_updated, timeout=10000):
        w.training.spec_button.click()
    assert w.budget.meter.ctx == 1024 and w.training.run_name.text() == "wide"
    w.close()

    again = open_window(qtbot, workspace)
    assert Path(again.training.spec.text()) == spec.resolve()
    qtbot.waitUntil(lambda: again.budget.meter.ctx == 1024, timeout=10000)
    again.close()
