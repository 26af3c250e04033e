"""Where text stands wrong (engine/gold/strays.py): each scored word of the reference, where the
compiled page put it, and the ref that bound it."""
from __future__ import annotations

import pytest

from engine.compiler.resolve import Origin, Slot
from engine.gold.strays import strays
from engine.gold.textplace import REACH, Word, place


def slot(text: str, component: str, index: int, line: int) -> Slot:
    return Slot(text, origin=Origin(component, index, "title", line, 2))


def test_farthest_first_with_the_credit_each_earns():
    ref = [Word("alpha", 0.1, 0.1), Word("beta", 0.5, 0.5), Word("gamma", 0.9, 0.9)]
    comp = [Word("alpha", 0.1, 0.1), Word("beta", 0.5, 0.55), Word("gamma", 0.5, 0.9)]
    found = strays(ref, comp, [])
    assert [s.text for s in found] == ["gamma", "beta", "alpha"]
    assert found[0].distance == pytest.approx(0.4) and found[0].credit == 0.0   # past REACH
    assert found[1].credit == pytest.approx(1 - 0.05 / REACH)
    assert found[2].compiled == (0.1, 0.1) and found[2].reference == (0.1, 0.1)
    # the credits are the text-placement measure's: their mean is its placement
    assert sum(s.credit for s in found) / 3 == pytest.approx(place(ref, comp).placement)


def test_a_word_not_on_the_compiled_page_has_no_arrow():
    assert strays([Word("alpha", 0.1, 0.1)], [Word("other", 0.1, 0.1)], []) == []


def test_each_word_is_traced_to_the_ref_whose_text_holds_it():
    ref = [Word("planner", 0.2, 0.2), Word("arena", 0.8, 0.8)]
    comp = [Word("planner", 0.3, 0.2), Word("arena", 0.1, 0.1)]
    slots = [slot("Memory planner", "panel", 0, 7), slot("Bump arena", "text_line", 3, 12)]
    by_word = {s.text: s for s in strays(ref, comp, slots)}
    assert (by_word["planner"].source, by_word["planner"].line) == ("panel.0.title", 7)
    assert (by_word["arena"].source, by_word["arena"].line) == ("text_line.3.title", 12)


def test_a_word_two_refs_hold_is_paired_in_order_or_left_untraced():
    ref = [Word("addresses", 0.2, 0.2), Word("addresses", 0.2, 0.8)]
    comp = [Word("addresses", 0.25, 0.2), Word("addresses", 0.25, 0.8)]   # document order = scene order
    two = [slot("Run 1 addresses", "text_line", 0, 5), slot("Run 2 addresses", "text_line", 5, 30)]
    lines = sorted((s.reference[1], s.line) for s in strays(ref, comp, two))
    assert lines == [(0.2, 5), (0.8, 30)]
    # three refs hold it, the page shows it twice: which is which is not known, so none is named
    three = [*two, slot("addresses again", "text_line", 6, 40)]
    assert {(s.source, s.line) for s in strays(ref, comp, three)} == {("", 0)}


def test_a_placeholder_traces_nothing():
    missing = Slot("\u2039panel.0.title\u203a", True, Origin("panel", 0, "title", 3, 1))
    assert strays([Word("panel.0.title", 0.1, 0.1)], [Word("panel.0.title", 0.2, 0.1)], [missing])[0].line == 0
