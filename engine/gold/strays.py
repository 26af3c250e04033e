"""Where text stands wrong: each scored word of the reference (engine/gold/textplace.py), where the
compiled page put it, how far that is from where the asset has it, and the scene's ref that bound
the text, so a person can go from a misplaced word to the line that places it.

Which ref a compiled word came from is read from the content binding (engine/compiler/resolve.py:
every slot keeps its ref's line and column), not from the drawn page: a word is traced to the slots
whose text holds it. Where several slots hold it, the compiled page's occurrences (in document
order) are paired with the slots (in scene order) when both count the same; otherwise the word
names no ref rather than a guess.

    >>> from engine.gold.textplace import Word
    >>> from engine.compiler.resolve import Origin, Slot
    >>> slot = Slot("Memory planner", origin=Origin("panel", 0, "title", 7, 2))
    >>> s = strays([Word("planner", 0.5, 0.5)], [Word("planner", 0.2, 0.5)], [slot])[0]
    >>> (s.text, round(s.distance, 2), s.source, s.line)
    ('planner', 0.3, 'panel.0.title', 7)
"""
from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from engine.compiler.resolve import Origin, Slot
from engine.gold.textplace import REACH, WORD, Word, pairs


@dataclass(frozen=True, slots=True)
class Stray:
    text: str
    reference: tuple[float, float]   # where the asset has the word, 0..1 of its page
    compiled: tuple[float, float]    # where the compiled page has it, 0..1 of its page
    distance: float                  # in page sizes
    credit: float                    # what the word earns in text placement: 1 in place, 0 at REACH or past
    source: str = ""                 # the ref that bound it ("panel.0.title"), "" when not known
    line: int = 0                    # that ref's place in the scene (0: not known)
    col: int = 0


def _sources(compiled: Sequence[Word], slots: Sequence[Slot]) -> dict[int, Origin]:
    """The ref behind each compiled word that can be traced (by its index in `compiled`)."""
    holders: dict[str, list[Origin]] = defaultdict(list)
    for slot in slots:
        if slot.origin is not None and not slot.missing:
            for word in {m.group().lower() for m in WORD.finditer(slot.text)}:
                holders[word].append(slot.origin)
    drawn: dict[str, list[int]] = defaultdict(list)
    for i, w in enumerate(compiled):
        drawn[w.text].append(i)
    traced: dict[int, Origin] = {}
    for word, places in drawn.items():
        found = holders.get(word, [])
        if len(found) == 1:
            traced.update(dict.fromkeys(places, found[0]))
        elif len(found) == len(places):
            traced.update(zip(places, found, strict=True))
    return traced


def strays(reference: Sequence[Word], compiled: Sequence[Word], slots: Sequence[Slot]) -> list[Stray]:
    """Every scored reference word the compiled page has, farthest from its place first."""
    index = {id(w): i for i, w in enumerate(compiled)}
    traced = _sources(compiled, slots)
    out = []
    for w, c in pairs(reference, compiled):
        if c is None:
            continue
        origin = traced.get(index[id(c)])
        d = math.hypot(w.x - c.x, w.y - c.y)
        out.append(Stray(w.text, (w.x, w.y), (c.x, c.y), d, max(0.0, 1.0 - d / REACH),
                         str(origin) if origin else "", origin.line if origin else 0, origin.col if origin else 0))
    return sorted(out, key=lambda s: -s.distance)
