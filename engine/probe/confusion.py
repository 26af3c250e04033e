"""Confusion matrices of a probe: for the scene decisions a prompt names (layout, theme, tone),
what was expected against what the model emitted, per split (issue 16).

    m = confusion(cases, "raw")   # {"layout": {"hidden": {"table_matrix": {"dashboard_cards": 2, ...}}}}
    m["layout"]["all"]            # every split together

An emitted value is read from the first scene block's header the way the DSL reads it (the first
`[key:value]` at the top level); an output with no such attribute counts as "(none)". Off the
diagonal is where a model confuses one decision for another: a layout it drifts to, a tone it
keeps. Computed from the cases each time it is asked for, so every probe.json has it.
"""
from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

KEYS = ("layout", "theme", "tone")
NONE = "(none)"
_ATTR = {k: re.compile(rf"\[{k}:([A-Za-z0-9_.\-]+)\]") for k in KEYS}
_SCENE = re.compile(r"\[scene\](.*?)(?:\[/scene\]|\Z)", re.DOTALL)
_BLOCK = re.compile(r"\[([a-z_]+)\].*?\[/\1\]", re.DOTALL)


def header_value(text: str, key: str) -> str:
    """The scene's own `key` (not one inside a component block), or NONE."""
    m = _SCENE.search(text)
    body = _BLOCK.sub(" ", m.group(1) if m else text)
    found = _ATTR[key].search(body)
    return found.group(1) if found else NONE


def confusion(cases: Iterable, output: str = "raw") -> dict[str, dict[str, dict[str, dict[str, int]]]]:
    """key -> split (and "all") -> expected -> emitted -> count, for the raw or repaired outputs."""
    cases = list(cases)
    out: dict = {}
    for key in KEYS:
        pairs = [(c.split, header_value(c.expected, key), header_value(getattr(c, output), key)) for c in cases]
        per: dict[str, dict[str, dict[str, int]]] = {}
        for split in sorted({s for s, _, _ in pairs}) + ["all"]:
            counts = Counter((e, g) for s, e, g in pairs if split in ("all", s))
            table: dict[str, dict[str, int]] = {}
            for (e, g), n in sorted(counts.items()):
                table.setdefault(e, {})[g] = n
            per[split] = table
        out[key] = per
    return out


def off_diagonal(table: dict[str, dict[str, int]]) -> list[tuple[str, str, int]]:
    """(expected, emitted, count) of the confusions, most frequent first."""
    return sorted(((e, g, n) for e, row in table.items() for g, n in row.items() if e != g), key=lambda t: (-t[2], t))
