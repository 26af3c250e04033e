"""The studio as a person uses it: open a workspace, type, see the preview and the problems, click
a problem, format, save; a gold entry's score follows the edits; the token budget follows too.
(Training and the whole-pack gate: test_studio_responsiveness.py.)"""
from __future__ import annotations

import re

from qtpy.QtCore import Qt
from studio_helpers import after_edit, go_to_end, open_window, type_text

from studio.editor import SceneEditor


def problems(window) -> list[str]:
    return [window.problems.item(i).text() for i in range(window.problems.count())]


def test_opens_the_first_entry_and_previews_it(window):
    assert window.entry_list.count() == 2
    assert window.entry.name == "dashboard_cards"
    assert isinstance(window.scene_editor, SceneEditor)
    assert window.preview.renderer.defaultSize().width() == 1600
    assert window.problems.count() == 0
    assert window.content_editor.isVisible() and window.scene_editor.isVisible()  # side by side


def test_typing_an_error_shows_a_problem_and_a_squiggle(window, qtbot):
    go_to_end(qtbot, window.scene_editor)
    after_edit(qtbot, window, "preview_updated", lambda: type_text(qtbot, window.scene_editor, "\n[bogus:1]"), 3000)
    assert any("text-after-scene" in m or "unknown-key" in m for m in problems(window))
    assert window.scene_editor.squiggles()


def test_clicking_a_problem_moves_the_cursor_to_the_offending_value(window, qtbot):
    text = window.scene_editor.text().replace("[theme:signal_glow]", "[theme:signal_glw]")
    after_edit(qtbot, window, "preview_updated", lambda: window.scene_editor.set_text(text), 3000)
    row = next(i for i, m in enumerate(problems(window)) if "unknown-value" in m)
    assert problems(window)[row].startswith("4:8 ")
    assert window.scene_editor.squiggles()[0][:2] == (4, 8)  # under signal_glw, not its [theme:
    item = window.problems.item(row)
    qtbot.mouseClick(window.problems.viewport(), Qt.MouseButton.LeftButton, pos=window.problems.visualItemRect(item).center())
    assert window.scene_editor.cursor_position() == (4, 8)
    assert window.scene_editor.hasFocus() or window.scene_editor.isAncestorOf(window.focusWidget())


def test_unsaved_edits_a_stale_preview_and_the_problem_count_are_in_view(window, qtbot):
    name = window.entry.name
    assert not window.isWindowModified() and window.entry_list.currentItem().text() == name
    assert window.problems_dock.windowTitle() == "Problems" and not window.preview.stale
    go_to_end(qtbot, window.scene_editor)
    after_edit(qtbot, window, "preview_updated", lambda: type_text(qtbot, window.scene_editor, "\n[bogus:1]"), 3000)
    assert window.isWindowModified() and window.windowTitle().endswith("[*]")
    assert window.entry_list.currentItem().text() == f"{name} •"
    assert window.problems_dock.windowTitle() == f"Problems ({window.problems.count()})" != "Problems"
    assert window.preview.stale.startswith("stale: ")
    shot = window.preview.grab().toImage()
    assert shot.pixelColor(12, 12).name() == "#b7791f"          # the badge, drawn over the last picture
    window.save()
    assert not window.isWindowModified() and window.entry_list.currentItem().text() == name
    after_edit(qtbot, window, "preview_updated", lambda: window.scene_editor.undo(), 3000)
    qtbot.waitUntil(lambda: not window.preview.stale and window.problems_dock.windowTitle() == "Problems",
                    timeout=3000)


def test_a_content_json_problem_jumps_into_the_content_pane(window, qtbot):
    broken = '{\n  "header_band": [\n    {"kicker": }\n  ]\n}'
    after_edit(qtbot, window, "preview_updated", lambda: window.content_editor.set_text(broken), 3000)
    row = next(i for i, m in enumerate(problems(window)) if "content-json" in m)
    window._on_problem_activated(window.problems.item(row))
    assert window.content_editor.hasFocus()


def test_format_canonicalizes_in_one_undo_step_and_save_writes_both_files(window, qtbot):
    compact = "[scene] [layout:dashboard_cards] [/scene]"
    after_edit(qtbot, window, "preview_updated", lambda: window.scene_editor.set_text(compact), 3000)
    window.format_scene()
    assert window.scene_editor.text().startswith("[scene]\n[canvas:wide]\n[layout:dashboard_cards]")
    window.scene_editor.undo()
    assert window.scene_editor.text() == compact
    window.scene_editor.redo()
    assert window.is_modified()
    window.save()
    assert not window.is_modified()
    window.close()
    assert window.asked == []  # nothing unsaved, so closing asks nothing
    assert window.entry.scene_path.read_text() == window.scene_editor.text()


