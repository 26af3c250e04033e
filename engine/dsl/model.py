"""The typed scene model: what the parser yields and the compiler consumes.

Positions (line, col; 1-based) ride along for diagnostics but take no part in equality, so two
scenes are equal when they say the same thing wherever it was written.
"""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Attr:
    """`[key:value]`, at the top level or inside a component."""

    key: str
    value: str
    line: int = field(default=0, compare=False)
    col: int = field(default=0, compare=False)


@dataclass(frozen=True, slots=True)
class Ref:
    """`[field_ref:path]`: a content slot bound from content.json."""

    field: str
    path: str
    line: int = field(default=0, compare=False)
    col: int = field(default=0, compare=False)


@dataclass(frozen=True, slots=True)
class Topo:
    """`[node_id:x]`, `[from_ref:x]`, `[to_ref:x]`: structural handles for trees and flows."""

    key: str
    id: str
    line: int = field(default=0, compare=False)
    col: int = field(default=0, compare=False)


@dataclass(frozen=True, slots=True)
class Component:
    name: str
    attrs: tuple[Attr, ...] = ()
    topo: tuple[Topo, ...] = ()
    refs: tuple[Ref, ...] = ()
    line: int = field(default=0, compare=False)
    col: int = field(default=0, compare=False)

    def attr(self, key: str, default: str | None = None) -> str | None:
        return next((a.value for a in self.attrs if a.key == key), default)

    def ref(self, field_name: str) -> Ref | None:
        return next((r for r in self.refs if r.field == field_name), None)

    def topo_id(self, key: str) -> str | None:
        return next((t.id for t in self.topo if t.key == key), None)


@dataclass(frozen=True, slots=True)
class Scene:
    attrs: tuple[Attr, ...] = ()
    components: tuple[Component, ...] = ()

    def attr(self, key: str, default: str | None = None) -> str | None:
        return next((a.value for a in self.attrs if a.key == key), default)

    @property
    def layout(self) -> str:
        return self.attr("layout") or ""
