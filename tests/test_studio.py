"""The studio as a person uses it: open a workspace, type, see the preview and the problems."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

pytest.importorskip("qtpy")
from qtpy.QtGui import QTextCursor  # noqa: E402

from studio.app import register_fonts  # noqa: E402
from studio.main_window import MainWindow  # noqa: E402

GOLDEN = Path(__file__).parent / "golden"


@pytest.fixture
def window(qtbot, tmp_path, monkeypatch):
    from qtpy.QtWidgets import QMessageBox

    asked = []
    monkeypatch.setattr(QMessageBox, "question",
                        lambda *a, **k: asked.append(a) or QMessageBox.StandardButton.Discard)
    for case in ("poster_stack", "dashboard_cards"):
        shutil.copytree(GOLDEN / case, tmp_path / case)
    register_fonts()
    w = MainWindow(tmp_path)
    qtbot.addWidget(w)
    qtbot.waitUntil(lambda: w.preview.renderer.isValid(), timeout=5000)
    w.asked = asked
    yield w
    w.close()
    qtbot.wait(50)


def _type(editor, text: str) -> None:
    cursor = editor.textCursor()
    cursor.movePosition(QTextCursor.MoveOperation.End)
    editor.setTextCursor(cursor)
    editor.insertPlainText(text)


def test_opens_the_first_entry_and_previews_it(window):
    assert window.entry_list.count() == 2
    assert window.entry.name == "dashboard_cards"
    assert window.preview.renderer.defaultSize().width() == 1600
    assert window.problems.count() == 0


def test_typing_an_error_shows_a_problem_and_a_squiggle(window, qtbot):
    with qtbot.waitSignal(window.preview_updated, timeout=3000):
        _type(window.scene_editor, "[bogus:1]\n")
    messages = [window.problems.item(i).text() for i in range(window.problems.count())]
    assert any("unknown-key" in m for m in messages) or any("text-after-scene" in m for m in messages)
    assert window.scene_editor.extraSelections()


def test_clicking_a_problem_moves_the_cursor_there(window, qtbot):
    text = window.scene_editor.toPlainText().replace("[theme:signal_glow]", "[theme:signal_glw]")
    with qtbot.waitSignal(window.preview_updated, timeout=3000):
        window.scene_editor.setPlainText(text)
    item = next(window.problems.item(i) for i in range(window.problems.count())
                if "unknown-value" in window.problems.item(i).text())
    window._on_problem_activated(item)
    cursor = window.scene_editor.textCursor()
    assert cursor.block().text() == "[theme:signal_glw]"


def test_format_canonicalizes_and_save_writes_both_files(window, qtbot):
    with qtbot.waitSignal(window.preview_updated, timeout=3000):
        window.scene_editor.setPlainText("[scene] [layout:dashboard_cards] [/scene]")
    window.format_scene()
    assert window.scene_editor.toPlainText().startswith("[scene]\n[canvas:wide]\n[layout:dashboard_cards]")
    assert window.is_modified()
    window.save()
    assert not window.is_modified()
    window.close()
    assert window.asked == []  # nothing unsaved, so closing asks nothing
    assert window.entry.scene_path.read_text() == window.scene_editor.toPlainText()


def test_bad_content_json_is_a_problem_not_a_crash(window, qtbot):
    with qtbot.waitSignal(window.preview_updated, timeout=3000):
        window.content_editor.setPlainText('{"header_band": [')
    messages = [window.problems.item(i).text() for i in range(window.problems.count())]
    assert any("content-json" in m for m in messages)


def test_closing_with_unsaved_work_asks(window, qtbot):
    with qtbot.waitSignal(window.preview_updated, timeout=3000):
        _type(window.scene_editor, "\n")
    window.close()
    assert len(window.asked) == 1


@pytest.fixture
def gold_window(qtbot, tmp_path, monkeypatch):
    """A workspace whose one entry is a gold entry with its own reference (the compiled scene)."""
    import json

    from qtpy.QtWidgets import QMessageBox

    from engine.compiler import compile_scene
    from engine.dsl import load

    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Discard)
    entry = tmp_path / "poster"
    shutil.copytree(GOLDEN / "poster_stack", entry, ignore=shutil.ignore_patterns("expected.*", "layout.json"))
    scene = load((entry / "scene.dsl").read_text()).scene
    (entry / "reference.svg").write_text(compile_scene(scene, json.loads((entry / "content.json").read_text())).svg)
    (entry / "meta.toml").write_text('family = "poster_stack"\nsplit = "train"\nreference = "reference.svg"\n'
                                     'threshold = 0.9\n')
    register_fonts()
    w = MainWindow(tmp_path)
    qtbot.addWidget(w)
    yield w
    w.close()


def test_gold_entry_shows_its_score_and_updates_while_editing(gold_window, qtbot):
    w = gold_window
    qtbot.waitUntil(lambda: "parity" in w.gold.score.text(), timeout=10000)
    assert "1.000" in w.gold.score.text() or "0.99" in w.gold.score.text()
    assert w.gold.roles.count() > 5 and w.gold.views["diff"].pixmap() is not None
    text = w.scene_editor.toPlainText().replace("[theme:infra_dark]", "[theme:paper_editorial]")
    with qtbot.waitSignal(w.gold_scored, timeout=10000):
        w.scene_editor.setPlainText(text)
    assert "1.000" not in w.gold.score.text() and "fail" not in w.gold.score.text()
    w.gold.mode.setCurrentIndex(1)
    assert w.gold.overlay.isVisibleTo(w.gold) and not w.gold.views["reference"].isVisibleTo(w.gold)


def test_budget_meter_follows_the_scene_and_shows_chips(window, qtbot):
    qtbot.waitUntil(lambda: window.budget.meter.output > 0, timeout=10000)
    before = window.budget.meter.output
    text = window.scene_editor.toPlainText().replace("[/scene]", "[footer_note]\n[text_ref:footer_note.1.text]\n[/footer_note]\n[/scene]")
    with qtbot.waitSignal(window.budget_updated, timeout=5000):
        window.scene_editor.setPlainText(text)
    assert window.budget.meter.output > before
    assert "within" in window.budget.verdict.text()
    window.budget.show_chips.setChecked(True)
    assert "[footer_note]" in window.budget.chips.toPlainText()
    qtbot.waitUntil(lambda: "p95" in window.budget.gold.text(), timeout=20000)


TINY_TRAIN = """
[train]
size = "tiny"
batch = 2
lr = 3e-3
min_lr = 3e-4
warmup_steps = 1
checkpoint_every = 2

