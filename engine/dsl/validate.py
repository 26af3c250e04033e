"""Parsed entries -> Scene, checking every name, value, ref path and topology handle, and where
each component stands (DSL v2: only containers hold components, at most MAX_DEPTH deep, page
chrome never inside one).

Problems become Diagnostics with a stable code; anything invalid is left out of the scene, so the
scene that comes out always compiles. A block the parser had to close (never closed in the text)
that is not a container ends where the next component begins, as in v1: the components written
after it are its siblings, not its children.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import replace

from engine.diagnostics import Diagnostic, Severity
from engine.dsl import vocab
from engine.dsl.model import Attr, Component, Ref, Scene, Topo, walk
from engine.dsl.parse import Block, Compact

_INDEXED_PATH = re.compile(r"([a-z][a-z0-9_]*)\.(\d+)\.([a-z][a-z0-9_]*)\Z")
_NODE_PATH = re.compile(r"nodes\.([A-Za-z0-9_\-]+)\.([a-z][a-z0-9_]*)\Z")
_EDGE_PATH = re.compile(r"edges\.([A-Za-z0-9_\-]+)\Z")
# difflib compares a typo with every node id; a real scene has tens of nodes, and past this many a
# suggestion would cost more (edges x nodes comparisons) than it helps.
MAX_NODES_TO_SUGGEST_FROM = 64


def _may_hold(parent: Component | None, name: str) -> bool:
    """Whether `name` may stand in `parent` (None: the page) as far as held-only kinds go
    (vocab ComponentSpec.holds): a chart's parts only in a chart, and a chart holds only them."""
    holds = vocab.COMPONENTS[parent.name].holds if parent is not None else ()
    return name in holds if holds else vocab.HELD_BY.get(name) is None


def _did_you_mean(word: str, choices) -> str:
    guess = vocab.closest(word, tuple(choices))
    return f"; did you mean '{guess}'?" if guess else ""


