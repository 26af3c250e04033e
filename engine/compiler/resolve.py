"""Scene + content.json -> bound components (SPEC.md §3).

A ref that does not resolve, or resolves to something that is not a string or number, becomes a
diagnostic and a visible placeholder; strict mode turns those into errors.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

from engine.diagnostics import Diagnostic, Severity
from engine.dsl.frozen import quick_init
from engine.dsl.model import Component, Scene, walk

MAX_SLOT_CHARS = 4000  # longer values are cut; no card can show more, and wrapping stays fast


@quick_init
@dataclass(frozen=True, slots=True)
class Origin:
    """Where a slot's text came from: its component (kind and index) and field, and the ref's place
    in the scene, so that what happens to the text later (a cut) can be reported against it."""

    component: str
    index: int
    field: str
    line: int
    col: int

    def __str__(self) -> str:
        return f"{self.component}.{self.index}.{self.field}"


@quick_init
@dataclass(frozen=True, slots=True)
class Slot:
    text: str
    missing: bool = False
    origin: Origin | None = field(default=None, compare=False)


@dataclass(frozen=True)
class Bound:
    """A component with its content: `index` counts components of the same kind, `order` all,
    both in document order with nested components included (engine.dsl.model.walk); `path` is
    its place in the tree, (i,) for a component of the scene. `bind` leaves `children` empty
    (it lists every component, nested ones too); the pipeline hangs a container's drawn children
    on it for the layouts."""

    comp: Component
    index: int
    order: int
    slots: dict[str, Slot]
    magnitude: float | None
    path: tuple[int, ...] = (0,)
    children: tuple[Bound, ...] = ()

    @property
    def depth(self) -> int:
        return len(self.path)

    @property
    def name(self) -> str:
        return self.comp.name

    def text(self, field: str) -> Slot | None:
        return self.slots.get(field)


_MISSING = object()


def _walk(content, path: str):
    node = content
    for part in path.split("."):
        if isinstance(node, dict):
            node = node.get(part, _MISSING)
        # len(part) first: int() refuses thousands of digits, and no list is 19 digits long
        elif isinstance(node, list) and part.isdigit() and len(part) < 19 and int(part) < len(node):
            node = node[int(part)]
        else:
            return _MISSING
        if node is _MISSING:
            return _MISSING
    return node


# Variation selectors (U+FE00-FE0F) only choose how the character before them looks (text or emoji);
# the monospace face has no glyph for them and draws a box, so they are left out of what is drawn.
_SELECTORS = dict.fromkeys(range(0xFE00, 0xFE10))


def _display(value) -> str | None:
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    try:
        return str(value).translate(_SELECTORS)
    except ValueError:   # an int past Python's 4300-digit limit for int -> str
        return None


def _magnitude(m) -> float | None:
    """A bar's `magnitude` as a finite float, or None (a string, a bool, NaN, an int past float)."""
    if isinstance(m, bool) or not isinstance(m, int | float):
        return None
    try:
        m = float(m)
    except OverflowError:   # JSON allows integers of any length
        return None
    return m if math.isfinite(m) else None


def bind(scene: Scene, content) -> tuple[list[Bound], list[Diagnostic]]:
    """Every component of the scene, nested ones included, in document order, with its content."""
    diagnostics: list[Diagnostic] = []
    if not isinstance(content, dict):
        diagnostics.append(Diagnostic(1, 1, "bad-content", "content.json must hold a JSON object"))
        content = {}
    bound: list[Bound] = []
    for visit in walk(scene):
        comp = visit.comp
        slots: dict[str, Slot] = {}
        magnitude = None
        for ref in comp.refs:
            origin = Origin(comp.name, visit.index, ref.field, ref.line, ref.col)
            value = _walk(content, ref.path)
            text = None if value is _MISSING else _display(value)
            if text is None:
                why = "is not in content.json" if value is _MISSING else "is not a string or number"
                diagnostics.append(Diagnostic(ref.line, ref.col, "unresolved-ref",
                                              f"{ref.field}_ref '{ref.path}' {why}", Severity.WARNING))
                slots[ref.field] = Slot(f"\u2039{ref.path}\u203a", True, origin)
                continue
            if len(text) > MAX_SLOT_CHARS:
                diagnostics.append(Diagnostic(ref.line, ref.col, "content-too-long",
                                              f"{ref.field}_ref '{ref.path}' holds {len(text):,} characters; "
                                              f"the first {MAX_SLOT_CHARS:,} are shown", Severity.WARNING))
            slots[ref.field] = Slot(text[:MAX_SLOT_CHARS], origin=origin)
            record = _walk(content, ref.path.rpartition(".")[0]) if "." in ref.path else None
            if magnitude is None and isinstance(record, dict):
                magnitude = _magnitude(record.get("magnitude"))
        bound.append(Bound(comp, visit.index, visit.order, slots, magnitude, visit.path))
    return bound, diagnostics
