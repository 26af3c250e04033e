"""The scoreboard's metrics (SPEC.md section 7; seed: "Minimum Run Scoreboard"), one function each.

A case's output is read once (`read_output`) into a `Reading`: its first scene block, that block
loaded by the DSL parser, and the compiled SVG when it renders. Each flag function below answers
one question about a Reading; each `*_rate` of the board is the share of cases whose answer is
yes (`rates`), overall, per split and per layout (`board`).

    reading = read_output(text, stop, expected, content, expected_svg)
    reading.flags()      # {"budget_truncation": False, ...}
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from engine.compiler.pipeline import compile_scene
from engine.dsl import Document, load, serialize
from engine.probe.output import (
    SCENE_CLOSE,
    SCENE_OPEN,
    first_scene_block,
    last_block_open,
    leaks,
    scene_output,
    tags,
)
from engine.probe.confusion import NONE, header_value
from engine.probe.result import FLAGS, METRICS, PARITY, SPLITS, Board, CaseResult

NESTING_CODES = ("unclosed-block", "mismatched-block", "unopened-block", "nested-scene", "ref-outside-component")


@dataclass(frozen=True)
class Reading:
    """One output as the metrics see it."""
    text: str                 # the whole decoded (or repaired) text
    stop: str | None          # how the decode ended: scene_end | eos | budget; None when not decoded
    expected: str             # the canonical expected scene
    block: str                # first_scene_block(text)
    doc: Document             # the block loaded by the DSL parser
    svg: str | None           # the block compiled with the case's content, when it renders
    compile_error: str = ""   # why a scene that loads cleanly did not compile
    expected_svg: str | None = None
    last_open: tuple[int, int] | None = None   # where the block's last component opens (line, col)

    def flags(self) -> dict[str, bool]:
        return {name: FLAG_FUNCTIONS[name](self) for name in FLAGS}


# ---- the flags ----------------------------------------------------------------------------------

def budget_truncation(r: Reading) -> bool:
    """The decode spent its whole budget (context minus prompt, or the cap) before `[/scene]` or
    end of sequence. Seed: separates budget failure from learning failure."""
    return r.stop == "budget"


def missing_scene_start(r: Reading) -> bool:
    """The output does not begin with `[scene]` (leading white space aside): none at all, or
    something written before it."""
    return not r.text.lstrip().startswith(SCENE_OPEN)


def missing_scene_end(r: Reading) -> bool:
    """No `[/scene]` after the scene's start, and not because the budget ran out (that is
    budget_truncation): the model stopped (end of sequence) with the scene open."""
    return not budget_truncation(r) and SCENE_CLOSE not in r.block


def duplicate_attr(r: Reading) -> bool:
    """A top-level attribute, or a component's attribute, handle or content field, is written twice
    in the scene block (canonicalization drops the later one with a duplicate-attribute warning)."""
    return any(d.code == "duplicate-attribute" for d in r.doc.diagnostics)


def nesting_problems(r: Reading) -> list:
    """The diagnostics behind block_nesting_error, in order."""
    cut = r.last_open if SCENE_CLOSE not in r.block else None
    return [d for d in r.doc.diagnostics
            if d.code in NESTING_CODES and not (d.code == "unclosed-block" and (d.line, d.col) == cut)]


def block_nesting_error(r: Reading) -> bool:
    """A component block is closed by another name's tag, a close tag closes nothing, a component or
    `[scene]` opens inside an open one, a ref stands outside any block, or `[/scene]` comes while a
    block is open. A block left open only because the output ends early (no `[/scene]`) is not
    counted: that is missing_scene_end or budget_truncation."""
    return bool(nesting_problems(r))


def special_token_leak(r: Reading) -> bool:
    """The scene output (the text through the first scene block's `[/scene]`, so before and inside
    the scene) holds a special token (`<|bos|>`, `<|pad|>`, `<|unk|>`, `<|eos|>` as text) or a
    prompt-surface token (`[task:...]`, `[OUT]`, `[goal:...]`, `[audience:...]`). What follows
    `[/scene]` is decode-boundary spill, never scored (a probe's decode stops there)."""
    return bool(leaks(scene_output(r.text)))


def family_choice(r: Reading) -> bool:
    """The output's scene names the expected layout family (whatever else it got wrong)."""
    chosen = header_value(r.block, "layout")
    return chosen != NONE and chosen == header_value(r.expected, "layout")


FLAG_FUNCTIONS: dict[str, Callable[[Reading], bool]] = {
    "budget_truncation": budget_truncation, "missing_scene_start": missing_scene_start,
    "missing_scene_end": missing_scene_end, "duplicate_attr": duplicate_attr,
    "block_nesting_error": block_nesting_error, "special_token_leak": special_token_leak,
    "family_choice": family_choice,
}


def exact(r: Reading) -> bool:
    """The scene block is the expected canonical scene token for token (white space separates
    tokens and is not compared)."""
    return tags(r.block) == tags(r.expected)


def renderable(r: Reading) -> bool:
    """The scene block loads without an error diagnostic (syntax, vocabulary, nesting, an open
    scene) and compiles with the case's content to SVG. A truncated decode has no `[/scene]`, so
    its raw text is never renderable. Unresolved content refs are warnings, not errors."""
    return r.svg is not None


def materialized_exact(r: Reading) -> bool:
    """The scene block renders, with the case's content, to the same SVG text as the expected
    scene (seed: "final compiler truth")."""
    return r.svg is not None and r.svg == r.expected_svg


# ---- reading an output ----------------------------------------------------------------------------

def read_output(text: str, stop: str | None, expected: str, content, expected_svg: str | None,
                compile_cache: dict | None = None) -> Reading:
    block = first_scene_block(text)
    doc = load(block)
    svg, error = None, ""
    if doc.scene is not None and not doc.errors:
        svg, error = compiled(doc, content, compile_cache)
    return Reading(text, stop, expected, block, doc, svg, error, expected_svg, last_block_open(block))


def compiled(doc: Document, content, cache: dict | None = None) -> tuple[str | None, str]:
    """(svg, "") or (None, why): a compiler crash on a valid scene is evidence, never a traceback."""
    key = serialize(doc.scene)
    if cache is not None and key in cache:
        return cache[key]
    try:
        found = (compile_scene(doc.scene, content).svg, "")
    except Exception as e:  # noqa: BLE001 - a compiler crash is what the probe reports, as compile_error
        found = (None, f"{type(e).__name__}: {e}")
    if cache is not None:
        cache[key] = found
    return found


def result_of(r: Reading, failure_class: str | None, evidence: str) -> CaseResult:
    return CaseResult(exact=exact(r), renderable=renderable(r), materialized_exact=materialized_exact(r),
                      failure_class=failure_class, evidence=evidence, flags=r.flags())


# ---- rates and boards ---------------------------------------------------------------------------

def metric_value(result: CaseResult, metric: str) -> bool:
    """Whether one case counts towards a metric: `exact_rate` reads result.exact, and so on."""
    name = metric.removesuffix("_rate")
    return getattr(result, name) if name in ("exact", "renderable", "materialized_exact") else result.flag(name)


def rates(results: list[CaseResult]) -> dict[str, float]:
    """Every metric of METRICS over these results (0.0 for none)."""
    n = len(results)
    return {m: (sum(metric_value(r, m) for r in results) / n if n else 0.0) for m in METRICS}


def board(cases: Iterable[tuple[str, str, CaseResult]], parity: float | None = None) -> Board:
    """Rates over (split, layout, result) triples: overall, per split (the four SPLITS that have
    cases), per layout, per layout within a split; counts of cases and of each failure class. `parity` is the gold gate's
    gold_asset_parity_score, carried into `overall` when known."""
    cases = list(cases)
    overall = rates([r for _, _, r in cases])
    if parity is not None:
        overall[PARITY] = parity
    splits = [s for s in SPLITS if any(c[0] == s for c in cases)]
    layouts = sorted({c[1] for c in cases})
    return Board(
        overall=overall,
        by_split={s: rates([r for sp, _, r in cases if sp == s]) for s in splits},
        by_layout={lay: rates([r for _, ly, r in cases if ly == lay]) for lay in layouts},
        counts={"cases": len(cases),
                "by_split": {s: sum(c[0] == s for c in cases) for s in splits},
                "by_layout": {lay: sum(c[1] == lay for c in cases) for lay in layouts},
                "failure_classes": dict(sorted(Counter(r.failure_class for *_, r in cases
                                                       if r.failure_class).items()))},
        by_split_layout={s: {lay: rates([r for sp, ly, r in cases if sp == s and ly == lay])
                             for lay in layouts if any(c[:2] == (s, lay) for c in cases)} for s in splits},
    )