class _Checker:
    def __init__(self) -> None:
        self.diagnostics: list[Diagnostic] = []

    def report(self, at, code: str, message: str, severity: Severity = Severity.ERROR) -> None:
        self.diagnostics.append(Diagnostic(at.line, at.col, code, message, severity))

    # ---- top level ------------------------------------------------------------------------
    def top_attr(self, a: Attr) -> Attr | None:
        if a.key == vocab.PLAN_KEY:
            return a if self.value_ok(a, vocab.PLAN_VALUES) else None
        if a.key not in vocab.TOP_LEVEL_KEYS:
            keys = (*vocab.TOP_LEVEL_KEYS, vocab.PLAN_KEY)
            self.report(a, "unknown-key", f"unknown scene attribute '{a.key}'{_did_you_mean(a.key, keys)}")
            return None
        if a.key == "topic":
            if not vocab.TOPIC_PATTERN.match(a.value):
                self.report(a, "bad-topic", f"topic '{a.value}' must be an identifier like memory_reality")
                return None
            return a
        return a if self.value_ok(a, vocab.TOP_LEVEL_VALUES[a.key]) else None

    def value_ok(self, a: Attr, allowed: tuple[str, ...]) -> bool:
        if a.value in allowed:
            return True
        self.report(a, "unknown-value",
                    f"'{a.value}' is not a value of {a.key} ({', '.join(allowed)})"
                    f"{_did_you_mean(a.value, allowed)}")
        return False

    # ---- components ----------------------------------------------------------------------
    def component(self, entry: Block | Compact, depth: int = 1,
                  parent: Component | None = None) -> Component | None:
        comp = entry.component if isinstance(entry, Block) else self.expand(entry)
        if isinstance(entry, Block):
            self.block_close(entry)
        if comp is None:
            return None
        spec = vocab.COMPONENTS.get(comp.name)
        if spec is None:
            self.report(comp, "unknown-component",
                        f"unknown component [{comp.name}]{_did_you_mean(comp.name, vocab.COMPONENTS)}")
            return None
        if parent is not None and spec.top_level_only:
            self.report(comp, "top-level-only",
                        f"[{comp.name}] belongs to the page, not inside [{parent.name}] (line {parent.line}); "
                        "move it out")
            return None
        if not _may_hold(parent, comp.name):
            where = vocab.HELD_BY.get(comp.name)
            self.report(comp, "misplaced",
                        f"[{comp.name}] stands only inside [{where}]; it is dropped" if where else
                        f"[{parent.name}] (line {parent.line}) holds only {_listed(vocab.COMPONENTS[parent.name].holds)}; "
                        f"[{comp.name}] is dropped")
            return None
        if spec.container and depth > vocab.MAX_DEPTH:
            self.report(comp, "too-deep",
                        f"[{comp.name}] would be a container {depth} deep; containers nest at most "
                        f"{vocab.MAX_DEPTH} deep")
            return None
        attrs = tuple(a for a in comp.attrs if self.component_attr(comp.name, spec, a))
        topo = tuple(t for t in comp.topo if self.topology(comp.name, spec, t))
        refs = tuple(r for r in comp.refs if self.ref(comp.name, spec, r))
        kept = Component(comp.name, attrs, topo, refs, line=comp.line, col=comp.col)
        written = entry.children if isinstance(entry, Block) else ()
        if not written:
            return kept
        if not spec.container:
            for child in written:
                self.report(_entry_at(child), "not-a-container",
                            f"[{comp.name}] (line {comp.line}) holds no components, only "
                            f"{_listed(vocab.CONTAINERS)} do; "
                            f"[{_entry_name(child)}] is dropped")
            return kept
        children = (self.component(c, depth + 1, kept) for c in _ended(written))
        return Component(comp.name, attrs, topo, refs, tuple(c for c in children if c is not None),
                         comp.line, comp.col)

    def block_close(self, b: Block) -> None:
        name = b.component.name
        if b.close_name == "":
            self.report(b.component, "unclosed-block", f"[{name}] is never closed: add [/{name}]")
        elif b.close_name != name:
            self.report(_At(b.close_line, b.close_col), "mismatched-block",
                        f"[/{b.close_name}] closes [{name}] opened at line {b.component.line}; "
                        f"write [/{name}]")

    def expand(self, c: Compact) -> Component | None:
        """Compact cells -> block items: positional @refs first, then key=value cells."""
        spec = vocab.COMPONENTS.get(c.name)
        if spec is None:
            self.report(c, "unknown-component",
                        f"unknown component [{c.name}:...]{_did_you_mean(c.name, vocab.COMPONENTS)}")
            return None
        attrs: list[Attr] = []
        topo: list[Topo] = []
        refs: list[Ref] = []
        position = 0
        for cell in c.cells:
            if cell.startswith("@"):
                path = cell[1:]
                # A path that ends in one of the component's fields binds to it, whatever its place.
                last = path.rsplit(".", 1)[-1]
                field = last if spec.field_order(last) is not None else spec.positional_field(position)
                position += 1
                if field is None:
                    self.report(c, "extra-cell", f"[{c.name}:...] has more positional cells than fields")
                    continue
                refs.append(Ref(field, path, c.line, c.col))
            else:
                key, value = cell.split("=", 1)
                if key in vocab.TOPOLOGY_KEYS:
                    topo.append(Topo(key, value, c.line, c.col))
                elif key.endswith("_ref"):
                    refs.append(Ref(key[:-4], value, c.line, c.col))
                else:
                    attrs.append(Attr(key, value, c.line, c.col))
        return Component(c.name, tuple(attrs), tuple(topo), tuple(refs), line=c.line, col=c.col)

    def component_attr(self, name: str, spec: vocab.ComponentSpec, a: Attr) -> bool:
        if a.key not in spec.attrs:
            hint = f" (it takes {', '.join(spec.attrs)})" if spec.attrs else " (it takes none)"
            self.report(a, "unknown-attribute", f"[{name}] has no attribute '{a.key}'{hint}")
            return False
        return self.value_ok(a, spec.attrs[a.key])

    def topology(self, name: str, spec: vocab.ComponentSpec, t: Topo) -> bool:
        if t.key not in spec.topology:
            self.report(t, "unexpected-topology", f"[{name}] takes no [{t.key}:...]")
            return False
        return True

    def ref(self, name: str, spec: vocab.ComponentSpec, r: Ref) -> bool:
        if spec.field_order(r.field) is None:
            fields = list(spec.fields) + (["column_1", "column_2", "..."] if spec.column_fields else [])
            self.report(r, "unknown-field",
                        f"[{name}] has no field '{r.field}' ({', '.join(fields)})"
                        f"{_did_you_mean(r.field, fields)}")
            return False
        problem = _ref_path_problem(r.path)
        if problem:
            self.report(r, "bad-ref-path", f"ref path '{r.path}': {problem}")
            return False
        return True

    # ---- whole scene ----------------------------------------------------------------------
    def requirements(self, scene: Scene, comps: list[Component], where) -> None:
        layout = scene.layout or vocab.DEFAULT_LAYOUT
        counts = Counter(c.name for c in comps)
        for name, least in vocab.REQUIREMENTS.get(layout, ()):
            if counts[name] < least and not counts[vocab.ALSO_MET_BY.get(name, "")]:
                self.report(where, "missing-component",
                            f"{layout} needs at least {least} [{name}] (has {counts[name]})",
                            Severity.WARNING)

    def node_graph(self, comps: list[Component]) -> None:
        ids: dict[str, Component] = {}
        for c in comps:
            node = c.topo_id("node_id")
            if node is None:
                if c.name == "decision_node":
                    self.report(c, "missing-node-id", "[decision_node] needs [node_id:...]")
                continue
            if node in ids:
                self.report(c, "duplicate-node-id", f"node_id '{node}' is already used at line {ids[node].line}")
            ids.setdefault(node, c)
        for c in comps:
            for t in c.topo:
                if t.key in ("from_ref", "to_ref") and t.id not in ids:
                    target = _LINK_TARGETS.get(c.name, "component's [node_id:...] in the scene")
                    hint = _did_you_mean(t.id, ids) if len(ids) <= MAX_NODES_TO_SUGGEST_FROM else ""
                    self.report(t, "unknown-node", f"{t.key} '{t.id}' names no {target}{hint}")
                elif t.key in ("from_ref", "to_ref") and ids[t.id].name != _END_KINDS.get(c.name, ids[t.id].name):
                    self.report(t, "unknown-node", f"{t.key} '{t.id}' names a [{ids[t.id].name}], "
                                                   f"not a [{_END_KINDS[c.name]}]")


