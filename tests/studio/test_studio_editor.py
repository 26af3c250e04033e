"""The DSL editor's two backends behave alike: every test runs on each backend this binding has
(the QPlainTextEdit one always, QScintilla under PyQt6), typing and clicking as a person does.
The editor's knowledge of the text (dsl_syntax) is tested first, as tables of cases."""
from __future__ import annotations

import pytest
from qtpy.QtCore import Qt
from studio_helpers import GOLDEN, ROOT, type_text

from engine.diagnostics import Diagnostic, Severity
from engine.dsl.lex import kinds
from studio.dsl_syntax import KIND_STYLES, STYLES, completions, content_paths, fold_ranges, style_runs
from studio.editor import SceneEditor, backends, make_scene_editor

SCENE = (GOLDEN / "dashboard_cards" / "scene.dsl").read_text()


# ---- what the editor knows about the text, without Qt --------------------------------------------

@pytest.mark.parametrize("before, refs, expected", [
    ("[", (), ["scene]"]),                                                  # outside the scene
    ("[scene]\n[", (), ["canvas:", "layout:", "footer_note]", "/scene]"]),  # keys and blocks
    ("[scene]\n[lay", (), ["layout:"]),
    ("[scene]\n[layout:pi", (), ["pipeline_lane]"]),
    ("[scene]\n[tone:", (), ["amber]", "mixed]"]),
    ("[scene]\n[section_card]\n[var", (), ["variant:"]),
    ("[scene]\n[section_card]\n[variant:w", (), ["warning]"]),
    ("[scene]\n[legend_row]\n[tone:", (), ["amber]", "red]"]),                # the component's own values
    ("[scene]\n[section_card]\n[/section_card]\n[", (), ["topic:"]),          # closed: back in the scene
    ("[scene]\n[section_card]\n[title_ref:", ("a.0.title", "b"), ["a.0.title]", "b]"]),
    ("[scene]\n[stage_card]\n[node_id:parse]\n[/stage_card]\n[flow_arrow]\n[from_ref:", (), ["parse]"]),
    ("[scene]\n[bogus_key:", (), []),
    ("[scene]\n[layout:pipeline_lane]", (), []),                              # nothing open
])
def test_completions_fit_the_place(before, refs, expected):
    words = completions(before, len(before), refs).words
    assert all(w in words for w in expected) if expected else words == ()
    if expected:
        assert all(w.startswith(completions(before, len(before), refs).prefix) for w in words)


def test_a_value_before_its_closing_bracket_gets_no_second_one():
    text = "[scene]\n[theme:in]\n"
    assert completions(text, text.index("in]") + 2).words == ("infra_dark",)


@pytest.mark.parametrize("text, expected", [
    ("[scene]\n[/scene]", [(1, 2)]),
    ("[scene]\n[header_band]\n[band:open]\n[/header_band]\n[/scene]", [(1, 5), (2, 4)]),
    ("[scene] [header_band] [/header_band] [/scene]", []),                   # one line: nothing to fold
    ("[scene]\n[header_band]\n[/scene]", [(1, 3)]),                          # unclosed inner block
])
def test_fold_ranges(text, expected):
    assert fold_ranges(text) == expected


def test_style_runs_and_content_paths():
    assert [s for _, _, s in style_runs("[title_ref:a.b]")] == ["ref", "value", "ref"]
    assert [s for _, _, s in style_runs("[/scene]")] == ["scene"]
    assert [s for _, _, s in style_runs("[theme:inf [tone:red]")] == ["key", "value", "key"]  # half-typed: plain
    assert content_paths('{"nodes": {"a": {"title": "A"}}, "rows": [{"x": 1}]}') == ("nodes.a.title", "rows.0.x")
    assert content_paths("{not json") == ()


def test_every_kind_the_grammar_lexes_has_a_style():
    assert set(KIND_STYLES) == set(kinds())
    assert set(KIND_STYLES.values()) <= set(STYLES) - {"default"}


# ---- each backend, driven by keyboard and mouse --------------------------------------------------

@pytest.fixture(params=backends())
def editor(request, qtbot):
    ed = make_scene_editor(request.param)
    qtbot.addWidget(ed)
    ed.resize(700, 500)
    ed.show()
    ed.set_text(SCENE)
    ed.backend = request.param
    return ed


