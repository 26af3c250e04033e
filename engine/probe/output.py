"""What a decoded text holds: its first scene block, leaked special or prompt tokens, its tags.

Seed, "Prompt-Surface And Decode-Boundary Discipline": measure the first valid scene block; what a
model writes after `[/scene]` is a decode-boundary matter, not the scene.

    >>> first_scene_block("[scene]\\n[layout:poster_stack]\\n[/scene]\\n[task:svg]")
    '[scene]\\n[layout:poster_stack]\\n[/scene]'
    >>> leaks("[scene] <|pad|> [OUT]")
    ['<|pad|>', '[OUT]']
"""
from __future__ import annotations

import re

from engine.tokenizer.vocabulary import OPEN_KEYS, PROMPT_TOKENS, SPECIALS

SCENE_OPEN, SCENE_CLOSE = "[scene]", "[/scene]"
# Special tokens and the prompt surface's own tokens (SPEC.md section 4): none belongs in a scene.
_PROMPT_OPENERS = tuple(f"[{k}:" for k in OPEN_KEYS if k != "topic")
LEAK = re.compile("|".join([*(re.escape(t) for t in (*SPECIALS, *PROMPT_TOKENS)),
                            *(re.escape(o) + r"[^\[\]\s]*\]?" for o in _PROMPT_OPENERS)]))
OPEN_BLOCK = re.compile(r"\[([a-z][a-z0-9_]*)\]")


def leaks(text: str) -> list[str]:
    """Special tokens (`<|pad|>`, ...) and prompt tokens (`[task:svg]`, `[OUT]`, `[goal:x]`) in a
    text, in order."""
    return LEAK.findall(text)


def strip_leaks(text: str) -> str:
    return LEAK.sub("", text)


def _scene_span(text: str) -> tuple[int, int]:
    start = max(text.find(SCENE_OPEN), 0)
    end = text.find(SCENE_CLOSE, start)
    return start, len(text) if end < 0 else end + len(SCENE_CLOSE)


def first_scene_block(text: str) -> str:
    """From the first `[scene]` (or the start, if there is none) through the first `[/scene]` after
    it (or the end), outer white space removed."""
    start, end = _scene_span(text)
    return text[start:end].strip()


def scene_output(text: str) -> str:
    """The text up to the end of its first scene block: what the model wrote as its scene, a
    prefix before `[scene]` included, a spill after `[/scene]` not."""
    return text[:_scene_span(text)[1]]


def tags(text: str) -> list[str]:
    """The DSL tokens of a text: white space separates them and is not part of any."""
    return text.split()


def last_block_open(text: str) -> tuple[int, int] | None:
    """(line, col) of the last component opening tag, 1-based, as the parser reports positions."""
    found = None
    for m in OPEN_BLOCK.finditer(text):
        if m.group(0) != SCENE_OPEN:
            found = m.start()
    if found is None:
        return None
    line = text.count("\n", 0, found) + 1
    return line, found - (text.rfind("\n", 0, found) + 1) + 1
