"""The failure gallery's cards (seed: "Failure gallery": prompt, expected DSL, actual DSL, content,
compiled SVG, a short diagnosis), built from a probe result's failing cases.

    cards = failure_cards(load_probe(path), limit=24)
    cards[0]["diff"]      # [("-", "[tone:amber]"), ("+", "[tone:green]"), (" ", "[frame:card]"), ...]

Every text stays text: the template escapes it. Pictures are data URIs (engine/report/images.py).
"""
from __future__ import annotations

import difflib
import json

from engine.report.images import compiled_uri

# Unchanged lines shown around each change of the DSL diff.
CONTEXT_LINES = 2


def dsl_diff(expected: str, actual: str) -> list[tuple[str, str]]:
    """(mark, line) rows of a unified diff: '-' only in expected, '+' only in actual, ' ' both,
    '@' a hunk header.

    >>> dsl_diff("[scene]\\n[tone:amber]\\n[/scene]\\n", "[scene]\\n[tone:green]\\n[/scene]\\n")
    [('@', '@@ -1,3 +1,3 @@'), (' ', '[scene]'), ('-', '[tone:amber]'), ('+', '[tone:green]'), (' ', '[/scene]')]
    """
    lines = difflib.unified_diff(expected.splitlines(), actual.splitlines(), n=CONTEXT_LINES, lineterm="")
    rows = []
    for line in lines:
        if line.startswith(("---", "+++")):
            continue
        rows.append(("@", line) if line.startswith("@@") else (line[:1] or " ", line[1:]))
    return rows


def diagnosis(result) -> str:
    """One line: the failure class, what put it there, and which error flags the output raised."""
    flags = [name for name, on in sorted(result.flags.items()) if on]
    text = f"{result.failure_class or 'no failure class'}: {result.evidence or 'no evidence recorded'}"
    return text + (f" (flags: {', '.join(flags)})" if flags else "")


def failure_cards(probe, limit: int) -> tuple[list[dict], int]:
    """Cards for the first `limit` cases whose raw output failed, and how many failed in all."""
    failing = [c for c in probe.cases if c.raw_result.failure_class is not None]
    cards = []
    for case in failing[:limit]:
        expected_img, _ = compiled_uri(case.expected, case.content)
        # an output that does not render is pictured by its repair, when that renders
        use_repaired = not case.raw_result.renderable and case.repaired_result.renderable
        actual_img, why = compiled_uri(case.repaired if use_repaired else case.raw, case.content)
        cards.append({
            "id": case.id, "split": case.split, "layout": case.layout, "prompt": case.prompt,
            "expected": case.expected, "raw": case.raw, "repaired": case.repaired,
            "diff": dsl_diff(case.expected, case.raw),
            "repaired_exact": case.repaired_result.exact,
            "content": json.dumps(case.content, indent=1, ensure_ascii=False, sort_keys=True),
            "expected_img": expected_img, "actual_img": actual_img, "actual_is_repaired": use_repaired,
            "not_rendered": why, "failure_class": case.raw_result.failure_class,
            "diagnosis": diagnosis(case.raw_result), "repaired_diagnosis": diagnosis(case.repaired_result),
        })
    return cards, len(failing)
