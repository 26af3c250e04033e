"""The one place the compiler's stages are chained: bind -> style -> layout -> SVG."""
from __future__ import annotations

import dataclasses
import hashlib
import json
from collections import defaultdict
from dataclasses import dataclass

from engine.compiler import fit
from engine.compiler.geometry import Layout, Text
from engine.compiler.layouts import LAYOUTS
from engine.compiler.links import connect
from engine.compiler.resolve import Bound, bind
from engine.compiler.style import style_of
from engine.compiler.svg import to_svg
from engine.diagnostics import Diagnostic, DiagnosticError, Severity
from engine.dsl.canonical import serialize
from engine.dsl.model import Scene


@dataclass(frozen=True)
class Compiled:
    svg: str
    layout: Layout
    diagnostics: tuple[Diagnostic, ...]


def id_prefix(scene: Scene, content) -> str:
    """Defs ids derive from what was drawn, so two different scenes in one page never clash (the
    plan line draws nothing, so a scene compiles to the same SVG with it or without it)."""
    drawn = dataclasses.replace(scene, plan=None)
    key = serialize(drawn) + json.dumps(content, sort_keys=True, ensure_ascii=False, default=str)
    return "ck" + hashlib.sha1(key.encode("utf-8", "surrogatepass")).hexdigest()[:8]


def cuts(layout: Layout) -> list[Diagnostic]:
    """The text-overflow warnings of what was placed and of what was left out, once each, in
    scene order."""
    found = dict.fromkeys([*(s.cut for s in layout.shapes if isinstance(s, Text) and s.cut is not None),
                           *layout.dropped])
    return sorted(found, key=lambda d: (d.line, d.col))


def tree_of(bound: list[Bound]) -> tuple[list[Bound], list[Bound]]:
    """The components the layouts draw, as a tree (the scene's own, each container holding its
    children), and the links, drawn on their own layer once every box is placed."""
    kept: dict[tuple[int, ...], Bound] = {}
    links: list[Bound] = []
    for b in bound:
        if b.name == "link":
            links.append(b)
        else:
            kept[b.path] = b
    held: dict[tuple[int, ...], list[tuple[int, ...]]] = defaultdict(list)
    for path in kept:
        held[path[:-1]].append(path)

    def hang(path: tuple[int, ...]) -> Bound:
        b = kept[path]
        return dataclasses.replace(b, children=tuple(hang(p) for p in held[path])) if held[path] else b

    return [hang(p) for p in held[()]], links


def compile_scene(scene: Scene, content, *, strict: bool = False) -> Compiled:
    """Compile a canonical scene with its content. `strict` raises on unresolved refs and on text
    cut to fit its box."""
    bound, diagnostics = bind(scene, content)
    if strict and diagnostics:
        raise DiagnosticError(diagnostics)
    named = {i for b in bound if (i := b.comp.topo_id("node_id"))}
    tree, links = tree_of(bound)
    style = style_of(scene)
    layout, style = fit.arrange(LAYOUTS[style.layout], tree, style)
    connect(layout, links, named, style, diagnostics)
    cut = cuts(layout)
    if strict and cut:
        raise DiagnosticError([dataclasses.replace(d, severity=Severity.ERROR) for d in cut])
    diagnostics += cut
    p = style.palette
    svg = to_svg(layout, id_prefix(scene, content), title=style.topic.replace("_", " "),
                 arrow_colour=p.text_muted, shadow_colour=p.shadow, shadow_opacity=p.shadow_opacity)
    return Compiled(svg, layout, tuple(diagnostics))


def compile_svg(scene: Scene, content, strict: bool = False) -> str:
    return compile_scene(scene, content, strict=strict).svg
