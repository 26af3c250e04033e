"""Unsaved edits survive a crash: a studio killed with SIGKILL after typing into two buffers offers
both back on the next start. Closing with unsaved work asks Save / Discard / Cancel, and each
answer does what it says."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import threading

import pytest
from qtpy.QtWidgets import QMessageBox
from studio_helpers import ROOT, open_window

from studio.recovery import RecoveryStore
from studio.settings import recovery_dir

SCENE_EDIT = "[typed_before_the_crash]"
CONTENT_EDIT = '"typed_before_the_crash": 1,'

# The child types into both buffers like a person, then reports each autosave and waits to die.
CHILD = textwrap.dedent("""
    import sys
    from pathlib import Path

    import studio  # noqa: F401 (the binding)
    from qtpy.QtCore import Qt
    from qtpy.QtTest import QTest
    from qtpy.QtWidgets import QApplication

    app = QApplication([])
    from studio.main_window import MainWindow

    w = MainWindow(Path(sys.argv[1]))
    w.show()
    w.autosaved.connect(lambda paths: print("autosaved", *sorted(p.name for p in paths), flush=True))
    while not w.preview.renderer.isValid():
        QTest.qWait(20)
    w.scene_editor.setFocus()
    QTest.keyClick(w.scene_editor, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)
    QTest.keyClicks(w.scene_editor, sys.argv[2])
    w.content_editor.goto(1, 2)
    QTest.keyClicks(w.content_editor, sys.argv[3])
    app.exec()
""")


@pytest.mark.engine_heavy
def test_edits_in_two_buffers_are_offered_back_after_sigkill(workspace, qtbot, monkeypatch, tmp_path):
    child = subprocess.Popen([sys.executable, "-c", CHILD, str(workspace), SCENE_EDIT, CONTENT_EDIT],
                             cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                             env=os.environ | {"QT_QPA_PLATFORM": "offscreen"})
    watchdog = threading.Timer(60, child.kill)  # a child that never autosaves ends the wait below
    watchdog.start()
    try:
        saved: set[str] = set()
        for line in child.stdout:  # each autosave names what it wrote; wait for both buffers
            saved.update(line.split()[1:])
            if {"scene.dsl", "content.json"} <= saved:
                break
        assert {"scene.dsl", "content.json"} <= saved, "the child ended before autosaving both buffers"
    finally:
        watchdog.cancel()
        child.send_signal(signal.SIGKILL)
        child.wait(10)
    assert child.returncode == -signal.SIGKILL

    offers = []

    def answer(parent, title, text, *rest):
        offers.append((title, text))
        return QMessageBox.StandardButton.Yes
    monkeypatch.setattr(QMessageBox, "question", answer)
    w = open_window(qtbot, workspace, wait_for_preview=False)  # what was typed does not compile
    qtbot.waitUntil(lambda: bool(offers), timeout=5000)
    entry = workspace / "dashboard_cards"  # the first entry, where the child typed
    assert "Recover" in offers[0][0]
    assert str(entry / "scene.dsl") in offers[0][1] and str(entry / "content.json") in offers[0][1]
    scene, content = w.texts()
    assert scene.endswith(SCENE_EDIT) and content.startswith("{" + CONTENT_EDIT)
    assert w.is_modified()  # restored, not saved: the files on disk are as they were
    assert SCENE_EDIT not in (entry / "scene.dsl").read_text()
    w.save()
    assert RecoveryStore(recovery_dir()).pending() == []
    w.close()


def test_declining_the_offer_discards_the_recovered_edits(workspace, qtbot, asked):
    RecoveryStore(recovery_dir()).save(workspace / "poster_stack" / "scene.dsl", "[scene]\n[/scene]\n")
    w = open_window(qtbot, workspace)
    qtbot.waitUntil(lambda: bool(asked), timeout=5000)  # answered No
    assert RecoveryStore(recovery_dir()).pending() == []
    assert w.entry.name == "dashboard_cards" and not w.is_modified()
    w.close()


def test_autosave_copies_modified_buffers_and_drops_them_once_saved(window, qtbot):
    with qtbot.waitSignal(window.autosaved, timeout=5000):
        window.scene_editor.set_text(window.scene_editor.text() + "\n")
    store = RecoveryStore(recovery_dir())
    assert [r.path.name for r in store.pending()] == ["scene.dsl"]
    window.save()
    assert store.pending() == []


@pytest.mark.parametrize("answer, closes, on_disk, recovered", [
    (QMessageBox.StandardButton.Save, True, True, False),
    (QMessageBox.StandardButton.Discard, True, False, False),
    (QMessageBox.StandardButton.Cancel, False, False, True),
])
def test_closing_with_unsaved_work_asks(window, qtbot, monkeypatch, answer, closes, on_disk, recovered):
    asked = []
    monkeypatch.setattr(QMessageBox, "question", lambda *a: asked.append(a[1]) or answer)
    window.scene_editor.set_text(window.scene_editor.text() + "\n\n")
    window.autosave_now()
    window.close()
    assert asked == ["Unsaved changes"]
    assert window.isVisible() != closes
    assert window.entry.scene_path.read_text().endswith("\n\n") == on_disk
    assert bool(RecoveryStore(recovery_dir()).pending()) == recovered
    window.saved_texts = window.texts()  # let the fixture close it


def test_a_failing_save_says_why_keeps_the_window_open_and_the_recovered_copy(window, qtbot, monkeypatch):
    import studio.main_window as main_window
    from engine.fileio import InputError

    warned, asked = [], []

    def full_disk(path, text):
        raise InputError(f"{path}: cannot write: No space left on device")

    monkeypatch.setattr(main_window, "write_atomic", full_disk)
    monkeypatch.setattr(QMessageBox, "warning", lambda *a: warned.append(a[2]))
    monkeypatch.setattr(QMessageBox, "question", lambda *a: asked.append(a[1]) or QMessageBox.StandardButton.Save)
    window.scene_editor.set_text(window.scene_editor.text() + "\n\n")
    window.autosave_now()
    window.close()
    assert asked == ["Unsaved changes"] and "No space left on device" in warned[0]
    assert window.isVisible()
    assert RecoveryStore(recovery_dir()).pending()
    monkeypatch.undo()
    window.saved_texts = window.texts()  # let the fixture close it
