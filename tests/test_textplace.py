"""Text placement (engine/gold/textplace.py) on small hand-made SVG pairs with known answers."""
from __future__ import annotations

import pytest

from engine.assets.read import parse_svg
from engine.gold.textplace import REACH, Placement, Word, place, words


def svg(body: str, size: str = "1000 1000", style: str = "") -> str:
    css = f"<style>{style}</style>" if style else ""
    return f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {size}">{css}{body}</svg>'


def score(reference: str, compiled: str) -> Placement:
    return place(words(parse_svg(reference.encode(), "ref.svg")), words(parse_svg(compiled.encode(), "comp.svg")))


def test_the_same_page_scores_one():
    page = svg('<text x="100" y="100" font-size="20">Memory bandwidth wins</text>')
    assert score(page, page) == Placement(1.0, 1.0)


def test_credit_falls_linearly_with_distance_and_ends_at_reach():
    ref = svg('<text x="100" y="100" font-size="10">alpha</text>')
    half = svg(f'<text x="{100 + 1000 * REACH / 2}" y="100" font-size="10">alpha</text>')
    far = svg(f'<text x="100" y="{100 + 1000 * REACH + 1}" font-size="10">alpha</text>')
    assert score(ref, half).placement == pytest.approx(0.5)
    assert score(ref, far) == Placement(1.0, 0.0)   # found, but too far to earn anything


def test_each_page_is_normalized_to_its_own_size():
    ref = svg('<text x="100" y="300" font-size="10">alpha beta</text>', "1000 1000")
    doubled = svg('<text x="200" y="600" font-size="20">alpha beta</text>', "2000 2000")
    assert score(ref, doubled).placement == pytest.approx(1.0)


def test_transforms_anchors_classes_and_tspans_resolve_to_the_same_places():
    # 'gamma delta' is 11 characters at 20 px: 121 px wide, centred on x = 100 + 400 = 500.
    ref = svg('<g transform="translate(400 0)"><text class="c" x="100" y="50">gamma delta'
              '<tspan x="100" dy="30">epsilon</tspan></text></g>',
              style=".c { text-anchor: middle; font-size: 20px }")
    plain = svg('<text x="439.5" y="50" font-size="20">gamma delta</text>'
                '<text x="500" y="80" font-size="20" text-anchor="middle">epsilon</text>')
    assert score(ref, plain).placement == pytest.approx(1.0)
    assert [w.text for w in words(parse_svg(ref.encode(), "ref.svg"))] == ["gamma", "delta", "epsilon"]


def test_words_are_case_folded_and_each_sits_at_its_share_of_the_line():
    [first, second] = words(parse_svg(svg('<text x="0" y="100" font-size="10">Ab Cd</text>').encode(), "r"))
    # 5 characters at 5.5 px: 'Ab' is centred on character 1, 'Cd' on character 4.
    assert first == Word("ab", pytest.approx(5.5 / 1000), 0.1)
    assert second.text == "cd" and second.x == pytest.approx(22 / 1000)


def test_short_and_repeated_words_are_not_scored_and_missing_ones_lower_coverage():
    ref = svg('<text x="0" y="10">go Card Card Card unique other</text>')
    comp = svg('<text x="0" y="10">go Card Card Card unique</text>')
    # Scored: 'unique' and 'other' ('go' is short, 'card' repeats three times); 'other' is gone.
    assert score(ref, comp) == Placement(0.5, pytest.approx(0.5))


def test_a_page_without_scorable_words_scores_zero():
    assert score(svg('<text x="0" y="10">a b c</text>'), svg("")) == Placement(0.0, 0.0)
