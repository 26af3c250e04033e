"""Readings of a scoreboard by the seed's own rules, for the report's lessons section.

The seed's interpretation rules ("Minimum Run Scoreboard", "Diagnostic Matrix", "Asset Scaling
Strategy") turned into checks on the unconstrained raw board, each reading naming the rule it comes
from. They are suggestions beside the lessons a person records with `ck runs decide --lesson`,
never a replacement for them.

    readings(raw_board, repaired_board, final_loss)   # [("red", "memorization not reached: ..."), ...]

Tones follow the seed's colour rule: green a proven gain, amber ambiguity, red a rejection, blue a
structural note.
"""
from __future__ import annotations

# The seed's Run Failure Matrix, "Typical Fix" column.
TYPICAL_FIX = {
    "scene_prefix_failure": "add full-scene canonical rows and prefix-only repair rows",
    "scene_suffix_failure": "add close-tag rows, verify stop markers, verify the decode budget",
    "block_nesting_failure": "add balanced block rows, transition rows, canonical block-order rows",
    "budget_truncation": "raise the decode budget first, then the context only if needed",
    "special_token_leak": "strip/control special tokens and strengthen scene-only targets",
    "contamination_supervision": "remove contamination rows, protect full-scene replay anchors, rerun a canary",
    "layout_drift": "more direct family rows and layout-class repair rows",
    "theme_tone_drift": "canonical scene-header rows and dedupe rules",
    "renderable_but_not_exact": "targeted exactness repair rows",
    "exact_but_not_materialized": "fix the renderer or probe path, not training",
    "family_imbalance": "family-specific anchors and family-weight tuning",
    "undertraining": "raise epochs or total tokens",
    "over_repair_fragmentation": "reduce the fragment ratio and add clean full-scene anchors",
    "compiler_parity_gap": "a compiler pass before more training",
    "probe_accounting_bug": "fix the probe/report path first",
}
HELD_OUT_BAR = 0.70        # seed, "Held-out generalization": > 70 % exact on dev/test
FAMILY_FLOOR = 0.50        # seed, "Family expansion": no per-family regression below 50 %


def _pct(x: float) -> str:
    return f"{100 * x:.0f} %"


def readings(raw: dict, repaired: dict | None, final_loss: float | None) -> list[tuple[str, str]]:
    """(tone, text) readings of a BOARD (probe.json's raw board, and the repaired one)."""
    out: list[tuple[str, str]] = []
    o = raw.get("overall", {})
    splits = raw.get("by_split", {})
    exact, renderable = o.get("exact_rate"), o.get("renderable_rate")
    if exact is None:
        return out
    train = splits.get("train", {}).get("exact_rate")
    if train is not None:
        out.append(("green", f"memorization reached: {_pct(train)} exact on train") if train >= 1.0 else
                   ("red", (f"memorization not reached: {_pct(train)} exact on train (seed: 100 %); "
                           "the DSL, tokenizer or context is wrong, or the run is undertrained")))
    held = {s: splits[s]["exact_rate"] for s in ("dev", "test") if "exact_rate" in splits.get(s, {})}
    if held:
        text = ", ".join(f"{s} {_pct(v)}" for s, v in held.items())
        passed = all(v > HELD_OUT_BAR for v in held.values())
        out.append(("green", f"held-out generalization reached: {text} exact (> 70 %)") if passed else
                   ("amber", (f"held-out generalization not reached: {text} exact (seed: > 70 %); "
                             "widen topic x layout coverage and edit diversity")))
        if train is not None and train - min(held.values()) >= 0.10:
            out.append(("amber", (f"overfit gradient: train {_pct(train)} against {text}; widen holdout "
                                 "coverage or reduce epochs if the loss is very low")))
    truncation = o.get("budget_truncation_rate", 0.0)
    materialized = o.get("materialized_exact_rate")
    if truncation >= 0.10:
        out.append(("red", (f"{_pct(truncation)} of outputs hit the decode budget: a budget problem, "
                           "not a learning one; raise the decode budget before the context")))
    elif renderable is not None and renderable < 0.90:
        out.append(("red", f"renderable {_pct(renderable)} with little truncation: grammar corruption"))
    if renderable is not None and renderable >= 0.90 and exact < HELD_OUT_BAR:
        out.append(("amber", f"renderable {_pct(renderable)} but exact {_pct(exact)}: semantic or ordering drift"))
    if materialized is not None and exact >= 0.5 and materialized < exact - 0.05:
        out.append(("red", (f"exact {_pct(exact)} but materialized exact {_pct(materialized)}: a compiler or "
                           "probe bug; fix the render path before retraining")))
    if repaired is not None:
        gain = repaired.get("overall", {}).get("exact_rate", exact) - exact
        if gain >= 0.05:
            out.append(("blue", (f"repair adds {_pct(gain)} exact: the remaining misses are mostly "
                                "mechanical; decode/repair first, train less and validate more")))
    layouts = {k: v["exact_rate"] for k, v in raw.get("by_layout", {}).items() if "exact_rate" in v}
    weak = sorted(k for k, v in layouts.items() if v < FAMILY_FLOOR)
    if weak and len(weak) < len(layouts):
        out.append(("amber", (f"family imbalance: {', '.join(weak)} below 50 % exact while others are not; "
                             "targeted rows for the weak families, replay for the strong")))
    if final_loss is not None:
        if final_loss < 0.1 and exact < 0.5:
            out.append(("red", (f"final loss {final_loss:.3f} but {_pct(exact)} exact: the model learned the "
                               "training distribution, not the contract; check coverage and holdouts")))
        elif final_loss > 0.5:
            out.append(("amber", (f"final loss {final_loss:.3f} is above 0.5: a capacity, learning-rate or "
                                 "packing wall; check grad norms and the fill rate")))
    classes = raw.get("counts", {}).get("failure_classes", {})
    if classes:
        top, n = max(sorted(classes.items()), key=lambda kv: kv[1])
        fix = TYPICAL_FIX.get(top)
        out.append(("blue", f"most misses are {top} ({n} of {sum(classes.values())})"
                            + (f": typical fix, {fix}" if fix else "")))
    return out