def test_bad_content_json_is_a_problem_not_a_crash(window, qtbot):
    after_edit(qtbot, window, "preview_updated", lambda: window.content_editor.set_text('{"header_band": ['), 3000)
    assert any("content-json" in m for m in problems(window))


def test_ref_values_complete_to_the_content_paths(window, qtbot):
    editor = window.scene_editor
    editor.goto(21, 1)  # the line after [/header_band]: inside the scene
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.keyClick(editor, Qt.Key.Key_Up)  # the new empty line
    type_text(qtbot, editor, "[callout_card]\n[title_ref:callout_card.2.t")
    qtbot.waitUntil(lambda: bool(editor.completion_words()), timeout=2000)
    words = editor.completion_words()
    assert "callout_card.2.title]" in words and "callout_card.2.text]" in words


def test_preview_follows_typing(window, qtbot):
    before = window.preview.renderer.defaultSize()
    tall = window.scene_editor.text().replace("[canvas:wide]", "[canvas:tall]")
    after_edit(qtbot, window, "preview_updated", lambda: window.scene_editor.set_text(tall), 3000)
    assert window.preview.renderer.defaultSize() != before


def test_gold_entry_shows_its_score_and_updates_while_editing(gold_workspace, qtbot, asked):
    w = open_window(qtbot, gold_workspace)
    qtbot.waitUntil(lambda: "parity" in w.gold.score.text(), timeout=10000)
    assert "1.000" in w.gold.score.text() or "0.99" in w.gold.score.text()
    assert "text placement 1.000" in w.gold.score.text()   # the reference is the scene's own compile
    assert w.gold.roles.count() > 5 and w.gold.views["diff"].image is not None
    text = w.scene_editor.text().replace("[theme:infra_dark]", "[theme:paper_editorial]")
    after_edit(qtbot, w, "gold_scored", lambda: w.scene_editor.set_text(text), 10000)
    assert "1.000</b>" not in w.gold.score.text() and "fail" not in w.gold.score.text()
    assert "text placement 1.000" in w.gold.score.text()   # a theme moves no word
    w.gold.mode.setCurrentIndex(1)
    assert w.gold.overlay.isVisibleTo(w.gold) and not w.gold.views["reference"].isVisibleTo(w.gold)
    w.close()


def _parity(text: str) -> float:
    return float(re.search(r"parity <b[^>]*>≈?([0-9.]+)</b>", text).group(1))


def test_a_quick_score_comes_first_marked_and_the_exact_score_replaces_it(gold_workspace, qtbot, asked):
    w = open_window(qtbot, gold_workspace)
    qtbot.waitUntil(lambda: "parity" in w.gold.score.text(), timeout=10000)
    w.gold.quick_warm.emit(w.gold_entry)   # the child's start and the reference's drawing: slower than the exact score
    qtbot.waitUntil(lambda: w.gold.quick.warming is not None and w.gold.quick.warming.done(), timeout=20000)
    text = w.scene_editor.text().replace("[theme:infra_dark]", "[theme:paper_editorial]")
    edits, request = w.edits, w.request
    with qtbot.waitSignal(w.gold_quick_scored, timeout=20000, check_params_cb=lambda stamp: stamp > edits):
        w.scene_editor.set_text(text)
    quick = w.gold.score.text()
    assert "(editor, quick)" in quick and "≈" in quick and "text placement 1.000" in quick
    with qtbot.waitSignal(w.gold_scored, timeout=10000, check_params_cb=lambda r: r > request):
        pass
    exact = w.gold.score.text()
    assert "≈" not in exact and "(editor)" in exact
    assert abs(_parity(quick) - _parity(exact)) < 0.03 and _parity(exact) < 0.999   # the theme changed the page
    w.close()


def test_a_quick_score_of_an_older_edit_never_covers_a_newer_score(gold_workspace, qtbot, asked):
    from types import SimpleNamespace

    w = open_window(qtbot, gold_workspace)
    qtbot.waitUntil(lambda: "parity" in w.gold.score.text(), timeout=10000)
    shown = w.gold.score.text()
    entry = w.gold_entry.name
    stale = SimpleNamespace(name=entry, status="pass", score=0.123, threshold=0.5, ssim_64=0.1, ssim_full=0.1,
                            structure=0.1, text_placement=0.1, fidelity_64=0.1)
    w.gold.asked_quick = (w.gold.shown[1] - 1, entry)   # asked, but for an edit before the one on screen
    w.gold._on_quick(w.gold.shown[1] - 1, stale)
    assert w.gold.score.text() == shown
    w.gold.asked_quick = (w.gold.shown[1] + 1, "another_entry")   # a later edit, but of another entry than asked
    w.gold._on_quick(w.gold.shown[1] + 1, stale)
    assert w.gold.score.text() == shown
    w.close()


