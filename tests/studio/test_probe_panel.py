"""The probe gallery, used the way a person reviews a probe: open a probe.json (or pick a run and
its probe), read the scoreboard, filter the cases, step through them with the keyboard, read the
diff and look at both pictures; "Run probe" on a run that cannot be probed says why.

Probe results are hand-made (tests/runs_fixtures.py): sixteen gold cases, one that renders in
the wrong tone and one cut off before [/scene] that repair closes."""
from __future__ import annotations

import doctest
import json
from pathlib import Path

import pytest
from qtpy.QtCore import Qt
from qtpy.QtWidgets import QFileDialog

from engine.events import Progress, Result
from engine.runs.ledger import Ledger
from engine.runs.record import record_folder
from studio import diff_view
from studio.diff_view import ADDED, REMOVED, side_by_side, unified
from studio.probe_panel import ANY_FAILURE, PASSING, ProbePanel
from studio.tasks import record_in_ledger
from tests.runs_fixtures import probe_json, run_folder, write_probe

TONE, TRUNCATED = "own_tree_triage-dev", "own_poster_budget-test"
FAILING = {TONE: "tone", TRUNCATED: "truncated"}


@pytest.fixture
def panel(qtbot, tmp_path):
    p = ProbePanel(tmp_path / "workspace")
    qtbot.addWidget(p)
    p.resize(1400, 800)
    p.show()
    yield p
    p.shutdown()


@pytest.fixture
def probe_file(tmp_path) -> tuple[Path, dict]:
    data = probe_json(False, failing=FAILING)
    return write_probe(tmp_path / "run", data), data


def open_with_dialog(qtbot, panel, monkeypatch, path: Path) -> None:
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(path), "probe.json (*.json)"))
    with qtbot.waitSignal(panel.probe_loaded, timeout=5000):
        qtbot.mouseClick(panel.open_button, Qt.MouseButton.LeftButton)


def choose(qtbot, panel, combo, value) -> None:
    """Pick a filter value and wait until the (new) current case's pictures are on screen."""
    with qtbot.waitSignal(panel.case_shown, timeout=10000):
        panel.set_filter(combo, value)


def cell(table, row: int, col: int) -> str:
    return table.item(row, col).text()


def test_the_diff_helpers_agree_on_a_changed_line():
    assert doctest.testmod(diff_view).failed == 0
    rows = side_by_side("[scene]\n[tone:blue]\n[/scene]", "[scene]\n[tone:red]\n[/scene]\nextra")
    assert [(r.kind, r.left, r.right) for r in rows] == [
        ("equal", "[scene]", "[scene]"), ("replace", "[tone:blue]", "[tone:red]"),
        ("equal", "[/scene]", "[/scene]"), ("insert", None, "extra")]
    assert unified("a\nb", "a\nc\nd") == [(" ", "a"), ("-", "b"), ("+", "c"), ("+", "d")]


def test_a_probe_opens_with_its_scoreboard_and_a_failing_case_shows_diff_and_pictures(
        panel, qtbot, monkeypatch, probe_file):
    path, data = probe_file
    open_with_dialog(qtbot, panel, monkeypatch, path)
    assert "spec01 v1, 16 cases" in panel.heading.text() and "unconstrained" in panel.heading.text()
    raw, repaired = data["scoreboard"]["raw"]["overall"], data["scoreboard"]["repaired"]["overall"]
    headers = [panel.scoreboard.horizontalHeaderItem(c).text() for c in range(panel.scoreboard.columnCount())]
    exact = headers.index("exact")
    assert cell(panel.scoreboard, 0, exact) == f"{100 * raw['exact_rate']:.1f} %" != \
        cell(panel.scoreboard, 1, exact) == f"{100 * repaired['exact_rate']:.1f} %"
    assert "renderable_but_not_exact 1" in panel.classes.text() and "scene_suffix_failure 1" in panel.classes.text()
    assert panel.cases.rowCount() == 16

    choose(qtbot, panel, panel.failure, ANY_FAILURE)
    assert sorted(cell(panel.cases, r, 0) for r in range(panel.cases.rowCount())) == sorted(FAILING)
    choose(qtbot, panel, panel.failure, "renderable_but_not_exact")
    assert panel.cases.rowCount() == 1 and panel.current_case().id == TONE
    assert panel.failure_class.text() == "raw: renderable_but_not_exact"
    assert panel.evidence.text() == "tone differs: red" and panel.prompt.toPlainText() == panel.current_case().prompt
    changes = panel.diff.changes()
    expected_tone = next(ln for ln in panel.current_case().expected.splitlines() if ln.startswith("[tone:"))
    assert changes == [("-", expected_tone, REMOVED), ("+", "[tone:red]", ADDED)]
    assert "[tone:red]" in panel.diff.browser.toPlainText() and "-1 +1" in panel.diff.summary.text()
    panel.diff.mode.setCurrentText("unified")
    assert "- " + expected_tone in panel.diff.browser.toPlainText()
    # no gallery files in this probe: both scenes are compiled; both render, in different tones
    assert panel.expected_picture.shows_picture() and panel.actual_picture.shows_picture()