def style_at(editor, line: int, col: int) -> str:
    """The highlighting style drawn at a place, read back from the widget."""
    from studio.dsl_syntax import STYLE_INDEX, STYLES

    if editor.backend == "qscintilla":
        from studio.editor_qsci import SC

        pos = editor.SendScintilla(SC.SCI_POSITIONFROMLINE, line - 1) + col - 1
        index = editor.SendScintilla(SC.SCI_GETSTYLEAT, pos)
        return next(name for name, i in STYLE_INDEX.items() if i == index)
    block = editor.document().findBlockByNumber(line - 1)
    for r in block.layout().formats():
        if r.start <= col - 1 < r.start + r.length:
            colour = r.format.foreground().color().name()
            return next(name for name, (c, _) in STYLES.items() if c == colour)
    return "default"


def test_satisfies_the_one_editor_interface(editor):
    assert isinstance(editor, SceneEditor)
    assert editor.text() == SCENE


def test_highlights_keys_values_blocks_and_the_scene(editor, qtbot):
    qtbot.waitUntil(lambda: style_at(editor, 4, 2) != "default", timeout=2000)
    assert style_at(editor, 1, 2) == "scene"              # [scene]
    assert style_at(editor, 4, 2) == "key"                # [theme:
    assert style_at(editor, 4, 9) == "value"              # signal_glow
    assert style_at(editor, 17, 3) == "block"             # [header_band]
    assert style_at(editor, 18, 3) == "ref"               # [kicker_ref:


def test_typing_completes_keys_then_values(editor, qtbot):
    editor.goto(16, 27)  # the end of [topic:training_intuition]
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    type_text(qtbot, editor, "[den")
    qtbot.waitUntil(lambda: editor.completion_words() == ["density:"], timeout=2000)
    qtbot.keyClick(editor, Qt.Key.Key_Return)  # accept: its values open next
    qtbot.waitUntil(lambda: "airy]" in editor.completion_words(), timeout=2000)
    type_text(qtbot, editor, "ai")
    qtbot.wait(50)
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    assert editor.text().split("\n")[16] == "[density:airy]"
    assert editor.cursor_position() == (17, 15)


def test_ctrl_space_offers_completions_where_the_cursor_is(editor, qtbot):
    editor.goto(5, 12)  # [tone:mixed|]
    for _ in "mixed":
        qtbot.keyClick(editor, Qt.Key.Key_Backspace)
    qtbot.keyClick(editor, Qt.Key.Key_Space, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: bool(editor.completion_words()), timeout=2000)
    assert {"amber", "green", "mixed"} <= set(editor.completion_words())  # "]" follows already


def test_squiggles_lie_under_their_token(editor):
    editor.set_diagnostics([Diagnostic(4, 1, "unknown-value", "no theme signal_glw"),
                            Diagnostic(18, 1, "missing-content", "no such path", Severity.WARNING)])
    assert editor.squiggles() == [(4, 1, 20, "error"), (18, 1, 34, "warning")]
    editor.set_diagnostics([])
    assert editor.squiggles() == []


def test_clicking_the_fold_marker_folds_and_unfolds_a_block(editor, qtbot):
    widget, point = editor.fold_marker_at(17)  # [header_band] ... [/header_band] on 21
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton, pos=point)
    assert editor.is_line_visible(17) and not editor.is_line_visible(18) and not editor.is_line_visible(21)
    assert editor.is_line_visible(22)
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton, pos=point)
    assert editor.is_line_visible(18) and editor.is_line_visible(21)


def test_going_to_a_folded_line_unfolds_it(editor):
    editor.toggle_fold(17)
    assert not editor.is_line_visible(19)
    editor.goto(19, 2)
    assert editor.is_line_visible(19) and editor.cursor_position() == (19, 2)


def test_replace_all_is_one_undo_step(editor):
    editor.replace_all("[scene]\n[/scene]\n")
    assert editor.text() == "[scene]\n[/scene]\n"
    editor.undo()
    assert editor.text() == SCENE


def test_a_keystroke_lexes_only_the_line_it_changed(monkeypatch):
    """The fold margin's tags are read per line and remembered: lexing the whole scene again on
    every key took 10 ms of a 13 ms keystroke on the largest gold scene (bench/studio_preview.py)."""
    from studio import dsl_syntax

    lexed = []
    real = dsl_syntax.tokens
    monkeypatch.setattr(dsl_syntax, "tokens", lambda text: lexed.append(text) or real(text))
    dsl_syntax._line_tags_of.cache_clear()
    lines = (ROOT / "gold" / "comparison_diagram" / "scene.dsl").read_text().split("\n")
    before = dsl_syntax.fold_depths(lines)
    assert len(lexed) == len(set(lines))
    lexed.clear()
    lines[20] = lines[20] + "x"
    assert dsl_syntax.fold_depths(lines) == before and lexed == [lines[20]]