def test_budget_meter_follows_the_scene_and_shows_chips(window, qtbot):
    next(d for d in window.bottom_docks if d.objectName() == "Token budget").raise_()
    qtbot.waitUntil(lambda: window.budget.meter.output > 0, timeout=10000)
    before = window.budget.meter.output
    text = window.scene_editor.text().replace(
        "[/scene]", "[footer_note]\n[text_ref:footer_note.1.text]\n[/footer_note]\n[/scene]")
    after_edit(qtbot, window, "budget_updated", lambda: window.scene_editor.set_text(text), 5000)
    assert window.budget.meter.output > before
    assert "within" in window.budget.verdict.text()
    window.budget.show_chips.setChecked(True)
    assert "[footer_note]" in window.budget.chips.toPlainText()
    qtbot.waitUntil(lambda: "p95" in window.budget.gold.text(), timeout=20000)


def test_a_cut_text_is_a_problem_that_leads_to_its_ref(window, qtbot):
    content = window.content_editor.text().replace(
        "full tensor dump per checkpoint at 7B", "full tensor dump per checkpoint at 7B " * 12)
    after_edit(qtbot, window, "preview_updated", lambda: window.content_editor.set_text(content), 3000)
    row = next(i for i, m in enumerate(problems(window)) if "text-overflow" in m)
    assert problems(window)[row].startswith("38:1  warning  text-overflow: section_card.0.caption: text cut to")
    window._on_problem_activated(window.problems.item(row))
    assert window.scene_editor.cursor_position()[0] == 38  # [caption_ref:section_card.0.caption]


def test_a_text_left_out_of_a_stacked_bar_is_a_problem_that_leads_to_its_ref(window, qtbot):
    """A stacked-bar segment too short for its caption leaves it out: the Problems list says so."""
    bar = "[compare_bar]\n[label_ref:compare_bar.{0}.label]\n[caption_ref:compare_bar.{0}.caption]\n[/compare_bar]\n"
    scene = ("[scene]\n[layout:comparison_span_chart]\n[emphasis:center]\n" + bar.format(0) + bar.format(1)
             + "[span_bracket]\n[label_ref:span_bracket.0.label]\n[/span_bracket]\n[/scene]\n")
    content = ('{"compare_bar": [{"label": "big", "caption": "fits", "magnitude": 199},'
               ' {"label": "tiny", "caption": "no room here", "magnitude": 1}],'
               ' "span_bracket": [{"label": "run"}]}')
    after_edit(qtbot, window, "preview_updated", lambda: window.content_editor.set_text(content), 3000)
    after_edit(qtbot, window, "preview_updated", lambda: window.scene_editor.set_text(scene), 3000)
    row = next(i for i, m in enumerate(problems(window)) if "compare_bar.1.caption" in m)
    assert problems(window)[row] == ("10:1  warning  text-overflow: compare_bar.1.caption: "
                                     "text left out: its segment is too short to hold it")
    window._on_problem_activated(window.problems.item(row))
    assert window.scene_editor.cursor_position()[0] == 10  # [caption_ref:compare_bar.1.caption]


def test_qt_draws_a_page_as_cairosvg_does(qtbot):
    """The quick score's drawing (studio/quick_score.py) against the gate's, on a gold page."""
    import json

    from studio.quick_score import qt_raster

    from engine.gold.gate import compile_entry
    from engine.gold.raster import raster_rgb
    from engine.gold.similarity import ssim_pair
    from engine.paths import ROOT

    folder = ROOT / "gold" / "operator_cheatsheet"
    svg, _ = compile_entry((folder / "scene.dsl").read_text(), json.loads((folder / "content.json").read_text()))
    qt, cairo = qt_raster(svg, 900), raster_rgb(svg, 900)
    assert qt.size == cairo.size and qt.mode == "RGB"
    full, small = ssim_pair(cairo, qt)
    assert small > 0.98 and full > 0.9, (full, small)
    blank = qt_raster('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 50"/>', 200)
    assert blank.size == (200, 100) and blank.getextrema() == ((255, 255),) * 3   # white, not black
