"""One rung, one question (issue 16; seed, "Training Contract": one primary axis): which of a
spec's axes differ from its baseline's spec, read from the two TOML files.

    changed_axes(tomllib.loads(new), tomllib.loads(old))   # {"schedule": ["train.lr"], "data": [...]}

A spec's own words (name, version, hypothesis, primary axis, held-constant list, baseline,
allow_multi_axis, targets) are not an axis, nor where the gold pack lies (source.gold_pack is a
path relative to the spec file; what the pack holds is in the run's hashes); every other key
belongs to exactly one.
"""
from __future__ import annotations

# axis -> (table, keys of it or None for the whole table), in the report's order
# (a key is the first axis's that lists it: the prompt tags' keys in variants are representation)
AXES: dict[str, tuple[tuple[str, tuple[str, ...] | None], ...]] = {
    "data": (("spec", ("surface",)), ("source", None), ("splits", None), ("blueprint", None)),
    "representation": (("spec", ("plan", "plan_native", "own_prompt")),
                       ("variants", ("grafts", "graft_rows", "graft_at"))),
    "curriculum": (("variants", None), ("mixture", None), ("train", ("stages",))),
    "tokenizer": (("spec", ("topic_words",)),),
    "budget": (("spec", ("ctx",)),),
    "capacity": (("train", ("size",)),),
    "init": (("spec", ("seed",)), ("train", ("seed", "init_from"))),
    "schedule": (("train", None),),   # every other train key
}
WORDS = ("name", "version", "hypothesis", "primary_axis", "held_constant", "baseline", "allow_multi_axis", "targets")


def _flat(value, prefix: str) -> dict[str, object]:
    if isinstance(value, dict):
        out = {}
        for k, v in value.items():
            out.update(_flat(v, f"{prefix}.{k}"))
        return out
    return {prefix: value}


def changed_axes(new: dict, old: dict) -> dict[str, list[str]]:
    """The axes on which `new` differs from `old`, each with the key paths that differ."""
    claimed: set[str] = set()
    out: dict[str, list[str]] = {}
    flat_new, flat_old = _flat(new, ""), _flat(old, "")
    keys = sorted(set(flat_new) | set(flat_old))
    for axis, parts in AXES.items():
        for table, names in parts:
            for key in keys:
                path = key.lstrip(".")
                head, _, rest = path.partition(".")
                if head != table or path in claimed or (head == "spec" and rest in WORDS) or path == "source.gold_pack":
                    continue
                if names is not None and rest.split(".")[0] not in names:
                    continue
                claimed.add(path)
                if flat_new.get(key) != flat_old.get(key):
                    out.setdefault(axis, []).append(path)
    return out
