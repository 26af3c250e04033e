"""The typed scene model: what the parser yields and the compiler consumes.

Positions (line, col; 1-based) ride along for diagnostics but take no part in equality, so two
scenes are equal when they say the same thing wherever it was written.

Components nest (DSL v2): a container's `children` are components too. `walk(scene)` visits every
component depth-first in document order, which is also the order content paths count in:

    >>> inner = Component("text_line")
    >>> scene = Scene(components=(Component("panel", children=(inner,)), Component("text_line")))
    >>> [(v.comp.name, v.index, v.depth, v.path) for v in walk(scene)]
    [('panel', 0, 1, (0,)), ('text_line', 0, 2, (0, 0)), ('text_line', 1, 1, (1,))]
"""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import count

from engine.dsl.frozen import quick_init


@quick_init
@dataclass(frozen=True, slots=True)
class Attr:
    """`[key:value]`, at the top level or inside a component."""

    key: str
    value: str
    line: int = field(default=0, compare=False)
    col: int = field(default=0, compare=False)


@quick_init
@dataclass(frozen=True, slots=True)
class Ref:
    """`[field_ref:path]`: a content slot bound from content.json."""

    field: str
    path: str
    line: int = field(default=0, compare=False)
    col: int = field(default=0, compare=False)


@quick_init
@dataclass(frozen=True, slots=True)
class Topo:
    """`[node_id:x]`, `[from_ref:x]`, `[to_ref:x]`: structural handles for trees and flows."""

    key: str
    id: str
    line: int = field(default=0, compare=False)
    col: int = field(default=0, compare=False)


@quick_init
@dataclass(frozen=True, slots=True)
class Component:
    name: str
    attrs: tuple[Attr, ...] = ()
    topo: tuple[Topo, ...] = ()
    refs: tuple[Ref, ...] = ()
    children: tuple[Component, ...] = ()    # a container's components, in written order
    line: int = field(default=0, compare=False)
    col: int = field(default=0, compare=False)

    # plain loops: the compiler asks these hundreds of times per scene, and a generator fed to
    # next() costs twice the lookup
    def attr(self, key: str, default: str | None = None) -> str | None:
        for a in self.attrs:
            if a.key == key:
                return a.value
        return default

    def ref(self, field_name: str) -> Ref | None:
        for r in self.refs:
            if r.field == field_name:
                return r
        return None

    def topo_id(self, key: str) -> str | None:
        for t in self.topo:
            if t.key == key:
                return t.id
        return None


@quick_init
@dataclass(frozen=True, slots=True)
class Scene:
    attrs: tuple[Attr, ...] = ()
    components: tuple[Component, ...] = ()
    plan: str | None = None   # [plan:...] (DSL v3, vocab.PLAN_VALUES); None when not written

    def attr(self, key: str, default: str | None = None) -> str | None:
        return next((a.value for a in self.attrs if a.key == key), default)

    @property
    def layout(self) -> str:
        return self.attr("layout") or ""


@quick_init
@dataclass(frozen=True, slots=True)
class Visit:
    """One component as `walk` meets it.

    index: how many components of the same name came before it in document order (depth-first,
           pre-order): the N of a content path `name.N.field`.
    order: how many components of any name came before it, in the same order.
    depth: 1 for a component of the scene, 2 for a child of one of those, ...
    path:  child positions from the scene down: (2,) is the scene's third component, (2, 0) the
           first child of that one.
    parent: the container holding it, None at the top level.
    """

    comp: Component
    index: int
    order: int
    depth: int
    path: tuple[int, ...]
    parent: Component | None


def walk(scene: Scene) -> Iterator[Visit]:
    """Every component of the scene, depth-first in document order (a container before its
    children)."""
    counts: dict[str, int] = {}
    order = count()

    def visit(comps: tuple[Component, ...], at: tuple[int, ...], parent: Component | None) -> Iterator[Visit]:
        for i, comp in enumerate(comps):
            index = counts.get(comp.name, 0)
            counts[comp.name] = index + 1
            path = (*at, i)
            yield Visit(comp, index, next(order), len(path), path, parent)
            if comp.children:
                yield from visit(comp.children, path, comp)

    return visit(scene.components, (), None)
