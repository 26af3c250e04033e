"""Compiler-valid variants of a gold scene, and the deterministic damage repair prompts carry.

A *program* is a scene with everything fixed but what the prompt names (topic, theme, tone,
density): the gold scene itself, or a structural change of it (seed, "Asset Scaling Strategy":
"add topic swaps, density changes, theme variations"):

- count_drop / count_dup: one of a repeated, index-addressed component (`compare_bar.1.label`)
  removed, or one more appended, with the refs of its kind renumbered so indices stay 0..n-1;
- order_swap: two neighbouring components of different kinds trade places (never the header);
- canvas: another canvas, which the prompt does not name.

A graft is not a program: it is what an `[add:KIND]` prompt asks on top of one (spec04): one KIND
block, every content field but its tag, after the scene's first header or after its last component.

    >>> from engine.dsl import load
    >>> s = load("[scene] [layout:poster_stack] [callout_card] [title_ref:callout_card.0.title]"
    ...          " [/callout_card] [callout_card] [title_ref:callout_card.1.title] [/callout_card]"
    ...          " [/scene]").scene
    >>> [r.path for c in count_drop(s, "callout_card", 0).components for r in c.refs]
    ['callout_card.0.title']

Repair damage works on the canonical text's lines and is drawn from the row's own Random, so the
same row always gets the same damage.
"""
from __future__ import annotations

import random
import re
from dataclasses import dataclass, replace

from engine.dsl import vocab
from engine.dsl.model import Attr, Component, Ref, Scene, walk

_INDEXED = re.compile(r"([a-z][a-z0-9_]*)\.(\d+)\.([a-z][a-z0-9_]*)\Z")
TOP_LINES = slice(1, 1 + len(vocab.TOP_LEVEL_KEYS))   # canonical text: [scene], then the 15 attrs


@dataclass(frozen=True)
class Program:
    id: str          # "memory_reality", "memory_reality~count_drop:compare_bar.1", ...
    gold: str
    change: str      # none | count_drop | count_dup | order_swap | canvas
    scene: Scene


def restyle(scene: Scene, values: dict[str, str]) -> Scene:
    """The scene with some top-level values replaced; order and arity stay canonical."""
    return Scene(tuple(Attr(a.key, values.get(a.key, a.value)) for a in scene.attrs), scene.components)


def content_index(c: Component) -> int | None:
    """The one index all of a component's refs share (`compare_bar.3.label` -> 3); None for
    topology components and mixed refs, whose identity count changes cannot renumber."""
    if c.topo or not c.refs:
        return None
    found = set()
    for r in c.refs:
        m = _INDEXED.match(r.path)
        if not m or m.group(1) != c.name:
            return None
        found.add(int(m.group(2)))
    return found.pop() if len(found) == 1 else None


def _reindexed(c: Component, index: int) -> Component:
    refs = tuple(Ref(r.field, _INDEXED.sub(lambda m: f"{m.group(1)}.{index}.{m.group(3)}", r.path))
                 for r in c.refs)
    return replace(c, refs=refs)


def countable(scene: Scene) -> list[str]:
    """Component kinds present at least twice, every one index-addressed with distinct indices."""
    by_kind: dict[str, list[int | None]] = {}
    for c in scene.components:
        by_kind.setdefault(c.name, []).append(content_index(c))
    return sorted(k for k, ix in by_kind.items()
                  if len(ix) >= 2 and None not in ix and len(set(ix)) == len(ix))


def count_drop(scene: Scene, kind: str, index: int) -> Scene:
    """Remove the `kind` whose content index is `index`; later ones move down by one."""
    comps = []
    for c in scene.components:
        i = content_index(c) if c.name == kind else None
        if i == index:
            continue
        comps.append(_reindexed(c, i - 1) if i is not None and i > index else c)
    return Scene(scene.attrs, tuple(comps))


def count_dup(scene: Scene, kind: str) -> Scene:
    """Append one more `kind` after its last one, a copy of it with the next free index."""
    comps = list(scene.components)
    last = max(i for i, c in enumerate(comps) if c.name == kind)
    top = max(content_index(c) for c in comps if c.name == kind)
    comps.insert(last + 1, _reindexed(comps[last], top + 1))
    return Scene(scene.attrs, tuple(comps))


GRAFT_AT: tuple[str, ...] = ("header", "start", "end")


def graft(scene: Scene, kind: str, at: str = "header") -> Scene:
    """The scene with one `kind` block: after its first top-level header_band (`header`; first, if
    none), first of all (`start`: the page draws the header above it all the same, so the picture is
    `header`'s and what follows the block is the header, as in every family), or after its last
    component (`end`, so nothing of the family's scene follows it)."""
    fields = [f for f in vocab.COMPONENTS[kind].fields if f != "tag"]
    refs = (r for v in walk(scene) for r in v.comp.refs)
    index = 1 + max((int(m.group(2)) for r in refs if (m := _INDEXED.match(r.path)) and m.group(1) == kind),
                    default=-1)   # one more: a kind the scene holds already is asked with its next index
    block = Component(kind, refs=tuple(Ref(f, f"{kind}.{index}.{f}") for f in fields))
    comps = list(scene.components)
    where = {"start": 0, "end": len(comps)}.get(at)
    if where is None:
        where = next((i + 1 for i, c in enumerate(comps) if c.name == "header_band"), 0)
    return replace(scene, components=tuple(comps[:where] + [block] + comps[where:]))


