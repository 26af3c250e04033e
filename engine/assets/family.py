"""Layout-family guess: score every family from an asset's structural features, keep the best two.

A guess, not a verdict: it starts a gold entry (`ck gold add`) and sorts a library; a person
confirms the family in the entry's metadata. Scores are in [0, 1]; `clamp(x)` caps at 1. The
features are those of `structure.py` (geometry only, so the guess survives text normalization).

| family                | score                                                                 |
|-----------------------|-----------------------------------------------------------------------|
| poster_stack          | .45 portrait (h/w from .9 to 1.1) + .45 stacked_sections/4 + .1 (3+ cards) |
| comparison_span_chart | .5 bars/4 + .3 brackets/2 + .2 dual_panels                             |
| dual_panel_compare    | .9 dual_panels + .1 (2+ bars or a bracket, with the panels)           |
| pipeline_lane         | 2+ forward_links: .5 + .3 forward_links/4 + .2 (a repeated row);      |
|                       | otherwise .2 for a repeated row alone                                  |
| table_matrix          | 3+ rows and 2+ columns: .3 + .3 columns/4 + .4 coverage/.6, halved    |
|                       | when the rows are cut into segments (then it is a memory map)         |
| decision_tree         | fan_out 2+: .6 + .2 connectors/5 + .2 links/3                         |
| dashboard_cards       | 3+ cards: .4 + .3 card_columns/3 + .3 cards/6, less .3 for each of:    |
|                       | forward links/3, bars/4, stacked_sections/4, dual panels, a timeline;  |
|                       | less .5 for a fan-out                                                 |
| timeline_flow         | 3+ timeline_stops: .7 + .3 stops/5                                    |
| memory_map            | .9 segments/5 + .1 (table-like stacked rows)                          |

Ties go to the family listed first in `FAMILIES`, so an asset with no structural evidence at
all is guessed as the DSL's default layout, poster_stack, with score 0.

On the reference library (../shared/assets, 20 well-formed files) the guess agrees with the
library README's family for 12 files, and for 3 more it says dual_panel_compare where the README,
written before that family existed, says "comparison"; `ck assets scan` prints the table.
"""
from __future__ import annotations

from dataclasses import dataclass

from engine.dsl.vocab import LAYOUTS

# The DSL's layouts plus the families the gold pack asks for (SPEC.md §2, layout row).
FAMILIES: tuple[str, ...] = LAYOUTS + tuple(
    f for f in ("timeline_flow", "memory_map", "dual_panel_compare") if f not in LAYOUTS)


@dataclass(frozen=True)
class FamilyGuess:
    guess: str
    score: float
    runner_up: str
    runner_up_score: float
    scores: dict[str, float]


def clamp(x: float) -> float:
    return max(0.0, min(1.0, x))


def score_families(f: dict[str, float]) -> dict[str, float]:
    """A score in [0, 1] for every family in FAMILIES, from structure.features()."""
    scores = {
        "poster_stack": .45 * clamp((f["portrait"] - .9) / .2) + .45 * clamp(f["stacked_sections"] / 4)
        + .1 * (f["cards"] >= 3),
        "comparison_span_chart": .5 * clamp(f["bars"] / 4) + .3 * clamp(f["brackets"] / 2)
        + .2 * f["dual_panels"],
        "dual_panel_compare": f["dual_panels"] * (.9 + .1 * (f["bars"] >= 2 or f["brackets"] >= 1)),
        "pipeline_lane": (.5 + .3 * clamp(f["forward_links"] / 4) if f["forward_links"] >= 2 else 0)
        + .2 * (f["repeated_row"] >= 3),
        "table_matrix": _table(f),
        "decision_tree": (.6 + .2 * clamp(f["connectors"] / 5) + .2 * clamp(f["links"] / 3)
                          if f["fan_out"] >= 2 else 0),
        "dashboard_cards": _dashboard(f),
        "timeline_flow": .7 + .3 * clamp(f["timeline_stops"] / 5) if f["timeline_stops"] >= 3 else 0,
        "memory_map": .9 * clamp(f["segments"] / 5) + .1 * (f["table_rows"] >= 3),
    }
    return {family: round(clamp(scores[family]), 3) for family in FAMILIES}


def _table(f: dict[str, float]) -> float:
    if f["table_rows"] < 3 or f["table_columns"] < 2:
        return 0.0
    base = .3 + .3 * clamp(f["table_columns"] / 4) + .4 * clamp(f["table_coverage"] / .6)
    return base * (1 - .5 * clamp(f["segments"] / 5))


def _dashboard(f: dict[str, float]) -> float:
    if f["cards"] < 3:
        return 0.0
    score = .4 + .3 * clamp(f["card_columns"] / 3) + .3 * clamp(f["cards"] / 6)
    score -= .3 * (clamp(f["forward_links"] / 3) + clamp(f["bars"] / 4) + clamp(f["stacked_sections"] / 4)
                   + f["dual_panels"] + (f["timeline_stops"] >= 3))
    return score - .5 * (f["fan_out"] >= 2)


def guess_family(features: dict[str, float]) -> FamilyGuess:
    scores = score_families(features)
    ranked = sorted(FAMILIES, key=lambda fam: (-scores[fam], FAMILIES.index(fam)))
    return FamilyGuess(ranked[0], scores[ranked[0]], ranked[1], scores[ranked[1]], scores)