def test_a_cut_off_output_has_no_picture_until_judged_repaired(panel, qtbot, probe_file):
    path, _ = probe_file
    with qtbot.waitSignal(panel.case_shown, timeout=10000):
        panel.open_probe(path)
    choose(qtbot, panel, panel.failure, "scene_suffix_failure")
    assert panel.current_case().id == TRUNCATED
    assert panel.expected_picture.shows_picture() and not panel.actual_picture.shows_picture()
    assert panel.actual_picture.missing.text()     # says why there is no picture
    assert [s for s, _, _ in panel.diff.changes()] == ["-"]   # only [/scene] is missing
    # judged on the repaired output the class is gone: the filter falls back to every case, the
    # case stays selected, and its repaired output renders
    with qtbot.waitSignal(panel.case_shown, timeout=10000):
        panel.surface.setCurrentText("repaired")
        panel.surface.activated.emit(1)
    assert panel.failure.currentData() is None and panel.cases.rowCount() == 16
    assert panel.current_case().id == TRUNCATED and panel.failure_class.text() == "repaired: pass"
    assert panel.actual_picture.shows_picture() and panel.diff.changes() == []


def test_the_keyboard_steps_through_the_filtered_rows_only(panel, qtbot, probe_file):
    path, _ = probe_file
    panel.open_probe(path)
    choose(qtbot, panel, panel.split, "dev")
    ids = [cell(panel.cases, r, 0) for r in range(panel.cases.rowCount())]
    assert len(ids) == 4 and all(i.endswith("-dev") for i in ids)
    panel.cases.setFocus()
    seen = [panel.current_case().id]
    for key, modifier in ((Qt.Key.Key_J, None), (Qt.Key.Key_N, None), (Qt.Key.Key_Down, Qt.KeyboardModifier.AltModifier),
                          (Qt.Key.Key_J, None)):   # the last one is past the end: it stays
        qtbot.keyClick(panel.cases, key, modifier or Qt.KeyboardModifier.NoModifier)
        seen.append(panel.current_case().id)
    assert seen == ids + [ids[-1]]
    assert ids[-1] in panel.case_title.text() and "4 of 4" in panel.case_title.text()
    panel.prompt.setFocus()   # read-only text keeps the letters for the panel
    back = []
    for key, modifier in ((Qt.Key.Key_K, None), (Qt.Key.Key_P, None), (Qt.Key.Key_Up, Qt.KeyboardModifier.AltModifier)):
        qtbot.keyClick(panel.prompt, key, modifier or Qt.KeyboardModifier.NoModifier)
        back.append(panel.current_case().id)
    assert back == ids[2::-1]
    with qtbot.waitSignal(panel.case_shown, timeout=10000, check_params_cb=lambda i: i == ids[0]):
        pass   # the last step's pictures arrive for the case on screen, not an earlier one
    choose(qtbot, panel, panel.layout_filter, panel.current_case().layout)
    assert panel.cases.rowCount() == 1 and panel.failure.currentData() is None
    choose(qtbot, panel, panel.failure, PASSING)
    assert panel.cases.rowCount() == 1   # the dev case of this layout passes


def test_the_probes_gallery_files_are_shown_when_present(panel, qtbot, tmp_path):
    data = probe_json(False, failing=FAILING)
    case = next(c for c in data["cases"] if c["id"] == TONE)
    gallery = tmp_path / "run" / "probes" / "unconstrained" / "gallery"
    gallery.mkdir(parents=True)
    for kind, (w, h) in {"expected": (123, 45), "raw": (67, 89)}.items():
        (gallery / f"{TONE}.{kind}.svg").write_text(
            f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}"><rect width="{w}" height="{h}"/></svg>')
    case["gallery"] = {"expected": f"gallery/{TONE}.expected.svg", "raw": f"gallery/{TONE}.raw.svg"}
    panel.open_probe(write_probe(tmp_path / "run", data))
    choose(qtbot, panel, panel.failure, "renderable_but_not_exact")
    sizes = [(p.svg.renderer.defaultSize().width(), p.svg.renderer.defaultSize().height())
             for p in (panel.expected_picture, panel.actual_picture)]
    assert sizes == [(123, 45), (67, 89)]


def test_a_run_of_the_ledger_and_its_probe_are_picked_by_name(qtbot, tmp_path):
    workspace = tmp_path / "workspace"
    folder = run_folder(workspace / "runs" / "first")
    write_probe(folder, probe_json(False, failing=FAILING))
    with Ledger.open(workspace) as ledger:
        run_id = record_folder(ledger, folder)
    run_folder(workspace / "runs" / "unrecorded")   # `ck train` output without a ledger row
    panel = ProbePanel(workspace)
    qtbot.addWidget(panel)
    try:
        qtbot.waitUntil(lambda: panel.run_choice.count() == 2, timeout=5000)
        assert [panel.run_choice.itemText(i) for i in range(2)] == [run_id, "unrecorded"]
        panel.mode.setCurrentText("constrained")
        panel.mode.activated.emit(1)
        assert f"{run_id} has no constrained probe yet" in panel.status.text() and panel.result is None
        with qtbot.waitSignal(panel.probe_loaded, timeout=5000):
            panel.mode.setCurrentText("unconstrained")
            panel.mode.activated.emit(0)
        assert panel.cases.rowCount() == 16 and Path(panel.status.text()).parent.name == "unconstrained"
    finally:
        panel.shutdown()


