"""Scoreboard metrics and failure classes on hand-made outputs whose answers are known: a gold scene
damaged one way at a time (truncated, leaked, duplicated, misnested, no [scene], no [/scene],
another layout, theme or tone, right DSL with a different render), scored raw and repaired."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from engine.dsl import format_text
from engine.probe.classify import CLASSES, first_difference, score_output
from engine.probe.metrics import board, metric_value, rates
from engine.probe.repair import repair
from engine.probe.result import FLAGS, METRICS, PARITY, CaseResult

ROOT = Path(__file__).resolve().parents[1]
GOLD = ROOT / "gold" / "memory_reality"
EXPECTED = format_text((GOLD / "scene.dsl").read_text())
CONTENT = json.loads((GOLD / "content.json").read_text())
LINES = EXPECTED.splitlines()


def _swap(old: str, new: str) -> str:
    assert old in EXPECTED
    return EXPECTED.replace(old, new, 1)


def _drop_line(text: str) -> str:
    return "\n".join(line for line in LINES if line != text) + "\n"


def _insert_after(anchor: str, extra: str) -> str:
    i = LINES.index(anchor)
    return "\n".join([*LINES[:i + 1], extra, *LINES[i + 1:]]) + "\n"


THEME = next(line for line in LINES if line.startswith("[theme:"))
OTHER_THEME = "[theme:paper_editorial]" if THEME != "[theme:paper_editorial]" else "[theme:signal_glow]"
TONE = next(line for line in LINES if line.startswith("[tone:"))
OTHER_TONE = "[tone:purple]" if TONE != "[tone:purple]" else "[tone:red]"
FRAME = next(line for line in LINES if line.startswith("[frame:"))
HALF = "\n".join(LINES[:len(LINES) // 2]) + "\n"

# (name, text, how the decode stopped, raw failure class, raw flags that are set, repaired exact?)
CASES = [
    ("exact", EXPECTED, "scene_end", None, set(), True),
    ("truncated", HALF, "budget", "budget_truncation", {"budget_truncation"}, False),
    ("leaked special", _insert_after(THEME, "<|pad|>"), "scene_end", "special_token_leak",
     {"special_token_leak"}, True),
    ("leaked prompt", _insert_after(TONE, "[task:svg]"), "scene_end", "special_token_leak",
     {"special_token_leak"}, True),
    ("duplicated theme", _insert_after(THEME, OTHER_THEME), "scene_end", "theme_tone_drift",
     {"duplicate_attr"}, True),
    ("duplicated frame", _insert_after(FRAME, FRAME), "scene_end", "scene_prefix_failure",
     {"duplicate_attr"}, True),
    ("misnested", _drop_line("[/header_band]"), "scene_end", "block_nesting_failure",
     {"block_nesting_error"}, True),
    ("wrong close tag", _swap("[/header_band]", "[/section_card]"), "scene_end", "block_nesting_failure",
     {"block_nesting_error"}, True),
    ("missing [scene]", _drop_line("[scene]"), "scene_end", "scene_prefix_failure",
     {"missing_scene_start"}, True),
    ("missing [/scene]", _drop_line("[/scene]"), "eos", "scene_suffix_failure", {"missing_scene_end"}, True),
    ("wrong layout", _swap("[layout:poster_stack]", "[layout:dashboard_cards]"), "scene_end", "layout_drift",
     set(), False),
    ("wrong theme", _swap(THEME, OTHER_THEME), "scene_end", "theme_tone_drift", set(), False),
    ("wrong tone", _swap(TONE, OTHER_TONE), "scene_end", "theme_tone_drift", set(), False),
    ("other component attr", _swap("[variant:hero]", "[variant:note]"), "scene_end", "renderable_but_not_exact",
     set(), False),
    ("unknown value", _swap("[variant:hero]", "[variant:huge]"), "scene_end", "grammar_corruption", set(), False),
    ("empty", "", "eos", "contamination_supervision", {"missing_scene_start", "missing_scene_end"}, False),
]


@pytest.mark.parametrize("name,text,stop,failure,flags,repaired_exact", CASES, ids=[c[0] for c in CASES])
def test_each_damage_sets_its_flags_and_class(name, text, stop, failure, flags, repaired_exact):
    raw = score_output(text, stop, EXPECTED, CONTENT)
    assert raw.failure_class == failure, raw.evidence
    assert {f for f, on in raw.flags.items() if on and f != "family_choice"} == flags
    assert raw.flags["family_choice"] == (name not in ("wrong layout", "empty"))   # it names the expected family
    assert set(raw.flags) == set(FLAGS)
    assert raw.exact == (failure is None)
    assert (failure is None) or raw.evidence
    assert failure is None or failure in CLASSES
    # a scene with damage the parser reports as an error never renders raw
    structural = flags - {"duplicate_attr", "special_token_leak"}
    if structural or failure == "grammar_corruption":
        assert not raw.renderable and not raw.materialized_exact
    fixed = repair(text)
    rep = score_output(fixed.text, stop, EXPECTED, CONTENT)
    assert rep.exact == repaired_exact, (name, fixed.actions)
    assert rep.flags["budget_truncation"] == (stop == "budget")  # a property of the decode, kept
    if text:
        assert rep.renderable  # whatever was recoverable renders after repair


def test_render_follows_dsl_except_when_the_scene_is_right_and_the_svg_is_not():
    assert score_output(EXPECTED, "scene_end", EXPECTED, CONTENT).materialized_exact
    # right DSL, wrong render: the same scene against a picture compiled from other content
    other = score_output(EXPECTED, "scene_end", EXPECTED, CONTENT, expected_svg="<svg/>")
    assert other.exact and other.renderable and not other.materialized_exact
    assert other.failure_class == "exact_but_not_materialized"
    # wrong DSL that renders: renderable, not exact, evidence names the first differing token
    drift = score_output(_swap(TONE, OTHER_TONE), "scene_end", EXPECTED, CONTENT)
    assert drift.renderable and not drift.exact and not drift.materialized_exact
    assert OTHER_TONE in drift.evidence


def test_truncation_and_missing_end_are_disjoint_and_repair_closes_the_scene():
    cut = score_output(HALF, "budget", EXPECTED, CONTENT)
    stopped = score_output(HALF, "eos", EXPECTED, CONTENT)
    assert cut.flags["budget_truncation"] and not cut.flags["missing_scene_end"]
    assert stopped.flags["missing_scene_end"] and not stopped.flags["budget_truncation"]
    assert stopped.failure_class == "scene_suffix_failure"
    # the block left open by the cut is not a nesting error
    assert not cut.flags["block_nesting_error"] and not stopped.flags["block_nesting_error"]
    fixed = repair(HALF)
    assert fixed.text.rstrip().endswith("[/scene]") and "added [/scene]" in fixed.actions


def test_only_the_first_scene_block_is_scored():
    spill = EXPECTED + "[task:svg] [layout:poster_stack]\n[scene]\n[layout:table_matrix]\n"
    result = score_output(spill, "scene_end", EXPECTED, CONTENT)
    assert result.exact and result.materialized_exact and result.failure_class is None
    # spill after [/scene] is the decode boundary's, not the scene's
    assert [f for f, on in result.flags.items() if on] == ["family_choice"]
    leaked_first = score_output("<|bos|>" + EXPECTED, "scene_end", EXPECTED, CONTENT)
    assert leaked_first.flags["special_token_leak"] and leaked_first.flags["missing_scene_start"]


def test_first_difference_names_the_token():
    assert first_difference("[scene] [a:b]", "[scene] [a:b] [/scene]").startswith("ends after 2 tokens")
    assert first_difference("[scene] [x:y] [/scene]", "[scene] [a:b] [/scene]") == \
        "token 2: [x:y] where [a:b] was expected"


def _result(exact=False, renderable=False, materialized=False, failure="layout_drift", **flags) -> CaseResult:
    return CaseResult(exact, renderable, materialized, None if exact else failure, "",
                      {f: flags.get(f, False) for f in FLAGS})


def test_rates_count_each_metric_over_its_cases():
    results = [_result(True, True, True), _result(renderable=True), _result(budget_truncation=True,
                                                                            failure="budget_truncation"),
               _result(duplicate_attr=True, special_token_leak=True, renderable=True)]
    r = rates(results)
    assert list(r) == list(METRICS)
    assert r["exact_rate"] == 0.25 and r["renderable_rate"] == 0.75 and r["materialized_exact_rate"] == 0.25
    assert r["budget_truncation_rate"] == 0.25 and r["duplicate_attr_rate"] == 0.25
    assert r["special_token_leak_rate"] == 0.25 and r["missing_scene_end_rate"] == 0.0
    assert metric_value(results[0], "exact_rate") and not metric_value(results[1], "exact_rate")
    assert rates([]) == dict.fromkeys(METRICS, 0.0)


def test_board_splits_layouts_counts_and_parity():
    cases = [("train", "poster_stack", _result(True, True, True)),
             ("train", "table_matrix", _result(renderable=True)),
             ("hidden", "poster_stack", _result(failure="scene_suffix_failure", missing_scene_end=True))]
    b = board(cases, parity=0.75)
    assert b.overall["exact_rate"] == pytest.approx(1 / 3) and b.overall[PARITY] == 0.75
    assert list(b.by_split) == ["train", "hidden"]   # SPLITS order, only splits with cases
    assert b.by_split["train"]["exact_rate"] == 0.5 and b.by_split["hidden"]["missing_scene_end_rate"] == 1.0
    assert b.by_layout["poster_stack"]["exact_rate"] == 0.5 and b.by_layout["table_matrix"]["renderable_rate"] == 1
    assert b.counts == {"cases": 3, "by_split": {"train": 2, "hidden": 1},
                        "by_layout": {"poster_stack": 2, "table_matrix": 1},
                        "failure_classes": {"layout_drift": 1, "scene_suffix_failure": 1}}
    assert PARITY not in board(cases).overall
