"""The repair layer: closes blocks and the scene, drops duplicates, restores canonical order, strips
leaked tokens; deterministic, idempotent, and a canonical scene is its own repair."""
from __future__ import annotations

from pathlib import Path

import pytest

from engine.dsl import format_text, load
from engine.probe.repair import repair

ROOT = Path(__file__).resolve().parents[1]
GOLDS = sorted((ROOT / "gold").glob("*/scene.dsl"))


def test_a_canonical_scene_is_its_own_repair():
    for path in GOLDS:
        text = format_text(path.read_text())
        fixed = repair(text)
        assert fixed.text == text and fixed.actions == (), path.parent.name


CASES = [
    # (raw, what the repaired scene holds, an action that must be listed)
    ("[scene] [layout:table_matrix] [header_band] [kicker_ref:header_band.0.kicker]",
     ["[header_band]", "[kicker_ref:header_band.0.kicker]", "[/header_band]", "[/scene]"], "added [/scene]"),
    ("[scene] [layout:table_matrix] [header_band] [table_row] [/table_row] [/scene]",
     ["[header_band]", "[/header_band]", "[table_row]", "[/table_row]"], "closed [header_band]"),
    ("[layout:table_matrix] [/scene]", ["[scene]", "[layout:table_matrix]"], "added [scene]"),
    ("[scene] [tone:red] [layout:table_matrix] [tone:blue] [/scene]", ["[tone:red]"],
     "duplicate scene attribute 'tone' dropped"),
    ("<|bos|>[scene] [layout:table_matrix] <|pad|> [/scene] [task:svg] [scene]", ["[layout:table_matrix]"],
     "stripped <|pad|>"),
    (("[scene] [layout:table_matrix] [section_card] [title_ref:section_card.0.title] [accent:red] "
     "[variant:note] [/section_card] [/scene]"),
     ["[variant:note]", "[accent:red]", "[title_ref:section_card.0.title]"], "restored canonical order and defaults"),
    ("[scene] [layout:table_matrix] [header_band] [kicker_ref:header_band.0.kic", ["[/header_band]"],
     "dropped stray text"),
]


@pytest.mark.parametrize("raw,holds,action", CASES)
def test_repair_mends_and_says_what_it_did(raw, holds, action):
    fixed = repair(raw)
    doc = load(fixed.text)
    assert doc.scene is not None and not doc.errors, fixed.text
    lines = fixed.text.splitlines()
    assert [line for line in lines if line in holds] == holds   # present, in this (canonical) order
    assert fixed.text == format_text(fixed.text)                 # canonical
    assert action in fixed.actions
    assert not any(t in fixed.text for t in ("<|", "[task:", "[OUT]"))
    assert repair(raw) == fixed                                  # deterministic
    assert repair(fixed.text).text == fixed.text                 # idempotent


def test_nothing_recoverable_is_left_as_it_is_and_no_scene_is_invented():
    for raw in ("", "  \n", "the the the", "[" * 300):
        fixed = repair(raw)
        assert fixed.text.strip() == raw.strip() and fixed.actions[-1] == "unrecoverable", raw
