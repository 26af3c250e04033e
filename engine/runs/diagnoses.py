"""The three failure classes of the seed's Run Failure Matrix that no single case shows, read
across runs (issue 16). Each function takes plain numbers, so a hand-made case tests it; the
report feeds them from the ledger (engine/report/context.py).

    over_repair_fragmentation(run, baseline)        # renderable fell while the repair share rose
    seed_probe_integrity_gap(probes)                # one checkpoint, one list, two different scores
    capacity_misdiagnosis(rungs, size)              # a bigger model asked for while recipes still swing

Each returns the reading's text, or None; the matrix's "Typical Fix" is in engine/report/readings.py.
"""
from __future__ import annotations

from dataclasses import dataclass

REPAIR_RISE = 0.05        # the repair bucket's share of rows grew by five points or more ...
RENDERABLE_DROP = 0.05    # ... while raw renderable fell by five points or more
INTEGRITY_EPS = 1e-9      # a checkpoint scored twice on one list must score the same
RECIPE_SPREAD = 0.30      # best minus worst exact over rungs of one size: recipes, not capacity


@dataclass(frozen=True)
class RungFacts:
    """What the diagnoses read of a run."""
    run: str
    size: str                       # train.size
    renderable: float | None        # unconstrained raw, overall
    exact: float | None
    repair_share: float | None      # the repair bucket's share of the training rows


def over_repair_fragmentation(run: RungFacts, baseline: RungFacts) -> str | None:
    if None in (run.renderable, baseline.renderable, run.repair_share, baseline.repair_share):
        return None
    rise, drop = run.repair_share - baseline.repair_share, baseline.renderable - run.renderable
    if rise >= REPAIR_RISE and drop >= RENDERABLE_DROP:
        return (f"over_repair_fragmentation: the repair share rose {100 * rise:.0f} points over {baseline.run} while "
                f"raw renderable fell {100 * drop:.0f} points; fragments crowd out whole scenes")
    return None


def seed_probe_integrity_gap(probes: list[dict]) -> str | None:
    """`probes`: {"run", "checkpoint", "list" (name vN), "exact"} records; the same checkpoint file
    on the same list scored differently is a staging, probe-runner or decode drift, not training."""
    seen: dict[tuple[str, str], dict] = {}
    for p in probes:
        key = (p["checkpoint"], p["list"])
        first = seen.setdefault(key, p)
        if first is not p and abs(first["exact"] - p["exact"]) > INTEGRITY_EPS:
            return (f"seed_probe_integrity_gap: {p['checkpoint']} scores {100 * first['exact']:.1f} % exact on "
                    f"{p['list']} in {first['run']} but {100 * p['exact']:.1f} % in {p['run']}: the same weights "
                    "must score the same")
    return None


def capacity_misdiagnosis(rungs: list[RungFacts], size: str, baseline_size: str) -> str | None:
    """A rung that changes the model size while the baseline's size still swings between recipes."""
    if size == baseline_size:
        return None
    same = [r.exact for r in rungs if r.size == baseline_size and r.exact is not None]
    if len(same) >= 2 and max(same) - min(same) >= RECIPE_SPREAD:
        return (f"capacity_misdiagnosis: this rung moves {baseline_size} to {size}, but {baseline_size} already ranges "
                f"from {100 * min(same):.0f} % to {100 * max(same):.0f} % exact over {len(same)} recipes; the limit is "
                "the recipe or the evaluation, not the parameters")
    return None