# What each connector's ends name, for the message when one names nothing.
_LINK_TARGETS = {"decision_edge": "decision_node", "flow_arrow": "stage_card", "phase": "milestone"}
# Connectors whose ends must be of one kind: a phase spans milestones.
_END_KINDS = {"phase": "milestone"}


def _entry_at(entry: Block | Compact):
    return entry.component if isinstance(entry, Block) else entry


def _entry_name(entry: Block | Compact) -> str:
    return _entry_at(entry).name


def _ended(entries):
    """Entries with each never-closed non-container ended where the next one begins: what the
    parser nested inside it follows it instead (see the module's docstring). Iterative, since a
    hostile text can leave many such blocks inside one another."""
    out: list = []
    pending = [iter(entries)]
    while pending:
        for entry in pending[-1]:
            if (isinstance(entry, Block) and entry.close_name == "" and entry.children
                    and entry.component.name not in vocab.CONTAINERS):
                out.append(replace(entry, children=()))
                pending.append(iter(entry.children))
                break
            out.append(entry)
        else:
            pending.pop()
    return out


class _At:
    __slots__ = ("line", "col")

    def __init__(self, line: int, col: int):
        self.line, self.col = line, col


def _ref_path_problem(path: str) -> str | None:
    """Why a content path is malformed, or None. Paths: component.index.field, nodes.id.field,
    edges.from_to (SPEC.md §2)."""
    if m := _INDEXED_PATH.match(path):
        root, _, field = m.groups()
        spec = vocab.COMPONENTS.get(root)
        if spec is None:
            return f"'{root}' is not a component{_did_you_mean(root, vocab.COMPONENTS)}"
        if spec.field_order(field) is None:
            return f"[{root}] has no field '{field}'"
        return None
    if _NODE_PATH.match(path) or _EDGE_PATH.match(path):
        return None
    return "expected component.index.field, nodes.<id>.<field> or edges.<from>_<to>"


def build_scene(entries: list, scene_at=None) -> tuple[Scene, list[Diagnostic]]:
    """Turn parsed entries into a Scene (written order kept) plus vocabulary diagnostics."""
    checker = _Checker()
    attrs: list[Attr] = []
    plan: Attr | None = None
    components: list[Component] = []
    for entry in _ended(entries):
        if isinstance(entry, Attr):
            if (a := checker.top_attr(entry)) is None:
                continue
            if a.key != vocab.PLAN_KEY:
                attrs.append(a)
            elif plan is None:
                plan = a
            else:
                checker.report(a, "duplicate-attribute", f"duplicate scene attribute 'plan' dropped; the first "
                                                         f"(line {plan.line}) is kept", Severity.WARNING)
        elif (c := checker.component(entry)) is not None:
            components.append(c)
    scene = Scene(tuple(attrs), tuple(components), plan.value if plan else None)
    if scene.attr("layout") is None:
        checker.report(scene_at or _At(1, 1), "missing-layout",
                       f"no [layout:...]; {vocab.DEFAULT_LAYOUT} is assumed", Severity.WARNING)
    every = [v.comp for v in walk(scene)]
    checker.requirements(scene, every, scene_at or _At(1, 1))
    checker.node_graph(every)
    return scene, checker.diagnostics


def _listed(names) -> str:
    """[a], [b] and [c]."""
    tags = [f"[{n}]" for n in names]
    return " and ".join(tags) if len(tags) < 3 else ", ".join(tags[:-1]) + " and " + tags[-1]
