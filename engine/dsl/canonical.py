"""The canonical form (SPEC.md §2): one spelling per scene, so "exact" means equal text.

An optional plan line first (DSL v3), then the fixed top-level order and arity (family defaults
fill what is missing), components in written
order, and inside each component: topology handles, then attributes, then content refs, each in
the component's declared order, then its children (a container's components, DSL v2) in written
order. Duplicates are dropped, the first one kept, with a diagnostic.

The text is one token per line and never indented, nested or not: the tag names already say where
each block ends, and indentation would cost tokens in every model output.
"""
from __future__ import annotations

from engine.diagnostics import Diagnostic, Severity
from engine.dsl import vocab
from engine.dsl.model import Attr, Component, Scene


def _first_of_each(items, key, order, what: str, diagnostics: list[Diagnostic]):
    """Keep the first item per key, sorted by `order`; later duplicates become warnings."""
    kept: dict = {}
    for item in items:
        k = key(item)
        if k in kept:
            diagnostics.append(Diagnostic(
                item.line, item.col, "duplicate-attribute",
                f"duplicate {what} '{k}' dropped; the first (line {kept[k].line}) is kept",
                Severity.WARNING))
        else:
            kept[k] = item
    return tuple(sorted(kept.values(), key=lambda i: order(key(i))))


def canonicalize(scene: Scene) -> tuple[Scene, list[Diagnostic]]:
    diagnostics: list[Diagnostic] = []
    top = _first_of_each(
        (a for a in scene.attrs if a.key in vocab.TOP_LEVEL_KEYS),
        lambda a: a.key, vocab.TOP_LEVEL_KEYS.index, "scene attribute", diagnostics)
    given = {a.key: a for a in top}
    layout = given["layout"].value if "layout" in given else vocab.DEFAULT_LAYOUT
    defaults = vocab.family_defaults(layout)
    attrs = tuple(given.get(k) or Attr(k, defaults[k]) for k in vocab.TOP_LEVEL_KEYS)
    components = tuple(_canonical_component(c, diagnostics) for c in scene.components)
    return Scene(attrs, components, scene.plan), diagnostics


def _canonical_component(c: Component, diagnostics: list[Diagnostic]) -> Component:
    spec = vocab.COMPONENTS[c.name]
    attr_keys = tuple(spec.attrs)
    topo = _first_of_each(c.topo, lambda t: t.key, vocab.TOPOLOGY_KEYS.index,
                          f"[{c.name}] handle", diagnostics)
    attrs = _first_of_each(c.attrs, lambda a: a.key, attr_keys.index,
                           f"[{c.name}] attribute", diagnostics)
    refs = _first_of_each(c.refs, lambda r: r.field, spec.field_order,
                          f"[{c.name}] field", diagnostics)
    children = tuple(_canonical_component(child, diagnostics) for child in c.children)
    return Component(c.name, attrs, topo, refs, children, c.line, c.col)


def serialize(scene: Scene) -> str:
    """Canonical text of an already-canonical scene: one token per line."""
    out = ["[scene]"]
    if scene.plan is not None:
        out.append(f"[{vocab.PLAN_KEY}:{scene.plan}]")
    out.extend(f"[{a.key}:{a.value}]" for a in scene.attrs)
    for c in scene.components:
        _write(c, out)
    out.append("[/scene]")
    return "\n".join(out) + "\n"


def _write(c: Component, out: list[str]) -> None:
    out.append(f"[{c.name}]")
    out.extend(f"[{t.key}:{t.id}]" for t in c.topo)
    out.extend(f"[{a.key}:{a.value}]" for a in c.attrs)
    out.extend(f"[{r.field}_ref:{r.path}]" for r in c.refs)
    for child in c.children:
        _write(child, out)
    out.append(f"[/{c.name}]")
