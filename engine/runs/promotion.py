"""Comparing two runs' scoreboards, and the promotion rules (seed: "Promotion Rules", "Freeze the
raw winner", "Pilot before full rung").

- Two runs of a spec are compared on the same frozen probe list: same name and version, and the
  same sha256 (a list that changed without a version bump is a probe-integrity bug, not a
  comparison). Across versions of one list the comparison is refused with a message that says how
  to fix it. Runs of two specs (two lists) are compared on the cases their lists share -- the same
  prompt asking for the same scene -- with both boards recomputed on those cases alone
  (compare_shared), so "does the new rung keep what the old one learned" has an answer.
- One frozen champion per spec. A candidate is promoted only when, on that probe list, no family
  (layout) and not the hidden split lost any of exact, renderable or materialized exact against the
  champion, in every probe mode and on both the raw and the repaired board. The first run of a
  spec to be promoted has nothing to regress against.

    comparison = compare_boards("spec01-r2", probes_a, "spec01-r1", probes_b)
    comparison.regressions()       # [Delta(...), ...]: what blocks promoting A over B
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field

from engine.fileio import InputError

# The per-family and hidden-split gate (seed: "no hidden-holdout or family regression").
GATED = ("exact_rate", "renderable_rate", "materialized_exact_rate")
GATED_SPLIT = "hidden"
# A regression is any drop: probe lists are small, one case is several percent.
EPSILON = 1e-9
PROMOTABLE = ("finished", "recorded")
SURFACES = ("raw", "repaired")
MODES = ("unconstrained", "constrained")


class PromotionRefused(InputError):
    """The promotion rules refuse this candidate; the message lists what blocks it."""


@dataclass(frozen=True)
class Delta:
    mode: str
    surface: str
    scope: str          # overall | split | layout
    key: str            # '' for overall
    metric: str
    a: float | None
    b: float | None

    @property
    def delta(self) -> float | None:
        return None if self.a is None or self.b is None else self.a - self.b

    @property
    def gated(self) -> bool:
        return self.metric in GATED and (self.scope == "layout" or (self.scope == "split" and self.key == GATED_SPLIT))

    def label(self) -> str:
        where = "overall" if self.scope == "overall" else f"{self.scope} {self.key}"
        return f"{self.mode} {self.surface} {where} {self.metric}"


@dataclass
class Comparison:
    a: str
    b: str
    probe: dict                   # name, version, sha256 of the shared probe list
    modes: list[str]
    rows: list[Delta] = field(default_factory=list)

    def regressions(self) -> list[Delta]:
        """Gated rows where A is below B (or A lacks what B has)."""
        return [d for d in self.rows if d.gated and d.b is not None and (d.a is None or d.a < d.b - EPSILON)]

    def to_json(self) -> dict:
        return {"a": self.a, "b": self.b, "probe": self.probe, "modes": self.modes,
                "rows": [asdict(d) | {"delta": d.delta} for d in self.rows],
                "regressions": [d.label() for d in self.regressions()]}


def _lists(probes: list[dict]) -> dict[tuple[str, int], dict]:
    """The probe lists a run was scored on: (name, version) -> {sha256, modes: {mode: boards}}.
    `probes` is Ledger.probes(run), newest first, so the first row of a mode wins."""
    out: dict[tuple[str, int], dict] = {}
    for p in probes:
        entry = out.setdefault((p["name"], p["version"]), {"sha256": p["sha256"], "modes": {}})
        entry["modes"].setdefault(p["mode"], p["boards"])
    return out


def _describe(lists: dict) -> str:
    return ", ".join(f"{n} v{v}" for n, v in sorted(lists)) or "no probe results"


def shared_probe(a: str, a_probes: list[dict], b: str, b_probes: list[dict]) -> tuple[str, int]:
    """The newest probe list both runs were scored on; InputError when there is none."""
    la, lb = _lists(a_probes), _lists(b_probes)
    for run, lists in ((a, la), (b, lb)):
        if not lists:
            raise InputError(f"{run} has no probe results: run `ck probe` on it first (and record it)")
    common = sorted(set(la) & set(lb), key=lambda k: (k[1], k[0]))
    if not common:
        raise InputError(f"cannot compare {a} with {b}: {a} was probed on {_describe(la)}, {b} on {_describe(lb)}; "
                         "comparisons across probe versions are refused: probe both on the same version")
    key = common[-1]
    if la[key]["sha256"] != lb[key]["sha256"]:
        raise InputError(f"cannot compare {a} with {b}: probe {key[0]} v{key[1]} has sha256 "
                         f"{la[key]['sha256'][:12]} in {a} but {lb[key]['sha256'][:12]} in {b}; a changed "
                         "prompt list must be a new probe version")
    return key


def compare_boards(a: str, a_probes: list[dict], b: str, b_probes: list[dict]) -> Comparison:
    key = shared_probe(a, a_probes, b, b_probes)
    la, lb = _lists(a_probes)[key], _lists(b_probes)[key]
    modes = [m for m in MODES if m in la["modes"] and m in lb["modes"]]
    comparison = Comparison(a, b, {"name": key[0], "version": key[1], "sha256": la["sha256"]}, modes)
    for mode in modes:
        for surface in SURFACES:
            ba, bb = la["modes"][mode][surface], lb["modes"][mode][surface]
            comparison.rows += _deltas(mode, surface, "overall", {"": ba["overall"]}, {"": bb["overall"]})
            comparison.rows += _deltas(mode, surface, "split", ba["by_split"], bb["by_split"])
            comparison.rows += _deltas(mode, surface, "layout", ba["by_layout"], bb["by_layout"])
    return comparison


def _deltas(mode: str, surface: str, scope: str, a: dict, b: dict) -> list[Delta]:
    out = []
    for key in sorted(set(a) | set(b)):
        ma, mb = a.get(key, {}), b.get(key, {})
        metrics = [m for m in (*ma, *(m for m in mb if m not in ma))]
        out += [Delta(mode, surface, scope, key, m, ma.get(m), mb.get(m)) for m in metrics]
    return out


def require_promotable(run: str, status: str, probes: list[dict], champion: str | None,
                       champion_probes: list[dict]) -> dict:
    """The evidence for promoting `run`, or InputError saying which rule refuses it."""
    if status not in PROMOTABLE:
        raise PromotionRefused(f"{run} is '{status}': only a finished run can be promoted")
    if not probes:
        raise PromotionRefused(f"{run} has no probe results: nothing to promote on")
    if champion == run:
        raise PromotionRefused(f"{run} is the champion already")
    if champion is None:
        newest = probes[0]
        return {"champion": None, "probe": {k: newest[k] for k in ("name", "version", "sha256")},
                "rule": "first champion of the spec: nothing to regress against"}
    try:
        comparison = compare_boards(run, probes, champion, champion_probes)
    except InputError as e:     # no shared probe version: a rule refusal like the others
        raise PromotionRefused(str(e)) from None
    lost = comparison.regressions()
    if lost:
        lines = "\n".join(f"  {d.label()}: {_pct(d.a)} < champion {_pct(d.b)}" for d in lost[:20])
        more = f"\n  ... and {len(lost) - 20} more" if len(lost) > 20 else ""
        raise PromotionRefused(f"{run} cannot be promoted over {champion} on probe {comparison.probe['name']} "
                         f"v{comparison.probe['version']}: {len(lost)} regression(s) on a family or the "
                         f"hidden split\n{lines}{more}\nrecord reject, repair or branch instead")
    return {"champion": champion, "probe": comparison.probe, "modes": comparison.modes,
            "rule": "no per-family and no hidden-split regression against the champion",
            "gains": [d.label() for d in comparison.rows if d.gated and (d.delta or 0) > EPSILON]}


def _pct(value: float | None) -> str:
    return "missing" if value is None else f"{100 * value:.1f} %"


def compare_shared(a: str, a_probes: list[dict], b: str, b_probes: list[dict]) -> Comparison:
    """A against B on the cases both runs' newest probe lists share (same prompt, same expected
    scene), per mode both were probed in; InputError when they share none."""
    from engine.probe.metrics import board
    from engine.probe.result import load_probe

    newest = {}
    for run, probes in ((a, a_probes), (b, b_probes)):
        if not probes:
            raise InputError(f"{run} has no probe results: run `ck probe` on it first (and record it)")
        for p in probes:    # newest first: the first of each mode wins
            newest.setdefault((run, p["mode"]), p)
    modes = [m for m in MODES if (a, m) in newest and (b, m) in newest]
    results = {(run, m): load_probe(newest[(run, m)]["path"]) for run in (a, b) for m in modes}
    shared_keys: set | None = None
    for r in results.values():
        keys = {(c.prompt, c.expected) for c in r.cases}
        shared_keys = keys if shared_keys is None else shared_keys & keys
    if not shared_keys:
        raise InputError(f"cannot compare {a} with {b}: their probe lists share no case (no prompt asks both for "
                         "the same scene)")
    la, lb = (newest[(run, modes[0])] for run in (a, b))
    shared = sum((c.prompt, c.expected) in shared_keys for c in results[(a, modes[0])].cases)
    comparison = Comparison(a, b, {"name": f"{la['name']} v{la['version']} ∩ {lb['name']} v{lb['version']}",
                                   "version": 0, "sha256": "", "shared_cases": shared}, modes)
    for mode in modes:
        for surface in SURFACES:
            boards = []
            for run in (a, b):
                cases = [c for c in results[(run, mode)].cases if (c.prompt, c.expected) in shared_keys]
                boards.append(board((c.split, c.layout, getattr(c, f"{surface}_result")) for c in cases))
            ba, bb = boards
            comparison.rows += _deltas(mode, surface, "overall", {"": ba.overall}, {"": bb.overall})
            comparison.rows += _deltas(mode, surface, "split", ba.by_split, bb.by_split)
            comparison.rows += _deltas(mode, surface, "layout", ba.by_layout, bb.by_layout)
    return comparison