[[train.stages]]
name = "pretrain"
buckets = ["anchor_replay", "direct"]
steps = 3

[[train.stages]]
name = "midtrain"
buckets = ["anchor_replay"]
steps = 30
"""


def test_training_panel_starts_plots_and_stops_a_run(window, qtbot, tmp_path):
    root = Path(__file__).resolve().parents[1]
    spec = (root / "specs" / "spec01.toml").read_text().split("\n[train]\n")[0]
    spec = spec.replace('gold_pack = "../gold"', f'gold_pack = "{root / "gold"}"')
    (tmp_path / "spec.toml").write_text(spec + TINY_TRAIN)
    panel = window.training
    panel.runs = tmp_path / "runs"
    panel.spec.setText(str(tmp_path / "spec.toml"))
    panel.run_name.setText("tiny")
    panel.skip_preflight.setChecked(True)
    panel.start_button.click()
    assert not panel.start_button.isEnabled() and panel.stop_button.isEnabled()
    qtbot.waitUntil(lambda: len(panel.steps) >= 5, timeout=90000)
    assert {e["stage"] for e in panel.steps} == {"pretrain", "midtrain"}
    qtbot.waitUntil(lambda: panel.curves["loss"].getData()[0] is not None
                    and len(panel.curves["loss"].getData()[0]) >= 5, timeout=2000)
    assert panel.stages[1][1] == "midtrain"
    panel.stop_button.click()
    qtbot.waitUntil(lambda: panel.status.text().startswith(("stopped", "finished")), timeout=30000)
    assert panel.checkpoints.count() >= 1 and panel.start_button.isEnabled()
    assert panel.overlays.count() == 1  # the run just made can now be overlaid
