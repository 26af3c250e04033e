"""One failure class per miss, from the seed's Run Failure Matrix, with the evidence that put it there.

A miss is a case that is not both exact and materialized exact. The rules are tried in order; the
first that holds names the class, so an output that is cut off and also misnested is a
budget_truncation (the budget hides whatever came next):

    exact_but_not_materialized   the scene is right, the SVG differs: compiler or probe bug
    budget_truncation            the decode spent its budget
    special_token_leak           a special or prompt token inside the output
    contamination_supervision    no DSL tag at all: an empty or junk output
    theme_tone_drift             a duplicated [theme:]/[tone:]
    scene_prefix_failure         no leading [scene], no [layout:], or another duplicated top-level attr
    scene_suffix_failure         stopped with the scene open
    block_nesting_failure        a block closed by the wrong tag, opened inside another, ...
    grammar_corruption           loads with another error (unknown name or value, torn tag)
    compile_failure              loads cleanly but the compiler failed (a compiler bug)
    layout_drift                 renders, in another layout family
    theme_tone_drift             renders, with another theme or tone
    renderable_but_not_exact     renders, the DSL differs otherwise (evidence: the first difference)

grammar_corruption and compile_failure are this module's names for the seed's "low renderable
with low truncation usually means grammar corruption" and for a crash of the compiler.
"""
from __future__ import annotations

from engine.dsl import load
from engine.probe.metrics import (
    Reading,
    block_nesting_error,
    budget_truncation,
    compiled,
    exact,
    materialized_exact,
    missing_scene_end,
    missing_scene_start,
    nesting_problems,
    read_output,
    renderable,
    result_of,
)
from engine.probe.output import first_scene_block, leaks, scene_output, tags
from engine.probe.result import CaseResult

CLASSES = ("exact_but_not_materialized", "budget_truncation", "special_token_leak", "contamination_supervision",
           "theme_tone_drift", "scene_prefix_failure", "scene_suffix_failure", "block_nesting_failure",
           "grammar_corruption", "compile_failure", "layout_drift", "renderable_but_not_exact")


def _short(text: str, n: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[:n - 3] + "..."


def _tail(text: str, n: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else "..." + text[-(n - 3):]


def first_difference(got: str, want: str) -> str:
    """Where two scenes' token lists first differ, as evidence.

    >>> first_difference("[scene] [tone:red] [/scene]", "[scene] [tone:blue] [/scene]")
    'token 2: [tone:red] where [tone:blue] was expected'
    """
    a, b = tags(got), tags(want)
    for i, (x, y) in enumerate(zip(a, b)):
        if x != y:
            return f"token {i + 1}: {x} where {y} was expected"
    if len(a) < len(b):
        return f"ends after {len(a)} tokens; {b[len(a)]} and {len(b) - len(a) - 1} more were expected"
    return f"{len(a) - len(b)} extra tokens from {a[len(b)]}"


def _duplicates(r: Reading) -> list[str]:
    return [d.message.split(";")[0] for d in r.doc.diagnostics if d.code == "duplicate-attribute"]


def classify(r: Reading, expected_style: dict[str, str] | None = None) -> tuple[str | None, str]:
    """(failure class, evidence), or (None, "") when the output is exact and materialized exact.

    expected_style holds the expected scene's layout, theme and tone (read from r.expected when
    not given)."""
    is_exact = exact(r)
    if is_exact and materialized_exact(r):
        return None, ""
    if is_exact:
        return "exact_but_not_materialized", ("the scene equals the expected one but its SVG differs"
                                               if r.svg is not None else f"does not render: {r.compile_error}")
    if budget_truncation(r):
        return "budget_truncation", f"spent the decode budget; ends with {_tail(r.text)!r}"
    found = leaks(scene_output(r.text))
    if found:
        return "special_token_leak", f"{found[0]} at character {r.text.find(found[0])}" + (
            f" (and {len(found) - 1} more)" if len(found) > 1 else "")
    if not any(t.startswith("[") for t in tags(r.text)):
        return "contamination_supervision", f"no DSL tag in the output: {_short(r.text) or 'empty'!r}"
    dups = _duplicates(r)
    top_dups = [d for d in dups if d.startswith("duplicate scene attribute")]
    if any("'theme'" in d or "'tone'" in d for d in top_dups):
        return "theme_tone_drift", top_dups[0]
    if missing_scene_start(r):
        return "scene_prefix_failure", f"does not start with [scene]: starts {_short(r.text, 40)!r}"
    if r.doc.scene is not None and r.doc.scene.attr("layout") is None:
        return "scene_prefix_failure", "no [layout:...] in the scene"
    if top_dups:
        return "scene_prefix_failure", top_dups[0]
    if missing_scene_end(r):
        return "scene_suffix_failure", f"stopped without [/scene]; ends with {_tail(r.block)!r}"
    if block_nesting_error(r):
        d = nesting_problems(r)[0]
        return "block_nesting_failure", f"{d.line}:{d.col}: {d.message}"
    if r.doc.errors:
        d = r.doc.errors[0]
        return "grammar_corruption", f"{d.line}:{d.col}: {d.message}"
    if not renderable(r):
        return "compile_failure", r.compile_error
    style = expected_style or _style_of(r.expected)
    got = {k: r.doc.scene.attr(k) for k in ("layout", "theme", "tone")}
    if got["layout"] != style.get("layout"):
        return "layout_drift", f"[layout:{got['layout']}] where [layout:{style.get('layout')}] was expected"
    for key in ("theme", "tone"):
        if got[key] != style.get(key):
            return "theme_tone_drift", f"[{key}:{got[key]}] where [{key}:{style.get(key)}] was expected"
    evidence = first_difference(r.block, r.expected)
    if materialized_exact(r):
        evidence += "; renders identically (DSL hygiene, not the picture)"
    elif dups:
        evidence += f"; {dups[0]}"
    return "renderable_but_not_exact", evidence


def _style_of(expected: str) -> dict[str, str]:
    scene = load(first_scene_block(expected)).scene
    return {k: scene.attr(k) for k in ("layout", "theme", "tone")} if scene else {}


def score_output(text: str, stop: str | None, expected: str, content, expected_svg: str | None = None,
                 compile_cache: dict | None = None) -> CaseResult:
    """One output's RESULT: read it, classify it. expected_svg defaults to the expected scene
    compiled with the same content."""
    if expected_svg is None:
        doc = load(expected)
        expected_svg = compiled(doc, content, compile_cache)[0] if doc.scene and not doc.errors else None
    reading = read_output(text, stop, expected, content, expected_svg, compile_cache)
    return result_of(reading, *classify(reading))