def kinds_in(scene: Scene) -> set[str]:
    """Every component kind a scene holds, at any depth."""
    return {v.comp.name for v in walk(scene)}


def order_swap(scene: Scene, i: int) -> Scene:
    comps = list(scene.components)
    comps[i], comps[i + 1] = comps[i + 1], comps[i]
    return Scene(scene.attrs, tuple(comps))


def programs(gold: str, scene: Scene, canvases: tuple[str, ...], count_changes: bool,
             order_changes: bool) -> list[Program]:
    """The gold program first, then every structural variant the knobs allow, in a fixed order."""
    out = [Program(gold, gold, "none", scene)]
    if count_changes:
        for kind in countable(scene):
            for index in sorted(content_index(c) for c in scene.components if c.name == kind):
                out.append(Program(f"{gold}~count_drop:{kind}.{index}", gold, "count_drop",
                                   count_drop(scene, kind, index)))
            out.append(Program(f"{gold}~count_dup:{kind}", gold, "count_dup", count_dup(scene, kind)))
    if order_changes:
        comps = scene.components
        for i in range(len(comps) - 1):
            a, b = comps[i].name, comps[i + 1].name
            if a != b and "header_band" not in (a, b):
                out.append(Program(f"{gold}~order_swap:{i}", gold, "order_swap", order_swap(scene, i)))
    for canvas in canvases:
        if canvas != scene.attr("canvas"):
            out.append(Program(f"{gold}~canvas:{canvas}", gold, "canvas",
                               restyle(scene, {"canvas": canvas})))
    return out


# ---- repair damage ----------------------------------------------------------------------------
# Each takes the canonical lines and the row's Random and returns damaged lines that still read
# as the same scene to a person: what the Run Failure Matrix says a model gets wrong.

def _drop_scene_open(lines: list[str], rng: random.Random) -> list[str]:
    return lines[1:]


def _drop_scene_close(lines: list[str], rng: random.Random) -> list[str]:
    return lines[:-1]


def _duplicate_attr(lines: list[str], rng: random.Random) -> list[str]:
    """A second, different value for one top-level key after the first; canonical keeps the
    first, so the clean target is still the right answer."""
    keys = [k for k in vocab.TOP_LEVEL_KEYS if k != "topic"]
    key = rng.choice(keys)
    at = 1 + vocab.TOP_LEVEL_KEYS.index(key)
    current = lines[at][len(key) + 2:-1]
    other = rng.choice([v for v in vocab.TOP_LEVEL_VALUES[key] if v != current])
    return lines[:at + 1] + [f"[{key}:{other}]"] + lines[at + 1:]


def _swap_attrs(lines: list[str], rng: random.Random) -> list[str]:
    at = rng.randrange(TOP_LINES.start, TOP_LINES.stop - 1)
    out = list(lines)
    out[at], out[at + 1] = out[at + 1], out[at]
    return out


def _drop_block_close(lines: list[str], rng: random.Random) -> list[str]:
    closes = [i for i, line in enumerate(lines) if line.startswith("[/") and line != "[/scene]"]
    if not closes:
        return _drop_scene_close(lines, rng)
    at = rng.choice(closes)
    return lines[:at] + lines[at + 1:]


def _truncate_tail(lines: list[str], rng: random.Random) -> list[str]:
    """A correct prefix cut off somewhere in the last 40 %, never inside the header."""
    low = max(TOP_LINES.stop, (len(lines) * 6 + 9) // 10)
    return lines[:rng.randrange(low, len(lines))] if low < len(lines) else lines[:-1]


DAMAGE = {
    "drop_scene_open": _drop_scene_open,
    "drop_scene_close": _drop_scene_close,
    "duplicate_attr": _duplicate_attr,
    "swap_attrs": _swap_attrs,
    "drop_block_close": _drop_block_close,
    "truncate_tail": _truncate_tail,
}


def damage(target: str, corruption: str, rng: random.Random) -> str:
    """The canonical target with one deterministic corruption, as text (one token per line). A plan
    line (DSL v3) is set aside and put back after the damage, which counts header lines."""
    lines = target.splitlines()
    plan = lines.pop(1) if len(lines) > 1 and lines[1].startswith(f"[{vocab.PLAN_KEY}:") else None
    out = DAMAGE[corruption](lines, rng)
    if plan is not None:
        out.insert(1 if out[:1] == ["[scene]"] else 0, plan)
    return "\n".join(out) + "\n"
