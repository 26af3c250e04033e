"""Structural similarity of a compiled scene to its reference, from their asset profiles.

Both sides are profiled by the same intake code (engine/assets), so the comparison is symmetric:

- role coverage: of the reference's texts per role (headline, title, value, ...), the share the
  compiled scene also has, role by role (min of the two counts over the reference's count);
- element kinds: weighted Jaccard of shape-kind counts plus connectors, gradients and markers;
- palette: for the reference's colours weighted by use, how close the compiled palette's nearest
  colour is (1 = same colour, 0 = black against white).
"""
from __future__ import annotations

from dataclasses import dataclass

from engine.assets import AssetProfile


@dataclass(frozen=True)
class Structure:
    role_coverage: float
    element_kinds: float
    palette: float

    @property
    def score(self) -> float:
        return (self.role_coverage + self.element_kinds + self.palette) / 3


def role_coverage(reference: AssetProfile, compiled: AssetProfile) -> float:
    want, have = reference.roles, compiled.roles
    total = sum(want.values())
    return sum(min(n, have.get(role, 0)) for role, n in want.items()) / total if total else 1.0


def _kinds(p: AssetProfile) -> dict[str, int]:
    return {**p.shapes, "text": len(p.texts), "connector": p.connectors, "gradient": p.gradients,
            "marker": p.markers}


def element_kinds(reference: AssetProfile, compiled: AssetProfile) -> float:
    a, b = _kinds(reference), _kinds(compiled)
    keys = set(a) | set(b)
    top = sum(min(a.get(k, 0), b.get(k, 0)) for k in keys)
    bottom = sum(max(a.get(k, 0), b.get(k, 0)) for k in keys)
    return top / bottom if bottom else 1.0


def _rgb(c: str) -> tuple[int, int, int]:
    return int(c[1:3], 16), int(c[3:5], 16), int(c[5:7], 16)


def palette_similarity(reference: AssetProfile, compiled: AssetProfile, top: int = 8) -> float:
    ref = reference.palette[:top]
    comp = [_rgb(c["colour"]) for c in compiled.palette]
    if not ref or not comp:
        return 0.0
    worst = (3 * 255 ** 2) ** 0.5
    weight = sum(c["count"] for c in ref)
    dist = 0.0
    for c in ref:
        r = _rgb(c["colour"])
        nearest = min(sum((x - y) ** 2 for x, y in zip(r, o)) ** 0.5 for o in comp)
        dist += c["count"] * nearest / worst
    return 1.0 - dist / weight


def compare(reference: AssetProfile, compiled: AssetProfile) -> Structure:
    return Structure(role_coverage(reference, compiled), element_kinds(reference, compiled),
                     palette_similarity(reference, compiled))
