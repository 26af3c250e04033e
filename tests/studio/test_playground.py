"""The playground (issue 20), used as a person tries a model: the ledger's runs listed with the
champion first, a prompt composed from the dropdowns, Generate in a child process, raw and
canonical side by side with tokens/s, the expected scene as a diff for a probe case, and the scene
opened as a new entry of the workspace's playground/ folder, the edited entry left alone."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from qtpy.QtCore import Qt

from engine.runs.ledger import Ledger
from engine.runs.record import record_folder
from studio.playground_panel import PlaygroundPanel
from tests.runs_fixtures import probe_json, run_folder, write_probe

pytestmark = pytest.mark.engine_heavy
PROBE_CASE = json.loads((Path(__file__).resolve().parents[2] / "resources" / "probes" / "spec01.json").read_text())["cases"][0]


@pytest.fixture(scope="module")
def workspace(tmp_path_factory) -> Path:
    from test_train import _rows

    from engine.tokenizer import default_tokenizer
    from engine.train import Stage, TrainConfig, Trainer

    folder = tmp_path_factory.mktemp("ws")
    cfg = TrainConfig(size="tiny", ctx=64, seed=3, batch=4, micro_batch=4, warmup_steps=2, checkpoint_every=2,
                      stages=(Stage("pretrain", ("direct",), "steps", 2),))
    with Ledger.open(folder) as ledger:
        for name in ("older", "crowned"):
            run = run_folder(folder / "runs" / name)
            for _ in Trainer(cfg, _rows(), default_tokenizer(), run, max_steps=2).run():
                pass
            write_probe(run, probe_json(False))
            rid = record_folder(ledger, run, rung=name)
            ledger.set_status(rid, "finished")
        ledger.decide(rid, "promote", "first")
    return folder


@pytest.fixture
def panel(qtbot, workspace):
    p = PlaygroundPanel(workspace)
    qtbot.addWidget(p)
    p.resize(1400, 600)
    p.show()
    p.on_seen(True)
    qtbot.waitUntil(lambda: p.generate_button.isEnabled(), timeout=20000)
    yield p
    p.shutdown()


def _set_prompt(panel, prompt: str) -> None:
    parts = dict(t[1:-1].split(":", 1) for t in prompt.split()[1:-1])
    panel.surface.setCurrentText("explicit")
    panel.layout_box.setCurrentText(parts["layout"])
    panel.topic.setCurrentText(parts["topic"])
    for box, key in ((panel.theme, "theme"), (panel.tone, "tone"), (panel.density, "density")):
        box.setCurrentText(parts[key])


def test_runs_are_listed_champion_first_and_the_prompt_follows_the_dropdowns(panel):
    assert panel.run.itemText(0).startswith("spec01-crowned") and "champion" in panel.run.itemText(0)
    assert panel.run.count() == 2
    _set_prompt(panel, PROBE_CASE["prompt"])
    assert panel.prompt_view.text() == PROBE_CASE["prompt"]
    panel.surface.setCurrentText("intent")
    assert panel.prompt_view.text() == (f"[task:svg] [topic:{panel.topic.currentText()}] [goal:explain_tradeoff] "
                                        "[audience:engineers] [OUT]")


def test_generate_shows_raw_and_scene_and_the_expected_diff_for_a_probe_case(panel, qtbot):
    _set_prompt(panel, PROBE_CASE["prompt"])
    panel.repair.setChecked(True)
    with qtbot.waitSignal(panel.generated, timeout=60000) as shown:
        qtbot.mouseClick(panel.generate_button, Qt.MouseButton.LeftButton)
    value = shown.args[0]
    assert panel.raw.toPlainText() == value["generation"]["raw"] != ""
    assert panel.scene.toPlainText().startswith("[scene]")       # constrained + repaired: always a scene
    assert "tokens/s" in panel.status.text()
    assert value["expected"] == PROBE_CASE["expected"] and panel.diff.changes()
    assert value["words"] == "the probe list's, of this topic" and "words: the probe list's" in panel.status.text()
    assert "a probe case" in panel.outputs.tabText(1)
    with qtbot.waitSignal(panel.open_requested) as opened:
        qtbot.mouseClick(panel.open_button, Qt.MouseButton.LeftButton)
    scene, content = opened.args
    assert scene == value["generation"]["scene"] and json.loads(content) == value["content"] != {}


def test_a_run_that_fails_says_why_and_generate_comes_back(panel, qtbot, workspace):
    panel.topic.setCurrentText("Not An Identifier")
    with qtbot.waitSignal(panel.job.failed, timeout=60000):
        qtbot.mouseClick(panel.generate_button, Qt.MouseButton.LeftButton)
    assert "is not a [key:value] token" in panel.status.text() and panel.generate_button.isEnabled()


def test_open_in_editor_makes_a_playground_entry_and_keeps_the_edited_one(qtbot, tmp_path, monkeypatch, asked):
    from studio_helpers import GOLDEN, open_window

    monkeypatch.setenv("CK_WORKSPACE", str(tmp_path / "ws"))
    w = open_window(qtbot, GOLDEN)
    edited, before = w.entry.scene_path, w.entry.scene_path.read_text()
    folder = w.open_generated("[scene]\n[layout:dashboard_cards]\n[/scene]\n", "{}\n")
    assert folder.parent == tmp_path / "ws" / "playground" and (folder / "scene.dsl").exists()
    assert w.entry.folder == folder and w.scene_editor.text().startswith("[scene]")
    assert edited.read_text() == before
    assert w.perspective == "Author"   # where the editors and the preview have the room


def test_a_new_topic_borrows_the_words_of_a_gold_entry_of_its_layout_and_says_whose():
    from engine.dsl import load
    from engine.fileio import read_json, read_text
    from engine.workspace import default_gold_pack, entries
    from studio.tasks import _layout_content

    gold = {e.name: e for e in entries(default_gold_pack())}
    lender = next(e for e in gold.values() if load(read_text(e.scene_path)).scene.attr("layout") == "table_matrix")
    content, words = _layout_content("[scene]\n[layout:table_matrix]\n[topic:never_seen]\n[/scene]\n")
    assert content == read_json(lender.content_path) and words.startswith(f"gold entry {lender.name}'s")
