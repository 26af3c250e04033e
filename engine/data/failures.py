"""The seed's Run Failure Matrix as data, and which dataset rows teach each failure class.

A spec's blueprint names the classes it predicts and the bucket meant to teach each (seed: "Front-
load predictable failures"); `ck data audit` counts the rows of that bucket that really teach the
class. What teaches what follows the matrix's "Typical Fix" column: clean full-scene rows teach the
grammar classes, restyles and theme/tone pairs teach theme_tone_drift, a repair row teaches the
class its corruption imitates. Classes whose fix is not data (a compiler pass, a probe fix, more
budget) are listed in NOT_DATA with the fix, so a blueprint naming one fails with the reason.

    >>> sorted(teaches("repair", {"corruption": "drop_scene_close"}))
    ['scene_suffix_failure']
"""
from __future__ import annotations

# Seed, "Run Failure Matrix": every class, in the table's order.
CLASSES: tuple[str, ...] = (
    "scene_prefix_failure", "scene_suffix_failure", "block_nesting_failure", "budget_truncation",
    "special_token_leak", "contamination_supervision", "layout_drift", "theme_tone_drift",
    "renderable_but_not_exact", "exact_but_not_materialized", "family_imbalance", "undertraining",
    "over_repair_fragmentation", "compiler_parity_gap", "probe_accounting_bug",
    "seed_probe_integrity_gap", "capacity_misdiagnosis",
)

# The matrix's fix for the classes rows cannot teach.
NOT_DATA: dict[str, str] = {
    "exact_but_not_materialized": "fix the renderer/probe path, not training",
    "undertraining": "raise epochs or total tokens (a budget change, not a bucket)",
    "compiler_parity_gap": "do a compiler pass before more training",
    "probe_accounting_bug": "fix the probe/report path first",
    "seed_probe_integrity_gap": "add a seed-only probe gate and repair staging",
    "capacity_misdiagnosis": "stabilize the curriculum and probes before scaling",
}

# Classes whose teaching must reach every layout family of the dataset, not just some rows.
PER_LAYOUT: frozenset[str] = frozenset({"layout_drift", "family_imbalance"})

# Repair corruptions (engine/data/variants.py) -> the failure each one imitates.
CORRUPTION_TEACHES: dict[str, frozenset[str]] = {
    "drop_scene_open": frozenset({"scene_prefix_failure"}),
    "drop_scene_close": frozenset({"scene_suffix_failure"}),
    "duplicate_attr": frozenset({"scene_prefix_failure", "theme_tone_drift"}),
    "swap_attrs": frozenset({"renderable_but_not_exact"}),
    "drop_block_close": frozenset({"block_nesting_failure"}),
    "truncate_tail": frozenset({"budget_truncation"}),
}

# A clean, whole canonical scene as the target: the matrix's "add full-scene canonical rows",
# "strengthen scene-only targets", "add balanced block rows", "more direct family rows".
_FULL_SCENE = frozenset({"scene_prefix_failure", "scene_suffix_failure", "block_nesting_failure",
                         "special_token_leak", "layout_drift"})
# Anchors of the gold programs themselves: "protect full-scene replay anchors", "family-specific
# anchors", "add more clean full-scene anchors".
_ANCHOR = frozenset({"contamination_supervision", "family_imbalance", "over_repair_fragmentation"})


def teaches(bucket: str, provenance: dict) -> frozenset[str]:
    """The failure classes one row teaches, from its bucket and provenance."""
    if bucket == "repair":
        return CORRUPTION_TEACHES.get(provenance.get("corruption", ""), frozenset())
    found = set(_FULL_SCENE)
    if bucket == "anchor_replay":
        found |= _ANCHOR
    if bucket == "minimal_pair":
        # a contrast that differs in one decision is "targeted exactness"
        found.add("renderable_but_not_exact")
        if provenance.get("decision") in ("theme", "tone") or {"theme", "tone"} & set(provenance.get("contrast", ())):
            found.add("theme_tone_drift")
    elif set(provenance.get("restyle", ())) & {"theme", "tone"}:
        # a canonical header with another theme or tone than the gold's own (a pair teaches it
        # only through its own decision)
        found.add("theme_tone_drift")
    return frozenset(found)