def test_a_file_that_is_not_a_probe_result_says_why(panel, tmp_path):
    bad = tmp_path / "probe.json"
    bad.write_text(json.dumps({"schema": 99}))
    assert not panel.open_probe(bad)
    assert "schema 99" in panel.status.text() and panel.result is None


def test_probe_progress_and_result_arrive_by_the_jobs_signals(panel, qtbot, probe_file):
    """What the child process reports reaches the panel through its job's signals."""
    path, _ = probe_file
    job = panel.probe_job
    panel.progress.show()
    job.progressed.emit(Progress("probe", 32, 64, "decode", {"stage": "decode"}))
    assert panel.progress.value() == 40 and panel.progress.format() == "decode 32/64"
    job.progressed.emit(Progress("probe", 64, 64, "score", {"stage": "score"}))
    assert panel.progress.value() == 100
    with qtbot.waitSignal(panel.probe_loaded, timeout=5000):
        job.finished.emit(Result("probe", "probed", {"path": str(path), "recorded": "recorded for spec01-r1"}))
    assert panel.progress.isHidden() and panel.cases.rowCount() == 16
    assert panel.status.text().endswith("(recorded for spec01-r1)")


def test_a_finished_probe_of_a_ledger_run_is_recorded_unless_its_results_are_frozen(tmp_path):
    """What the probe job does after run_probe: the ledger's scoreboard follows the new probe.json,
    except on a champion, whose results on its probe list stay as they were promoted."""
    workspace = tmp_path / "workspace"
    folder = run_folder(workspace / "runs" / "first")
    path = write_probe(folder, probe_json(False))
    with Ledger.open(workspace) as ledger:
        run_id = record_folder(ledger, folder)
    write_probe(folder, probe_json(False, failing=FAILING))          # probed again: two misses
    assert record_in_ledger(path, str(folder), str(workspace)) == f"recorded for {run_id}"
    with Ledger.open(workspace) as ledger:
        assert ledger.scoreboard(run_id)["unconstrained"]["raw"]["overall"]["exact_rate"] == 14 / 16
        ledger.decide(run_id, "promote", "first champion")
    write_probe(folder, probe_json(False))
    assert record_in_ledger(path, str(folder), str(workspace)).startswith(f"not recorded: {run_id} is the champion")
    assert record_in_ledger(path, str(tmp_path / "elsewhere"), str(workspace)) == ""   # not a ledger run
    assert record_in_ledger(path, str(folder), str(tmp_path / "no-ledger")) == ""


@pytest.mark.engine_heavy
def test_run_probe_on_a_run_without_checkpoints_reports_why(panel, qtbot, tmp_path):
    """The button starts run_probe in a child process; the engine's refusal comes back as a message."""
    folder = run_folder(panel.workspace / "runs" / "untrained")
    panel.refresh_runs()
    qtbot.waitUntil(lambda: panel.run_choice.count() == 1 and panel.run_button.isEnabled(), timeout=5000)
    qtbot.mouseClick(panel.run_button, Qt.MouseButton.LeftButton)
    assert not panel.run_button.isEnabled() and panel.stop_button.isEnabled() and panel.progress.isVisible()
    qtbot.waitUntil(lambda: panel.run_button.isEnabled(), timeout=60000)
    assert str(folder) in panel.status.text() and "checkpoint" in panel.status.text()
    assert "Traceback" not in panel.status.text() and panel.progress.isHidden()


def test_a_confusion_cell_clicked_filters_the_gallery_to_its_cases(panel, qtbot, probe_file):
    path, _ = probe_file
    assert panel.open_probe(path)
    panel.confusion_key.setCurrentText("tone")
    panel._fill_confusion()
    rows = [panel.confusion.verticalHeaderItem(i).text() for i in range(panel.confusion.rowCount())]
    cols = [panel.confusion.horizontalHeaderItem(j).text() for j in range(panel.confusion.columnCount())]
    assert "red" in cols
    tone = next(r for r in rows if r != "red" and panel.confusion.item(rows.index(r), cols.index("red")).text())
    with qtbot.waitSignal(panel.case_shown, timeout=10000):
        panel.pick_confusion(rows.index(tone), cols.index("red"))
    assert [c.id for c in panel.visible] == [TONE]
    assert "→ red" in panel.confusion_said.text()
    panel.pick_confusion(rows.index(tone), cols.index("red"))    # the same cell again: every case
    assert len(panel.visible) == len(panel.result.cases)
