"""The deterministic repair layer (seed: "Add repair early"; "Compiler-first closure").

    repaired = repair(raw)          # repaired.text, repaired.actions

Steps, in order: strip leaked special and prompt tokens; keep the first scene block; read it with
the DSL's recovering parser, which closes open blocks, adds a missing `[scene]` / `[/scene]`,
skips a torn tag and drops what does not validate; canonicalize, which drops duplicate attributes
(the first is kept), restores the canonical order and fills omitted top-level attributes from the
layout family's defaults; serialize. The same raw text always gives the same repaired text, and a
canonical scene is its own repair. Raw and repaired are always both scored (seed: "Raw vs repaired
reporting"): repair measures system quality, never training quality.

    >>> repair("[scene] [layout:poster_stack] [header_band] <|pad|>").actions
    ('stripped <|pad|>', 'closed [header_band]', 'added [/scene]')
"""
from __future__ import annotations

from dataclasses import dataclass

from engine.dsl import load, serialize
from engine.probe.output import first_scene_block, leaks, strip_leaks

# diagnostic code -> what repair did about it
_ACTIONS = {
    "missing-scene-start": "added [scene]",
    "missing-scene-end": "added [/scene]",
    "duplicate-attribute": "dropped a duplicate",
    "mismatched-block": "closed a block its own tag did not close",
    "unopened-block": "dropped a close tag that closed nothing",
    "stray-text": "dropped stray text",
    "nested-scene": "dropped a nested [scene]",
    "ref-outside-component": "dropped a ref outside any component",
}


@dataclass(frozen=True)
class Repaired:
    text: str
    actions: tuple[str, ...]   # what changed, in order; () when the scene was already canonical


def repair(raw: str) -> Repaired:
    actions = [f"stripped {t}" for t in leaks(raw)]
    block = first_scene_block(strip_leaks(raw))
    doc = load(block) if "[" in block else None
    if doc is None or doc.scene is None:  # no tag to start from: no scene is invented
        return Repaired(block + "\n" if block else "", (*actions, "unrecoverable"))
    for d in doc.diagnostics:
        if d.code == "unclosed-block":
            actions.append(f"closed {d.message.split(' ', 1)[0]}")
        elif d.code in _ACTIONS:
            actions.append(_ACTIONS[d.code] if d.code != "duplicate-attribute" else d.message.split(";")[0])
        elif d.severity.value == "error":
            actions.append(f"dropped: {d.message}")
    text = serialize(doc.scene)
    if not actions and text.split() != block.split():
        actions.append("restored canonical order and defaults")
    return Repaired(text, tuple(actions))
