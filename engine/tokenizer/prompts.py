"""The prompt surfaces of SPEC.md section 4, and the repair prompt the repair bucket uses.

A prompt is one line of bracket tokens ending in `[OUT]`; the target is always the canonical scene
text (`[scene]` ... `[/scene]`), then end of sequence.

    >>> from engine.dsl import load
    >>> explicit_prompt(load("[scene] [layout:pipeline_lane] [topic:kv_cache] [/scene]").scene)
    '[task:svg] [layout:pipeline_lane] [topic:kv_cache] [theme:infra_dark] [tone:blue] [density:balanced] [OUT]'
    >>> explicit_prompt(load("[scene] [layout:table_matrix] [topic:kv_cache] [/scene]").scene, own=True).split()[-3:]
    ['[density:balanced]', '[source:gold]', '[OUT]']
    >>> explicit_prompt(load("[scene] [layout:table_matrix] [topic:kv_cache] [/scene]").scene, add="thesis_box").split()[-2:]
    ['[add:thesis_box]', '[OUT]']
    >>> intent_prompt("kv_cache", "explain_tradeoff", "engineers")
    '[task:svg] [topic:kv_cache] [goal:explain_tradeoff] [audience:engineers] [OUT]'
    >>> repair_prompt("[scene]\\n[canvas:wide]\\n")
    '[task:repair] [scene] [canvas:wide] [OUT]'
"""
from __future__ import annotations

import re

from engine.dsl import Scene, vocab
from engine.fileio import InputError

# The scene decisions the explicit-layout surface names, in prompt order (SPEC.md section 4).
EXPLICIT_KEYS: tuple[str, ...] = ("layout", "topic", "theme", "tone", "density")
# The prompt-only tokens a tokenizer should reserve beside the scene grammar's.
TASK_SVG, TASK_REPAIR, OUT = "[task:svg]", "[task:repair]", "[OUT]"
# An explicit prompt that asks for a gold entry's own scene, not its topic's edit of a family's anchor
# (docs/dsl.md, "The source tag"; a spec turns it on with [spec] own_prompt).
SOURCE_GOLD = "[source:gold]"
# A component the prompt asks for on top of what its topic makes (docs/dsl.md, "The add tag"; spec04):
# `[add:thesis_box]`, one block of that kind after the scene's first header.
ADD_KEY = "add"
ADD_TAG = re.compile(r"\[add:([^\]\s]*)\]")   # the kind a prompt asks, group 1


def explicit_prompt(scene: Scene, own: bool = False, add: str | None = None) -> str:
    """`[task:svg] [layout:L] [topic:T] [theme:H] [tone:N] [density:D] [OUT]` from a canonical scene;
    `add`: `[add:KIND]` after the density, the scene holds one KIND more than its topic makes;
    `own`: `[source:gold]` before `[OUT]`, the scene is a gold entry's own."""
    return " ".join([TASK_SVG, *(f"[{k}:{scene.attr(k)}]" for k in EXPLICIT_KEYS),
                     *[f"[{ADD_KEY}:{add}]"] * (add is not None), *[SOURCE_GOLD] * own, OUT])


def intent_prompt(topic: str, goal: str, audience: str) -> str:
    """`[task:svg] [topic:T] [goal:G] [audience:A] [OUT]`: the model chooses the layout."""
    for key, value in (("topic", topic), ("goal", goal), ("audience", audience)):
        if not vocab.TOPIC_PATTERN.match(value):
            raise InputError(f"intent prompt: {key} '{value}' must be an identifier like explain_tradeoff")
    return f"{TASK_SVG} [topic:{topic}] [goal:{goal}] [audience:{audience}] {OUT}"


def repair_prompt(broken: str) -> str:
    """A damaged scene on one line, to be answered with the clean canonical scene.

    Only the prompt carries the damage; the target never does (seed: "Ban literal prompt junk
    repair rows": a corrupted target would teach the junk itself).
    """
    return " ".join([TASK_REPAIR, *broken.split(), OUT])
